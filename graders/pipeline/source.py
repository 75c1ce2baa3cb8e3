"""Parse an instructor notebook into what grading needs: cells, questions and their checks.

A graded test cell's hidden region holds only check calls (and the authoring
import that makes them run in the instructor's own notebook)::

    ### BEGIN HIDDEN TESTS
    from graders.authoring import check
    check(solve, "linear_algebra.solve")
    ### END HIDDEN TESTS

Such a cell is an "auto" question, judged against references. A graded code
cell whose hidden region (or whole body) holds ordinary asserts is an
"assert" question, scored as nbgrader does, by whether the cell raises, inside
the student's process (forgeable; the result says so). A graded markdown or
code solution cell is a "manual" question.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import nbformat

from graders.config import Course
from graders.errors import ConfigError
from graders.explain import HIDDEN_PLACEHOLDER
from graders.result import QuestionKind

__all__ = ["Question", "SourceCell", "SourceSpec", "hide_hidden_regions", "load_source",
           "load_sources", "parse_source", "split_hidden"]

_HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


@dataclass(frozen=True)
class Question:
    """A graded cell of the instructor notebook.

    Attributes:
        grade_id: nbgrader grade_id.
        cell_index: index of the cell in the source notebook.
        points: points from the source (never from a submission).
        unit: the unit the points count towards.
        kind: "auto", "assert" or "manual".
        checks: (function name, check id) pairs of an auto question.
    """

    grade_id: str
    cell_index: int
    points: float
    unit: str
    kind: QuestionKind
    checks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SourceCell:
    """A cell of the instructor notebook, with its grading role.

    Attributes:
        index: position in the source notebook.
        cell: the source cell itself.
        grade_id: nbgrader grade_id, or "" for cells without nbgrader metadata.
        answer: True for cells whose body is the student's (nbgrader solution cells).
        public: the text a student sees (the source with hidden regions removed).
        run_source: what the sandbox runs for this cell ("" for markdown).
    """

    index: int
    cell: Any
    grade_id: str
    answer: bool
    public: str
    run_source: str


@dataclass(frozen=True)
class SourceSpec:
    """The parsed instructor notebook.

    Attributes:
        path: the notebook file.
        cells: every cell, in order.
        questions: the graded cells, in order.
        metadata: the notebook's metadata (kernelspec...), used for the autograded copy.
    """

    path: Path
    cells: tuple[SourceCell, ...]
    questions: tuple[Question, ...] = field(default=())
    metadata: dict[str, Any] = field(default_factory=dict)


def split_hidden(source: str) -> tuple[str, list[str]]:
    """Split a cell into its public text and its hidden regions' bodies."""
    hidden = [m.group(1) for m in _HIDDEN.finditer(source)]
    return _HIDDEN.sub("", source), hidden


def hide_hidden_regions(source: str) -> str:
    """The cell with each hidden region (markers included) replaced by a neutral line.

    Used for the autograded notebook, which nbgrader's ``generate_feedback`` shows to the
    student: neither the check ids nor ``from graders.authoring import check`` may reach them.
    """
    return _HIDDEN.sub(HIDDEN_PLACEHOLDER, source)


def _parse_checks(body: str, where: str) -> tuple[tuple[str, str], ...] | None:
    """The check calls of a hidden region, or None if it holds ordinary test code."""
    tree = ast.parse(body)
    calls: list[tuple[str, str]] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "graders.authoring":
            continue
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "check"):
            if calls:
                _bad(where)
            return None
        fn, check_id = [*call.args, None, None][:2]
        if (len(call.args) != 2 or call.keywords or not isinstance(fn, ast.Name)
                or not isinstance(check_id, ast.Constant) or not isinstance(check_id.value, str)):
            _bad(where)
            raise AssertionError  # unreachable: _bad raises
        calls.append((fn.id, check_id.value))
    return tuple(calls) or None


def _bad(where: str) -> NoReturn:
    raise ConfigError(f"{where}: a hidden region that calls check() may hold only "
                      "`check(function_name, \"unit.check_id\")` lines")


def _question(index: int, cell: Any, meta: dict[str, Any], default_unit: str,
              where: str) -> Question:
    grade_id = meta["grade_id"]
    unit = cell.get("metadata", {}).get("mml", {}).get("unit") or default_unit
    if meta.get("solution") or meta.get("task") or cell.cell_type == "markdown":
        return Question(grade_id, index, float(meta.get("points", 0)), unit, "manual")
    _, hidden = split_hidden(cell.source)
    checks: tuple[tuple[str, str], ...] = ()
    for body in hidden:
        checks += _parse_checks(body, f"{where} cell {index} ({grade_id})") or ()
    if checks:
        unit = cell.get("metadata", {}).get("mml", {}).get("unit") or checks[0][1].split(".")[0]
    return Question(grade_id, index, float(meta.get("points", 0)), unit,
                    "auto" if checks else "assert", checks)


def parse_source(path: Path, default_unit: str) -> SourceSpec:
    """Parse the instructor notebook at ``path``; ConfigError names the cell on bad authoring."""
    nb = nbformat.read(str(path), as_version=4)
    cells: list[SourceCell] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        if grade_id and grade_id in seen:
            raise ConfigError(f"{path}: cell {index} repeats grade_id {grade_id!r}")
        seen.add(grade_id)
        public, _ = split_hidden(cell.source)
        is_auto_test = False
        if meta.get("grade") or meta.get("task"):
            q = _question(index, cell, meta, default_unit, str(path))
            questions.append(q)
            is_auto_test = q.kind == "auto"
        run = "" if cell.cell_type != "code" else (public if is_auto_test else cell.source)
        cells.append(SourceCell(index, cell, grade_id, bool(meta.get("solution")), public, run))
    return SourceSpec(path, tuple(cells), tuple(questions), dict(nb.metadata))


@functools.lru_cache(maxsize=32)
def _parse_cached(path: str, mtime: float, unit: str) -> SourceSpec:
    return parse_source(Path(path), unit)


def _default_unit(course: Course, assignment: str) -> str:
    return str(course.grader.units.get(assignment, ""))


def load_sources(course: Course, assignment: str) -> list[SourceSpec]:
    """Every parsed instructor notebook of the assignment (cached per worker while unchanged)."""
    unit = _default_unit(course, assignment)
    return [_parse_cached(str(p), p.stat().st_mtime, unit)
            for p in course.source_notebooks(assignment)]


def load_source(course: Course, assignment: str) -> SourceSpec:
    """The assignment's main parsed instructor notebook (see ``Course.source_notebook``)."""
    path = course.source_notebook(assignment)
    return _parse_cached(str(path), path.stat().st_mtime, _default_unit(course, assignment))
