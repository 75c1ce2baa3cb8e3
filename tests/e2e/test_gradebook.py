"""Tests of graders.nbgrader_io.gradebook on a real SQLite gradebook (nbgrader's API, no mocks)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.config import Course, load_course
from graders.errors import ConfigError
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder, record
from graders.nbgrader_io.gradebook_sqlite import SqliteGradebook
from graders.nbgrader_io.scores import CellScore, grade_cells, read_scores
from graders.result import QuestionResult, SubmissionResult

REPO = Path(__file__).resolve().parents[2]
#: Every test runs with each of the recorder's stores (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("gradebook_store")
A = "ps0_tiny"


def meta(**flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
            "task": False}
    return {"nbgrader": {**base, **flags}}


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A course with one answer cell, one graded test cell, one written answer; recorded."""
    nb = new_notebook(cells=[
        new_code_cell('def solve(A, b):\n    ### BEGIN SOLUTION\n    return A\n'
                      '    ### END SOLUTION', metadata=meta(solution=True, grade_id="solve")),
        new_code_cell('assert solve is not None\n### BEGIN HIDDEN TESTS\n'
                      'check(solve, "linear_algebra.solve")\n### END HIDDEN TESTS',
                      metadata=meta(grade=True, locked=True, points=3, grade_id="test_solve")),
        new_markdown_cell("Explain.", metadata={**meta(solution=True, grade=True, points=2,
                                                        grade_id="explain"),
                                                 "mml": {"unit": "geometry"}}),
    ])
    root = tmp_path / "course"
    (root / "source" / A).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(nb, root / "source" / A / f"{A}.ipynb")
    course = load_course(root)
    ensure_assignment(course, A)
    return course


def result(student: str, points: float, status: str = "graded", reason: str = "",
           flags: list[str] | None = None) -> SubmissionResult:
    return SubmissionResult(student=student, assignment=A, status=status,  # type: ignore[arg-type]
                            reason=reason, flags=flags or [], questions=[
        QuestionResult("test_solve", "linear_algebra", 3, points, "auto",
                       checks=["linear_algebra.solve"]),
        QuestionResult("explain", "geometry", 2, None, "manual"),
    ])


def grades(course: Course, student: str) -> dict[str, Any]:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        sub = gb.find_submission(A, student)
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                for nb in sub.notebooks for g in nb.grades}


def set_manual(course: Course, student: str, grade_id: str, score: float) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade(grade_id, A, A, student)
        grade.manual_score = score
        grade.needs_manual_grade = False
        gb.db.commit()


def test_ensure_assignment_records_cells_and_is_repeatable(course: Course) -> None:
    from nbgrader.api import Gradebook

    ensure_assignment(course, A)
    with Gradebook(course.db_url, course.course_id) as gb:
        notebook = gb.find_notebook(A, A)
        assert sorted(c.name for c in notebook.grade_cells) == ["explain", "test_solve"]
        assert sorted(c.name for c in notebook.solution_cells) == ["explain", "solve"]
        assert sorted(c.name for c in notebook.source_cells) == ["explain", "solve",
                                                                 "test_solve"]
        assert len(gb.assignments) == 1


def test_ensure_assignment_generates_once_until_the_source_changes(
        course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture generated once; unchanged, nothing is generated again (stamp or, without
    one, the same graded cells in the gradebook, which then stamps it); a change of points
    generates again."""
    import graders.nbgrader_io.generate as generate

    real, calls = generate.generate_to, []

    def counting(*args: Any, **kwargs: Any) -> Path:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(generate, "generate_to", counting)
    ensure_assignment(course, A)
    (course.root / ".mml" / "generated" / f"{A}.key").unlink()
    ensure_assignment(course, A)  # no stamp, but the gradebook has the same graded cells
    assert calls == []
    stamp = course.root / ".mml" / "generated" / f"{A}.key"
    assert stamp.read_text() == generate.source_key(course, A), "stamped without generating"
    parsed = []
    monkeypatch.setattr(generate, "_graded_cells", lambda *a: parsed.append(a))
    ensure_assignment(course, A)  # the stamp holds: the source is not even parsed
    assert (calls, parsed) == ([], [])
    monkeypatch.undo()
    monkeypatch.setattr(generate, "generate_to", counting)
    path = course.source_notebook(A)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].metadata["nbgrader"]["points"] = 4
    nbformat.write(nb, path)
    ensure_assignment(course, A)
    assert calls == [A]
    ensure_assignment(course, A)  # the new stamp holds
    assert calls == [A]


def test_record_twice_updates_one_submission(course: Course) -> None:
    from nbgrader.api import Gradebook

    record(course, result("alice", 0.0))
    assert grades(course, "alice") == {"test_solve": (0.0, None, False),
                                       "explain": (None, None, True)}
    record(course, result("alice", 3.0))
    assert grades(course, "alice")["test_solve"] == (3.0, None, False)
    with Gradebook(course.db_url, course.course_id) as gb:
        assert len(gb.find_assignment(A).submissions) == 1
        assert [s.id for s in gb.students] == ["alice"]


def test_manual_score_survives_a_rerecord(course: Course) -> None:
    record(course, result("bob", 3.0))
    set_manual(course, "bob", "explain", 1.5)
    set_manual(course, "bob", "test_solve", 2.0)  # a TA overrode the autograder
    record(course, result("bob", 0.0))
    got = grades(course, "bob")
    assert got["explain"] == (None, 1.5, True)  # as SaveAutoGrades: review again
    assert got["test_solve"] == (0.0, 2.0, True)
    scores = {c.grade_id: c.score for c in read_scores(course, A)[0].cells}
    assert scores == {"test_solve": 2.0, "explain": 1.5}


def test_ungradable_is_zero_flagged_and_explained(course: Course) -> None:
    from nbgrader.api import Gradebook

    bad = SubmissionResult(student="carol", assignment=A, status="ungradable",
                           reason="notebook is not valid JSON")
    record(course, bad)
    assert grades(course, "carol") == {"test_solve": (0.0, None, False),
                                       "explain": (None, None, True)}
    with Gradebook(course.db_url, course.course_id) as gb:
        sub = gb.find_submission(A, "carol")
        assert all(nb.flagged for nb in sub.notebooks)
        comments = {c.name: c.auto_comment for nb in sub.notebooks for c in nb.comments}
        assert comments == {"solve": "ungradable: notebook is not valid JSON",
                            "explain": "ungradable: notebook is not valid JSON"}


def test_recorder_reuses_one_session_and_rolls_back_a_bad_result(course: Course) -> None:
    from nbgrader.api import Gradebook

    wrong = result("erin", 3.0)
    wrong.questions.append(QuestionResult("no_such_cell", "geometry", 1, 1.0))
    with Recorder(course) as recorder:
        recorder.record(result("dave", 3.0, flags=["edited locked cell test_solve"]))
        with pytest.raises(ConfigError, match="no_such_cell"):
            recorder.record(wrong)
        recorder.record(result("frank", 0.0))
    with Gradebook(course.db_url, course.course_id) as gb:
        assert sorted(s.id for s in gb.students) == ["dave", "frank"]
        assert gb.find_submission(A, "dave").notebooks[0].flagged
        assert not gb.find_submission(A, "frank").notebooks[0].flagged


def _rows(course: Course, student: str) -> dict[str, Any]:
    """Every column of a submission's rows but their ids, by notebook and cell."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        sub = gb.find_submission(A, student)
        nbs = sub.notebooks
        return {
            "submission": (sub.timestamp, sub.extension),
            "notebooks": sorted((nb.name, nb.flagged, nb.late_submission_penalty) for nb in nbs),
            "grades": sorted((nb.name, g.name, g.cell.type, g.auto_score, g.manual_score,
                              g.extra_credit, g.needs_manual_grade)
                             for nb in nbs for g in nb.grades),
            "comments": sorted((nb.name, c.name, c.cell.type, c.auto_comment, c.manual_comment)
                               for nb in nbs for c in nb.comments),
        }


# nbgrader's own add_submission builds its objects with autoflush on, which SQLAlchemy 2
# warns about (nbgrader/api.py); the recorder does not call it.
@pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("kind", ["graded", "flagged", "ungradable"])
def test_a_new_submission_s_rows_are_add_submission_s_with_the_recorded_values(
        course: Course, kind: str) -> None:
    """The recorder inserts a new submission's rows itself (one insert per table, not the
    ORM's unit of work): they are the rows of nbgrader's own ``Gradebook.add_submission``
    with the values that recording over those rows writes."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        gb.add_student("old")
        gb.add_submission(A, "old")  # nbgrader's own rows: the recorder updates them
    make = {"graded": lambda s: result(s, 1.5),
            "flagged": lambda s: result(s, 3.0, flags=["edited locked cell test_solve"]),
            "ungradable": lambda s: SubmissionResult(student=s, assignment=A,
                                                     status="ungradable", reason="not JSON")}
    with Recorder(course) as recorder:
        recorder.record(make[kind]("old"))
        recorder.record(make[kind]("new"))  # no rows yet: the recorder inserts them
    new = _rows(course, "new")
    assert new == _rows(course, "old")
    assert len(new["grades"]) == 2 and len(new["comments"]) == 2  # one per cell, as nbgrader


def test_record_needs_the_assignment(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    with pytest.raises(ConfigError, match="ensure_assignment"):
        record(load_course(tmp_path / "c"), result("gina", 1.0))


def test_read_scores_units_and_status(course: Course) -> None:
    record(course, result("zoe", 3.0))
    record(course, result("amy", 0.0, status="partial", reason="cell 2 timed out"))
    out = course.result_path("amy", A)
    out.parent.mkdir(parents=True)
    out.write_text(result("amy", 0.0, "partial", "cell 2 timed out").to_json())
    assert grade_cells(course, A) == [("test_solve", "linear_algebra"), ("explain", "geometry")]
    amy, zoe = read_scores(course, A)
    assert (amy.student, amy.status, amy.reason) == ("amy", "partial", "cell 2 timed out")
    assert (zoe.student, zoe.status, zoe.reason) == ("zoe", "missing", "")
    assert zoe.cells == [CellScore("test_solve", "linear_algebra", 3.0, 3.0),
                         CellScore("explain", "geometry", None, 2.0, manual=True)]
    assert (zoe.total, zoe.max_total) == (3.0, 5.0)
    assert zoe.pending == ("explain",) and amy.export_status == "partial"
    assert zoe.unit_totals() == {"linear_algebra": 3.0, "geometry": 0.0}


def test_a_batch_reads_the_assignment_s_cells_once_not_per_record(course: Course) -> None:
    """The recorder keeps what it loaded across its commits: the assignment's cells do not
    change during a batch, so only the first record reads them (then each record is a
    fifth cheaper); every submission's own rows are still written and read back."""
    statements: list[str] = []
    with Recorder(course) as recorder:
        recorder.record(result("ann", 3.0))
        store = recorder.store
        if isinstance(store, SqliteGradebook):
            store.db.set_trace_callback(statements.append)
        else:
            from sqlalchemy import event

            event.listen(store.gradebook.engine, "before_cursor_execute",
                         lambda conn, cursor, sql, *args: statements.append(sql))
        for student in ("bob", "cy", "dee"):
            recorder.record(result(student, 1.5))
    # the table each SELECT reads from (its outermost FROM: the last one in the text)
    read = {re.findall(r"\sFROM (\w+)", s)[-1] for s in statements
            if s.lstrip().startswith("SELECT") and re.search(r"\sFROM ", s)}
    assert "submitted_assignment" in read  # each student's own submission is read
    assert read.isdisjoint({"notebook", "base_cell", "source_cell"})  # the assignment's, once
    assert any(s.lstrip().startswith("INSERT") for s in statements)
    assert grades(course, "dee")["test_solve"] == (1.5, None, False)
