"""Judge: outcomes to points, per question, with reasons that never reveal an expected value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakesandbox import fake_checks

from graders.checks import Case, CheckSpec
from graders.pipeline.execute import CallOutcome, Execution
from graders.pipeline.judge import judge
from graders.pipeline.plan import Plan, PlannedCall
from graders.pipeline.source import Question, SourceSpec
from graders.result import QuestionResult
from graders.runtime.protocol import CallStatus, CellRecord

SOLVE = fake_checks()["linear_algebra.solve"]
A = np.array([[2.0, 1.0], [1.0, 3.0]])
B = np.array([1.0, 2.0])
CASES = [Case("identity 2x2", (np.eye(2), np.ones(2))), Case("symmetric 2x2", (A, B))]
QUESTIONS = (
    Question("q_solve_test", 3, 3.0, "linear_algebra", "auto",
             (("solve", "linear_algebra.solve"),)),
    Question("q_assert", 4, 1.0, "linear_algebra", "assert"),
    Question("written", 6, 4.0, "linear_algebra", "manual"),
)


def plan(spec: CheckSpec = SOLVE, cases: list[Case] = CASES) -> Plan:
    return Plan(calls=[PlannedCall(f"k{i}", "q_solve_test", spec, case)
                       for i, case in enumerate(cases)])


def results(outcomes: list[CallOutcome], cells: dict[int, CellRecord] | None = None,
            spec: CheckSpec = SOLVE, cases: list[Case] = CASES) -> dict[str, QuestionResult]:
    ex = Execution(cells=cells or {}, calls={f"k{i}": o for i, o in enumerate(outcomes)})
    source = SourceSpec(Path("tiny.ipynb"), (), QUESTIONS)
    return {q.grade_id: q for q in judge(source, plan(spec, cases), ex)}


def ok(value: Any) -> CallOutcome:
    return CallOutcome(CallStatus.OK, value)


def test_every_case_passing_earns_the_points() -> None:
    r = results([ok(np.ones(2)), ok(np.linalg.solve(A, B))])["q_solve_test"]
    assert (r.points, r.max_points, r.kind) == (3.0, 3.0, "auto")
    assert r.reason == "all 2 hidden cases passed" and r.checks == ["linear_algebra.solve"]
    assert [c.passed for c in r.cases] == [True, True]


def test_one_failing_case_loses_the_question_without_showing_the_expected_value() -> None:
    r = results([ok(np.ones(2)), ok(np.zeros(2))])["q_solve_test"]
    assert r.points == 0.0
    assert r.reason == "1 of 2 hidden cases failed: symmetric 2x2: wrong values"
    expected = np.linalg.solve(A, B)
    assert f"{expected[0]:.3g}" not in r.reason


@pytest.mark.parametrize(("outcome", "message"), [
    (CallOutcome(CallStatus.ERROR, error="ZeroDivisionError: x"),
     "symmetric 2x2: error: ZeroDivisionError: x"),
    (CallOutcome(CallStatus.CRASH, error="timeout: no result within 2 s"),
     "symmetric 2x2: crash: timeout: no result within 2 s"),
    (CallOutcome(CallStatus.MISSING, error="solve was not defined when its test cell ran"),
     "symmetric 2x2: missing: solve was not defined when its test cell ran"),
    (CallOutcome(CallStatus.NOT_RUN, error="never reached"),
     "symmetric 2x2: not run: never reached"),
    (CallOutcome(CallStatus.TAMPERED, error="malformed result (bad array key)"),
     "symmetric 2x2: tampered: malformed result (bad array key)"),
])
def test_an_outcome_that_is_not_ok_fails_its_case_with_its_status(outcome: CallOutcome,
                                                                  message: str) -> None:
    r = results([ok(np.ones(2)), outcome])["q_solve_test"]
    assert r.points == 0.0 and r.cases[1].message == message


def test_a_case_that_requires_raising_passes_only_on_that_exception() -> None:
    cases = [Case("singular", (np.zeros((2, 2)), B), raises=("LinAlgError",))]

    def verdict(outcome: CallOutcome) -> bool:
        return results([outcome], cases=cases)["q_solve_test"].points == 3.0

    assert verdict(CallOutcome(CallStatus.ERROR, error="LinAlgError: singular matrix"))
    assert not verdict(CallOutcome(CallStatus.ERROR, error="ValueError: singular"))
    assert not verdict(ok(np.zeros(2)))


def test_a_warning_on_a_passing_case_keeps_the_points() -> None:
    warn = CheckSpec("linear_algebra.solve", "linear_algebra", "solve", lambda rng: CASES,
                     lambda case, out: "inverts the matrix")
    r = results([ok(np.ones(2)), ok(np.ones(2))], spec=warn)["q_solve_test"]
    assert r.points == 3.0
    assert r.reason == ("all 2 hidden cases passed (warning: identity 2x2: inverts the matrix; "
                        "symmetric 2x2: inverts the matrix)")


def test_a_question_without_cases_earns_nothing() -> None:
    r = results([], cases=[])["q_solve_test"]
    assert (r.points, r.reason) == (0.0, "no hidden cases")


@pytest.mark.parametrize(("cells", "points", "reason"), [
    ({}, 0.0, "not run: the notebook stopped before this cell"),
    ({4: CellRecord(4, error=True, skipped=True)}, 0.0, "not run: this cell killed the sandbox"),
    ({4: CellRecord(4, error=True)}, 0.0, "test cell raised an error"),
    ({4: CellRecord(4)}, 1.0, "test cell ran without error"),
])
def test_an_assert_question_scores_its_cells_record(cells: dict[int, CellRecord],
                                                    points: float, reason: str) -> None:
    r = results([ok(np.ones(2)), ok(np.zeros(2))], cells)["q_assert"]
    assert r.points == points and r.reason.startswith(reason) and r.kind == "assert"


def test_a_manual_question_is_left_for_the_grader() -> None:
    r = results([ok(np.ones(2)), ok(np.zeros(2))])["written"]
    assert (r.points, r.max_points, r.kind) == (None, 4.0, "manual")


def test_questions_come_back_in_notebook_order() -> None:
    assert list(results([ok(np.ones(2)), ok(np.zeros(2))])) == [q.grade_id for q in QUESTIONS]
