"""Tests of graders.nbgrader_io.export: CSV read from a real nbgrader gradebook."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.config import Course, load_course
from graders.nbgrader_io.export import export_csv, format_number, spreadsheet_safe
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder
from graders.result import QuestionResult, SubmissionResult

REPO = Path(__file__).resolve().parents[2]
#: Every test runs with each of the recorder's stores (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("gradebook_store")
A = "ps0_tiny"


def meta(**flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
            "task": False}
    return {"nbgrader": {**base, **flags}}


def hidden_test_cell(grade_id: str, check_id: str, points: int) -> Any:
    return new_code_cell(f"assert True\n### BEGIN HIDDEN TESTS\ncheck(f, {check_id!r})\n"
                         f"### END HIDDEN TESTS",
                         metadata=meta(grade=True, locked=True, points=points,
                                       grade_id=grade_id))


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """Units by check name (calculus), by metadata (geometry), by default (linear_algebra)."""
    nb = new_notebook(cells=[
        new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
                      metadata=meta(solution=True, grade_id="f")),
        hidden_test_cell("test_grad", "calculus.grad", 2),
        hidden_test_cell("test_solve", "linear_algebra.solve", 3),
        new_markdown_cell("A derivation.", metadata={
            **meta(solution=True, grade=True, points=2, grade_id="derive"),
            "mml": {"unit": "geometry"}}),
        new_markdown_cell("Another.", metadata=meta(solution=True, grade=True, points=1.5,
                                                    grade_id="remark")),
    ])
    root = tmp_path / "course"
    (root / "source" / A).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(nb, root / "source" / A / f"{A}.ipynb")
    course = load_course(root, units={A: "linear_algebra"})
    ensure_assignment(course, A)
    return course


def result(student: str, grad: float, solve: float, status: str = "graded") -> SubmissionResult:
    return SubmissionResult(student=student, assignment=A, status=status,  # type: ignore[arg-type]
                            questions=[
        QuestionResult("test_grad", "calculus", 2, grad),
        QuestionResult("test_solve", "linear_algebra", 3, solve),
        QuestionResult("derive", "geometry", 2, None, "manual"),
        QuestionResult("remark", "linear_algebra", 1.5, None, "manual"),
    ])


def write_result(course: Course, res: SubmissionResult) -> None:
    out = course.result_path(res.student, A)
    out.parent.mkdir(parents=True)
    out.write_text(res.to_json())


HEADER = ("student_id,status,total,max_total,linear_algebra,geometry,calculus,"
          "test_grad,test_solve,derive,remark,pending,flags")


def test_csv_columns_and_values(course: Course) -> None:
    with Recorder(course) as recorder:
        for res in (result("s2", 2.0, 0.0), result("s1", 1.5, 3.0)):
            recorder.record(res)
    write_result(course, result("s1", 1.5, 3.0))
    assert export_csv(course, A).splitlines() == [
        HEADER,
        "s1,pending-manual,4.5,8.5,3,0,1.5,1.5,3,,,derive; remark,",
        "s2,missing,2,8.5,0,0,2,2,0,,,derive; remark,",
    ]


def test_manual_scores_from_formgrader_appear(course: Course) -> None:
    from nbgrader.api import Gradebook

    with Recorder(course) as recorder:
        recorder.record(result("s1", 2.0, 3.0))
    with Gradebook(course.db_url, course.course_id) as gb:  # what formgrader does
        gb.find_grade("derive", A, A, "s1").manual_score = 1.25
        gb.find_grade("test_solve", A, A, "s1").manual_score = 2.0
        gb.db.commit()
        assert gb.submission_dicts(A)[0]["score"] == 5.25  # nbgrader agrees
    assert export_csv(course, A).splitlines()[1] == \
        "s1,missing,5.25,8.5,2,1.25,2,2,2,1.25,,remark,"


def test_formula_text_is_neutralised_and_flags_are_exported(course: Course) -> None:
    """A student id or flag a spreadsheet would run as a formula reaches the CSV inert."""
    hostile = result("=HYPERLINK(\"http://x\")", 2.0, 3.0)
    hostile.flags = ["@SUM(1+1) in a locked cell", "locked cell test_solve edited"]
    with Recorder(course) as recorder:
        recorder.record(hostile)
    write_result(course, hostile)
    rows = list(csv.reader(io.StringIO(export_csv(course, A))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][-1] == "'@SUM(1+1) in a locked cell; locked cell test_solve edited"
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("s1") == "s1" and spreadsheet_safe("") == ""


def test_empty_gradebook_gives_the_header(course: Course) -> None:
    assert export_csv(course, A) == HEADER + "\n"


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (2.5, "2.5"), (0.0, "0"), (None, ""), (1 / 3, "0.333333"), (0.1 + 0.2, "0.3"),
    (-0.0, "0"), (1234567.0, "1234567"),
])
def test_format_number(value: float | None, text: str) -> None:
    assert format_number(value) == text


# --- pending totals and "No response." ---------------------------------------------------


def released_text(course: Course, grade_id: str) -> str:
    """The written answer's text as released (nbgrader's copy in the gradebook)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        return str(gb.find_source_cell(grade_id, A, A).source)


def write_autograded(course: Course, student: str, answers: dict[str, str]) -> None:
    """The autograded notebook a worker writes, with these written answers."""
    nb = new_notebook(cells=[new_markdown_cell(text, metadata=meta(
        solution=True, grade=True, points=1, grade_id=gid)) for gid, text in answers.items()])
    folder = course.autograded_dir(student, A)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{A}.ipynb")


def test_untouched_written_answers_get_no_response(course: Course) -> None:
    """As nbgrader's SaveAutoGrades: an answer left as released (or emptied) scores 0 with
    "No response." and needs no TA; a written one stays pending."""
    from nbgrader.api import Gradebook

    stub = released_text(course, "derive")
    assert stub.strip() == "YOUR ANSWER HERE"  # nbgrader's ClearSolutions text stub
    write_autograded(course, "s1", {"derive": stub + "\n  ", "remark": ""})
    write_autograded(course, "s2", {"derive": "Because the Jacobian...", "remark": stub})
    with Recorder(course) as recorder:
        recorded = recorder.record(result("s1", 2.0, 3.0))
        recorder.record(result("s2", 2.0, 0.0))
    assert [(q.grade_id, q.points, q.reason) for q in recorded.questions if q.kind == "manual"] \
        == [("derive", 0.0, "No response."), ("remark", 0.0, "No response.")]
    for res in (result("s1", 2.0, 3.0), result("s2", 2.0, 0.0)):
        write_result(course, res)
    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("derive", A, A, "s1")
        assert (grade.auto_score, grade.needs_manual_grade) == (0.0, False)
        assert gb.find_comment("derive", A, A, "s1").auto_comment == "No response."
        assert gb.find_grade("derive", A, A, "s2").auto_score is None
        assert gb.find_comment("remark", A, A, "s2").auto_comment == "No response."
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(export_csv(course, A)))}
    assert (rows["s1"]["status"], rows["s1"]["pending"], rows["s1"]["derive"]) == \
        ("graded", "", "0")
    assert (rows["s2"]["status"], rows["s2"]["pending"], rows["s2"]["remark"]) == \
        ("pending-manual", "derive", "0")


def test_an_answer_written_later_is_pending_again(course: Course) -> None:
    from nbgrader.api import Gradebook

    write_autograded(course, "s1", {"derive": "", "remark": ""})
    with Recorder(course) as recorder:
        recorder.record(result("s1", 2.0, 3.0))
    write_autograded(course, "s1", {"derive": "Now answered.", "remark": ""})
    with Recorder(course) as recorder:
        recorder.record(result("s1", 2.0, 3.0))
    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("derive", A, A, "s1")
        assert (grade.auto_score, grade.needs_manual_grade) == (None, True)
        assert gb.find_comment("derive", A, A, "s1").auto_comment is None


# --- the LMS import files ----------------------------------------------------------------


@pytest.fixture
def two_students(course: Course) -> Course:
    """s1: written answers pending; s2 ("Ann Lee"): every answer scored (8.5 possible)."""
    from nbgrader.api import Gradebook

    with Recorder(course) as recorder:
        recorder.record(result("s1", 2.0, 3.0))
        recorder.record(result("s2", 2.0, 0.0))
    for res in (result("s1", 2.0, 3.0), result("s2", 2.0, 0.0)):
        write_result(course, res)
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_student("s2", first_name="Ann", last_name="Lee")
        gb.find_grade("derive", A, A, "s2").manual_score = 1.0
        gb.find_grade("remark", A, A, "s2").manual_score = 0.5
        gb.db.commit()
    return course


def test_canvas_import_layout(two_students: Course) -> None:
    """Canvas's Gradebook CSV: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment; the second row is "Points Possible" (its importer matches
    ``row[0] =~ /Points Possible/`` and skips the five student columns)."""
    from graders.nbgrader_io.lms import export_lms

    done = export_lms(two_students, [A], "canvas")
    rows = list(csv.reader(io.StringIO(done.csv)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[1] == ["Points Possible", "", "", "", "", "8.5"]
    assert rows[2] == ["s1", "", "", "s1", "", ""]  # pending: held back, not uploaded
    assert rows[3] == ["Lee, Ann", "", "", "s2", "", "3.5"]
    assert len(rows) == 4 and all(len(r) == 6 for r in rows)
    assert done.held == ["s1 on ps0_tiny: left empty, written answers not scored yet "
                         "(derive, remark)"]
    by_user = list(csv.reader(io.StringIO(export_lms(two_students, [A], "canvas",
                                                     id_column="SIS User ID").csv)))
    assert by_user[3] == ["Lee, Ann", "", "s2", "", "", "3.5"]


def test_moodle_import_layout(two_students: Course) -> None:
    """Moodle's CSV grade import: an identifier column and one column per grade item."""
    from graders.nbgrader_io.lms import export_lms

    rows = list(csv.reader(io.StringIO(export_lms(two_students, [A], "moodle").csv)))
    assert rows == [["First name", "Last name", "ID number", A],
                    ["", "", "s1", ""], ["Ann", "Lee", "s2", "3.5"]]


def test_mml_export_format_canvas_warns_about_held_totals(two_students: Course) -> None:
    from click.testing import CliRunner

    from graders.commands.cli import main

    out = CliRunner().invoke(main, ["export", A, "--format", "canvas", "--course",
                                    str(two_students.root)])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("Student,ID,SIS User ID,SIS Login ID,Section,ps0_tiny\n")
    assert "mml export: s1 on ps0_tiny: left empty" in out.stderr
    bad = CliRunner().invoke(main, ["export", A, A, "--course", str(two_students.root)])
    assert bad.exit_code != 0 and "one assignment" in bad.output
