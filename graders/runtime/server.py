"""The warm executor server: imports paid once per worker, a clean forked child per job.

Usage (by ``graders/sandbox/warm.py`` only, inside a long-lived sandbox)::

    python -E -s -m runtime.server INBOX OUTBOX WORK

The server imports numpy and IPython, builds an empty shell once, and imports the
heavy modules the course's notebooks import (:data:`PRELOAD`: ``scipy.linalg`` costs
about 0.45 s of CPU per import, ``matplotlib.pyplot`` about 1 s), so that a student's
``import`` of them finds them loaded; a student who patches one patches only their own
child's copy. It then reads job ids, one per line, on standard input. For each id
it forks a child that runs the executor on ``INBOX/<id>`` into ``OUTBOX/<id>`` with
``WORK`` as its scratch directory, waits for it, and then, before answering
``done <id>`` on standard output: kills every other process in the sandbox (the
sandbox has its own pid namespace), and wipes ``WORK``, ``/tmp`` and ``/dev/shm``. Nothing of one
student's run survives into the next one's: the child never returns to the
server's loop, holds none of the control channel, and cannot ptrace the server
(the server is not dumpable). Student code never runs in the server itself.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import stat
import sys
from typing import Any

from . import executor, isolation
from .capture import make_shell

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

#: Modules imported once by the server (each skipped if the environment lacks it).
PRELOAD = ("scipy.linalg", "matplotlib.pyplot")


def _preload() -> None:
    """Import :data:`PRELOAD` (matplotlib with the Agg backend the sandbox's env sets)."""
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # not installed, or broken: students import it
            continue


def _remove(path: str, device: int) -> None:
    """Remove ``path`` and what it holds, never crossing into another filesystem.

    Mount points (the read-only Python environment when it lives under /tmp) and
    the directories bwrap made to hold them stay; a student's files around them go.
    Entries a student made unwritable are made writable first (same owner).
    """
    try:
        st = os.lstat(path)
    except OSError:
        return
    if st.st_dev != device:
        return
    if stat.S_ISDIR(st.st_mode):
        try:
            os.chmod(path, stat.S_IRWXU)
            names = os.listdir(path)
        except OSError:
            return
        for name in names:
            _remove(os.path.join(path, name), device)
        try:
            os.rmdir(path)
        except OSError:
            pass  # still holds a mount point: keep it
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def wipe(directory: str) -> None:
    """Remove everything inside ``directory`` (which itself stays: it may be a mount)."""
    try:
        device = os.lstat(directory).st_dev
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        _remove(os.path.join(directory, name), device)


def _child(inbox: str, outbox: str, work: str, job_id: str, shell: Any) -> None:
    """Body of the forked child: run one job, then exit without returning to the loop."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.setpgid(0, 0)
        isolation.SERVER_PID = os.getppid()
        executor.main(os.path.join(inbox, job_id), os.path.join(outbox, job_id), work, shell)
    finally:
        os._exit(0)


def serve(inbox: str, outbox: str, work: str) -> int:
    """Answer jobs until standard input closes."""
    if os.getppid() != 1:
        print("error: the warm server must run directly under the sandbox's init", flush=True)
        return 2
    isolation.not_dumpable()
    shell = make_shell()
    _preload()
    for directory in (work, "/tmp", "/dev/shm"):
        wipe(directory)  # every job starts from the same empty scratch (no IPython profile dir)
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
        isolation.SERVER_PID = None
        isolation.sweep_processes()
        for directory in (work, "/tmp", "/dev/shm"):
            wipe(directory)
        control_out.write(f"done {job_id}\n")
        control_out.flush()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(serve(sys.argv[1], sys.argv[2], sys.argv[3]))
