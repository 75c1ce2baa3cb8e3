"""graders/nbgrader_io/prompts.py: the instructor's prompts, shared by the feedback pages and
the written-answer PDFs; and the PDF page that shows them beside an untrusted answer."""

from __future__ import annotations

from pathlib import Path

import nbformat
from notebooks import make_course, md, source_notebook

from graders.config import load_course
from graders.nbgrader_io.pdf import WrittenAnswer, render_html
from graders.nbgrader_io.prompts import markdown_html, question_prompts

PROMPT = "Explain why $Q^T Q = I$ for the **reflection**."


def _course(root: Path) -> Path:
    """The tiny course with a Markdown prompt right above its written answer."""
    make_course(root)
    nb = source_notebook()
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "written")
    nb.cells.insert(index, md(PROMPT, grade_id="written_prompt", locked=True))
    nbformat.write(nb, str(root / "source" / "tiny" / "tiny.ipynb"))
    return root


def test_the_prompt_above_a_graded_cell_is_its_own(tmp_path: Path) -> None:
    prompts = question_prompts(load_course(_course(tmp_path / "c")), "tiny", "tiny")
    assert prompts["written"] == PROMPT
    assert question_prompts(load_course(tmp_path / "c"), "tiny", "absent") == {}


def test_the_instructors_markdown_is_rendered_with_formulas_left_for_mathjax() -> None:
    out = markdown_html(PROMPT)
    assert "<strong>reflection</strong>" in out and "Q^T Q = I" in out


def test_a_hostile_answer_and_student_id_are_text_on_the_pdf_page() -> None:
    """Markup in an answer or an id is printed as characters; only the prompt is Markdown."""
    hostile = '<script>alert(1)</script><img src="http://127.0.0.1:1/x">'
    page = render_html("tiny", '"><script>x()</script>', [
        WrittenAnswer("tiny", "written", 2.0, PROMPT, hostile)])
    assert "<script>alert" not in page and "<img src=\"http" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;script&gt;x()" in page and "<strong>reflection</strong>" in page
