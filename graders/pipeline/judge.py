"""Judge: turn the sandbox's outcomes into points, per question and per unit.

Runs in the trusted process. Each call's plain output goes through its check's
judge (coerce, validate, compare); anything that is not a plain "ok" output fails
that case with its reason. An auto question earns its points only when every
case passes. Messages say what kind of input failed and how, never the hidden
expected value.
"""

from __future__ import annotations

from collections import defaultdict

from graders.checks import Verdict, decide_error
from graders.pipeline.execute import Execution
from graders.pipeline.plan import Plan, PlannedCall
from graders.pipeline.source import Question, SourceSpec
from graders.result import CaseResult, QuestionResult
from graders.runtime.protocol import CallStatus

__all__ = ["judge"]

MAX_REASONS = 3


def _verdict(call: PlannedCall, ex: Execution) -> Verdict:
    outcome = ex.calls[call.key]
    if outcome.status == CallStatus.OK:
        return call.spec.decide(call.case, outcome.value)
    if outcome.status == CallStatus.ERROR:
        return decide_error(call.case, outcome.error)
    return Verdict(False, f"{call.case.label}: {outcome.status}: {outcome.error}")


def _auto(question: Question, calls: list[PlannedCall], ex: Execution) -> QuestionResult:
    cases = []
    for call in calls:
        v = _verdict(call, ex)
        cases.append(CaseResult(call.case.label, v.passed, v.message or v.warning))
    failed = [c.message for c in cases if not c.passed]
    warnings = sorted({c.message for c in cases if c.passed and c.message})
    if not cases:
        reason = "no hidden cases"
    elif failed:
        reason = f"{len(failed)} of {len(cases)} hidden cases failed: " + "; ".join(
            failed[:MAX_REASONS])
    else:
        reason = f"all {len(cases)} hidden cases passed" + (
            f" (warning: {'; '.join(warnings[:MAX_REASONS])})" if warnings else "")
    points = question.points if cases and not failed else 0.0
    return QuestionResult(question.grade_id, question.unit, question.points, points, "auto",
                          [c for _, c in question.checks], cases, reason)


def _assert(question: Question, ex: Execution) -> QuestionResult:
    rec = ex.cells.get(question.cell_index)
    if rec is None:
        ok, reason = False, "not run: the notebook stopped before this cell"
    elif rec.skipped:
        ok, reason = False, "not run: this cell killed the sandbox"
    else:
        ok = not rec.error
        reason = ("test cell ran without error" if ok else "test cell raised an error") + (
            " (asserts ran inside the student's process: forgeable, see THREAT_MODEL.md)")
    return QuestionResult(question.grade_id, question.unit, question.points,
                          question.points if ok else 0.0, "assert", [], [], reason)


def judge(spec: SourceSpec, plan: Plan, ex: Execution) -> list[QuestionResult]:
    """Score every graded cell of the source, in notebook order."""
    by_question: dict[str, list[PlannedCall]] = defaultdict(list)
    for call in plan.calls:
        by_question[call.grade_id].append(call)
    results = []
    for q in spec.questions:
        if q.kind == "auto":
            results.append(_auto(q, by_question[q.grade_id], ex))
        elif q.kind == "assert":
            results.append(_assert(q, ex))
        else:
            results.append(QuestionResult(q.grade_id, q.unit, q.points, None, "manual",
                                          reason="graded by hand in formgrader"))
    return results
