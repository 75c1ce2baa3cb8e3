"""The recorder: the only module that writes nbgrader's gradebook.

Everything goes through nbgrader's own API (:class:`nbgrader.api.Gradebook` and its
ORM classes), so formgrader, ``nbgrader generate_feedback`` and ``nbgrader export``
keep working on what the grader recorded.

* The assignment and its cells are recorded beforehand by nbgrader's own
  generate_assignment (:func:`graders.nbgrader_io.generate.ensure_assignment`), so grading
  works on a fresh clone without ``gradebook.db``.
* :class:`Recorder` opens the gradebook once and records many
  :class:`~graders.result.SubmissionResult` objects, each in its own transaction
  (committed, or rolled back if anything fails). The semantics are those of
  nbgrader's ``SaveAutoGrades``: auto scores are (re)written, a TA's
  ``manual_score`` is never touched, and a cell is marked ``needs_manual_grade``
  when it has no auto score or already has a manual one.
* Scores are read back by :mod:`graders.nbgrader_io.scores`.

An ungradable submission gets zero on every autograded cell, its notebooks are
flagged (``SubmittedNotebook.flagged``; the recorder raises flags, only a TA clears
them), and its reason is the ``auto_comment`` of its answer cells.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.result import SubmissionResult

__all__ = ["Recorder", "record"]


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
                the gradebook (run :func:`~graders.nbgrader_io.generate.ensure_assignment`
                first).
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
