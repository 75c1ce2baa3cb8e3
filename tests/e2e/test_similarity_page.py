"""`mml similarity` on a tiny course's class: a planted copy among honest students, an honest
class, and the page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from notebooks import REFLECT, make_course, source_notebook, submit, with_answer
from solve_answers import DISGUISED, HONEST

from graders.authoring import strip_solution_markers
from graders.commands.cli import main

HOSTILE = "# <script>window.pwned = 1</script>"
PLANTED = DISGUISED.replace("# size of the system", HOSTILE)
WRITTEN = {"s1": "Pivoting avoids dividing by a tiny entry.",
           "s2": "QR is backward stable, so no pivoting is needed.",
           "s3": "Cramer's rule is exact but costs n+1 determinants.",
           "s4": "Jacobi converges for diagonally dominant matrices.",
           "s5": "The normal equations square the condition number.",
           "s6": "I eliminated column by column with the largest pivot."}


def make_class(root: Path, answers: dict[str, str]) -> Path:
    """The tiny course with one submission per student: their `solve`, everyone the same
    reflection (which the rule must leave alone), and their own written answer."""
    make_course(root)
    for student, solve in answers.items():
        nb = with_answer(source_notebook(), "q_solve", solve)
        nb = with_answer(nb, "q_reflect", strip_solution_markers(REFLECT))
        submit(root, student, with_answer(nb, "written", WRITTEN[student]))
    return root


def run(root: Path) -> list[tuple[str, ...]]:
    """`mml similarity tiny`: the flagged pairs of its table, as (cell, a, b)."""
    out = CliRunner().invoke(main, ["similarity", "tiny", "--course", str(root)])
    assert out.exit_code == 0, out.output
    assert "not a verdict" in out.output
    return [tuple(line.split()[:3]) for line in out.output.splitlines()
            if line.startswith("tiny/")]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_class(tmp_path_factory.mktemp("planted"), {**HONEST, "s6": PLANTED})
    assert run(root) == [("tiny/q_solve", "s1", "s6")]
    return root


def test_exactly_the_planted_pair_is_flagged(planted: Path) -> None:
    page = planted / "reports" / "tiny" / "similarity.html"
    assert page.is_file()
    assert "<script>window" not in page.read_text(encoding="utf-8")


def test_honest_class_flags_nothing(tmp_path: Path) -> None:
    root = make_class(tmp_path, HONEST)
    assert run(root) == []
    assert "No pair stands out" in (root / "reports/tiny/similarity.html").read_text()


def test_page_shows_the_pair_side_by_side(planted: Path, browser: Any) -> None:
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto((planted / "reports" / "tiny" / "similarity.html").as_uri())
    assert [u for u in fetched if not u.startswith("file:")] == []
    pairs = page.locator("section.pair")
    assert pairs.count() == 1
    left, right = pairs.locator("pre.answer").all()
    assert left.inner_text().rstrip("\n") == HONEST["s1"].rstrip("\n")
    assert HOSTILE in right.inner_text()  # shown as text, never run
    assert page.evaluate("typeof window.pwned") == "undefined"
    a, b = left.bounding_box(), right.bounding_box()
    assert b["x"] >= a["x"] + a["width"] and abs(b["y"] - a["y"]) < 1  # side by side
    assert left.locator("mark").count() >= 1 and right.locator("mark").count() >= 1
    assert [h.inner_text() for h in pairs.locator("h3.student").all()] == ["s1", "s6"]
    page.close()
