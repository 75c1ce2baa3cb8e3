"""Benchmark: what the snapshots cost per test cell, against the same calls made without one.

    .venv/bin/python benchmarks/snapshot_cost.py [REPS [ASSIGNMENT ...]]
    (default REPS = 9, assignments ps1_linear_algebra ps3_calculus; not part of the tests)

Each test cell's hidden calls are made in a snapshot forked from the executor
(``graders/runtime/snapshot.py``), one per question, in a private pid namespace
(``runtime.isolation.fork_private``). The grader has no switch that makes them otherwise,
and this benchmark adds none: for each assignment it grades the solution once (a scratch
course, the one-shot bubblewrap sandbox) to obtain the real job (plan and hidden inputs), then runs
``benchmarks/snapshot_harness.py`` on that job in the same one-shot sandbox
(``BwrapSandbox``'s own run: mounts, uid, limits, cgroup), the executor in its command line
replaced by the harness. The harness does what the warm server and the executor do (shell
and preloads once, a forked job process with its own namespaces and seccomp filter, the
cells in order) and, after each test cell, makes each question's calls ``REPS`` times each
way, in rotating order: in the executor's process (``inline``), in a snapshot without the
private pid namespace (``fork``), and as the grader does (``private``). It prints, per
question and then per snapshot and per test cell (medians), wall and CPU milliseconds of
each way and the differences: ``fork - inline`` is the fork of the executor, its exit and
reap; ``private - fork`` what the private pid namespace adds; ``private - inline`` all
a snapshot costs. CPU is user + system of the executor and its reaped children (the
kernel's per-process counters, as ``/proc`` holds them): unlike wall time it does not
count waiting for a core on a busy machine, but load still moves it (caches, clock), so
compare the ways of one run; the load average is printed beside them.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from graders.batch.pool import notebook_imports
from graders.commands.demo import REPO
from graders.commands.quality import _variants, load_tasks
from graders.config import Course, load_course
from graders.nbgrader_io.release import release
from graders.pipeline.grade import grade_notebook
from graders.pipeline.source import load_sources
from graders.sandbox.base import Job, Limits, SandboxRun
from graders.sandbox.bwrap import BwrapSandbox

HARNESS = Path(__file__).with_name("snapshot_harness.py")
WAYS = ("inline", "fork", "private")
DEFAULT = ("ps1_linear_algebra", "ps3_calculus")


@dataclass
class KeepJob:
    """A one-shot bwrap sandbox that keeps a copy of the last job it ran (plan, inputs)."""

    keep: Path
    base: BwrapSandbox
    name: str = "bwrap"

    def run(self, job: Job) -> SandboxRun:
        """Copy the job's folder, then run it as the one-shot sandbox does."""
        shutil.rmtree(self.keep, ignore_errors=True)
        shutil.copytree(job.job_dir, self.keep)
        return self.base.run(job)


def _course(root: Path, assignments: list[str]) -> Course:
    """A scratch course holding the assignments' sources, released."""
    (root / "source").mkdir(parents=True)
    for name in assignments:
        (root / "source" / name).symlink_to(REPO / "source" / name)
    (root / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    course = load_course(root)
    for name in assignments:
        release(course, name)
    return course


def _job(course: Course, assignment: str, tmp: Path) -> Path:
    """Grade the assignment's solution once; the folder of its job (full marks checked)."""
    path = tmp / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(_variants(course, assignment, load_tasks(assignment))["solution"], str(path))
    sandbox = KeepJob(tmp / assignment / "job", BwrapSandbox())
    result = grade_notebook(course, assignment, "s", path, tmp / assignment / "out", sandbox)
    lost = [q.grade_id for q in result.questions
            if q.kind == "auto" and q.points != q.max_points]
    if result.status != "graded" or lost:
        sys.exit(f"{assignment}: the solution was not graded in full ({result.status}, {lost})")
    return sandbox.keep


@dataclass
class HarnessSandbox(BwrapSandbox):
    """The one-shot bwrap sandbox, running the harness where it would run the executor.

    Once ``args`` is set, only the command's tail changes (``-c`` and the harness's
    arguments for ``-m runtime.executor`` and its folders): mounts, uid, limits and cgroup
    are the backend's own, whatever they are (``BwrapSandbox.run``).
    """

    args: tuple[str, ...] = ()

    def command(self, job: Job, *rest: Any, **options: Any) -> list[str]:
        """The backend's command line, with the harness for the executor once ``args`` is set."""
        argv = super().command(job, *rest, **options)
        if not self.args:
            return argv
        code = "import runpy; runpy.run_path('/job/harness.py', run_name='__main__')"
        return [*argv[: argv.index("runtime.executor") - 1], "-c", code, *self.args]


def _harness(course: Course, assignment: str, job_dir: Path, reps: int) -> list[dict[str, Any]]:
    """Run the harness on the job in a bubblewrap sandbox; its rows."""
    shutil.copy(HARNESS, job_dir / "harness.py")
    folders = [job_dir.with_name(f"bench-{d}") for d in ("out0", "work0", "out", "work")]
    for d in folders:
        d.mkdir()
    limits = Limits(memory_mb=course.grader.memory_mb, max_processes=course.grader.max_processes,
                    wall_seconds=1800.0, scratch_mb=course.grader.scratch_mb)
    sandbox = HarnessSandbox()
    # The executor as it is, once: the backend settles how it runs here (a probe it makes,
    # of the host uid say, runs the command unchanged and is kept for the sandbox's life).
    sandbox.run(Job(job_dir, folders[0], folders[1], limits))
    sandbox.args = (str(reps), ",".join(notebook_imports(load_sources(course, assignment))))
    out = folders[2]
    run = sandbox.run(Job(job_dir, out, folders[3], limits))
    result = out / "snapshot_cost.json"
    if run.returncode != 0 or not result.is_file():
        sys.exit(f"{assignment}: the harness failed ({run.returncode}): {run.stderr}")
    rows: list[dict[str, Any]] = json.loads(result.read_text())
    return rows


def _ms(row: dict[str, Any], way: str, i: int) -> float:
    """Median milliseconds (wall i = 0, CPU i = 1) of one way over the repetitions."""
    return 1000 * statistics.median(float(t[i]) for t in row[way])


def _report(assignment: str, rows: list[dict[str, Any]]) -> None:
    """Print one line per question, then the medians per snapshot and per test cell."""
    cells = len({r["cell"] for r in rows})
    print(f"\n{assignment}: {len(rows)} snapshots (questions) after {cells} test cells, "
          f"{sum(r['cases'] for r in rows)} cases; private pid namespaces: "
          f"{all(r['private_pids'] for r in rows)}")
    print(f"  {'question':34} {'cases':>5}   ms wall: inline  fork private  (+snap)"
          f"   ms CPU: inline  fork private  (+snap)")
    for r in rows:
        wall = [_ms(r, w, 0) for w in WAYS]
        cpu = [_ms(r, w, 1) for w in WAYS]
        print(f"  {r['question'][:34]:34} {r['cases']:5}   "
              f"{wall[0]:14.1f} {wall[1]:5.1f} {wall[2]:7.1f} {wall[2] - wall[0]:+8.1f}"
              f"   {cpu[0]:13.1f} {cpu[1]:5.1f} {cpu[2]:7.1f} {cpu[2] - cpu[0]:+8.1f}")
    for i, what in ((0, "wall"), (1, "CPU")):
        fork = [_ms(r, "fork", i) - _ms(r, "inline", i) for r in rows]
        second = [_ms(r, "private", i) - _ms(r, "fork", i) for r in rows]
        whole = [_ms(r, "private", i) - _ms(r, "inline", i) for r in rows]
        print(f"  {what:4} per snapshot, median over questions: fork+exit+reap "
              f"{statistics.median(fork):.1f} ms, private pid namespace "
              f"{statistics.median(second):+.1f} ms, snapshot in all "
              f"{statistics.median(whole):.1f} ms; per test cell {sum(whole) / cells:.1f} ms, "
              f"per submission {sum(whole):.0f} ms")


def main(reps: int, assignments: list[str]) -> None:
    """Measure each assignment's snapshots ``reps`` times each way and print the figures."""
    tmp = Path(tempfile.mkdtemp(prefix="mml-bench-snap-"))
    try:
        course = _course(tmp / "course", assignments)
        jobs = {a: _job(course, a, tmp) for a in assignments}
        print(f"snapshot cost, {reps} repetitions of each way per question "
              f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
        for assignment, job_dir in jobs.items():
            _report(assignment, _harness(course, assignment, job_dir, reps))
        print(f"\n(load average at the end {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9, sys.argv[2:] or list(DEFAULT))
