"""nbgrader's gradebook recorded through the standard library's ``sqlite3``, not SQLAlchemy.

Opening nbgrader's :class:`~nbgrader.api.Gradebook` imports SQLAlchemy and nbgrader's ORM
and configures its mappers: about 0.4 s of CPU, a fifth of all the CPU that a one-student
regrade (``mml grade --student ID --force``) spends on two cores, where the worker and the
sandbox start at the same time. Recording itself is a handful of rows. So when the gradebook
is a SQLite file that nbgrader made (its tables, and the schema revision of the nbgrader this
grader pins, :data:`SCHEMA_REVISION`) and already has the course, :func:`open_sqlite` opens
it with ``sqlite3`` and :class:`SqliteGradebook` reads and writes those rows directly.
Anything else (another database, a gradebook not made yet, another schema, a course not yet
in it) is left to nbgrader's own API, which creates what is missing.

*What* is written is decided by the functions the ORM writer uses too
(:mod:`graders.nbgrader_io.writes` and :mod:`graders.nbgrader_io.deadline`); only reading
and writing rows is done here, with the values as SQLAlchemy stores them in SQLite (times as
``YYYY-MM-DD HH:MM:SS.ffffff``, an extension as that time after the epoch, booleans as 0
and 1). ``tests/e2e/test_gradebook_sqlite.py`` records the same results through both into
copies of one gradebook and compares every row of every table.

Each record is one transaction (``BEGIN IMMEDIATE``: it waits, like nbgrader's, up to
:data:`BUSY_SECONDS` for a formgrader that is writing), committed, or rolled back if
anything fails; a gradebook that cannot be written is a ConfigError that names the file.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.deadline import (
    apply_lateness,
    notebook_penalties,
    seconds_late,
    submission_time,
)
from graders.nbgrader_io.writes import (
    Cell,
    NotebookCells,
    check_written,
    graded,
    graded_cells,
    new_rows,
    not_recorded,
    notebook_writes,
)
from graders.result import SubmissionResult

__all__ = ["SCHEMA_REVISION", "SqliteGradebook", "open_sqlite"]

#: The alembic revision of nbgrader 0.9.6's gradebook (``nbgrader/alembic/versions``);
#: ``tests/e2e/test_gradebook_sqlite.py`` checks that it is nbgrader's head.
SCHEMA_REVISION = "e43177bfe90b"
#: nbgrader's tables (``Base.metadata``), all of which a gradebook made by it has.
TABLES = frozenset({"alembic_version", "assignment", "base_cell", "comment", "course",
                    "grade", "grade_cells", "notebook", "solution_cells", "source_cell",
                    "student", "submitted_assignment", "submitted_notebook", "task_cells"})
#: How long a record waits for another writer's lock (SQLAlchemy's and sqlite3's default).
BUSY_SECONDS = 5.0
#: SQLAlchemy's ``Interval`` on SQLite: a duration stored as the time that long after this.
_EPOCH = datetime(1970, 1, 1)
#: A score as nbgrader's ``Grade.score`` computes it: the manual score if any, else the auto
#: score, plus extra credit; summed per notebook (``SubmittedNotebook.score``).
_NOTEBOOK_SCORES = """
    SELECT sn.id, COALESCE(SUM(CASE
        WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0.0)
        WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0.0)
        ELSE 0.0 END), 0.0)
    FROM submitted_notebook sn LEFT JOIN grade g ON g.notebook_id = sn.id
    WHERE sn.assignment_id = ? GROUP BY sn.id"""


def sqlite_path(db_url: str) -> Path | None:
    """The file of a ``sqlite:///PATH`` gradebook URL (None for any other URL)."""
    if not db_url.startswith("sqlite:///") or "?" in db_url:
        return None
    path = db_url.removeprefix("sqlite:///")
    return Path(path) if path and path != ":memory:" else None


def open_sqlite(course: Course) -> SqliteGradebook | None:
    """The course's gradebook opened with ``sqlite3``, or None when nbgrader's own API must
    open it: not a SQLite file that exists, not nbgrader's tables at :data:`SCHEMA_REVISION`,
    or without the course's row (nbgrader's ``Gradebook`` adds it)."""
    path = sqlite_path(course.db_url)
    if path is None or not path.is_file():
        return None
    try:
        # isolation_level None: the transactions are this module's own (BEGIN ... COMMIT)
        db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        if _is_nbgrader_s(db, course.course_id):
            return SqliteGradebook(course, db)
    except sqlite3.Error:
        pass
    db.close()
    return None


def _is_nbgrader_s(db: sqlite3.Connection, course_id: str) -> bool:
    """``db`` has nbgrader's tables at :data:`SCHEMA_REVISION` and the course's row."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    revisions = [r[0] for r in db.execute("SELECT version_num FROM alembic_version")]
    return tables >= TABLES and revisions == [SCHEMA_REVISION] and db.execute(
        "SELECT 1 FROM course WHERE id = ?", (course_id,)).fetchone() is not None


def _time(value: str | None) -> datetime | None:
    """A time as SQLAlchemy's ``DateTime`` stores it in SQLite."""
    return None if value is None else datetime.fromisoformat(value)


def _stored(moment: datetime | None) -> str | None:
    """A time as SQLAlchemy's ``DateTime`` stores it in SQLite (always with microseconds)."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class SqliteGradebook:
    """An open SQLite gradebook of nbgrader's schema, recording results row by row.

    The assignments' notebooks and cells are read once per gradebook (they do not change
    during a batch: ``ensure_assignment`` runs first), each submission's rows at its record.
    """

    def __init__(self, course: Course, db: sqlite3.Connection) -> None:
        self.course = course
        self.db = db
        self._assignments: dict[str, tuple[str, datetime | None, tuple[NotebookCells, ...]]] = {}

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def graded_cells(self, assignment: str) -> set[tuple[str, str, float]] | None:
        """(notebook, grade_id, points) of the assignment's graded cells, or None when the
        gradebook does not have it (read afresh: generation may have just changed them)."""
        found = self._read_assignment(assignment)
        return None if found is None else graded_cells(found[2])

    def record(self, result: SubmissionResult) -> set[tuple[str, str]]:
        """Record ``result`` in one transaction; returns the (notebook, grade_id) of the
        written answers found unanswered."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from exc
        try:
            unanswered = self._record(result)
            self.db.execute("COMMIT")
        except BaseException as exc:
            self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._unwritable(exc) from exc
            raise
        return unanswered

    def _unwritable(self, exc: sqlite3.Error) -> ConfigError:
        """The error of a gradebook that cannot be written, naming the file and the fix."""
        path = sqlite_path(self.course.db_url)
        return ConfigError(f"{path}: the gradebook cannot be written ({exc}); if another "
                           f"program holds it (formgrader saving a score), run the command "
                           f"again; otherwise check that the file and its folder are writable")

    def _assignment(self, name: str) -> tuple[str, datetime | None, tuple[NotebookCells, ...]]:
        """The assignment's id, due date and notebooks (read once), or a ConfigError."""
        if name not in self._assignments:
            found = self._read_assignment(name)
            if found is None:
                raise not_recorded(self.course, name)
            self._assignments[name] = found
        return self._assignments[name]

    def _read_assignment(self, name: str) -> tuple[str, datetime | None,
                                                   tuple[NotebookCells, ...]] | None:
        row = self.db.execute("SELECT id, duedate FROM assignment WHERE name = ?",
                              (name,)).fetchone()
        if row is None:
            return None
        notebooks = self.db.execute("SELECT id, name FROM notebook WHERE assignment_id = ? "
                                    "ORDER BY name", (row[0],)).fetchall()
        return row[0], _time(row[1]), tuple(self._notebook(*nb) for nb in notebooks)

    def _notebook(self, notebook_id: str, name: str) -> NotebookCells:
        """One notebook's cells by kind, in nbgrader's order (the rows' order)."""
        cells = [Cell(i, n, t, float(g if g is not None else k if k is not None else 0.0))
                 for i, n, t, g, k in self.db.execute(
                     "SELECT b.id, b.name, b.type, g.max_score, t.max_score FROM base_cell b "
                     "LEFT JOIN grade_cells g ON g.id = b.id LEFT JOIN task_cells t "
                     "ON t.id = b.id WHERE b.notebook_id = ? ORDER BY b.rowid", (notebook_id,))]
        sources = tuple(Cell(i, n, "SourceCell", source=s or "") for i, n, s in self.db.execute(
            "SELECT id, name, source FROM source_cell WHERE notebook_id = ? ORDER BY rowid",
            (notebook_id,)))
        kinds = {kind: tuple(c for c in cells if c.type == kind)
                 for kind in ("GradeCell", "SolutionCell", "TaskCell")}
        return NotebookCells(notebook_id, name, kinds["GradeCell"], kinds["SolutionCell"],
                             kinds["TaskCell"], sources)

    def _record(self, result: SubmissionResult) -> set[tuple[str, str]]:
        """Write one result into the open transaction."""
        assignment_id, duedate, notebooks = self._assignment(result.assignment)
        writes = {nb.name: notebook_writes(nb, self.course, result) for nb in notebooks}
        check_written(self.course, result, writes)
        stamp = submission_time(self.course, result)
        row = self.db.execute("SELECT id, timestamp, extension FROM submitted_assignment "
                              "WHERE assignment_id = ? AND student_id = ?",
                              (assignment_id, result.student)).fetchone()
        if row is None:
            submission, extension = self._insert(notebooks, assignment_id, result.student,
                                                 stamp, writes), None
        else:
            submission, extension = row[0], _time(row[2])
            self._update(submission, notebooks, writes)
            if stamp is not None:  # a resubmission moves it
                self.db.execute("UPDATE submitted_assignment SET timestamp = ? WHERE id = ?",
                                (_stored(stamp), submission))
            else:
                stamp = _time(row[1])
        self._lateness(result, submission, stamp, duedate, extension)
        return {(name, gid) for name, w in writes.items() for gid in w.blank}

    def _insert(self, notebooks: tuple[NotebookCells, ...], assignment_id: str, student: str,
                stamp: datetime | None, writes: dict[str, Any]) -> str:
        """Insert a new submission's rows (and its student's, if new); returns its id."""
        self.db.execute("INSERT OR IGNORE INTO student (id) VALUES (?)", (student,))
        rows = new_rows(notebooks, assignment_id, student, stamp, writes)
        for table, values in rows.items():
            if values:
                columns = list(values[0])
                self.db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    [[_stored(v) if isinstance(v, datetime) else v for v in row.values()]
                     for row in values])
        return str(rows["submitted_assignment"][0]["id"])

    def _update(self, submission: str, notebooks: tuple[NotebookCells, ...],
                writes: dict[str, Any]) -> None:
        """Write into a submission recorded before (see :func:`~graders.nbgrader_io.writes.
        graded`); a flag is raised, never lowered."""
        names = {nb.id: nb.name for nb in notebooks}
        cells = {c.id: c.name for nb in notebooks for c in (*nb.grade_cells, *nb.task_cells,
                                                           *nb.solution_cells)}
        # each submitted notebook's writes, by the submitted notebook's id
        into = {sn: writes[names[nb]] for sn, nb in self.db.execute(
            "SELECT id, notebook_id FROM submitted_notebook WHERE assignment_id = ?",
            (submission,))}
        grades = self.db.execute(
            "SELECT g.id, g.notebook_id, g.cell_id, g.auto_score, g.manual_score FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id WHERE sn.assignment_id = ?",
            (submission,)).fetchall()
        self.db.executemany(
            "UPDATE grade SET auto_score = ?, needs_manual_grade = ? WHERE id = ?",
            [(*graded(into[sn], cells[cell], auto, manual), grade)
             for grade, sn, cell, auto, manual in grades if cells[cell] in into[sn].scores])
        comments = self.db.execute(
            "SELECT c.id, c.notebook_id, c.cell_id FROM comment c JOIN submitted_notebook sn "
            "ON c.notebook_id = sn.id WHERE sn.assignment_id = ?", (submission,)).fetchall()
        self.db.executemany("UPDATE comment SET auto_comment = ? WHERE id = ?",
                            [(into[sn].comment.get(cells[cell]), comment)
                             for comment, sn, cell in comments])
        self.db.executemany("UPDATE submitted_notebook SET flagged = 1 WHERE id = ?",
                            [(sn,) for sn, w in into.items() if w.flagged])

    def _lateness(self, result: SubmissionResult, submission: str, stamp: datetime | None,
                  duedate: datetime | None, extension: datetime | None) -> None:
        """Each submitted notebook's late penalty (nbgrader's AssignLatePenalties)."""
        due = None if duedate is None else (
            duedate if extension is None else duedate + (extension - _EPOCH))
        late = seconds_late(stamp, due)
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM submitted_notebook WHERE assignment_id = ?", (submission,))]

        def scores() -> list[float]:
            found = dict(self.db.execute(_NOTEBOOK_SCORES, (submission,)).fetchall())
            return [float(found[i]) for i in ids]

        penalties, words = notebook_penalties(self.course, result.student, late, len(ids),
                                              scores)
        self.db.executemany("UPDATE submitted_notebook SET late_submission_penalty = ? "
                            "WHERE id = ?", list(zip(penalties, ids, strict=True)))
        apply_lateness(result, stamp, due, late, penalties, words)
