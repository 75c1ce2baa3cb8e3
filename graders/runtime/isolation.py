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
snapshot, :mod:`runtime.snapshot`). Where the job owns its user namespace, the child
unshares a pid namespace (the one namespace the filter lets it make) and forks the
process that runs student code as the init of that new pid namespace::

    executor ── relay (own process group, new pid namespace) ── runner (pid 1)

The runner cannot name any process outside its namespace: ``os.getppid()`` is 0,
``kill(-1)`` reaches only its own descendants, the pids it reads in ``/proc`` are not
its to signal, and it leads its own process group (so ``kill(0)`` reaches only itself,
and an init ignores its own signals). So a hidden call cannot kill the executor, the
warm server, the relay or anything else in the sandbox; and whatever it starts dies
with it (the kernel kills a pid namespace whose init exits). The runner drops the
capabilities the job's user namespace gave it, and dies with the relay (parent-death
signal). The relay runs no student code: it waits for the runner and exits as it did
(same code, same signal); :func:`kill_private` kills both.

The relay costs a second fork of the executor per question (the executor itself cannot
fork into a new pid namespace and keep creating threads). Where namespaces are refused
(a container's seccomp profile), the child runs the calls itself, in its own process
group, as calls always used to run; a call that kills the executor then costs a
relaunch (``graders/pipeline/execute.py``).

:func:`sweep_processes` kills every process of the sandbox but the executor, its
parent and init: after each cell, after each snapshot, and in the warm server between
students.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import seccomp

__all__ = ["SERVER_PID", "JobIsolation", "enter_job", "fork_private", "kill_group",
           "kill_private", "not_dumpable", "sweep_processes"]

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
#: The relay's exit status when it could not start the runner (never student code's).
EXIT_RELAY_FAILED = 70

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
    """Enter a new pid namespace (for the children to come); False if refused.

    Only a job that owns its user namespace (:func:`enter_job`) may: the seccomp filter
    lets ``unshare(CLONE_NEWPID)`` through, and the kernel requires CAP_SYS_ADMIN.
    """
    return bool(_libc.unshare(CLONE_NEWPID) == 0)


def _as_runner() -> None:
    """In the runner, before any student code: own group, die with the relay, no capability."""
    os.setpgid(0, 0)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _libc.capset(ctypes.byref(_CapHeader(_CAP_VERSION_3, 0)), (_CapData * 2)())


def _relay(runner: int) -> None:
    """In the relay: wait for the runner, then end the same way it did."""
    _, status = os.waitpid(runner, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))


def fork_private(body: Callable[[], None], *, private: bool = True) -> int:
    """Fork a child in its own process group that runs ``body``; return the child's pid.

    ``body`` must end the process (``os._exit``). With ``private`` it runs as the init
    of a new pid namespace where the kernel allows (see the module docstring); the
    child's exit status is then the runner's.
    """
    pid = os.fork()
    if pid != 0:
        return pid
    try:
        os.setpgid(0, 0)
        if private and _private_pids():
            runner = os.fork()
            if runner != 0:
                _relay(runner)
            _as_runner()
        body()
    finally:
        os._exit(EXIT_RELAY_FAILED)


def kill_private(pid: int) -> None:
    """Kill a child of :func:`fork_private`, with its runner and all they started.

    The runner is the relay's only child (listed by the kernel in ``/proc``), and the
    init of its pid namespace: killing it kills everything in that namespace.
    """
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            children = [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        children = []  # gone already, or a kernel without the list: the group suffices
    for child in children:
        try:
            os.kill(child, signal.SIGKILL)
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
