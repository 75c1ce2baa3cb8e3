"""Per-student exam variants end to end: roster -> release -> submit -> grade (real sandbox).

A small exam holding the parametrised question E2 (Mahalanobis distances) is released with a
roster of two students through nbgrader's own generate_assignment. Each personal notebook
shows that student's values; a correct function earns full marks for each student against
their own reference; a submission hard-coding the other student's results earns nothing;
regrading the same student gives the same result; no released file holds the course seed or
a derived variant key.
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

from graders.checks import get_check
from graders.commands.cli import main
from graders.config import Course, load_course
from graders.errors import ConfigError
from graders.nbgrader_io.release import release_students
from graders.pipeline.grade import grade_submission
from graders.variants import check_cases, format_value, parameters_for, secret_strings

REPO = Path(__file__).resolve().parents[2]
EXAM = "exam"
E2 = "geometry.exam_mahalanobis"
SOLUTION = '''def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    W = scipy.linalg.solve_triangular(L, Z.T, lower=True)
    return np.sqrt(np.sum(W * W, axis=0))
'''


def _exam() -> Any:
    return exam_notebook([
        new_markdown_cell("# Exam", metadata=meta("intro", locked=True)),
        new_code_cell("import numpy as np\nimport scipy.linalg",
                      metadata=meta("setup", locked=True)),
        new_markdown_cell("## E2\nWrite `mahalanobis(X, mu, Sigma)`. Your data: "
                          "`Sigma = np.array({{ e2_Sigma }})`, `mu = np.array({{ e2_mu }})`, "
                          "`X = np.array({{ e2_X }})`.", metadata=meta("e2_question", locked=True)),
        new_code_cell("def mahalanobis(X, mu, Sigma):\n    ### BEGIN SOLUTION\n"
                      + "".join("    " + line + "\n" for line in SOLUTION.splitlines()[1:])
                      + "    ### END SOLUTION",
                      metadata=meta("e2_mahalanobis", solution=True, unit="geometry")),
        new_code_cell("assert mahalanobis(np.ones((2, 2)), np.zeros(2), np.eye(2)).shape == "
                      "(2,)\n### BEGIN HIDDEN TESTS\nfrom graders.authoring import check\n"
                      f'check(mahalanobis, "{E2}")\n### END HIDDEN TESTS',
                      metadata=meta("e2_test", grade=True, locked=True, points=10,
                                    unit="geometry")),
    ])


def _submit(course: Course, student: str, answer: str) -> None:
    released = course.root / "variants" / EXAM / student / f"{EXAM}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "e2_mahalanobis":
            cell.source = answer
    folder = course.root / "submitted" / student / EXAM
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{EXAM}.ipynb")


def _points(course: Course, student: str) -> float:
    result = grade_submission(course, EXAM, student)
    return sum(q.points or 0.0 for q in result.questions)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    root = _exam_course(tmp_path_factory.mktemp("variants"), seed=STRONG)
    result = CliRunner().invoke(main, ["release", EXAM, "--course", str(root),
                                       "--roster", str(root / "roster.csv")])
    assert result.exit_code == 0, result.output
    assert "course seed" not in result.stderr  # a private 128-bit seed draws no warning
    return load_course(root)


#: A private course seed of 128 bits, as the release's warning asks for.
STRONG = 0x9F3B_52C1_07AE_44D6_B1E8_2C5D_7730_8A19


def _exam_course(root: Path, seed: int | None) -> Path:
    """A course holding the exam and a two-student roster (``seed`` None: the default)."""
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    if seed is not None:
        with open(root / "nbgrader_config.py", "a") as fh:
            fh.write(f"c.MMLGrader.seed = {seed}\n")
    (root / "source" / EXAM).mkdir(parents=True)
    nbformat.write(_exam(), root / "source" / EXAM / f"{EXAM}.ipynb")
    (root / "roster.csv").write_text("student_id,name\nalice,Alice A\nbob,Bob B\n")
    return root


def test_per_student_release_on_the_public_default_seed_warns(tmp_path: Path) -> None:
    root = _exam_course(tmp_path, seed=None)
    result = CliRunner().invoke(main, ["release", EXAM, "--course", str(root),
                                       "--roster", str(root / "roster.csv")])
    assert result.exit_code == 0, result.output
    assert "warning: the course seed (the public default) can be found" in result.stderr
    assert "c.MMLGrader.seed = " in result.stderr


def _params(course: Course, student: str) -> dict[str, Any]:
    params = parameters_for(get_check(E2), course.grader.seed, EXAM, student)
    assert params is not None
    return params


def test_each_student_sees_their_own_values(course: Course) -> None:
    texts = {}
    for student in ("alice", "bob"):
        nb = nbformat.read(course.root / "variants" / EXAM / student / f"{EXAM}.ipynb",
                           as_version=4)
        texts[student] = nb.cells[2].source
        for name, value in _params(course, student).items():
            assert f"{name.split('_')[1]} = np.array({format_value(value)})" in texts[student]
        assert "{{" not in texts[student]
    assert texts["alice"] != texts["bob"]
    shared = nbformat.read(course.root / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    assert "{{" not in shared.cells[2].source  # the shared release shows the default variant
    record = json.loads((course.root / ".mml" / "variants" / f"{EXAM}.json").read_text())
    assert record["students"] == ["alice", "bob"]


def test_no_released_file_holds_the_seed_or_a_derived_key(course: Course) -> None:
    secrets = secret_strings([get_check(E2)], course.grader.seed, EXAM, ["alice", "bob"])
    assert str(course.grader.seed) in secrets and len(secrets) > 10
    files = [p for top in ("variants", "release") for p in (course.root / top).rglob("*")
             if p.is_file()]
    assert len(files) >= 3
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not [s for s in secrets if s in text], path


def test_each_student_is_graded_against_their_own_reference(course: Course) -> None:
    _submit(course, "alice", SOLUTION)
    assert _points(course, "alice") == 10.0
    result = json.loads(course.result_path("alice", EXAM).read_text())
    labels = [c["label"] for q in result["questions"] for c in q["cases"]]
    x = _params(course, "alice")["e2_X"]
    assert f"your exam's example, N = {x.shape[0]}, D = {x.shape[1]}" in labels


def test_hard_coding_the_other_students_results_fails(course: Course) -> None:
    spec = get_check(E2)
    assert spec.reference is not None
    alice_case = check_cases(spec, course.grader.seed, EXAM, "alice")[-1]
    alice_d = spec.reference(*alice_case.args).tolist()
    _submit(course, "bob", f"def mahalanobis(X, mu, Sigma):\n    return np.array({alice_d!r})\n")
    assert _points(course, "bob") == 0.0
    _submit(course, "bob", SOLUTION)
    assert _points(course, "bob") == 10.0


def test_regrading_is_deterministic(course: Course) -> None:
    _submit(course, "alice", SOLUTION.replace("np.sum(W * W, axis=0)", "np.sum(W * W, axis=1)"))
    runs = []
    for _ in range(2):
        grade_submission(course, EXAM, "alice")
        data = json.loads(course.result_path("alice", EXAM).read_text())
        runs.append([(q["grade_id"], q["points"], q["cases"]) for q in data["questions"]])
    assert runs[0] == runs[1]
    assert runs[0][0][1] == 0.0


def test_a_roster_without_the_column_is_refused_naming_the_file(course: Course,
                                                                tmp_path: Path) -> None:
    bad = tmp_path / "class.csv"
    bad.write_text("name,email\nAlice,a@x\n")
    with pytest.raises(ConfigError, match=r"class\.csv: the roster needs a 'student_id'"):
        release_students(course, EXAM, bad)


def test_release_warns_on_a_public_check_that_states_the_answer(tmp_path: Path) -> None:
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "source" / EXAM).mkdir(parents=True)
    nb = _exam()
    nb.cells[4].source = ("d = mahalanobis(np.array([[2.0, 0.0]]), np.zeros(2), "
                          "np.diag([4.0, 1.0]))\nnp.testing.assert_allclose(d, [1.0])\n"
                          + nb.cells[4].source)
    nbformat.write(nb, tmp_path / "source" / EXAM / f"{EXAM}.ipynb")
    result = CliRunner().invoke(main, ["release", EXAM, "--course", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: source/exam/exam.ipynb: cell e2_test: line 2" in result.stderr
    nb.cells[4].metadata["mml"]["public_answers"] = True  # the instructor opts in
    nbformat.write(nb, tmp_path / "source" / EXAM / f"{EXAM}.ipynb")
    result = CliRunner().invoke(main, ["release", EXAM, "--course", str(tmp_path)])
    assert result.exit_code == 0 and "warning" not in result.stderr
