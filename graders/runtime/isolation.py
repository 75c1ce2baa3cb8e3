"""Processes inside the sandbox: a private pid namespace for the calls, and the sweep.

:func:`fork_private` forks the child that makes a test cell's hidden calls (the
snapshot, :mod:`runtime.snapshot`). Where the kernel lets an unprivileged process
create a user namespace (bubblewrap's sandbox does), the child unshares a user and a
pid namespace and forks the process that runs student code as the init of that new
pid namespace::

    executor ── relay (own process group, new user + pid namespace) ── runner (pid 1)

The runner cannot name any process outside its namespace: ``os.getppid()`` is 0,
``kill(-1)`` reaches only its own descendants, the pids it reads in ``/proc`` are not
its to signal, and it leads its own process group (so ``kill(0)`` reaches only itself,
and an init ignores its own signals). So a hidden call cannot kill the executor, the
warm server, the relay or anything else in the sandbox; and whatever it starts dies
with it (the kernel kills a pid namespace whose init exits). The runner drops the
capabilities the new user namespace gave it, and dies with the relay (parent-death
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

__all__ = ["SERVER_PID", "fork_private", "kill_group", "kill_private", "not_dumpable",
           "sweep_processes"]

#: Set by the warm server (runtime/server.py) in the children it forks: its pid,
#: which the children's sweeps spare. The server itself checked that it runs
#: directly under the sandbox's init.
SERVER_PID: int | None = None

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
_CAP_VERSION_3 = 0x20080522
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


def _private_pids() -> bool:
    """Enter a new user and pid namespace (for the children to come); False if refused."""
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0:
        return False
    _write_proc("/proc/self/setgroups", "deny")
    _write_proc("/proc/self/uid_map", f"{uid} {uid} 1")
    _write_proc("/proc/self/gid_map", f"{gid} {gid} 1")
    return True


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
