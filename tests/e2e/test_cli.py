"""The mml command over a small class: grade, gradebook, CSV, rerun, and calling mml by path."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook
from notebooks import make_course, source_notebook, submit, with_answer

from graders.commands.cli import main
from graders.config import load_course
from graders.result import SubmissionResult

MML = Path(sys.executable).parent / "mml"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root = make_course(tmp_path_factory.mktemp("cls"))
    nb = source_notebook()
    submit(root, "alice", nb)
    submit(root, "bob", with_answer(nb, "q_solve", "def solve(A, b):\n    return b\n"))
    submit(root, "carol", with_answer(nb, "q_reflect", "raise RuntimeError('oops')\n"))
    submit(root, "erin", with_answer(nb, "written", "YOUR ANSWER HERE"))  # as released
    (root / "submitted" / "dave" / "tiny").mkdir(parents=True)
    (root / "submitted" / "dave" / "tiny" / "tiny.ipynb").write_text("{ not json")
    result = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "2"])
    return root, result


def export(root: Path) -> list[dict[str, str]]:
    out = CliRunner().invoke(main, ["export", "tiny", "--course", str(root)])
    assert out.exit_code == 0, out.output
    return list(csv.DictReader(io.StringIO(out.output)))


def test_grade_prints_the_class_table(graded: tuple[Path, Any]) -> None:
    _, result = graded
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert "5/5" in lines["alice"] and "2/5" in lines["bob"] and "3/5" in lines["carol"]
    assert "ungradable" in lines["dave"] and "not valid JSON" in lines["dave"]
    assert "pending-manual" in lines["alice"] and "written" in lines["alice"]
    assert "tiny: graded 5 submission(s), skipped 0 already graded" in result.output
    assert "graded " in lines["erin"] and "pending-manual" not in lines["erin"]


def test_gradebook_holds_nbgraders_rows(graded: tuple[Path, Any]) -> None:
    root, _ = graded
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        assert sorted(s.id for s in gb.students) == ["alice", "bob", "carol", "dave", "erin"]
        bob = gb.find_submission("tiny", "bob")
        assert bob.score == 2.0 and bob.max_score == 9.0
        written = gb.find_grade("written", "tiny", "tiny", "bob")
        assert written.auto_score is None and written.needs_manual_grade


def test_export_csv_columns_and_values(graded: tuple[Path, Any]) -> None:
    root, _ = graded
    rows = export(root)
    assert list(rows[0]) == ["student_id", "status", "total", "max_total", "linear_algebra",
                             "q_solve_test", "q_reflect_test", "written", "pending", "flags"]
    by = {r["student_id"]: r for r in rows}
    assert (by["alice"]["total"], by["alice"]["q_solve_test"], by["alice"]["written"]) == \
        ("5", "3", "")
    assert by["bob"]["q_solve_test"] == "0" and by["bob"]["linear_algebra"] == "2"
    assert by["dave"]["status"] == "ungradable" and by["dave"]["total"] == "0"
    assert (by["alice"]["status"], by["alice"]["pending"]) == ("pending-manual", "written")
    assert (by["erin"]["status"], by["erin"]["pending"], by["erin"]["written"]) == \
        ("graded", "", "0")  # the written answer as released: "No response.", 0


def test_manual_grade_from_formgrader_appears_in_export(graded: tuple[Path, Any]) -> None:
    root, _ = graded
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.find_grade("written", "tiny", "tiny", "alice").manual_score = 3.5
        gb.db.commit()
    by = {r["student_id"]: r for r in export(root)}
    assert by["alice"]["written"] == "3.5" and by["alice"]["total"] == "8.5"


def test_rerun_skips_graded_and_student_option_regrades_one(graded: tuple[Path, Any]) -> None:
    root, _ = graded
    result_file = load_course(root).result_path("bob", "tiny")
    before = result_file.stat().st_mtime_ns
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root)])
    assert out.exit_code == 0 and result_file.stat().st_mtime_ns == before
    assert "tiny: graded 0 submission(s), skipped 5 already graded (--force regrades them)" \
        in out.output
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--student", "bob",
                                    "--force"])
    assert out.exit_code == 0 and result_file.stat().st_mtime_ns > before
    assert SubmissionResult.from_json(result_file.read_text()).total == 2.0


def test_mml_by_path_without_the_venv_on_path(tmp_path: Path) -> None:
    """nbgrader shells out to `alembic` when it creates a gradebook; mml must find it."""
    root = make_course(tmp_path / "c")
    submit(root, "erin", source_notebook())
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([str(MML), "grade", "tiny", "--course", str(root)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "erin" in proc.stdout and (root / "gradebook.db").is_file()


def test_errors_name_the_file_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{MML.parent}:/usr/bin:/bin"}
    proc = subprocess.run([str(MML), "grade", "nope", "--course", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "mml: error:" in proc.stderr and "source/nope/nope.ipynb" in proc.stderr


def test_config_lists_every_limit_with_the_value_in_effect(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write("c.MMLGrader.result_call_mb = 3\nc.MMLGrader.scratch_mb = 64\n")
    out = CliRunner().invoke(main, ["config", "--course", str(root)])
    assert out.exit_code == 0, out.output
    assert "c.MMLGrader.result_call_mb = 3  # default 128\n    Bytes of arrays" in out.output
    assert "c.MMLGrader.scratch_mb = 64  # default 512\n" in out.output
    assert "c.MMLGrader.cell_timeout = 5.0  # default 30.0\n" in out.output
    for limit in ("memory_mb", "max_processes", "cpu_seconds", "cell_timeout", "case_timeout",
                  "submission_timeout", "scratch_mb", "output_cap_kb", "result_call_mb",
                  "result_submission_mb", "max_cells", "max_notebook_mb"):
        assert f"c.MMLGrader.{limit} = " in out.output
