"""What one result writes into nbgrader's gradebook: decided once, for both of its writers.

The recorder (:mod:`graders.nbgrader_io.gradebook`) writes a gradebook through nbgrader's
own API, or, when it is a SQLite file of nbgrader's schema, through the standard library's
``sqlite3`` (:mod:`graders.nbgrader_io.gradebook_sqlite`). Everything that decides *what*
is written lives here, so that the two differ only in how rows are read and written:

* :func:`notebook_writes`: the auto score and comment of each cell of a submitted notebook,
  and whether it is flagged (nbgrader's ``SaveAutoGrades``);
* :func:`graded`: the values of one existing grade row once written (a TA's manual score
  is never touched, and a cell with one stays pending);
* :func:`new_rows`: a new submission's rows, as ``Gradebook.add_submission`` makes them,
  with their values.

A notebook here is anything with nbgrader's ``Notebook`` attributes (``name``, ``id``,
``grade_cells``, ``task_cells``, ``solution_cells``, ``source_cells``; cells with ``id``,
``name``, ``type`` and, for source cells, ``source``): nbgrader's ORM object or
:class:`NotebookCells`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import uuid4

from graders.config import Course
from graders.errors import ConfigError
from graders.result import SubmissionResult

__all__ = ["NO_RESPONSE", "Cell", "NotebookCells", "Writes", "as_recorded", "check_written",
           "graded", "graded_cells", "graded_cells_in", "new_rows", "not_recorded",
           "notebook_writes"]

#: nbgrader's comment on an answer left as released (``SaveAutoGrades._add_comment``).
NO_RESPONSE = "No response."
#: An autograded notebook larger than this is not read for unanswered written answers.
_MAX_AUTOGRADED_BYTES = 64 << 20


@dataclass(frozen=True)
class Cell:
    """One cell row of nbgrader's gradebook (``base_cell`` with its kind's table).

    Attributes:
        id: the row's id.
        name: the cell's grade_id.
        type: nbgrader's kind, "GradeCell", "SolutionCell" or "TaskCell" ("SourceCell" for
            a released copy).
        max_score: the points of a grade or task cell (0 for the others).
        source: the released text of a source cell ("" for the others).
    """

    id: str
    name: str
    type: str
    max_score: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class NotebookCells:
    """One notebook of an assignment in the gradebook, with its cells by kind."""

    id: str
    name: str
    grade_cells: tuple[Cell, ...]
    solution_cells: tuple[Cell, ...]
    task_cells: tuple[Cell, ...]
    source_cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Writes:
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


def graded_cells(notebooks: Any) -> set[tuple[str, str, float]]:
    """(notebook, grade_id, points) of the graded cells (grade and task cells) of an
    assignment's ``notebooks``: what grading records, for ``ensure_assignment``."""
    return {(nb.name, cell.name, float(cell.max_score))
            for nb in notebooks for cell in (*nb.grade_cells, *nb.task_cells)}


def graded_cells_in(gb: Any, assignment: str) -> set[tuple[str, str, float]] | None:
    """:func:`graded_cells` of ``assignment`` in nbgrader's open ``Gradebook`` ``gb``, or
    None when the gradebook does not have the assignment."""
    from nbgrader import api  # lazy: slow import, and the sqlite3 store has no need of it

    try:
        found = gb.find_assignment(assignment)
    except api.MissingEntry:
        return None
    return graded_cells(found.notebooks)


def not_recorded(course: Course, assignment: str) -> ConfigError:
    """The error of an assignment that the gradebook does not have yet."""
    return ConfigError(f"{course.db_url}: assignment {assignment!r} is not in the gradebook; "
                       f"run ensure_assignment (mml release) first")


def check_written(course: Course, result: SubmissionResult,
                  writes: dict[str, Writes]) -> None:
    """Raise ConfigError unless ``writes`` covers every question of ``result`` (a result
    and a gradebook that disagree write nothing)."""
    written = {(name, gid) for name, w in writes.items() for gid in w.scores}
    missing = sorted({(q.notebook or result.assignment, q.grade_id)
                      for q in result.questions} - written)
    if missing:
        raise ConfigError(f"{course.db_url}: {result.assignment!r} has no grade cells {missing} "
                          f"(the result and the gradebook disagree; rerun ensure_assignment)")


def graded(writes: Writes, name: str, auto_score: float | None,
           manual_score: float | None) -> tuple[float | None, bool]:
    """The (auto_score, needs_manual_grade) of an existing grade of cell ``name`` once
    ``writes`` is recorded: its auto score is written if the result names the cell, and it
    stays pending while it has a manual score or no auto score."""
    if name in writes.scores:
        auto_score = writes.scores[name]
    return auto_score, manual_score is not None or auto_score is None


def _is_manual(cell: Any, solution_names: set[str]) -> bool:
    """A cell graded by hand: a task cell, or a grade cell that is also an answer cell."""
    return cell.type == "TaskCell" or cell.name in solution_names


def as_recorded(result: SubmissionResult, unanswered: set[tuple[str, str]]) -> SubmissionResult:
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


def notebook_writes(notebook: Any, course: Course, result: SubmissionResult) -> Writes:
    """What ``result`` writes into the submitted copy of ``notebook`` (the assignment's
    notebook in the gradebook, with its cells), new or recorded before alike."""
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
    return Writes(scores, comment, ungradable or bool(result.flags), blank)


def new_rows(notebooks: Any, assignment_id: str, student_id: str, timestamp: datetime | None,
             writes: dict[str, Writes]) -> dict[str, list[dict[str, Any]]]:
    """A new submission's rows by table, as ``Gradebook.add_submission`` makes them, with
    their values: one submitted notebook per notebook of the assignment, and in each one
    grade per grade cell, one comment per answer cell, a comment and a grade per task cell.

    New ids are nbgrader's (``nbgrader.api.new_uuid``: ``uuid4().hex``); a column not given
    takes its table's default (no manual score, no extra credit, no late penalty).
    """
    submission_id = uuid4().hex
    rows: dict[str, list[dict[str, Any]]] = {
        "submitted_assignment": [{"id": submission_id, "assignment_id": assignment_id,
                                  "student_id": student_id, "timestamp": timestamp}],
        "submitted_notebook": [], "grade": [], "comment": []}
    for notebook in notebooks:
        w, notebook_id = writes[notebook.name], uuid4().hex
        rows["submitted_notebook"].append({"id": notebook_id, "assignment_id": submission_id,
                                           "notebook_id": notebook.id, "flagged": w.flagged})
        rows["grade"] += [
            {"id": uuid4().hex, "notebook_id": notebook_id, "cell_id": cell.id,
             "auto_score": w.scores.get(cell.name),
             "needs_manual_grade": w.scores.get(cell.name) is None}
            for cell in (*notebook.grade_cells, *notebook.task_cells)]
        rows["comment"] += [
            {"id": uuid4().hex, "notebook_id": notebook_id, "cell_id": cell.id,
             "auto_comment": w.comment.get(cell.name)}
            for cell in (*notebook.solution_cells, *notebook.task_cells)]
    return rows
