"""The bubblewrap backend: the local default.

Each run gets fresh namespaces (``--unshare-all``: no network, own pid, ipc,
uts and cgroup namespaces, an unprivileged uid), a root filesystem holding only
``/usr`` and the Python installation, read-only, the executor package at
``/opt/mml/runtime``, the job read-only at ``/job``, one writable host directory,
``/out`` (results), and three size-limited tmpfs (``Limits.scratch_mb`` each, their
pages charged to the sandbox's memory cgroup): ``/home/student`` (scratch), ``/tmp``
and ``/dev/shm``. A student who fills one gets ``ENOSPC`` there, never a full host
disk, and nothing the host reads is written there (``Job.work_dir`` is not mounted
by this backend). bwrap's own root is remounted read-only, so nothing can be stashed
beside those folders. The course
root is not mounted, so ``source/``, ``graders/`` and ``gradebook.db`` do not
exist inside. The run is bounded by rlimits, a per-sandbox cgroup where one can
be made, and a wall-clock limit after which the whole tree is killed.

When the grader runs as root, bwrap runs as ``host_uid`` (``c.MMLGrader.sandbox_uid``),
so that the sandbox's uid is an unprivileged one outside too, not the host's root
(:mod:`graders.sandbox.hostuser` says how, and why that uid); where the host refuses,
the run is mapped to root as before and its result says so (``SandboxRun.reductions``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graders.sandbox import cgroup
from graders.sandbox.base import Job, SandboxRun, run_with_limits, runtime_dir
from graders.sandbox.hostuser import (
    DEFAULT_UID,
    HostUser,
    Staging,
    hand_over,
    host_user,
    outer_limits,
    prlimit_available,
    refusal,
)

__all__ = ["BwrapSandbox", "sandbox_env"]

INSIDE_RUNTIME = "/opt/mml/runtime"


def sandbox_env() -> dict[str, str]:
    """The whole environment inside the sandbox (nothing of the host's is passed)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/home/student",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _root_fs_args() -> list[str]:
    """Mount /usr read-only and mirror the host's /bin, /lib... (symlinks or binds)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    return args


def _python_args(source: Callable[[str], str] = str) -> list[str]:
    """Mount the interpreter and its environment read-only, hiding the graders package.

    ``source`` gives the host path bwrap binds for a folder (a staging folder when bwrap
    runs as the host user: :class:`graders.sandbox.hostuser.Staging`).
    """
    args: list[str] = []
    prefixes = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
                       sys.prefix})
    for prefix in prefixes:
        if not prefix.startswith("/usr/"):
            args += ["--ro-bind", source(prefix), prefix]
    package = str(runtime_dir().parent)
    if any(package.startswith(p.rstrip("/") + "/") for p in prefixes):
        args += ["--tmpfs", package]  # installed non-editable: the references would be visible
    return args


@dataclass
class BwrapSandbox:
    """Run the executor under bubblewrap.

    Attributes:
        bwrap: path of the bwrap binary.
        python: the interpreter to run inside (the grading environment's).
        host_uid: the host uid bwrap runs as when the grader is root (0: the host's root).
        refused: why bwrap cannot run as ``host_uid`` here (then it runs as root); None
            until a host refuses.
        scratch: where its staging folders (and a warm sandbox's folders) are made (the
            course's ``scratch_dir()``; None: the system's temporary folder).
    """

    bwrap: str = shutil.which("bwrap") or "bwrap"
    python: str = sys.executable
    name: str = "bwrap"
    host_uid: int = DEFAULT_UID
    refused: str | None = None
    scratch: Path | None = None
    _probed: bool = False

    def command(self, job: Job, stage: Staging | None = None) -> list[str]:
        """The full bwrap command line of one run (its sources staged for ``stage.user``)."""
        source: Callable[[str], str] = stage.path if stage is not None else str
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session",
                "--unshare-user", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
                "--cap-drop", "ALL"]
        # bwrap mounts in order, later on top: /tmp first, so that a Python
        # environment that lives under /tmp (a CI clone's .venv) stays visible.
        scratch = str(job.limits.scratch_mb * 2**20)
        args += [*_root_fs_args(), "--proc", "/proc", "--dev", "/dev",
                 "--size", scratch, "--tmpfs", "/dev/shm", "--size", scratch, "--tmpfs", "/tmp"]
        args += _python_args(source)
        args += ["--ro-bind", source(str(runtime_dir())), INSIDE_RUNTIME,
                 "--ro-bind", source(str(job.job_dir)), "/job",
                 "--bind", source(str(job.out_dir)), "/out",
                 "--size", scratch, "--tmpfs", "/home/student",
                 "--remount-ro", "/",  # bwrap's own root tmpfs: nothing may be stashed there
                 "--chdir", "/opt/mml"]
        limit = stage.user.limit_prefix(job.limits.max_processes) if stage is not None else []
        return [*args, *limit, self.python, "-E", "-s", "-m", "runtime.executor",
                "/job", "/out", "/home/student"]

    def host_user(self) -> HostUser | None:
        """Who bwrap runs as: None (the grader's own uid) when not root or the host refused."""
        if self.refused is not None:
            return None
        if self.host_uid == 0 and os.geteuid() == 0:
            self.refused = "c.MMLGrader.sandbox_uid is 0"
            return None
        user = host_user(self.host_uid)
        if user is not None and not prlimit_available():
            self.refused = "prlimit (util-linux) is missing"
            return None
        return user

    def reductions(self) -> tuple[str, ...]:
        """The reduced-isolation flags of a run mapped to root though the grader wanted not."""
        return () if self.refused is None else (refusal(self.host_uid, self.refused),)

    def usable(self, user: HostUser, job: Job) -> bool:
        """Whether bwrap runs as ``user`` here (tried once: its interpreter starts inside).

        A host that refuses (no unprivileged user namespaces, an interpreter that uid
        cannot read) sets :attr:`refused`; the answer is kept for the sandbox's life.
        """
        if self._probed or self.refused is not None:
            return self.refused is None
        self._probed = True
        stage = Staging.create(user, self.scratch)
        try:
            cmd = self.command(job, stage)
            probe = [*cmd[: cmd.index("-m")], "-I", "-S", "-c", "pass"]
            done = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True,
                                  env=sandbox_env(), preexec_fn=stage.enter, timeout=120,
                                  check=False)
            if done.returncode != 0:
                why = done.stderr.decode("utf-8", "replace").strip()[-200:]
                self.refused = f"bwrap failed as that uid: {why or done.returncode}"
        except (OSError, subprocess.SubprocessError) as exc:
            self.refused = f"bwrap could not start as that uid: {exc}"
        finally:
            stage.remove()
        return self.refused is None

    def run(self, job: Job) -> SandboxRun:
        """Run one job; every process of it is dead when this returns."""
        user = self.host_user()
        if user is None or not self.usable(user, job):
            return dataclasses.replace(self._run(job, None), reductions=self.reductions())
        stage = Staging.create(user, self.scratch)
        try:
            hand_over(job.job_dir, job.out_dir, user)
            return self._run(job, stage)
        finally:
            stage.remove()

    def _run(self, job: Job, stage: Staging | None) -> SandboxRun:
        group = cgroup.create(job.limits.max_processes, job.limits.memory_mb * 1024 * 1024 * 2)
        limits = job.limits if stage is None else outer_limits(job.limits)
        return run_with_limits(self.command(job, stage), limits, env=sandbox_env(),
                               enter=group.enter if group else None,
                               kill_all=group.kill_all if group else None,
                               become=stage.enter if stage is not None else None)
