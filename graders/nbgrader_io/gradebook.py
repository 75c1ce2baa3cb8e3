"""The recorder: the only writer of nbgrader's gradebook.

It writes nbgrader's own rows with nbgrader's semantics, so formgrader, ``nbgrader
generate_feedback`` and ``nbgrader export`` keep working on what the grader recorded. What a
result writes is decided once (:mod:`graders.nbgrader_io.writes`); two stores write it:

* a SQLite gradebook that nbgrader made, through ``sqlite3``
  (:mod:`graders.nbgrader_io.gradebook_sqlite`): no SQLAlchemy import, about 0.4 s of CPU
  less on every ``mml grade``;
* any other (another database, a gradebook to create), through nbgrader's own API
  (:class:`nbgrader.api.Gradebook`, its ORM classes and their tables): a new submission's
  rows are those of ``Gradebook.add_submission``, inserted with their values in one
  statement per table (:func:`_insert`); a submission recorded before is updated through
  the ORM (:func:`_update`).

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

A written answer left untouched (its released text unchanged, or empty) gets an auto score
of 0 and the comment "No response.", as nbgrader's ``SaveAutoGrades`` does (its rule:
``nbgrader.utils.determine_grade`` gives 0 to a solution grade cell whose checksum still
equals the released one, and ``_add_comment`` writes "No response."); the answer is read
from the autograded notebook the worker just wrote, the released text from the gradebook's
copy of the release (``SourceCell``). Such an answer is then no longer pending
(:mod:`graders.nbgrader_io.writes`).

An ungradable submission gets zero on every autograded cell, its notebooks are
flagged (``SubmittedNotebook.flagged``; the recorder raises flags, only a TA clears
them), and its reason is the ``auto_comment`` of its answer cells.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from graders.config import Course
from graders.nbgrader_io.deadline import record_lateness, save_lateness, submission_time
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.nbgrader_io.gradebook_sqlite import SqliteGradebook, open_sqlite
from graders.nbgrader_io.writes import (
    NO_RESPONSE,
    Writes,
    as_recorded,
    check_written,
    graded,
    graded_cells_in,
    new_rows,
    not_recorded,
    notebook_writes,
)
from graders.result import SubmissionResult

__all__ = ["NO_RESPONSE", "Recorder", "record"]


class Recorder:
    """One open gradebook recording many submissions, each in its own transaction.

    Example:
        >>> with Recorder(course) as recorder:  # doctest: +SKIP
        ...     for result in results:
        ...         recorder.record(result)

    ``sqlite=False`` always goes through nbgrader's API (the tests compare the two).
    """

    def __init__(self, course: Course, *, sqlite: bool = True) -> None:
        self.course = course
        self._sqlite = sqlite
        self._store: SqliteGradebook | _NbgraderStore | None = None

    def __enter__(self) -> Recorder:
        self._store = (open_sqlite(self.course) if self._sqlite else None) or _NbgraderStore(
            self.course)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None

    @property
    def store(self) -> SqliteGradebook | _NbgraderStore:
        """The open store (a :class:`SqliteGradebook` or nbgrader's API)."""
        if self._store is None:
            raise RuntimeError("Recorder used outside 'with Recorder(course)'")
        return self._store

    def graded_cells(self, assignment: str) -> set[tuple[str, str, float]] | None:
        """(notebook, grade_id, points) of the assignment's graded cells in the gradebook,
        or None when it does not have the assignment (for ``ensure_assignment``)."""
        return self.store.graded_cells(assignment)

    def record(self, result: SubmissionResult) -> SubmissionResult:
        """Record one submission's result in one transaction.

        Args:
            result: the grader's result for one student.

        Returns:
            The result as recorded: written answers left untouched are scored 0 with the
            reason "No response." (``result`` itself is not changed).

        Raises:
            ConfigError: the assignment or one of the result's grade_ids is not in
                the gradebook (run :func:`~graders.nbgrader_io.generate.ensure_assignment`
                first).
        """
        unanswered = self.store.record(result)
        save_lateness(self.course, result)  # the late penalty, into result.json too
        return as_recorded(result, unanswered)


def record(course: Course, result: SubmissionResult, *,
           gradebook: Recorder | None = None) -> SubmissionResult:
    """Record one submission's result, in an open ``gradebook`` or a gradebook opened for it.

    Args:
        course: the course.
        result: the grader's result for one student.
        gradebook: an open :class:`Recorder` to reuse (the batch's single writer).

    Returns:
        The result as recorded (see :meth:`Recorder.record`).
    """
    if gradebook is not None:
        return gradebook.record(result)
    with Recorder(course) as recorder:
        return recorder.record(result)


class _NbgraderStore:
    """The gradebook through nbgrader's own API (any database SQLAlchemy reaches)."""

    def __init__(self, course: Course) -> None:
        from nbgrader.api import Gradebook  # lazy: slow import

        ensure_tools_on_path()
        self.course = course
        self.gradebook = Gradebook(course.db_url, course.course_id)
        # Each record reads the assignment's own rows (its notebooks and cells) and one
        # submission's; it changes only the latter, once per batch, and the former do not
        # change during a batch (ensure_assignment runs first). Expiring everything at each
        # commit (SQLAlchemy's default) made every record load the assignment's cells again,
        # a fifth of its time. Scores that SQL computes are expired by name where read
        # (deadline.record_lateness).
        self.gradebook.db().expire_on_commit = False
        #: The assignments recorded so far, by name: held, so that their notebooks and cells
        #: stay loaded across records (the session holds its objects weakly).
        self._assignments: dict[str, Any] = {}

    def close(self) -> None:
        """Close the gradebook."""
        self.gradebook.close()

    def graded_cells(self, assignment: str) -> set[tuple[str, str, float]] | None:
        """See :meth:`Recorder.graded_cells`; the read transaction ends at once, since
        generation then writes through a connection of its own."""
        try:
            return graded_cells_in(self.gradebook, assignment)
        finally:
            self.gradebook.db.rollback()

    def record(self, result: SubmissionResult) -> set[tuple[str, str]]:
        """Record ``result`` in one transaction; returns the (notebook, grade_id) of the
        written answers found unanswered."""
        try:
            unanswered = _record(self.gradebook, self.course, result, self._assignments)
            self.gradebook.db.commit()
        except BaseException:
            self.gradebook.db.rollback()
            raise
        return unanswered


def _existing(gb: Any, course: Course, student_id: str, assignment: str,
              assignments: dict[str, Any]) -> tuple[Any, Any]:
    """The assignment's gradebook row (kept in ``assignments``) and the student's submission
    of it (None if new). A new student is added (nbgrader's ``Student``) in the transaction.
    """
    from nbgrader import api

    if assignment not in assignments:
        try:
            assignments[assignment] = gb.find_assignment(assignment)
        except api.MissingEntry as exc:
            raise not_recorded(course, assignment) from exc
    master = assignments[assignment]
    try:
        return master, gb.find_submission(assignment, student_id)
    except api.MissingEntry:
        pass
    if gb.db.get(api.Student, student_id) is None:
        gb.db.add(api.Student(id=student_id))
        gb.db.flush()
    return master, None


def _update(submission: Any, writes: dict[str, Writes]) -> None:
    """Write into a submission recorded before (:func:`~graders.nbgrader_io.writes.graded`);
    a flag is raised, never lowered."""
    for nb in submission.notebooks:
        w = writes[nb.notebook.name]
        for grade in nb.grades:
            if grade.name in w.scores:
                grade.auto_score, grade.needs_manual_grade = graded(
                    w, grade.name, grade.auto_score, grade.manual_score)
        for comment in nb.comments:
            comment.auto_comment = w.comment.get(comment.name)
        if w.flagged:
            nb.flagged = True


def _insert(db: Any, master: Any, student_id: str, timestamp: Any,
            writes: dict[str, Writes]) -> None:
    """Insert a new submission's rows (:func:`~graders.nbgrader_io.writes.new_rows`) with
    one multi-row insert per table through nbgrader's own tables.

    The ORM's unit of work made these thirty-odd rows, then updated them with the values,
    in 15 of the 20 ms that recording a new quickstart submission took.
    ``tests/e2e/test_gradebook.py`` checks that the rows equal those of ``add_submission``
    then :func:`_update`.
    """
    from nbgrader import api
    from sqlalchemy import insert

    tables = {"submitted_assignment": api.SubmittedAssignment, "submitted_notebook":
              api.SubmittedNotebook, "grade": api.Grade, "comment": api.Comment}
    for table, values in new_rows(master.notebooks, master.id, student_id, timestamp,
                                  writes).items():
        if values:
            db.execute(insert(tables[table].__table__), values)


def _record(gb: Any, course: Course, result: SubmissionResult,
            assignments: dict[str, Any]) -> set[tuple[str, str]]:
    """Write one result into the open transaction (no commit); returns the (notebook,
    grade_id) of the written answers found unanswered."""
    master, submission = _existing(gb, course, result.student, result.assignment, assignments)
    writes = {nb.name: notebook_writes(nb, course, result) for nb in master.notebooks}
    check_written(course, result, writes)
    if submission is None:
        _insert(gb.db, master, result.student, submission_time(course, result), writes)
        submission = gb.find_submission(result.assignment, result.student)
    else:
        _update(submission, writes)
    record_lateness(gb, course, submission, result)  # as nbgrader's AssignLatePenalties
    return {(name, gid) for name, w in writes.items() for gid in w.blank}
