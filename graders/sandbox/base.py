"""The sandbox interface and what every backend shares: limits, the job, process control."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["JOB_PREFIX", "STAGE_PREFIX", "WARM_PREFIX", "Job", "Limits", "Sandbox", "SandboxRun",
           "owned_by_me", "run_with_limits", "runtime_dir", "set_rlimits"]

#: The names of the folders a grading process makes on the host (in the course's scratch
#: folder) for its jobs, for bubblewrap's staging and for a warm sandbox, each followed by
#: its pid and a dash (:func:`owned_by_me`): a folder whose process is gone was left by a
#: worker killed outright, and the next warm sandbox started there removes it
#: (``warm.py``). Left alone, such folders would stay in ``/dev/shm``, in memory, until
#: the host reboots.
JOB_PREFIX = "mml-job-"
STAGE_PREFIX = "mml-stage-"
WARM_PREFIX = "mml-warm-"


def owned_by_me(prefix: str) -> str:
    """``prefix`` followed by this process's pid and a dash: a ``mkdtemp`` prefix."""
    return f"{prefix}{os.getpid()}-"


def runtime_dir() -> Path:
    """The directory of the in-sandbox executor package (``graders/runtime``)."""
    return Path(__file__).resolve().parent.parent / "runtime"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox.

    Attributes:
        memory_mb: address-space limit per process (RLIMIT_AS), and the memory
            cgroup limit of the whole sandbox where cgroups are writable.
        max_processes: processes alive at once (pids cgroup; RLIMIT_NPROC otherwise).
        wall_seconds: hard wall-clock limit; the whole process tree is killed.
        file_mb: largest file the sandbox may write (RLIMIT_FSIZE).
        open_files: RLIMIT_NOFILE.
        scratch_mb: size of each writable folder of the sandbox, in MiB: the scratch
            folder ``/home/student``, ``/tmp`` and ``/dev/shm`` (each a size-limited
            tmpfs under bubblewrap, its pages charged to the sandbox's memory cgroup)
            and the warm sandbox's outbox (a size-limited tmpfs on the host where the
            host may mount one; otherwise only ``file_mb`` bounds each file there).
        cpu_seconds: CPU time of each process (RLIMIT_CPU); 0 means ``wall_seconds``
            plus 5 s, so that only the wall-clock limit normally applies.
    """

    memory_mb: int = 2048
    max_processes: int = 64
    wall_seconds: float = 600.0
    file_mb: int = 256
    open_files: int = 256
    scratch_mb: int = 512
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    """The three host directories of one sandbox run.

    Attributes:
        job_dir: read-only inside: plan.json and inputs.npz.
        out_dir: writable inside: what the executor reports (read back with caps).
        work_dir: writable inside: the student's current directory.
        limits: resource limits.
    """

    job_dir: Path
    out_dir: Path
    work_dir: Path
    limits: Limits


@dataclass(frozen=True)
class SandboxRun:
    """How one sandbox run ended.

    Attributes:
        returncode: exit status of the sandbox (negative: killed by that signal).
        timed_out: the wall-clock limit was reached and the tree was killed.
        seconds: wall-clock time of the run, sandbox start included.
        stderr: the last bytes the sandbox itself printed (for diagnostics).
        server_died: the warm server died during the job: only the job's own code can
            have killed it, and the executor, killed with its server, may have run a
            few steps past the cell that did it (see ``graders/pipeline/execute.py``).
        reductions: what the host could not give this run that the backend meant to (the
            host's side of isolation, e.g. an unprivileged host uid), in plain words; the
            result gets a reduced-isolation flag for each.
    """

    returncode: int
    timed_out: bool
    seconds: float
    stderr: str
    server_died: bool = False
    reductions: tuple[str, ...] = ()


class Sandbox(Protocol):
    """A sandbox backend."""

    name: str

    def run(self, job: Job) -> SandboxRun:
        """Run the executor on ``job`` and return once every process of it is gone."""
        ...


def set_rlimits(limits: Limits) -> None:
    """Apply rlimits in the child before exec (inherited by everything inside)."""
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits.cpu_seconds) or int(limits.wall_seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def run_with_limits(
    argv: list[str],
    limits: Limits,
    *,
    env: dict[str, str] | None = None,
    enter: Callable[[], None] | None = None,
    kill_all: Callable[[], None] | None = None,
    become: Callable[[], None] | None = None,
) -> SandboxRun:
    """Run ``argv`` in a new session under rlimits; kill the whole tree at the wall limit.

    Args:
        argv: the command (a bwrap or docker invocation).
        limits: the limits to apply.
        env: the environment of the command (the host's is never passed through).
        enter: called in the child before exec (e.g. to join a cgroup).
        kill_all: called after the run to kill anything left (e.g. the cgroup's processes).
        become: called in the child last, after the rlimits (e.g. to drop to a host user).
    """

    def preexec() -> None:
        if enter is not None:
            enter()
        set_rlimits(limits)
        if become is not None:
            become()

    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env or {}, start_new_session=True,
                            preexec_fn=preexec)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        _, err = proc.communicate()
    finally:
        _kill_group(proc.pid)
        if kill_all is not None:
            kill_all()
    text = err.decode("utf-8", "replace")[-2000:] if err else ""
    return SandboxRun(proc.returncode, timed_out, time.perf_counter() - start, text)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
