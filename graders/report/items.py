"""Item analysis: how hard each question was, whether it separates strong from weak
students, and how it was failed.

Pure numerics over a students x questions table of scores in which ``nan`` marks a score
not set yet (a written answer awaiting its TA); nothing here reads files.

- **Difficulty** is the mean score over the maximum (1 = everyone earned everything), over
  the students who have a score on the question.
- **Discrimination** is the corrected item-total correlation: Pearson's r between the
  question's scores and each student's total *on the other questions* (the item itself
  left out, so that it does not correlate with itself). The students are those scored on
  the question; the other questions are those scored for every one of them (a question
  pending for some is left out of the rest rather than counted as 0). It is undefined
  (None, shown as such, never as 0) when fewer than two students are scored, no other
  question is, or either side has zero variance (a question everyone passes, or a class
  whose rest totals are all equal).
- **Items to review**: a question nobody earns full points on, one everybody does, and one
  with negative discrimination (the weaker students do better on it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graders.result import QuestionResult

__all__ = ["ItemStats", "count_mistakes", "discrimination", "failure_kind", "failure_kinds",
           "item_stats", "review_reasons", "score_matrix"]

#: Longest exception name kept in a failure kind (the name comes from student code).
MAX_KIND_CHARS = 60


@dataclass(frozen=True)
class ItemStats:
    """The item analysis of one question.

    Attributes:
        column: the question's grade_id (qualified by notebook where needed).
        unit: the unit its points count towards.
        max_points: points available.
        scored: students with a score.
        pending: students whose score is not set yet.
        mean: the mean score of the scored students (None if none).
        difficulty: ``mean / max_points`` (None if undefined).
        full: scored students with full points.
        zero: scored students with no points.
        discrimination: the corrected item-total correlation (None when undefined).
    """

    column: str
    unit: str
    max_points: float
    scored: int
    pending: int
    mean: float | None
    difficulty: float | None
    full: int
    zero: int
    discrimination: float | None


def score_matrix(rows: Sequence[Sequence[float | None]]) -> np.ndarray:
    """A students x questions float array, ``nan`` where a score is None (pending).

    Args:
        rows: one sequence of scores per student, all of the same length.

    Returns:
        The array (shape ``(0, 0)`` for no students).
    """
    if not rows:
        return np.zeros((0, 0))
    return np.array([[np.nan if v is None else float(v) for v in row] for row in rows],
                    dtype=float).reshape(len(rows), len(rows[0]))


def _constant(values: np.ndarray) -> bool:
    """Whether every value is the same (zero variance, decided exactly)."""
    return bool(np.all(values == values[0]))


def discrimination(matrix: np.ndarray, j: int) -> float | None:
    """The corrected item-total correlation of question ``j`` (see the module docstring).

    Args:
        matrix: students x questions, ``nan`` for pending scores.
        j: the question's column.

    Returns:
        Pearson's r, or None when it is undefined.
    """
    sub = matrix[~np.isnan(matrix[:, j])]
    others = [k for k in range(matrix.shape[1]) if k != j and not np.isnan(sub[:, k]).any()]
    if len(sub) < 2 or not others:
        return None
    item, rest = sub[:, j], sub[:, others].sum(axis=1)
    if _constant(item) or _constant(rest):
        return None
    return float(np.corrcoef(item, rest)[0, 1])


def item_stats(columns: Sequence[tuple[str, str, float]], matrix: np.ndarray) -> list[ItemStats]:
    """The item analysis of every question.

    Args:
        columns: (column, unit, max_points) per question, in the matrix's column order.
        matrix: students x questions, ``nan`` for pending scores.

    Returns:
        One :class:`ItemStats` per question, in order.
    """
    stats = []
    for j, (column, unit, max_points) in enumerate(columns):
        values = matrix[:, j][~np.isnan(matrix[:, j])] if len(matrix) else np.zeros(0)
        mean = float(values.mean()) if len(values) else None
        stats.append(ItemStats(
            column, unit, max_points, len(values), len(matrix) - len(values), mean,
            mean / max_points if mean is not None and max_points > 0 else None,
            int((values >= max_points).sum()), int((values <= 0).sum()),
            discrimination(matrix, j) if len(matrix) else None))
    return stats


def review_reasons(stats: ItemStats) -> list[str]:
    """Why a question is an item to review (empty when it is not).

    Args:
        stats: the question's item analysis.

    Returns:
        "nobody earns full points", "everybody earns full points", and/or "negative
        discrimination (r = ...)"; nothing for a question nobody has a score on yet.
    """
    if stats.scored == 0 or stats.max_points <= 0:
        return []
    reasons = []
    if stats.full == 0:
        reasons.append("nobody earns full points")
    elif stats.full == stats.scored:
        reasons.append("everybody earns full points")
    if stats.discrimination is not None and stats.discrimination < 0:
        reasons.append(f"negative discrimination (r = {stats.discrimination:.2f})")
    return reasons


_STATUS_KINDS = {"crash: timeout": "timed out", "missing:": "function not defined",
                 "not run:": "not run (the notebook stopped before it)",
                 "tampered:": "malformed record", "result too large:": "result too large",
                 "crash:": "crashed (exit, signal or limit)"}


def failure_kind(label: str, message: str) -> str | None:
    """The kind of one failed hidden case, from its verdict message.

    Args:
        label: the case's label (the message starts with it).
        message: the judge's message.

    Returns:
        "raised <Exception>", "timed out", "function not defined", "wrong output", ...;
        None for a case skipped because an earlier case of its question hit a limit.
    """
    text = message.removeprefix(f"{label}: ")
    if text.startswith("crash: skipped"):
        return None
    if text.startswith("error: "):
        name = text.removeprefix("error: ").split(":", 1)[0].strip()
        return f"raised {name[:MAX_KIND_CHARS]}"
    if text.startswith("raised "):
        return "raised the wrong exception"
    return next((kind for prefix, kind in _STATUS_KINDS.items() if text.startswith(prefix)),
                "wrong output")


def failure_kinds(question: QuestionResult) -> set[str]:
    """The kinds of failure of one question of one submission (empty if it did not fail).

    Args:
        question: the grader's verdict.

    Returns:
        The set of kinds over its failed cases; for an assert question that lost points,
        "its asserts failed" or "not run".
    """
    if question.kind == "assert" and question.points is not None \
            and question.points < question.max_points:
        return {"not run" if question.reason.startswith("not run") else "its asserts failed"}
    kinds = {failure_kind(c.label, c.message or "failed") for c in question.cases
             if not c.passed}
    return {k for k in kinds if k is not None}


def count_mistakes(questions: Sequence[QuestionResult]) -> Counter[tuple[str, str]]:
    """(name, hint) of the named mistakes among one question's verdicts, with counts."""
    return Counter((q.mistake.name, q.mistake.hint) for q in questions
                   if q.mistake is not None and q.mistake.name)
