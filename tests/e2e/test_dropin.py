"""Drop-in grading of a plain nbgrader assignment: nbgrader quickstart's ps1, two notebooks.

The same submissions are graded by `nbgrader autograde` and by `mml grade`; every
autograded cell must get the same score, and mml's result must say that these
scores come from asserts run inside the student's process (forgeable).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.batch.runner import grade_batch
from graders.config import load_course
from graders.nbgrader_io.quickstart import (
    copy_course,
    make_quickstart,
    nbgrader_scores,
    quickstart_class,
    run_nbgrader_autograde,
)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[object]]:
    base = make_quickstart(tmp_path_factory.mktemp("qs") / "base")
    quickstart_class(base, 4)
    nb_course = copy_course(base, base.parent / "nbgrader")
    mml_course = copy_course(base, base.parent / "mml")
    run_nbgrader_autograde(nb_course)
    results = grade_batch(load_course(mml_course), "ps1", progress=False)
    return nb_course, mml_course, list(results)


def test_same_scores_as_nbgrader_autograde(both: tuple[Path, Path, list[object]]) -> None:
    nb_course, mml_course, _ = both
    course = load_course(mml_course)
    theirs = nbgrader_scores(f"sqlite:///{nb_course / 'gradebook.db'}", course.course_id)
    ours = nbgrader_scores(course.db_url, course.course_id)
    assert sorted(theirs) == sorted(ours) == ["correct_0000", "crash_0002", "partial_0003",
                                              "wrong_0001"]
    for student in theirs:
        assert ours[student] == theirs[student], student
    assert theirs["correct_0000"][("problem1", "correct_squares")] == 1.0
    assert theirs["wrong_0001"][("problem1", "correct_squares")] == 0.0


def test_result_says_assert_scores_are_forgeable(both: tuple[Path, Path, list[object]]) -> None:
    _, _, results = both
    result = results[0]
    asserts = [q for q in result.questions if q.kind == "assert"]  # type: ignore[attr-defined]
    assert asserts and all("forgeable" in q.reason for q in asserts)
    assert {q.notebook for q in result.questions} == {"problem1", "problem2"}  # type: ignore[attr-defined]
