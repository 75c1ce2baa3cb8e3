"""The report's tables, built once and rendered twice: as HTML on the page and as CSV beside
it. Each :class:`Table` holds plain cells (text, a number, or None for "no value").

Which students count where:
- the score distribution and the mastery table count every submission (an ungradable one
  scores what the gradebook says, usually 0); a written answer not scored yet is *pending*:
  its points are left out of the percentage and shown apart;
- the item analysis leaves out ungradable submissions and those without a readable result
  (they say nothing about the questions; they are listed in their own table);
- in the course report, an assignment a student did not submit counts as *missing*: 0 of
  its points, shown apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from graders.nbgrader_io.export import COURSE_UNITS
from graders.report.data import AssignmentData
from graders.report.items import (
    ItemStats,
    count_mistakes,
    failure_kinds,
    item_stats,
    review_reasons,
    score_matrix,
)
from graders.report.plots import BIN_EDGES, bin_counts

__all__ = ["Cell", "Table", "UnitScore", "analysed", "bins_table", "distribution_table",
           "failures_table", "flagged_table", "items_table", "late_table", "mastery",
           "mastery_table", "mistakes_table", "review_table", "stats_of", "ungradable_table",
           "unit_order"]

Cell = str | float | None

#: Statuses whose submissions enter the item analysis.
ANALYSED = ("graded", "partial")


@dataclass(frozen=True)
class Table:
    """One table of the report.

    Attributes:
        name: its CSV file name without ``.csv``.
        title: its heading on the page.
        header: column names.
        rows: the cells, row by row.
    """

    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass
class UnitScore:
    """One student's points in one unit (or overall), over the assignments reported.

    Attributes:
        earned: points scored.
        graded: points available on the questions scored so far.
        pending: points available on questions not scored yet (written answers).
        missing: points of assignments the student did not submit (course report only).
    """

    earned: float = 0.0
    graded: float = 0.0
    pending: float = 0.0
    missing: float = 0.0

    @property
    def percent(self) -> float | None:
        """Earned over graded plus missing points, in percent (None when both are 0)."""
        total = self.graded + self.missing
        return 100.0 * self.earned / total if total > 0 else None


def unit_order(assignments: Sequence[AssignmentData]) -> list[str]:
    """The units present, in course order, unknown ones after in first-seen order."""
    seen = dict.fromkeys(q.unit for a in assignments for q in a.questions if q.unit)
    return [u for u in COURSE_UNITS if u in seen] + [u for u in seen if u not in COURSE_UNITS]


def mastery(assignments: Sequence[AssignmentData],
            count_missing: bool) -> dict[str, dict[str, UnitScore]]:
    """Per student, per unit (and ``""`` for overall), the points over ``assignments``.

    Args:
        assignments: the assignments reported.
        count_missing: whether an assignment a student did not submit counts as missing
            points (the course report) or is left out (one assignment's report).

    Returns:
        Students sorted by id.
    """
    students = sorted({s.student for a in assignments for s in a.submissions})
    table = {s: {u: UnitScore() for u in ["", *unit_order(assignments)]} for s in students}
    for a in assignments:
        submitted = {s.student: s for s in a.submissions}
        for student in students:
            sub = submitted.get(student)
            if sub is None and not count_missing:
                continue
            for j, q in enumerate(a.questions):
                score = None if sub is None else sub.scores[j]
                for key in dict.fromkeys(("", q.unit)):  # "" is overall (and no unit)
                    _add(table[student][key], sub is None, score, q.max_points)
    return table


def _add(cell: UnitScore, missing: bool, score: float | None, max_points: float) -> None:
    """Add one question's points to a student's unit score."""
    if missing:
        cell.missing += max_points
    elif score is None:
        cell.pending += max_points
    else:
        cell.earned += score
        cell.graded += max_points


def stats_of(a: AssignmentData) -> list[ItemStats]:
    """The item analysis of one assignment, over its analysed submissions."""
    rows = [s.scores for s in a.submissions if s.status in ANALYSED]
    columns = [(q.column, q.unit, q.max_points) for q in a.questions]
    return item_stats(columns, score_matrix(rows) if rows else
                      score_matrix([]).reshape(0, len(columns)))


def analysed(a: AssignmentData) -> int:
    """How many submissions of ``a`` enter the item analysis."""
    return sum(s.status in ANALYSED for s in a.submissions)


def _prefix(a: AssignmentData, many: bool) -> tuple[str, ...]:
    """The assignment cell that starts a row in a course-wide table."""
    return (a.assignment,) if many else ()


def _first_column(many: bool) -> tuple[str, ...]:
    """The ``assignment`` column that starts a course-wide table's header (see :func:`_prefix`)."""
    return ("assignment",) if many else ()


def items_table(assignments: Sequence[AssignmentData]) -> Table:
    """Per question: difficulty, discrimination, pass counts, and why to review it."""
    many = len(assignments) > 1
    table = Table("items", "Questions", (*_first_column(many), "question", "unit",
                  "kind", "max points", "scored", "pending", "mean", "difficulty",
                  "full points", "no points", "discrimination", "review"))
    for a in assignments:
        for q, st in zip(a.questions, stats_of(a), strict=True):
            disc: Cell = "undefined" if st.discrimination is None else round(
                st.discrimination, 3)
            table.rows.append((*_prefix(a, many), q.column, q.unit, q.kind, q.max_points,
                               float(st.scored), float(st.pending), st.mean,
                               None if st.difficulty is None else round(st.difficulty, 3),
                               float(st.full), float(st.zero), disc,
                               "; ".join(review_reasons(st))))
    return table


def review_table(assignments: Sequence[AssignmentData]) -> Table:
    """The items to review: nobody or everybody passes, or negative discrimination."""
    many = len(assignments) > 1
    table = Table("review", "Items to review",
                  (*_first_column(many), "question", "why"))
    for a in assignments:
        for q, st in zip(a.questions, stats_of(a), strict=True):
            reasons = review_reasons(st)
            if reasons:
                table.rows.append((*_prefix(a, many), q.column, "; ".join(reasons)))
    return table


def failures_table(assignments: Sequence[AssignmentData]) -> Table:
    """Per question, each kind of failure with the number of students it happened to."""
    many = len(assignments) > 1
    table = Table("failures", "How questions were failed",
                  (*_first_column(many), "question", "failure kind", "students"))
    for a in assignments:
        for q in a.questions:
            counts: Counter[str] = Counter()
            for s in a.submissions:
                verdict = s.question(q) if s.status in ANALYSED else None
                counts.update(failure_kinds(verdict) if verdict is not None else ())
            table.rows.extend([(*_prefix(a, many), q.column, kind, float(n))
                               for kind, n in sorted(counts.items(),
                                                     key=lambda kv: (-kv[1], kv[0]))])
    return table


def mistakes_table(assignments: Sequence[AssignmentData]) -> Table:
    """Per question, each named mistake (from the task's bank) with its count and hint."""
    many = len(assignments) > 1
    table = Table("mistakes", "Named mistakes",
                  (*_first_column(many), "question", "mistake", "students",
                   "hint"))
    for a in assignments:
        for q in a.questions:
            verdicts = [v for s in a.submissions if s.status in ANALYSED
                        for v in [s.question(q)] if v is not None]
            counts = count_mistakes(verdicts)
            table.rows.extend([(*_prefix(a, many), q.column, name, float(n), hint)
                               for (name, hint), n in sorted(counts.items(),
                                                             key=lambda kv: (-kv[1], kv[0]))])
    return table


def ungradable_table(assignments: Sequence[AssignmentData]) -> Table:
    """Submissions not (fully) graded: ungradable, partial, or without a readable result."""
    many = len(assignments) > 1
    table = Table("ungradable", "Ungradable and partly graded submissions",
                  (*_first_column(many), "student", "status", "reason"))
    for a in assignments:
        table.rows.extend([(*_prefix(a, many), s.student, s.status,
                            s.reason or ("no readable result.json: regrade with mml grade --force"
                                         if s.status == "missing" else ""))
                           for s in a.submissions if s.status != "graded"])
    return table


def flagged_table(assignments: Sequence[AssignmentData]) -> Table:
    """Every flag the grader raised (edited locked cells, edited points, ...), per student."""
    many = len(assignments) > 1
    table = Table("flagged", "Flagged submissions",
                  (*_first_column(many), "student", "flag"))
    for a in assignments:
        table.rows.extend([(*_prefix(a, many), s.student, flag)
                           for s in a.submissions for flag in s.flags])
    return table


def late_table(assignments: Sequence[AssignmentData]) -> Table:
    """Late submissions, from the grader's results: hours late, penalty and its policy.

    The scores elsewhere on the page are the questions' points, before this penalty.
    """
    many = len(assignments) > 1
    table = Table("late", "Late submissions",
                  (*_first_column(many), "student", "submitted at", "due at",
                   "hours late", "penalty", "policy"))
    for a in assignments:
        for s in a.submissions:
            r = s.result
            if r is None or r.seconds_late <= 0:
                continue
            table.rows.append((*_prefix(a, many), s.student, r.submitted_at, r.due_at,
                               round(r.seconds_late / 3600, 2), float(r.late_penalty),
                               r.late_policy))
    return table


def distribution_table(scores: dict[str, dict[str, UnitScore]], units: list[str]) -> Table:
    """Per student: points overall and per unit (the numbers behind the histograms)."""
    header = ["student", "earned", "graded points", "pending points", "missing points",
              "percent"] + [f"{u} %" for u in units]
    table = Table("scores", "Scores", tuple(header))
    for student, by_unit in scores.items():
        total = by_unit[""]
        table.rows.append((student, total.earned, total.graded, total.pending, total.missing,
                           _round(total.percent), *(_round(by_unit[u].percent) for u in units)))
    return table


def bins_table(scores: dict[str, dict[str, UnitScore]], units: list[str]) -> Table:
    """Students per 10 % bin, overall and per unit (the histograms' bars)."""
    columns = {"all": [v[""].percent for v in scores.values()]}
    columns |= {u: [v[u].percent for v in scores.values()] for u in units}
    counts = {k: bin_counts([p for p in ps if p is not None]) for k, ps in columns.items()}
    edges = BIN_EDGES
    table = Table("distribution", "Score distribution (students per bin)",
                  ("bin", *counts))
    for i in range(len(edges) - 1):
        closing = "]" if i == len(edges) - 2 else ")"
        table.rows.append((f"[{edges[i]:g}, {edges[i + 1]:g}{closing}",
                           *(float(c[i]) for c in counts.values())))
    return table


def mastery_table(scores: dict[str, dict[str, UnitScore]], units: list[str]) -> Table:
    """Per student, per unit, then overall ("all"): earned, graded, pending and missing
    points, and the percent."""
    table = Table("mastery", "Mastery per unit", ("student", "unit", "earned", "graded points",
                                                  "pending points", "missing points",
                                                  "percent"))
    for student, by_unit in scores.items():
        for u in [*units, ""]:
            s = by_unit[u]
            table.rows.append((student, u or "all", s.earned, s.graded, s.pending, s.missing,
                               _round(s.percent)))
    return table


def _round(value: float | None) -> float | None:
    """A percentage to one decimal."""
    return None if value is None else round(value, 1)
