"""Validate a notebook before submitting it: will it be graded, and what will go wrong.

``mml validate NOTEBOOK`` is the student's command. It has the notebook and nothing
else (no course directory, no instructor source), so it checks the notebook against
itself and against what the release wrote into it:

1. **Intake**, exactly as the grader does it (:func:`graders.pipeline.intake.read_notebook`
   with the default limits): a file the grader would refuse is "will not be graded".
2. **Structure**, against the release manifest (:mod:`graders.nbgrader_io.manifest`) and
   nbgrader's checksums of locked cells: every released graded cell present once, with
   its type and grade_id; locked cells and points unedited; the file's released name.
   Each finding is what :mod:`graders.pipeline.assemble` would flag when grading.
3. **Run**: the cells the grader would run (cells with a released grade_id, first copies;
   cells a student added are ignored by the grader, so here too), top to bottom, in the
   grading sandbox (a one-shot bubblewrap run) under the grader's default limits,
   through the same runtime (:func:`graders.pipeline.execute.execute`, a plan without
   hidden calls). A released test cell holds only public checks, so each test cell's
   outcome is its public checks' outcome: passed, failed (why, in plain words), or not
   reached.

Exit codes (:meth:`ValidationReport.exit_code`): 0 "will be graded" (failing public checks
are a warning about marks, not about gradability: an untouched release is gradable and
fails every check); 1 "will be graded, but fix these first" (a deleted, duplicated or
renamed cell, an edited locked cell or points, a renamed file, a cell that raised at top
level or ran past a limit: each costs marks whatever the answers, or flags the submission);
2 "will not be graded" (the grader's intake refuses the file).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
from traitlets.config import Config

from graders.config import Course, MMLGrader
from graders.errors import Ungradable
from graders.nbgrader_io.manifest import (
    Manifest,
    ManifestCell,
    build_manifest,
    read_manifest,
    role_of,
)
from graders.pipeline.execute import Execution, execute
from graders.pipeline.intake import read_notebook
from graders.pipeline.plan import Plan
from graders.runtime.protocol import CellRecord, PlanCell
from graders.sandbox import Sandbox, limits_of, make_sandbox

__all__ = ["SCHEMA_VERSION", "Finding", "Layout", "PublicCheck", "ValidationReport",
           "check_structure", "checksum", "validate"]

SCHEMA_VERSION = 1
Verdict = Literal["will be graded", "will be graded, but fix these first", "will not be graded"]
CheckStatus = Literal["passed", "failed", "not reached"]
_EXIT = {"will be graded": 0, "will be graded, but fix these first": 1, "will not be graded": 2}
_FRESH = "copy it back from a fresh copy of the released notebook"


@dataclass(frozen=True)
class Finding:
    """One thing that will go wrong, or a warning.

    Attributes:
        position: the cell's number, counting every cell from 1 (0: the whole notebook).
        grade_id: the cell's grade_id ("" when it has none).
        problem: what is wrong, in plain words.
        fix: what to do about it.
    """

    position: int
    grade_id: str
    problem: str
    fix: str

    def line(self) -> str:
        """One line for the terminal."""
        where = (f"cell {self.position}" + (f" ({self.grade_id})" if self.grade_id else "")
                 if self.position else self.grade_id or "notebook")
        return f"{where}: {self.problem}. Fix: {self.fix}."


@dataclass(frozen=True)
class PublicCheck:
    """The public checks of one graded test cell, as they ran.

    Attributes:
        grade_id: the test cell's grade_id.
        position: its cell number (from 1).
        points: its points.
        status: "passed", "failed" or "not reached".
        detail: why it failed, in plain words ("" when it passed).
    """

    grade_id: str
    position: int
    points: float
    status: CheckStatus
    detail: str = ""


@dataclass
class ValidationReport:
    """The result of validating one notebook (versioned JSON: :meth:`to_json`).

    Attributes:
        notebook: the file validated.
        problems: what will go wrong unless fixed (any makes the exit code non-zero).
        warnings: what is worth knowing but will not stop grading.
        checks: the public checks, per test cell in order.
        ungradable: the grader's intake refuses the file (the reason is the first problem).
        seconds: wall time of the whole validation.
        timings: seconds of the sandboxed run by stage (sandbox, startup, notebook).
        schema_version: version of the JSON form.
    """

    notebook: str
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checks: list[PublicCheck] = field(default_factory=list)
    ungradable: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def verdict(self) -> Verdict:
        """The overall verdict, in words."""
        if self.ungradable:
            return "will not be graded"
        return "will be graded, but fix these first" if self.problems else "will be graded"

    def exit_code(self) -> int:
        """0 will be graded, 1 will be graded but fix the problems first, 2 will not be graded."""
        return _EXIT[self.verdict]

    def to_json(self) -> str:
        """The versioned JSON form (the verdict included)."""
        return json.dumps({**asdict(self), "verdict": self.verdict}, indent=1)

    def text(self) -> str:
        """The report for the terminal: public checks, problems, warnings, verdict."""
        lines = [f"{self.notebook}:"]
        for c in self.checks:
            detail = f": {c.detail}" if c.detail else ""
            lines.append(f"  {c.grade_id} (cell {c.position}, {c.points:g} points): "
                         f"public checks {c.status}{detail}")
        lines += [f"  PROBLEM {p.line()}" for p in self.problems]
        lines += [f"  warning {w.line()}" for w in self.warnings]
        failing = sum(c.status != "passed" for c in self.checks)
        tail = (f" ({failing} of {len(self.checks)} test cells' public checks do not pass: "
                "your marks depend on hidden checks of the same functions)"
                if failing and not self.ungradable else "")
        lines.append(f"verdict: {self.verdict}{tail} [{self.seconds:.1f} s]")
        return "\n".join(lines)


def checksum(cell: Any) -> str:
    """nbgrader's checksum of a cell (``nbgrader.utils.compute_checksum``, same bytes).

    Computed here because importing ``nbgrader.utils`` costs seconds; a unit test holds
    the two equal.
    """
    meta = cell.metadata.nbgrader
    grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
    locked = not solution and (grade or bool(meta.get("locked")))  # nbgrader's is_locked
    digest = hashlib.md5()  # nbgrader's checksum (of edits), not a security measure
    for part in (cell.source, cell.cell_type, str(grade), str(solution), str(locked),
                 meta["grade_id"]):
        digest.update(str(part).encode("utf-8"))
    if meta.get("grade"):
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


@dataclass
class Layout:
    """What the grader would make of the notebook's cells.

    Attributes:
        run: (cell index, code) of the code cells the grader would run, in order.
        tests: (cell index, grade_id, points) of the graded test cells among them.
        problems: structural findings that need fixing.
        warnings: structural findings worth knowing.
    """

    run: list[tuple[int, str]] = field(default_factory=list)
    tests: list[tuple[int, str, float]] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def _nbgrader(cell: Any) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _grade_ids(nb: Any) -> tuple[dict[str, list[int]], list[int]]:
    """Cell indexes by grade_id, and the indexes of cells without one."""
    by_id: dict[str, list[int]] = {}
    without: list[int] = []
    for index, cell in enumerate(nb.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if isinstance(grade_id, str) and grade_id:
            by_id.setdefault(grade_id, []).append(index)
        else:
            without.append(index)
    return by_id, without


def _expected(nb: Any, manifest: Manifest | None,
              by_id: dict[str, list[int]]) -> list[ManifestCell]:
    """The released cells: the manifest's, or (without one) the notebook's own first copies."""
    if manifest is not None:
        return list(manifest.cells)
    return [build_manifest(nbformat.v4.new_notebook(cells=[nb.cells[ix[0]]])).cells[0]
            for ix in by_id.values()]


def _renamed(entry: ManifestCell, nb: Any, unknown: list[int]) -> int | None:
    """The cell with an unknown grade_id most likely to be ``entry`` renamed (same type, role)."""
    for index in unknown:
        cell = nb.cells[index]
        if cell.cell_type == entry.cell_type and role_of(_nbgrader(cell)) == entry.role:
            unknown.remove(index)
            return index
    return None


def _missing(entry: ManifestCell, nb: Any, unknown: list[int], layout: Layout,
             after: str) -> None:
    """Report a released cell that is not in the notebook: renamed, or deleted.

    ``after`` says where it belongs ("after cell 3 (la1_solve_question)").
    """
    index = _renamed(entry, nb, unknown)
    if index is not None:
        found = _nbgrader(nb.cells[index]).get("grade_id")
        layout.problems.append(Finding(
            index + 1, str(found), f"its grade_id was changed from {entry.grade_id!r} (the "
            f"released notebook has no {found!r}), so the grader ignores this cell"
            + (" and grades the question as unanswered" if entry.role == "answer" else ""),
            f"set its grade_id back to {entry.grade_id!r} (JupyterLab: the property inspector, "
            "or Edit Metadata on the cell)"))
        return
    what = {"answer": "answer cell", "test": "test cell", "manual": "written-answer cell",
            "locked": "cell"}[entry.role]
    cost = (" and grades the question as unanswered" if entry.role in ("answer", "manual")
            else " (restoring it from the course) and flags your submission")
    layout.problems.append(Finding(
        0, entry.grade_id, f"the released {what} {entry.grade_id!r} is missing: it was deleted "
        f"(or its nbgrader metadata removed); it belongs {after}; the grader notices{cost}",
        f"{_FRESH}, with its metadata"
        + (", and put your answer back in it" if entry.role in ("answer", "manual") else "")))


def _check_cell(entry: ManifestCell, index: int, cell: Any, layout: Layout) -> bool:
    """Check one present released cell; True when the grader would use (and run) it."""
    pos, gid = index + 1, entry.grade_id
    if cell.cell_type != entry.cell_type:
        layout.problems.append(Finding(
            pos, gid, f"it was changed from a {entry.cell_type} cell to a {cell.cell_type} "
            "cell, so the grader ignores it", f"change it back to {entry.cell_type}"))
        return False
    meta = _nbgrader(cell)
    released = meta.get("checksum")
    if entry.role in ("test", "locked") and isinstance(released, str) and _safe_checksum(
            cell) != released:
        layout.problems.append(Finding(
            pos, gid, "this locked cell was edited (or its nbgrader metadata was): the grader "
            "uses the released version and flags your submission", f"undo the edit: {_FRESH}"))
    if entry.points is not None and meta.get("points") != entry.points and not (
            isinstance(meta.get("points"), int | float) and float(meta["points"]) == entry.points):
        layout.problems.append(Finding(
            pos, gid, f"its points were changed from {entry.points:g}: the grader uses the "
            "released points and flags your submission", f"set them back to {entry.points:g}"))
    return True


def _safe_checksum(cell: Any) -> str:
    """nbgrader's checksum, or "" when the metadata cannot give one (then it differs)."""
    try:
        return checksum(cell)
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""


def _added(nb: Any, without: list[int], layout: Layout) -> None:
    """Warn about code cells the grader will not run (no grade_id: cells a student added)."""
    for index in without:
        cell = nb.cells[index]
        if cell.cell_type == "code" and str(cell.source).strip():
            layout.warnings.append(Finding(
                index + 1, "", "this cell has no nbgrader grade_id (a cell you added): the "
                "grader does not run it", "put any code your answers need (imports, helpers) "
                "inside your answer cells"))


def check_structure(nb: Any, name: str = "") -> Layout:
    """Compare a notebook's cells with its release manifest; say what the grader would run.

    ``name`` is the file name without ``.ipynb`` (checked against the released name).
    """
    layout = Layout()
    manifest = read_manifest(nb)
    by_id, without = _grade_ids(nb)
    if manifest is None:
        layout.warnings.append(Finding(
            0, "", "it has no release manifest (metadata mml.release), so deleted cells and "
            "changed grade_ids of answer cells cannot be detected", "validate a copy of the "
            "notebook your course released, with your answers pasted in"))
    elif manifest.notebook and name and name != manifest.notebook:
        layout.problems.append(Finding(
            0, "", f"the file is named {name}.ipynb; the grader looks for "
            f"{manifest.notebook}.ipynb", f"rename it to {manifest.notebook}.ipynb"))
    expected = _expected(nb, manifest, by_id)
    known = {e.grade_id for e in expected}
    unknown = sorted(ix[0] for gid, ix in by_id.items() if gid not in known)
    after = "at the top of the notebook"
    for entry in expected:
        copies = by_id.get(entry.grade_id, [])
        if not copies:
            _missing(entry, nb, unknown, layout, after)
            continue
        after = f"after cell {copies[0] + 1} ({entry.grade_id})"
        if len(copies) > 1:
            layout.problems.append(Finding(
                copies[0] + 1, entry.grade_id, f"this cell appears {len(copies)} times (cells "
                f"{', '.join(str(i + 1) for i in copies)}): the grader uses only the first",
                "keep your work in the first copy and delete the others"))
        cell = nb.cells[copies[0]]
        if _check_cell(entry, copies[0], cell, layout) and cell.cell_type == "code":
            layout.run.append((copies[0], str(cell.source)))
            if entry.role == "test":
                layout.tests.append((copies[0], entry.grade_id, entry.points or 0.0))
    for index in unknown:
        layout.problems.append(Finding(
            index + 1, str(_nbgrader(nb.cells[index]).get("grade_id")), "the released notebook "
            "has no cell with this grade_id, so the grader ignores this cell", "if it holds "
            "code your answers need, move that code into an answer cell; then delete this cell"))
    _added(nb, without, layout)
    return layout


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
_SYNTAX_WHERE = re.compile(r" \(<ipython-input-[^>]*>, line (\d+)\)$")


def _error_words(rec: CellRecord, source: str) -> str:
    """A failed cell's error in plain words: the exception, its message, where, and any limit.

    ``source`` is the cell's code, to quote the line that failed.
    """
    error = next((o for o in rec.outputs if o.get("output_type") == "error"), None)
    notes = [str(o.get("text", "")).strip().removeprefix("[mml] ") for o in rec.outputs
             if o.get("output_type") == "stream" and str(o.get("text", "")).startswith("[mml]")]
    if error is None:
        return "; ".join(notes) or "the cell failed"
    ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
    message = "; ".join([line.strip() for line in evalue.splitlines() if line.strip()][:5])[:300]
    syntax = _SYNTAX_WHERE.search(message)
    trace = _ANSI.sub("", "\n".join(str(line) for line in error.get("traceback", [])))
    if syntax is not None:  # a SyntaxError names its line in its message, not in a frame
        message, trace = message[:syntax.start()], f"Cell In[0], line {syntax.group(1)}"
    if ename == "NotImplementedError":
        words = "not answered yet (the function still raises NotImplementedError)"
    elif ename == "CellTimeout":
        words = message
    elif ename == "AssertionError":
        words = "a public check's assertion failed" + (f": {message}" if message else "")
    elif ename == "NameError":
        words = (f"{message}: its answer cell must define it and run without error (the "
                 "grader does not run cells you added)")
    else:
        words = f"{ename}: {message}" if message else ename
    return words + _where(trace, source, ename) + "".join(f" ({n})" for n in notes)


def _where(trace: str, source: str, ename: str) -> str:
    """" at line N: `code`" for the cell's line in the traceback's first frame, or ""."""
    found = _CELL_LINE.search(trace)
    lines = source.splitlines()
    if found is None or ename == "CellTimeout" or not 0 < int(found.group(1)) <= len(lines):
        return ""
    code = lines[int(found.group(1)) - 1].strip()
    return f" (line {found.group(1)}: `{code[:100]}{'...' if len(code) > 100 else ''}`)"


def _test_outcome(index: int, grade_id: str, points: float, ex: Execution,
                  source: str) -> PublicCheck:
    """The public checks of one test cell, from its record (``source``: the cell's code)."""
    rec = ex.cells.get(index)
    if rec is None:
        return PublicCheck(grade_id, index + 1, points, "not reached",
                           "the notebook stopped before this cell")
    if rec.skipped:
        return PublicCheck(grade_id, index + 1, points, "failed",
                           "this cell killed the sandbox (a hard limit), so it was skipped")
    if rec.error:
        return PublicCheck(grade_id, index + 1, points, "failed", _error_words(rec, source))
    return PublicCheck(grade_id, index + 1, points, "passed")


def _cell_problem(index: int, grade_id: str, rec: CellRecord, source: str) -> Finding | None:
    """A problem when a non-test cell failed: its error stops the rest of that cell."""
    if rec.skipped:
        return Finding(index + 1, grade_id, "this cell killed the sandbox (it ran past the "
                       "sandbox's time limit, or broke a hard limit), so the grader skips it",
                       "remove what never ends, or what uses that much memory or processes, "
                       "from the top level of the cell")
    if not rec.error:
        return None
    words = _error_words(rec, source)
    if "cell limit" in words:
        return Finding(index + 1, grade_id, f"{words}: the grader stops it there, so what it "
                       "defines after that point is missing", "code at the top level of a "
                       "cell runs when the grader runs the notebook: remove the loop that "
                       "never ends (or the long computation), or move it into a function")
    return Finding(index + 1, grade_id, f"it raised an error when run top to bottom: {words}; "
                   "the rest of the cell does not run", "fix the error (in JupyterLab: "
                   "Kernel > Restart Kernel and Run All Cells shows it)")


def _run(layout: Layout, settings: MMLGrader, sandbox: Sandbox | None) -> Execution:
    """Run the cells the grader would run in the grading sandbox, with no hidden calls."""
    course = Course(Path.cwd(), Config(), settings)  # the defaults: no course is needed
    plan = Plan(cells=[PlanCell(index, source) for index, source in layout.run])
    wall = 15 + settings.cell_timeout * len(layout.run)
    return execute(plan, sandbox or make_sandbox(course), limits_of(course, wall),
                   cell_timeout=settings.cell_timeout, output_cap=settings.output_cap_kb * 1024,
                   scratch=course.scratch_dir())


def _judge_run(nb: Any, layout: Layout, ex: Execution, report: ValidationReport) -> None:
    """Turn the run's cell records into public-check outcomes and problems."""
    report.timings = dict(ex.timings)
    tests, sources = {index for index, _, _ in layout.tests}, dict(layout.run)
    for index, source in layout.run:
        rec = ex.cells.get(index)
        if index not in tests and rec is not None:
            grade_id = str(_nbgrader(nb.cells[index]).get("grade_id"))
            problem = _cell_problem(index, grade_id, rec, source)
            if problem is not None:
                report.problems.append(problem)
    report.checks = [_test_outcome(index, gid, points, ex, sources[index])
                     for index, gid, points in layout.tests]
    if layout.run and not ex.cells:
        report.problems.append(Finding(0, "", "the sandbox ran nothing ("
                                       + "; ".join(ex.flags)[:300] + ")",
                                       "run `mml validate` again; if it persists, tell your "
                                       "course staff"))


def validate(path: Path, *, settings: MMLGrader | None = None,
             sandbox: Sandbox | None = None) -> ValidationReport:
    """Validate the notebook at ``path`` as the grader would take it (see the module docstring).

    Args:
        path: the notebook file.
        settings: the grader's limits (by default the defaults, as no course is needed).
        sandbox: the sandbox to run in (by default a one-shot one of the default backend).

    Raises:
        SandboxUnavailable: no sandbox can run here (the message says how to install one).
    """
    start = time.perf_counter()
    settings = settings or MMLGrader()
    report = ValidationReport(str(path))
    try:
        if not path.is_file():
            raise Ungradable(f"{path} does not exist or is not a file")
        nb = read_notebook(path, int(settings.max_notebook_mb * 2**20), settings.max_cells)
        layout = check_structure(nb, path.stem)
        report.problems, report.warnings = layout.problems, layout.warnings
        if layout.run:
            _judge_run(nb, layout, _run(layout, settings, sandbox), report)
    except Ungradable as exc:
        report.ungradable = True
        report.problems.append(Finding(0, "", str(exc), "start again from a fresh copy of the "
                                       "released notebook and paste your answers into it"))
    report.seconds = time.perf_counter() - start
    return report
