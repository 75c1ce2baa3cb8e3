"""The snapshot: a test cell's hidden calls, made on the notebook as that cell left it.

nbgrader runs each test cell in place, so a later cell that rebinds a helper or a
constant cannot change an earlier question's grade. Here, as soon as a cell with
planned calls has finished, the executor forks a snapshot of itself
(:func:`run_snapshot`): a child that makes that cell's calls, writes their records
and exits. The executor waits for it before it runs the next cell, so the calls see
exactly the functions and globals of that moment, and nothing a call does (rebinding
a global, patching numpy, leaving a process) reaches a later cell or question.

Inside the snapshot the cases of the question run one after the other in the same
process, each on inputs materialised afresh (a function that mutates its arguments
cannot change the next case's inputs), each under a soft time limit (SIGALRM raises
:class:`CaseTimeout`, a BaseException, as cells do with ``CellTimeout``; a call that
returns after swallowing it still counts as a time-out). Cases share the snapshot's
globals, as the asserts of one nbgrader test cell share the kernel: a function that
is right only on its first call fails, as it would in nbgrader. A fork per case would
isolate the cases from each other as well; it is not done, because it buys no
fairness and costs most of the grading time. Measured on ps1_linear_algebra (7 test
cells, 61 cases) in a warm bubblewrap sandbox, where a fork of the executor, its exit
and reap cost 7 to 11 ms of CPU: 0.55 s of calls with a fork per case, 0.13 s with
shared cases.
Shared state cannot raise a score: the judge compares each output with the reference
on the host's own copy of the inputs, and a question scores only if all its cases
pass, so a case can only make its own question's later cases fail.

One crash still costs one question. The snapshot runs one question's cases (a test
cell's calls, split by question); when a case crashes the snapshot (``os._exit``, a
signal, memory exhaustion), or masks the soft limit and so meets the hard one (the
executor kills the snapshot once the running case is :data:`SLACK` seconds past its
limit, and the whole snapshot at the sum of those), that case gets the reason and
the question's remaining cases are recorded as skipped. The snapshot runs in a
private pid namespace where the kernel allows (:func:`runtime.isolation.fork_private`),
so it cannot kill the executor; the namespace costs 0.6 to 0.7 ms of CPU per question
(``private=False`` turns it off), and a whole snapshot 6.5 ms per test cell on
ps1_linear_algebra and 8.1 ms on ps3_calculus, against the same calls made without
one (``benchmarks/snapshot_cost.py``, medians over questions); elsewhere a call that
kills the executor costs a relaunch (``graders/pipeline/execute.py``).

Progress: the executor touches ``calls/<key>.started`` for the snapshot's first call
before it forks (if the whole sandbox dies, the host finds which question was
running: its first call without a record), and the snapshot writes one byte to a
pipe before each case, from which the executor times each case's hard limit.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .answers import take, usable
from .encode import EncodeError, encode
from .factories import build
from .isolation import fork_private, kill_group, kill_private
from .outbox import touch, write_record
from .protocol import (
    MAX_ERROR_CHARS,
    Arg,
    ArrayArg,
    CallRecord,
    CallStatus,
    PlanCall,
    TupleArg,
    ValueArg,
    call_file,
    call_marker,
)

__all__ = ["SKIPPED", "SLACK", "CaseTimeout", "materialise", "run_snapshot"]

#: Seconds a case may run past its own limit before the executor kills the snapshot
#: (the soft limit inside should have ended it; the slack covers inputs and encoding).
SLACK = 1.0

#: The record of a case not run because an earlier case of its question hit a limit.
SKIPPED = CallRecord(CallStatus.CRASH,
                     error="skipped: an earlier case of this question hit a limit")


class CaseTimeout(BaseException):
    """Raised in a hidden call that outlives its soft time limit."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout("case exceeded its time limit")


def materialise(arg: Arg, arrays: Mapping[str, np.ndarray]) -> Any:
    """A fresh value of a plan argument: arrays copied, functions built anew."""
    if isinstance(arg, ArrayArg):
        return np.array(arrays[arg.key])
    if isinstance(arg, ValueArg):
        return arg.value
    if isinstance(arg, TupleArg):
        return tuple(materialise(item, arrays) for item in arg.items)
    return build(arg.factory, {k: materialise(v, arrays) for k, v in arg.params.items()})


def _describe(exc: BaseException) -> str:
    """The error text of an exception a call raised (its ``__str__`` is student code)."""
    try:
        return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    except BaseException:
        return "an exception whose message could not be read"


def _timeout(call: PlanCall) -> CallRecord:
    return CallRecord(CallStatus.CRASH, error=f"timeout: no result within the {call.timeout:g} s "
                                              "call limit (c.MMLGrader.case_timeout)")


def _missing(call: PlanCall, fn: Any) -> CallRecord:
    what = "not defined" if fn is None else f"a {type(fn).__name__}, not a function"
    if call.answer != "function" and fn is None:
        what = "not defined (or None)"
    return CallRecord(CallStatus.MISSING,
                      error=f"{call.function} was {what} when its test cell ran")


def _case(fn: Any, call: PlanCall, arrays: Mapping[str, np.ndarray], calls_dir: str,
          me: int) -> CallRecord:
    """Make one call under its soft time limit (in the snapshot); return its record."""
    if not usable(call.answer, fn):
        return _missing(call, fn)
    try:
        args = [materialise(a, arrays) for a in call.args]
        kwargs = {k: materialise(v, arrays) for k, v in call.kwargs.items()}
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, call.timeout)
        try:
            value = take(call.answer, fn, args, kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if os.getpid() != me:  # a process the call forked returns here: end it
                os._exit(0)
        if time.perf_counter() - start > call.timeout:  # it swallowed the alarm
            return _timeout(call)
        return CallRecord(CallStatus.OK, encode(value, calls_dir, call.key))
    except CaseTimeout:
        return _timeout(call)
    except EncodeError as exc:
        return CallRecord(CallStatus.ERROR, error=f"{exc}")
    except BaseException as exc:
        return CallRecord(CallStatus.ERROR, error=_describe(exc))


def _snapshot(ns: Mapping[str, Any], calls: Sequence[PlanCall],
              arrays: Mapping[str, np.ndarray], calls_dir: str, progress: int) -> None:
    """Body of the snapshot: make the calls in order, write their records, exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.signal(signal.SIGALRM, _on_alarm)  # whatever the cells did to it
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        me = os.getpid()
        functions = {c.function: ns.get(c.function) for c in calls}  # before any call runs
        stuck = False
        for call in calls:
            path = os.path.join(calls_dir, call_file(call.key))
            if stuck:
                write_record(path, SKIPPED.to_json())
                continue
            try:
                os.write(progress, b".")
            except OSError:
                pass  # the student closed it: the executor's limits stay as they are
            record = _case(functions[call.function], call, arrays, calls_dir, me)
            stuck = record.status is CallStatus.CRASH
            write_record(path, record.to_json())
    finally:
        os._exit(0)


def _supervise(pid: int, progress: int, calls: Sequence[PlanCall]) -> tuple[bool, int]:
    """Wait for the snapshot; kill it once the running case is past its hard limit.

    Returns whether it was killed at a limit, and its wait status.
    """
    limits = [c.timeout + SLACK for c in calls]
    now = time.monotonic()
    cap, deadline, started = now + sum(limits), now + limits[0], 0
    pidfd = os.pidfd_open(pid)
    watch, timed_out = [pidfd, progress], False
    try:
        while True:
            left = min(deadline, cap) - time.monotonic()
            if left <= 0:
                timed_out = True
                kill_private(pid)
                break
            ready, _, _ = select.select(watch, [], [], left)
            if pidfd in ready:
                break
            if progress in ready:
                got = os.read(progress, 4096)
                if not got:
                    watch = [pidfd]
                    continue
                started = min(started + len(got), len(limits))
                deadline = time.monotonic() + limits[started - 1]
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    kill_group(pid)  # anything the calls left in its process group
    return timed_out, status


def _why(call: PlanCall, timed_out: bool, status: int) -> str:
    if timed_out:
        return (f"timeout: no result within the {call.timeout:g} s call limit "
                "(c.MMLGrader.case_timeout)")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by signal {sig} (out of memory or resource limit?)"
    return f"exited with code {os.waitstatus_to_exitcode(status)} without returning (os._exit?)"


def _record_losses(calls: Sequence[PlanCall], calls_dir: str, timed_out: bool,
                   status: int) -> None:
    """After the snapshot ended: the first call without a record was running; skip the rest."""
    paths = [os.path.join(calls_dir, call_file(c.key)) for c in calls]
    lost = next((i for i, p in enumerate(paths) if not os.path.lexists(p)), None)
    if lost is None:
        return
    error = _why(calls[lost], timed_out, status)
    write_record(paths[lost], CallRecord(CallStatus.CRASH, error=error).to_json())
    for path in paths[lost + 1:]:
        write_record(path, SKIPPED.to_json())


def run_snapshot(ns: Mapping[str, Any], calls: Sequence[PlanCall],
                 arrays: Mapping[str, np.ndarray], calls_dir: str, *,
                 private: bool = True) -> None:
    """Make one question's ``calls`` in a snapshot of this process; every call gets a record.

    Args:
        ns: the notebook's namespace, as the test cell left it.
        calls: the question's calls, in order (not empty).
        arrays: the hidden input arrays by key.
        calls_dir: the outbox's calls folder.
        private: run the snapshot in a private pid namespace where the kernel allows.
    """
    for call in calls:  # a record a cell forged must not pass for one this snapshot wrote
        try:
            os.unlink(os.path.join(calls_dir, call_file(call.key)))
        except OSError:
            pass  # none (or not a file: the host reads that as tampered)
    touch(os.path.join(calls_dir, call_marker(calls[0].key)))
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()

    def body() -> None:
        os.close(read_end)
        _snapshot(ns, calls, arrays, calls_dir, write_end)

    try:
        pid = fork_private(body, private=private)
    finally:
        os.close(write_end)
    try:
        timed_out, status = _supervise(pid, read_end, calls)
    finally:
        os.close(read_end)
    _record_losses(calls, calls_dir, timed_out, status)
