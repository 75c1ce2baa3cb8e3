"""``mml similarity``'s work: the flagged pairs of an assignment, and their page."""

from __future__ import annotations

from graders.config import Course
from graders.similarity.page import write_page
from graders.similarity.report import SimilarityReport, find_similar

__all__ = ["similarity"]


def similarity(course: Course, assignment: str) -> SimilarityReport:
    """Find the flagged pairs of ``assignment`` and write their page (``reports/``)."""
    report = find_similar(course, assignment)
    write_page(course, report)
    return report
