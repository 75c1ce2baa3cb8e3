"""Assembly from the instructor source by grade_id: tampering is undone and flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from notebooks import source_notebook, with_answer

from graders.pipeline.assemble import MISSING_ANSWER, assemble
from graders.pipeline.source import parse_source


@pytest.fixture
def spec(tmp_path: Path) -> Any:
    path = tmp_path / "tiny.ipynb"
    nbformat.write(source_notebook(), str(path))
    return parse_source(path, "linear_algebra")


def released() -> Any:
    """The student's view: hidden regions removed from test cells."""
    nb = source_notebook()
    for cell in nb.cells:
        if "BEGIN HIDDEN TESTS" in cell.source:
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    return nb


def code_of(assembled: Any, grade_id: str) -> str:
    for cell in assembled.notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return str(cell.source)
    raise KeyError(grade_id)


def test_untouched_submission_has_no_flags_and_hidden_tests_come_back(spec: Any) -> None:
    a = assemble(spec, released())
    assert a.flags == []
    assert "BEGIN HIDDEN TESTS" in code_of(a, "q_solve_test")
    runs = dict(a.code)
    assert "check(" not in runs[3] and "assert solve" in runs[3]


def test_student_answer_bodies_are_taken(spec: Any) -> None:
    a = assemble(spec, with_answer(released(), "q_solve", "def solve(A, b):\n    return b\n"))
    assert code_of(a, "q_solve") == "def solve(A, b):\n    return b\n"


def test_deleted_answer_cell_runs_as_missing_and_is_flagged(spec: Any) -> None:
    nb = released()
    nb.cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] != "q_solve"]
    a = assemble(spec, nb)
    assert code_of(a, "q_solve") == MISSING_ANSWER
    assert any("q_solve deleted" in f for f in a.flags)


def test_deleted_test_cell_is_restored(spec: Any) -> None:
    nb = released()
    nb.cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] != "q_solve_test"]
    a = assemble(spec, nb)
    assert "check(solve" in code_of(a, "q_solve_test")
    assert any("q_solve_test deleted" in f for f in a.flags)


def test_duplicated_cells_use_the_first_copy_without_error(spec: Any) -> None:
    nb = with_answer(released(), "q_solve", "first = 1\n")
    dup = nbformat.from_dict(nbformat.from_dict(nb.cells[2]))
    dup.source = "second = 2\n"
    nb.cells.insert(3, dup)
    nb.cells.insert(5, nbformat.from_dict(nbformat.from_dict(nb.cells[4])))
    a = assemble(spec, nb)
    assert code_of(a, "q_solve") == "first = 1\n"
    assert any("q_solve duplicated" in f for f in a.flags)
    assert any("q_solve_test duplicated" in f for f in a.flags)


def test_edited_locked_cell_and_points_are_restored(spec: Any) -> None:
    nb = released()
    test = nb.cells[3]
    test.source = "pass  # all tests removed"
    test.metadata["nbgrader"]["points"] = 1000
    a = assemble(spec, nb)
    assert "check(solve" in code_of(a, "q_solve_test")
    cell = next(c for c in a.notebook.cells if c.metadata["nbgrader"]["grade_id"] == "q_solve_test")
    assert cell.metadata["nbgrader"]["points"] == 3
    assert any("q_solve_test edited" in f for f in a.flags)
    assert any("points of q_solve_test edited" in f for f in a.flags)


def test_extra_and_unknown_cells_are_ignored(spec: Any) -> None:
    nb = released()
    nb.cells.append(nbformat.v4.new_code_cell("import os; os.system('rm -rf /')"))
    stray = nbformat.v4.new_code_cell("x = 1")
    stray.metadata["nbgrader"] = {"grade_id": "made_up", "grade": True, "points": 50}
    nb.cells.append(stray)
    a = assemble(spec, nb)
    assert all("rm -rf" not in src and src != "x = 1" for _, src in a.code)
    assert any("without nbgrader metadata" in f for f in a.flags)
    assert any("unknown grade_id" in f for f in a.flags)


def test_answer_cell_changed_to_markdown_is_ignored(spec: Any) -> None:
    nb = released()
    nb.cells[2] = nbformat.v4.new_markdown_cell("def solve(A, b): ...",
                                                metadata=nb.cells[2].metadata)
    a = assemble(spec, nb)
    assert code_of(a, "q_solve") == MISSING_ANSWER
    assert any("changed type" in f for f in a.flags)


def test_source_questions_points_and_units(spec: Any) -> None:
    kinds = {q.grade_id: (q.kind, q.points, q.unit) for q in spec.questions}
    assert kinds == {"q_solve_test": ("auto", 3.0, "linear_algebra"),
                     "q_reflect_test": ("auto", 2.0, "linear_algebra"),
                     "written": ("manual", 4.0, "linear_algebra")}
