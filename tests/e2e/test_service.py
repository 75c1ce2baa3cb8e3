"""`mml serve`: regrades through a warm worker kept between commands, and every way out.

A real service (`mml serve` in its own process, with its warm bubblewrap sandbox) grades
for a real `grade_batch`; the local pool is watched, so that a test knows who graded.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from notebooks import make_course, source_notebook, submit, with_answer

from graders.batch import local, runner, service
from graders.batch.runner import grade_batch
from graders.config import load_course

MML = Path(sys.executable).parent / "mml"

#: Patches numpy and leaves files behind, in the job's process and scratch folders.
HOSTILE = ("import os\nimport numpy as np\nnp.linalg.solve = lambda A, b: np.zeros(len(b))\n"
           "for p in ('/tmp/planted', os.path.expanduser('~/planted'), '/dev/shm/planted'):\n"
           "    open(p, 'w').write('x')\n\ndef solve(A, b):\n    return np.zeros(len(b))\n")
#: Right only if nothing of an earlier student is left.
CAREFUL = ("import os\nimport numpy as np\n\ndef solve(A, b):\n"
           "    left = [p for p in ('/tmp/planted', os.path.expanduser('~/planted'),\n"
           "                        '/dev/shm/planted') if os.path.exists(p)]\n"
           "    return np.zeros(len(b)) if left else np.linalg.solve(A, b)\n")
SLOW = "import time\ntime.sleep(4)\n" + CAREFUL


@pytest.fixture
def course_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A tiny course, a private runtime folder short enough for sockets, a watched pool."""
    run = Path(tempfile.mkdtemp(prefix="mml-t-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    root = make_course(tmp_path / "c")
    submit(root, "a_hostile", with_answer(source_notebook(), "q_solve", HOSTILE))
    submit(root, "b_careful", with_answer(source_notebook(), "q_solve", CAREFUL))
    yield root
    shutil.rmtree(run, ignore_errors=True)


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The students each local pool of the test was given."""
    calls: list[list[str]] = []
    real = local.local_results

    def watched(course: Any, assignment: str, pending: list[str], workers: int) -> Any:
        calls.append(list(pending))
        return real(course, assignment, pending, workers)

    monkeypatch.setattr(local, "local_results", watched)
    return calls


@pytest.fixture
def serve(course_root: Path) -> Iterator[Any]:
    """Start `mml serve tiny` on the course; returns (process, socket path)."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], Path]:
        proc = subprocess.Popen([str(MML), "serve", "tiny", "--course", str(course_root),
                                 *args], stderr=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stderr is not None
        for line in proc.stderr:
            if "on request at " in line:
                return proc, Path(line.split(" at ", 1)[1].split(";", 1)[0])
        raise AssertionError(f"mml serve ended: {proc.wait(60)}")

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(120)


def _points(results: list[Any]) -> dict[str, dict[str, float | None]]:
    return {r.student: {q.grade_id: q.points for q in r.questions} for r in results}


def _grade(root: Path, *students: str) -> dict[str, dict[str, float | None]]:
    return _points(grade_batch(load_course(root), "tiny", students=list(students), force=True,
                               progress=False))


def test_served_regrades_equal_local_ones_and_nothing_carries_over(
        course_root: Path, serve: Any, pooled: list[list[str]]) -> None:
    alone = {s: _grade(course_root, s)[s] for s in ("b_careful", "a_hostile")}
    assert pooled == [["b_careful"], ["a_hostile"]]
    assert alone["b_careful"]["q_solve_test"] == 3 and alone["a_hostile"]["q_solve_test"] == 0
    proc, path = serve()
    assert (path.stat().st_mode & 0o777) == 0o600
    served = _grade(course_root, "a_hostile", "b_careful")  # the hostile one first
    graded = []
    while len(graded) < 2:  # the service's log: a line per submission it graded
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line, "the service ended"
        if " graded in " in line:
            graded.append(line.split(":")[1].strip())
    assert graded == ["a_hostile", "b_careful"]
    assert pooled == [["b_careful"], ["a_hostile"]], "a pool graded what the service should"
    assert served == alone
    assert _grade(course_root, "b_careful") == {"b_careful": alone["b_careful"]}
    assert proc.poll() is None, "the service goes on after grading"


def test_a_served_command_reads_no_notebook_itself(course_root: Path, serve: Any) -> None:
    serve()
    _grade(course_root, "a_hostile")  # the course's first command generates the assignment
    code = ("import sys\nfrom graders.batch.runner import grade_batch\n"
            "from graders.config import load_course\n"
            f"r = grade_batch(load_course({str(course_root)!r}), 'tiny', "
            "students=['b_careful'], force=True, progress=False)\n"
            "print(r[0].status, 'nbformat' in sys.modules, 'numpy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600, check=True).stdout.split()
    assert out == ["graded", "False", "False"]


def test_a_changed_course_stops_the_service_and_grades_locally(
        course_root: Path, serve: Any, pooled: list[list[str]]) -> None:
    proc, path = serve()
    with open(course_root / "nbgrader_config.py", "a") as fh:
        fh.write("\n# a TA's edit\n")
    assert _grade(course_root, "b_careful")["b_careful"]["q_solve_test"] == 3
    assert pooled == [["b_careful"]]
    assert proc.wait(120) == 0 and not path.exists()
    assert proc.stderr is not None and f"mml serve: stopped: {service.STALE}" in proc.stderr.read()


def test_a_service_killed_mid_request_loses_nothing(
        course_root: Path, serve: Any, pooled: list[list[str]]) -> None:
    submit(course_root, "a_slow", with_answer(source_notebook(), "q_solve", SLOW))
    proc, _ = serve()
    timer = threading.Timer(2.0, proc.send_signal, (signal.SIGKILL,))
    timer.start()  # the submission's first cell sleeps 4 s in the service's sandbox
    try:
        points = _grade(course_root, "a_slow", "b_careful")
    finally:
        timer.cancel()
    assert proc.wait(60) == -signal.SIGKILL
    assert pooled == [["a_slow", "b_careful"]]
    assert points == {"a_slow": points["a_slow"], "b_careful": points["b_careful"]}
    assert points["a_slow"]["q_solve_test"] == points["b_careful"]["q_solve_test"] == 3


def test_a_second_service_for_the_same_assignment_is_refused(
        course_root: Path, serve: Any) -> None:
    proc, path = serve()
    second = subprocess.run([str(MML), "serve", "tiny", "--course", str(course_root)],
                            capture_output=True, text=True, timeout=600)
    assert second.returncode == 2 and f"{path}: `mml serve` already runs" in second.stderr
    assert proc.poll() is None and path.exists()


def test_an_idle_service_stops_by_itself(course_root: Path, serve: Any) -> None:
    proc, path = serve("--idle", "3")
    assert proc.wait(300) == 0 and not path.exists()
    assert proc.stderr is not None
    assert "mml serve: stopped: no request for 3 s" in proc.stderr.read()


def test_more_submissions_than_a_service_takes_go_to_a_pool(
        course_root: Path, serve: Any, pooled: list[list[str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    proc, path = serve()
    monkeypatch.setattr(runner, "SERVED_MAX", 1)
    assert _grade(course_root, "a_hostile", "b_careful")["b_careful"]["q_solve_test"] == 3
    assert pooled == [["a_hostile", "b_careful"]]
    assert service.SERVED_MAX > 1
    proc.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop, the socket removed
    assert proc.wait(120) == 0 and not path.exists()
    assert proc.stderr is not None and "mml serve: stopped (Ctrl-C)" in proc.stderr.read()
