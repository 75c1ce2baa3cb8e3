"""The executor: runs one assembled notebook and the hidden calls, inside the sandbox.

Usage (by the sandbox backends only; the package is mounted as ``runtime``)::

    python -E -s -m runtime.executor JOB_DIR OUT_DIR WORK_DIR

``JOB_DIR/plan.json`` lists the code cells to run and the calls to make
(``graders/pipeline/plan.py`` writes it); ``JOB_DIR/inputs.npz`` holds the
hidden input arrays. The executor holds no secret: no reference, no expected
value. It writes plain data only, to ``OUT_DIR``:

- ``cells.jsonl``: one line per finished cell (outputs capped, error or not, seconds);
  ``cell-<i>.started`` is touched before cell i runs;
- ``calls/<key>.started``, then ``calls/<key>.json`` (+ ``.npy`` arrays) per call;
- ``timing.json`` at the end.

Cells run in order in one in-process IPython shell (no Jupyter kernel), each
under a soft time limit (SIGALRM raises :class:`CellTimeout`, a BaseException
so that ``except Exception`` in student code does not swallow it). Each hidden
call runs in its own forked child, in its own process group, under its own
time limit, so a crash, an exit, a loop or a memory bomb costs that call only.
The host enforces the hard limits from outside (rlimits, cgroup, wall clock).
"""

from __future__ import annotations

import json
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


def _write_json(path: str, data: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh)
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


def run_cells(shell: Any, plan: dict[str, Any], out: str) -> dict[str, Any]:
    """Run the code cells in order; return the captured functions by (cell, name)."""
    captured: dict[str, Any] = {}
    skip = set(plan.get("skip_cells", []))
    signal.signal(signal.SIGALRM, _on_alarm)
    with open(os.path.join(out, "cells.jsonl"), "a") as log:
        for cell in plan["cells"]:
            index = cell["index"]
            _touch(os.path.join(out, f"cell-{index}.started"))
            start = time.perf_counter()
            if index in skip:
                record = {"index": index, "skipped": True, "outputs": [], "error": True}
            else:
                capture = CellCapture(shell, plan["output_cap"])
                with capture:
                    signal.setitimer(signal.ITIMER_REAL, plan["cell_timeout"])
                    try:
                        shell.run_cell(cell["source"], store_history=True)
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                        _only_main()
                record = {"index": index, "outputs": capture.outputs, "error": capture.error}
                if plan.get("sweep", False) and sweep_processes():
                    record["leftover_processes_killed"] = True
            for name in cell.get("captures", []):
                captured[f"{index}:{name}"] = shell.user_ns.get(name)
            record["seconds"] = time.perf_counter() - start
            log.write(json.dumps(record) + "\n")
            log.flush()
    return captured


def _materialise(node: Any, inputs: Any) -> Any:
    """Turn a plan argument node into a value (arrays from inputs.npz, functions built)."""
    if "array" in node:
        return np.array(inputs[node["array"]])
    if "value" in node:
        return node["value"]
    if "tuple" in node:
        return tuple(_materialise(item, inputs) for item in node["tuple"])
    if "fn" in node:
        params = {k: _materialise(v, inputs) for k, v in node["params"].items()}
        return build(node["fn"], params)
    raise ValueError(f"unknown argument node {sorted(node)}")


def _call_child(fn: Any, call: dict[str, Any], inputs: Any, calls_dir: str) -> None:
    """Body of the forked child: call the student's function once and encode the result."""
    key = call["key"]
    result_path = os.path.join(calls_dir, key + ".json")
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        args = [_materialise(a, inputs) for a in call["args"]]
        kwargs = {k: _materialise(v, inputs) for k, v in call["kwargs"].items()}
        value = fn(*args, **kwargs)
        try:
            tree = encode(value, calls_dir, key)
            _write_json(result_path, {"status": "ok", "value": tree})
        except EncodeError as exc:
            _write_json(result_path, {"status": "error", "error": f"{exc}"})
    except BaseException as exc:
        text = f"{type(exc).__name__}: {exc}"[:500]
        try:
            _write_json(result_path, {"status": "error", "error": text})
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


def run_call(fn: Any, call: dict[str, Any], inputs: Any, calls_dir: str) -> bool:
    """Run one hidden call in a forked child; record time-outs and crashes the child cannot.

    Returns True when the call ended by a time-out or a signal (its question is lost,
    so the caller skips that question's remaining cases instead of waiting again).
    """
    key = call["key"]
    _touch(os.path.join(calls_dir, key + ".started"))
    result_path = os.path.join(calls_dir, key + ".json")
    if fn is None or not callable(fn):
        what = "not defined" if fn is None else f"a {type(fn).__name__}, not a function"
        _write_json(result_path, {"status": "missing", "error":
                                  f"{call['function']} was {what} when its test cell ran"})
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        _call_child(fn, call, inputs, calls_dir)
    _only_main()
    timed_out, status = _wait_child(pid, call["timeout"])
    if os.path.exists(result_path):
        return False
    if timed_out:
        error = f"timeout: no result within {call['timeout']:g} s"
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        error = f"killed by signal {sig} (out of memory or resource limit?)"
    else:
        error = f"exited with code {os.WEXITSTATUS(status)} without returning (os._exit?)"
    _write_json(result_path, {"status": "crash", "error": error})
    return True


def run_calls(captured: dict[str, Any], plan: dict[str, Any], inputs: Any, out: str) -> None:
    """Run every hidden call not already done in an earlier attempt."""
    calls_dir = os.path.join(out, "calls")
    os.makedirs(calls_dir, exist_ok=True)
    skip = set(plan.get("skip_calls", []))
    stuck: set[str] = set()  # questions whose function already hit a time or resource limit
    for call in plan["calls"]:
        if call["key"] in skip:
            continue
        group = call.get("group", call["key"])
        if group in stuck:
            _write_json(os.path.join(calls_dir, call["key"] + ".json"), {"status": "crash",
                        "error": "skipped: an earlier case of this question hit a limit"})
            continue
        if run_call(captured.get(f"{call['cell']}:{call['function']}"), call, inputs, calls_dir):
            stuck.add(group)
        if plan.get("sweep", False):
            sweep_processes()


def main(job: str, out: str, work: str, shell: Any = None) -> int:
    """Run the plan in ``job`` with ``work`` as the current directory; write results to ``out``.

    ``shell`` is a fresh IPython shell made before the fork by the warm server; a
    one-shot run makes its own.
    """
    global MAIN_PID
    MAIN_PID = os.getpid()
    t0 = time.perf_counter()
    os.chdir(work)
    with open(os.path.join(job, "plan.json")) as fh:
        plan = json.load(fh)
    inputs = np.load(os.path.join(job, "inputs.npz"), allow_pickle=False)
    shell = shell if shell is not None else make_shell()
    t1 = time.perf_counter()
    captured = run_cells(shell, plan, out)
    t2 = time.perf_counter()
    run_calls(captured, plan, inputs, out)
    t3 = time.perf_counter()
    _write_json(os.path.join(out, "timing.json"),
                {"startup": t1 - t0, "notebook": t2 - t1, "calls": t3 - t2})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
