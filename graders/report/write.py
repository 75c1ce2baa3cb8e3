"""Write a report: the page ``index.html`` and one CSV per table, in one folder.

- ``mml report ASSIGNMENT``: ``reports/<assignment>/`` under the course (or ``--out``);
  its mastery table covers every assignment graded so far.
- ``mml report --all``: ``reports/course/``: the course so far, every graded assignment.

CSV cells go through :func:`~graders.nbgrader_io.export.spreadsheet_safe` and
:func:`~graders.nbgrader_io.export.format_number`, as ``mml export``'s do.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.export import format_number, spreadsheet_safe
from graders.report.data import AssignmentData, gather, gather_all
from graders.report.page import PageParts, render_page
from graders.report.plots import histograms_png, items_png
from graders.report.tables import (
    Cell,
    Table,
    analysed,
    bins_table,
    distribution_table,
    failures_table,
    flagged_table,
    items_table,
    late_table,
    mastery,
    mastery_table,
    mistakes_table,
    review_table,
    stats_of,
    ungradable_table,
    unit_order,
)

__all__ = ["ReportFiles", "write_assignment_report", "write_course_report"]


@dataclass(frozen=True)
class ReportFiles:
    """What a report wrote.

    Attributes:
        page: the HTML page (``index.html``).
        csv: the CSV files beside it, one per table.
    """

    page: Path
    csv: tuple[Path, ...]


def _csv_cell(value: Cell) -> str:
    """A CSV cell: compact numbers, empty for None, formula-safe text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    return spreadsheet_safe(value)


def _write_csv(folder: Path, table: Table) -> Path:
    """One table as ``<name>.csv``."""
    path = folder / f"{table.name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([spreadsheet_safe(h) for h in table.header])
        writer.writerows([_csv_cell(c) for c in row] for row in table.rows)
    return path


def _parts(title: str, summary: str, reported: Sequence[AssignmentData],
           course_so_far: Sequence[AssignmentData], count_missing: bool) -> PageParts:
    """Everything the page shows about ``reported`` (mastery over ``course_so_far``)."""
    units = unit_order(reported)
    scores = mastery(reported, count_missing)
    all_units = unit_order(course_so_far)
    across = mastery(course_so_far, count_missing=True)
    bins = bins_table(scores, units)
    panels = [(str(h), [int(float(r[i] or 0)) for r in bins.rows])
              for i, h in enumerate(bins.header) if i > 0]
    stats = [s for a in reported for s in stats_of(a)]
    tables = [review_table(reported), bins, distribution_table(scores, units),
              items_table(reported), failures_table(reported), mistakes_table(reported),
              ungradable_table(reported), flagged_table(reported), late_table(reported),
              mastery_table(across, all_units)]
    note = (f"Every assignment graded so far ({', '.join(a.assignment for a in course_so_far)}); "
            "an assignment a student did not submit counts as 0 of its points (shown as "
            "'not submitted'); written answers not yet scored are pending.")
    return PageParts(title, summary, histograms_png(panels),
                     items_png(stats) if stats else "", {t.name: t for t in tables},
                     across, all_units, note)


def _write(folder: Path, parts: PageParts) -> ReportFiles:
    """The page and its CSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    csvs = tuple(_write_csv(folder, t) for t in parts.tables.values())
    page = folder / "index.html"
    page.write_text(render_page(parts), encoding="utf-8")
    return ReportFiles(page, csvs)


def _summary(assignments: Sequence[AssignmentData]) -> str:
    """Counts shown under the heading."""
    subs = sum(len(a.submissions) for a in assignments)
    done = sum(analysed(a) for a in assignments)
    return (f"{subs} submission(s); {done} graded in full or in part and analysed; "
            f"{subs - done} ungradable or without a result.")


def write_assignment_report(course: Course, assignment: str,
                            out: Path | None = None) -> ReportFiles:
    """Write the report of one assignment.

    Args:
        course: the course.
        assignment: the assignment id.
        out: the folder (default ``<course>/reports/<assignment>/``).

    Returns:
        The files written.

    Raises:
        ConfigError: when the assignment has no submission in the gradebook.
    """
    data = gather(course, assignment)
    if not data.submissions:
        raise ConfigError(f"{course.root}: assignment {assignment!r} has no graded submission "
                          f"in the gradebook; run 'mml grade {assignment}' first")
    so_far = [a if a.assignment != assignment else data for a in gather_all(course)]
    parts = _parts(f"Class report: {assignment}", _summary([data]), [data], so_far,
                   count_missing=False)
    return _write(out or course.root / "reports" / assignment, parts)


def write_course_report(course: Course, out: Path | None = None) -> ReportFiles:
    """Write the report of the course so far: every assignment graded.

    Args:
        course: the course.
        out: the folder (default ``<course>/reports/course/``).

    Returns:
        The files written.
    """
    so_far = gather_all(course)
    title = f"Course report: {len(so_far)} assignment(s) graded so far"
    parts = _parts(title, _summary(so_far), so_far, so_far, count_missing=True)
    return _write(out or course.root / "reports" / "course", parts)
