"""The result of a submission that cannot be graded: every autograded question at 0, and why.

Kept apart from :mod:`graders.pipeline.grade`, which makes these results for bad
submissions, because the batch's coordinator makes them too (for a worker that died) and
imports neither the grading pipeline nor numpy: with one worker, only the worker imports
those (:func:`graders.batch.pool.worker_pool`).
"""

from __future__ import annotations

from graders.pipeline.source import SourceSpec
from graders.result import QuestionResult, SubmissionResult

__all__ = ["ungradable_result", "zero_questions"]


def zero_questions(spec: SourceSpec, reason: str) -> list[QuestionResult]:
    """Every question of ``spec`` at 0 with ``reason`` (a manual one stays ungraded)."""
    return [QuestionResult(q.grade_id, q.unit, q.points, 0.0 if q.kind != "manual" else None,
                           q.kind, [c for _, c in q.checks], [], reason, spec.path.stem)
            for q in spec.questions]


def ungradable_result(student: str, assignment: str, specs: SourceSpec | list[SourceSpec],
                      reason: str, timings: dict[str, float]) -> SubmissionResult:
    """A result that gives every autograded question 0 and says why (manual ones stay open)."""
    specs = specs if isinstance(specs, list) else [specs]
    questions = [q for spec in specs for q in zero_questions(spec, f"ungradable: {reason}")]
    return SubmissionResult(student, assignment, "ungradable", reason, questions, timings=timings)
