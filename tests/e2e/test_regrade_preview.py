"""``mml grade --dry-run --force``: the regrade preview writes nothing and tells the truth.

A real course is graded (real sandboxes, nbgrader's gradebook), then a tolerance in its
source notebook is loosened: an ordinary nbgrader test cell checks ``square(2.0)`` against 4
within 1e-3, and becomes within 0.1. The planted almost-right submission (off by 0.01) then
passes; the right one and the wrong one (off by 1) do not change. The preview must list
exactly that change, leave the course byte for byte as it was (gradebook, results,
autograded notebooks), and agree with what a real ``mml grade --force`` then records.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebooks import code, make_course, source_notebook, submit, with_answer

from graders.result import SubmissionResult

MML = Path(sys.executable).parent / "mml"
SQUARE = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n"
TIGHT = "assert abs(square(2.0) - 4.0) < 1e-3"
LOOSE = "assert abs(square(2.0) - 4.0) < 1e-1"
STUDENTS = {"right": "def square(x):\n    return x * x\n",
            "almost": "def square(x):\n    return x * x + 0.01\n",  # |error| 0.01: in 0.1 only
            "wrong": "def square(x):\n    return x * x + 1.0\n"}  # |error| 1: in neither


def _source(tolerance: str) -> nbformat.NotebookNode:
    """The tiny course's notebook plus a question whose hidden test has ``tolerance``."""
    nb = source_notebook()
    tests = f"### BEGIN HIDDEN TESTS\n{tolerance}\n### END HIDDEN TESTS\n"
    nb.cells[-1:-1] = [code(SQUARE, grade_id="q_square", solution=True),
                       code(tests, grade_id="q_square_test", grade=True, locked=True, points=2)]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nb


def _mml(*args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([str(MML), *args], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    return run


def _snapshot(root: Path) -> dict[str, str]:
    """Digest of every file in the course (gradebook, results, autograded notebooks...)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _recorded(root: Path) -> dict[str, dict[str, float | None]]:
    out = {}
    for student in STUDENTS:
        path = root / ".mml" / "results" / student / "tiny" / "result.json"
        result = SubmissionResult.from_json(path.read_text())
        out[student] = {q.grade_id: q.points for q in result.questions if q.kind != "manual"}
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("regrade") / "course")
    nbformat.write(_source(TIGHT), str(root / "source" / "tiny" / "tiny.ipynb"))
    for student, body in STUDENTS.items():
        submit(root, student, with_answer(_source(TIGHT), "q_square", body))
    _mml("grade", "tiny", "--course", str(root), "--workers", "2")
    return root


def test_preview_lists_the_change_writes_nothing_and_matches_the_regrade(course: Path) -> None:
    before = _recorded(course)
    assert [before[s]["q_square_test"] for s in STUDENTS] == [2.0, 0.0, 0.0]

    # the instructor loosens the tolerance in the course's source notebook
    nbformat.write(_source(LOOSE), str(course / "source" / "tiny" / "tiny.ipynb"))
    snapshot = _snapshot(course)
    assert "gradebook.db" in snapshot
    assert "autograded/almost/tiny/tiny.ipynb" in snapshot
    assert ".mml/results/almost/tiny/result.json" in snapshot

    table = _mml("grade", "tiny", "--course", str(course), "--dry-run", "--force").stdout
    preview = json.loads(_mml("grade", "tiny", "--course", str(course), "--dry-run",
                              "--force", "--json").stdout)
    assert _snapshot(course) == snapshot, "the dry run wrote into the course"

    changes = [(c["student"], c["grade_id"], c["old"], c["new"], c["delta"])
               for c in preview["changes"]]
    assert changes == [("almost", "q_square_test", 0.0, 2.0, 2.0)]
    assert preview["unchanged"] == ["right", "wrong"]
    assert preview["ungraded"] == [] and preview["status_changes"] == {}
    assert "almost" in table and "q_square_test" in table and "+2" in table
    assert "2 unchanged" in table and "nothing written" in table

    # what a real regrade then records is exactly what the preview listed
    _mml("grade", "tiny", "--course", str(course), "--force", "--workers", "2")
    after = _recorded(course)
    recorded = [(s, g, before[s][g], after[s][g], (after[s][g] or 0) - (before[s][g] or 0))
                for s in STUDENTS for g in after[s] if after[s][g] != before[s][g]]
    assert sorted(recorded) == sorted(changes)
    assert _snapshot(course) != snapshot


def test_dry_run_needs_no_scheduler_and_json_needs_dry_run(course: Path) -> None:
    for extra in (["--json"], ["--dry-run", "--scheduler", "tcp://127.0.0.1:1"]):
        run = subprocess.run([str(MML), "grade", "tiny", "--course", str(course), *extra],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode != 0 and "--dry-run" in run.stderr, (extra, run.stderr)
