"""Inside a bubblewrap sandbox: the runtime's pieces, timed with and without the snapshot.

Run by ``benchmarks/snapshot_cost.py`` only, never by the grader: that script copies this
file into a real job's folder (``/job`` inside) and starts it in a one-shot bwrap sandbox
built by ``BwrapSandbox.command`` (same mounts and limits), in place of the executor::

    python -E -s -c "import runpy; runpy.run_path('/job/harness.py', run_name='__main__')" \
        REPS IMPORTS

It does what the warm server and the executor do (``runtime/server.py``,
``runtime/executor.py``): build the shell and preload the modules once, fork the job's
process, enter the job's namespaces and seccomp filter, run the notebook's cells in order.
After each test cell it makes each question's hidden calls ``REPS`` times in each of three
ways, in rotating order, from the notebook's state at that cell:

- ``inline``: in this process, case by case as the snapshot's body makes them
  (``runtime.snapshot._case``), records written: the calls without a snapshot;
- ``fork``: ``run_snapshot(..., private=False)``: one fork of the executor, exit and reap;
- ``private``: ``run_snapshot(...)`` as the executor calls it: the fork (from a thread
  whose children get a new pid namespace), exit and reap.

Each way's wall seconds and CPU seconds (this process's and its reaped children's, user +
system, from ``getrusage``: the kernel's counters that ``/proc/<pid>/stat`` shows in clock
ticks, here in microseconds) go to ``/out/snapshot_cost.json``, one row per question with
every repetition, after one unmeasured warm-up of each way. Every way must end each call as
the first one did, with a value or the exception the check expects (the solution's), or the
harness stops and says how it ended.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from runtime import executor, isolation, server
from runtime.capture import make_shell
from runtime.outbox import touch, write_record
from runtime.protocol import (
    CALLS_DIR,
    CallRecord,
    CallStatus,
    PlanCall,
    call_file,
    call_marker,
    run_order,
)
from runtime.snapshot import _case, _on_alarm, run_snapshot

JOB, OUT, WORK = "/job", "/out", "/home/student"
RESULT = os.path.join(OUT, "snapshot_cost.json")
#: How the solution's calls end: a value, or the exception a check expects of it.
OUTCOMES = (CallStatus.OK.value, CallStatus.ERROR.value)


def _cpu() -> float:
    """CPU seconds of this process and of its reaped children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _inline(ns: Mapping[str, Any], calls: Sequence[PlanCall],
            arrays: Mapping[str, np.ndarray], calls_dir: str) -> None:
    """The question's calls in this process, as the snapshot's body makes them."""
    for call in calls:
        try:
            os.unlink(os.path.join(calls_dir, call_file(call.key)))
        except OSError:
            pass
    touch(os.path.join(calls_dir, call_marker(calls[0].key)))
    signal.signal(signal.SIGALRM, _on_alarm)
    me = os.getpid()
    functions = {c.function: ns.get(c.function) for c in calls}
    for call in calls:
        record = _case(functions[call.function], call, arrays, calls_dir, me)
        write_record(os.path.join(calls_dir, call_file(call.key)), record.to_json())


def _outcomes(calls: Sequence[PlanCall], calls_dir: str) -> list[tuple[str, str]]:
    """Each call's status and error text, as the way just measured recorded it."""
    outcomes = []
    for call in calls:
        with open(os.path.join(calls_dir, call_file(call.key))) as fh:
            record = CallRecord.from_json(fh.read())
        outcomes.append((record.status.value, record.error))
    return outcomes


def _measure(ns: Mapping[str, Any], calls: Sequence[PlanCall],
             arrays: Mapping[str, np.ndarray], calls_dir: str,
             reps: int) -> dict[str, list[list[float]]]:
    """[wall, cpu] of each repetition of each way (after one warm-up of each)."""
    ways: dict[str, Callable[[], None]] = {
        "inline": lambda: _inline(ns, calls, arrays, calls_dir),
        "fork": lambda: run_snapshot(ns, calls, arrays, calls_dir, private=False),
        "private": lambda: run_snapshot(ns, calls, arrays, calls_dir),
    }
    names = list(ways)
    times: dict[str, list[list[float]]] = {name: [] for name in names}
    first: list[tuple[str, str]] | None = None
    for rep in range(reps + 1):
        for name in names[rep % 3:] + names[:rep % 3]:  # rotate: no way always first
            c0, w0 = _cpu(), time.perf_counter()
            ways[name]()
            wall, cpu = time.perf_counter() - w0, _cpu() - c0
            got = _outcomes(calls, calls_dir)
            first = first or got
            if got != first or any(status not in OUTCOMES for status, _ in got):
                raise SystemExit(f"{name}: the calls did not end as the solution's: {got}")
            if rep:
                times[name].append([wall, cpu])
    return times


def _job(shell: Any, reps: int) -> list[dict[str, Any]]:
    """The executor's steps, with each question's calls measured instead of made once."""
    plan = executor.read_plan(JOB, OUT)
    if plan is None:
        raise SystemExit("the plan was refused")
    os.chdir(WORK)
    arrays = executor._load_arrays(JOB)
    iso = isolation.enter_job(namespaces=plan.settings.namespaces)
    isolation.not_dumpable()
    calls_dir = os.path.join(OUT, CALLS_DIR)
    os.makedirs(calls_dir, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for cell, calls in run_order(plan.cells, plan.calls):
        executor._cell(shell, cell, plan, OUT)
        for question, group in itertools.groupby(calls, key=lambda c: c.group):
            todo = list(group)
            rows.append({"cell": cell.index, "question": question, "cases": len(todo),
                         "private_pids": iso.namespaces,
                         **_measure(shell.user_ns, todo, arrays, calls_dir, reps)})
    return rows


def main(reps: int, imports: str) -> int:
    """Build the shell and preload as the warm server does, then fork the job's process."""
    isolation.not_dumpable()
    shell = make_shell()
    server._preload(imports or None)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setpgid(0, 0)
            isolation.SERVER_PID = os.getppid()
            executor.MAIN_PID = os.getpid()  # as executor.main sets it in the job
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # what calls print: nowhere
            rows = _job(shell, reps)
            write_record(RESULT, json.dumps(rows))
            code = 0
        except BaseException as exc:
            print(f"harness: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else ""))
