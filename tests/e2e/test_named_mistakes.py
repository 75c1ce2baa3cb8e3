"""Named mistakes through the real pipeline: a ps1 class graded by ``mml grade`` in the sandbox.

One submission is the solution with two answer cells replaced by planted wrong answers of
their banks and one by a correct alternative: the wrong questions' ``result.json`` entries
name the mistake and carry its hint in the reason, the alternative's and the solution's
questions name nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from graders.authoring import strip_solution_markers
from graders.commands.cli import main
from graders.commands.quality import load_tasks
from graders.config import load_course
from graders.nbgrader_io.release import release
from graders.pipeline.name import MISTAKE_PREFIX
from graders.result import Mistake, SubmissionResult

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "ps1_linear_algebra"
WRONG = {"la1_solve": "no_pivoting", "la6_pagerank": None}  # None: the bank's first entry
ALTERNATIVE = "la3_gram_schmidt"


def _filled(nb: Any, answers: dict[str, str]) -> Any:
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[SubmissionResult, dict[str, Any]]:
    root = tmp_path_factory.mktemp("mistakes")
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    course = load_course(root)
    release(course, ASSIGNMENT)
    source_nb = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source)
               for c in source_nb.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    banks = {t.answer_cell: t for t in load_tasks(ASSIGNMENT)}
    planted = {}
    for cell, name in WRONG.items():
        wrong = next(w for w in banks[cell].wrong if name in (None, w.name))
        assert wrong.nameable
        answers[cell], planted[f"{cell}_test"] = wrong.code, wrong
    answers[ALTERNATIVE] = banks[ALTERNATIVE].alternatives[0].code
    release_nb = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                               as_version=4)
    folder = root / "submitted" / "s1" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(_filled(release_nb, answers), str(folder / f"{ASSIGNMENT}.ipynb"))
    out = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--course", str(root),
                                    "--workers", "1"])
    assert out.exit_code == 0, out.output
    path = course.result_path("s1", ASSIGNMENT)
    assert path.is_file(), out.output
    return SubmissionResult.from_json(path.read_text()), planted


def test_planted_mistakes_are_named_with_their_hints(
        graded: tuple[SubmissionResult, dict[str, Any]]) -> None:
    result, planted = graded
    by_id = {q.grade_id: q for q in result.questions}
    for grade_id, wrong in planted.items():
        q = by_id[grade_id]
        assert q.points == 0.0
        assert q.mistake == Mistake(wrong.name, wrong.hint)
        assert q.reason.endswith(MISTAKE_PREFIX + wrong.hint)


def test_correct_answers_get_no_name(graded: tuple[SubmissionResult, dict[str, Any]]) -> None:
    result, planted = graded
    others = [q for q in result.questions if q.kind == "auto" and q.grade_id not in planted]
    assert f"{ALTERNATIVE}_test" in {q.grade_id for q in others}
    for q in others:
        assert q.points == q.max_points, q.reason
        assert q.mistake is None and MISTAKE_PREFIX not in q.reason
