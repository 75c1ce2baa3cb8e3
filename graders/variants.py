"""Per-student exam variants: parameters drawn from the secret course seed and a student id.

An exam question may declare *parameters* (sizes, matrices, data, constants) on its
:class:`~graders.checks.CheckSpec` (``parameters`` draws them from a generator,
``variant_cases`` builds the hidden cases from a generator and the parameters). Every
student then gets their own values, in the released question text (``{{ name }}``, see
:func:`render`) and in the hidden inputs and reference the judge uses for them.

Derivation (documented because regrading and H8's similarity check recompute it):

* the *variant key* of one (course seed, assignment, check id, student id) is the SHA-256
  of the JSON list ``["mml-variant-v1", seed, assignment, check_id, student, stream]``
  (``stream`` is ``"parameters"`` or ``"cases"``), read as a 256-bit integer;
* that integer is the entropy of a :class:`numpy.random.SeedSequence`, whose
  ``default_rng`` draws the parameters (stream ``"parameters"``) or the hidden cases
  (stream ``"cases"``).

SHA-256 makes the streams of two students, two questions or two assignments unrelated
(any change of the tuple changes every bit of the key), and no released file can be traced
back to the course seed: the seed enters only the hash, and a student sees only values
drawn from the generator, never the key (the release test scans for both). A check without
``parameters`` is unaffected: its cases come from :func:`graders.checks.case_rng` as before.

Students: a course releases per-student notebooks with ``mml release ASSIGNMENT --roster``
(:mod:`graders.nbgrader_io.release`); it records the roster in ``.mml/variants/<a>.json``
(:func:`released_students`), and grading uses a student's own variant exactly when that
student is recorded there. Everyone else (a shared release, ``mml check``'s notebook runs)
is graded on the :data:`DEFAULT_STUDENT` variant, whose values the shared release shows:
for a value answer the numbers judged must be the numbers the notebook states.

Where templates may stand: anywhere in a markdown cell, and in a code cell outside its
solution and hidden-test regions (a value question's data lines at the top of its answer
cell: ``A_e7 = np.array({{ e7_A }})``), so each student's notebook defines that student's
data. A planted answer of the task bank (:class:`graders.checks.Task`) starts with the same
templated lines; it is rendered with the parameters of the cases it is judged on
(:func:`bank_code`), so a wrong answer is always computed from the data it is graded with.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graders.checks import Case, CheckSpec, case_rng
from graders.errors import ConfigError

if TYPE_CHECKING:
    from graders.pipeline.source import SourceSpec

__all__ = [
    "CHECK_STUDENTS",
    "DEFAULT_STUDENT",
    "STUDENT_ID_PATTERN",
    "assignment_parameters",
    "bank_code",
    "check_cases",
    "format_value",
    "has_templates",
    "manifest_path",
    "parameters_for",
    "read_roster",
    "record_students",
    "released_students",
    "render",
    "render_cell_source",
    "render_code",
    "render_notebook",
    "render_source",
    "secret_strings",
    "source_checks",
    "template_names",
    "validate_student_id",
    "variant_key",
    "variant_rng",
]

#: The student id of the shared variant: the one a release without a roster shows, and the
#: one graded for any student who did not receive a personal notebook.
DEFAULT_STUDENT = "*"

#: Student ids usable as a folder name: letters, digits, ``.``, ``_``, ``-`` (64 at most),
#: not starting with ``.`` or ``-``.
STUDENT_ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")

_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def variant_key(seed: int, assignment: str, check_id: str, student: str,
                stream: str = "parameters") -> int:
    """The 256-bit key of one student's stream of one check (see the module docstring)."""
    text = json.dumps(["mml-variant-v1", int(seed), assignment, check_id, student, stream])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def variant_rng(seed: int, assignment: str, check_id: str, student: str,
                stream: str = "parameters") -> np.random.Generator:
    """The generator of one student's parameters (or hidden cases) of one check."""
    key = variant_key(seed, assignment, check_id, student, stream)
    return np.random.default_rng(np.random.SeedSequence(key))


def parameters_for(spec: CheckSpec, seed: int, assignment: str,
                   student: str | None) -> dict[str, Any] | None:
    """A student's parameters of ``spec`` (None for a check without parameters).

    ``student`` None means :data:`DEFAULT_STUDENT`.
    """
    if spec.parameters is None:
        return None
    return dict(spec.parameters(variant_rng(seed, assignment, spec.id,
                                            student or DEFAULT_STUDENT)))


def check_cases(spec: CheckSpec, seed: int, assignment: str, student: str | None) -> list[Case]:
    """The hidden cases of ``spec`` for one student: what grading runs and judges.

    A check without parameters gets the course-wide cases of
    :func:`graders.checks.case_rng`. A parametrised check builds the student's cases from
    the student's parameters and the student's ``"cases"`` stream; ``student`` None (a
    student without a personal notebook, ``mml check``'s notebook runs) means
    :data:`DEFAULT_STUDENT`, whose values the shared release shows: a value answer must be
    judged on exactly the numbers its notebook states.
    """
    params = parameters_for(spec, seed, assignment, student)
    if params is None or spec.variant_cases is None:
        return spec.cases(case_rng(seed, spec.id))
    rng = variant_rng(seed, assignment, spec.id, student or DEFAULT_STUDENT, "cases")
    return spec.variant_cases(rng, params)


def format_value(value: Any) -> str:
    """A parameter as readable, exact Python text: ``3``, ``0.25``, ``[[2, 1], [1, 2]]``.

    Integers print as integers, floats by their shortest round-trip form, arrays as nested
    lists (so a student can paste them into ``np.array(...)`` and get the same numbers).
    """
    if isinstance(value, np.ndarray):
        return format_value(value.tolist())
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    return str(value)


def template_names(text: str) -> list[str]:
    """The parameter names a cell's text uses (``{{ name }}``), in order of appearance."""
    return [m.group(1) for m in _TEMPLATE.finditer(text)]


def _literal(name: str, text: str, where: str) -> str:
    """``text`` if it is a Python literal (a number, nested lists of numbers), else raise:
    in a code cell anything else (``nan``, ``inf``, a string, an object's ``str``) is a
    broken data line or, worse, code the release would run in every student's notebook."""
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ConfigError(f"{where}: parameter {name} = {text[:60]!r} is not a Python literal, "
                          "so it cannot stand in a code cell: make the parameters generator "
                          "return finite numbers or arrays of them") from None
    return text


def render(text: str, params: Mapping[str, Any], where: str = "", *,
           literal: bool = False) -> str:
    """Replace every ``{{ name }}`` in ``text`` by :func:`format_value` of ``params[name]``.

    The syntax is deliberately tiny: a name between double braces, nothing else (no
    expressions, filters or attribute access), so rendering cannot run code.

    Raises:
        ConfigError: a name that no parametrised check of the assignment declares, or with
            ``literal`` (code cells) a value that is not a Python literal; the message names
            ``where`` (the notebook and cell).
    """
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise ConfigError(f"{where}: template {{{{ {name} }}}} names no parameter of this "
                              f"assignment's checks (known: {', '.join(sorted(params)) or 'none'})")
        text = format_value(params[name])
        return _literal(name, text, where) if literal else text

    return _TEMPLATE.sub(one, text)


_REGION = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*$")


def render_code(text: str, params: Mapping[str, Any], where: str = "") -> str:
    """Render the templates of a code cell's lines outside its solution and hidden regions.

    Values print as exact Python literals (:func:`format_value`), so a rendered data line is
    valid code defining exactly the student's numbers; a value that does not (``nan``, a
    string) is refused rather than pasted into code.

    Raises:
        ConfigError: a template inside a ``### BEGIN SOLUTION`` or ``### BEGIN HIDDEN
            TESTS`` region (nbgrader removes or hides those, so the student would not see
            the value), a name no parametrised check declares, or a value that is not a
            Python literal; the message names ``where``.
    """
    lines = text.splitlines(keepends=True)
    inside = False
    for i, line in enumerate(lines):
        marker = _REGION.match(line.rstrip("\r\n"))
        if marker:
            inside = marker.group(1) == "BEGIN"
        elif template_names(line):
            if inside:
                raise ConfigError(f"{where}: template in line {i + 1} stands inside a solution "
                                  "or hidden region: move the data line above the region")
            lines[i] = render(line, params, where, literal=True)
    return "".join(lines)


def render_cell_source(cell: Any, params: Mapping[str, Any], where: str) -> str:
    """A cell's source rendered for ``params``: markdown wholly, code outside its regions."""
    if cell.cell_type == "markdown":
        return render(cell.source, params, where)
    if cell.cell_type == "code":
        return render_code(cell.source, params, where)
    return str(cell.source)


def has_templates(cell: Any) -> bool:
    """Whether a markdown or code cell holds a ``{{ name }}`` template."""
    return cell.cell_type in ("markdown", "code") and bool(template_names(cell.source))


def bank_code(code: str, cases: Mapping[str, Sequence[Case]]) -> str:
    """A planted answer's code rendered with the parameters of the cases it is judged on.

    A parametrised question whose answer cell holds templated data lines puts the student's
    parameters, keyed by template name, in each case's judge-only context
    (``context["variant"]``); code without templates is returned as it is.
    """
    if not template_names(code):
        return code
    params: dict[str, Any] = {}
    for spec_cases in cases.values():
        for case in spec_cases:
            params.update(case.context.get("variant") or {})
    return render_code(code, params, "a planted answer of the task bank")


def validate_student_id(student: str, where: str) -> str:
    """Return ``student`` if it is safe as a folder name, else raise naming ``where``."""
    if not STUDENT_ID_PATTERN.fullmatch(student):
        raise ConfigError(f"{where}: student id {student!r} is not usable as a folder name "
                          "(use letters, digits, '.', '_' or '-', at most 64, not starting "
                          "with '.' or '-')")
    return student


def read_roster(path: Path) -> list[str]:
    """The student ids of a roster CSV (a ``student_id`` column; other columns ignored).

    Raises:
        ConfigError: the file is missing or unreadable, has no ``student_id`` column,
            repeats an id, or holds an id unsafe as a folder name; the message names the file.
    """
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the roster: {exc}") from exc
    if "student_id" not in header:
        raise ConfigError(f"{path}: the roster needs a 'student_id' column (a CSV whose first "
                          "line names the columns, e.g. 'student_id,name')")
    ids: list[str] = []
    for line, row in enumerate(rows, start=2):
        sid = (row.get("student_id") or "").strip()
        validate_student_id(sid, f"{path}, line {line}")
        if sid in ids:
            raise ConfigError(f"{path}, line {line}: student id {sid!r} appears twice")
        ids.append(sid)
    return ids


def manifest_path(course_root: Path, assignment: str) -> Path:
    """``.mml/variants/<assignment>.json``: the students released with their own variant."""
    return Path(course_root) / ".mml" / "variants" / f"{assignment}.json"


def record_students(course_root: Path, assignment: str, students: Sequence[str]) -> Path:
    """Record the roster of a per-student release (kept under ``.mml/``, never released)."""
    path = manifest_path(course_root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "students": sorted(students)}, indent=1) + "\n")
    return path


def released_students(course_root: Path, assignment: str) -> frozenset[str]:
    """The students who received their own variant of ``assignment`` (empty if none)."""
    path = manifest_path(course_root, assignment)
    if not path.is_file():
        return frozenset()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return frozenset(str(s) for s in data["students"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: unreadable variant record ({exc}); rerun "
                          "`mml release ASSIGNMENT --roster ROSTER.csv`") from exc


def assignment_parameters(specs: Sequence[CheckSpec], seed: int, assignment: str,
                          student: str | None) -> dict[str, Any]:
    """Every parameter of the parametrised checks in ``specs`` for one student, by name.

    Raises:
        ConfigError: two checks declare the same parameter name (the templates of the
            question text could not tell them apart).
    """
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for spec in specs:
        for name, value in (parameters_for(spec, seed, assignment, student) or {}).items():
            if name in owner and owner[name] != spec.id:
                raise ConfigError(f"parameter {name!r} is declared by both {owner[name]} and "
                                  f"{spec.id}: give each question's parameters a prefix")
            merged[name], owner[name] = value, spec.id
    return merged


def secret_strings(specs: Sequence[CheckSpec], seed: int, assignment: str,
                   students: Sequence[str]) -> list[str]:
    """What must never appear in a released file: the seed and every derived variant key.

    The keys are listed in decimal and hexadecimal, as would a careless debug print.
    """
    found = [str(int(seed))]
    for spec in (s for s in specs if s.parameters is not None):
        for student in [DEFAULT_STUDENT, *students]:
            for stream in ("parameters", "cases"):
                key = variant_key(seed, assignment, spec.id, student, stream)
                found += [str(key), format(key, "x")]
    return found


def source_checks(spec: SourceSpec) -> list[CheckSpec]:
    """The checks the auto questions of a parsed source name, each once, in order."""
    from graders.checks import get_check

    ids = dict.fromkeys(c for q in spec.questions if q.kind == "auto" for _, c in q.checks)
    return [get_check(i) for i in ids]


def render_notebook(notebook: Any, params: Mapping[str, Any], where: str) -> Any:
    """Render the ``{{ name }}`` templates of ``notebook``'s cells in place.

    Markdown cells wholly, code cells outside their solution and hidden regions
    (:func:`render_code`); a rendered cell's nbgrader checksum, if it has one, is recomputed
    so nbgrader's own validation does not see an edited locked cell. Returns ``notebook``.
    """
    from nbgrader.utils import compute_checksum

    for cell in notebook.cells:
        if not has_templates(cell):
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
        cell.source = render_cell_source(cell, params, f"{where}, cell {grade_id}")
        if "checksum" in cell.metadata.get("nbgrader", {}):
            cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
    return notebook


def render_source(spec: SourceSpec, seed: int, student: str | None) -> SourceSpec:
    """The parsed source with its templates rendered for ``student`` (None: shared).

    Grading compares each locked cell of a submission with the source's; a personal
    notebook's question text and data lines hold the student's values, so the source is
    rendered the same way first (and the autograded notebook shows the student's values).
    A source without templates is returned unchanged.
    """
    import copy
    import dataclasses

    if not any(has_templates(c.cell) for c in spec.cells):
        return spec
    params = assignment_parameters(source_checks(spec), seed, spec.path.parent.name, student)
    cells = []
    for sc in spec.cells:
        if has_templates(sc.cell):
            where = f"{spec.path}, cell {sc.grade_id}"
            cell = copy.deepcopy(sc.cell)
            cell.source = render_cell_source(cell, params, where)
            one = render if cell.cell_type == "markdown" else render_code
            sc = dataclasses.replace(sc, cell=cell, public=one(sc.public, params, where),
                                     run_source=one(sc.run_source, params, where))
        cells.append(sc)
    return dataclasses.replace(spec, cells=tuple(cells))


#: The student ids ``mml check`` proves every variant family on (besides the course-wide
#: cases its notebook runs use): any fixed ids do, the derivation makes them unrelated.
CHECK_STUDENTS: tuple[str, ...] = ("check-student-a", "check-student-b", "check-student-c")
