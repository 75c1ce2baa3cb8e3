"""``mml validate``'s structural checks and the release manifest, without a sandbox.

The sandboxed run and the four acceptance cases are in ``tests/e2e/test_validate.py``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.utils import compute_checksum
from notebooks import REPO

from graders.nbgrader_io.manifest import build_manifest, read_manifest
from graders.pipeline.validate import (
    Finding,
    ValidationReport,
    _error_words,
    check_structure,
    checksum,
)
from graders.runtime.protocol import CellRecord

RELEASED = REPO / "release" / "ps1_linear_algebra" / "ps1_linear_algebra.ipynb"


@pytest.fixture
def nb() -> Any:
    return nbformat.read(RELEASED, as_version=4)


def index_of(nb: Any, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def problems(nb: Any, name: str = "ps1_linear_algebra") -> list[str]:
    return [p.line() for p in check_structure(nb, name).problems]


def test_checksum_is_nbgraders(nb: Any) -> None:
    edited = copy.deepcopy(nb.cells[4])
    edited.source += "\n# edited"
    for cell in [*nb.cells, edited]:
        assert checksum(cell) == compute_checksum(cell)
    assert all(checksum(c) == c.metadata.nbgrader.checksum for c in nb.cells)


@pytest.mark.parametrize("released", sorted((REPO / "release").glob("*/*.ipynb")),
                         ids=lambda p: p.parent.name)
def test_every_release_carries_its_manifest(released: Path) -> None:
    nb = nbformat.read(released, as_version=4)
    manifest = read_manifest(nb)
    assert manifest is not None, f"{released}: no manifest: run `mml release`"
    assert manifest == build_manifest(nb, released.stem)
    assert not problems(nb, released.stem)


def test_untouched_release_runs_every_code_cell_and_tests_each_test_cell(nb: Any) -> None:
    layout = check_structure(nb, "ps1_linear_algebra")
    assert not layout.problems and not layout.warnings
    assert [i for i, _ in layout.run] == [i for i, c in enumerate(nb.cells)
                                         if c.cell_type == "code"]
    assert [gid for _, gid, _ in layout.tests] == [
        f"{q}_test" for q in ("la1_solve", "la2_lu", "la3_gram_schmidt", "la4_rank_nullspace",
                              "la5_sym_eig", "la6_pagerank", "la7_reflection_matrix")]


def test_duplicated_answer_cell_names_both_copies(nb: Any) -> None:
    i = index_of(nb, "la1_solve")
    nb.cells.insert(i + 2, copy.deepcopy(nb.cells[i]))
    assert problems(nb) == [f"cell {i + 1} (la1_solve): this cell appears 2 times (cells "
                            f"{i + 1}, {i + 3}): the grader uses only the first. Fix: keep your "
                            "work in the first copy and delete the others."]


def test_edited_locked_cell_and_points(nb: Any) -> None:
    i = index_of(nb, "la2_lu_test")
    nb.cells[i].source = "pass"
    nb.cells[i].metadata.nbgrader.points = 30
    found = problems(nb)
    assert len(found) == 2
    assert found[0].startswith(f"cell {i + 1} (la2_lu_test): this locked cell was edited")
    assert "its points were changed from 3" in found[1] and "set them back to 3" in found[1]


def test_edited_grade_id_of_a_locked_cell_is_named(nb: Any) -> None:
    i = index_of(nb, "setup")
    nb.cells[i].metadata.nbgrader.grade_id = "my_setup"
    assert problems(nb) == [f"cell {i + 1} (my_setup): its grade_id was changed from 'setup' "
                            "(the released notebook has no 'my_setup'), so the grader ignores "
                            "this cell. Fix: set its grade_id back to 'setup' (JupyterLab: the "
                            "property inspector, or Edit Metadata on the cell)."]


def test_changed_cell_type_is_not_run(nb: Any) -> None:
    i = index_of(nb, "la1_solve")
    nb.cells[i] = nbformat.v4.new_markdown_cell(nb.cells[i].source,
                                                metadata=nb.cells[i].metadata)
    layout = check_structure(nb, "ps1_linear_algebra")
    assert "changed from a code cell to a markdown cell" in layout.problems[0].problem
    assert i not in [j for j, _ in layout.run]


def test_added_code_cell_is_a_warning_and_is_not_run(nb: Any) -> None:
    nb.cells.insert(3, nbformat.v4.new_code_cell("def helper():\n    return 1\n"))
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("my notes"))
    layout = check_structure(nb, "ps1_linear_algebra")
    assert not layout.problems
    assert [w.position for w in layout.warnings] == [5]
    assert "grader does not run it" in layout.warnings[0].problem
    assert 4 not in [j for j, _ in layout.run]


def test_renamed_file_is_a_problem(nb: Any) -> None:
    assert problems(nb, "ps1_linear_algebra (1)") == [
        "notebook: the file is named ps1_linear_algebra (1).ipynb; the grader looks for "
        "ps1_linear_algebra.ipynb. Fix: rename it to ps1_linear_algebra.ipynb."]


def test_without_manifest_it_says_what_it_cannot_check(nb: Any) -> None:
    del nb.metadata["mml"]
    i = index_of(nb, "la1_solve")
    del nb.cells[i]  # undetectable without the manifest, and the warning says so
    layout = check_structure(nb, "ps1_linear_algebra")
    assert not layout.problems
    assert "no release manifest" in layout.warnings[0].problem


def test_exit_codes_follow_the_verdict() -> None:
    report = ValidationReport("x.ipynb")
    assert (report.verdict, report.exit_code()) == ("will be graded", 0)
    report.problems.append(Finding(1, "a", "broken", "mend it"))
    assert (report.verdict, report.exit_code()) == ("will be graded, but fix these first", 1)
    report.ungradable = True
    assert (report.verdict, report.exit_code()) == ("will not be graded", 2)
    assert '"verdict": "will not be graded"' in report.to_json()


def error_record(ename: str, evalue: str, traceback: list[str]) -> CellRecord:
    out = {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
    return CellRecord(4, (out,), error=True)


def test_errors_in_plain_words_quote_the_failing_line() -> None:
    source = "A = 1\nassert solve(A) == 2, 'wrong'\n"
    rec = error_record("AssertionError", "wrong",
                       ["\x1b[0;31mAssertionError\x1b[0m", "Cell \x1b[0;32mIn[5], line 2\x1b[0m",
                        "Cell In[3], line 9, in solve"])
    assert _error_words(rec, source) == (
        "a public check's assertion failed: wrong (line 2: `assert solve(A) == 2, 'wrong'`)")
    stub = error_record("NotImplementedError", "", ["Cell In[5], line 1"])
    assert _error_words(stub, source).startswith("not answered yet")
    syntax = error_record("SyntaxError", "incomplete input (<ipython-input-6-0d8c>, line 2)", [])
    assert _error_words(syntax, source) == (
        "SyntaxError: incomplete input (line 2: `assert solve(A) == 2, 'wrong'`)")
