"""Execute: run the plan in a fresh sandbox, relaunching past whatever killed it.

The executor runs each cell and then that cell's hidden calls, and writes progress
markers, so when a sandbox dies early (a cell that kills its own process, a call
that kills the executor where calls cannot be given a private pid namespace, a loop
that masks the soft time limit and meets the hard one) the host knows which cell or
call was running. It then starts a fresh sandbox that skips that cell, or abandons
that call's question, up to ``MAX_ATTEMPTS`` times: one hostile line costs the
questions that depend on it, not the notebook.
Everything the sandbox wrote is read back through the typed records of
:mod:`graders.runtime.protocol`, with size caps and never through a link;
anything malformed is reported, never trusted. A runtime that refuses the plan
(another ``PLAN_VERSION``) makes the submission ungradable. A job graded with less
than the sandbox's full isolation (``isolation.json``: no namespaces of its own, no
key ring, no seccomp filter; or the host's ``SandboxRun.reductions``: a sandbox mapped to
the host's root) gets a flag beginning :data:`REDUCED_ISOLATION`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.errors import Ungradable
from graders.payload import PayloadError, ResultBudget, ResultTooLarge, decode
from graders.pipeline.breach import explain
from graders.pipeline.plan import Plan
from graders.runtime.protocol import (
    CALLS_DIR,
    CELLS_FILE,
    ISOLATION_FILE,
    MAX_CALL_BYTES,
    MAX_LOG_BYTES,
    MAX_SMALL_BYTES,
    PLAN_VERSION,
    REFUSAL_FILE,
    TIMING_FILE,
    CallRecord,
    CallStatus,
    CellRecord,
    IsolationRecord,
    PlanSettings,
    ProtocolError,
    Refusal,
    TimingRecord,
    call_file,
    call_marker,
    parse_cell_marker,
    read_limited,
    run_order,
)
from graders.sandbox import Job, Limits, Sandbox, SandboxRun
from graders.sandbox.base import JOB_PREFIX, owned_by_me

__all__ = ["MAX_ATTEMPTS", "REDUCED_ISOLATION", "TEST_REDUCED_ISOLATION", "CallOutcome",
           "Execution", "execute"]

MAX_ATTEMPTS = 4
#: How every flag about a job's isolation begins (export's flags column, the class table).
REDUCED_ISOLATION = "graded with reduced isolation"
#: The host environment variable that, set to 1, makes jobs skip their own namespaces:
#: for the tests that prove reduced isolation is flagged; never set it to grade a class.
TEST_REDUCED_ISOLATION = "MML_TEST_REDUCED_ISOLATION"


@dataclass(frozen=True)
class CallOutcome:
    """What one hidden call produced.

    Attributes:
        status: "ok", "error" (raised), "crash" (timeout, signal, exit), "missing"
            (function not defined), "not run" (the notebook never reached it), "tampered"
            (its record was malformed); a plain string is converted, an unknown one is
            a ValueError.
        value: the decoded plain value when status is "ok".
        error: the reason otherwise.
    """

    status: CallStatus
    value: Any = None
    error: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", CallStatus(self.status))


@dataclass
class Execution:
    """Everything one submission's sandbox runs produced.

    Attributes:
        cells: per source cell index, the executor's record (outputs, error, seconds).
        calls: per call key, the outcome.
        flags: anomalies (cells skipped after killing the sandbox, malformed results).
        timings: seconds: sandbox (total wall time of runs), startup, notebook, calls.
        attempts: sandbox runs made.
    """

    cells: dict[int, CellRecord] = field(default_factory=dict)
    calls: dict[str, CallOutcome] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 0


def _read_cells(out: Path, ex: Execution) -> None:
    """Read cells.jsonl into ``ex.cells`` (a later record of a cell replaces an earlier one)."""
    if not os.path.lexists(out / CELLS_FILE):
        return
    try:
        lines = read_limited(out / CELLS_FILE, MAX_LOG_BYTES).splitlines()
    except ProtocolError as exc:
        ex.flags.append(f"cell log from the sandbox ignored: {exc} (tampering?)")
        return
    for line in lines:
        try:
            rec = CellRecord.from_json(line)
            ex.cells[rec.index] = rec
        except ProtocolError:
            ex.flags.append("malformed cell record from the sandbox ignored (tampering?)")


def _calls_dir(out: Path) -> Path | None:
    """The outbox's calls folder if it is a real folder (never a link out of the outbox)."""
    try:
        return out / CALLS_DIR if stat.S_ISDIR(os.lstat(out / CALLS_DIR).st_mode) else None
    except OSError:
        return None


def _read_call(calls: Path, key: str, budget: ResultBudget) -> CallOutcome | None:
    """The outcome of call ``key``, None if it has no record; malformed is "tampered".

    Its arrays are charged to ``budget`` before they are loaded: over it, the call's
    outcome is "result too large" (that case fails, the others are judged as usual).
    """
    path = calls / call_file(key)
    if not os.path.lexists(path):
        return None
    try:
        rec = CallRecord.from_json(read_limited(path, MAX_CALL_BYTES))
        if rec.status is CallStatus.OK:
            return CallOutcome(CallStatus.OK, decode(rec.value, calls, budget))
        return CallOutcome(rec.status, error=rec.error)
    except ResultTooLarge as exc:
        return CallOutcome(CallStatus.TOO_LARGE, error=str(exc))
    except (ProtocolError, PayloadError, ValueError, TypeError, KeyError, AttributeError,
            OverflowError, RecursionError, MemoryError) as exc:  # the decoder's numpy, too
        return CallOutcome(CallStatus.TAMPERED, error=f"malformed result ({exc})"[:300])


def _in_flight(out: Path, plan: Plan, ex: Execution,
               done: dict[str, CallOutcome]) -> tuple[int | None, str | None]:
    """The cell, or else the call, that was running when the sandbox died.

    The executor runs each cell and then its calls, question by question, each question
    in a snapshot (:func:`graders.runtime.protocol.run_order`), so it is the first item of
    that order that started and has no record: a cell with a marker, or a call of a
    question whose snapshot has a marker. Markers forged for later items are ignored.
    When every item that started has its record and the last of them is a call, it is
    that call (its question may have left a process that killed the executor before the
    sweep after it); when it is a cell, nothing is to blame.
    """
    markers = {parse_cell_marker(p.name) for p in out.iterdir()}
    calls = _calls_dir(out)
    last: str | None = None  # the last call that started, unless a cell started after it
    for cell, after in run_order(plan.cells, plan.sandbox_calls):
        if cell.index in markers:
            if cell.index not in ex.cells:
                return cell.index, None
            last = None
        started: set[str] = set()
        for call in after:
            if calls is not None and os.path.lexists(calls / call_marker(call.key)):
                started.add(call.group)
            if call.group in started:
                if call.key not in done:
                    return None, call.key
                last = call.key
    return None, last


def _refusal(out: Path, ex: Execution) -> Refusal | None:
    """The runtime's refusal of the plan's version, if it wrote one before running any code.

    Student code can write the outbox too, so a refusal counts only when no cell
    started and it names this plan's version and another runtime version; anything
    else is flagged and ignored (a runtime of this version refusing a plan this code
    wrote is a bug: flagged, and the run counts as one that ran nothing).
    """
    if not os.path.lexists(out / REFUSAL_FILE):
        return None
    try:
        refusal = Refusal.from_json(read_limited(out / REFUSAL_FILE, MAX_SMALL_BYTES))
    except ProtocolError as exc:
        ex.flags.append(f"malformed refusal from the sandbox ignored: {exc}")
        return None
    ran = os.path.lexists(out / CELLS_FILE) or any(
        parse_cell_marker(p.name) is not None for p in out.iterdir())
    if refusal.kind == "plan" and not ran:
        ex.flags.append(refusal.message()[:300])
        return None
    if ran or refusal.plan_version != PLAN_VERSION or refusal.runtime_version == PLAN_VERSION:
        ex.flags.append("a refusal that the runtime cannot have written ignored (tampering?)")
        return None
    return refusal


def _note_isolation(out: Path, ex: Execution) -> None:
    """Flag what the job's isolation lacked (isolation.json), each reduction once.

    The executor writes the record before any student code runs, but student code may
    rewrite it: a record claiming less is believed (it can only add a flag), and a run
    whose cells started with no valid record is flagged as unknown isolation.
    """
    path = out / ISOLATION_FILE
    try:
        lost = IsolationRecord.from_json(read_limited(path, MAX_SMALL_BYTES)).reductions()
    except ProtocolError as exc:
        started = any(parse_cell_marker(p.name) is not None for p in out.iterdir())
        lost = [f"isolation not known ({exc}; tampering?)"] if started else []
    for what in lost:
        _flag_reduced(ex, what)


def _flag_reduced(ex: Execution, what: str) -> None:
    """Flag one reduction of isolation (the job's own, or the host's side), once."""
    flag = f"{REDUCED_ISOLATION}: {what}"
    if flag not in ex.flags:
        ex.flags.append(flag)


def _collect(out: Path, plan: Plan, ex: Execution, done: dict[str, CallOutcome],
             budget: ResultBudget) -> None:
    """Read one run's cell records and call outcomes (a call done earlier keeps its outcome)."""
    ex.cells = {}
    _read_cells(out, ex)
    _note_isolation(out, ex)
    calls = _calls_dir(out)
    if calls is None:
        if os.path.lexists(out / CALLS_DIR):
            ex.flags.append("the sandbox's calls folder is not a folder (tampering?)")
        return
    for call in plan.calls:
        if call.key not in done:
            outcome = _read_call(calls, call.key, budget)
            if outcome is not None:
                done[call.key] = outcome


def _server_killer(out: Path, plan: Plan, skip_cells: list[int]) -> int | None:
    """The cell that killed the warm server: the last cell started, unless already skipped.

    Only the job's own code can kill the server, and the executor dies with it (a
    parent-death signal), but a few instructions late: it may have written that cell's
    record, or started its calls, before it died. So the blame goes to the last cell
    that started, whatever its record says. When that cell is already skipped, a call
    did it (where calls cannot have a private pid namespace): the caller's
    :func:`_in_flight` names it.
    """
    markers = {parse_cell_marker(p.name) for p in out.iterdir()}
    started = [c.index for c in plan.cells if c.index in markers]
    return started[-1] if started and started[-1] not in skip_cells else None


def _relaunch(out: Path, plan: Plan, ex: Execution, run: SandboxRun,
              skip_cells: list[int], done: dict[str, CallOutcome]) -> bool:
    """Decide what the next run skips after a sandbox died; False when there is nothing to skip."""
    why = ("timed out" if run.timed_out else "died (its warm server was killed)"
           if run.server_died else f"died (exit {run.returncode})")
    killer = _server_killer(out, plan, skip_cells) if run.server_died else None
    cell, key = (killer, None) if killer is not None else _in_flight(out, plan, ex, done)
    if cell is not None:
        skip_cells.append(cell)
        ex.flags.append(f"the sandbox {why} in cell {cell}: rerun without that cell")
    elif key is not None:
        _abandon_question(plan, key, done, f"the sandbox {why} while this function ran")
        ex.flags.append(f"the sandbox {why} during call {key}: rerun for the rest")
    else:
        ex.flags.append(f"the sandbox {why} before running anything: {run.stderr[-300:]}")
        return False
    return True


def execute(plan: Plan, sandbox: Sandbox, limits: Limits, *, cell_timeout: float,
            output_cap: int, budget: ResultBudget | None = None,
            scratch: Path | None = None) -> Execution:
    """Run ``plan`` in fresh sandboxes until every call has an outcome (or attempts run out).

    ``budget`` bounds the bytes of result arrays loaded (the submission's, shared by
    all its notebooks; by default a fresh one with the default limits). The jobs' folders
    are made in ``scratch`` (the course's ``scratch_dir()``; None: the system's), named by
    this process's pid, so that a warm sandbox started later removes them if this process
    is killed before it does (``graders/sandbox/base.py``, ``JOB_PREFIX``).

    Raises:
        Ungradable: the sandbox's runtime refused the plan (another PLAN_VERSION).
    """
    ex = Execution()
    skip_cells: list[int] = []
    done: dict[str, CallOutcome] = {}
    budget = budget if budget is not None else ResultBudget()
    sweep = sandbox.name != "unsafe"
    namespaces = os.environ.get(TEST_REDUCED_ISOLATION) != "1"
    with tempfile.TemporaryDirectory(prefix=owned_by_me(JOB_PREFIX), dir=scratch) as tmp:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            base = Path(tmp) / f"run{attempt}"
            job = Job(base / "job", base / "out", base / "work", limits)
            for d in (job.job_dir, job.out_dir, job.work_dir):
                d.mkdir(parents=True)
            plan.write(job.job_dir, PlanSettings(cell_timeout, output_cap, sweep,
                                                 tuple(skip_cells), tuple(sorted(done)),
                                                 namespaces))
            run = sandbox.run(job)
            ex.attempts = attempt
            ex.timings["sandbox"] = ex.timings.get("sandbox", 0.0) + run.seconds
            for what in run.reductions:  # the host's side: e.g. no unprivileged host uid
                _flag_reduced(ex, what)
            refusal = _refusal(job.out_dir, ex)
            if refusal is not None:
                raise Ungradable(refusal.message())
            _collect(job.out_dir, plan, ex, done, budget)
            if _finished(job.out_dir, ex) or not _relaunch(job.out_dir, plan, ex, run,
                                                           skip_cells, done):
                break
            shutil.rmtree(base, ignore_errors=True)
    ex.calls = {c.key: _in_plain_words(done.get(c.key, CallOutcome(CallStatus.NOT_RUN,
                                                                    error="never reached")),
                                       limits)
                for c in plan.calls}
    _note_breaches(ex, limits)
    return ex


def _note_breaches(ex: Execution, limits: Limits) -> None:
    """Add to each cell that failed on a limit a line that names it, with its value.

    The cell's own traceback says ``[Errno 28] No space left on device``; the student
    reads, below it, ``scratch disk limit of N MiB reached`` (:func:`breach.explain`).
    """
    for index, rec in ex.cells.items():
        error = next((o for o in rec.outputs if o.get("output_type") == "error"), None)
        if error is None:
            continue
        text = f"{error.get('ename', '')}: {error.get('evalue', '')}"[:600]
        words = explain(text, limits)
        if words != text:
            note = {"output_type": "stream", "name": "stderr", "text": f"[mml] {words}\n"}
            ex.cells[index] = dataclasses.replace(rec, outputs=(*rec.outputs, note))


def _in_plain_words(outcome: CallOutcome, limits: Limits) -> CallOutcome:
    """The outcome, its error naming the limit it breached (:func:`breach.explain`)."""
    if outcome.status not in (CallStatus.ERROR, CallStatus.CRASH) or not outcome.error:
        return outcome
    return CallOutcome(outcome.status, error=explain(outcome.error, limits))


def _abandon_question(plan: Plan, key: str, done: dict[str, CallOutcome], why: str) -> None:
    """Mark every unfinished call of the question whose call ``key`` killed the sandbox."""
    grade_id = next(c.grade_id for c in plan.calls if c.key == key)
    for call in plan.calls:
        if call.grade_id == grade_id and (call.key == key or call.key not in done):
            done[call.key] = CallOutcome(CallStatus.CRASH, error=why)


def _finished(out: Path, ex: Execution) -> bool:
    """Whether the executor got to the end (timing.json exists); adds its timings."""
    path = out / TIMING_FILE
    if not os.path.lexists(path):
        return False
    try:
        timing = TimingRecord.from_json(read_limited(path, MAX_SMALL_BYTES))
        for key, value in (("startup", timing.startup), ("notebook", timing.notebook),
                           ("calls", timing.calls)):
            ex.timings[key] = ex.timings.get(key, 0.0) + value
    except ProtocolError:
        ex.flags.append("malformed timing record from the sandbox")
    return True
