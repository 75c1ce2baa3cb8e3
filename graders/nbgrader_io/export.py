"""Export one assignment's grades as CSV, read from nbgrader's gradebook.

Because the scores come from the gradebook (:func:`graders.nbgrader_io.scores.read_scores`),
manual scores a TA entered in formgrader appear, and override the autograder's.

Columns: ``student_id,status,total,max_total``, then one column per unit present in
the assignment (course order: linear_algebra, geometry, calculus, optimisation,
probability, statistics; any other unit after them), then one column per grade_id
in notebook order, then ``pending`` (the written answers nobody has scored yet,
``; ``-separated; a graded submission with any has the status ``pending-manual``: its total
is not final) and ``flags`` (the grader's tamper flags, ``; ``-separated). Numbers
are compact (``3``, ``2.5``); a cell nobody has scored yet (a written answer awaiting
its TA) is empty. When the assignment has a due date in the gradebook, ``total`` is after the
late penalty (nbgrader export's ``score``) and ``raw_total,late_penalty`` follow it
(:mod:`graders.nbgrader_io.deadline`).

Text that a spreadsheet would read as a formula (a student id or a flag beginning with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``, as
spreadsheet-safe exporters do (OWASP's CSV injection guidance), so opening the export in
a spreadsheet never runs a student's formula.
"""

from __future__ import annotations

import csv
import io

from graders.config import Course
from graders.content.units import UNITS
from graders.nbgrader_io.deadline import late_penalties
from graders.nbgrader_io.scores import StudentScores, grade_cells, read_scores

__all__ = ["COURSE_UNITS", "export_csv", "format_number", "spreadsheet_safe"]

#: The six units in course order (declared once, in :data:`graders.content.units.UNITS`).
COURSE_UNITS: tuple[str, ...] = UNITS


def format_number(value: float | None) -> str:
    """A score as compact text: ``3``, ``2.5``, ``0.333333``; ``""`` for None.

    Args:
        value: the number (rounded to 6 decimals), or None.

    Returns:
        The text.
    """
    if value is None:
        return ""
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would take it for a formula.

    Args:
        text: a text cell (a student id, a flag).

    Returns:
        The text, neutralised when it starts with ``= + - @``, a tab or a carriage return.
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unit_columns(units: list[str]) -> list[str]:
    """The units present, in course order, unknown ones after in first-seen order."""
    present = dict.fromkeys(u for u in units if u)
    return [u for u in COURSE_UNITS if u in present] + [u for u in present
                                                        if u not in COURSE_UNITS]


def _row(student: StudentScores, units: list[str], grade_ids: list[str]) -> list[str]:
    """One student's CSV row."""
    by_unit = student.unit_totals()
    by_id = {c.grade_id: c.score for c in student.cells}
    return [spreadsheet_safe(student.student), student.export_status,
            format_number(student.total),
            format_number(student.max_total),
            *(format_number(by_unit.get(u, 0.0)) for u in units),
            *(format_number(by_id.get(g)) for g in grade_ids),
            "; ".join(student.pending),
            "; ".join(spreadsheet_safe(f) for f in student.flags)]


def export_csv(course: Course, assignment: str) -> str:
    """The CSV of every student's grades on ``assignment``, sorted by student id.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The CSV text (header first; ``\\n`` line endings).
    """
    cells = grade_cells(course, assignment)
    units = _unit_columns([unit for _, unit in cells])
    grade_ids = [gid for gid, _ in cells]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    penalties = late_penalties(course, assignment)  # None: no due date, no late columns
    late = ["raw_total", "late_penalty"] if penalties is not None else []
    writer.writerow(["student_id", "status", "total", *late, "max_total", *units, *grade_ids,
                     "pending", "flags"])
    for student in read_scores(course, assignment):
        row = _row(student, units, grade_ids)
        if penalties is not None:
            given = penalties.get(student.student, 0.0)
            row[2:3] = [format_number(max(0.0, student.total - given)), row[2],
                        format_number(given)]
        writer.writerow(row)
    return out.getvalue()
