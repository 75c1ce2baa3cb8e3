"""The recorder: the only module that writes nbgrader's gradebook.

Everything goes through nbgrader's own API (:class:`nbgrader.api.Gradebook`, its ORM
classes and their tables), so formgrader, ``nbgrader generate_feedback`` and ``nbgrader
export`` keep working on what the grader recorded. A new submission's rows are those of
``Gradebook.add_submission``, inserted with their values in one statement per table
(:func:`_insert`); a submission recorded before is updated through the ORM (:func:`_update`).
What a result writes is decided once, for both (:func:`_writes`).

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
copy of the release (``SourceCell``). Such an answer is then no longer pending.

An ungradable submission gets zero on every autograded cell, its notebooks are
flagged (``SubmittedNotebook.flagged``; the recorder raises flags, only a TA clears
them), and its reason is the ``auto_comment`` of its answer cells.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.deadline import record_lateness, save_lateness
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.result import SubmissionResult

__all__ = ["NO_RESPONSE", "Recorder", "record"]

#: nbgrader's comment on an answer left as released (``SaveAutoGrades._add_comment``).
NO_RESPONSE = "No response."
#: An autograded notebook larger than this is not read for unanswered written answers.
_MAX_AUTOGRADED_BYTES = 64 << 20


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
        #: The assignments recorded so far, by name: held, so that their notebooks and cells
        #: stay loaded across records (the session holds its objects weakly).
        self._assignments: dict[str, Any] = {}

    def __enter__(self) -> Recorder:
        from nbgrader.api import Gradebook  # lazy: slow import

        ensure_tools_on_path()
        self._gb = Gradebook(self.course.db_url, self.course.course_id)
        # Each record reads the assignment's own rows (its notebooks and cells) and one
        # submission's; it changes only the latter, once per batch, and the former do not
        # change during a batch (ensure_assignment runs first). Expiring everything at each
        # commit (SQLAlchemy's default) made every record load the assignment's cells again,
        # a fifth of its time. Scores that SQL computes are expired by name where read
        # (deadline.record_lateness).
        self._gb.db().expire_on_commit = False
        return self

    @property
    def gradebook(self) -> Any:
        """The open nbgrader ``Gradebook`` (for reads that share this connection)."""
        if self._gb is None:
            raise RuntimeError("Recorder.gradebook outside 'with Recorder(course)'")
        return self._gb

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._gb.close()
        self._gb = None

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
        if self._gb is None:
            raise RuntimeError("Recorder.record outside 'with Recorder(course)'")
        try:
            unanswered = _record(self._gb, self.course, result, self._assignments)
            self._gb.db.commit()
        except BaseException:
            self._gb.db.rollback()
            raise
        save_lateness(self.course, result)  # the late penalty, into result.json too
        return _as_recorded(result, unanswered)


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
            raise ConfigError(f"{course.db_url}: assignment {assignment!r} is not in the "
                              f"gradebook; run ensure_assignment (mml release) first") from exc
    master = assignments[assignment]
    try:
        return master, gb.find_submission(assignment, student_id)
    except api.MissingEntry:
        pass
    if gb.db.get(api.Student, student_id) is None:
        gb.db.add(api.Student(id=student_id))
        gb.db.flush()
    return master, None


def _timestamp(course: Course, student: str, assignment: str) -> Any:
    """The submission time nbgrader's ``timestamp.txt`` records, or None."""
    from nbgrader.utils import parse_utc

    path = course.submitted_dir(assignment) / student / assignment / "timestamp.txt"
    try:
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _is_manual(cell: Any, solution_names: set[str]) -> bool:
    """A cell graded by hand: a task cell, or a grade cell that is also an answer cell."""
    return cell.type == "TaskCell" or cell.name in solution_names


def _as_recorded(result: SubmissionResult, unanswered: set[tuple[str, str]]) -> SubmissionResult:
    """``result`` with the unanswered written answers scored 0, "No response."."""
    if not unanswered:
        return result
    questions = [replace(q, points=0.0, reason=NO_RESPONSE)
                 if (q.notebook or result.assignment, q.grade_id) in unanswered else q
                 for q in result.questions]
    return replace(result, questions=questions)


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _answers(course: Course, result: SubmissionResult, notebook: str) -> dict[str, str]:
    """The answer text per grade_id in the autograded notebook (empty if unreadable)."""
    path = course.autograded_dir(result.student, result.assignment) / f"{notebook}.ipynb"
    try:
        if path.stat().st_size > _MAX_AUTOGRADED_BYTES:
            return {}
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, str] = {}
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        source = cell.get("source", "") if isinstance(meta, dict) and meta else None
        if source is not None and isinstance(meta.get("grade_id"), str):
            found.setdefault(meta["grade_id"], source if isinstance(source, str)
                             else "".join(map(str, source)))
    return found


def _unanswered(notebook: Any, course: Course, result: SubmissionResult,
                manual: set[str]) -> set[str]:
    """The written answers of one notebook left as released (or emptied): nbgrader's rule.

    Only answer cells (nbgrader's solution cells) qualify: a manually graded *task* cell is
    the instructor's locked prompt, always as released, whose answer lies in other cells;
    nbgrader leaves it pending, and so does this.
    """
    if not manual or result.status == "ungradable":  # no fresh autograded notebook then
        return set()
    answers = _answers(course, result, notebook.name)
    released = {c.name: _norm(str(c.source or "")) for c in notebook.source_cells}
    solutions = {c.name for c in notebook.solution_cells}
    return {name for name in manual & solutions if name in answers
            and _norm(answers[name]) in ("", released.get(name, ""))}


@dataclass(frozen=True)
class _Writes:
    """What one result writes into one notebook of the gradebook (nbgrader's SaveAutoGrades).

    Attributes:
        scores: the auto score of each grade cell (by name) the result writes; a cell not
            named keeps what it has (a new one: no score, pending).
        comment: the auto comment of each answer and task cell.
        flagged: the notebook is flagged (an ungradable result, or one with flags).
        blank: the written answers left as released, scored 0, "No response.".
    """

    scores: dict[str, float | None]
    comment: dict[str, str | None]
    flagged: bool
    blank: set[str]


def _writes(notebook: Any, course: Course, result: SubmissionResult) -> _Writes:
    """What ``result`` writes into the submitted copy of ``notebook`` (a gradebook
    ``Notebook``: the assignment's cells), new or recorded before alike."""
    questions = {q.grade_id: q for q in result.questions
                 if (q.notebook or result.assignment) == notebook.name}
    ungradable = result.status == "ungradable"
    solution_names = {c.name for c in notebook.solution_cells}
    blank = _unanswered(notebook, course, result,
                        {gid for gid, q in questions.items() if q.kind == "manual"})
    scores: dict[str, float | None] = {}
    for cell in (*notebook.grade_cells, *notebook.task_cells):
        q = questions.get(cell.name)
        if q is None and not ungradable:
            continue
        manual = q.kind == "manual" if q is not None else _is_manual(cell, solution_names)
        scores[cell.name] = (0.0 if cell.name in blank else None) if manual else (
            0.0 if ungradable else (q.points if q is not None else None))
    note = f"{result.status}: {result.reason}" if result.status != "graded" else None
    comment = {c.name: NO_RESPONSE if c.name in blank else note
               for c in (*notebook.solution_cells, *notebook.task_cells)}
    return _Writes(scores, comment, ungradable or bool(result.flags), blank)


def _update(submission: Any, writes: dict[str, _Writes]) -> None:
    """Write into a submission recorded before: a TA's manual score is never touched, and a
    cell with one stays pending."""
    for nb in submission.notebooks:
        w = writes[nb.notebook.name]
        for grade in nb.grades:
            if grade.name in w.scores:
                grade.auto_score = w.scores[grade.name]
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or grade.auto_score is None)
        for comment in nb.comments:
            comment.auto_comment = w.comment.get(comment.name)
        if w.flagged:
            nb.flagged = True


def _insert(db: Any, master: Any, student_id: str, timestamp: Any,
            writes: dict[str, _Writes]) -> None:
    """Insert a new submission's rows, as ``Gradebook.add_submission`` makes them, with
    their values: one submitted notebook per notebook of the assignment, and in each one
    grade per grade cell, one comment per answer cell, a comment and a grade per task cell.

    One multi-row insert per table through nbgrader's own tables (so their column
    defaults: new ids, a pending grade). The ORM's unit of work made these thirty-odd rows,
    then updated them with the values, in 15 of the 20 ms that recording a new quickstart
    submission took. ``tests/e2e/test_gradebook.py`` checks that the rows equal those of
    ``add_submission`` then :func:`_update`.
    """
    from nbgrader import api
    from sqlalchemy import insert

    submission_id = api.new_uuid()
    rows: dict[Any, list[dict[str, Any]]] = {api.SubmittedNotebook: [], api.Grade: [],
                                             api.Comment: []}
    for notebook in master.notebooks:
        w, notebook_id = writes[notebook.name], api.new_uuid()
        rows[api.SubmittedNotebook].append({"id": notebook_id, "assignment_id": submission_id,
                                            "notebook_id": notebook.id, "flagged": w.flagged})
        rows[api.Grade] += [
            {"notebook_id": notebook_id, "cell_id": cell.id,
             "auto_score": w.scores.get(cell.name),
             "needs_manual_grade": w.scores.get(cell.name) is None}
            for cell in (*notebook.grade_cells, *notebook.task_cells)]
        rows[api.Comment] += [
            {"notebook_id": notebook_id, "cell_id": cell.id,
             "auto_comment": w.comment.get(cell.name)}
            for cell in (*notebook.solution_cells, *notebook.task_cells)]
    db.execute(insert(api.SubmittedAssignment.__table__),
               [{"id": submission_id, "assignment_id": master.id, "student_id": student_id,
                 "timestamp": timestamp}])
    for table, values in rows.items():
        if values:
            db.execute(insert(table.__table__), values)


def _record(gb: Any, course: Course, result: SubmissionResult,
            assignments: dict[str, Any]) -> set[tuple[str, str]]:
    """Write one result into the open transaction (no commit); returns the (notebook,
    grade_id) of the written answers found unanswered."""
    master, submission = _existing(gb, course, result.student, result.assignment, assignments)
    writes = {nb.name: _writes(nb, course, result) for nb in master.notebooks}
    written = {(name, gid) for name, w in writes.items() for gid in w.scores}
    missing = sorted({(q.notebook or result.assignment, q.grade_id)
                      for q in result.questions} - written)
    if missing:
        raise ConfigError(f"{course.db_url}: {result.assignment!r} has no grade cells {missing} "
                          f"(the result and the gradebook disagree; rerun ensure_assignment)")
    if submission is None:
        _insert(gb.db, master, result.student,
                _timestamp(course, result.student, result.assignment), writes)
        submission = gb.find_submission(result.assignment, result.student)
    else:
        _update(submission, writes)
    record_lateness(gb, course, submission, result)  # as nbgrader's AssignLatePenalties
    return {(name, gid) for name, w in writes.items() for gid in w.blank}
