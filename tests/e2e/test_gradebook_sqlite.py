"""The recorder's two stores write the same rows: ``sqlite3`` and nbgrader's own API.

A SQLite gradebook that nbgrader made is recorded through ``sqlite3``
(graders/nbgrader_io/gradebook_sqlite.py); any other through nbgrader's ORM. Here one
gradebook, made by nbgrader, is copied twice and the same story is played on both copies,
one per store: new submissions of every kind, a TA's manual scores and extra credit,
a due date, an extension, resubmissions, a result the gradebook refuses. After every step,
every row of every table must be the same in both (ids of new rows aside: each row is named
by what it belongs to), stored with the same SQLite type, and the recorded results must be
equal. The late policies of both kinds run: the course's (``c.MMLGrader.late_policy``) and
nbgrader's own plugin.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.config import Course, load_course
from graders.errors import ConfigError
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder
from graders.nbgrader_io.gradebook_sqlite import (
    SCHEMA_REVISION,
    TABLES,
    SqliteGradebook,
    open_sqlite,
    sqlite_path,
)
from graders.result import QuestionResult, SubmissionResult

REPO = Path(__file__).resolve().parents[2]
A = "ps0_pair"
SECOND = "part2"
STUB = "YOUR ANSWER HERE"
POLICIES = {
    "course": 'c.MMLGrader.late_policy = "per_hour"\nc.MMLGrader.late_percent = 10\n',
    "nbgrader": 'c.LateSubmissionPlugin.penalty_method = "zero"\n',
}


def meta(**flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
            "task": False}
    return {"nbgrader": {**base, **flags}}


def write_source(root: Path) -> None:
    """Two notebooks: code, a hidden test and a written answer; a task and a test."""
    first = new_notebook(cells=[
        new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
                      metadata=meta(solution=True, grade_id="f")),
        new_code_cell("assert f(1) == 1\n### BEGIN HIDDEN TESTS\ncheck(f, 'calculus.grad')\n"
                      "### END HIDDEN TESTS",
                      metadata=meta(grade=True, locked=True, points=3, grade_id="test_f")),
        new_markdown_cell(STUB, metadata=meta(solution=True, grade=True, points=2,
                                              grade_id="derive")),
    ])
    second = new_notebook(cells=[
        new_markdown_cell("Plot the iterates.", metadata=meta(task=True, points=1.5,
                                                              grade_id="task_plot", locked=True)),
        new_code_cell("def g(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
                      metadata=meta(solution=True, grade_id="g")),
        new_code_cell("assert g(2) == 2", metadata=meta(grade=True, locked=True, points=1,
                                                         grade_id="test_g")),
    ])
    (root / "source" / A).mkdir(parents=True)
    nbformat.write(first, root / "source" / A / f"{A}.ipynb")
    nbformat.write(second, root / "source" / A / f"{SECOND}.ipynb")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course whose gradebook nbgrader made (generate_assignment), nothing recorded."""
    root = tmp_path_factory.mktemp("made") / "course"
    write_source(root)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    ensure_assignment(load_course(root), A)
    return root


def copies(made: Path, tmp_path: Path, config: str) -> tuple[Course, Course]:
    """Two copies of the made course, the given lines added to their configuration."""
    courses = []
    for name in ("sqlite", "nbgrader"):
        root = shutil.copytree(made, tmp_path / name)
        with open(root / "nbgrader_config.py", "a") as fh:
            fh.write(config)
        courses.append(load_course(root))
    return courses[0], courses[1]


def result(student: str, f: float, g: float, status: str = "graded", reason: str = "",
           flags: list[str] | None = None) -> SubmissionResult:
    return SubmissionResult(student=student, assignment=A, status=status,  # type: ignore[arg-type]
                            reason=reason, flags=flags or [], questions=[
        QuestionResult("test_f", "calculus", 3, f, "auto", notebook=A),
        QuestionResult("derive", "calculus", 2, None, "manual", notebook=A),
        QuestionResult("task_plot", "calculus", 1.5, None, "manual", notebook=SECOND),
        QuestionResult("test_g", "calculus", 1, g, "auto", notebook=SECOND),
    ])


def submit(course: Course, student: str, stamp: str | None, derive: str | None) -> None:
    """A submission's timestamp.txt and the autograded copy of its written answer."""
    folder = course.submitted_dir(A) / student / A
    folder.mkdir(parents=True, exist_ok=True)
    if stamp is not None:
        (folder / "timestamp.txt").write_text(stamp)
    if derive is not None:
        out = course.autograded_dir(student, A)
        out.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(course.root / "source" / A / f"{A}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata["nbgrader"].get("grade_id") == "derive":
                cell.source = derive
        nbformat.write(nb, out / f"{A}.ipynb")


#: Each table's rows, every column, a new row named by what it belongs to (not by its id);
#: ``quote`` keeps SQLite's storage type (1 and 1.0 differ).
DUMP = {
    "student": "SELECT quote(id), quote(first_name), quote(last_name), quote(email), "
               "quote(lms_user_id) FROM student",
    "submitted_assignment": "SELECT a.name, quote(s.student_id), quote(s.timestamp), "
                            "quote(s.extension) FROM submitted_assignment s "
                            "JOIN assignment a ON a.id = s.assignment_id",
    "submitted_notebook": "SELECT s.student_id, n.name, quote(sn.flagged), "
                          "quote(sn.late_submission_penalty) FROM submitted_notebook sn "
                          "JOIN submitted_assignment s ON s.id = sn.assignment_id "
                          "JOIN notebook n ON n.id = sn.notebook_id",
    "grade": "SELECT s.student_id, n.name, b.name, b.type, quote(g.auto_score), "
             "quote(g.manual_score), quote(g.extra_credit), quote(g.needs_manual_grade) "
             "FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id "
             "JOIN submitted_assignment s ON s.id = sn.assignment_id "
             "JOIN notebook n ON n.id = sn.notebook_id JOIN base_cell b ON b.id = g.cell_id",
    "comment": "SELECT s.student_id, n.name, b.name, b.type, quote(c.auto_comment), "
               "quote(c.manual_comment) FROM comment c "
               "JOIN submitted_notebook sn ON sn.id = c.notebook_id "
               "JOIN submitted_assignment s ON s.id = sn.assignment_id "
               "JOIN notebook n ON n.id = sn.notebook_id JOIN base_cell b ON b.id = c.cell_id",
}


def dump(course: Course) -> dict[str, Any]:
    """Every row of every table of the course's gradebook."""
    path = sqlite_path(course.db_url)
    assert path is not None
    with sqlite3.connect(path) as db:
        tables = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master "
                                                 "WHERE type = 'table'"))
        found: dict[str, Any] = {"tables": tables}
        for table in tables:
            found[f"{table} rows"] = db.execute(f"SELECT count(*) FROM {table}").fetchone()
            query = DUMP.get(table, f"SELECT * FROM {table}")  # the rest: ids made by nbgrader
            found[table] = sorted(map(tuple, db.execute(query)), key=repr)
    db.close()
    return found


def nbgrader_api(course: Course, change: Callable[[Any], None]) -> None:
    """Change the gradebook through nbgrader's API, as formgrader or ``nbgrader db`` would."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        change(gb)
        gb.db.commit()


def ta_scores(gb: Any) -> None:
    gb.find_grade("derive", A, A, "ann").manual_score = 1.5
    gb.find_grade("derive", A, A, "ann").extra_credit = 0.25
    gb.find_grade("test_f", A, A, "bob").extra_credit = 0.5
    task = next(g for g in gb.find_submission_notebook(SECOND, A, "ann").grades
                if g.name == "task_plot")  # find_grade finds grade cells only
    task.manual_score = 1.0
    gb.find_comment("derive", A, A, "ann").manual_comment = "Good."


def due_dates(gb: Any) -> None:
    gb.update_or_create_assignment(A, duedate=datetime(2026, 3, 1, 17, 0))
    gb.find_submission(A, "bob").extension = timedelta(hours=2)


def old_submission(gb: Any) -> None:
    """nbgrader's own rows for a submission (``add_submission``), before any recording."""
    gb.add_student("old", first_name="Olga")
    gb.add_submission(A, "old")


def story(course: Course) -> list[Any]:
    """Steps played on one copy; each gives what to compare between the copies."""
    def record(*results: SubmissionResult) -> Callable[[], Any]:
        def step() -> Any:
            with Recorder(course) as recorder:
                return [recorder.record(r) for r in results]
        return step

    def refused() -> Any:
        wrong = result("ann", 0.0, 0.0)
        wrong.questions.append(QuestionResult("no_such_cell", "calculus", 1, 1.0))
        with Recorder(course) as recorder, pytest.raises(ConfigError) as caught:
            recorder.record(wrong)
        return str(caught.value).replace(str(course.root), "ROOT")

    def resubmit() -> None:
        submit(course, "ann", "2026-03-01 18:30:00.000000 UTC", "Now with the Jacobian.")
        submit(course, "carl", "2026-03-02 09:00:00 +0100", None)

    first = record(result("ann", 3.0, 1.0), result("bob", 1.5, 0.0, flags=["edited test_f"]),
                   result("carl", 0.0, 0.0, "ungradable", "notebook is not valid JSON"),
                   result("dee", 3.0, 0.0, "partial", "cell 4 timed out"),
                   result("eve", 0.0, 1.0))
    again = record(*(result(s, 3.0, 1.0) for s in ("ann", "bob", "carl", "dee", "eve", "old")))
    return [
        lambda: [submit(course, "ann", "2026-03-01 17:50:00.000000 UTC", "By the chain rule."),
                 submit(course, "bob", "2026-03-01 18:10:00.000000 UTC", STUB),
                 submit(course, "eve", None, "  ")],
        first,
        lambda: nbgrader_api(course, ta_scores),
        lambda: nbgrader_api(course, old_submission),
        again,  # updates; no due date yet
        lambda: nbgrader_api(course, due_dates),
        again,  # late: ann 50 min, bob 10 min within his extension
        resubmit,
        again,  # a resubmission moves ann's time; carl's has a zone
        record(result("dee", 3.0, 1.0, flags=["edited test_g"])),  # flagged on an update
        refused,  # rolled back: nothing changes
        lambda: submit(course, "fay", "2026-03-01 19:00:00.000000 UTC", "Answered."),
        record(result("fay", 3.0, 1.0)),  # a new student, late, after a due date is set
    ]


# nbgrader's own add_submission builds its objects with autoflush on, which SQLAlchemy 2
# warns about (nbgrader/api.py); the recorder does not call it.
@pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_both_stores_write_the_same_rows_at_every_step(made: Path, tmp_path: Path,
                                                       policy: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fast, orm = copies(made, tmp_path, POLICIES[policy])
    with Recorder(fast) as recorder:
        assert isinstance(recorder.store, SqliteGradebook)
    with Recorder(orm, sqlite=False) as recorder:
        assert not isinstance(recorder.store, SqliteGradebook)
    steps = story(fast), story(orm)
    import graders.nbgrader_io.gradebook as gradebook

    for number, (on_fast, on_orm) in enumerate(zip(*steps, strict=True)):
        got_fast = on_fast()
        with monkeypatch.context() as m:  # the second copy through nbgrader's API
            m.setattr(gradebook, "open_sqlite", lambda course: None)
            got_orm = on_orm()
        assert got_fast == got_orm, f"step {number}"
        assert dump(fast) == dump(orm), f"step {number}"
    rows = dump(fast)
    late = {r[0]: r[3] for r in rows["submitted_notebook"] if r[1] == A}
    assert late["bob"] == "NULL"  # on time with his extension
    assert late["ann"] != "NULL" and late["fay"] != "NULL"  # late: penalised
    assert {r[0]: r[2] for r in rows["submitted_notebook"] if r[1] == SECOND}["dee"] == "1"
    comments = {(r[0], r[2]): r[4] for r in rows["comment"]}
    assert comments[("bob", "derive")] == "'No response.'"  # the stub, untouched


def test_the_schema_revision_is_nbgrader_s_head() -> None:
    """A gradebook of another nbgrader schema goes through nbgrader's API: the revision the
    sqlite3 store knows must be the one nbgrader (as installed) makes."""
    from alembic.script import ScriptDirectory
    from nbgrader import api

    versions = Path(api.__file__).parent / "alembic"
    assert ScriptDirectory(str(versions)).get_current_head() == SCHEMA_REVISION


def test_other_gradebooks_go_through_nbgrader_s_api(made: Path, tmp_path: Path) -> None:
    """Only a SQLite file of nbgrader's schema with the course's row is opened directly."""
    course = load_course(shutil.copytree(made, tmp_path / "c"))
    db = sqlite_path(course.db_url)
    store = open_sqlite(course)
    assert db is not None and store is not None
    store.close()
    assert sqlite_path("postgresql://host/grades") is None
    assert sqlite_path("sqlite://") is None and sqlite_path("sqlite:///:memory:") is None
    other = shutil.copytree(made, tmp_path / "other")
    with open(other / "nbgrader_config.py", "a") as fh:
        fh.write(f'c.CourseDirectory.db_url = "sqlite:///{tmp_path}/none.db"\n')
    assert open_sqlite(load_course(other)) is None  # not made yet: nbgrader's API makes it
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'other'")
    conn.close()
    assert open_sqlite(course) is None
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (SCHEMA_REVISION,))
        conn.execute("DELETE FROM course")
    conn.close()
    assert open_sqlite(course) is None  # nbgrader's Gradebook adds the course's row
    with Recorder(course) as recorder:
        assert not isinstance(recorder.store, SqliteGradebook)
    with Recorder(course) as recorder:
        assert isinstance(recorder.store, SqliteGradebook)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE task_cells")
    conn.close()
    assert open_sqlite(course) is None
    assert "task_cells" in TABLES


def test_a_regrade_s_recording_imports_no_sqlalchemy(made: Path, tmp_path: Path) -> None:
    """The point of the sqlite3 store: recording into a made gradebook, in a fresh process,
    imports neither SQLAlchemy nor nbgrader's ORM."""
    course = load_course(shutil.copytree(made, tmp_path / "c"))
    code = (
        "import sys\n"
        "from graders.config import load_course\n"
        "from graders.nbgrader_io.generate import ensure_assignment\n"
        "from graders.nbgrader_io.gradebook import Recorder\n"
        "from graders.result import QuestionResult, SubmissionResult\n"
        f"course = load_course({str(course.root)!r})\n"
        "with Recorder(course) as recorder:\n"
        f"    ensure_assignment(course, {A!r}, gradebook=recorder)\n"
        f"    recorder.record(SubmissionResult(student='zed', assignment={A!r}, "
        f"status='graded', questions=[QuestionResult('test_f', 'calculus', 3, 3.0, "
        f"notebook={A!r})]))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'alembic') or m == 'nbgrader.api'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"
    rows = dump(course)
    assert ("'zed'", "NULL", "NULL", "NULL", "NULL") in rows["student"]
    assert ("zed", A, "test_f", "GradeCell", "3.0", "NULL", "NULL", "0") in rows["grade"]


def test_a_gradebook_another_program_holds_is_an_error_naming_it(
        made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that cannot take the write lock (formgrader saving, past the wait) fails with
    the file and the fix, and writes nothing; the next record, once the lock is free, works."""
    import graders.nbgrader_io.gradebook_sqlite as store

    monkeypatch.setattr(store, "BUSY_SECONDS", 0.2)  # not the default's five seconds
    course = load_course(shutil.copytree(made, tmp_path / "c"))
    db = sqlite_path(course.db_url)
    assert db is not None
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing (readers may read)
    with Recorder(course) as recorder:
        assert isinstance(recorder.store, SqliteGradebook)
        with pytest.raises(ConfigError, match=r"gradebook\.db: the gradebook cannot be "
                                              r"written \(database is locked\); if another"):
            recorder.record(result("ann", 3.0, 1.0))
        holder.execute("ROLLBACK")
        holder.close()
        recorder.record(result("bob", 3.0, 1.0))
    students = [r[0] for r in dump(course)["student"]]
    assert students == ["'bob'"]
