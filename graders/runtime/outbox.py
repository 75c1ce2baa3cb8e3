"""Writing the outbox from inside the sandbox: whole records and progress markers.

The host reads the outbox only once every process of the run is gone, but a run
may be killed at any instant: a record is written to a temporary name and
renamed, so that the host finds a whole record or none (never half of one).
"""

from __future__ import annotations

import os
import signal

__all__ = ["WATCH", "server_gone", "touch", "write_record"]

_PF_EXITING = 0x4
_SIGKILL_BIT = 1 << (signal.SIGKILL - 1)

#: (the job's pid, its warm server's pid): set by the warm server in the job it forks
#: (``runtime/server.py``); None in a one-shot run. Only that process checks.
WATCH: tuple[int, int] | None = None


def server_gone() -> bool:
    """Whether the warm server that forked this job is dead, dying or being killed.

    Read from ``/proc`` as soon as the job's code has returned: a SIGKILL still pending,
    a process already in its exit (``PF_EXITING``), a zombie, or no process at all. The
    server's death is not instant (its exit tears down a large address space), so this
    sees it before the parent-death signal that kills the job arrives.
    """
    if WATCH is None or os.getpid() != WATCH[0]:
        return False  # a one-shot run, or a process the job forked (a snapshot)
    pid = WATCH[1]
    if os.getppid() != pid:
        return True  # reparented: the server is gone
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as fh:
            status = dict(line.split(":", 1) for line in fh if ":" in line)
    except (OSError, IndexError, ValueError):
        return True
    pending = int(status.get("SigPnd", "0"), 16) | int(status.get("ShdPnd", "0"), 16)
    return (fields[0] in ("Z", "X", "x") or bool(int(fields[6]) & _PF_EXITING)
            or bool(pending & _SIGKILL_BIT))


def _end_if_orphaned() -> None:
    """End this job, writing nothing more, if its warm server was killed.

    Only the job's own code can kill the server; the host then blames the last cell that
    started (``graders/pipeline/execute.py``), so nothing may start after it.
    """
    if server_gone():
        os._exit(0)


def write_record(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the host never sees half a record)."""
    _end_if_orphaned()
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def touch(path: str) -> None:
    """Create the empty progress marker ``path`` (unless the job's server was killed)."""
    _end_if_orphaned()
    with open(path, "w"):
        pass
