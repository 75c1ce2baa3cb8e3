"""Batches: resumable after SIGKILL, and the same grades on a real Dask LocalCluster."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from notebooks import make_course, source_notebook, submit, with_answer

from graders.batch import local, pool, runner
from graders.batch.runner import grade_batch
from graders.batch.startup import collector_paused
from graders.config import load_course

MML = Path(sys.executable).parent / "mml"
SLOW_SOLVE = ("import time\ntime.sleep(0.4)\n\ndef solve(A, b):\n    import scipy.linalg\n"
              "    return scipy.linalg.solve(A, b)\n")


def results_on_disk(root: Path) -> dict[str, int]:
    return {p.parent.parent.name: p.stat().st_mtime_ns
            for p in (root / ".mml" / "results").glob("*/tiny/result.json")}


def test_sigkill_mid_batch_then_rerun_records_everything_exactly_once(tmp_path: Path) -> None:
    root = make_course(tmp_path / "c")
    students = [f"s{i:02d}" for i in range(14)]
    for s in students:
        submit(root, s, with_answer(source_notebook(), "q_solve", SLOW_SOLVE))
    env = {**os.environ, "PATH": f"{MML.parent}:/usr/bin:/bin"}
    proc = subprocess.Popen([str(MML), "grade", "tiny", "--course", str(root)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(results_on_disk(root)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = results_on_disk(root)
    assert 4 <= len(before) < len(students), "the kill must land mid-batch"

    rerun = subprocess.run([str(MML), "grade", "tiny", "--course", str(root)], env=env,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    after = results_on_disk(root)
    assert sorted(after) == students
    assert all(after[s] == before[s] for s in before), "graded submissions were regraded"
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        submissions = gb.find_assignment("tiny").submissions
        assert sorted(s.student.id for s in submissions) == students
        for sub in submissions:
            assert len(sub.notebooks) == 1 and len(sub.notebooks[0].grades) == 3
            assert sub.score == 5.0


def _killing_task(assignment: str, student: str) -> str:
    """A grading task whose worker is killed from outside on one student (as the OOM killer
    would kill a worker whose judge exhausts memory)."""
    if student == "s03_killer":
        os.kill(os.getpid(), signal.SIGKILL)
    return pool.grade_task(assignment, student)


def test_a_worker_killed_mid_batch_costs_only_its_student(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_course(tmp_path / "c")
    nb = source_notebook()
    students = ["s01", "s02", "s03_killer", "s04", "s05_wrong", "s06"]
    for s in students:
        submit(root, s, with_answer(nb, "q_reflect", "def reflection_matrix(B):\n    return B\n")
               if s == "s05_wrong" else nb)
    monkeypatch.setattr(local, "grade_task", _killing_task)
    results = {r.student: r for r in grade_batch(load_course(root), "tiny", progress=False)}
    assert sorted(results) == students  # the batch finished
    killed = results.pop("s03_killer")
    assert killed.status == "ungradable" and "worker died" in killed.reason
    assert {s: r.total for s, r in results.items()} == {
        "s01": 5.0, "s02": 5.0, "s04": 5.0, "s05_wrong": 3.0, "s06": 5.0}
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        assert gb.find_submission("tiny", "s03_killer").score == 0.0
        assert gb.find_submission("tiny", "s06").score == 5.0


def test_a_paused_start_up_records_with_the_collector_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mml grade` pauses the cycle collector for its start-up (graders/batch/startup.py);
    the batch resumes it, start-up frozen, before it records anyone, so a class of any
    size is recorded with the collector on; the process is given back as it was."""
    root = make_course(tmp_path / "c")
    for student in ("s01", "s02"):
        submit(root, student, source_notebook())
    seen = []
    record = runner.Recorder.record

    def watched(self: runner.Recorder, result: object) -> object:
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return record(self, result)  # type: ignore[arg-type]

    monkeypatch.setattr(runner.Recorder, "record", watched)
    with collector_paused():
        results = grade_batch(load_course(root), "tiny", progress=False)
    assert [r.total for r in results] == [5.0, 5.0]
    assert seen == [(True, True), (True, True)]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_dask_local_cluster_gives_the_local_grades(tmp_path: Path) -> None:
    from distributed import LocalCluster

    root = make_course(tmp_path / "local")
    nb = source_notebook()
    submit(root, "good", nb)
    submit(root, "bad", with_answer(nb, "q_reflect", "def reflection_matrix(B):\n    return B\n"))
    submit(root, "loop", with_answer(nb, "q_solve", "def solve(A, b):\n    while True: pass\n"))
    remote = tmp_path / "remote"
    shutil.copytree(root, remote)
    local = grade_batch(load_course(root), "tiny", progress=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        distributed = grade_batch(load_course(remote), "tiny", progress=False,
                                  scheduler=cluster.scheduler_address)
    assert [(r.student, r.status, [q.points for q in r.questions]) for r in distributed] == \
        [(r.student, r.status, [q.points for q in r.questions]) for r in local]
    assert [r.total for r in local] == [3.0, 5.0, 2.0]  # bad, good, loop (sorted by id)
    course = load_course(remote)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        assert gb.find_submission("tiny", "good").score == 5.0
