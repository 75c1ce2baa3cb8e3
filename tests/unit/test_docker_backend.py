"""The docker backend without an engine: the warm container's command line, the image's
runtime label (the batch's pre-flight) and the messages that name the fix.

The engine itself is exercised in tests/e2e/test_docker*.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from notebooks import REPO, make_course, source_notebook, submit

from graders.batch.runner import grade_batch
from graders.config import load_course
from graders.errors import SandboxUnavailable
from graders.sandbox import Job, Limits
from graders.sandbox.docker import (
    IMAGE_PYTHON,
    NPROC_BACKSTOP,
    RUNTIME_LABEL,
    image_mismatch,
    runtime_digest,
)
from graders.sandbox.docker_warm import WarmDockerSandbox
from graders.sandbox.warm import WarmBwrapSandbox

LIMITS = Limits(memory_mb=512, max_processes=48, wall_seconds=30, file_mb=16, open_files=256,
                scratch_mb=64)


def _options(cmd: list[str], image: str) -> list[tuple[str, str]]:
    """The ``run`` options before the image, as (flag, value) pairs ('' for a bare flag)."""
    args = cmd[cmd.index("run") + 1: cmd.index(image)]
    bare = {"-i", "--rm", "--init", "--read-only"}
    pairs, i = [], 0
    while i < len(args):
        if args[i] in bare:
            pairs.append((args[i], ""))
            i += 1
        else:
            pairs.append((args[i], args[i + 1]))
            i += 2
    return pairs


def test_the_warm_containers_command_line(tmp_path: Path) -> None:
    """No network, read-only root, no capability, no new privileges, uid 1000, the memory
    (twice memory_mb: the server and one job), pid and rlimit bounds, two mounts only."""
    sandbox = WarmDockerSandbox(LIMITS, image="mml-grader:test", engine=["podman", "--x"])
    cmd = sandbox.container_command(tmp_path, "mml-warm-0123")
    assert cmd[:3] == ["podman", "--x", "run"]
    opts = _options(cmd, "mml-grader:test")
    flags = [f for f, _ in opts]
    for bare in ("-i", "--rm", "--init", "--read-only"):
        assert bare in flags, bare
    single = dict(opts)
    assert single["--name"] == "mml-warm-0123"
    assert single["--network"] == "none"
    assert single["--cap-drop"] == "ALL" and "--cap-add" not in single
    assert single["--security-opt"] == "no-new-privileges"
    assert single["--user"] == "1000:1000"
    assert single["--memory"] == single["--memory-swap"] == "1024m"
    assert single["--pids-limit"] == "48" and single["--cpus"] == "1"
    assert "--privileged" not in flags and "--pid" not in single and "--ipc" not in single
    ulimits = sorted(v for f, v in opts if f == "--ulimit")
    assert ulimits == sorted([f"fsize={16 * 2**20}", "nofile=256:256", "core=0",
                              f"nproc={NPROC_BACKSTOP}:{NPROC_BACKSTOP}",
                              f"data={512 * 2**20}:{512 * 2**20}"])
    assert sorted(v for f, v in opts if f == "-v") == [f"{tmp_path / 'inbox'}:/inbox:ro",
                                                     f"{tmp_path / 'outbox'}:/outbox:rw"]
    assert sorted(v for f, v in opts if f == "--tmpfs") == [
        "/dev/shm:rw,size=64m", "/home/student:rw,size=64m,mode=1777", "/tmp:rw,size=64m"]
    assert cmd[cmd.index("mml-grader:test") + 1:] == [
        IMAGE_PYTHON, "-E", "-s", "-m", "runtime.server", "/inbox", "/outbox", "/home/student",
        "35"]  # RLIMIT_CPU: wall + 5 s when cpu_seconds is unset


def test_the_runtime_digest_is_the_build_scripts_label() -> None:
    """build_image.sh labels the image with the same hash the grader checks before a batch."""
    script = (REPO / "scripts" / "build_image.sh").read_text()
    line = next(x for x in script.splitlines() if x.startswith('runtime="$('))
    shell = subprocess.run(["bash", "-c", f"{line}\necho \"$runtime\""], cwd=REPO,
                           capture_output=True, text=True, timeout=60, check=True)
    assert shell.stdout.strip() == runtime_digest()
    assert f'--label "{RUNTIME_LABEL}=$runtime"' in script
    assert 'echo "mml.runtime=$runtime"' in script  # in the inputs: an old image is rebuilt


def test_an_image_of_another_runtime_is_refused_with_the_fix() -> None:
    assert image_mismatch("mml-grader:latest", runtime_digest()) is None
    stale = image_mismatch("mml-grader:latest", "0" * 32)
    assert stale is not None and "make image" in stale and "0" * 32 in stale
    assert runtime_digest() in stale and "another graders/runtime" in stale
    unlabelled = image_mismatch("python:3.11-slim", "")
    assert unlabelled is not None and "no mml.runtime label" in unlabelled
    assert "make image" in unlabelled and "'python:3.11-slim'" in unlabelled


def test_a_batch_stops_before_grading_when_the_backend_cannot_run(tmp_path: Path) -> None:
    """The pre-flight: one clear error naming the fix, instead of a class of ungradables."""
    root = make_course(tmp_path / "course")
    submit(root, "s01", source_notebook())
    false = shutil.which("false")
    assert false is not None
    course = load_course(root, sandbox="docker", docker_command=false)
    with pytest.raises(SandboxUnavailable) as err:
        grade_batch(course, "tiny", progress=False)
    assert "make image" in str(err.value) and "nbgrader_config.py" in str(err.value)
    assert not (root / ".mml" / "results").exists()


def test_a_warm_container_that_does_not_start_names_docker_and_the_fix(tmp_path: Path) -> None:
    """An engine that exits at once (here ``false``): the message is docker's, not bwrap's."""
    false = shutil.which("false")
    assert false is not None
    sandbox = WarmDockerSandbox(LIMITS, image="mml-grader:test", engine=[false])
    job = Job(tmp_path / "job", tmp_path / "out", tmp_path / "work", LIMITS)
    for d in (job.job_dir, job.out_dir):
        d.mkdir()
    with pytest.raises(RuntimeError) as err:
        sandbox.run(job)
    message = str(err.value)
    assert "docker container of 'mml-grader:test'" in message and "make image" in message
    assert f"{false} run --rm mml-grader:test" in message and "bubblewrap" not in message
    assert sandbox._server is None
    bwrap = WarmBwrapSandbox(LIMITS)._start_failure()
    assert "bubblewrap" in bwrap and "bwrap --ro-bind / / true" in bwrap
