"""Answers right for another student's exam variant, and wrong for the student's own.

With per-student variants (:mod:`graders.variants`), a value answer (``answer="value"``: a
number, vector or matrix the answer cell assigns) that fails the student's own reference
but passes the reference of a classmate's parameters was almost certainly computed by, or
for, that classmate: a near-certain sign of a copied result, and still a prompt for a
person (two students' parameters can coincide; a TA reads both notebooks).

Everything here runs in the trusted process on values the sandbox already returned: a
value answer does not depend on the hidden case, so the one value recorded when the
student was graded is judged, with each check's own judge, against every other student's
cases (:func:`graders.variants.check_cases`). No student code runs here.

Where the values come from: ``mml grade`` keeps the decoded value of each value answer,
as its judge received it, in an instructor-only side file
(:mod:`graders.similarity.values`); ``mml similarity`` reads them and calls
:func:`cross_variant`. A student without a personal notebook is judged on the shared
variant (:data:`graders.variants.DEFAULT_STUDENT`), which is also a candidate: an answer
right for the shared release's numbers and wrong for the student's own is listed as
matching it. Formula answers are not covered: the sandbox evaluates a formula at the points
of the student's own cases, so judging it against a classmate's reference needs one more
sandbox run at that classmate's points.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graders.checks import Case, CheckSpec
from graders.variants import DEFAULT_STUDENT, check_cases

__all__ = ["CrossMatch", "cross_variant", "variant_value_checks"]


@dataclass(frozen=True)
class CrossMatch:
    """A value answer that fails its own variant and passes other students' variants.

    Attributes:
        student: the student whose answer it is.
        check_id: the check (one value answer of the exam).
        matches: the students whose variant the answer passes, sorted.
    """

    student: str
    check_id: str
    matches: tuple[str, ...]


def variant_value_checks(specs: Sequence[CheckSpec]) -> list[CheckSpec]:
    """The checks this applies to: value answers whose parameters differ per student."""
    return [s for s in specs if s.answer == "value" and s.parameters is not None]


def _passes(spec: CheckSpec, value: Any, cases: list[Case]) -> bool:
    """Whether ``value`` passes every case of one variant of ``spec``."""
    try:
        return bool(cases) and all(spec.decide(case, value).passed for case in cases)
    except Exception:  # a judge refusing an odd value is a fail, never a crash of the report
        return False


def cross_variant(specs: Sequence[CheckSpec], seed: int, assignment: str,
                  values: Mapping[str, Mapping[str, Any]],
                  released: Collection[str] | None = None) -> list[CrossMatch]:
    """Every answer right for another student's variant and wrong for its own.

    Args:
        specs: the assignment's checks (those that are not per-student value checks are
            ignored).
        seed: the course's grading seed (``c.MMLGrader.seed``), from which variants derive.
        assignment: the assignment id.
        values: student -> check id -> the value the sandbox returned for that answer.
        released: the students who received their own variant (``mml release
            --roster``); the others were graded on the shared one. None: every student in
            ``values`` has their own.

    Returns:
        One :class:`CrossMatch` per such answer; ``matches`` names the students whose
        variant it passes, and :data:`~graders.variants.DEFAULT_STUDENT` for the shared
        release's.
    """
    def variant(student: str) -> str:
        own = released is None or student in released
        return student if own else DEFAULT_STUDENT

    students = sorted(values)
    candidates = sorted({*students, DEFAULT_STUDENT}, key=lambda s: (s == DEFAULT_STUDENT, s))
    found: list[CrossMatch] = []
    for spec in variant_value_checks(specs):
        cache: dict[str, list[Case]] = {}

        def cases_of(v: str, spec: CheckSpec = spec, cache: dict[str, list[Case]] = cache
                     ) -> list[Case]:
            if v not in cache:
                cache[v] = check_cases(spec, seed, assignment, v)
            return cache[v]

        for student in students:
            if spec.id not in values[student]:
                continue
            value, own = values[student][spec.id], variant(student)
            if _passes(spec, value, cases_of(own)):
                continue
            matches = tuple(c for c in candidates if c != student and variant(c) != own
                            and (c == DEFAULT_STUDENT or variant(c) == c)
                            and _passes(spec, value, cases_of(variant(c))))
            if matches:
                found.append(CrossMatch(student, spec.id, matches))
    return found
