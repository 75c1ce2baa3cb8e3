"""Benchmark: seconds per submission of `mml grade` over a synthetic ps1 class, by stage.

Run: .venv/bin/python benchmarks/grade_ps1.py [N]   (default N = 40; not part of the tests)

It builds a scratch course (ps1 released with nbgrader), submits N students drawn
from the demo's mix (solutions, partial solutions from the wrong-answer bank,
crashes, a loop, a monkeypatch, a fork bomb, a malformed file, a stub), grades
them with the default workers, and prints wall-clock seconds per submission and
how the workers' time divides: sandbox start (bwrap + interpreter + imports),
notebook execution, hidden checks, judging, and recording in the gradebook.
The peer comparison against `nbgrader autograde` is the throughput issue's
benchmark; this one gives the foundation's own profile.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat

from graders.batch.runner import grade_batch
from graders.commands.demo import ASSIGNMENT, REPO, _submit, build_class
from graders.config import load_course
from graders.nbgrader_io.release import release


def main(n: int) -> None:
    """Grade ``n`` synthetic submissions and print the profile."""
    root = Path(tempfile.mkdtemp(prefix="mml-bench-"))
    (root / "source").mkdir()
    (root / "source" / ASSIGNMENT).symlink_to(REPO / "source" / ASSIGNMENT)
    config = (REPO / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + "\nc.MMLGrader.case_timeout = 3.0\n"
                                             "c.MMLGrader.cell_timeout = 5.0\n")
    course = load_course(root)
    release(course, ASSIGNMENT)
    src = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    rel = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    mix = list(build_class(src, rel, 10).items())
    for i in range(n):
        name, content = mix[i % len(mix)]
        _submit(root, f"{name}_{i:04d}", content)
    start = time.perf_counter()
    results = grade_batch(course, ASSIGNMENT, progress=False)
    wall = time.perf_counter() - start
    totals: dict[str, float] = {}
    for r in results:
        for key, value in r.timings.items():
            totals[key] = totals.get(key, 0.0) + value
    inner = totals.get("startup", 0) + totals.get("notebook", 0) + totals.get("calls", 0)
    stages = {
        "sandbox start (bwrap, interpreter, imports)": totals.get("sandbox", 0) - inner,
        "notebook execution": totals.get("notebook", 0),
        "hidden checks (forked calls)": totals.get("calls", 0) + totals.get("startup", 0),
        "intake + assembly + plan (host)": totals.get("intake", 0) + totals.get("assemble", 0),
        "judging (host)": totals.get("judge", 0),
        "recording (gradebook, coordinator)": totals.get("record", 0),
    }
    workers = course.workers()
    print(f"submissions: {n}   workers: {workers}   wall clock: {wall:.1f} s   "
          f"=> {wall / n:.3f} s per submission")
    print("worker time per submission, by stage (summed over workers, divided by N):")
    for label, seconds in stages.items():
        print(f"  {label:44s} {seconds / n:7.3f} s")
    kinds: dict[str, list[float]] = {}
    for r in results:
        kind = r.student.split("_")[1]
        kinds.setdefault(kind, []).append(sum(r.timings.get(k, 0.0) for k in
                                              ("intake", "assemble", "execute", "judge")))
    print("worker seconds per submission by kind of student (median):")
    for kind, secs in sorted(kinds.items()):
        print(f"  {kind:14s} {sorted(secs)[len(secs) // 2]:6.3f} s  (n={len(secs)})")
    statuses = {s: sum(r.status == s for r in results) for s in ("graded", "partial", "ungradable")}
    print(f"statuses: {statuses}")
    print(f"scratch course: {root}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
