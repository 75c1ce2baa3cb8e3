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
          "test_grad,test_solve,derive,remark,flags")


def test_csv_columns_and_values(course: Course) -> None:
    with Recorder(course) as recorder:
        for res in (result("s2", 2.0, 0.0), result("s1", 1.5, 3.0)):
            recorder.record(res)
    write_result(course, result("s1", 1.5, 3.0))
    assert export_csv(course, A).splitlines() == [
        HEADER,
        "s1,graded,4.5,8.5,3,0,1.5,1.5,3,,,",
        "s2,missing,2,8.5,0,0,2,2,0,,,",
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
    assert export_csv(course, A).splitlines()[1] == "s1,missing,5.25,8.5,2,1.25,2,2,2,1.25,,"


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
