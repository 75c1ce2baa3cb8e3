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
from dataclasses import replace
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
            unanswered = _record(self._gb, self.course, result)
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


def _unanswered(gb_notebook: Any, course: Course, result: SubmissionResult,
                manual: set[str]) -> set[str]:
    """The written answers of one notebook left as released (or emptied): nbgrader's rule.

    Only answer cells (nbgrader's solution cells) qualify: a manually graded *task* cell is
    the instructor's locked prompt, always as released, whose answer lies in other cells;
    nbgrader leaves it pending, and so does this.
    """
    if not manual or result.status == "ungradable":  # no fresh autograded notebook then
        return set()
    answers = _answers(course, result, gb_notebook.notebook.name)
    released = {c.name: _norm(str(c.source or "")) for c in gb_notebook.notebook.source_cells}
    solutions = {c.name for c in gb_notebook.notebook.solution_cells}
    return {name for name in manual & solutions if name in answers
            and _norm(answers[name]) in ("", released.get(name, ""))}


def _record(gb: Any, course: Course, result: SubmissionResult) -> set[tuple[str, str]]:
    """Write one result into the open transaction (no commit); returns the (notebook,
    grade_id) of the written answers found unanswered."""
    submission = _submission(gb, course, result.student, result.assignment)
    questions = {(q.notebook or result.assignment, q.grade_id): q for q in result.questions}
    ungradable = result.status == "ungradable"
    seen: set[tuple[str, str]] = set()
    unanswered: set[tuple[str, str]] = set()
    for nb in submission.notebooks:
        solution_names = {c.name for c in nb.notebook.solution_cells}
        blank = _unanswered(nb, course, result, {gid for (name, gid), q in questions.items()
                                                 if name == nb.notebook.name
                                                 and q.kind == "manual"})
        unanswered |= {(nb.notebook.name, gid) for gid in blank}
        for grade in nb.grades:
            key = (nb.notebook.name, grade.name)
            q = questions.get(key)
            if q is None and not ungradable:
                continue
            seen.add(key)
            manual = q.kind == "manual" if q is not None else _is_manual(grade, solution_names)
            auto: float | None = (0.0 if grade.name in blank else None) if manual else (
                0.0 if ungradable else (q.points if q is not None else None))
            grade.auto_score = auto
            grade.needs_manual_grade = grade.manual_score is not None or auto is None
        note = f"{result.status}: {result.reason}" if result.status != "graded" else None
        for comment in nb.comments:
            comment.auto_comment = NO_RESPONSE if comment.name in blank else note
        if ungradable or result.flags:
            nb.flagged = True
    missing = sorted(set(questions) - seen)
    if missing:
        raise ConfigError(f"{course.db_url}: {result.assignment!r} has no grade cells {missing} "
                          f"(the result and the gradebook disagree; rerun ensure_assignment)")
    record_lateness(gb, course, submission, result)  # as nbgrader's AssignLatePenalties
    return unanswered
