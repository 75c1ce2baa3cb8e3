"""Name: after the judge, say which typical mistake a failed question's answer behaves like.

Runs in the trusted process, between the judge and the record. For each auto question that
lost its points, the student's outcomes on its hidden cases (from the execution, with the
judge's verdicts already in the question's case list) are matched against the planted wrong
answers of the question's task, computed for the same grading seed
(:func:`graders.mistakes.bank_outcomes`). An unambiguous match sets the question's
``mistake`` and adds its hint to the reason; otherwise the question is left as the judge
wrote it. Nothing of the bank's outputs is written anywhere.
"""

from __future__ import annotations

from collections import defaultdict

from graders.mistakes import (
    CaseKey,
    Outcome,
    answer_outcomes,
    bank_outcomes,
    error_type,
    name_mistake,
    task_of,
)
from graders.pipeline.execute import Execution
from graders.pipeline.plan import Plan, PlannedCall
from graders.result import Mistake, QuestionResult
from graders.runtime.protocol import CallStatus

__all__ = ["MISTAKE_PREFIX", "name_mistakes"]

#: How the hint is introduced in the reason a student and a TA read.
MISTAKE_PREFIX = "looks like a typical mistake: "


def _student_outcomes(calls: list[PlannedCall], question: QuestionResult,
                      ex: Execution) -> dict[CaseKey, Outcome]:
    """The student's outcome per (check id, case index), with the judge's verdicts."""
    out: dict[CaseKey, Outcome] = {}
    index: dict[str, int] = defaultdict(int)
    for call, verdict in zip(calls, question.cases, strict=True):
        key = (call.spec.id, index[call.spec.id])
        index[call.spec.id] += 1
        got = ex.calls[call.key]
        failed = not verdict.passed
        if got.status == CallStatus.OK:
            out[key] = Outcome("value", failed, got.value)
        elif got.status == CallStatus.ERROR:
            out[key] = Outcome("error", failed, error=error_type(got.error))
        else:
            out[key] = Outcome("none", failed)
    return out


def _name_one(question: QuestionResult, calls: list[PlannedCall], ex: Execution,
              seed: int) -> None:
    """Set ``question.mistake`` (and extend its reason) when one mistake matches."""
    task = task_of(calls[0].spec)
    if task is None or {c.spec.id for c in calls} != {s.id for s in task.checks}:
        return
    bank = bank_outcomes(task, seed)
    if any(s.parameters is not None for s in task.checks):
        # A per-student variant's cases are the student's own: run the bank on exactly them.
        cases = {s.id: [c.case for c in calls if c.spec.id == s.id] for s in task.checks}
        bank = {w.name: answer_outcomes(task, w.code, seed, cases) for w in task.wrong}
    wrong = name_mistake(task, _student_outcomes(calls, question, ex), bank)
    if wrong is not None:
        question.mistake = Mistake(wrong.name, wrong.hint)
        question.reason = f"{question.reason}; {MISTAKE_PREFIX}{wrong.hint}"


def name_mistakes(questions: list[QuestionResult], plan: Plan, ex: Execution,
                  seed: int) -> None:
    """Name the matching mistake of every failed auto question (in place)."""
    by_question: dict[str, list[PlannedCall]] = defaultdict(list)
    for call in plan.calls:
        by_question[call.grade_id].append(call)
    for q in questions:
        calls = by_question.get(q.grade_id, [])
        if (q.kind == "auto" and calls and len(calls) == len(q.cases)
                and not all(c.passed for c in q.cases)):
            try:
                _name_one(q, calls, ex, seed)
            except Exception:  # naming is advice: it never costs a submission its grade
                continue
