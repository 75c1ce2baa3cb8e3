"""Tests of graders.commands.report: the class table of ``mml grade``."""

from __future__ import annotations

import pytest

from graders.commands.report import REASON_WIDTH, class_table, clip
from graders.result import QuestionResult, SubmissionResult


def result(student: str, written: float | None, reason: str = "",
           status: str = "graded") -> SubmissionResult:
    return SubmissionResult(student, "ps", status, reason, [  # type: ignore[arg-type]
        QuestionResult("q1_test", "linear_algebra", 3, 3.0),
        QuestionResult("w1", "linear_algebra", 2, written, "manual"),
        QuestionResult("w2", "linear_algebra", 2, 0.0 if written is None else written,
                       "manual"),
    ])


def rows(table: str) -> dict[str, str]:
    return {line.split()[0]: line for line in table.splitlines()[2:]}


def test_written_answers_not_scored_make_the_total_pending() -> None:
    table = class_table([result("amy", None), result("bob", 1.0),
                         result("cid", None, "cell 2 timed out", "partial")])
    assert table.splitlines()[0].split() == ["student", "status", "auto", "linear_algebra",
                                             "pending", "reason", "/", "flags"]
    by = rows(table)
    assert by["amy"].split()[1:5] == ["pending-manual", "3/3", "3/7", "w1"]
    assert by["bob"].split()[1:5] == ["graded", "3/3", "5/7", "-"]
    assert by["cid"].split()[1] == "partial"  # a worse status is kept


@pytest.mark.parametrize(("text", "width", "clipped"), [
    ("short enough", 20, "short enough"),
    ("lost: la1_solve_test, la2_lu_test", 24, "lost: la1_solve_test…"),
    ("one two three", 8, "one two…"),
    ("one two three", 13, "one two three"),
    ("abcdefghij", 5, "abcd…"),
])
def test_clip_cuts_at_a_word_with_an_ellipsis(text: str, width: int, clipped: str) -> None:
    assert clip(text, width) == clipped and len(clipped) <= width


def test_long_reasons_are_cut_at_a_word_boundary() -> None:
    reason = "invalid notebook: " + " ".join(f"word{i:03d}" for i in range(40))
    line = rows(class_table([result("amy", 1.0, reason, "ungradable")]))["amy"]
    shown = line[line.index("invalid"):]
    assert shown.endswith("…") and len(shown) <= REASON_WIDTH
    assert shown[:-1].split()[-1] in reason.split()  # the last word shown is whole


def test_a_late_penalty_shows_beside_the_net_total() -> None:
    """The table's totals are the points earned; a late one also shows the penalty and the
    total after it (nbgrader export's score), and an on-time one in the same batch a dash."""
    late = result("amy", 1.0)
    late.seconds_late, late.late_penalty, late.late_policy = 7200.0, 2.5, "50% per day"
    table = class_table([late, result("bob", 1.0)])
    assert table.splitlines()[0].split()[:6] == ["student", "status", "auto",
                                                 "linear_algebra", "late", "net"]
    by = rows(table)
    assert by["amy"].split()[1:7] == ["graded", "3/3", "5/7", "-2.5", "2.5/7", "-"]
    assert by["bob"].split()[1:7] == ["graded", "3/3", "5/7", "-", "5/7", "-"]


def test_no_late_columns_when_nobody_was_late() -> None:
    assert "late" not in class_table([result("amy", 1.0)]).splitlines()[0].split()


def test_terminal_control_characters_from_a_submission_are_not_printed() -> None:
    """A flag can quote a student's notebook (a cell type, for one): an escape sequence in it
    must not reach the TA's terminal, where it could clear the screen or retitle it."""
    r = result("amy", 1.0)
    r.flags = ["answer cell w1 changed type to \x1b[2J\x1b]0;pwned\x07\rcode: ignored"]
    r.reason = "cell 1 raised \x1b[31mred\x1b[0m"
    table = class_table([r])
    assert not [c for c in table if c in "\x1b\x07\r"]
    assert "changed type to" in table and "red" in table
