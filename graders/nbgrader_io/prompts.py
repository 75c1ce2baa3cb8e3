"""The instructor's question prompts, as the student saw them, for pages shown beside answers.

Both the feedback pages (:mod:`graders.nbgrader_io.feedback`) and the written-answer PDFs
(:mod:`graders.nbgrader_io.pdf`) put the Markdown just above a graded cell next to that
cell's result or answer. The prompt is the instructor's text, so it is the one thing on those
pages rendered as Markdown (with formulas left for MathJax); everything a student wrote is
escaped by the page that shows it.
"""

from __future__ import annotations

import nbformat

from graders.config import Course
from graders.pipeline.source import hide_hidden_regions

__all__ = ["markdown_html", "question_prompts"]


def question_prompts(course: Course, assignment: str, notebook: str) -> dict[str, str]:
    """Per graded cell, the Markdown prompt just above its question (from the release).

    Reads ``release/<assignment>/<notebook>.ipynb``, the student's own version; without a
    release, the source's non-solution Markdown cells with hidden regions removed. A prompt
    belongs to the first graded cell below it, so each prompt appears once.

    Args:
        course: the course.
        assignment: the assignment id.
        notebook: the notebook's name without ``.ipynb``.

    Returns:
        The prompt by grade_id; empty when neither notebook can be read.
    """
    released = course.root / "release" / assignment / f"{notebook}.ipynb"
    path = released if released.is_file() else course.root / "source" / assignment / (
        f"{notebook}.ipynb")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return {}
    prompts: dict[str, str] = {}
    pending = ""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("solution"):
            pending = hide_hidden_regions(cell.source)
        elif meta.get("grade") or meta.get("task"):
            if pending:
                prompts[str(meta.get("grade_id", ""))] = pending
            pending = ""
    return prompts


def markdown_html(text: str) -> str:
    """The instructor's Markdown as HTML (formulas left for MathJax); never a student's text."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return str(markdown2html_mistune(text))
