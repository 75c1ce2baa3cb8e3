"""Tests of graders.nbgrader_io.release: real nbgrader generate_assignment on a tiny course."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.config import Course, load_course
from graders.errors import ReleaseLeak
from graders.nbgrader_io.generate import generate_to
from graders.nbgrader_io.release import generate_shared, release, scan_release

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "ps0_tiny"
SOLUTION_LINE = "x = np.linalg.solve(A, b)"


def meta(**flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
            "task": False}
    return {"nbgrader": {**base, **flags}}


def tiny_notebook() -> Any:
    return new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                 "display_name": "Python 3"}}, cells=[
        new_markdown_cell("# Tiny problem set\nSolve a small linear system."),
        new_code_cell("import numpy as np"),
        new_code_cell(f'def solve(A, b):\n    """Solve A x = b for x."""\n'
                      f"    ### BEGIN SOLUTION\n    {SOLUTION_LINE}\n    return x\n"
                      f"    ### END SOLUTION",
                      metadata={**meta(solution=True, grade_id="solve"),
                                "mml": {"unit": "linear_algebra"}}),
        new_code_cell("# Public check\nassert np.allclose(solve(np.eye(2), np.ones(2)), "
                      "np.ones(2))\n### BEGIN HIDDEN TESTS\nfrom graders.authoring import check\n"
                      'check(solve, "linear_algebra.solve")\n### END HIDDEN TESTS',
                      metadata=meta(grade=True, locked=True, points=3, grade_id="test_solve")),
        new_markdown_cell("Why is partial pivoting needed?",
                          metadata=meta(locked=True, grade_id="q_explain")),
        new_markdown_cell("Without pivoting a zero leading entry stops the elimination.",
                          metadata=meta(solution=True, grade=True, points=2,
                                        grade_id="explain")),
    ])


def make_course(root: Path, nb: Any | None = None) -> Course:
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(nb or tiny_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return load_course(root)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return make_course(tmp_path / "course")


def test_release_writes_a_clean_student_version(course: Course, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # mml called by path: no venv bin on PATH
    cwd = os.getcwd()
    report = release(course, ASSIGNMENT)
    assert os.getcwd() == cwd
    released = course.root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert report.notebooks == [released] and report.leaks == []
    text = released.read_text()
    for hidden in (SOLUTION_LINE, "graders", "HIDDEN TESTS", "zero leading entry"):
        assert hidden not in text
    assert "raise NotImplementedError()" in text and "# Public check" in text
    assert scan_release(course, ASSIGNMENT, released.parent) == []
    assert (course.root / "gradebook.db").is_file()


def test_release_records_the_assignment_in_the_gradebook(course: Course) -> None:
    from nbgrader.api import Gradebook

    release(course, ASSIGNMENT)
    with Gradebook(course.db_url, course.course_id) as gb:
        notebook = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        assert sorted(c.name for c in notebook.grade_cells) == ["explain", "test_solve"]
        assert sorted(c.name for c in notebook.solution_cells) == ["explain", "solve"]
        assert notebook.max_score == 5


def test_generate_to_is_deterministic_and_writes_no_gradebook(course: Course,
                                                              tmp_path: Path) -> None:
    first = generate_to(course, ASSIGNMENT, tmp_path / "a")
    second = generate_to(course, ASSIGNMENT, tmp_path / "b")
    name = f"{ASSIGNMENT}.ipynb"
    assert first == (tmp_path / "a" / ASSIGNMENT).resolve()
    assert (first / name).read_bytes() == (second / name).read_bytes()
    assert not (course.root / "gradebook.db").exists()
    release(course, ASSIGNMENT)  # the committed release is what generate_to produces
    committed = course.root / "release" / ASSIGNMENT / name
    assert committed.read_bytes() == (first / name).read_bytes()


def test_solution_line_copied_into_a_plain_cell_is_refused(tmp_path: Path) -> None:
    nb = tiny_notebook()
    nb.cells[0].source += f"\nHint: try `{SOLUTION_LINE}`."
    course = make_course(tmp_path / "course", nb)
    source_before = course.source_notebook(ASSIGNMENT).read_bytes()
    with pytest.raises(ReleaseLeak) as caught:
        release(course, ASSIGNMENT)
    message = str(caught.value)
    assert f"release/{ASSIGNMENT}/{ASSIGNMENT}.ipynb: cell 0 (no grade_id)" in message
    assert "solution line of source cell 2 ('solve')" in message and SOLUTION_LINE in message
    assert not (course.root / "release" / ASSIGNMENT).exists()
    assert course.source_notebook(ASSIGNMENT).read_bytes() == source_before


def test_hidden_tests_in_a_cell_not_marked_as_grade_cell_are_refused(tmp_path: Path) -> None:
    nb = tiny_notebook()
    nb.cells[3].metadata = {}
    course = make_course(tmp_path / "course", nb)
    with pytest.raises(ReleaseLeak) as caught:
        release(course, ASSIGNMENT)
    message = str(caught.value)
    assert f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb: cell 3 (no grade_id)" in message
    assert "hidden-test region in a cell not marked nbgrader 'grade'" in message
    assert not (course.root / "release" / ASSIGNMENT).exists()


def test_refused_release_keeps_the_previous_release(course: Course) -> None:
    release(course, ASSIGNMENT)
    released = course.root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    before = released.read_bytes()
    nb = tiny_notebook()
    nb.cells[4].source += "\nfrom graders.linear_algebra import solve"
    nbformat.write(nb, course.source_notebook(ASSIGNMENT))
    with pytest.raises(ReleaseLeak, match=r"cell 4 .*'q_explain'.*trusted package"):
        release(course, ASSIGNMENT)
    assert released.read_bytes() == before


def test_committed_release_is_current(tmp_path: Path) -> None:
    """release/ in git must be what nbgrader generates from source/ now (run `mml release`)."""
    course = load_course(REPO)
    for source in sorted((REPO / "source").glob("*/*.ipynb")):
        assignment = source.parent.name
        fresh = generate_shared(course, assignment, tmp_path / assignment)
        committed = REPO / "release" / assignment
        assert committed.is_dir(), f"release/{assignment} missing: run `mml release {assignment}`"
        for path in sorted(fresh.rglob("*")):
            if path.is_file():
                mine = committed / path.relative_to(fresh)
                assert mine.is_file() and mine.read_bytes() == path.read_bytes(), (
                    f"{mine} is stale with respect to {source}: run `mml release {assignment}`")
