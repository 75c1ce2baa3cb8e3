"""``mml report`` over a small class graded for real (bubblewrap sandboxes, nbgrader's
gradebook, a TA's manual score), and its page in a real browser (Debian's chromium driven
by Playwright) with the network cut.

The class: alice (correct, her written answer scored 3.5 by a TA), bob (q_solve wrong,
written answer pending), carol (q_reflect loops: timed out), dave (not JSON: ungradable).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook
from notebooks import make_course, source_notebook, submit, with_answer

from graders.commands.cli import main
from graders.config import load_course

GRADE_IDS = ("q_solve_test", "q_reflect_test", "written")


@pytest.fixture(scope="module")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("report"))
    nb = source_notebook()
    submit(root, "alice", nb)
    submit(root, "bob", with_answer(nb, "q_solve", "def solve(A, b):\n    return b\n"))
    submit(root, "carol", with_answer(nb, "q_reflect", "def reflection_matrix(B):\n"
                                                       "    while True:\n        pass\n"))
    (root / "submitted" / "dave" / "tiny").mkdir(parents=True)
    (root / "submitted" / "dave" / "tiny" / "tiny.ipynb").write_text("{ not json")
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "2"])
    assert out.exit_code == 0, out.output
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.find_grade("written", "tiny", "tiny", "alice").manual_score = 3.5
        gb.db.commit()
    return root


@pytest.fixture(scope="module")
def report_page(course_root: Path) -> Path:
    out = CliRunner().invoke(main, ["report", "tiny", "--course", str(course_root)])
    assert out.exit_code == 0, out.output
    page = course_root / "reports" / "tiny" / "index.html"
    assert str(page) in out.output
    return page


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_beside_the_page_holds_the_gradebook(report_page: Path) -> None:
    folder = report_page.parent
    scores = {r["student"]: r for r in read_csv(folder / "scores.csv")}
    assert sorted(scores) == ["alice", "bob", "carol", "dave"]
    assert scores["alice"]["earned"] == "8.5" and scores["alice"]["pending points"] == "0"
    assert scores["bob"]["earned"] == "2" and scores["bob"]["pending points"] == "4"
    assert scores["bob"]["percent"] == "40"  # 2 of the 5 graded points: pending is not 0
    items = {r["question"]: r for r in read_csv(folder / "items.csv")}
    assert tuple(items) == GRADE_IDS
    assert items["q_solve_test"]["scored"] == "3"  # dave (ungradable) is not analysed
    assert items["written"]["scored"] == "1" and items["written"]["pending"] == "2"
    assert items["written"]["discrimination"] == "undefined"
    failures = read_csv(folder / "failures.csv")
    assert {"question": "q_reflect_test", "failure kind": "timed out",
            "students": "1"} in failures
    ungradable = read_csv(folder / "ungradable.csv")
    assert [r["student"] for r in ungradable] == ["dave"]
    assert "not valid JSON" in ungradable[0]["reason"]
    for name in ("distribution", "mistakes", "flagged", "mastery", "review"):
        assert (folder / f"{name}.csv").is_file()


def test_course_report(course_root: Path) -> None:
    out_dir = course_root / "elsewhere"
    out = CliRunner().invoke(main, ["report", "--all", "--course", str(course_root),
                                    "--out", str(out_dir)])
    assert out.exit_code == 0, out.output
    mastery = read_csv(out_dir / "mastery.csv")
    alice = {r["unit"]: r for r in mastery if r["student"] == "alice"}
    assert set(alice) == {"linear_algebra", "all"}  # the written answer names no unit
    assert alice["linear_algebra"]["earned"] == "5" and alice["all"]["earned"] == "8.5"
    assert alice["all"]["graded points"] == "9" and alice["all"]["percent"] == "94.4"
    refused = CliRunner().invoke(main, ["report", "--course", str(course_root)])
    assert refused.exit_code != 0 and "ASSIGNMENT or --all" in refused.output


def test_page_in_the_browser_offline(report_page: Path, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            requests.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:"))
            else requests.append(req.url))
    page.goto(report_page.as_uri())
    page.wait_for_load_state("load")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    images = page.evaluate("[...document.images].map(i => [i.id, i.complete, i.naturalWidth])")
    assert {i[0] for i in images} == {"plot-distribution", "plot-items"}
    assert all(complete and width > 0 for _, complete, width in images), images
    listed = page.evaluate("[...document.querySelectorAll('#items tbody tr')]"
                           ".map(r => r.cells[0].innerText)")
    assert listed == list(GRADE_IDS)
    # three analysed students: alice full, bob and carol each lose one question, so each
    # question's rest total falls as its own score rises (r = -0.5, computed by hand)
    assert "negative discrimination (r = -0.50)" in page.inner_text("#review")
    assert "dave" in page.inner_text("#ungradable")
    assert page.inner_text("#mastery-grid").count("alice") == 1
    assert requests == []
    page.close()
