"""The docker backend's warm mode, for real: the warm sandbox's and the isolation suite's
cross-student cases (a representative subset) run through one long-lived container.

Two students through one warm container, attacker first: nothing of the first one's
files, processes, patched modules, System V IPC, POSIX message queues or descriptors
reaches the second; a job that kills the server or outlives its wall-clock limit costs
the container, not the next student. Skipped, with the reason, only where no engine
can run a container (test_docker.py's check); the image is built by its fixture.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
import test_isolation as isolation
import test_warm as warm_cases
from test_docker import ENGINE, IMAGE, NO_ENGINE
from test_docker import docker as docker

from graders.sandbox import Limits
from graders.sandbox.docker import DockerSandbox
from graders.sandbox.docker_warm import WarmDockerSandbox, _Container

pytestmark = pytest.mark.skipif(bool(NO_ENGINE), reason=NO_ENGINE)


@pytest.fixture(scope="module")
def warm(docker: DockerSandbox) -> Iterator[WarmDockerSandbox]:
    sandbox = WarmDockerSandbox(Limits(wall_seconds=30), image=IMAGE, engine=ENGINE)
    yield sandbox
    sandbox.close()


def _containers() -> set[str]:
    """Names of the warm containers the engine holds (running or not)."""
    out = subprocess.run([*ENGINE, "ps", "-a", "--format", "{{.Names}}"], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    return {n for n in out.split() if n.startswith("mml-warm-")}


def test_nothing_survives_between_students(warm: WarmDockerSandbox) -> None:
    _, baseline = warm_cases.run(warm, [warm_cases.LOOK])
    _, a = warm_cases.run(warm, [warm_cases.LEAVE_TRACES])
    assert "A done" in a
    _, b = warm_cases.run(warm, [warm_cases.LOOK])
    assert b == baseline == "[] []\nFalse\nFalse\n[1.0, 1.0] 3\n"


MQ_ATTACK = """
import ctypes, os
rt = ctypes.CDLL('librt.so.1', use_errno=True)
q = rt.mq_open(b'/mml-secret', os.O_CREAT | os.O_RDWR, 0o666, None)
print('made', q >= 0, os.listdir('/dev/mqueue'))
"""

MQ_LOOK = """
import ctypes, os
rt = ctypes.CDLL('librt.so.1', use_errno=True)
print('found', rt.mq_open(b'/mml-secret', os.O_RDONLY) >= 0, os.listdir('/dev/mqueue'))
"""


def test_ipc_and_descriptors_do_not_survive(warm: WarmDockerSandbox) -> None:
    """System V IPC (refused), POSIX message queues (own namespace, or wiped), descriptors."""
    attack, _ = isolation.run(warm, [isolation.SHM_ATTACK])
    assert attack == "shm -1 sem -1 msg -1 EPERM\n"
    look, _ = isolation.run(warm, [isolation.SHM_LOOK])
    assert look == "left 0\n"
    # Where the job owns its user and IPC namespaces (podman), mq_open is refused there
    # (EOVERFLOW: the queue's owner is not mapped); elsewhere the queue is made and the
    # server's wipe of /dev/mqueue removes it. Either way the next job finds nothing.
    made, _ = isolation.run(warm, [MQ_ATTACK])
    assert made.startswith("made "), made
    found, _ = isolation.run(warm, [MQ_LOOK])
    assert found == "found False []\n"
    isolation.run(warm, [isolation.FD_ATTACK])
    look, _ = isolation.run(warm, [isolation.FD_LOOK])
    assert look == "False []\n[0, 1, 2] {'/dev/null'}\n"


def test_the_filter_and_the_server_guard_hold(warm: WarmDockerSandbox) -> None:
    """The job's own seccomp filter on top of the engine's; the server cannot be read."""
    out, _ = isolation.run(warm, [isolation.PROBE, "print(probe())"])
    assert out == isolation.DENIED + "\n"
    warm_cases.test_server_cannot_be_traced_or_read(warm)


def test_a_killed_server_or_a_run_past_its_limit_costs_only_the_container(
        warm: WarmDockerSandbox) -> None:
    warm_cases.run(warm, ["print('warm')"])
    assert isinstance(warm._server, _Container)
    first, replaced = warm._server.root, {warm._server.container}
    result, _ = warm_cases.run(warm, ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"])
    assert result.returncode != 0 and not first.exists()
    result, out = warm_cases.run(warm, ["print('next student')"])
    assert result.returncode == 0 and out == "next student\n"
    assert isinstance(warm._server, _Container)
    replaced.add(warm._server.container)
    result, _ = warm_cases.run(warm, ["import signal, time\n"
                                      "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                      "while True:\n    time.sleep(0.05)"], wall=3.0)
    assert result.timed_out
    result, out = warm_cases.run(warm, ["print('fresh')"])
    assert result.returncode == 0 and out == "fresh\n"
    assert warm._server is not None and warm._server.root.exists()
    assert not replaced & _containers()  # the replaced containers are gone


def test_a_closed_warm_container_is_gone(docker: DockerSandbox) -> None:
    sandbox = WarmDockerSandbox(Limits(wall_seconds=30), image=IMAGE, engine=ENGINE)
    warm_cases.run(sandbox, ["print('x')"])
    assert sandbox._server is not None
    root, before = sandbox._server.root, _containers()
    sandbox.close()
    assert not root.exists() and len(before - _containers()) == 1
