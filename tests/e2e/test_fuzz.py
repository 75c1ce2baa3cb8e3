"""Intake fuzzing: hundreds of mutated ps1 notebooks graded in one real batch.

A hypothesis strategy mutates a correct submission of ``ps1_linear_algebra`` (its
released notebook with the solutions filled in): at the JSON level (cells deleted,
duplicated, moved, retyped; nbgrader metadata corrupted or removed; ids, sources,
points, outputs, versions changed; keys added; deep nesting) and at the byte level
(truncation, garbage, other encodings, invalid JSON, huge numbers, a size over the
cap). Each example is first taken through intake, assembly and the plan on the host,
where hypothesis can shrink a failure to its smallest notebook; then every distinct
notebook is submitted, with a few correct control students among them, and the whole
class is graded by ``mml grade`` in warm bubblewrap sandboxes. The properties:

- the batch completes, and every student has a ``result.json`` and a gradebook entry;
- each result is graded, or "ungradable" with a plain reason (never a traceback and
  never an internal error of the grader), on the source's questions and points only;
- every control student gets exactly the grades it gets when graded alone.

Most mutations are refused at intake (milliseconds each); the ones that pass run in the
sandbox, which is what the test's time goes into: of the 620 distinct notebooks drawn
today, 106 pass intake and are run and judged, and 514 are refused with a reason (about
2.5 minutes on a busy two-core machine). Every example is also checked on the host
before its byte-level corruption, so each JSON mutation reaches assembly there. The draw
is derandomized (no example database), so CI grades the same class every time; the test
asserts no durations.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbgrader.api import Gradebook

from graders.commands.cli import main
from graders.commands.demo import REPO, _answers, _fill
from graders.config import Course, load_course
from graders.errors import Ungradable
from graders.pipeline.assemble import assemble
from graders.pipeline.intake import read_notebook
from graders.pipeline.plan import build_plan
from graders.pipeline.source import load_source
from graders.result import SubmissionResult

ASSIGNMENT = "ps1_linear_algebra"
EXAMPLES = 720  # hypothesis examples drawn; at least MIN_DISTINCT of them are distinct
MIN_DISTINCT = 500
UNCORRUPTED = 50  # JSON mutants that pass intake, graded although their example was corrupted
MAX_MB = 1  # the course's notebook cap, so that "too large" costs a MiB, not 20
CONTROLS = ("m0100_control", "m0300_control", "zz_control")  # among and after the mutants
ALONE = "control_alone"

# ---- the mutations -------------------------------------------------------------------

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6)
ODD_TEXT = st.sampled_from(["", " ", "é", "ü_grade", "la1_solve", "la1_solve_test", "intro",
                            "\u202e", "\x00", "a" * 300, "../../etc", "𝔘𝔫𝔦", "\ud800",
                            "la1 solve", "-", "LA1_SOLVE"]) | st.text(max_size=12)
NBGRADER_KEYS = ("grade_id", "checksum", "locked", "points", "solution", "grade",
                 "schema_version", "cell_type")
MIME = st.sampled_from(["text/plain", "text/html", "image/png", "application/json",
                        "application/x-weird", "", "text/plain; charset=latin-1",
                        "application/vnd.jupyter.widget-view+json"])
OUTPUT = st.one_of(
    st.fixed_dictionaries({"output_type": st.just("display_data"),
                           "data": st.dictionaries(MIME, JSON_VALUE, max_size=3),
                           "metadata": st.dictionaries(MIME, JSON_VALUE, max_size=2)}),
    st.fixed_dictionaries({"output_type": st.just("execute_result"),
                           "execution_count": st.none() | st.integers(-5, 2**40),
                           "data": st.dictionaries(MIME, st.text(max_size=20), max_size=2),
                           "metadata": st.just({})}),
    st.fixed_dictionaries({"output_type": st.just("stream"),
                           "name": st.sampled_from(["stdout", "stderr", "stdin", ""]),
                           "text": st.text(max_size=30) | st.lists(st.text(max_size=5))}),
    st.fixed_dictionaries({"output_type": st.just("error"), "ename": st.text(max_size=5),
                           "evalue": st.text(max_size=5),
                           "traceback": st.lists(st.text(max_size=10), max_size=3)}),
    st.fixed_dictionaries({"output_type": st.text(max_size=8), "data": JSON_VALUE}),
)
CELL = st.integers(0, 10**6)  # a cell index, taken modulo the number of cells


def _cells(nb: dict[str, Any]) -> list[Any]:
    cells = nb.get("cells")
    return cells if isinstance(cells, list) and cells else [{}]


def _pick(nb: dict[str, Any], i: int) -> dict[str, Any]:
    cells = _cells(nb)
    cell = cells[i % len(cells)]
    return cell if isinstance(cell, dict) else {}


def _nbgrader(nb: dict[str, Any], i: int) -> dict[str, Any]:
    meta = _pick(nb, i).get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def _delete(nb: dict[str, Any], i: int) -> None:
    cells = _cells(nb)
    del cells[i % len(cells)]


def _duplicate(nb: dict[str, Any], i: int, new_id: str | None) -> None:
    cells = _cells(nb)
    copy = json.loads(json.dumps(cells[i % len(cells)]))
    if new_id is not None and isinstance(copy, dict):
        copy["id"] = new_id
    cells.insert(i % len(cells), copy)


def _move(nb: dict[str, Any], i: int, j: int) -> None:
    cells = _cells(nb)
    cells.insert(j % len(cells), cells.pop(i % len(cells)))


def _reverse(nb: dict[str, Any]) -> None:
    _cells(nb).reverse()


def _retype(nb: dict[str, Any], i: int, kind: str, tidy: bool) -> None:
    cell = _pick(nb, i)
    cell["cell_type"] = kind
    if tidy and kind == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    elif tidy:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _set_key(nb: dict[str, Any], i: int, key: str, value: Any) -> None:
    _pick(nb, i)[key] = value


def _drop_key(nb: dict[str, Any], i: int, key: str) -> None:
    _pick(nb, i).pop(key, None)


def _set_nbgrader(nb: dict[str, Any], i: int, key: str, value: Any) -> None:
    _nbgrader(nb, i)[key] = value


def _drop_nbgrader(nb: dict[str, Any], i: int, key: str) -> None:
    _nbgrader(nb, i).pop(key, None)


def _replace_nbgrader(nb: dict[str, Any], i: int, value: Any) -> None:
    meta = _pick(nb, i).get("metadata")
    if isinstance(meta, dict):
        meta["nbgrader"] = value


def _swap_grade_ids(nb: dict[str, Any], i: int, j: int) -> None:
    a, b = _nbgrader(nb, i), _nbgrader(nb, j)
    a["grade_id"], b["grade_id"] = b.get("grade_id"), a.get("grade_id")


def _add_output(nb: dict[str, Any], i: int, output: dict[str, Any]) -> None:
    outputs = _pick(nb, i).setdefault("outputs", [])
    if isinstance(outputs, list):
        outputs.append(output)


def _set_top(nb: dict[str, Any], key: str, value: Any) -> None:
    nb[key] = value


def _drop_top(nb: dict[str, Any], key: str) -> None:
    nb.pop(key, None)


def _set_meta(nb: dict[str, Any], key: str, value: Any) -> None:
    meta = nb.get("metadata")
    if isinstance(meta, dict):
        meta[key] = value


TOP_KEYS = st.sampled_from(["nbformat", "nbformat_minor", "cells", "metadata", "extra"])
CELL_KEYS = st.sampled_from(["source", "id", "metadata", "outputs", "execution_count",
                             "attachments", "cell_type", "extra"])
MUTATION = st.one_of(
    st.tuples(st.just(_delete), CELL),
    st.tuples(st.just(_duplicate), CELL,
              st.none() | st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)),
    st.tuples(st.just(_move), CELL, CELL),
    st.tuples(st.just(_reverse)),
    st.tuples(st.just(_retype), CELL, st.sampled_from(["code", "markdown", "raw", "heading", ""]),
              st.booleans()),
    st.tuples(st.just(_set_key), CELL, st.just("source"),
              JSON_VALUE | st.lists(st.text(max_size=6), max_size=4) | ODD_TEXT),
    st.tuples(st.just(_set_key), CELL, st.just("id"), ODD_TEXT | JSON_VALUE),
    st.tuples(st.just(_set_key), CELL, CELL_KEYS, JSON_VALUE),
    st.tuples(st.just(_drop_key), CELL, CELL_KEYS),
    st.tuples(st.just(_set_nbgrader), CELL, st.sampled_from(NBGRADER_KEYS),
              JSON_VALUE | ODD_TEXT | st.sampled_from([10**9, -3, 1e308, 2**63, True])),
    st.tuples(st.just(_drop_nbgrader), CELL, st.sampled_from(NBGRADER_KEYS)),
    st.tuples(st.just(_replace_nbgrader), CELL, JSON_VALUE),
    st.tuples(st.just(_swap_grade_ids), CELL, CELL),
    st.tuples(st.just(_add_output), CELL, OUTPUT),
    st.tuples(st.just(_set_top), TOP_KEYS, JSON_VALUE | st.sampled_from([3, 5, "4", 4.0])),
    st.tuples(st.just(_drop_top), TOP_KEYS),
    st.tuples(st.just(_set_meta), st.sampled_from(["kernelspec", "language_info", "nbgrader",
                                                   "widgets", "é"]), JSON_VALUE),
)


def _deep(text: str, depth: int) -> str:
    """``text`` with a list nested ``depth`` deep in the notebook's metadata."""
    return text.replace('"metadata": {', '"metadata": {"deep": ' + "[" * depth + "]" * depth
                        + ", ", 1)


def _huge_number(text: str, digits: int) -> str:
    return re.sub(r'"points": \d+', '"points": ' + "9" * digits, text, count=1)


BYTES = st.one_of(  # hypothesis favours the first branch: make it one of many distinct files
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("encode"), st.sampled_from(["utf-16", "latin-1", "utf-8-sig", "cp1252"])),
    st.tuples(st.just("garbage"), st.binary(max_size=64)),
    st.tuples(st.just("text"), st.sampled_from(["", "{}", "[]", "null", "4", '"nb"',
                                                 '{"cells": []}', '{"nbformat": 4}', "{" * 50000,
                                                 '{"nbformat": 4, "nbformat_minor": 5, '
                                                 '"metadata": {}, "cells": []}'])),
    st.tuples(st.just("deep"), st.sampled_from([10, 70, 1000, 100_000])),
    st.tuples(st.just("huge_number"), st.sampled_from([30, 400, 5000])),
    st.tuples(st.just("pad"), st.sampled_from([0.5, 1.5])),
)


def _utf8(text: str) -> bytes:
    """UTF-8, with a lone surrogate written as its (invalid) three bytes."""
    return text.encode("utf-8", "surrogatepass")


def _corrupt(text: str, op: tuple[Any, ...]) -> bytes:
    """The bytes of ``text`` after one byte-level corruption."""
    raw = _utf8(text)
    kind, *args = op
    at = int(args[0] * len(raw)) if kind in ("truncate", "insert", "flip") else 0
    if kind == "truncate":
        return raw[:at]
    if kind == "insert":
        return raw[:at] + bytes(args[1]) + raw[at:]
    if kind == "flip":
        return raw[:at] + bytes([raw[at % len(raw)] ^ args[1]]) + raw[at + 1:]
    if kind == "encode":
        return (text.replace("solve", "sølve ☃") if args[0] != "utf-8-sig" else text).encode(
            args[0], "replace")
    if kind == "garbage":
        return bytes(args[0])
    if kind == "text":
        return str(args[0]).encode()
    if kind == "deep":
        return _utf8(_deep(text, args[0]))
    if kind == "huge_number":
        return _utf8(_huge_number(text, args[0]))
    padding = " " * int(args[0] * MAX_MB * 2**20)  # whitespace: still valid JSON
    return _utf8(text[:-1] + padding + text[-1:])


def mutate(base: dict[str, Any], mutations: list[tuple[Any, ...]], ascii: bool) -> str:
    """The text of a copy of ``base`` after JSON ``mutations``."""
    nb = json.loads(json.dumps(base))
    for fn, *args in mutations:
        fn(nb, *args)
    return json.dumps(nb, indent=1, ensure_ascii=ascii)


# ---- the course ----------------------------------------------------------------------


def _submit(root: Path, student: str, raw: bytes) -> None:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_bytes(raw)


def _course(root: Path) -> tuple[Course, dict[str, Any]]:
    """A ps1 course with short limits and a small notebook cap; the correct submission."""
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    config = (REPO / "nbgrader_config.py").read_text()
    config += ("\nc.MMLGrader.cell_timeout = 5.0\nc.MMLGrader.case_timeout = 3.0\n"
               f"c.MMLGrader.max_notebook_mb = {MAX_MB}\n")
    (root / "nbgrader_config.py").write_text(config)
    course = load_course(root)
    source = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    release = nbformat.read(str(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                            as_version=4)
    correct: dict[str, Any] = json.loads(nbformat.writes(_fill(release, _answers(source))))
    return course, correct


def _host_steps(course: Course, path: Path) -> bool:
    """Intake, assembly and the plan on the host: refused with a reason (False), or a plan
    and an autograded notebook that can be written (True)."""
    try:
        nb = read_notebook(path, int(course.grader.max_notebook_mb * 2**20))
    except Ungradable as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
        return False
    spec = load_source(course, ASSIGNMENT)
    assembled = assemble(spec, nb)
    build_plan(spec, assembled.code, course.grader.seed, course.grader.case_timeout)
    nbformat.writes(assembled.notebook).encode("utf-8")  # as the autograded copy is written
    return True


def _generate(course: Course, correct: dict[str, Any]) -> dict[str, bytes]:
    """Distinct mutated notebooks by content hash, each checked on the host as drawn.

    Most examples also get a byte-level corruption (hypothesis favours the first branch of
    ``one_of``), so that most of the batch is refused at intake and the sandbox's time
    stays bounded; the host steps also check each example before that corruption, so
    every JSON mutation is taken through intake, assembly and the plan, and the first
    ``UNCORRUPTED`` of those that pass intake are graded in the batch as well.
    """
    found: dict[str, bytes] = {}
    probe = course.root / "probe.ipynb"
    uncorrupted = 0  # JSON mutants kept although their example was corrupted

    def check(raw: bytes) -> bool:
        probe.write_bytes(raw)
        return _host_steps(course, probe)

    def keep(raw: bytes) -> None:
        found.setdefault(hashlib.sha256(raw).hexdigest(), raw)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(MUTATION, min_size=1, max_size=3), st.booleans(), BYTES | st.none())
    def draw(mutations: list[tuple[Any, ...]], ascii: bool, op: tuple[Any, ...] | None) -> None:
        nonlocal uncorrupted
        text = mutate(correct, mutations, ascii)
        if check(_utf8(text)) and op is not None and uncorrupted < UNCORRUPTED:
            uncorrupted += 1
            keep(_utf8(text))
        raw = _utf8(text) if op is None else _corrupt(text, op)
        if op is not None:
            check(raw)
        keep(raw)

    draw()
    probe.unlink()
    return found


# ---- the properties ------------------------------------------------------------------


def _grades(r: SubmissionResult) -> list[tuple[str, float | None, str]]:
    return [(q.grade_id, q.points, q.reason) for q in r.questions]


def _check_result(student: str, r: SubmissionResult, alone: SubmissionResult) -> None:
    """Graded, or ungradable with a plain reason; the source's questions and points only."""
    assert r.student == student, student
    assert [(q.grade_id, q.max_points) for q in r.questions] == \
        [(q.grade_id, q.max_points) for q in alone.questions], f"{student}: points changed"
    assert all(q.points is None or 0 <= q.points <= q.max_points for q in r.questions), student
    if r.status == "ungradable":
        assert r.reason.strip(), f"{student}: ungradable without a reason"
    for text in (r.reason, *r.flags, *(q.reason for q in r.questions)):
        assert "Traceback" not in text and "internal error" not in text, f"{student}: {text}"


def _grade(root: Path, *extra: str) -> None:
    out = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--course", str(root), *extra])
    assert out.exit_code == 0 and out.exception is None, out.output


def _load(course: Course, student: str) -> SubmissionResult:
    path = course.result_path(student, ASSIGNMENT)
    return SubmissionResult.from_json(path.read_text())


def test_fuzz_batch(tmp_path: Path) -> None:
    """At least 500 mutated notebooks and the controls, graded in one ``mml grade``."""
    course, correct = _course(tmp_path / "course")
    control = json.dumps(correct).encode()
    _submit(course.root, ALONE, control)
    _grade(course.root, "--student", ALONE)
    alone = _load(course, ALONE)
    assert alone.status == "graded" and alone.total == 20.0

    mutants = _generate(course, correct)
    assert len(mutants) >= MIN_DISTINCT
    students = [f"m{i:04d}" for i in range(len(mutants))]
    for student, raw in zip(students, mutants.values(), strict=True):
        _submit(course.root, student, raw)
    for student in CONTROLS:
        _submit(course.root, student, control)
    _grade(course.root)

    statuses: dict[str, int] = {}
    for student in students:
        result = _load(course, student)
        _check_result(student, result, alone)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    print(f"{len(students)} mutated notebooks: {statuses}")  # shown with pytest -s
    for student in CONTROLS:
        assert _grades(_load(course, student)) == _grades(alone), student
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        recorded = {s.student.id for s in gb.find_assignment(ASSIGNMENT).submissions}
    assert recorded == {*students, *CONTROLS, ALONE}
