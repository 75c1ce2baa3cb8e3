"""``mml exchange`` makes nbgrader's exchange, and the README's route works through it:
mml release -> nbgrader release_assignment -> (student) fetch_assignment, submit ->
nbgrader collect -> mml grade, with nbgrader's own commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from notebooks import make_course

from graders.commands.cli import main

NBGRADER = Path(sys.executable).parent / "nbgrader"


def nbgrader(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(NBGRADER), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_nbgrader_list_release_submit_collect_then_grade(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    exchange = tmp_path / "srv" / "exchange"
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write(f"c.Exchange.root = {str(exchange)!r}\n")
    failed = nbgrader(root, "list")
    assert failed.returncode != 0 and "Unwritable directory" in failed.stderr

    out = CliRunner().invoke(main, ["exchange", "--course", str(root)])
    assert out.exit_code == 0, out.output
    assert f"2733  {exchange}/mml/inbound  (set)" in out.output
    listed = nbgrader(root, "list")
    assert listed.returncode == 0, listed.stderr

    assert CliRunner().invoke(main, ["release", "tiny", "--course", str(root)]).exit_code == 0
    released = nbgrader(root, "release_assignment", "tiny")
    assert released.returncode == 0, released.stderr
    assert "mml tiny" in nbgrader(root, "list").stderr

    student = tmp_path / "student"  # the student's JupyterLab folder, own configuration
    student.mkdir()
    (student / "nbgrader_config.py").write_text(f"c = get_config()\n"
                                                f"c.Exchange.root = {str(exchange)!r}\n")
    for step in (("fetch_assignment", "tiny", "--course", "mml"),
                 ("submit", "tiny", "--course", "mml")):
        done = nbgrader(student, *step)
        assert done.returncode == 0, done.stderr
    collected = nbgrader(root, "collect", "tiny")
    assert collected.returncode == 0, collected.stderr
    [who] = [p.name for p in (root / "submitted").iterdir()]
    assert (root / "submitted" / who / "tiny" / "tiny.ipynb").is_file()

    graded = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "1"])
    assert graded.exit_code == 0, graded.output
    assert who in graded.output and "0/5" in graded.output  # the untouched stub scores nothing
