"""Throughput benchmark: `mml grade` against `nbgrader autograde`, side by side in one run.

    .venv/bin/python benchmarks/throughput.py quickstart 20 100
    .venv/bin/python benchmarks/throughput.py course 20
    .venv/bin/python benchmarks/throughput.py latency
    .venv/bin/python benchmarks/throughput.py ps1 100 1000

quickstart N...: builds nbgrader's quickstart course, writes N submissions of its
ps1 (a mix of correct, wrong, crashing and partial answers), grades them with
`nbgrader autograde ps1 --create --force` and with `mml grade ps1` (each in a
fresh copy of the course, each as the command a TA would type), checks that
every autograded cell got the same score from both, and prints seconds per
submission for each and the ratio, for each N.

course N: the same comparison on the course's own ps1_linear_algebra: N submissions
(solutions and planted wrong answers, without the time-limit-bound loops), graded by
`nbgrader autograde`, whose kernel runs each hidden region's `check(...)` in-process as an
nbgrader course would, and by `mml grade`; prints the ratio and how many cells disagree
(a student who patches numpy can fool an in-kernel check, never mml's judge).

latency: one ps1_linear_algebra submission regraded end to end by
`mml grade ps1_linear_algebra --student ID --force` (the latency a TA feels in a regrade),
median of 5 runs after one warm-up; then the same with `mml serve ps1_linear_algebra`
running (its warm worker grades, the command records).

ps1 N...: grades N synthetic ps1_linear_algebra submissions (solutions, partial
solutions from the wrong-answer bank, crashes, a monkeypatch, a tampered
notebook, a malformed file, a stub) and prints seconds per submission and the
peak resident memory of the coordinating process, for each N.

Not part of the test suite: it takes minutes. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}


def _timed(cmd: list[str], cwd: Path, env: dict[str, str] = ENV) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _timed_cpu(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the command and the processes it
    waited for; a sandbox's own processes are not counted) of one run of ``cmd``."""
    before = os.times()
    wall = _timed(cmd, cwd)
    after = os.times()
    return wall, (after.children_user - before.children_user
                  + after.children_system - before.children_system)


def quickstart(sizes: list[int]) -> None:
    """nbgrader autograde vs mml grade on quickstart classes of each size."""
    for n in sizes:
        _quickstart(n)


def _quickstart(n: int) -> None:
    """nbgrader autograde vs mml grade on N quickstart submissions."""
    from graders.config import load_course
    from graders.nbgrader_io.quickstart import (
        copy_course,
        make_quickstart,
        nbgrader_scores,
        quickstart_class,
    )

    base = make_quickstart(Path(tempfile.mkdtemp(prefix="mml-bench-qs-")) / "base")
    quickstart_class(base, n)
    theirs = copy_course(base, base.parent / "nbgrader")
    ours = copy_course(base, base.parent / "mml")
    t_nb = _timed([str(BIN / "nbgrader"), "autograde", "ps1", "--create", "--force"], theirs)
    t_mml = _timed([str(BIN / "mml"), "grade", "ps1", "--course", str(ours)], ours)
    course = load_course(ours)
    a = nbgrader_scores(f"sqlite:///{theirs / 'gradebook.db'}", course.course_id)
    b = nbgrader_scores(course.db_url, course.course_id)
    same = a == b and len(a) == n
    print(f"quickstart ps1, N = {n} submissions (2 notebooks each), {os.cpu_count()} cores")
    print(f"  nbgrader autograde: {t_nb:8.1f} s   {t_nb / n:7.3f} s per submission")
    print(f"  mml grade:          {t_mml:8.1f} s   {t_mml / n:7.3f} s per submission")
    print(f"  ratio (submissions per second, mml / nbgrader): {t_nb / t_mml:.1f}x")
    print(f"  same scores for every autograded cell of every student: {same}")
    if not same:
        sys.exit(1)


def _coordinator(root: str) -> None:
    """Run one batch in this process and print its wall time and peak RSS as JSON."""
    from graders.nbgrader_io.env import defer_nbgrader_init

    defer_nbgrader_init()  # as the mml command does, before anything imports nbgrader
    from graders.batch.runner import grade_batch
    from graders.config import load_course

    start = time.perf_counter()
    results = grade_batch(load_course(root), "ps1_linear_algebra", progress=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": len(results), "wall": wall, "peak_mb": peak_kb / 1024}))


def _ps1_course(n: int, mix_filter: tuple[str, ...] = ("loop", "forkbomb")) -> Path:
    """A released ps1_linear_algebra course with N synthetic submissions (see build_class)."""
    import nbformat

    from graders.commands.demo import ASSIGNMENT, REPO, _submit, build_class
    from graders.config import load_course
    from graders.nbgrader_io.release import release

    root = Path(tempfile.mkdtemp(prefix=f"mml-bench-ps1-{n}-"))
    (root / "source").mkdir()
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    (root / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    course = load_course(root)
    release(course, ASSIGNMENT)
    src = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    rel = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                        as_version=4)
    mix = [(k, v) for k, v in build_class(src, rel, 10).items()
           if not k.endswith(mix_filter)]  # time-limit bound, not throughput
    for i in range(n):
        name, content = mix[i % len(mix)]
        _submit(root, f"{name}_{i:05d}", content)
    return root


def course(n: int) -> None:
    """nbgrader autograde (checks run in its kernel) vs mml grade on N ps1 submissions."""
    from graders.config import load_course
    from graders.nbgrader_io.quickstart import copy_course, nbgrader_scores

    assignment = "ps1_linear_algebra"
    base = _ps1_course(n, ("loop", "forkbomb", "malformed"))
    work = Path(tempfile.mkdtemp(prefix="mml-bench-course-"))
    theirs = copy_course(base, work / "nbgrader", assignment)
    ours = copy_course(base, work / "mml", assignment)
    t_nb = _timed([str(BIN / "nbgrader"), "autograde", assignment, "--create", "--force"],
                  theirs)
    t_mml = _timed([str(BIN / "mml"), "grade", assignment, "--course", str(ours)], ours)
    loaded = load_course(ours)
    a = nbgrader_scores(f"sqlite:///{theirs / 'gradebook.db'}", loaded.course_id, assignment)
    b = nbgrader_scores(loaded.db_url, loaded.course_id, assignment)
    differ = sorted(f"{s}:{cell[1]}" for s in b for cell in b[s]
                    if a.get(s, {}).get(cell) != b[s][cell])
    print(f"ps1_linear_algebra, N = {n} submissions, {os.cpu_count()} cores")
    print(f"  nbgrader autograde: {t_nb:8.1f} s   {t_nb / n:7.3f} s per submission")
    print(f"  mml grade:          {t_mml:8.1f} s   {t_mml / n:7.3f} s per submission")
    print(f"  ratio (submissions per second, mml / nbgrader): {t_nb / t_mml:.1f}x")
    print(f"  cells scored differently: {len(differ)} {differ[:6]}")


def latency() -> None:
    """Median wall time of regrading one ps1 submission end to end, after one warm-up."""
    root = _ps1_course(1, ("loop", "forkbomb", "malformed", "partial", "crash", "stub",
                           "monkeypatch", "tampered"))
    student = next((root / "submitted").iterdir()).name
    cmd = [str(BIN / "mml"), "grade", "ps1_linear_algebra", "--course", str(root),
           "--student", student, "--force"]
    _timed(cmd, root)
    runs = [_timed_cpu(cmd, root) for _ in range(5)]
    walls, cpus = sorted(w for w, _ in runs), sorted(c for _, c in runs)
    print(f"one ps1_linear_algebra submission, `mml grade --student {student} --force`:")
    print(f"  median {walls[2]:.2f} s (min {walls[0]:.2f}, max {walls[-1]:.2f}) over 5 runs")
    print(f"  CPU (user + system, sandbox not counted): median {cpus[2]:.2f} s "
          f"(min {cpus[0]:.2f}, max {cpus[-1]:.2f})")
    served = _served_latency(root, cmd)
    print(f"  with `mml serve ps1_linear_algebra` running: median {served[2]:.2f} s "
          f"(min {served[0]:.2f}, max {served[-1]:.2f}) over 5 runs; "
          f"{walls[2] / served[2]:.1f}x faster")


def _served_latency(root: Path, cmd: list[str]) -> list[float]:
    """Sorted wall times of 5 runs of ``cmd`` while ``mml serve`` runs (after one warm-up)."""
    env = {**ENV, "XDG_RUNTIME_DIR": tempfile.mkdtemp(prefix="mml-bench-run-")}
    proc = subprocess.Popen([str(BIN / "mml"), "serve", "ps1_linear_algebra", "--course",
                             str(root)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        if not any("on request at" in line for line in proc.stderr):
            sys.exit("mml serve did not start")
        _timed(cmd, root, env)
        return sorted(_timed(cmd, root, env) for _ in range(5))
    finally:
        proc.terminate()
        proc.wait(60)
        shutil.rmtree(env["XDG_RUNTIME_DIR"], ignore_errors=True)


def ps1(sizes: list[int]) -> None:
    """Seconds per submission and coordinator peak memory over ps1 classes of each size."""
    rows = []
    for n in sizes:
        root = _ps1_course(n)
        out = subprocess.run([sys.executable, __file__, "_coordinator", str(root)], env=ENV,
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(f"ps1_linear_algebra, {os.cpu_count()} cores, default workers")
    for r in rows:
        print(f"  N = {r['n']:5d}: {r['wall']:7.1f} s   {r['wall'] / r['n']:6.3f} s per submission"
              f"   coordinator peak RSS {r['peak_mb']:6.1f} MiB")
    if len(rows) > 1:
        print(f"  peak memory ratio N={rows[-1]['n']} / N={rows[0]['n']}: "
              f"{rows[-1]['peak_mb'] / rows[0]['peak_mb']:.2f}")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "quickstart":
        quickstart([int(a) for a in args] or [20, 100])
    elif mode == "course":
        course(int(args[0]) if args else 20)
    elif mode == "latency":
        latency()
    elif mode == "ps1":
        ps1([int(a) for a in args] or [100, 1000])
    elif mode == "_coordinator":
        _coordinator(args[0])
    else:
        sys.exit(f"usage: {sys.argv[0]} quickstart N... | course N | latency | ps1 N...")
