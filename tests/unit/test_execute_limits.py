"""Execute: a killed warm server is blamed on the cell that killed it; a full scratch disk is
named in plain words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fakesandbox import FakeSandbox, expected, record, tiny_plan

from graders.pipeline.execute import Execution, execute
from graders.pipeline.plan import Plan
from graders.runtime.protocol import CellRecord
from graders.sandbox import Job, Limits, SandboxRun

SOLVE_TEST = 3  # the tiny notebook's first test cell
LIMITS = Limits(wall_seconds=5, scratch_mb=8)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Plan:
    return tiny_plan(tmp_path, monkeypatch)


def run(plan: Plan, sandbox: object) -> Execution:
    return execute(plan, sandbox, LIMITS, cell_timeout=5.0, output_cap=1000)  # type: ignore[arg-type]


@dataclasses.dataclass
class ServerKilledOnce:
    """The first run: a cell kills the warm server, and the executor, dying with it a few
    instructions late, has written that cell's record and started the calls after it."""

    killer: FakeSandbox
    clean: FakeSandbox
    name: str = "fake"
    runs: int = 0

    def run(self, job: Job) -> SandboxRun:
        self.runs += 1
        ended: SandboxRun = self.clean.run(job) if self.runs > 1 else self.killer.run(job)
        return ended if self.runs > 1 else dataclasses.replace(ended, server_died=True)


def test_a_killed_server_is_blamed_on_the_last_cell_started(tmp_path: Path, plan: Plan) -> None:
    recording = record(tmp_path / "rec", calls={c.key: expected(c) for c in plan.calls})
    first_call = next(c.key for c in plan.calls if c.grade_id == plan.calls[0].grade_id)
    killer = FakeSandbox(recording, die_at_calls=frozenset({first_call}))
    clean = FakeSandbox(recording)
    ex = run(plan, ServerKilledOnce(killer, clean))
    assert [p.settings.skip_cells for p in clean.plans] == [(SOLVE_TEST,)]
    assert {o.status.value for o in ex.calls.values()} == {"ok"}  # no question abandoned
    assert ex.cells[SOLVE_TEST].skipped
    assert any(f"in cell {SOLVE_TEST}" in f and "warm server" in f for f in ex.flags)


def test_a_full_scratch_disk_is_named_under_the_cell(tmp_path: Path, plan: Plan) -> None:
    error = {"output_type": "error", "ename": "OSError",
             "evalue": "[Errno 28] No space left on device", "traceback": []}
    recording = record(tmp_path / "rec", cells=[CellRecord(1, (error,), error=True)],
                       calls={c.key: expected(c) for c in plan.calls})
    ex = run(plan, FakeSandbox(recording))
    texts = [o.get("text", "") for o in ex.cells[1].outputs]
    assert any("scratch disk limit of 8 MiB reached" in t for t in texts)
    assert not any("scratch disk" in o.get("text", "") for r in ex.cells.values() if r.index != 1
                   for o in r.outputs)
