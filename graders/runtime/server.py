"""The warm executor server: imports paid once per worker, a clean forked child per job.

Usage (by ``graders/sandbox/warm.py`` only, inside a long-lived sandbox)::

    python -E -s -m runtime.server INBOX OUTBOX WORK

The server imports numpy and IPython and builds an empty shell once, then reads
job ids, one per line, on standard input. For each id it forks a child that
runs the executor on ``INBOX/<id>`` into ``OUTBOX/<id>`` with ``WORK`` as its
scratch directory, waits for it, and then, before answering ``done <id>`` on
standard output: kills every other process in the sandbox (the sandbox has its
own pid namespace), and wipes ``WORK``, ``/tmp`` and ``/dev/shm``. Nothing of one
student's run survives into the next one's: the child never returns to the
server's loop, holds none of the control channel, and cannot ptrace the server
(the server is not dumpable). Student code never runs in the server itself.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import stat
import sys
from typing import Any

from . import executor
from .capture import make_shell

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
PR_SET_DUMPABLE = 4


def _not_dumpable() -> None:
    """Forbid ptrace and /proc/<pid>/mem access to the server by its (same-uid) children."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _force_remove(func: Any, path: str, _: Any) -> None:
    """rmtree's error handler: make the entry and its parent writable, then retry."""
    for p in (os.path.dirname(path), path):
        try:
            os.chmod(p, stat.S_IRWXU)
        except OSError:
            pass
    try:
        func(path)
    except OSError:
        pass


def wipe(directory: str) -> None:
    """Remove everything inside ``directory`` (which itself stays: it may be a mount)."""
    if not os.path.isdir(directory):
        return
    os.chmod(directory, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX
             if directory in ("/tmp", "/dev/shm") else stat.S_IRWXU)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, onerror=_force_remove)
        else:
            try:
                os.unlink(path)
            except OSError:
                _force_remove(os.unlink, path, None)


def _child(inbox: str, outbox: str, work: str, job_id: str, shell: Any) -> None:
    """Body of the forked child: run one job, then exit without returning to the loop."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.setpgid(0, 0)
        executor.SERVER_PID = os.getppid()
        executor.main(os.path.join(inbox, job_id), os.path.join(outbox, job_id), work, shell)
    finally:
        os._exit(0)


def serve(inbox: str, outbox: str, work: str) -> int:
    """Answer jobs until standard input closes."""
    if os.getppid() != 1:
        print("error: the warm server must run directly under the sandbox's init", flush=True)
        return 2
    _not_dumpable()
    shell = make_shell()
    control_in, control_out = sys.stdin, sys.stdout
    control_out.write("ready\n")
    control_out.flush()
    for line in control_in:
        job_id = line.strip()
        if not _JOB_ID.match(job_id):
            control_out.write(f"error {job_id[:40]}\n")
            control_out.flush()
            continue
        pid = os.fork()
        if pid == 0:
            _child(inbox, outbox, work, job_id, shell)
        os.waitpid(pid, 0)
        executor.SERVER_PID = None
        executor.sweep_processes()
        for directory in (work, "/tmp", "/dev/shm"):
            wipe(directory)
        control_out.write(f"done {job_id}\n")
        control_out.flush()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(serve(sys.argv[1], sys.argv[2], sys.argv[3]))
