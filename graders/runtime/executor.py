"""The executor: runs one assembled notebook and its hidden calls, inside the sandbox.

Usage (by the sandbox backends only; the package is mounted as ``runtime``)::

    python -E -s -m runtime.executor JOB_DIR OUT_DIR WORK_DIR

``JOB_DIR/plan.json`` lists the code cells to run and the calls to make
(``graders/pipeline/plan.py`` writes it); ``JOB_DIR/inputs.npz`` holds the
hidden input arrays, if there are any. The executor holds no secret: no reference, no expected
value. It writes plain data only, to ``OUT_DIR``; the files and their records
are the typed protocol of :mod:`runtime.protocol` (cells.jsonl, calls/<key>.json,
timing.json). The order of things:

1. Read the plan. A plan of another ``PLAN_VERSION`` is refused before anything
   runs: the executor writes ``refused.json`` and exits with :data:`EXIT_REFUSED`.
2. Change into ``WORK_DIR``, load the hidden input arrays (``inputs.npz``, no pickle)
   once, build the shell (a one-shot run; the warm server built it before the fork),
   then isolate the job (:func:`runtime.isolation.enter_job`: its own user and IPC
   namespaces and session key ring, the seccomp filter), write what that achieved
   (``isolation.json``, an IsolationRecord: the host flags reduced isolation) and make
   this process non-dumpable (no call can read or write its memory). From here on
   student code runs.
3. For each code cell, in order (:func:`runtime.protocol.run_order`):

   a. touch ``cell-<i>.started``; run the cell in the one in-process IPython shell
      (no Jupyter kernel) under a soft time limit (SIGALRM raises
      :class:`CellTimeout`, a BaseException, so that ``except Exception`` in student
      code does not swallow it); kill any process it left; append its CellRecord;
   b. if the plan has calls after this cell, make them now, question by question,
      each question in a snapshot forked from this process, in a private pid
      namespace where the kernel allows (:func:`runtime.snapshot.run_snapshot`), and
      wait for it: the calls see the notebook as this cell left it, as nbgrader's
      in-place test cells do, and a crash, an exit, a loop, a memory bomb or a kill
      of the executor costs that question only.

4. Write ``timing.json``: time spent before the first cell, in cells, in calls.

The host enforces the hard limits from outside (rlimits, cgroup, wall clock) and,
when the whole sandbox dies, relaunches it past the cell or call that was running
(``graders/pipeline/execute.py``).
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .capture import CellCapture, make_shell
from .isolation import enter_job, not_dumpable, sweep_processes
from .outbox import touch, write_record
from .protocol import (
    CALLS_DIR,
    CELLS_FILE,
    EXIT_REFUSED,
    INPUTS_FILE,
    ISOLATION_FILE,
    PLAN_FILE,
    REFUSAL_FILE,
    TIMING_FILE,
    CellRecord,
    IsolationRecord,
    JobPlan,
    PlanCall,
    PlanCell,
    ProtocolError,
    Refusal,
    TimingRecord,
    cell_marker,
    run_order,
)
from .snapshot import run_snapshot

__all__ = ["MAIN_PID", "CellTimeout", "main", "read_plan", "run_notebook"]

#: The executor's own pid: a process forked by student code is a full copy of the
#: executor and must never carry on past the cell that forked it.
MAIN_PID = os.getpid()


def _only_main() -> None:
    """End a forked copy of the executor at the first cell boundary it reaches."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


class CellTimeout(BaseException):
    """Raised in a cell that outlives the soft per-cell limit."""


def _alarm(limit: float) -> Callable[[int, Any], None]:
    """The SIGALRM handler of a cell: raise CellTimeout, naming the limit in plain words."""
    def on_alarm(signum: int, frame: Any) -> None:
        raise CellTimeout(f"the cell ran past the {limit:g} s cell limit "
                          "(c.MMLGrader.cell_timeout)")
    return on_alarm


def _run_cell(shell: Any, source: str, plan: JobPlan) -> tuple[list[dict[str, Any]], bool]:
    """Run one cell's code under the soft time limit; return its outputs and whether it failed."""
    capture = CellCapture(shell, plan.settings.output_cap)
    signal.signal(signal.SIGALRM, _alarm(plan.settings.cell_timeout))  # a cell may change it
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    with capture:
        signal.setitimer(signal.ITIMER_REAL, plan.settings.cell_timeout)
        try:
            shell.run_cell(source, store_history=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _only_main()
    return capture.outputs, capture.error


def _cell(shell: Any, cell: PlanCell, plan: JobPlan, out: str) -> CellRecord:
    """Run one cell (unless the plan skips it) and kill what it left behind."""
    touch(os.path.join(out, cell_marker(cell.index)))
    start = time.perf_counter()
    if cell.index in plan.settings.skip_cells:
        return CellRecord(cell.index, error=True, skipped=True)
    outputs, error = _run_cell(shell, cell.source, plan)
    swept = plan.settings.sweep and sweep_processes() > 0
    return CellRecord(cell.index, tuple(outputs), error, False,
                      time.perf_counter() - start, swept)


def _calls(shell: Any, calls: tuple[PlanCall, ...], plan: JobPlan,
           arrays: Mapping[str, np.ndarray], calls_dir: str) -> None:
    """Make the calls planned after one cell, one snapshot per question."""
    skip = set(plan.settings.skip_calls)
    todo = [c for c in calls if c.key not in skip]
    for _, group in itertools.groupby(todo, key=lambda c: c.group):
        run_snapshot(shell.user_ns, list(group), arrays, calls_dir)
        if plan.settings.sweep:
            sweep_processes()


def run_notebook(shell: Any, plan: JobPlan, arrays: Mapping[str, np.ndarray],
                 out: str) -> tuple[float, float]:
    """Run the cells in order, each followed by its calls; return seconds in cells, in calls."""
    calls_dir = os.path.join(out, CALLS_DIR)
    os.makedirs(calls_dir, exist_ok=True)
    in_cells = in_calls = 0.0
    with open(os.path.join(out, CELLS_FILE), "a") as log:
        for cell, calls in run_order(plan.cells, plan.calls):
            t0 = time.perf_counter()
            record = _cell(shell, cell, plan, out)
            log.write(record.to_json() + "\n")
            log.flush()
            t1 = time.perf_counter()
            _calls(shell, calls, plan, arrays, calls_dir)
            in_cells, in_calls = in_cells + t1 - t0, in_calls + time.perf_counter() - t1
    return in_cells, in_calls


def read_plan(job: str, out: str) -> JobPlan | None:
    """The job's plan, or None after writing a Refusal (wrong version, malformed plan)."""
    try:
        with open(os.path.join(job, PLAN_FILE)) as fh:
            return JobPlan.from_json(fh.read())
    except ProtocolError as exc:
        write_record(os.path.join(out, REFUSAL_FILE), Refusal.of(exc).to_json())
        return None


def _load_arrays(job: str) -> dict[str, np.ndarray]:
    """Every hidden input array, read once (each call copies the ones it takes).

    Empty without the file: a plan whose calls take no array (or that has no call, as a
    plain nbgrader notebook's) comes without one, which saves each such job the archive's
    opening (about 3 ms of a quickstart job's 40).
    """
    path = os.path.join(job, INPUTS_FILE)
    if not os.path.exists(path):
        return {}
    with np.load(path, allow_pickle=False) as inputs:
        return {key: inputs[key] for key in inputs.files}


def main(job: str, out: str, work: str, shell: Any = None) -> int:
    """Run the plan in ``job`` with ``work`` as the current directory; write results to ``out``.

    ``shell`` is a fresh IPython shell made before the fork by the warm server; a
    one-shot run makes its own. Returns :data:`EXIT_REFUSED` when the plan is refused
    (before any code runs), else 0.
    """
    global MAIN_PID
    MAIN_PID = os.getpid()
    t0 = time.perf_counter()
    plan = read_plan(job, out)
    if plan is None:
        return EXIT_REFUSED
    os.chdir(work)
    arrays = _load_arrays(job)
    shell = shell if shell is not None else make_shell()
    # own IPC namespace and key ring, the seccomp filter: before any cell; recorded
    iso = enter_job(namespaces=plan.settings.namespaces)
    write_record(os.path.join(out, ISOLATION_FILE),
                 IsolationRecord(iso.namespaces, iso.keyring, iso.filtered).to_json())
    not_dumpable()  # no cell or call may write into this process's memory
    t1 = time.perf_counter()
    in_cells, in_calls = run_notebook(shell, plan, arrays, out)
    write_record(os.path.join(out, TIMING_FILE),
                 TimingRecord(t1 - t0, in_cells, in_calls).to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
