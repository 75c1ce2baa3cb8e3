"""``mml preview``: the exam's source rendered with one variant runs top to bottom in a kernel.

The course's own exam (``source/exam/exam.ipynb``, whose E2 question text and E7-E9 data
lines are ``{{ name }}`` templates) is previewed for the shared variant and for one student,
and each preview is executed by nbconvert's ExecutePreprocessor in a real IPython kernel (the
running interpreter, as JupyterLab would start it): every cell runs, every public check and
every hidden ``check()`` passes. The student's kernel rejects the shared variant's E7 answer,
so ``check()`` really judges the previewed variant. The raw source, run the same way, stops
at E7 with a message naming ``mml preview exam`` (not a bare NameError).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner
from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

from graders.checks import CheckSpec, tasks
from graders.commands.cli import main
from graders.config import Course, load_course
from graders.errors import ConfigError
from graders.preview import default_folder, write_preview
from graders.variants import DEFAULT_STUDENT, assignment_parameters, format_value

REPO = Path(__file__).resolve().parents[2]
EXAM = "exam"
E7 = "geometry.exam_angle_value"
STUDENT = "preview-student-7"
#: Per cell: a loaded two-core machine runs the slowest hidden check (ISTA, PCA) in seconds;
#: ten minutes is a hang, not a slow machine.
CELL_TIMEOUT = 600


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(REPO)


def _execute(path: Path) -> Any:
    """Run the notebook at ``path`` in a fresh kernel whose working directory is its folder."""
    nb = nbformat.read(path, as_version=4)
    runner = ExecutePreprocessor(timeout=CELL_TIMEOUT, kernel_name="python3")  # type: ignore[no-untyped-call]
    runner.preprocess(
        nb, {"metadata": {"path": str(path.parent)}})
    return nb


def _errors(nb: Any) -> list[str]:
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" for o in cell.get("outputs", [])
            if o.get("output_type") == "error"]


def _stream(cell: Any) -> str:
    return "".join(str(o.get("text", "")) for o in cell.outputs
                   if o.get("output_type") == "stream")


def _data_line(nb: Any, start: str) -> str:
    return str(next(line for cell in nb.cells if cell.cell_type == "code"
                    for line in cell.source.splitlines() if line.startswith(start)))


def test_shared_preview_runs_every_check(course: Course, tmp_path: Path) -> None:
    done = write_preview(course, EXAM, out=tmp_path / "shared")
    [path] = done.notebooks
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["mml"]["preview"] == {"version": 1, "assignment": EXAM,
                                             "student": DEFAULT_STUDENT}
    assert "{{" not in "".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" in path.read_text() and "### BEGIN HIDDEN TESTS" in path.read_text()
    # The shared variant is what release/ shows: the same data lines.
    released = nbformat.read(REPO / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    for start in ("A_e7 = ", "B_e8 = ", "x_e9 = "):
        assert _data_line(nb, start) == _data_line(released, start)
    nb.cells.append(nbformat.v4.new_code_cell("print(repr(float(answer_e7)))"))
    nbformat.write(nb, path)
    ran = _execute(path)
    assert _errors(ran) == []
    hidden = [c for c in ran.cells if "check(" in c.source and "BEGIN HIDDEN" in c.source]
    assert len(hidden) == 9                     # E1-E9: every hidden check ran and passed
    assert 0 <= float(_stream(ran.cells[-1])) <= 3.1416


def test_student_preview_runs_and_judges_that_variant(course: Course, tmp_path: Path) -> None:
    done = write_preview(course, EXAM, STUDENT, out=tmp_path / STUDENT)
    assert done.student == STUDENT and not done.personal
    assert "grading uses the shared variant" in done.text()
    [path] = done.notebooks
    nb = nbformat.read(path, as_version=4)
    params = assignment_parameters(source_checks_of(course), course.grader.seed, EXAM, STUDENT)
    assert _data_line(nb, "A_e7 = ") == f"A_e7 = np.array({format_value(params['e7_A'])})"
    shared = assignment_parameters(source_checks_of(course), course.grader.seed, EXAM, None)
    assert format_value(params["e7_A"]) != format_value(shared["e7_A"])
    # The shared variant's E7 answer, computed from the shared numbers, must fail here.
    A, x, y = (format_value(shared[k]) for k in ("e7_A", "e7_x", "e7_y"))
    nb.cells.append(nbformat.v4.new_code_cell(
        f"A, x, y = np.array({A}), np.array({x}), np.array({y})\n"
        "other = float(np.arccos((x @ A @ y) / np.sqrt((x @ A @ x) * (y @ A @ y))))\n"
        f"try:\n    check(other, {E7!r})\nexcept AssertionError:\n    print('rejected')\n"
        "else:\n    print('accepted')\n"))
    nbformat.write(nb, path)
    ran = _execute(path)
    assert _errors(ran) == []
    assert _stream(ran.cells[-1]).strip() == "rejected"


def source_checks_of(course: Course) -> list[CheckSpec]:
    return [spec for task in tasks(EXAM) for spec in task.checks]


def test_raw_source_refuses_clearly_at_the_first_template(tmp_path: Path) -> None:
    folder = tmp_path / "source" / EXAM
    folder.mkdir(parents=True)
    path = folder / f"{EXAM}.ipynb"
    shutil.copyfile(REPO / "source" / EXAM / f"{EXAM}.ipynb", path)
    with pytest.raises(CellExecutionError) as info:
        _execute(path)
    text = str(info.value)
    assert "A_e7 = np.array({{ e7_A }})" in text
    assert "is a template of a per-student exam variant" in text
    assert "mml preview exam" in text
    # The source's own note says so in a hidden region: instructors read it, students do not.
    assert "run `mml preview exam`" in path.read_text()
    assert "mml preview" not in (REPO / "release" / EXAM / f"{EXAM}.ipynb").read_text()


def test_preview_refuses_student_folders_and_bad_ids(course: Course, tmp_path: Path) -> None:
    for where in ("source", "release", "variants"):
        result = CliRunner().invoke(main, ["preview", EXAM, "--course", str(REPO),
                                           "--out", str(REPO / where / EXAM / "x")])
        assert isinstance(result.exception, ConfigError), result.output
        assert f"may not be written under {where}/" in str(result.exception)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("an instructor's own file")
    with pytest.raises(ConfigError, match="holds no earlier preview"):
        write_preview(course, EXAM, out=mine)               # never replaced
    assert (mine / "notes.txt").read_text() == "an instructor's own file"
    with pytest.raises(ConfigError, match="not usable as a folder name"):
        write_preview(course, EXAM, "../alice", out=tmp_path / "x")
    assert default_folder(course, EXAM, None) == REPO / ".mml" / "preview" / EXAM / "shared"
    assert default_folder(course, EXAM, "s1") == REPO / ".mml" / "preview" / EXAM / "s1"


def test_a_moved_preview_says_to_preview_again(tmp_path: Path) -> None:
    from graders.authoring import active_variant, use_variant

    with pytest.raises(ConfigError, match="run `mml preview exam` again"):
        use_variant(EXAM, student="s1", course=tmp_path)       # no nbgrader_config.py here
    assert active_variant() is None                            # nothing was switched
