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

What this needs from grading, not yet in place: the decoded value of each value answer,
recorded per student when ``mml grade`` judges it (the judge's ``outcome.value`` in
:mod:`graders.pipeline.judge`). Until it is, callers pass the values themselves
(:func:`cross_variant`'s ``values``). Formula answers are not covered: the sandbox
evaluates a formula at the points of the student's own cases, so judging it against a
classmate's reference needs one more sandbox run at that classmate's points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graders.checks import CheckSpec
from graders.variants import check_cases

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


def _passes(spec: CheckSpec, value: Any, seed: int, assignment: str, student: str) -> bool:
    """Whether ``value`` passes every case of ``student``'s variant of ``spec``."""
    cases = check_cases(spec, seed, assignment, student)
    return bool(cases) and all(spec.decide(case, value).passed for case in cases)


def cross_variant(specs: Sequence[CheckSpec], seed: int, assignment: str,
                  values: Mapping[str, Mapping[str, Any]]) -> list[CrossMatch]:
    """Every answer right for another student's variant and wrong for its own.

    Args:
        specs: the assignment's checks (those that are not per-student value checks are
            ignored).
        seed: the course's grading seed (``c.MMLGrader.seed``), from which variants derive.
        assignment: the assignment id.
        values: student -> check id -> the value the sandbox returned for that answer.
    """
    found: list[CrossMatch] = []
    students = sorted(values)
    for spec in variant_value_checks(specs):
        for student in students:
            if spec.id not in values[student]:
                continue
            value = values[student][spec.id]
            if _passes(spec, value, seed, assignment, student):
                continue
            matches = tuple(other for other in students if other != student
                            and _passes(spec, value, seed, assignment, other))
            if matches:
                found.append(CrossMatch(student, spec.id, matches))
    return found
