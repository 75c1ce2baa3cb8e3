"""The warm executor server: imports paid once per worker, a clean forked child per job.

Usage (by ``graders/sandbox/warm.py`` only, inside a long-lived sandbox)::

    python -E -s -m runtime.server INBOX OUTBOX WORK [CPU_SECONDS [IMPORTS]]

The server imports numpy and IPython, builds an empty shell once, and imports the
heavy modules the course's notebooks import (:data:`PRELOAD`: ``scipy.linalg`` costs
about 0.45 s of CPU per import, ``matplotlib.pyplot`` about 1 s), so that a student's
``import`` of them finds them loaded; a student who patches one patches only their own
child's copy. Given IMPORTS (the comma-separated top-level packages the assignment's
notebooks import, say ``numpy,scipy``), it preloads only the modules of :data:`PRELOAD`
in those packages (about 0.6 s of CPU saved per worker when no notebook plots).
It then reads job ids, one per line, on standard input. For each id
it forks a child that runs the executor on ``INBOX/<id>`` into ``OUTBOX/<id>`` with
``WORK`` as its scratch directory, waits for it, and then, before answering
``done <id>`` on standard output: kills every other process in the sandbox (the
sandbox has its own pid namespace), and wipes ``WORK``, ``/tmp``, ``/dev/shm`` (and a
container's ``/dev/mqueue``)
(iteratively, never raising: :mod:`runtime.wipe`; the host empties the outbox). Nothing
of one student's run survives into the next one's: the child never returns to the
server's loop, holds none of the control channel, and cannot ptrace the server
(the server is not dumpable). Student code never runs in the server itself.

A child whose code kills the server ends there: it writes no marker or record once the
server is dying (:func:`runtime.outbox.server_gone`) and a parent-death signal kills it,
so the host blames the cell that did it and reruns the job without that cell.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import resource
import signal
import sys
from typing import Any

from . import executor, isolation
from . import outbox as records
from .capture import make_shell, warm_first_cell, warm_tracebacks
from .lazy import SANDBOX_DEFERRED, defer_numpy_tools
from .wipe import wipe

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

#: Above every descriptor number a process can hold (``close_range`` takes any bound).
MAX_FD = 2**31 - 1

#: Modules imported once by the server (each skipped if the environment lacks it).
PRELOAD = ("scipy.linalg", "matplotlib.pyplot")


def _preload(imports: str | None = None) -> None:
    """Import :data:`PRELOAD` (matplotlib with the Agg backend the sandbox's env sets).

    ``imports``, if given, names the top-level packages worth preloading (comma-separated);
    a module of :data:`PRELOAD` outside them is left for the job that imports it.
    """
    wanted = None if imports is None else set(imports.split(","))
    defer_numpy_tools(SANDBOX_DEFERRED)  # scipy would import f2py (runtime/lazy.py)
    for name in PRELOAD:
        if wanted is not None and name.split(".")[0] not in wanted:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # not installed, or broken: students import it
            continue


def _job_cpu_limit(cpu_seconds: int) -> None:
    """Give the job its own CPU-time budget (RLIMIT_CPU counts from zero in a new child).

    The server itself runs under a CPU limit as long as its wall clock (it lives for many
    jobs); each job gets the course's per-submission limit, SIGXCPU at ``cpu_seconds``
    and SIGKILL a second later, as a one-shot sandbox does.
    """
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _child(inbox: str, outbox: str, work: str, job_id: str, shell: Any) -> None:
    """Body of the forked child: run one job, then exit without returning to the loop.

    The child holds no descriptor of the server's (the control channel, or whatever an
    import left open): 0, 1 and 2 become ``/dev/null`` and every other one is closed,
    so that nothing one job writes to an inherited file can be read by the next.
    The executor then gives the job its own namespaces and the seccomp filter.
    """
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, MAX_FD)
        os.setpgid(0, 0)
        isolation.SERVER_PID = os.getppid()
        # Dumpable until the executor has entered the job's own user namespace, which ends
        # it before any cell (see isolation.dumpable); nothing else runs in the sandbox now.
        isolation.dumpable()
        executor.main(os.path.join(inbox, job_id), os.path.join(outbox, job_id), work, shell)
    finally:
        os._exit(0)


def _die_with_server(server: int) -> None:
    """In the forked child, first: be killed (SIGKILL) as soon as the server dies.

    Only the job's own code can kill the server; the job must end there, so that the
    host blames the cell that did it (the last one started) and nothing of the job
    runs on unsupervised. A server already gone before this took effect ends it too.
    """
    isolation.die_with_parent()
    if os.getppid() != server:
        os._exit(0)
    records.WATCH = (os.getpid(), server)  # no marker or record once the server is dying


def serve(inbox: str, outbox: str, work: str, cpu_seconds: int = 0,
          imports: str | None = None) -> int:
    """Answer jobs until standard input closes; each job may use ``cpu_seconds`` of CPU.

    ``imports`` narrows the preloaded modules (see :func:`_preload`).
    """
    if os.getppid() != 1:
        print("error: the warm server must run directly under the sandbox's init", flush=True)
        return 2
    isolation.not_dumpable()
    shell = make_shell()
    _preload(imports)
    _wipe_scratch(work)
    gc.freeze()  # the first job's collections skip the boot's objects (see settle_heap)
    control_in, control_out = sys.stdin, sys.stdout
    control_out.write("ready\n")
    control_out.flush()
    warmed = False
    for line in control_in:
        job_id = line.strip()
        if not _JOB_ID.match(job_id):
            control_out.write(f"error {job_id[:40]}\n")
            control_out.flush()
            continue
        server = os.getpid()
        pid = os.fork()
        if pid == 0:
            _die_with_server(server)
            _job_cpu_limit(cpu_seconds)
            _child(inbox, outbox, work, job_id, shell)
        os.waitpid(pid, 0)
        isolation.SERVER_PID = None
        isolation.sweep_processes()
        _wipe_scratch(work)
        control_out.write(f"done {job_id}\n")
        control_out.flush()
        if not warmed:  # once, after the first job has been answered: no job waits for it
            warm_tracebacks(shell)
            warm_first_cell(shell)
            settle_heap()
            _wipe_scratch(work)
            warmed = True
    return 0


def settle_heap() -> None:
    """Collect the server's garbage once and freeze what is left, for the jobs it forks.

    The server's warm-ups left the garbage collector's counters owing a full collection;
    each forked job then paid it early in its start, walking the server's whole heap
    (about 1.8 ms of CPU per job, a twentieth of a small one, and a write to every
    object's header, so a copy of each page). After a collection, ``gc.freeze`` moves
    every object left into the permanent generation: a job's own collections walk only
    the objects it made. The boot's objects are frozen at once, before the first job,
    without a collection (it would be on that job's path): a regrade's only job took
    about 30 ms less in its sandbox. Only a matter of speed: the server's objects live
    as long as it does anyway, and a job frees its own garbage as before.
    """
    gc.collect()
    gc.freeze()


def _wipe_scratch(work: str) -> None:
    """Empty every folder a job may write, so that each job starts from the same scratch.

    /dev/mqueue: a container's POSIX message queues, where a job could not have an IPC
    namespace of its own (graders/sandbox/docker_warm.py); absent under bwrap.
    """
    for directory in (work, "/tmp", "/dev/shm", "/dev/mqueue"):
        wipe(directory)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(serve(sys.argv[1], sys.argv[2], sys.argv[3],
                   int(sys.argv[4]) if len(sys.argv) > 4 else 0,
                   sys.argv[5] if len(sys.argv) > 5 else None))
