"""``mml report``: the class at a glance, as one self-contained HTML page per assignment
(and one for the course so far), with the numbers behind every plot and table as CSV.

The package is split by concern: :mod:`~graders.report.data` gathers the class's numbers
(scores from nbgrader's gradebook, per-question detail from the versioned results),
:mod:`~graders.report.items` computes the item analysis (pure numerics),
:mod:`~graders.report.plots` draws the figures, :mod:`~graders.report.page` writes the HTML
and :mod:`~graders.report.write` ties them together and writes the CSV files.
"""

from graders.report.write import ReportFiles, write_assignment_report, write_course_report

__all__ = ["ReportFiles", "write_assignment_report", "write_course_report"]
