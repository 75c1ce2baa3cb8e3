"""Which pairs of answers are unusually alike, relative to the class.

The rule, per answer cell:

1. Each answer is normalised (:mod:`graders.similarity.normalise`) and fingerprinted
   (:mod:`graders.similarity.fingerprint`) with the released stub's k-grams discarded.
2. An answer whose telling part (tokens outside the stub, in fingerprinted runs) is shorter
   than ``MIN_TOKENS`` normalised tokens is left out: ``return np.linalg.solve(A, b)`` is
   what many honest students write, and says nothing.
3. Every pair of the remaining answers gets a score in [0, 1] (:class:`Overlap`). With fewer
   than ``MIN_ANSWERS`` telling answers the cell has no class to compare with, and nothing
   is flagged in it.
4. The class's distribution of that cell's pair scores is summarised robustly: its median
   ``m`` and ``s = 1.4826 * MAD`` (the median absolute deviation, scaled to estimate a
   standard deviation; robust, so the copied pairs themselves do not widen it). ``s`` is
   floored at ``MIN_SPREAD`` so that a class whose pairs all score alike does not turn a
   tiny difference into a flag.
5. A pair is flagged when its score is at least ``FLOOR`` *and* at least ``m + Z * s``: far
   above what this class's pairs share for this cell, and most of both answers shared. A
   class where everyone writes the same ten lines has a high median, and none of its pairs
   stands out.

A flag is a prompt for a person to read both answers, never a verdict.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import combinations

from graders.similarity.answers import AnswerCell, ClassAnswers
from graders.similarity.fingerprint import Fingerprint, Overlap, compare, fingerprint, kgram_hashes
from graders.similarity.normalise import normalise

__all__ = [
    "FLOOR",
    "MIN_ANSWERS",
    "MIN_SPREAD",
    "MIN_TOKENS",
    "CellStats",
    "Pair",
    "Z",
    "flag_cell",
]

MIN_TOKENS = 20  # telling tokens below which an answer is too short to compare
MIN_ANSWERS = 4  # telling answers below which a cell has no class to compare with
FLOOR = 0.6  # a flagged pair shares at least this fraction of both answers' telling tokens
Z = 4.0  # robust standard deviations above the class median
MIN_SPREAD = 0.05  # floor of the robust spread s


@dataclass(frozen=True)
class Pair:
    """Two students' answers to one cell, flagged as unusually alike.

    Attributes:
        cell: the answer cell's key (``notebook/grade_id``).
        student_a: the first student (alphabetical order).
        student_b: the second student.
        score: the pair's overlap score (see :class:`graders.similarity.fingerprint.Overlap`).
        threshold: the score this cell's rule required (``max(FLOOR, m + Z * s)``).
        spans_a: character spans of the first answer's shared runs.
        spans_b: the same for the second answer.
    """

    cell: str
    student_a: str
    student_b: str
    score: float
    threshold: float
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class CellStats:
    """The class's distribution of one cell's pair scores.

    Attributes:
        cell: the answer cell's key.
        answers: submitted answers to it.
        telling: answers long enough to compare (``MIN_TOKENS`` telling tokens or more).
        median: median pair score among the telling answers (0 with fewer than two).
        spread: the robust spread ``s`` used (floored at ``MIN_SPREAD``).
        threshold: the score a pair needed to be flagged (None: too few telling answers).
    """

    cell: str
    answers: int
    telling: int
    median: float
    spread: float
    threshold: float | None


def _fingerprints(cell: AnswerCell, texts: dict[str, str]) -> dict[str, Fingerprint]:
    """Each student's fingerprint of the cell, the stub's k-grams discarded."""
    stub = set(kgram_hashes(normalise(cell.stub, python=cell.python)))
    return {student: fingerprint(normalise(text, python=cell.python), stub)
            for student, text in sorted(texts.items())}


def _rule(scores: list[float]) -> tuple[float, float, float]:
    """The median, the floored robust spread and the flag threshold of ``scores``."""
    m = statistics.median(scores)
    mad = statistics.median(abs(x - m) for x in scores)
    s = max(1.4826 * mad, MIN_SPREAD)
    return m, s, max(FLOOR, m + Z * s)


def flag_cell(cell: AnswerCell, answers: ClassAnswers) -> tuple[CellStats, list[Pair]]:
    """The class's statistics of one answer cell and its flagged pairs, by the rule above."""
    texts = answers.texts.get(cell.key, {})
    prints = {s: f for s, f in _fingerprints(cell, texts).items() if f.coverage >= MIN_TOKENS}
    overlaps: dict[tuple[str, str], Overlap] = {
        (a, b): compare(prints[a], prints[b]) for a, b in combinations(sorted(prints), 2)}
    if len(prints) < MIN_ANSWERS:
        median = statistics.median(o.score for o in overlaps.values()) if overlaps else 0.0
        return CellStats(cell.key, len(texts), len(prints), median, 0.0, None), []
    m, s, threshold = _rule([o.score for o in overlaps.values()])
    pairs = [Pair(cell.key, a, b, o.score, threshold, o.spans_a, o.spans_b)
             for (a, b), o in overlaps.items() if o.score >= threshold]
    pairs.sort(key=lambda p: -p.score)
    return CellStats(cell.key, len(texts), len(prints), m, s, threshold), pairs
