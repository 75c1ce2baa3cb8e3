"""The recorder: the only module that writes nbgrader's gradebook.

Everything goes through nbgrader's own API (:class:`nbgrader.api.Gradebook` and its
ORM classes), so formgrader, ``nbgrader generate_feedback`` and ``nbgrader export``
keep working on what the grader recorded.

* :func:`ensure_assignment` records the assignment, its notebook and its grade,
  solution, task and source cells exactly as ``nbgrader generate_assignment`` does
  (it *is* nbgrader's generate_assignment, written to a throw-away directory), so
  grading works on a fresh clone without ``gradebook.db``.
* :class:`Recorder` opens the gradebook once and records many
  :class:`~graders.result.SubmissionResult` objects, each in its own transaction
  (committed, or rolled back if anything fails). The semantics are those of
  nbgrader's ``SaveAutoGrades``: auto scores are (re)written, a TA's
  ``manual_score`` is never touched, and a cell is marked ``needs_manual_grade``
  when it has no auto score or already has a manual one.
* :func:`read_scores` reads every student's scores back (manual overriding auto)
  with each cell's unit and the status of the grader's ``result.json``.

An ungradable submission gets zero on every autograded cell, its notebooks are
flagged (``SubmittedNotebook.flagged``; the recorder raises flags, only a TA clears
them), and its reason is the ``auto_comment`` of its answer cells.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.result import SubmissionResult

__all__ = [
    "CellScore",
    "Recorder",
    "StudentScores",
    "ensure_assignment",
    "grade_cells",
    "read_scores",
    "record",
]

_CHECK_UNIT = re.compile(r"""\bcheck\(\s*[A-Za-z_]\w*\s*,\s*["']([A-Za-z_]\w*)\.""")


def ensure_assignment(course: Course, assignment: str) -> None:
    """Record the assignment and its cells in the gradebook, as generate_assignment does.

    Creates the gradebook if needed. Safe to repeat; nbgrader refuses (ConfigError)
    to add or remove cells of a notebook that already has submissions.

    Args:
        course: the course (its ``db_url`` and ``course_id`` name the gradebook).
        assignment: the assignment id (``source/<assignment>/<assignment>.ipynb``).
    """
    from graders.nbgrader_io.release import generate_to  # lazy: release imports this module

    with tempfile.TemporaryDirectory(prefix="mml-gradebook-") as tmp:
        generate_to(course, assignment, Path(tmp), db_url=course.db_url)


class Recorder:
    """One open gradebook recording many submissions, each in its own transaction.

    Example:
        >>> with Recorder(course) as recorder:  # doctest: +SKIP
        ...     for result in results:
        ...         recorder.record(result)
    """

    def __init__(self, course: Course) -> None:
        self.course = course
        self._gb: Any = None

    def __enter__(self) -> Recorder:
        from nbgrader.api import Gradebook  # lazy: slow import

        ensure_tools_on_path()
        self._gb = Gradebook(self.course.db_url, self.course.course_id)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._gb.close()
        self._gb = None

    def record(self, result: SubmissionResult) -> None:
        """Record one submission's result in one transaction.

        Args:
            result: the grader's result for one student.

        Raises:
            ConfigError: the assignment or one of the result's grade_ids is not in
                the gradebook (run :func:`ensure_assignment` first).
        """
        if self._gb is None:
            raise RuntimeError("Recorder.record outside 'with Recorder(course)'")
        try:
            _record(self._gb, self.course, result)
            self._gb.db.commit()
        except BaseException:
            self._gb.db.rollback()
            raise


def record(course: Course, result: SubmissionResult, *, gradebook: Recorder | None = None) -> None:
    """Record one submission's result, in an open ``gradebook`` or a gradebook opened for it.

    Args:
        course: the course.
        result: the grader's result for one student.
        gradebook: an open :class:`Recorder` to reuse (the batch's single writer).
    """
    if gradebook is not None:
        gradebook.record(result)
        return
    with Recorder(course) as recorder:
        recorder.record(result)


def _submission(gb: Any, course: Course, student_id: str, assignment: str) -> Any:
    """Find the submission, or create it (and the student) in the open transaction.

    Mirrors ``Gradebook.add_submission`` without its commit, so that creating the
    submission and writing its grades are one transaction.
    """
    from nbgrader import api

    try:
        return gb.find_submission(assignment, student_id)
    except api.MissingEntry:
        pass
    try:
        master = gb.find_assignment(assignment)
    except api.MissingEntry as exc:
        raise ConfigError(f"{course.db_url}: assignment {assignment!r} is not in the gradebook; "
                          f"run ensure_assignment (mml release) first") from exc
    student = gb.db.get(api.Student, student_id) or api.Student(id=student_id)
    with gb.db.no_autoflush:
        submission = api.SubmittedAssignment(
            assignment=master, student=student,
            timestamp=_timestamp(course, student_id, assignment))
        for notebook in master.notebooks:
            nb = api.SubmittedNotebook(notebook=notebook, assignment=submission)
            for cell in notebook.grade_cells:
                api.Grade(cell_id=cell.id, notebook=nb)
            for cell in notebook.solution_cells:
                api.Comment(cell_id=cell.id, notebook=nb)
            for cell in notebook.task_cells:
                api.Comment(cell_id=cell.id, notebook=nb)
                api.Grade(cell_id=cell.id, notebook=nb)
        gb.db.add(submission)
    gb.db.flush()
    return submission


def _timestamp(course: Course, student: str, assignment: str) -> Any:
    """The submission time nbgrader's ``timestamp.txt`` records, or None."""
    from nbgrader.utils import parse_utc

    path = course.submitted_dir(assignment) / student / assignment / "timestamp.txt"
    try:
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _is_manual(grade: Any, solution_names: set[str]) -> bool:
    """A cell graded by hand: a task cell, or a grade cell that is also an answer cell."""
    return grade.cell.type == "TaskCell" or grade.cell.name in solution_names


def _record(gb: Any, course: Course, result: SubmissionResult) -> None:
    """Write one result into the open transaction (no commit)."""
    submission = _submission(gb, course, result.student, result.assignment)
    questions = {(q.notebook or result.assignment, q.grade_id): q for q in result.questions}
    ungradable = result.status == "ungradable"
    seen: set[tuple[str, str]] = set()
    for nb in submission.notebooks:
        solution_names = {c.name for c in nb.notebook.solution_cells}
        for grade in nb.grades:
            key = (nb.notebook.name, grade.name)
            q = questions.get(key)
            if q is None and not ungradable:
                continue
            seen.add(key)
            manual = q.kind == "manual" if q is not None else _is_manual(grade, solution_names)
            auto: float | None = None if manual else (
                0.0 if ungradable else (q.points if q is not None else None))
            grade.auto_score = auto
            grade.needs_manual_grade = grade.manual_score is not None or auto is None
        note = f"{result.status}: {result.reason}" if result.status != "graded" else None
        for comment in nb.comments:
            comment.auto_comment = note
        if ungradable or result.flags:
            nb.flagged = True
    missing = sorted(set(questions) - seen)
    if missing:
        raise ConfigError(f"{course.db_url}: {result.assignment!r} has no grade cells {missing} "
                          f"(the result and the gradebook disagree; rerun ensure_assignment)")


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one student.

    Attributes:
        grade_id: nbgrader's grade_id.
        unit: the course unit the cell counts towards ("" if unknown).
        score: nbgrader's score (a TA's manual score overrides the auto score;
            extra credit included); None when neither is set.
        max_score: points available.
    """

    grade_id: str
    unit: str
    score: float | None
    max_score: float


@dataclass(frozen=True)
class StudentScores:
    """One student's scores on one assignment, for export.

    Attributes:
        student: the student id.
        status: of the grader's ``result.json``: "graded", "partial", "ungradable",
            or "missing" when there is none.
        reason: the result's reason ("" if none).
        cells: one per graded cell, in notebook order.
    """

    student: str
    status: Literal["graded", "partial", "ungradable", "missing"]
    reason: str
    cells: list[CellScore]

    @property
    def total(self) -> float:
        """Points earned (ungraded cells count zero)."""
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_total(self) -> float:
        """Points available."""
        return sum(c.max_score for c in self.cells)

    def unit_totals(self) -> dict[str, float]:
        """Points earned per unit, in first-seen order."""
        totals: dict[str, float] = {}
        for c in self.cells:
            totals[c.unit] = totals.get(c.unit, 0.0) + (c.score or 0.0)
        return totals


def _cell_unit(cell: Any, default: str) -> str:
    """A cell's unit: metadata ``mml.unit``, else the unit its checks name, else ``default``."""
    unit = cell.get("metadata", {}).get("mml", {}).get("unit")
    if unit:
        return str(unit)
    source = cell.get("source", "")
    found = _CHECK_UNIT.search("".join(source) if isinstance(source, list) else str(source))
    return found.group(1) if found else default


def graded_cells(course: Course, assignment: str) -> list[tuple[str, str, str]]:
    """The (notebook, grade_id, unit) of every graded cell (grade or task), in order.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The cells of every source notebook of the assignment, in notebook order.
    """
    import nbformat  # lazy: slow import

    default = str(course.grader.units.get(assignment, ""))
    cells = []
    for path in course.source_notebooks(assignment):
        nb = nbformat.read(path, as_version=4)
        cells += [(path.stem, str(c.metadata.nbgrader["grade_id"]), _cell_unit(c, default))
                  for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade")
                  or c.metadata.get("nbgrader", {}).get("task")]
    return cells


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


def _status(course: Course, student: str, assignment: str) -> tuple[Any, str]:
    """(status, reason) of ``autograded/<student>/<assignment>/result.json``."""
    path = course.autograded_dir(student, assignment) / "result.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "missing", ""
    status = raw.get("status")
    if status not in ("graded", "partial", "ungradable"):
        return "missing", f"{path}: unreadable status {status!r}"
    return status, str(raw.get("reason", ""))


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
                                float(grades[(nb, gid)].max_score) if (nb, gid) in grades else 0.0)
                      for (nb, gid, unit), (column, _) in zip(cells, columns, strict=True)]
            status, reason = _status(course, submission.student.id, assignment)
            found.append(StudentScores(submission.student.id, status, reason, scores))
    return sorted(found, key=lambda s: s.student)


def _score(grade: Any) -> float | None:
    """nbgrader's score of a grade, or None when neither an auto nor a manual score is set."""
    if grade is None or (grade.auto_score is None and grade.manual_score is None):
        return None
    return float(grade.score)
