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
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from graders.sandbox import cgroup
from graders.sandbox.base import Job, SandboxRun, run_with_limits, runtime_dir

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


def _python_args() -> list[str]:
    """Mount the interpreter and its environment read-only, hiding the graders package."""
    args: list[str] = []
    prefixes = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
                       sys.prefix})
    for prefix in prefixes:
        if not prefix.startswith("/usr/"):
            args += ["--ro-bind", prefix, prefix]
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
    """

    bwrap: str = shutil.which("bwrap") or "bwrap"
    python: str = sys.executable
    name: str = "bwrap"

    def command(self, job: Job) -> list[str]:
        """The full bwrap command line of one run."""
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session",
                "--unshare-user", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
                "--cap-drop", "ALL"]
        # bwrap mounts in order, later on top: /tmp first, so that a Python
        # environment that lives under /tmp (a CI clone's .venv) stays visible.
        scratch = str(job.limits.scratch_mb * 2**20)
        args += [*_root_fs_args(), "--proc", "/proc", "--dev", "/dev",
                 "--size", scratch, "--tmpfs", "/dev/shm", "--size", scratch, "--tmpfs", "/tmp"]
        args += _python_args()
        args += ["--ro-bind", str(runtime_dir()), INSIDE_RUNTIME,
                 "--ro-bind", str(job.job_dir), "/job",
                 "--bind", str(job.out_dir), "/out",
                 "--size", scratch, "--tmpfs", "/home/student",
                 "--remount-ro", "/",  # bwrap's own root tmpfs: nothing may be stashed there
                 "--chdir", "/opt/mml"]
        return [*args, self.python, "-E", "-s", "-m", "runtime.executor",
                "/job", "/out", "/home/student"]

    def run(self, job: Job) -> SandboxRun:
        """Run one job; every process of it is dead when this returns."""
        group = cgroup.create(job.limits.max_processes, job.limits.memory_mb * 1024 * 1024 * 2)
        return run_with_limits(self.command(job), job.limits, env=sandbox_env(),
                               enter=group.enter if group else None,
                               kill_all=group.kill_all if group else None)
