"""The answer cells of a class's submissions, and the released stub of each.

Which cells are answers comes from the instructor's source notebook (cells with nbgrader's
``solution`` metadata, by ``grade_id``), never from the student's copy, whose metadata a
student can edit. A student's answer is the first cell of their notebook with that
``grade_id``. The stub is the released notebook's cell (``release/<a>/<notebook>``, what
``mml release`` wrote); when the assignment was never released, the source cell with its
``### BEGIN SOLUTION`` regions removed, which is what nbgrader's release keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from graders.config import Course
from graders.errors import GraderError
from graders.pipeline.intake import read_notebook

__all__ = ["AnswerCell", "ClassAnswers", "read_class"]

_SOLUTION_REGION = re.compile(r"^[ \t]*###? BEGIN SOLUTION.*?^[ \t]*###? END SOLUTION[^\n]*\n?",
                              re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class AnswerCell:
    """One answer cell of the assignment, as the instructor wrote it.

    Attributes:
        notebook: the notebook's file stem (an assignment may have several notebooks).
        grade_id: nbgrader's id of the cell.
        python: whether it is a code cell (compared as Python; Markdown as text).
        stub: the released cell's text: the boilerplate every student starts from.
    """

    notebook: str
    grade_id: str
    python: bool
    stub: str

    @property
    def key(self) -> str:
        """``notebook/grade_id``: unique across the assignment's notebooks."""
        return f"{self.notebook}/{self.grade_id}"


@dataclass
class ClassAnswers:
    """Every student's text of every answer cell.

    Attributes:
        cells: the assignment's answer cells, in notebook order.
        texts: cell key -> student -> the student's text of that cell.
        skipped: student -> why their notebook could not be read.
    """

    cells: list[AnswerCell]
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _grade_id(cell: Any) -> str:
    """The cell's nbgrader grade id, or ''."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return str(meta.get("grade_id", "")) if isinstance(meta, dict) else ""


def _stubs(course: Course, assignment: str, notebook: Path) -> dict[str, str]:
    """grade_id -> the released cell's text (or the source's with solutions removed)."""
    released = course.root / "release" / assignment / notebook.name
    if released.is_file():
        nb = nbformat.read(str(released), as_version=4)
        return {_grade_id(c): str(c.source) for c in nb.cells if _grade_id(c)}
    nb = nbformat.read(str(notebook), as_version=4)
    return {_grade_id(c): _SOLUTION_REGION.sub("", str(c.source)) for c in nb.cells
            if _grade_id(c)}


def _answer_cells(course: Course, assignment: str) -> list[AnswerCell]:
    """The source's solution cells, with their stubs."""
    cells: list[AnswerCell] = []
    for path in course.source_notebooks(assignment):
        stubs = _stubs(course, assignment, path)
        for cell in nbformat.read(str(path), as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and _grade_id(cell):
                gid = _grade_id(cell)
                cells.append(AnswerCell(path.stem, gid, cell.cell_type == "code",
                                        stubs.get(gid, "")))
    return cells


def _students(course: Course, assignment: str) -> list[str]:
    """Students with a ``submitted/<student>/<assignment>/`` folder (symlinks ignored)."""
    root = course.submitted_dir(assignment)
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir()
                  if d.is_dir() and not d.is_symlink() and (d / assignment).is_dir())


def read_class(course: Course, assignment: str) -> ClassAnswers:
    """Every submitted answer of ``assignment`` (unreadable notebooks noted, not fatal)."""
    answers = ClassAnswers(_answer_cells(course, assignment))
    limit = int(course.grader.max_notebook_mb * 2**20)
    notebooks = sorted({c.notebook for c in answers.cells})
    for student in _students(course, assignment):
        for name in notebooks:
            path = course.submitted_dir(assignment) / student / assignment / f"{name}.ipynb"
            if not path.is_file() or path.is_symlink():
                answers.skipped[student] = f"no {name}.ipynb in {path.parent}"
                continue
            try:
                nb = read_notebook(path, limit, course.grader.max_cells)
            except GraderError as exc:
                answers.skipped[student] = f"{path.name}: {exc}"
                continue
            found: dict[str, str] = {}
            for cell in nb.cells:
                found.setdefault(_grade_id(cell), str(cell.source))
            for c in answers.cells:
                if c.notebook == name and c.grade_id in found:
                    answers.texts.setdefault(c.key, {})[student] = found[c.grade_id]
    return answers
