"""A value answer per student, and a copied one made visible (real sandbox, real release).

A small exam holding the value question E7 (an angle, a number) is released through
nbgrader's own generate_assignment with a roster of three students: each personal notebook's
answer cell defines that student's data (its templated data lines rendered). Computed from
those lines, each student's answer earns full marks; student B hard-codes student A's number
and earns nothing, and ``mml similarity`` lists B's answer as matching A's variant while the
honest students are not listed. A student on no roster, answering the shared release, is
graded on exactly the values that notebook shows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell
from notebooks import exam_notebook, meta

from graders.answers import reference_answer
from graders.checks import get_check
from graders.commands.cli import main
from graders.config import Course, load_course
from graders.content.exam import e7_angle_value
from graders.pipeline.grade import grade_submission
from graders.similarity.values import values_path
from graders.variants import check_cases, format_value, parameters_for

REPO = Path(__file__).resolve().parents[2]
EXAM = "exam"
E7 = "geometry.exam_angle_value"
CELL = e7_angle_value.TASK.answer_cell
#: Computed from the data lines above it, as a student's cell does.
SOLUTION = ("A, x, y = A_e7, x_e7, y_e7\n"
            "answer_e7 = float(np.arccos((x @ A @ y) / np.sqrt((x @ A @ x) * (y @ A @ y))))\n")


def _exam() -> Any:
    return exam_notebook([
        new_markdown_cell("# Exam", metadata=meta("intro", locked=True)),
        new_code_cell("import numpy as np", metadata=meta("setup", locked=True)),
        new_markdown_cell("## E7\nAssign the angle, in radians, to `answer_e7`.",
                          metadata=meta("e7_question", locked=True)),
        new_code_cell(e7_angle_value.DATA + "### BEGIN SOLUTION\n" + SOLUTION
                      + "### END SOLUTION",
                      metadata=meta(CELL, solution=True, unit="geometry")),
        new_code_cell("assert np.ndim(answer_e7) == 0\n### BEGIN HIDDEN TESTS\n"
                      f'from graders.authoring import check\ncheck(answer_e7, "{E7}")\n'
                      "### END HIDDEN TESTS",
                      metadata=meta(f"{CELL}_test", grade=True, locked=True, points=5,
                                    unit="geometry")),
    ])


def _released(course: Course, student: str | None) -> Path:
    if student is None:
        return course.root / "release" / EXAM / f"{EXAM}.ipynb"
    return course.root / "variants" / EXAM / student / f"{EXAM}.ipynb"


def _submit(course: Course, student: str, answer: str, own: bool = True) -> float:
    """Submit ``answer`` below the data lines of the student's notebook; grade; points."""
    nb = nbformat.read(_released(course, student if own else None), as_version=4)
    (cell,) = (c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == CELL)
    data = cell.source.splitlines(keepends=True)[:e7_angle_value.DATA.count("\n")]
    assert "".join(data).startswith("# E7's data") and "{{" not in "".join(data)
    cell.source = "".join(data) + answer
    folder = course.root / "submitted" / student / EXAM
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{EXAM}.ipynb")
    result = grade_submission(course, EXAM, student)
    return sum(q.points or 0.0 for q in result.questions)


def _answer(course: Course, student: str | None) -> float:
    """The correct E7 angle for ``student``'s variant (None: the shared release's)."""
    spec = get_check(E7)
    (case,) = check_cases(spec, course.grader.seed, EXAM, student)
    return float(reference_answer(spec, case))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = tmp_path_factory.mktemp("crossvariant")
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / EXAM).mkdir(parents=True)
    nbformat.write(_exam(), root / "source" / EXAM / f"{EXAM}.ipynb")
    (root / "roster.csv").write_text("student_id\nalice\nbob\ncarol\n")
    result = CliRunner().invoke(main, ["release", EXAM, "--course", str(root),
                                       "--roster", str(root / "roster.csv")])
    assert result.exit_code == 0, result.output
    course = load_course(root)
    for student in ("alice", "carol"):
        assert _submit(course, student, SOLUTION) == 5.0
    # bob hard-codes alice's number (exact, all 17 digits): right for alice, not for bob
    assert _submit(course, "bob", f"answer_e7 = {_answer(course, 'alice')!r}\n") == 0.0
    # dave is on no roster: he answers the shared release, graded on its values
    assert _submit(course, "dave", SOLUTION, own=False) == 5.0
    return course


def test_each_notebook_defines_its_students_data(course: Course) -> None:
    sources = {}
    for student in ("alice", "bob", None):
        nb = nbformat.read(_released(course, student), as_version=4)
        (cell,) = (c for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("grade_id") == CELL)
        params = parameters_for(get_check(E7), course.grader.seed, EXAM, student)
        assert params is not None
        assert f"A_e7 = np.array({format_value(params['e7_A'])})" in cell.source
        assert "{{" not in cell.source and "BEGIN SOLUTION" not in cell.source
        sources[student] = cell.source
    assert len(set(sources.values())) == 3


def test_own_value_passes_and_anothers_fails(course: Course) -> None:
    """Graded in the fixture: alice and carol computed their own (5 points), bob typed
    alice's number (0), dave answered the shared release from its data lines (5)."""
    points = {s: json.loads(course.result_path(s, EXAM).read_text())["questions"][0]["points"]
              for s in ("alice", "bob", "carol", "dave")}
    assert points == {"alice": 5.0, "bob": 0.0, "carol": 5.0, "dave": 5.0}
    assert _answer(course, "alice") != _answer(course, "bob")


def test_the_values_are_kept_for_the_instructor_only(course: Course) -> None:
    kept = json.loads(values_path(course, "bob", EXAM).read_text())
    assert kept["values"] == {E7: _answer(course, "alice")}
    assert values_path(course, "bob", EXAM).is_relative_to(course.root / ".mml")
    for top in ("autograded", "feedback", "release", "variants"):
        assert not list((course.root / top).rglob("value_answers.json"))


def test_similarity_lists_the_copied_value_and_no_honest_student(course: Course) -> None:
    out = CliRunner().invoke(main, ["similarity", EXAM, "--course", str(course.root)])
    assert out.exit_code == 0, out.output
    flagged = [line.strip() for line in out.output.splitlines() if "matches" in line]
    assert flagged == [f"bob, {E7}: matches alice's variant"]
    assert "not a verdict" in out.output
    page = (course.root / "reports" / EXAM / "similarity.html").read_text(encoding="utf-8")
    assert page.count('<tr class="crossed">') == 1
    assert "<td>bob</td>" in page and "matches alice&#x27;s variant" in page
