"""Grading one submission end to end, through a fake sandbox that replays recorded outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from fakesandbox import FakeSandbox, expected, record, use_fake_checks
from notebooks import make_course, source_notebook, submit, with_answer

from graders.config import Course, load_course
from graders.pipeline.assemble import assemble
from graders.pipeline.grade import grade_notebook
from graders.pipeline.plan import Plan, build_plan
from graders.pipeline.source import load_source, split_hidden
from graders.result import SubmissionResult
from graders.runtime.protocol import PLAN_VERSION, CellRecord

WRONG_SOLVE = "import numpy as np\n\ndef solve(A, b):\n    return np.zeros(len(b))\n"


def released() -> Any:
    """The student's notebook: the tiny source without its hidden test regions."""
    nb = source_notebook()
    for cell in nb.cells:
        cell.source = split_hidden(cell.source)[0]
    return nb


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    use_fake_checks(monkeypatch)
    return load_course(make_course(tmp_path / "course"))


def plan_of(course: Course, nb: Any) -> Plan:
    """The plan the pipeline builds for ``nb`` (to record the sandbox's answers to it)."""
    spec = load_source(course, "tiny")
    g = course.grader
    return build_plan(spec, assemble(spec, nb).code, g.seed, g.case_timeout)


def recording(course: Course, nb: Any, folder: Path, wrong: str = "") -> Path:
    """What a sandbox running ``nb`` returns: reference outputs, zeros from the check ``wrong``."""
    values = {c.key: np.zeros_like(expected(c)) if c.spec.id == wrong else expected(c)
              for c in plan_of(course, nb).calls}
    cells = [CellRecord(3, ({"output_type": "stream", "name": "stdout", "text": "ran\n"},))]
    return record(folder, cells=cells, calls=values)


def grade(course: Course, name: str, nb: Any, sandbox: FakeSandbox) -> SubmissionResult:
    path = submit(course.root, name, nb)
    return grade_notebook(course, "tiny", name, path, outdir(course, name), sandbox=sandbox)


def outdir(course: Course, name: str) -> Path:
    return course.root / "autograded" / name / "tiny"


def scores(r: SubmissionResult) -> dict[str, float | None]:
    return {q.grade_id: q.points for q in r.questions}


def test_a_correct_submission_is_graded_end_to_end(course: Course, tmp_path: Path) -> None:
    nb = released()
    sandbox = FakeSandbox(recording(course, nb, tmp_path / "rec"))
    r = grade(course, "alice", nb, sandbox)
    assert (r.student, r.assignment, r.status, r.reason) == ("alice", "tiny", "graded", "")
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2, "written": None}
    assert (r.sandbox, r.seed, r.flags) == ("fake", course.grader.seed, [])
    assert {"intake", "assemble", "execute", "judge", "sandbox"} <= set(r.timings)
    assert SubmissionResult.from_json((outdir(course, "alice") / "result.json").read_text()) == r


def test_the_sandbox_runs_the_assembled_plan_and_the_verdicts_reach_the_notebook(
        course: Course, tmp_path: Path) -> None:
    nb = released()
    sandbox = FakeSandbox(recording(course, nb, tmp_path / "rec"))
    grade(course, "bob", nb, sandbox)
    (seen,) = sandbox.plans
    assembled = assemble(load_source(course, "tiny"), nb).code
    assert [(c.index, c.source) for c in seen.cells] == assembled
    assert [c.key for c in seen.calls] == [c.key for c in plan_of(course, nb).calls]
    assert seen.version == PLAN_VERSION
    graded = nbformat.read(str(outdir(course, "bob") / "tiny.ipynb"), as_version=4)
    texts = ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in graded.cells]
    assert texts[3] == "ran\n[mml] 3 / 3 points: all 2 hidden cases passed\n"
    assert texts[5].startswith("[mml] 2 / 2 points")


def test_a_wrong_answer_loses_only_its_question(course: Course, tmp_path: Path) -> None:
    nb = with_answer(released(), "q_solve", WRONG_SOLVE)
    sandbox = FakeSandbox(recording(course, nb, tmp_path / "rec", wrong="linear_algebra.solve"))
    r = grade(course, "carol", nb, sandbox)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2, "written": None}
    assert r.status == "graded"


def test_a_cell_that_kills_the_sandbox_is_skipped_and_flagged(course: Course,
                                                              tmp_path: Path) -> None:
    nb = released()
    sandbox = FakeSandbox(recording(course, nb, tmp_path / "rec"), die_at_cells=frozenset({4}))
    r = grade(course, "dave", nb, sandbox)
    assert r.status == "graded" and len(sandbox.plans) == 2
    assert r.flags == ["the sandbox died (exit -9) in cell 4: rerun without that cell"]
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2, "written": None}


def test_calls_never_reached_make_the_result_partial(course: Course, tmp_path: Path) -> None:
    nb = released()
    dying = frozenset({1, 2, 4, 5})  # four attempts; the reflection's calls are never made
    r = grade(course, "erin", nb, FakeSandbox(recording(course, nb, tmp_path / "rec"),
                                               die_at_cells=dying))
    assert r.status == "partial" and len(r.flags) == 4
    assert r.reason == "some hidden checks never ran (the notebook stopped early)"
    # The fake replays solve's recorded outputs (made after its test cell, in the third run).
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 0, "written": None}


def test_a_runtime_of_another_version_makes_it_ungradable(course: Course,
                                                          tmp_path: Path) -> None:
    nb = released()
    sandbox = FakeSandbox(recording(course, nb, tmp_path / "rec"),
                          runtime_version=PLAN_VERSION + 1)
    r = grade(course, "frank", nb, sandbox)
    reason = (f"the grader's sandbox runtime is version {PLAN_VERSION + 1}, "
              f"the plan is version {PLAN_VERSION}")
    assert (r.status, r.reason) == ("ungradable", reason)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 0, "written": None}
    assert all(q.reason == f"ungradable: {reason}" for q in r.questions)
    assert (outdir(course, "frank") / "result.json").is_file()


def configure(course: Course, settings: str) -> Course:
    """The course reloaded after appending ``settings`` to its nbgrader_config.py."""
    with open(course.root / "nbgrader_config.py", "a") as fh:
        fh.write(settings)
    return load_course(course.root)


def test_a_result_budget_set_in_the_config_fails_only_the_question_over_it(
        course: Course, tmp_path: Path) -> None:
    course = configure(course, "c.MMLGrader.result_call_mb = 1\n")
    nb = released()
    values: dict[str, Any] = {c.key: expected(c) for c in plan_of(course, nb).calls}
    big = next(k for k in values if k.startswith("q0_"))  # one call of the solve question
    values[big] = (np.zeros(2**16),) * 48  # 48 copies of 512 KiB, one file each: 24 MiB
    cells = [CellRecord(3, ())]
    r = grade(course, "amp", nb, FakeSandbox(record(tmp_path / "rec", cells=cells,
                                                    calls=values)))
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2, "written": None}
    solve = next(q for q in r.questions if q.grade_id == "q_solve_test")
    assert "result too large: its arrays take 24.0 MiB, over the result limit of 1 MiB per " \
           "call (c.MMLGrader.result_call_mb)" in solve.reason
    assert r.status == "graded"


def test_a_cell_limit_set_in_the_config_reaches_intake(course: Course, tmp_path: Path) -> None:
    course = configure(course, "c.MMLGrader.max_cells = 5\n")
    nb = released()
    r = grade(course, "many", nb, FakeSandbox(recording(course, nb, tmp_path / "rec")))
    assert r.status == "ungradable"
    assert "has 7 cells, over the limit of 5 cells (c.MMLGrader.max_cells)" in r.reason
