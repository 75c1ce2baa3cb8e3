"""``mml validate`` as a student runs it: the released notebook alone, in an empty folder.

Each test copies ``release/ps1_linear_algebra/ps1_linear_algebra.ipynb`` into a fresh
temporary directory outside the course, edits it as a student might, and runs the real
``mml`` command there (its real bubblewrap sandbox, no course directory, no source).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from contentkit import answer_cell_source, solution_source
from notebooks import REPO, with_answer

ASSIGNMENT = "ps1_linear_algebra"
RELEASED = REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
MML = Path(sys.executable).parent / "mml"
#: far above the 30 s cell limit plus a sandbox start on a loaded machine
TIMEOUT = 300


def released() -> Any:
    """A fresh copy of the released notebook, as a student downloads it."""
    return nbformat.read(RELEASED, as_version=4)


def ids(nb: Any, role: Callable[[dict[str, Any]], bool]) -> list[str]:
    """grade_ids of the cells whose nbgrader metadata satisfies ``role``."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if role(c.metadata.get("nbgrader", {}))]


def position(nb: Any, grade_id: str) -> int:
    """The cell number (from 1) of ``grade_id``."""
    return 1 + next(i for i, c in enumerate(nb.cells)
                    if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def run_validate(tmp_path: Path, nb: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """Write ``nb`` into an empty folder outside the course and run ``mml validate`` there."""
    folder = tmp_path / "student"
    folder.mkdir()
    nbformat.write(nb, str(folder / RELEASED.name))
    assert not (folder / "nbgrader_config.py").exists() and REPO not in folder.parents
    return subprocess.run([str(MML), "validate", RELEASED.name, *args], cwd=folder,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def test_untouched_release_will_be_graded_and_reports_each_public_check(tmp_path: Path) -> None:
    nb = released()
    out = run_validate(tmp_path, nb)
    assert out.returncode == 0, out.stdout + out.stderr
    tests = ids(nb, lambda m: bool(m.get("grade")) and not m.get("solution"))
    assert len(tests) == 7
    for grade_id in tests:
        line = next(ln for ln in out.stdout.splitlines() if ln.strip().startswith(grade_id))
        assert f"cell {position(nb, grade_id)}" in line
        assert "public checks failed: not answered yet" in line, line
    assert "PROBLEM" not in out.stdout
    assert out.stdout.splitlines()[-1].startswith("verdict: will be graded (7 of 7")


def test_solved_notebook_passes_every_public_check(tmp_path: Path) -> None:
    nb = released()
    for grade_id in ids(nb, lambda m: bool(m.get("solution")) and not m.get("grade")):
        nb = with_answer(nb, grade_id, solution_source(answer_cell_source(ASSIGNMENT, grade_id)))
    out = run_validate(tmp_path, nb, "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["schema_version"] == 1 and report["verdict"] == "will be graded"
    assert [c["status"] for c in report["checks"]] == ["passed"] * 7, report["checks"]
    assert report["problems"] == [] and report["warnings"] == []


def test_deleted_answer_cell_is_named_with_the_fix(tmp_path: Path) -> None:
    nb = released()
    where = position(nb, "la1_solve")
    del nb.cells[where - 1]
    out = run_validate(tmp_path, nb)
    assert out.returncode == 1, out.stdout + out.stderr
    problem = next(ln for ln in out.stdout.splitlines() if "PROBLEM" in ln)
    assert "la1_solve: the released answer cell 'la1_solve' is missing" in problem
    assert f"it belongs after cell {where - 1} (la1_solve_question)" in problem
    assert "Fix: copy it back from a fresh copy of the released notebook" in problem
    assert "verdict: will be graded, but fix these first" in out.stdout


def test_edited_grade_id_is_named_with_the_fix(tmp_path: Path) -> None:
    nb = released()
    where = position(nb, "la2_lu")
    nb.cells[where - 1].metadata["nbgrader"]["grade_id"] = "my_lu"
    out = run_validate(tmp_path, nb)
    assert out.returncode == 1, out.stdout + out.stderr
    assert (f"PROBLEM cell {where} (my_lu): its grade_id was changed from 'la2_lu'"
            in out.stdout)
    assert "Fix: set its grade_id back to 'la2_lu'" in out.stdout


def test_top_level_infinite_loop_is_named_with_the_fix(tmp_path: Path) -> None:
    nb = released()
    where = position(nb, "la3_gram_schmidt")
    nb.cells[where - 1].source += "\nwhile True:\n    pass\n"
    out = run_validate(tmp_path, nb)
    assert out.returncode == 1, out.stdout + out.stderr
    problem = next(ln for ln in out.stdout.splitlines() if "PROBLEM" in ln)
    assert f"cell {where} (la3_gram_schmidt): the cell ran past the 30 s cell limit" in problem
    assert "remove the loop that never ends" in problem
    # the notebook ran on past it: the later questions' public checks were reached
    assert "la7_reflection_matrix_test (cell" in out.stdout
    assert "not reached" not in out.stdout


@pytest.mark.parametrize("text", ["{ not json", '{"nbformat": 3, "cells": []}'])
def test_a_file_the_grader_refuses_will_not_be_graded(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / RELEASED.name).write_text(text)
    out = subprocess.run([str(MML), "validate", RELEASED.name], cwd=folder, capture_output=True,
                         text=True, timeout=TIMEOUT, check=False)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "invalid notebook: ps1_linear_algebra.ipynb" in out.stdout
    assert "verdict: will not be graded" in out.stdout
