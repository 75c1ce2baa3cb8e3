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
