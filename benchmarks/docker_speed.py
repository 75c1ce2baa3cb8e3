"""Benchmark, docker mode: seconds per submission with bubblewrap, warm containers and one
container per submission, side by side in one run, on ps1_linear_algebra and quickstart.

    .venv/bin/python benchmarks/docker_speed.py [N]    (default N = 20 per assignment)

For each assignment it builds one class of N submissions (ps1_linear_algebra: the
demo's mix without the time-limit-bound loop and fork bomb; quickstart: nbgrader's
quickstart ps1 class), copies it three times and grades each copy with the command a
TA would type, `mml grade A --course C`, with

- ``--sandbox bwrap`` (the warm bubblewrap sandbox),
- ``--sandbox docker`` (``c.MMLGrader.docker_mode = "warm"``, the default: one
  container per worker),
- ``--sandbox docker`` with ``c.MMLGrader.docker_mode = "strict"`` (a fresh container
  per submission),

checks that the three gradebooks hold the same score for every autograded cell, and
prints seconds per submission for each. Needs the grading image (`make image`) and an
engine (Docker, or podman and runc). Not part of the test suite: it takes minutes.
Separate from benchmarks/throughput.py (nbgrader against mml), which it reuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import BIN, _ps1_course, _timed

REPO = Path(__file__).resolve().parent.parent

MODES = (("bubblewrap (warm)", "bwrap", ""),
         ("docker, warm containers", "docker", "warm"),
         ("docker, one container per submission", "docker", "strict"))


def _grade_three(base: Path, assignment: str, n: int, label: str) -> None:
    """Grade copies of ``base`` in the three modes; print the figures and compare scores."""
    from graders.config import load_course
    from graders.nbgrader_io.quickstart import nbgrader_scores

    print(f"{label}, N = {n} submissions, {os.cpu_count()} cores")
    scores = {}
    for title, sandbox, mode in MODES:
        root = base.parent / f"{sandbox}-{mode or 'warm'}"
        shutil.copytree(base, root, symlinks=True)  # ungraded: its gradebook, if any, is fresh
        if mode:
            with open(root / "nbgrader_config.py", "a") as fh:
                fh.write(f"\nc.MMLGrader.docker_mode = {mode!r}\n")
        seconds = _timed([str(BIN / "mml"), "grade", assignment, "--course", str(root),
                          "--sandbox", sandbox], root)
        print(f"  {title:38s} {seconds:8.1f} s   {seconds / n:7.3f} s per submission")
        course = load_course(root)
        scores[title] = nbgrader_scores(course.db_url, course.course_id, assignment)
    first, *rest = scores.values()
    same = all(other == first for other in rest)
    print(f"  same score for every autograded cell in the three modes: {same}")


def main(n: int) -> None:
    """The three modes on ps1_linear_algebra and on the quickstart assignment."""
    from graders.nbgrader_io.quickstart import copy_course, make_quickstart, quickstart_class

    # The image must hold this checkout's runtime (a stale one grades nothing: the
    # executor refuses a plan of another protocol version); a no-op when up to date.
    subprocess.run(["bash", str(REPO / "scripts" / "build_image.sh")], check=True)
    ps1 = _ps1_course(n)
    base = Path(tempfile.mkdtemp(prefix="mml-bench-docker-")) / "ps1"
    shutil.copytree(ps1, base, symlinks=True)
    _grade_three(base, "ps1_linear_algebra", n, "ps1_linear_algebra")
    qs = make_quickstart(Path(tempfile.mkdtemp(prefix="mml-bench-docker-qs-")) / "base")
    quickstart_class(qs, n)
    _grade_three(copy_course(qs, qs.parent / "qs"), "ps1", n, "quickstart ps1")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
