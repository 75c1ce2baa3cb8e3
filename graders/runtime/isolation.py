"""Processes inside the sandbox: a job's own namespaces, private pids for the calls, the sweep.

:func:`enter_job` runs once per job, in the executor's process, before any student code:
where the kernel lets an unprivileged process create a user namespace (bubblewrap's
sandbox does), the job gets a user namespace and an IPC namespace of its own, so that
no System V segment, semaphore or message queue, and no POSIX message queue, of one
student survives into the next student's job in a warm sandbox; it joins a new
anonymous session key ring; it keeps, of the capabilities its user namespace gave it,
only CAP_SYS_ADMIN (which :func:`fork_private` needs); and it installs the seccomp
filter (:mod:`runtime.seccomp`), which binds every cell, every call and every process
they start. Where user namespaces are refused (a container's default seccomp profile),
the job runs in the sandbox's namespaces and the filter is installed all the same.
What it achieved (:class:`JobIsolation`) the executor writes to the outbox before any
student code runs (``isolation.json``), and the host flags a submission graded with
less (``graders/pipeline/execute.py``). For the tests that prove this, the plan's
``namespaces`` setting skips the namespace step: the host sets it to False only when
its environment has ``MML_TEST_REDUCED_ISOLATION=1`` (never set it to grade a class).

:func:`fork_private` forks the child that makes a test cell's hidden calls (the
snapshot, :mod:`runtime.snapshot`). Where the job owns its user namespace, a short-lived
thread of the executor (the *holder*) unshares a pid namespace (the one namespace the
filter lets it make) and forks: the child, the runner, is the init of that new pid
namespace and runs student code::

    executor ─┬─ holder thread (new pid namespace for its children)
              └─ runner (own process group, pid 1 of the new pid namespace)

The runner cannot name any process outside its namespace: ``os.getppid()`` is 0,
``kill(-1)`` reaches only its own descendants, the pids it reads in ``/proc`` are not
its to signal, and it leads its own process group (so ``kill(0)`` reaches only itself,
and an init ignores its own signals). So a hidden call cannot kill the executor, the
warm server or anything else in the sandbox; and whatever it starts dies with it (the
kernel kills a pid namespace whose init exits). The runner drops the capabilities the
job's user namespace gave it. It dies with the thread that forked it (the kernel's
parent-death signal is per thread), so the holder waits, without reaping, until the
runner has ended; the executor reaps it and reads its status directly.

Only the holder's pid namespace for children changes (the kernel keeps it per thread):
the executor's own threads and forks are untouched, which is why a thread does it and
not the executor itself (a process that unshared a pid namespace cannot create threads
any more). An earlier version forked a relay process per question for the same reason;
the holder thread costs about 0.1 ms where that fork, its exit and reap cost 5 to 8 ms
of CPU (``benchmarks/snapshot_cost.py``). Where namespaces are refused (a container's
seccomp profile), the child runs the calls itself, in its own process group, as calls
always used to run; a call that kills the executor then costs a relaunch
(``graders/pipeline/execute.py``).

:func:`sweep_processes` kills every process of the sandbox but the executor, its
parent and init: after each cell, after each snapshot, and in the warm server between
students.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import seccomp

__all__ = ["SERVER_PID", "JobIsolation", "die_with_parent", "dumpable", "enter_job",
           "fork_private", "kill_group", "kill_private", "not_dumpable", "sweep_processes"]

#: Set by the warm server (runtime/server.py) in the children it forks: its pid,
#: which the children's sweeps spare. The server itself checked that it runs
#: directly under the sandbox's init.
SERVER_PID: int | None = None

CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
_CAP_VERSION_3 = 0x20080522
CAP_SYS_ADMIN = 21
KEYCTL_JOIN_SESSION_KEYRING = 1
#: keyctl's number on x86_64 and aarch64 (runtime.seccomp.SYSCALLS).
_KEYCTL = seccomp.SYSCALLS["keyctl"]
#: A forked child's exit status when its body returned instead of ending the process.
EXIT_BODY_RETURNED = 70

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def not_dumpable() -> None:
    """Forbid ptrace and ``/proc/<pid>/mem`` access to this process by same-uid processes.

    The warm server and the executor call it before any student code runs (the
    processes they fork inherit it), so that no call or cell can write into them.
    """
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumpable() -> None:
    """Undo :func:`not_dumpable` for this process (only the warm server's job child does).

    A non-dumpable process's ``/proc/self`` files belong to the host's root, so a sandbox
    that runs as an unprivileged host uid could not write a job's ``uid_map``. The job child
    is dumpable from its fork until the executor has entered the job's user namespace
    (:func:`enter_job`), while nothing else runs in the sandbox.
    """
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process as soon as the thread that forked it ends."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _write_proc(path: str, text: str) -> None:
    try:
        with open(path, "w") as fh:
            fh.write(text)
    except OSError:
        pass  # best effort: unmapped, ids read as 65534 inside; files are still ours


@dataclass(frozen=True)
class JobIsolation:
    """What :func:`enter_job` could set up (all True in a bubblewrap sandbox).

    Attributes:
        namespaces: the job has its own user and IPC namespaces (and so its snapshots
            private pid namespaces); False where the kernel refuses user namespaces.
        keyring: the job joined a new anonymous session key ring.
        filtered: the seccomp filter is installed.
    """

    namespaces: bool
    keyring: bool
    filtered: bool


def _own_namespaces() -> bool:
    """Enter a new user and IPC namespace, same ids mapped; False if refused."""
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0:
        return False
    _write_proc("/proc/self/setgroups", "deny")
    _write_proc("/proc/self/uid_map", f"{uid} {uid} 1")
    _write_proc("/proc/self/gid_map", f"{gid} {gid} 1")
    return True


def _keep_only_sys_admin() -> None:
    """Drop every capability of the job's user namespace but CAP_SYS_ADMIN.

    CAP_SYS_ADMIN lets :func:`fork_private` unshare a pid namespace (the filter refuses
    every other namespace, and mounts); the rest (overriding file modes, signalling
    any process of the namespace, ...) no cell needs. Nothing is inherited across exec.
    """
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = 1 << CAP_SYS_ADMIN
    _libc.capset(ctypes.byref(_CapHeader(_CAP_VERSION_3, 0)), data)


def _fresh_keyring() -> bool:
    """Join a new anonymous session key ring (the filter then closes the key rings);
    False if refused (nothing to join)."""
    number = _KEYCTL[1] if os.uname().machine in ("aarch64", "arm64") else _KEYCTL[0]
    if number is None:
        return False
    return bool(_libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None) >= 0)


def enter_job(*, namespaces: bool = True) -> JobIsolation:
    """Set this process up as one job's, before any student code (module docstring).

    Must run while the process has a single thread (a user namespace requires it).
    Irreversible: call it in the job's own process only (the executor's start).
    ``namespaces=False`` skips the namespace step (tests of reduced isolation only).
    """
    owned = namespaces and _own_namespaces()
    if owned:
        _keep_only_sys_admin()
    keyring = _fresh_keyring()
    return JobIsolation(owned, keyring, seccomp.install())


def _private_pids() -> bool:
    """Give this thread's children to come a new pid namespace; False if refused.

    Only a job that owns its user namespace (:func:`enter_job`) may: the seccomp filter
    lets ``unshare(CLONE_NEWPID)`` through, and the kernel requires CAP_SYS_ADMIN.
    """
    return bool(_libc.unshare(CLONE_NEWPID) == 0)


def _as_runner() -> None:
    """In the runner, before any student code: own group, die with the holder thread, no
    capability."""
    os.setpgid(0, 0)
    die_with_parent()
    _libc.capset(ctypes.byref(_CapHeader(_CAP_VERSION_3, 0)), (_CapData * 2)())


def _run(body: Callable[[], None], *, runner: bool) -> None:
    """In a forked child: become a runner (or just lead a process group), run ``body``,
    which must end the process; never return."""
    try:
        if runner:
            _as_runner()
        else:
            os.setpgid(0, 0)
        body()
    finally:
        os._exit(EXIT_BODY_RETURNED)


class _Holder(threading.Thread):
    """The thread that forks a runner into a new pid namespace and outlives it (module
    docstring); ``pid`` is the runner's (None: the kernel refused the namespace)."""

    def __init__(self, body: Callable[[], None]) -> None:
        super().__init__(name="mml-snapshot-holder", daemon=True)
        self.body = body
        self.pid: int | None = None
        self.error: OSError | None = None
        self.forked = threading.Event()

    def run(self) -> None:
        try:
            if not _private_pids():
                return
            pid = os.fork()
            if pid == 0:
                _run(self.body, runner=True)
            self.pid = pid
        except OSError as exc:
            self.error = exc
            return
        finally:
            self.forked.set()
        try:  # without reaping: the executor reads the status
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass  # reaped already


def fork_private(body: Callable[[], None], *, private: bool = True) -> int:
    """Fork a child in its own process group that runs ``body``; return the child's pid.

    ``body`` must end the process (``os._exit``). With ``private`` it runs as the init
    of a new pid namespace where the kernel allows (see the module docstring).
    """
    if private:
        holder = _Holder(body)
        holder.start()
        holder.forked.wait()
        if holder.error is not None:
            raise holder.error
        if holder.pid is not None:
            return holder.pid
    pid = os.fork()
    if pid == 0:
        _run(body, runner=False)
    return pid


def kill_private(pid: int) -> None:
    """Kill a child of :func:`fork_private` and all it started.

    In a private pid namespace the child is its init: killing it kills everything in
    that namespace; elsewhere its process group holds what it started.
    """
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    kill_group(pid)


def kill_group(pgid: int) -> None:
    """Kill the process group ``pgid`` (what a reaped snapshot left in it), if any."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def sweep_processes() -> int:
    """Kill every process of the sandbox but this one, its parent and init; return how many.

    The sandbox has its own pid namespace, so ``/proc`` lists only its processes.
    Nothing a cell or a call started (a daemon, a fork bomb) outlives it.
    """
    me, parent = os.getpid(), os.getppid()
    if parent != 1 and parent != SERVER_PID:
        # Only inside the sandbox's own pid namespace, under its init (pid 1) or under
        # the warm server. Elsewhere (the unsafe backend) this would kill host processes.
        return 0
    killed = 0
    for _ in range(200):
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        victims = [p for p in pids if p not in (me, parent, 1)]
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
        time.sleep(0.002)
    _reap()
    return killed


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
