"""nbgrader's quickstart course as a test bed for drop-in grading of plain nbgrader assignments.

:func:`make_quickstart` runs ``nbgrader quickstart`` and releases its ``ps1``
(two notebooks whose tests are ordinary asserts); :func:`quickstart_class`
writes N submissions, a mix of correct, wrong and crashing answers. The
benchmark (``benchmarks/throughput.py``) and the drop-in tests grade the same
submissions with ``nbgrader autograde`` and with ``mml grade``, and compare.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from graders.authoring import strip_solution_markers
from graders.nbgrader_io.env import ensure_tools_on_path

__all__ = ["ASSIGNMENT", "VARIANTS", "make_quickstart", "nbgrader_scores", "quickstart_class"]

ASSIGNMENT = "ps1"

#: Answer-cell sources by grade_id for each kind of submission (None: the solution).
VARIANTS: dict[str, dict[str, str]] = {
    "correct": {},
    "wrong": {"squares": "def squares(n):\n    return [i * i for i in range(n)]\n"},
    "crash": {"squares": "def squares(n):\n    raise RuntimeError('not done')\n",
              "sum_of_squares": "def sum_of_squares(n):\n    return 1 / 0\n"},
    "partial": {"sum_of_squares": "def sum_of_squares(n):\n    return sum(range(n + 1))\n"},
}


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def make_quickstart(root: Path) -> Path:
    """``nbgrader quickstart`` into ``root``, then ``nbgrader generate_assignment ps1``."""
    ensure_tools_on_path()
    root.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([_bin("nbgrader"), "quickstart", root.name], cwd=root.parent, check=True,
                   capture_output=True)
    subprocess.run([_bin("nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], cwd=root,
                   check=True, capture_output=True)
    return root


def _student_copy(release: Path, source: Path, answers: dict[str, str]) -> Any:
    """A student's notebook: the released one (nbgrader's checksums included, so an
    untouched written answer is "No response" to nbgrader as to ``mml grade``), with each
    code answer cell set to ``answers`` or else to the source's solution."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source)
                 for c in nbformat.read(str(source), as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(release), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = answers.get(meta["grade_id"], solutions[meta["grade_id"]])
    return nb


def quickstart_class(root: Path, n: int) -> list[str]:
    """Write ``n`` submissions (cycling through :data:`VARIANTS`); returns the student ids."""
    sources = sorted((root / "source" / ASSIGNMENT).glob("*.ipynb"))
    kinds = list(VARIANTS)
    students = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        student = f"{kind}_{i:04d}"
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        for src in sources:
            copy = _student_copy(root / "release" / ASSIGNMENT / src.name, src, VARIANTS[kind])
            nbformat.write(copy, str(folder / src.name))
        (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
        students.append(student)
    return students


def copy_course(src: Path, dest: Path, assignment: str = ASSIGNMENT) -> Path:
    """A copy of a course root with a fresh gradebook that knows ``assignment``."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("gradebook.db", "autograded"))
    subprocess.run([_bin("nbgrader"), "generate_assignment", assignment, "--force"], cwd=dest,
                   check=True, capture_output=True, env=_env())
    return dest


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}


def run_nbgrader_autograde(root: Path) -> None:
    """``nbgrader autograde ps1 --create --force`` in ``root`` (serial, one kernel per notebook)."""
    subprocess.run([_bin("nbgrader"), "autograde", ASSIGNMENT, "--create", "--force"],
                   cwd=root, check=True, capture_output=True, env=_env())


def nbgrader_scores(db_url: str, course_id: str, assignment: str = ASSIGNMENT
                    ) -> dict[str, dict[tuple[str, str], float | None]]:
    """Auto scores per student and (notebook, grade_id) of ``assignment``, from a gradebook."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[tuple[str, str], float | None]] = {}
    with Gradebook(db_url, course_id=course_id) as gb:
        for submission in gb.find_assignment(assignment).submissions:
            scores[submission.student.id] = {
                (nb.notebook.name, g.name): g.auto_score
                for nb in submission.notebooks for g in nb.grades}
    return scores
