"""Grades as the import CSV of a learning management system (``mml export --format``).

One row per student, one column per assignment holding its total (after any late penalty,
:func:`graders.nbgrader_io.deadline.late_penalties`), read from nbgrader's gradebook
(:func:`graders.nbgrader_io.scores.read_scores`). A total whose written answers are not all
scored yet (status ``pending-manual``) is left empty and listed in :attr:`LmsExport.held`, so
a provisional total is never uploaded as a final grade; a student with no submission of an
assignment also gets an empty cell (the LMS keeps what it has).

Canvas (``format="canvas"``): the layout of the Gradebook's own CSV export, which its
Gradebook import reads back. The first five columns are ``Student, ID, SIS User ID, SIS
Login ID, Section``; then one column per assignment; the second row starts with ``Points
Possible`` and gives each assignment's maximum. Canvas identifies a student by ``ID`` (its
numeric user id, left empty here), else ``SIS User ID`` or ``SIS Login ID``, else the name;
an assignment column is matched by its ``Title (id)`` or its title, and a new title creates
a new assignment. Sources: Canvas's importer, ``GradebookImporter`` in instructure/canvas-lms
(``row[0] =~ /Points Possible/``, ``row[1]`` the student id, then the SIS columns), and
Instructure's guide "How do I import grades in the Gradebook?" as summarised by Ohio State's
"Import a CSV File to Carmen Grades" (required columns Student Name or ID or SIS User ID, SIS
Login ID, Section, then assignment names; new columns create new assignments). The course's
student id goes into ``SIS Login ID`` (or ``SIS User ID``: ``id_column``).

Moodle (``format="moodle"``): the "Import grades from CSV file" page reads a CSV whose
columns are mapped at import: one column identifies the user ("Map from" a column, "Map to"
username, ID number, email address or user id) and every other mapped column is a grade
item (Moodle's ``grade/import/csv``, ``gradeimport_csv_load_data``). The file has
``First name, Last name``, the identifier column (``ID number`` by default: ``id_column``)
and one column per assignment named by its id.

Text cells are made spreadsheet-safe (:func:`graders.nbgrader_io.export.spreadsheet_safe`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.deadline import late_penalties
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.nbgrader_io.export import format_number, spreadsheet_safe
from graders.nbgrader_io.scores import PENDING_MANUAL, read_scores
from graders.pipeline.source import load_sources

__all__ = ["CANVAS_COLUMNS", "FORMATS", "LmsExport", "LmsFormat", "export_lms"]

LmsFormat = Literal["canvas", "moodle"]
FORMATS: tuple[str, ...] = ("canvas", "moodle")

#: Canvas's student columns, in its order, before the assignment columns.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_ID_COLUMNS = {"canvas": ("SIS Login ID", "SIS User ID"),
               "moodle": ("ID number", "Username", "Email address")}


@dataclass
class LmsExport:
    """An LMS import file and what it leaves out.

    Attributes:
        format: "canvas" or "moodle".
        csv: the file's text (``\\n`` line endings).
        held: one line per total left empty because written answers are still unscored.
    """

    format: str
    csv: str
    held: list[str] = field(default_factory=list)


def _names(course: Course) -> dict[str, tuple[str, str]]:
    """(first name, last name) of every student in the gradebook ("" when unknown)."""
    from nbgrader import api  # lazy: slow import

    ensure_tools_on_path()
    with api.Gradebook(course.db_url, course.course_id) as gb:
        return {s.id: (s.first_name or "", s.last_name or "") for s in gb.students}


def _totals(course: Course, assignment: str,
            held: list[str]) -> dict[str, str]:
    """Per student, the total to upload ("" when held back), noting the held ones."""
    penalties = late_penalties(course, assignment) or {}
    totals: dict[str, str] = {}
    for s in read_scores(course, assignment):
        if s.export_status == PENDING_MANUAL:
            totals[s.student] = ""
            held.append(f"{s.student} on {assignment}: left empty, written answers not "
                        f"scored yet ({', '.join(s.pending)})")
        else:
            totals[s.student] = format_number(max(0.0, s.total
                                                  - penalties.get(s.student, 0.0)))
    return totals


def _points_possible(course: Course, assignment: str) -> str:
    """The assignment's maximum, for Canvas's "Points Possible" row (from the source)."""
    return format_number(sum(q.points for spec in load_sources(course, assignment)
                             for q in spec.questions))


def _rows(fmt: str, id_column: str, names: dict[str, tuple[str, str]], assignments:
          Sequence[str], totals: list[dict[str, str]], possible: list[str]) -> list[list[str]]:
    """The header, Canvas's Points Possible row, then one row per student by id."""
    students = sorted({s for t in totals for s in t})
    if fmt == "canvas":
        rows = [[*CANVAS_COLUMNS, *assignments], ["Points Possible", "", "", "", "", *possible]]
        at = CANVAS_COLUMNS.index(id_column)
        for sid in students:
            first, last = names.get(sid, ("", ""))
            row = [spreadsheet_safe(f"{last}, {first}" if last and first else sid), "", "",
                   "", "", *(t.get(sid, "") for t in totals)]
            row[at] = spreadsheet_safe(sid)
            rows.append(row)
        return rows
    rows = [["First name", "Last name", id_column, *assignments]]
    for sid in students:
        first, last = names.get(sid, ("", ""))
        rows.append([spreadsheet_safe(first), spreadsheet_safe(last), spreadsheet_safe(sid),
                     *(t.get(sid, "") for t in totals)])
    return rows


def export_lms(course: Course, assignments: Sequence[str], fmt: str, *,
               id_column: str | None = None) -> LmsExport:
    """The import CSV of ``fmt`` for ``assignments`` (module docstring).

    Args:
        course: the course.
        assignments: the assignment ids, one column each, in this order.
        fmt: "canvas" or "moodle".
        id_column: the column holding the course's student id (Canvas: "SIS Login ID" or
            "SIS User ID"; Moodle: "ID number", "Username" or "Email address").

    Returns:
        The CSV and the totals held back.

    Raises:
        ConfigError: an unknown format or id column, or no assignment.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: use csv, {' or '.join(FORMATS)}")
    choices = _ID_COLUMNS[fmt]
    column = id_column or choices[0]
    if column not in choices:
        raise ConfigError(f"--id-column {column!r} for {fmt}: use one of {', '.join(choices)}")
    if not assignments:
        raise ConfigError("mml export: name at least one assignment")
    held: list[str] = []
    totals = [_totals(course, a, held) for a in assignments]
    possible = [_points_possible(course, a) for a in assignments]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        _rows(fmt, column, _names(course), list(assignments), totals, possible))
    return LmsExport(fmt, out.getvalue(), held)
