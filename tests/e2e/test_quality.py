"""`mml check` on every assignment in source/: the content quality bar, proven in CI.

For each assignment: the solution earns full marks, the released stub zero, every
planted wrong answer is caught, every alternative correct answer is accepted,
and nothing leaks into release/ (graded through the real sandbox).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.commands.quality import MIN_ALTERNATIVES, MIN_WRONG, check_assignment
from graders.config import load_course

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.parent.name for p in (REPO / "source").glob("*/*.ipynb"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_quality_bar(assignment: str) -> None:
    report = check_assignment(load_course(REPO), assignment)
    assert report.ok, report.table()
    for row in report.rows:
        assert len(row.wrong) >= MIN_WRONG and len(row.alternatives) >= MIN_ALTERNATIVES


def test_a_planted_wrong_answer_that_passes_fails_the_bar(tmp_path: Path) -> None:
    """The bar can fail: an 'alternative' that is wrong, or a 'wrong' answer that is right."""
    from graders.commands.quality import TaskRow

    row = TaskRow("t", solution_ok=True, stub_ok=True,
                  wrong=[("a", True), ("b", True), ("c", False)],
                  alternatives=[("x", True), ("y", True)])
    assert not row.ok
    row.wrong[2] = ("c", True)
    assert row.ok
    row.alternatives.append(("z", False))
    assert not row.ok
