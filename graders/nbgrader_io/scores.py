"""Scores read back from nbgrader's gradebook, for ``mml export`` and the reports.

:func:`read_scores` reads every student's scores (a TA's manual score overriding the auto
score, as nbgrader does) with each cell's unit and the status of the grader's
``result.json``. A written answer nobody has scored yet is *pending*
(:attr:`StudentScores.pending`): its total is not final, and exports say so
(:attr:`StudentScores.export_status` is ``pending-manual``). An untouched written answer is
not pending: the recorder gives it 0, "No response.". Only
:mod:`graders.nbgrader_io.gradebook` writes the gradebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from graders.config import Course
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.pipeline.source import load_sources
from graders.result import PENDING_MANUAL, SubmissionResult

__all__ = ["PENDING_MANUAL", "CellScore", "StudentScores", "grade_cells", "graded_cells",
           "read_scores"]


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one student.

    Attributes:
        grade_id: nbgrader's grade_id.
        unit: the course unit the cell counts towards ("" if unknown).
        score: nbgrader's score (a TA's manual score overrides the auto score;
            extra credit included); None when neither is set.
        max_score: points available.
        manual: a written answer, graded by hand (pending while ``score`` is None).
    """

    grade_id: str
    unit: str
    score: float | None
    max_score: float
    manual: bool = False


@dataclass(frozen=True)
class StudentScores:
    """One student's scores on one assignment, for export.

    Attributes:
        student: the student id.
        status: of the grader's ``result.json``: "graded", "partial", "ungradable",
            or "missing" when there is none.
        reason: the result's reason ("" if none).
        cells: one per graded cell, in notebook order.
        flags: the result's tamper flags and anomalies (edited locked cells, ...).
    """

    student: str
    status: Literal["graded", "partial", "ungradable", "missing"]
    reason: str
    cells: list[CellScore]
    flags: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        """Points earned (ungraded cells count zero)."""
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_total(self) -> float:
        """Points available."""
        return sum(c.max_score for c in self.cells)

    @property
    def pending(self) -> tuple[str, ...]:
        """The columns (grade_ids) of the written answers nobody has scored yet."""
        return tuple(c.grade_id for c in self.cells if c.manual and c.score is None)

    @property
    def export_status(self) -> str:
        """``status``, except ``pending-manual`` for a graded submission with written
        answers still unscored: its total is not final and must not be uploaded as such."""
        return PENDING_MANUAL if self.status == "graded" and self.pending else self.status

    def unit_totals(self) -> dict[str, float]:
        """Points earned per unit, in first-seen order."""
        totals: dict[str, float] = {}
        for c in self.cells:
            totals[c.unit] = totals.get(c.unit, 0.0) + (c.score or 0.0)
        return totals


def graded_cells(course: Course, assignment: str) -> list[tuple[str, str, str]]:
    """The (notebook, grade_id, unit) of every graded cell (grade or task), in order.

    The units are those the grader itself uses (:mod:`graders.pipeline.source`, parsed once
    per source version): cell metadata ``mml.unit``, else the unit the checks name, else the
    assignment's default unit.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The cells of every source notebook of the assignment, in notebook order.
    """
    return [(spec.path.stem, q.grade_id, q.unit) for spec in load_sources(course, assignment)
            for q in spec.questions]


def grade_cells(course: Course, assignment: str) -> list[tuple[str, str]]:
    """The (column, unit) of every graded cell, in order: the column is the grade_id,
    qualified as ``notebook/grade_id`` where two notebooks share a grade_id.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The cells in notebook order.
    """
    cells = graded_cells(course, assignment)
    ids = [gid for _, gid, _ in cells]
    return [(gid if ids.count(gid) == 1 else f"{nb}/{gid}", unit) for nb, gid, unit in cells]


def _status(course: Course, student: str, assignment: str) -> tuple[Any, str, tuple[str, ...]]:
    """(status, reason, flags) of the grader's result (``Course.result_path``), read through
    the versioned :class:`~graders.result.SubmissionResult` ("missing" if absent or
    unreadable)."""
    path = course.result_path(student, assignment)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "missing", "", ()
    try:
        result = SubmissionResult.from_json(text)
    except (ValueError, TypeError, KeyError) as exc:
        return "missing", f"{path}: unreadable result ({exc})", ()
    return result.status, result.reason, tuple(result.flags)


def read_scores(course: Course, assignment: str) -> list[StudentScores]:
    """Every student with a submission of ``assignment``, with per-cell scores, by id.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        One entry per student (sorted by id); empty if the assignment is not in
        the gradebook.
    """
    from nbgrader import api  # lazy: slow import

    cells = graded_cells(course, assignment)
    columns = grade_cells(course, assignment)
    manual = {(spec.path.stem, q.grade_id) for spec in load_sources(course, assignment)
              for q in spec.questions if q.kind == "manual"}
    ensure_tools_on_path()
    found: list[StudentScores] = []
    with api.Gradebook(course.db_url, course.course_id) as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except api.MissingEntry:
            return []
        for submission in submissions:
            grades = {(nb.notebook.name, g.name): g for nb in submission.notebooks
                      for g in nb.grades}
            scores = [CellScore(column, unit, _score(grades.get((nb, gid))),
                                float(grades[(nb, gid)].max_score) if (nb, gid) in grades else 0.0,
                                (nb, gid) in manual)
                      for (nb, gid, unit), (column, _) in zip(cells, columns, strict=True)]
            status, reason, flags = _status(course, submission.student.id, assignment)
            found.append(StudentScores(submission.student.id, status, reason, scores, flags))
    return sorted(found, key=lambda s: s.student)


def _score(grade: Any) -> float | None:
    """nbgrader's score of a grade, or None when neither an auto nor a manual score is set."""
    if grade is None or (grade.auto_score is None and grade.manual_score is None):
        return None
    return float(grade.score)
