"""The executor: runs one assembled notebook and the hidden calls, inside the sandbox.

Usage (by the sandbox backends only; the package is mounted as ``runtime``)::

    python -E -s -m runtime.executor JOB_DIR OUT_DIR WORK_DIR

``JOB_DIR/plan.json`` lists the code cells to run and the calls to make
(``graders/pipeline/plan.py`` writes it); ``JOB_DIR/inputs.npz`` holds the
hidden input arrays. The executor holds no secret: no reference, no expected
value. It writes plain data only, to ``OUT_DIR``; the files and their records
are the typed protocol of :mod:`runtime.protocol` (cells.jsonl, calls/<key>.json,
timing.json). A plan of another ``PLAN_VERSION`` is refused before anything
runs: the executor writes ``refused.json`` and exits with :data:`EXIT_REFUSED`.

Cells run in order in one in-process IPython shell (no Jupyter kernel), each
under a soft time limit (SIGALRM raises :class:`CellTimeout`, a BaseException
so that ``except Exception`` in student code does not swallow it). Each hidden
call runs in its own forked child, in its own process group, under its own
time limit, so a crash, an exit, a loop or a memory bomb costs that call only.
The host enforces the hard limits from outside (rlimits, cgroup, wall clock).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from typing import Any

import numpy as np

from .capture import CellCapture, make_shell
from .encode import EncodeError, encode
from .factories import build
from .protocol import (
    CALLS_DIR,
    CELLS_FILE,
    EXIT_REFUSED,
    INPUTS_FILE,
    PLAN_FILE,
    REFUSAL_FILE,
    TIMING_FILE,
    Arg,
    ArrayArg,
    CallRecord,
    CallStatus,
    CellRecord,
    JobPlan,
    PlanCall,
    ProtocolError,
    Refusal,
    TimingRecord,
    TupleArg,
    ValueArg,
    call_file,
    call_marker,
    cell_marker,
)

#: The executor's own pid: a process forked by student code is a full copy of the
#: executor and must never carry on past the cell or call that forked it.
MAIN_PID = os.getpid()


def _only_main() -> None:
    """End a forked copy of the executor at the first cell or call boundary it reaches."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


class CellTimeout(BaseException):
    """Raised in a cell that outlives the soft per-cell limit."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout("cell exceeded its time limit")


def _write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the host never sees half a record)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _touch(path: str) -> None:
    with open(path, "w"):
        pass


#: Set by the warm server (runtime/server.py) in the children it forks: its pid,
#: which the children's sweeps spare. The server itself checked that it runs
#: directly under the sandbox's init.
SERVER_PID: int | None = None


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


def _run_cell(shell: Any, source: str, plan: JobPlan) -> tuple[list[dict[str, Any]], bool]:
    """Run one cell's code under the soft time limit; return its outputs and whether it failed."""
    capture = CellCapture(shell, plan.settings.output_cap)
    with capture:
        signal.setitimer(signal.ITIMER_REAL, plan.settings.cell_timeout)
        try:
            shell.run_cell(source, store_history=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _only_main()
    return capture.outputs, capture.error


def run_cells(shell: Any, plan: JobPlan, out: str) -> dict[str, Any]:
    """Run the code cells in order; return the captured functions by (cell, name)."""
    captured: dict[str, Any] = {}
    skip = set(plan.settings.skip_cells)
    signal.signal(signal.SIGALRM, _on_alarm)
    with open(os.path.join(out, CELLS_FILE), "a") as log:
        for cell in plan.cells:
            _touch(os.path.join(out, cell_marker(cell.index)))
            start = time.perf_counter()
            outputs: list[dict[str, Any]] = []
            error, skipped, swept = True, cell.index in skip, False
            if not skipped:
                outputs, error = _run_cell(shell, cell.source, plan)
                swept = plan.settings.sweep and sweep_processes() > 0
            for name in cell.captures:
                captured[f"{cell.index}:{name}"] = shell.user_ns.get(name)
            record = CellRecord(cell.index, tuple(outputs), error, skipped,
                                time.perf_counter() - start, swept)
            log.write(record.to_json() + "\n")
            log.flush()
    return captured


def _materialise(arg: Arg, inputs: Any) -> Any:
    """Turn a plan argument into a value (arrays from inputs.npz, functions built)."""
    if isinstance(arg, ArrayArg):
        return np.array(inputs[arg.key])
    if isinstance(arg, ValueArg):
        return arg.value
    if isinstance(arg, TupleArg):
        return tuple(_materialise(item, inputs) for item in arg.items)
    return build(arg.factory, {k: _materialise(v, inputs) for k, v in arg.params.items()})


def _call_child(fn: Any, call: PlanCall, inputs: Any, calls_dir: str) -> None:
    """Body of the forked child: call the student's function once and encode the result."""
    result_path = os.path.join(calls_dir, call_file(call.key))
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        args = [_materialise(a, inputs) for a in call.args]
        kwargs = {k: _materialise(v, inputs) for k, v in call.kwargs.items()}
        value = fn(*args, **kwargs)
        try:
            tree = encode(value, calls_dir, call.key)
            _write(result_path, CallRecord(CallStatus.OK, tree).to_json())
        except EncodeError as exc:
            _write(result_path, CallRecord(CallStatus.ERROR, error=f"{exc}").to_json())
    except BaseException as exc:
        text = f"{type(exc).__name__}: {exc}"[:500]
        try:
            _write(result_path, CallRecord(CallStatus.ERROR, error=text).to_json())
        except BaseException:
            pass
    finally:
        os._exit(0)


def _wait_child(pid: int, timeout: float) -> tuple[bool, int]:
    """Wait for ``pid`` up to ``timeout`` s; kill its process group on time-out."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    timed_out = not ready
    if timed_out:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    try:
        os.killpg(pid, signal.SIGKILL)  # grandchildren left behind by the call
    except (ProcessLookupError, PermissionError):
        pass
    return timed_out, status


def run_call(fn: Any, call: PlanCall, inputs: Any, calls_dir: str) -> bool:
    """Run one hidden call in a forked child; record time-outs and crashes the child cannot.

    Returns True when the call ended by a time-out or a signal (its question is lost,
    so the caller skips that question's remaining cases instead of waiting again).
    """
    _touch(os.path.join(calls_dir, call_marker(call.key)))
    result_path = os.path.join(calls_dir, call_file(call.key))
    if fn is None or not callable(fn):
        what = "not defined" if fn is None else f"a {type(fn).__name__}, not a function"
        _write(result_path, CallRecord(CallStatus.MISSING, error=f"{call.function} was {what} "
                                       "when its test cell ran").to_json())
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        _call_child(fn, call, inputs, calls_dir)
    _only_main()
    timed_out, status = _wait_child(pid, call.timeout)
    if os.path.exists(result_path):
        return False
    if timed_out:
        error = f"timeout: no result within {call.timeout:g} s"
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        error = f"killed by signal {sig} (out of memory or resource limit?)"
    else:
        error = f"exited with code {os.WEXITSTATUS(status)} without returning (os._exit?)"
    _write(result_path, CallRecord(CallStatus.CRASH, error=error).to_json())
    return True


def run_calls(captured: dict[str, Any], plan: JobPlan, inputs: Any, out: str) -> None:
    """Run every hidden call not already done in an earlier attempt."""
    calls_dir = os.path.join(out, CALLS_DIR)
    os.makedirs(calls_dir, exist_ok=True)
    skip = set(plan.settings.skip_calls)
    stuck: set[str] = set()  # questions whose function already hit a time or resource limit
    for call in plan.calls:
        if call.key in skip:
            continue
        if call.group in stuck:
            _write(os.path.join(calls_dir, call_file(call.key)), CallRecord(
                CallStatus.CRASH, error="skipped: an earlier case of this question hit a limit",
            ).to_json())
            continue
        if run_call(captured.get(f"{call.cell}:{call.function}"), call, inputs, calls_dir):
            stuck.add(call.group)
        if plan.settings.sweep:
            sweep_processes()


def read_plan(job: str, out: str) -> JobPlan | None:
    """The job's plan, or None after writing a Refusal (wrong version, malformed plan)."""
    try:
        with open(os.path.join(job, PLAN_FILE)) as fh:
            return JobPlan.from_json(fh.read())
    except ProtocolError as exc:
        _write(os.path.join(out, REFUSAL_FILE), Refusal.of(exc).to_json())
        return None


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
    inputs = np.load(os.path.join(job, INPUTS_FILE), allow_pickle=False)
    shell = shell if shell is not None else make_shell()
    t1 = time.perf_counter()
    captured = run_cells(shell, plan, out)
    t2 = time.perf_counter()
    run_calls(captured, plan, inputs, out)
    t3 = time.perf_counter()
    _write(os.path.join(out, TIMING_FILE), TimingRecord(t1 - t0, t2 - t1, t3 - t2).to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
