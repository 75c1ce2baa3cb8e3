"""A fake sandbox that replays a recorded outbox, and fake checks for the tiny course.

:class:`FakeSandbox` implements the one-method ``Sandbox`` protocol without starting
anything: for each run it reads the plan the host wrote (checking its version as the
executor does), then writes into the outbox, in the executor's order (each cell, then
the calls planned after it, one question's snapshot at a time: ``run_order``) and with
the protocol's records, what a recorded outbox holds for the cells and calls that run
writes. It can die at a given cell or call (the relaunch logic of
``graders/pipeline/execute.py`` then reruns past it), refuse the plan as a runtime of
another version would, and let a test tamper with the outbox as student code could.

A recording is any outbox folder: one a real executor wrote (copy ``job.out_dir`` after
a real run), or one built from the protocol types with :func:`record`.

:func:`fake_checks` and :func:`use_fake_checks` stand in for the content registry: the
tiny course's two checks (``linear_algebra.solve``, ``linear_algebra.reflection_matrix``)
with two hidden cases each, so that the pipeline's tests do not depend on the course
content that other work may be changing.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pytest

from graders.checks import Case, CheckSpec
from graders.errors import Mismatch
from graders.pipeline.plan import Plan, PlannedCall, build_plan
from graders.runtime.encode import encode
from graders.runtime.protocol import (
    CALLS_DIR,
    CELLS_FILE,
    EXIT_REFUSED,
    ISOLATION_FILE,
    PLAN_FILE,
    PLAN_VERSION,
    REFUSAL_FILE,
    TIMING_FILE,
    CallRecord,
    CallStatus,
    CellRecord,
    IsolationRecord,
    JobPlan,
    PlanCall,
    ProtocolError,
    Refusal,
    TimingRecord,
    call_file,
    call_marker,
    cell_marker,
    run_order,
)
from graders.sandbox import Job, SandboxRun

__all__ = ["FakeSandbox", "expected", "fake_checks", "record", "use_fake_checks"]


def record(folder: Path, *, cells: Iterable[CellRecord] = (),
           calls: Mapping[str, Any] | None = None,
           isolation: IsolationRecord | None = None) -> Path:
    """Write an outbox folder as the executor would, for :class:`FakeSandbox` to replay.

    Args:
        folder: where to write it (created).
        cells: cell records, written to cells.jsonl.
        calls: per call key, a :class:`CallRecord`, or else a plain value that is
            encoded as the executor encodes a student function's return value.
        isolation: what the job's isolation achieved (isolation.json); without it a
            replay records full isolation, less the namespaces the plan skipped.
    """
    (folder / CALLS_DIR).mkdir(parents=True, exist_ok=True)
    if isolation is not None:
        (folder / ISOLATION_FILE).write_text(isolation.to_json())
    (folder / CELLS_FILE).write_text("".join(c.to_json() + "\n" for c in cells))
    for key, value in (calls or {}).items():
        if not isinstance(value, CallRecord):
            value = CallRecord(CallStatus.OK, encode(value, str(folder / CALLS_DIR), key))
        (folder / CALLS_DIR / call_file(key)).write_text(value.to_json())
    return folder


def _recorded_cells(folder: Path) -> dict[int, CellRecord]:
    path = folder / CELLS_FILE
    lines = path.read_text().splitlines() if path.is_file() else []
    return {r.index: r for r in map(CellRecord.from_json, lines)}


@dataclass
class FakeSandbox:
    """A ``Sandbox`` that replays the recording at ``recording`` instead of running code.

    Attributes:
        recording: the recorded outbox folder (see :func:`record`).
        die_at_cells: cells that kill the sandbox whenever they run.
        die_at_calls: calls that kill the sandbox whenever they run.
        timed_out: a death looks like the wall-clock limit (else like SIGKILL).
        runtime_version: the PLAN_VERSION of the simulated runtime.
        tamper: called with the outbox at the end of every run (student writes).
        name: the backend's name in results.
        plans: the plans of the runs so far, in order.
        trace: per run, what it replayed in order ("cell 3", "call q0_c0_k1"), up to
            and including what killed it.
    """

    recording: Path
    die_at_cells: frozenset[int] = frozenset()
    die_at_calls: frozenset[str] = frozenset()
    timed_out: bool = False
    runtime_version: int = PLAN_VERSION
    tamper: Callable[[Path], object] | None = None
    name: str = "fake"
    plans: list[JobPlan] = field(default_factory=list)
    trace: list[list[str]] = field(default_factory=list)

    def run(self, job: Job) -> SandboxRun:
        """Replay one run of ``job``'s plan into its outbox."""
        ended = self._replay(job)
        if self.tamper is not None:
            self.tamper(job.out_dir)
        return ended

    def _replay(self, job: Job) -> SandboxRun:
        out = job.out_dir
        try:
            plan = JobPlan.from_json((job.job_dir / PLAN_FILE).read_text(),
                                     runtime_version=self.runtime_version)
        except ProtocolError as exc:
            (out / REFUSAL_FILE).write_text(Refusal.of(exc).to_json())
            return SandboxRun(EXIT_REFUSED, False, 0.0, "")
        self.plans.append(plan)
        self.trace.append([])
        recorded = _recorded_cells(self.recording)
        if (self.recording / ISOLATION_FILE).is_file():
            shutil.copy(self.recording / ISOLATION_FILE, out / ISOLATION_FILE)
        else:  # as enter_job: everything, but the namespaces the plan skips
            isolation = IsolationRecord(plan.settings.namespaces, True, True)
            (out / ISOLATION_FILE).write_text(isolation.to_json())
        (out / CALLS_DIR).mkdir(exist_ok=True)
        with open(out / CELLS_FILE, "a") as log:
            for cell, calls in run_order(plan.cells, plan.calls):
                if not self._replay_cell(plan, cell.index, recorded, out, log):
                    return SandboxRun(-9, self.timed_out, 0.01, "killed")
                for _, question in itertools.groupby(
                        (c for c in calls if c.key not in plan.settings.skip_calls),
                        key=lambda c: c.group):
                    if not self._replay_snapshot(list(question), out):
                        return SandboxRun(-9, self.timed_out, 0.01, "killed")
        (out / TIMING_FILE).write_text(TimingRecord(0.001, 0.002, 0.003).to_json())
        return SandboxRun(0, False, 0.01, "")

    def _replay_cell(self, plan: JobPlan, index: int, recorded: dict[int, CellRecord],
                     out: Path, log: IO[str]) -> bool:
        """Write one cell's marker and record; False where the cell kills the sandbox."""
        (out / cell_marker(index)).touch()
        self.trace[-1].append(f"cell {index}")
        if index in plan.settings.skip_cells:
            rec = CellRecord(index, error=True, skipped=True)
        elif index in self.die_at_cells:
            return False
        else:
            rec = recorded.get(index, CellRecord(index))
        log.write(rec.to_json() + "\n")
        log.flush()
        return True

    def _replay_snapshot(self, calls: list[PlanCall], out: Path) -> bool:
        """Write one question's marker and its calls' recorded results; False at a killer."""
        target, source = out / CALLS_DIR, self.recording / CALLS_DIR
        (target / call_marker(calls[0].key)).touch()
        for call in calls:
            self.trace[-1].append(f"call {call.key}")
            if call.key in self.die_at_calls:
                return False
            if not (source / call_file(call.key)).is_file():
                missing = CallRecord(CallStatus.MISSING, error="fake sandbox: not recorded")
                (target / call_file(call.key)).write_text(missing.to_json())
                continue
            for path in source.glob(f"{call.key}*"):
                if path.stem == call.key or path.name.startswith(call.key + "_"):
                    shutil.copy(path, target / path.name)
        return True


# --- fake checks ------------------------------------------------------------------------


def _judge_close(reference: Callable[..., Any]) -> Callable[[Case, Any], str | None]:
    def judge(case: Case, output: Any) -> str | None:
        expected = reference(*case.args)
        if not isinstance(output, np.ndarray) or output.shape != expected.shape:
            raise Mismatch("wrong type or shape")
        if not np.allclose(output, expected):
            raise Mismatch("wrong values")
        return None
    return judge


def _reflection(B: np.ndarray) -> np.ndarray:
    b = B[:, 0] / np.linalg.norm(B[:, 0])
    return 2 * np.outer(b, b) - np.eye(len(b))


def _solve_cases(rng: np.random.Generator) -> list[Case]:
    A = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    return [Case("identity 2x2", (np.eye(2), np.ones(2))),
            Case("random 3x3", (A, rng.normal(size=3)))]


def _reflect_cases(rng: np.random.Generator) -> list[Case]:
    return [Case("standard basis", (np.eye(2),)), Case("random basis", (rng.normal(size=(3, 2)),))]


def fake_checks() -> dict[str, CheckSpec]:
    """The tiny course's two checks, by id, with two hidden cases each."""
    return {
        "linear_algebra.solve": CheckSpec(
            "linear_algebra.solve", "linear_algebra", "solve", _solve_cases,
            _judge_close(np.linalg.solve), np.linalg.solve, time_limit=2.0),
        "linear_algebra.reflection_matrix": CheckSpec(
            "linear_algebra.reflection_matrix", "linear_algebra", "reflection_matrix",
            _reflect_cases, _judge_close(_reflection), _reflection),
    }


def expected(call: PlannedCall) -> Any:
    """The reference's output on a planned call: what a correct function returns."""
    assert call.spec.reference is not None
    return call.spec.reference(*call.case.args, **call.case.kwargs)


def use_fake_checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, CheckSpec]:
    """Make the planner find :func:`fake_checks` instead of the content registry's."""
    checks = fake_checks()
    monkeypatch.setattr("graders.pipeline.plan.get_check", checks.__getitem__)
    return checks


def tiny_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Plan:
    """The plan of the tiny course's solved notebook, against :func:`fake_checks` (seed 1,
    3 s per case): what the executor's unit tests replay recorded outboxes against."""
    import nbformat
    from notebooks import source_notebook

    from graders.pipeline.assemble import assemble
    from graders.pipeline.source import parse_source

    use_fake_checks(monkeypatch)
    path = tmp_path / "tiny.ipynb"
    nbformat.write(source_notebook(), str(path))
    spec = parse_source(path, "linear_algebra")
    return build_plan(spec, assemble(spec, source_notebook()).code, seed=1, case_timeout=3.0)
