"""Benchmark: CPU seconds and outbox files of one ps1_linear_algebra job on a warm sandbox.

    .venv/bin/python benchmarks/per_job.py [K]   (default K = 10; not part of the tests)

Wall-clock time on a shared machine says little, so this counts what a busy machine does
not change: CPU seconds (user + system) and files. It builds a scratch course with one
solution of ps1_linear_algebra and, in this process (as a grading worker does), grades it
with ``grade_notebook`` on a warm bubblewrap sandbox: once to warm up, then K more times.
It prints, per job:

- the host's CPU seconds (this process: intake, assembly, plan, reading the outbox,
  judging, writing the autograded notebook);
- the sandbox's CPU seconds: (CPU of a sandbox that ran 1 + K jobs minus that of one that
  ran 1) / K, read from ``/proc`` (the warm server's own and its reaped jobs');
- the files the job left in its outbox (markers, records, arrays), by kind;
- the wall-clock seconds (median), for reference only.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import nbformat

from graders.batch.pool import notebook_imports
from graders.commands.demo import ASSIGNMENT, REPO, _submit, build_class
from graders.config import Course, load_course
from graders.nbgrader_io.release import release
from graders.pipeline.grade import grade_notebook
from graders.pipeline.source import load_sources
from graders.sandbox import make_sandbox
from graders.sandbox.warm import WarmBwrapSandbox


def _course() -> tuple[Course, Path]:
    """A scratch course with ps1 released and one solution submitted; the solution's path."""
    root = Path(tempfile.mkdtemp(prefix="mml-bench-job-"))
    (root / "source").mkdir()
    (root / "source" / ASSIGNMENT).symlink_to(REPO / "source" / ASSIGNMENT)
    (root / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    course = load_course(root)
    release(course, ASSIGNMENT)
    src = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    rel = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                        as_version=4)
    name, content = next((k, v) for k, v in build_class(src, rel, 10).items()
                         if "solution" in k)
    _submit(root, name, content)
    return course, next((root / "submitted" / name / ASSIGNMENT).glob("*.ipynb"))


def _sandbox_cpu(sandbox: WarmBwrapSandbox) -> float:
    """CPU seconds of the sandbox's processes so far: each one's own and its reaped children's.

    The warm server reaps every job it forks (and a job the snapshots it forks), so the
    server's counters hold all the jobs'; read from ``/proc`` before the sandbox is closed
    (a sandbox killed whole is never reaped by this process).
    """
    server = sandbox._server
    if server is None:
        return 0.0
    stats: dict[int, list[str]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stats[int(entry)] = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
    ours, grew = {server.proc.pid}, True
    while grew:  # the processes descended from the sandbox's bwrap
        found = {pid for pid, f in stats.items() if int(f[1]) in ours} - ours
        ours, grew = ours | found, bool(found)
    ticks = sum(int(x) for pid in ours if pid in stats
                for x in stats[pid][11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _outbox_files(sandbox: WarmBwrapSandbox) -> Counter[str]:
    """What one job leaves in its outbox, by kind (counted through ``Job.out_dir``)."""
    counts: Counter[str] = Counter()
    original = sandbox.run

    def run(job):  # type: ignore[no-untyped-def]
        result = original(job)
        for path in job.out_dir.rglob("*"):
            if path.is_file():
                kind = ("cell marker" if path.name.startswith("cell-") else
                        path.suffix if path.parent.name == "calls" else path.name)
                counts[kind] += 1
        return result

    sandbox.run = run  # type: ignore[method-assign]
    return counts


def _session(course: Course, path: Path, jobs: int,
             out: Path) -> tuple[list[float], list[float], float, Counter[str]]:
    """Grade ``path`` ``jobs`` times on one warm sandbox; host CPU and wall per job, the
    sandbox's CPU, the outbox's files by kind."""
    sandbox = make_sandbox(course, warm=True)  # as a grading worker makes it
    if not isinstance(sandbox, WarmBwrapSandbox):
        sys.exit("this benchmark needs the warm bubblewrap sandbox (c.MMLGrader.sandbox)")
    sandbox.imports = notebook_imports(load_sources(course, ASSIGNMENT))
    counts = _outbox_files(sandbox)
    cpu, wall = [], []
    try:
        for i in range(jobs):
            c0, w0 = time.process_time(), time.perf_counter()
            grade_notebook(course, ASSIGNMENT, "s", path, out / str(i), sandbox)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        used = _sandbox_cpu(sandbox)
    finally:
        sandbox.close()
    return cpu, wall, used, counts


def main(k: int) -> None:
    """Print the per-job figures over ``k`` measured jobs."""
    course, path = _course()
    out = Path(tempfile.mkdtemp(prefix="mml-bench-job-out-"))
    one = _session(course, path, 1, out)[2]
    cpu, wall, many, counts = _session(course, path, 1 + k, out)
    per_job = sum(counts.values()) / (1 + k)
    print(f"one ps1_linear_algebra solution, {k} jobs on a warm sandbox "
          f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
    print(f"  host CPU per job:    median {statistics.median(cpu[1:]):.3f} s")
    print(f"  sandbox CPU per job: {(many - one) / k:.3f} s")
    print(f"  wall per job:        median {statistics.median(wall[1:]):.3f} s (reference only)")
    print(f"  outbox files per job: {per_job:.0f} "
          + ", ".join(f"{kind} {n / (1 + k):.0f}" for kind, n in counts.most_common()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
