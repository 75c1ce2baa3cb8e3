"""The docker backend, for real: the grading image built from the Dockerfile, run by
Docker or podman, probed from inside and grading ps1 with bubblewrap's scores.

Skipped, with the reason, only where no engine can run a container (neither a
Docker engine nor podman). Where one can, the session builds the image with
scripts/build_image.sh (cached: a second build of the same inputs is a no-op) and
a failed build fails the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jobs import cell_records, cell_text, make_job
from notebooks import REPO, solved_submission

from graders.config import load_course
from graders.pipeline.grade import grade_notebook
from graders.sandbox import Limits
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.docker import DockerSandbox, engine_command

PS1 = "ps1_linear_algebra"
IMAGE = "mml-grader:latest"


def _engine_or_reason() -> tuple[list[str], str]:
    engine = engine_command()
    if shutil.which(engine[0]) is None:
        return engine, "neither a Docker engine nor podman is installed (make bootstrap)"
    probe = subprocess.run([*engine, "info"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        return engine, f"{' '.join(engine)} cannot run containers here: {probe.stderr[-300:]}"
    return engine, ""


ENGINE, NO_ENGINE = _engine_or_reason()
pytestmark = pytest.mark.skipif(bool(NO_ENGINE), reason=NO_ENGINE)


@pytest.fixture(scope="session")
def docker() -> Iterator[DockerSandbox]:
    """The backend on the freshly built (or up-to-date) grading image."""
    build = subprocess.run(["bash", str(REPO / "scripts" / "build_image.sh")],
                           capture_output=True, text=True, timeout=3000)
    assert build.returncode == 0, build.stderr[-3000:]
    yield DockerSandbox(image=IMAGE, engine=ENGINE)


def run_cells(tmp: Path, sandbox: DockerSandbox, cells: list[str],
              limits: Limits) -> tuple[int, list[str]]:
    """Run ``cells`` in one job; the exit status and each cell's printed text."""
    job = make_job(tmp, cells, limits, cell_timeout=30.0, output_cap=20000,
                   inputs={"x": np.arange(3.0)})
    result = sandbox.run(job)
    texts = [cell_text(r) + str(r.get("error") or "") for r in cell_records(job)]
    assert result.returncode == 0, result.stderr
    return result.returncode, texts


PROBE = [
    "import os\nprint(os.getuid(), os.getgid())",
    # No network: no interface but loopback, and nothing outside is reachable.
    "import os, socket\nprint(sorted(os.listdir('/sys/class/net')))\n"
    "s = socket.socket()\ns.settimeout(3)\n"
    "try:\n    s.connect(('192.0.2.1', 80))\n    print('connected')\n"
    "except OSError as e:\n    print('refused', e.errno)",
    # No capability, no new privileges, a seccomp filter of the job's own on top of
    # the engine's (runtime.isolation.enter_job).
    "fields = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines()"
    " if ':\\t' in l)\n"
    "import os\nopen('/home/student/f', 'w').close()\ndenied = []\n"
    "for act in (lambda: os.setuid(0), lambda: os.chown('/home/student/f', 0, 0)):\n"
    "    try:\n        act()\n    except OSError as e:\n        denied.append(e.errno)\n"
    "print(fields['CapEff'].strip(), fields['NoNewPrivs'].strip(),"
    " fields['Seccomp'].strip(), fields.get('Seccomp_filters', '?').strip(), len(denied))",
    # A read-only root: neither the system nor the executor can be written.
    "import errno\nfor p in ('/usr/lib/x', '/opt/mml/runtime/x', '/x'):\n"
    "    try:\n        open(p, 'w')\n        print('wrote', p)\n"
    "    except OSError as e:\n        print(errno.errorcode[e.errno])",
    # The cgroup limits, in cgroup v2's or v1's files.
    "import os\ndef first(*paths):\n"
    "    for p in paths:\n        if os.path.exists(p):\n"
    "            return open(p).read().strip()\n"
    "print(first('/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'),"
    " first('/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max'))",
    # The pid limit in force: forking past it fails.
    "import os, time\nkids, err = [], None\nfor _ in range(80):\n"
    "    try:\n        pid = os.fork()\n    except OSError as e:\n        err = e.errno\n"
    "        break\n    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n"
    "    kids.append(pid)\nfor k in kids:\n    os.kill(k, 9)\n    os.waitpid(k, 0)\n"
    "print(len(kids) < 40, err)",
    # The memory limit in force: a 400 MiB allocation in a 256 MiB container fails or is killed.
    "import subprocess, sys\nr = subprocess.run([sys.executable, '-c', "
    "'b = bytearray(400 * 2**20); b[::4096] = b\"x\" * len(b[::4096]); print(\"kept\")'],"
    " capture_output=True, text=True)\nprint(r.returncode != 0, 'kept' in r.stdout)",
]


def test_probe_inside_the_container(tmp_path: Path, docker: DockerSandbox,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No network, no capability, read-only root, memory and pid limits in force, uid 1000;
    and a container killed for memory leaves nothing in the grader's working directory
    (podman's conmon writes an ``oom`` file into its own)."""
    limits = Limits(wall_seconds=300, memory_mb=256, max_processes=40)
    here = tmp_path / "course"
    here.mkdir()
    monkeypatch.chdir(here)
    _, out = run_cells(tmp_path, docker, PROBE, limits)
    assert os.listdir(here) == []
    assert out[0].split() == ["1000", "1000"], out[0]
    assert out[1].split("\n")[0] == "['lo']" and "refused" in out[1], out[1]
    assert len(out[2].split()) == 5, out[2]
    cap_eff, nnp, mode, filters, denied = out[2].split()
    # The container dropped every capability. Where the kernel lets the job make its
    # own user namespace (enter_job), the job keeps CAP_SYS_ADMIN there, and only there
    # (it owns nothing of the container's), to make private pid namespaces, as in bwrap:
    # becoming root or giving a file away is refused all the same.
    assert (nnp, mode, denied) == ("1", "2", "2"), out[2]
    assert cap_eff in ("0000000000000000", f"{1 << 21:016x}"), out[2]
    assert filters == "?" or int(filters) >= 2, out[2]  # the engine's and the job's own
    assert out[3].split() == ["EROFS", "EROFS", "EROFS"], out[3]
    assert out[4].split() == [str(256 * 2**20), "40"], out[4]
    assert out[5].split() == ["True", "11"], out[5]  # EAGAIN below the 40-process limit
    assert out[6].split() == ["True", "False"], out[6]


def ps1_submission(root: Path, student: str, answer: str, extra: str) -> Path:
    """The ps1 solution with ``extra`` at the end of the answer cell ``answer``."""
    return solved_submission(root, student, PS1, answer, extra)


def test_ps1_scores_equal_bubblewraps(tmp_path: Path, docker: DockerSandbox) -> None:
    """A right and a wrong ps1 submission get the same per-question scores in both sandboxes."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "source" / PS1, root / "source" / PS1)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    course = load_course(root)
    students = {"s01_right": "", "s02_wrong": "solve = lambda A, b: b * 1.0"}
    scores: dict[str, dict[str, Any]] = {}
    for name, sandbox in (("bwrap", BwrapSandbox()), ("docker", docker)):
        for student, extra in students.items():
            path = ps1_submission(root, f"{name}-{student}", "la1_solve", extra)
            result = grade_notebook(course, PS1, student, path,
                                    root / "autograded" / f"{name}-{student}" / PS1, sandbox)
            assert result.sandbox == name
            scores[f"{name}/{student}"] = {q.grade_id: q.points for q in result.questions}
    for student in students:
        assert scores[f"docker/{student}"] == scores[f"bwrap/{student}"], student
    right, wrong = scores["docker/s01_right"], scores["docker/s02_wrong"]
    assert right["la1_solve_test"] == 3.0 and wrong["la1_solve_test"] == 0.0, (right, wrong)
