"""The plain-words verdicts: the autograded notebook's [mml] lines, the feedback page's
question boxes (named mistake, escaping) and the neutral line replacing hidden regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.config import load_course
from graders.errors import ConfigError
from graders.explain import HIDDEN_PLACEHOLDER, mistake_of, notebook_text
from graders.nbgrader_io.feedback import TAGrades, render_page, write_feedback
from graders.pipeline.source import hide_hidden_regions
from graders.result import CaseResult, Mistake, QuestionResult, SubmissionResult

LONG = ("tiny leading pivot 2x2: backward error ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖) = 3.1e-02 exceeds "
        "100·n·ε: no pivoting, or an integer array truncating the elimination? " * 2).strip()


def question(**kw: object) -> QuestionResult:
    cases = [CaseResult("well-conditioned 5x5", True),
             CaseResult("tiny leading pivot 2x2", False, LONG),
             CaseResult("<b>odd</b> 1x1", False, "error: ValueError: <script>x()</script>")]
    return QuestionResult(**{"grade_id": "la1_solve_test", "unit": "linear_algebra",
                             "max_points": 3.0, "points": 0.0, "checks": ["linear_algebra.solve"],
                             "cases": cases, "reason": "2 of 3 hidden cases failed",
                             "notebook": "ps1", **kw})  # type: ignore[arg-type]


def test_notebook_text_is_wrapped_and_lists_each_failed_case() -> None:
    q = question(mistake=Mistake("no_pivoting", "Pivot on the largest entry of the column."))
    text = notebook_text(q)
    lines = text.splitlines()
    assert lines[0] == "[mml] 0 / 3 points: 2 of 3 hidden cases failed"
    assert all(len(line) <= 88 for line in lines)
    assert len(lines) > 4  # the long message was wrapped, not cut
    assert "no_pivoting: Pivot on the largest entry" in " ".join(lines)
    assert "linear_algebra.solve" not in text


def test_a_passing_question_keeps_one_line() -> None:
    q = question(points=3.0, cases=[CaseResult("1x1", True)], reason="all 1 hidden cases passed")
    assert notebook_text(q) == "[mml] 3 / 3 points: all 1 hidden cases passed\n"
    assert mistake_of(q) is None


def test_page_names_the_mistake_and_escapes_verdicts() -> None:
    q = question(mistake=Mistake("no_pivoting", "Pivot on the largest entry <first>."))
    result = SubmissionResult("amy", "ps1", "graded", questions=[q], seed=20260101)
    ta = {"ps1": TAGrades(comments={"la1_solve": "see <i>me</i>"})}
    page = render_page(result, "ps1", ta, {}, Path("/course"))
    assert "<b>no_pivoting</b>: Pivot on the largest entry &lt;first&gt;." in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page
    assert "&lt;b&gt;odd&lt;/b&gt; 1x1" in page and "see &lt;i&gt;me&lt;/i&gt;" in page
    assert "20260101" not in page.split("</head>")[1] and "linear_algebra.solve" not in page


def test_hidden_regions_become_one_neutral_line() -> None:
    cell = ("assert f(1) == 1\n### BEGIN HIDDEN TESTS\nfrom graders.authoring import check\n"
            'check(f, "unit.f")\n### END HIDDEN TESTS\n')
    assert hide_hidden_regions(cell) == "assert f(1) == 1\n" + HIDDEN_PLACEHOLDER


def test_feedback_before_grading_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no graded submission of 'ps1'; run 'mml grade ps1'"):
        write_feedback(load_course(tmp_path), "ps1")
