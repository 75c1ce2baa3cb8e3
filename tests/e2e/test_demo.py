"""`mml demo`, the README's main job: the class table's outcomes are the acceptance criteria,
and every student's ``result.json`` equals its golden (``tests/e2e/goldens/demo/``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from goldens import normalise, read_golden, write_golden

from graders.commands.cli import main
from graders.result import SubmissionResult

AUTO = 20.0  # LA1-LA7: 3 points each, LA7 2
ASSIGNMENT = "ps1_linear_algebra"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = tmp_path_factory.mktemp("demo")
    return root, CliRunner().invoke(main, ["demo", "--dir", str(root)])


def load(root: Path, student: str) -> SubmissionResult:
    path = root / ".mml" / "results" / student / ASSIGNMENT / "result.json"
    return SubmissionResult.from_json(path.read_text())


def auto_scores(r: SubmissionResult) -> dict[str, float]:
    return {q.grade_id: q.points or 0.0 for q in r.questions if q.kind == "auto"}


def test_demo_class(demo: tuple[Path, Result]) -> None:
    tmp_path, out = demo
    assert out.exit_code == 0, out.output
    assert "s01_solution" in out.output and "student_id,status,total" in out.output

    solution = auto_scores(load(tmp_path, "s01_solution"))
    assert sum(solution.values()) == AUTO

    def lost(student: str) -> set[str]:
        scores = auto_scores(load(tmp_path, student))
        return {k for k, v in scores.items() if v < solution[k]}

    assert lost("s06_monkeypatch") == {"la1_solve_test"}  # its honest score: solve is wrong
    assert lost("s04_crash") == {"la2_lu_test", "la4_rank_nullspace_test"}
    assert lost("s05_loop") == {"la6_pagerank_test"}
    assert lost("s07_forkbomb") == set()
    assert lost("s02_partial") == {"la1_solve_test", "la2_lu_test"}
    assert lost("s10_stub") == set(solution)
    tampered = load(tmp_path, "s09_tampered")
    assert sum(auto_scores(tampered).values()) == AUTO and tampered.flags
    malformed = load(tmp_path, "s08_malformed")
    assert malformed.status == "ungradable" and "not valid JSON" in malformed.reason
    assert "timeout" in next(q.reason for q in load(tmp_path, "s05_loop").questions
                             if q.grade_id == "la6_pagerank_test")


def test_demo_results_equal_the_goldens(demo: tuple[Path, Result], update_goldens: bool) -> None:
    root, out = demo
    assert out.exit_code == 0, out.output
    students = sorted(p.name for p in (root / ".mml" / "results").iterdir())
    assert len(students) == 10
    for student in students:
        path = root / ".mml" / "results" / student / ASSIGNMENT / "result.json"
        got = normalise(path.read_text(encoding="utf-8"), root)
        if update_goldens:
            write_golden("demo", student, got)
        assert got == read_golden("demo", student), f"{student} differs from its golden"


def test_demo_ends_with_the_feedback_pages(demo: tuple[Path, Result]) -> None:
    root, out = demo
    assert out.exit_code == 0, out.output
    pages = sorted((root / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))
    assert len(pages) == 10
    last = out.output.strip().splitlines()[-1]
    assert "feedback for the students" in last and str(root / "feedback") in last
    partial = (root / "feedback" / "s02_partial" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "la1_solve_test" in partial and "hidden inputs failed" in partial


def test_demo_writes_the_class_report(demo: tuple[Path, Result]) -> None:
    root, out = demo
    assert out.exit_code == 0, out.output
    page = root / "reports" / ASSIGNMENT / "index.html"
    assert f"open {page} in a browser" in out.output
    items = (root / "reports" / ASSIGNMENT / "items.csv").read_text(encoding="utf-8")
    assert "la1_solve_test" in items and "la_written_fredholm" in items
    mistakes = (root / "reports" / ASSIGNMENT / "mistakes.csv").read_text(encoding="utf-8")
    assert "la1_solve_test,no_pivoting,1," in mistakes
