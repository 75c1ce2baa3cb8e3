"""The regrade preview's comparison and its two forms (table, versioned JSON), without grading.

The end-to-end proof, through real sandboxes and a real regrade, is
``tests/e2e/test_regrade_preview.py``; the PDF page's escaping is checked here too.
"""

from __future__ import annotations

import json

from graders.batch.preview import RegradePreview, _add, compare_results
from graders.nbgrader_io.pdf import WrittenAnswer, render_html
from graders.result import QuestionResult, SubmissionResult


def _result(student: str, **points: tuple[float | None, float]) -> SubmissionResult:
    questions = [QuestionResult(g, "linear_algebra", m, p) for g, (p, m) in points.items()]
    questions.append(QuestionResult("written", "linear_algebra", 4, None, "manual"))
    return SubmissionResult(student, "tiny", "graded", questions=questions)


def test_compare_lists_points_and_maximum_changes_and_ignores_manual_cells() -> None:
    old = _result("s1", a=(3, 3), b=(0, 2), c=(1, 1), gone=(2, 2))
    new = _result("s1", a=(3, 3), b=(2, 2), c=(1, 2), added=(0, 1))
    new.questions[-1].points = 4.0  # a TA's score is not the grader's business
    changes = {c.grade_id: (c.old, c.new, c.delta) for c in compare_results(old, new)}
    assert changes == {"b": (0, 2, 2), "c": (1, 1, 0), "added": (None, 0, 0),
                       "gone": (2, None, -2)}


def test_preview_counts_unchanged_and_ungraded_students_and_serialises() -> None:
    preview = RegradePreview("tiny")
    _add(preview, _result("same", a=(3, 3)), _result("same", a=(3, 3)))
    _add(preview, _result("up", a=(0, 3)), _result("up", a=(3, 3)))
    _add(preview, None, _result("new", a=(1, 3)))
    assert preview.unchanged == ["same"] and preview.ungraded == ["new"]
    raw = json.loads(preview.to_json())
    assert raw["schema_version"] == 1
    assert [(c["student"], c["delta"]) for c in raw["changes"]] == [("up", 3.0), ("new", 1.0)]
    text = preview.text()
    assert "up       a         0/3  3/3  +3" in text
    assert "new      a         -    1/3  +1" in text
    assert text.endswith("2 score change(s) for 2 student(s); 1 unchanged; nothing written")


def test_pdf_page_prints_student_markup_as_text() -> None:
    answer = WrittenAnswer("tiny", "written", 4, "Why is $Q$ *orthogonal*?",
                           "<script>alert(1)</script><img src=http://example.org/x.png>")
    page = render_html("tiny", "s<1>", [answer])
    assert "<script>alert" not in page and "<img src=http" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<em>orthogonal</em>" in page  # the instructor's prompt is Markdown
    assert "s&lt;1&gt;" in page
    assert "default-src 'none'" in page
