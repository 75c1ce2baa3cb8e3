"""The docker backend's warm mode (the default): one long-lived container per worker.

A fresh container costs about a second before any student code runs (the engine,
then the interpreter, numpy and IPython). Here each grading worker keeps one
container of the grading image running the warm server (``runtime/server.py``) under
the engine's init (``--init``: the server must not be pid 1), and the server forks a
clean child per submission, exactly as in the warm bubblewrap sandbox
(:mod:`graders.sandbox.warm`, whose job loop this reuses): between two submissions
it kills every other process of the container and wipes ``/home/student``, ``/tmp``,
``/dev/shm`` and ``/dev/mqueue``; the host empties the outbox; a job past its
wall-clock limit, or one that kills the server, costs the container (removed by
name, with everything in it) and the next job gets a new one.

The container is confined as in the strict mode (:func:`graders.sandbox.docker.
confinement`: no network, read-only root, no capability, ``no-new-privileges``, uid
1000) with the bubblewrap warm sandbox's bounds: a memory cgroup of twice
``memory_mb`` (the server's pages and one job's) with ``memory_mb`` of data per
process (RLIMIT_DATA: engines cannot set RLIMIT_AS), so a job that allocates too much
meets ``MemoryError`` rather than the kernel's OOM killer, which might pick the server.

Between-jobs guarantees inside a container. Each job calls ``isolation.enter_job``:
where the engine's seccomp profile lets an unprivileged process make a user namespace
(podman's default profile does, with every capability dropped), the job has its own
user and IPC namespaces and private pid namespaces for its hidden calls, as under
bubblewrap. Where the profile refuses (Docker's default profile without
CAP_SYS_ADMIN), the guarantees are kept another way: System V IPC and the key rings
are refused by the job's own seccomp filter anyway, POSIX message queues, which
would outlive the job in the container's IPC namespace, are removed by the server's
wipe of ``/dev/mqueue``; a hidden call then runs in its own process group rather than
a pid namespace, so one that kills the server costs a relaunch of that job (the cell
is blamed), as a one-shot sandbox's would.

The inbox (read-only inside) and the outbox are folders of the host bound into the
container; the outbox is a size-limited tmpfs where the host may mount one (root),
as for bubblewrap. uid 1000 inside is uid 1000 on the host (the engine maps no
users), so the host opens each job's folders to it (:meth:`WarmDockerSandbox.
_hand_over`).
"""

from __future__ import annotations

import shlex
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from graders.sandbox.base import Limits
from graders.sandbox.docker import IMAGE_PYTHON, DockerSandbox, confinement, engine_command
from graders.sandbox.hostuser import HostUser, open_tree
from graders.sandbox.warm import START_TIMEOUT, WarmBwrapSandbox, _mount_outbox, _Server

__all__ = ["WarmDockerSandbox"]


@dataclass
class _Container(_Server):
    """A warm server in a container: killing it removes the container by name."""

    engine: tuple[str, ...] = ()
    container: str = ""

    def kill(self) -> None:
        super().kill()  # the engine's client only: the container lives on without it
        subprocess.run([*self.engine, "rm", "--force", self.container],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False)


@dataclass
class WarmDockerSandbox(WarmBwrapSandbox):
    """A per-worker warm container; ``run`` has the one-shot backend's contract.

    Attributes:
        image: the grading image (``make image``).
        engine: the engine's command line (:func:`graders.sandbox.docker.engine_command`).
    """

    limits: Limits = field(default_factory=Limits)
    image: str = "mml-grader:latest"
    engine: list[str] = field(default_factory=engine_command)
    name: str = "docker"

    def container_command(self, root: Path, container: str) -> list[str]:
        """The ``run`` command line of the warm container named ``container``."""
        lim = self.limits
        cpu = int(lim.cpu_seconds) or int(lim.wall_seconds) + 5
        preload = [] if self.imports is None else [",".join(self.imports)]
        return [
            *self.engine, "run", "-i", "--rm", "--init", "--name", container,
            "--log-driver", "none", *confinement(lim, 2 * lim.memory_mb),
            "--ulimit", f"data={lim.memory_mb * 2**20}:{lim.memory_mb * 2**20}",
            "-v", f"{root / 'inbox'}:/inbox:ro", "-v", f"{root / 'outbox'}:/outbox:rw",
            "-w", "/opt/mml", "--stop-timeout", "1", self.image,
            IMAGE_PYTHON, "-E", "-s", "-m", "runtime.server",
            "/inbox", "/outbox", "/home/student", str(cpu), *preload,
        ]

    def _launch(self, root: Path) -> _Server:
        """Make the folders, start the container (returns at once; ``_ready`` waits)."""
        for d in ("inbox", "outbox"):
            (root / d).mkdir()
        self.bounded_outbox = _mount_outbox(root / "outbox", self.limits.scratch_mb)
        for d in ("inbox", "outbox"):
            (root / d).chmod(0o755)  # uid 1000 inside must reach the job's folders
        container = f"mml-warm-{uuid.uuid4().hex[:16]}"
        # The client runs in the sandbox's folder: podman's conmon leaves an ``oom`` file
        # in its working directory when a container is killed for memory.
        proc = subprocess.Popen(self.container_command(root, container),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True, cwd=root)
        return _Container(proc, None, root, engine=tuple(self.engine), container=container)

    def _hand_over(self, inbox: Path, outbox: Path, user: HostUser | None = None) -> None:
        """Let uid 1000 inside read the job and write its results (``user``: not used)."""
        open_tree(inbox, 0o755, 0o644)
        outbox.chmod(0o777)

    def _start_failure(self) -> str:
        """What to say, with the fix, when the container's server never said it was ready."""
        engine = shlex.join(self.engine)
        return (f"the warm docker container of {self.image!r} did not start (no 'ready' "
                f"within {START_TIMEOUT:.0f} s): check that `{engine} run --rm {self.image} "
                f"{IMAGE_PYTHON} -c 'import runtime.server'` works, rebuild the image with "
                "`make image`, or set c.MMLGrader.docker_mode = 'strict' in nbgrader_config.py")

    def unavailable(self) -> str | None:
        """Why this backend cannot run here, with the fix; None when it can."""
        return DockerSandbox(image=self.image, engine=self.engine).unavailable()
