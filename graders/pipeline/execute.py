"""Execute: run the plan in a fresh sandbox, relaunching past whatever killed it.

The executor writes progress markers, so when a sandbox dies early (a cell that
kills its own process, a call that kills the executor, a loop that masks the
soft time limit and meets the hard one) the host knows what was running. It then
starts a fresh sandbox that skips that cell or call, up to ``MAX_ATTEMPTS``
times: one hostile line costs the questions that depend on it, not the notebook.
Everything the sandbox wrote is read back with size caps and parsed as plain
data; anything malformed is reported, never trusted.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.payload import PayloadError, decode
from graders.pipeline.plan import Plan
from graders.sandbox import Job, Limits, Sandbox

__all__ = ["MAX_ATTEMPTS", "CallOutcome", "Execution", "execute"]

MAX_ATTEMPTS = 4
MAX_LOG_BYTES = 8 * 1024 * 1024
MAX_CALL_JSON = 1024 * 1024


@dataclass
class CallOutcome:
    """What one hidden call produced.

    Attributes:
        status: "ok", "error" (raised), "crash" (timeout, signal, exit), "missing"
            (function not defined), "not run" (the notebook never reached it), "tampered".
        value: the decoded plain value when status is "ok".
        error: the reason otherwise.
    """

    status: str
    value: Any = None
    error: str = ""


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

    cells: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: dict[str, CallOutcome] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    attempts: int = 0


def _read_cells(out: Path, ex: Execution) -> None:
    path = out / "cells.jsonl"
    if not path.is_file() or path.stat().st_size > MAX_LOG_BYTES:
        return
    for line in path.read_text(errors="replace").splitlines():
        try:
            rec = json.loads(line)
            ex.cells[int(rec["index"])] = {"outputs": list(rec.get("outputs", [])),
                                           "error": bool(rec.get("error")),
                                           "skipped": bool(rec.get("skipped"))}
        except (ValueError, KeyError, TypeError):
            ex.flags.append("malformed cell record from the sandbox ignored (tampering?)")


def _read_call(out: Path, key: str) -> CallOutcome | None:
    path = out / "calls" / f"{key}.json"
    if not path.is_file():
        return None
    try:
        if path.is_symlink() or path.stat().st_size > MAX_CALL_JSON:
            raise PayloadError("result file too large or a link")
        rec = json.loads(path.read_text())
        if rec.get("status") == "ok":
            return CallOutcome("ok", decode(rec["value"], out / "calls"))
        status = rec.get("status")
        status = status if status in ("error", "crash", "missing") else "crash"
        return CallOutcome(status, error=str(rec.get("error", ""))[:500])
    except (PayloadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return CallOutcome("tampered", error=f"malformed result ({exc})"[:300])


def _started(out: Path, pattern: str) -> set[str]:
    return {p.name.split(".")[0] for p in out.glob(pattern)}


def _in_flight(out: Path, plan: Plan, ex: Execution) -> tuple[int | None, str | None]:
    """The cell, or else the last call, that was running when the sandbox died."""
    cells_started = {int(n.split("-")[1]) for n in _started(out, "cell-*.started")}
    unfinished = sorted(cells_started - set(ex.cells))
    if unfinished:
        return unfinished[0], None
    calls_started = _started(out / "calls", "*.started") if (out / "calls").is_dir() else set()
    started = [c.key for c in plan.calls if c.key in calls_started]
    return None, (started[-1] if started else None)


def _settings(cell_timeout: float, output_cap: int, sweep: bool,
              skip_cells: list[int], skip_calls: list[str]) -> dict[str, Any]:
    return {"cell_timeout": cell_timeout, "output_cap": output_cap, "sweep": sweep,
            "skip_cells": skip_cells, "skip_calls": skip_calls}


def execute(plan: Plan, sandbox: Sandbox, limits: Limits, *, cell_timeout: float,
            output_cap: int) -> Execution:
    """Run ``plan`` in fresh sandboxes until every call has an outcome (or attempts run out)."""
    ex = Execution()
    skip_cells: list[int] = []
    done: dict[str, CallOutcome] = {}
    sweep = sandbox.name != "unsafe"
    with tempfile.TemporaryDirectory(prefix="mml-") as tmp:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            base = Path(tmp) / f"run{attempt}"
            job = Job(base / "job", base / "out", base / "work", limits)
            for d in (job.job_dir, job.out_dir, job.work_dir):
                d.mkdir(parents=True)
            plan.write(job.job_dir, _settings(cell_timeout, output_cap, sweep,
                                              skip_cells, sorted(done)))
            run = sandbox.run(job)
            ex.attempts = attempt
            ex.timings["sandbox"] = ex.timings.get("sandbox", 0.0) + run.seconds
            ex.cells = {}
            _read_cells(job.out_dir, ex)
            for call in plan.calls:
                outcome = _read_call(job.out_dir, call.key)
                if outcome is not None and call.key not in done:
                    done[call.key] = outcome
            if _finished(job.out_dir, ex):
                break
            why = "timed out" if run.timed_out else f"died (exit {run.returncode})"
            cell, key = _in_flight(job.out_dir, plan, ex)
            if cell is not None:
                skip_cells.append(cell)
                ex.flags.append(f"the sandbox {why} in cell {cell}: rerun without that cell")
            elif key is not None:
                _abandon_question(plan, key, done, f"the sandbox {why} while this function ran")
                ex.flags.append(f"the sandbox {why} during call {key}: rerun for the rest")
            else:
                ex.flags.append(f"the sandbox {why} before running anything: {run.stderr[-300:]}")
                break
            shutil.rmtree(base, ignore_errors=True)
    ex.calls = {c.key: done.get(c.key, CallOutcome("not run", error="never reached"))
                for c in plan.calls}
    return ex


def _abandon_question(plan: Plan, key: str, done: dict[str, CallOutcome], why: str) -> None:
    """Mark every unfinished call of the question whose call ``key`` killed the sandbox."""
    grade_id = next(c.grade_id for c in plan.calls if c.key == key)
    for call in plan.calls:
        if call.grade_id == grade_id and (call.key == key or call.key not in done):
            done[call.key] = CallOutcome("crash", error=why)


def _finished(out: Path, ex: Execution) -> bool:
    path = out / "timing.json"
    if not path.is_file():
        return False
    try:
        timing = json.loads(path.read_text()[:10000])
        for key in ("startup", "notebook", "calls"):
            ex.timings[key] = ex.timings.get(key, 0.0) + float(timing[key])
    except (ValueError, KeyError, TypeError):
        ex.flags.append("malformed timing record from the sandbox")
    return True
