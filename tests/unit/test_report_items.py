"""Item analysis of ``mml report`` against independent computations on hand-made tables:
difficulty, corrected item-total discrimination (scipy's Pearson r on a rest total summed
by hand), zero-variance and pending cases, the review call-outs, failure kinds, and the
page's escaping of student-controlled text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from scipy.stats import pearsonr

from graders.report.data import AssignmentData, ReportQuestion, ReportSubmission
from graders.report.items import (
    discrimination,
    failure_kind,
    failure_kinds,
    item_stats,
    review_reasons,
    score_matrix,
)
from graders.report.page import render_page
from graders.report.tables import mastery
from graders.report.write import _parts, _write
from graders.result import CaseResult, Mistake, QuestionResult, SubmissionResult

# Five students x five questions (max 3, 2, 4, 1, 2):
#   q0 separates (strong students pass), q1 everyone passes (zero variance),
#   q2 nobody scores (zero variance), q3 weak students pass (negative), q4 partial credit.
MAX = [3.0, 2.0, 4.0, 1.0, 2.0]
TABLE = [
    [3, 2, 0, 0, 2],
    [3, 2, 0, 0, 1.5],
    [3, 2, 0, 1, 1],
    [0, 2, 0, 1, 0.5],
    [0, 2, 0, 1, 0],
]
COLUMNS = [(f"q{j}", "linear_algebra", m) for j, m in enumerate(MAX)]


def rest_total(rows: list[list[float]], j: int) -> list[float]:
    """Each student's total on every question but ``j``, summed by hand."""
    return [sum(v for k, v in enumerate(row) if k != j) for row in rows]


def test_difficulty_is_mean_over_max() -> None:
    stats = item_stats(COLUMNS, score_matrix(TABLE))
    for j, st in enumerate(stats):
        column = [row[j] for row in TABLE]
        assert st.mean == pytest.approx(sum(column) / len(column))
        assert st.difficulty == pytest.approx(sum(column) / len(column) / MAX[j])
        assert st.full == sum(v >= MAX[j] for v in column)
        assert st.zero == sum(v == 0 for v in column)
        assert (st.scored, st.pending) == (5, 0)


def test_discrimination_equals_pearson_on_the_rest_total() -> None:
    matrix = score_matrix(TABLE)
    for j in (0, 3, 4):
        item = [row[j] for row in TABLE]
        expected = pearsonr(item, rest_total(TABLE, j)).statistic
        assert discrimination(matrix, j) == pytest.approx(expected, abs=1e-12)
    assert discrimination(matrix, 0) > 0.5
    assert discrimination(matrix, 3) < -0.5


def test_zero_variance_is_undefined_not_zero() -> None:
    matrix = score_matrix(TABLE)
    assert discrimination(matrix, 1) is None  # everyone full
    assert discrimination(matrix, 2) is None  # everyone 0
    flat_rest = score_matrix([[1, 2], [0, 2], [1, 2]])  # q0's rest total is constant
    assert discrimination(flat_rest, 0) is None
    assert discrimination(score_matrix([[1, 2]]), 0) is None  # one student
    assert discrimination(score_matrix([[1], [0]]), 0) is None  # no other question


def test_pending_scores_leave_the_student_and_the_rest() -> None:
    rows: list[list[float | None]] = [[3, 2, None], [3, 1, 4], [0, 2, 0], [1, 0, 2]]
    matrix = score_matrix(rows)
    # q2: students 1..3 are scored; the rest is q0 + q1 (scored for all of them)
    expected = pearsonr([4, 0, 2], [3 + 1, 0 + 2, 1 + 0]).statistic
    assert discrimination(matrix, 2) == pytest.approx(expected, abs=1e-12)
    # q0: every student is scored, but q2 is pending for one of them: left out of the rest
    expected = pearsonr([3, 3, 0, 1], [2, 1, 2, 0]).statistic
    assert discrimination(matrix, 0) == pytest.approx(expected, abs=1e-12)
    st = item_stats([("a", "u", 3.0), ("b", "u", 2.0), ("c", "u", 4.0)], matrix)[2]
    assert (st.scored, st.pending) == (3, 1)
    assert st.mean == pytest.approx(2.0)


def test_review_calls_out_nobody_everybody_and_negative() -> None:
    stats = item_stats(COLUMNS, score_matrix(TABLE))
    reasons = {st.column: review_reasons(st) for st in stats}
    assert reasons["q0"] == []
    assert reasons["q1"] == ["everybody earns full points"]
    assert reasons["q2"] == ["nobody earns full points"]
    assert len(reasons["q3"]) == 1 and reasons["q3"][0].startswith("negative discrimination")
    assert reasons["q4"] == []
    pending_only = item_stats([("w", "u", 5.0)], score_matrix([[None], [None]]))[0]
    assert review_reasons(pending_only) == []  # nothing scored yet: nothing to say


def test_failure_kinds_from_demo_messages() -> None:
    assert failure_kind("1x1", "1x1: error: NotImplementedError: ") == \
        "raised NotImplementedError"
    assert failure_kind("6 pages", "6 pages: crash: timeout: no result within 3 s") == \
        "timed out"
    assert failure_kind("1 page", "1 page: crash: skipped: an earlier case hit a limit") is None
    assert failure_kind("a", "a: missing: solve was not defined") == "function not defined"
    assert failure_kind("a", "a: x: contains NaN or infinity") == "wrong output"
    assert failure_kind("a", "a: raised ValueError; the spec requires LinAlgError") == \
        "raised the wrong exception"
    q = QuestionResult("q", "u", 3.0, 0.0, cases=[
        CaseResult("a", False, "a: crash: timeout: no result"),
        CaseResult("b", False, "b: crash: skipped: an earlier case hit a limit"),
        CaseResult("c", True)])
    assert failure_kinds(q) == {"timed out"}


HOSTILE = "<script>alert(1)</script>"


def _submission(student: str, status: str, scores: tuple[float | None, ...],
                mistake: Mistake | None = None) -> ReportSubmission:
    questions = [QuestionResult("q_a", "linear_algebra", 3.0, scores[0], "auto",
                                cases=[CaseResult("k", bool(scores[0]), f"k: error: {HOSTILE}")],
                                mistake=mistake),
                 QuestionResult("q_w", "geometry", 4.0, scores[1], "manual")]
    result = SubmissionResult(student, "hw", status, questions=questions)  # type: ignore[arg-type]
    return ReportSubmission(student, status, "bad file" if status == "ungradable" else "",
                            ("edited " + HOSTILE,) if student == HOSTILE else (), scores, result)


def test_tables_and_page() -> None:
    questions = (ReportQuestion("q_a", "hw", "q_a", "linear_algebra", 3.0, "auto"),
                 ReportQuestion("q_w", "hw", "q_w", "geometry", 4.0, "manual"))
    named = Mistake("no_pivoting", "pivot <b>rows</b>")
    subs = (_submission("s1", "graded", (3.0, 4.0)),
            _submission(HOSTILE, "graded", (0.0, None), named),
            _submission("s3", "ungradable", (0.0, None)))
    data = AssignmentData("hw", questions, subs)
    scores = mastery([data], count_missing=False)
    assert scores["s1"][""].percent == pytest.approx(100.0)
    assert scores[HOSTILE]["geometry"].pending == 4.0
    assert scores[HOSTILE]["geometry"].percent is None
    other = AssignmentData("hw2", questions, (_submission("s1", "graded", (3.0, 4.0)),))
    course = mastery([data, other], count_missing=True)
    assert course[HOSTILE][""].missing == 7.0 and course[HOSTILE][""].earned == 0.0
    parts = _parts("t", "s", [data], [data, other], count_missing=False)
    items = parts.tables["items"].rows
    assert [r[0] for r in items] == ["q_a", "q_w"]
    assert items[0][4] == 2.0  # scored: the ungradable submission is not analysed
    assert ("q_a", "raised <script>alert(1)</script>", 1.0) in parts.tables["failures"].rows
    assert parts.tables["mistakes"].rows == [("q_a", "no_pivoting", 1.0, "pivot <b>rows</b>")]
    page = render_page(parts)
    assert "<script>" not in page and "<b>rows" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") == 2


def test_late_submissions_are_listed() -> None:
    questions = (ReportQuestion("q_a", "hw", "q_a", "linear_algebra", 3.0, "auto"),)
    late = SubmissionResult("s1", "hw", "graded", seconds_late=5400.0, late_penalty=1.0,
                            late_policy="1 point per hour")
    on_time = SubmissionResult("s2", "hw", "graded")
    data = AssignmentData("hw", questions, (
        ReportSubmission("s1", "graded", "", (), (3.0,), late),
        ReportSubmission("s2", "graded", "", (), (3.0,), on_time)))
    rows = _parts("t", "s", [data], [data], count_missing=False).tables["late"].rows
    assert rows == [("s1", None, None, 1.5, 1.0, "1 point per hour")]


def test_a_formula_in_a_student_id_or_flag_is_neutralised_in_every_csv(tmp_path: Path) -> None:
    """A spreadsheet opening the report's CSV files must not run a student's id or flag."""
    formula = "=HYPERLINK(\"http://x\",\"y\")"
    questions = (ReportQuestion("q_a", "hw", "q_a", "linear_algebra", 3.0, "auto"),)
    sub = ReportSubmission(formula, "partial", "@SUM(1)", ("+1 locked cell edited",), (1.0,),
                           SubmissionResult(formula, "hw", "partial", seconds_late=60.0))
    data = AssignmentData("hw", questions, (sub,))
    files = _write(tmp_path, _parts("t", "s", [data], [data], count_missing=False))
    cells = [c for f in files.csv for row in csv.reader(f.open(encoding="utf-8"))
             for c in row]
    assert "'" + formula in cells and "'@SUM(1)" in cells and "'+1 locked cell edited" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
