"""``mml similarity``: copying made visible, as a prompt for a person, never a verdict.

Lists pairs of submissions whose answer cells are unusually alike for the class, after
normalisation (names, comments, docstrings, formatting), with the released stub discounted:

- :mod:`~graders.similarity.normalise`: cells to tokens that ignore cheap disguises;
- :mod:`~graders.similarity.fingerprint`: winnowing fingerprints and the overlap of two
  answers (why not a library: its docstring);
- :mod:`~graders.similarity.answers`: the class's answer cells and their stubs;
- :mod:`~graders.similarity.detect`: the rule that flags a pair, relative to the class;
- :mod:`~graders.similarity.report`: the result, its table and its JSON form;
- :mod:`~graders.similarity.page`: the HTML page with the pairs side by side;
- :mod:`~graders.similarity.values` and :mod:`~graders.similarity.crossvariant`: with
  per-student exam variants, the value answers ``mml grade`` kept, and those wrong for the
  student's own variant and right for another student's.
"""

from __future__ import annotations

from graders.config import Course
from graders.similarity.page import write_page
from graders.similarity.report import SimilarityReport, find_similar, table

__all__ = ["SimilarityReport", "find_similar", "similarity", "table"]


def similarity(course: Course, assignment: str) -> SimilarityReport:
    """Find the flagged pairs of ``assignment`` and write their page (``reports/``)."""
    report = find_similar(course, assignment)
    write_page(course, report)
    return report
