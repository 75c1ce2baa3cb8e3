"""The matcher of named mistakes (graders/mistakes.py) and the result's ``mistake`` field."""

from __future__ import annotations

import json

import numpy as np

from graders.checks import Task, Wrong
from graders.mistakes import MATCH_RTOL, Outcome, matches, name_mistake, same_value
from graders.result import Mistake, QuestionResult, SubmissionResult

CHECK = "linear_algebra.solve"


def value(x: object, failed: bool = True) -> Outcome:
    return Outcome("value", failed, x)


def test_same_value_structure_shape_and_tolerance() -> None:
    a = np.array([1.0, 2.0, 3.0])
    assert same_value(a, a * (1 + 0.1 * MATCH_RTOL))
    assert not same_value(a, a * (1 + 10 * MATCH_RTOL))
    assert not same_value(a, a[:2]) and not same_value(a, a.reshape(3, 1))
    assert same_value((a, 1.0, None), [a, 1.0, None])
    assert not same_value((a, 1.0), (a, 1.0, None)) and not same_value(None, 0.0)
    assert same_value(np.array([np.nan, np.inf, 1.0]), np.array([np.nan, np.inf, 1.0]))
    assert not same_value(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    assert not same_value(np.array([np.inf]), np.array([-np.inf]))
    assert same_value("x", "x") and not same_value("x", 1.0)


def test_match_needs_the_same_failures_and_outputs() -> None:
    wrong = {(CHECK, 0): value(1.0, failed=False), (CHECK, 1): value(5.0)}
    assert matches({(CHECK, 0): value(1.5, failed=False), (CHECK, 1): value(5.0)}, wrong)
    # fails a case the wrong answer passes, or agrees only partly: no match
    assert not matches({(CHECK, 0): value(1.0), (CHECK, 1): value(5.0)}, wrong)
    assert not matches({(CHECK, 0): value(1.0, failed=False), (CHECK, 1): value(6.0)}, wrong)
    # a time-out where the wrong answer returns is not its behaviour
    assert not matches({(CHECK, 0): value(1.0, False), (CHECK, 1): Outcome("none", True)}, wrong)
    # the same exception type matches; another does not
    raises = {(CHECK, 0): Outcome("error", True, error="LinAlgError")}
    assert matches({(CHECK, 0): Outcome("error", True, error="LinAlgError")}, raises)
    assert not matches({(CHECK, 0): Outcome("error", True, error="ValueError")}, raises)
    # where the wrong answer is undefined, the student's failure is not compared
    hangs = {(CHECK, 0): Outcome("none", True), (CHECK, 1): value(5.0)}
    assert matches({(CHECK, 0): Outcome("error", True, error="E"), (CHECK, 1): value(5.0)},
                   hangs)
    # a wrong answer that fails nothing it defines never matches
    assert not matches({(CHECK, 0): value(1.0)}, {(CHECK, 0): Outcome("none", True)})


def test_a_name_only_when_unambiguous() -> None:
    a, b = (Wrong(n, f"hint {n}.", "") for n in "ab")
    task = Task("t", (), (a, b, Wrong("c", "hint c.", "", nameable=False)), ())
    bank = {"a": {(CHECK, 0): value(1.0)}, "b": {(CHECK, 0): value(2.0)},
            "c": {(CHECK, 0): value(3.0)}}
    assert name_mistake(task, {(CHECK, 0): value(1.0)}, bank) == a
    assert name_mistake(task, {(CHECK, 0): value(3.0)}, bank) is None  # not nameable
    assert name_mistake(task, {(CHECK, 0): value(4.0)}, bank) is None  # no match
    bank["b"] = bank["a"]
    assert name_mistake(task, {(CHECK, 0): value(1.0)}, bank) is None  # two match
    assert name_mistake(task, {(CHECK, 0): value(1.0, failed=False)}, bank) is None  # passed


def test_result_keeps_the_mistake_and_reads_version_2() -> None:
    q = QuestionResult("q_test", "linear_algebra", 3.0, 0.0, mistake=Mistake("m", "Do X."))
    r = SubmissionResult("s", "a", "graded", questions=[q])
    back = SubmissionResult.from_json(r.to_json())
    assert back.questions[0].mistake == Mistake("m", "Do X.")
    assert back.summary().questions[0].mistake == Mistake("m", "Do X.")
    old = json.loads(r.to_json())
    old["schema_version"] = 2
    del old["questions"][0]["mistake"]
    assert SubmissionResult.from_json(json.dumps(old)).questions[0].mistake is None
