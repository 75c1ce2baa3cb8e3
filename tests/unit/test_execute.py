"""Execute: reading the sandbox's records back, relaunching past a cell or call that killed it."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakesandbox import FakeSandbox, expected, record, tiny_plan

from graders.errors import Ungradable
from graders.payload import ResultBudget
from graders.pipeline.execute import MAX_ATTEMPTS, CallOutcome, Execution, execute
from graders.pipeline.plan import Plan
from graders.runtime.encode import encode
from graders.runtime.protocol import (
    PLAN_VERSION,
    CallRecord,
    CallStatus,
    CellRecord,
    Refusal,
    cell_marker,
)
from graders.sandbox import Limits

SOLVE_TEST, REFLECT_TEST = 3, 5  # the tiny notebook's test cells
SOLVE = ["q0_c0_k0", "q0_c0_k1"]
REFLECT = ["q1_c0_k0", "q1_c0_k1"]


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Plan:
    return tiny_plan(tmp_path, monkeypatch)


@pytest.fixture
def recording(tmp_path: Path, plan: Plan) -> Path:
    """Every call answered by the reference; cell 1 printed something."""
    values = {c.key: expected(c) for c in plan.calls}
    out = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    return record(tmp_path / "recorded", cells=[CellRecord(1, (out,))], calls=values)


def run(plan: Plan, sandbox: FakeSandbox) -> Execution:
    return execute(plan, sandbox, Limits(wall_seconds=5), cell_timeout=5.0, output_cap=1000)


def statuses(ex: Execution) -> dict[str, str]:
    return {key: outcome.status.value for key, outcome in ex.calls.items()}


def test_a_clean_run_reads_every_record_back(plan: Plan, recording: Path) -> None:
    ex = run(plan, FakeSandbox(recording))
    assert ex.attempts == 1 and ex.flags == []
    assert sorted(ex.cells) == [c.index for c in plan.cells]
    assert ex.cells[1].outputs[0]["text"] == "hello\n" and not ex.cells[1].error
    assert set(statuses(ex).values()) == {"ok"}
    first = plan.calls[0]
    np.testing.assert_allclose(ex.calls[first.key].value, np.linalg.solve(*first.case.args))
    assert set(ex.timings) == {"sandbox", "startup", "notebook", "calls"}


def test_relaunch_past_a_cell_that_kills_the_sandbox(plan: Plan, recording: Path) -> None:
    sandbox = FakeSandbox(recording, die_at_cells=frozenset({2}))
    ex = run(plan, sandbox)
    assert ex.attempts == 2
    assert [p.settings.skip_cells for p in sandbox.plans] == [(), (2,)]
    assert ex.flags == ["the sandbox died (exit -9) in cell 2: rerun without that cell"]
    assert ex.cells[2].skipped and ex.cells[2].error
    assert set(statuses(ex).values()) == {"ok"}


def test_relaunch_past_a_call_that_kills_the_sandbox(plan: Plan, recording: Path) -> None:
    sandbox = FakeSandbox(recording, die_at_calls=frozenset({SOLVE[1]}))
    ex = run(plan, sandbox)
    assert ex.attempts == 2
    assert sandbox.plans[1].settings.skip_calls == (*SOLVE,)
    assert statuses(ex) == {SOLVE[0]: "ok", SOLVE[1]: "crash", REFLECT[0]: "ok",
                            REFLECT[1]: "ok"}
    assert ex.calls[SOLVE[1]].error == "the sandbox died (exit -9) while this function ran"
    assert ex.flags == [f"the sandbox died (exit -9) during call {SOLVE[1]}: rerun for the rest"]


def test_relaunch_past_a_call_that_kills_the_sandbox_between_cells(plan: Plan,
                                                                   recording: Path) -> None:
    """Calls run right after their test cell, so a call that kills the sandbox stops the
    cells after it; the host blames that call (not a later cell's marker the call forged),
    and the rerun runs every cell again and the other question's calls."""
    def forge(out: Path) -> None:
        (out / cell_marker(REFLECT_TEST)).touch()

    sandbox = FakeSandbox(recording, die_at_calls=frozenset({SOLVE[1]}), tamper=forge)
    ex = run(plan, sandbox)
    assert sandbox.trace[0] == ["cell 1", "cell 2", f"cell {SOLVE_TEST}", f"call {SOLVE[0]}",
                                f"call {SOLVE[1]}"]
    assert ex.attempts == 2
    assert sandbox.plans[1].settings.skip_calls == (*SOLVE,)
    assert sandbox.plans[1].settings.skip_cells == ()
    assert sandbox.trace[1] == ["cell 1", "cell 2", f"cell {SOLVE_TEST}", "cell 4",
                                f"cell {REFLECT_TEST}", f"call {REFLECT[0]}", f"call {REFLECT[1]}"]
    assert statuses(ex) == {SOLVE[0]: "ok", SOLVE[1]: "crash", REFLECT[0]: "ok",
                            REFLECT[1]: "ok"}
    assert sorted(ex.cells) == [c.index for c in plan.cells]
    assert not any(rec.skipped for rec in ex.cells.values())
    assert ex.flags == [f"the sandbox died (exit -9) during call {SOLVE[1]}: rerun for the rest"]


def test_a_killing_call_costs_the_rest_of_its_question_only(plan: Plan,
                                                           recording: Path) -> None:
    ex = run(plan, FakeSandbox(recording, die_at_calls=frozenset({SOLVE[0]}), timed_out=True))
    assert statuses(ex) == {SOLVE[0]: "crash", SOLVE[1]: "crash", REFLECT[0]: "ok",
                            REFLECT[1]: "ok"}
    assert "timed out" in ex.flags[0]


def test_after_max_attempts_the_calls_never_reached_are_not_run(plan: Plan,
                                                                recording: Path) -> None:
    dying = frozenset({1, 2, REFLECT_TEST - 1, REFLECT_TEST})  # around the solve test cell
    assert len(dying) == MAX_ATTEMPTS
    sandbox = FakeSandbox(recording, die_at_cells=dying)
    ex = run(plan, sandbox)
    assert ex.attempts == MAX_ATTEMPTS and len(ex.flags) == MAX_ATTEMPTS
    # The third run made the solve calls right after their test cell, then died in cell 4;
    # the fourth died in the reflection's test cell, so its calls were never made.
    assert statuses(ex) == {SOLVE[0]: "ok", SOLVE[1]: "ok", REFLECT[0]: "not run",
                            REFLECT[1]: "not run"}


def test_a_runtime_of_another_version_makes_the_submission_ungradable(
        plan: Plan, recording: Path) -> None:
    sandbox = FakeSandbox(recording, runtime_version=PLAN_VERSION - 1)
    with pytest.raises(Ungradable, match=f"the grader's sandbox runtime is version "
                                         f"{PLAN_VERSION - 1}, the plan is version "
                                         f"{PLAN_VERSION}"):
        run(plan, sandbox)
    assert sandbox.plans == []


def test_call_outcomes_take_only_the_fixed_statuses() -> None:
    assert CallOutcome("error", error="x").status is CallStatus.ERROR  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CallOutcome("passed")  # type: ignore[arg-type]


# --- an outbox tampered with by student code ------------------------------------------


def tampered(plan: Plan, recording: Path, tamper: Callable[[Path], object],
             **kw: Any) -> Execution:
    return run(plan, FakeSandbox(recording, tamper=tamper, **kw))


def test_a_forged_refusal_after_code_ran_is_ignored(plan: Plan, recording: Path) -> None:
    def forge(out: Path) -> None:
        (out / "refused.json").write_text(Refusal("version", 1, PLAN_VERSION).to_json())

    ex = tampered(plan, recording, forge)
    assert set(statuses(ex).values()) == {"ok"}
    assert any("refusal" in f for f in ex.flags)


def test_a_refusal_that_names_another_plan_version_is_ignored(plan: Plan,
                                                               recording: Path) -> None:
    def forge(out: Path) -> None:
        for path in out.iterdir():
            if path.is_dir():
                for inner in path.iterdir():
                    inner.unlink()
                path.rmdir()
            else:
                path.unlink()
        (out / "refused.json").write_text(Refusal("version", 7, 9).to_json())

    ex = tampered(plan, recording, forge)
    assert any("refusal" in f for f in ex.flags)


def test_a_calls_folder_that_links_out_of_the_outbox_is_not_followed(
        plan: Plan, recording: Path, tmp_path: Path) -> None:
    host = tmp_path / "host"
    record(host, calls={key: CallRecord(CallStatus.ERROR, error="from the host")
                        for key in SOLVE + REFLECT})

    def relink(out: Path) -> None:
        for path in (out / "calls").iterdir():
            path.unlink()
        (out / "calls").rmdir()
        (out / "calls").symlink_to(host / "calls")

    ex = tampered(plan, recording, relink)
    assert "from the host" not in str(ex.calls)
    assert any("calls folder" in f for f in ex.flags)


@pytest.mark.parametrize("content", [
    "[" * 100_000,  # RecursionError in json
    json.dumps({"status": "ok", "value": {"array": "../../x"}}),
    json.dumps({"status": "passed"}),
    json.dumps({"status": "error", "error": "x" * (2 * 1024 * 1024)}),
])
def test_a_malformed_call_record_is_tampered(plan: Plan, recording: Path,
                                             content: str) -> None:
    ex = tampered(plan, recording, lambda out: (out / "calls" / f"{SOLVE[0]}.json").write_text(
        content))
    assert statuses(ex)[SOLVE[0]] == "tampered"
    assert statuses(ex)[SOLVE[1]] == "ok"


@pytest.mark.parametrize("inline", [False, True], ids=["file", "inline"])
def test_an_array_header_claiming_terabytes_is_tampered(plan: Plan, recording: Path,
                                                        inline: bool) -> None:
    """As a .npy file the record names, or as .npy bytes inside the record."""
    def forge(out: Path) -> None:
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            buf, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
        data = buf.getvalue() + bytes(64)
        node = {"npy": base64.b64encode(data).decode()} if inline else {"array": SOLVE[0]}
        (out / "calls" / f"{SOLVE[0]}.npy").write_bytes(data)
        (out / "calls" / f"{SOLVE[0]}.json").write_text(
            json.dumps({"status": "ok", "value": node}))

    ex = tampered(plan, recording, forge)
    assert statuses(ex)[SOLVE[0]] == "tampered"


def test_a_result_linked_to_a_host_file_is_tampered(plan: Plan, recording: Path,
                                                    tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(CallRecord(CallStatus.ERROR, error="SECRET").to_json())

    def link(out: Path) -> None:
        (out / "calls" / f"{SOLVE[0]}.json").unlink()
        (out / "calls" / f"{SOLVE[0]}.json").symlink_to(secret)

    ex = tampered(plan, recording, link)
    assert statuses(ex)[SOLVE[0]] == "tampered" and "SECRET" not in str(ex.calls)


def test_malformed_cell_and_timing_records_are_flagged(plan: Plan, recording: Path) -> None:
    def forge(out: Path) -> None:
        with open(out / "cells.jsonl", "a") as log:
            log.write('{"index": "1", "outputs": 5}\n' + "[" * 50_000 + "\n")
        (out / "timing.json").write_text('{"startup": "soon"}')

    ex = tampered(plan, recording, forge)
    assert ex.flags.count("malformed cell record from the sandbox ignored (tampering?)") == 2
    assert "malformed timing record from the sandbox" in ex.flags
    assert ex.attempts == 1 and set(statuses(ex).values()) == {"ok"}


def test_an_oversized_cell_log_is_flagged_not_read(plan: Plan, recording: Path) -> None:
    def flood(out: Path) -> None:
        os.truncate(out / "cells.jsonl", 9 * 2**20)  # past the 8 MiB cap

    ex = tampered(plan, recording, flood)
    assert ex.cells == {} and any("cell log" in f for f in ex.flags)


def test_forged_markers_do_not_misdirect_the_relaunch(plan: Plan, recording: Path) -> None:
    def forge(out: Path) -> None:
        (out / "cell-x.started").touch()
        (out / "cell-999.started.tmp").touch()
        (out / "calls" / f"{REFLECT[1]}.started").touch()

    sandbox = FakeSandbox(recording, die_at_calls=frozenset({SOLVE[1]}), tamper=forge)
    ex = run(plan, sandbox)
    assert statuses(ex) == {SOLVE[0]: "ok", SOLVE[1]: "crash", REFLECT[0]: "ok",
                            REFLECT[1]: "ok"}


def test_a_runtime_that_cannot_read_the_plan_is_flagged_not_ungradable(
        plan: Plan, recording: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Plan, "write", lambda self, job_dir, settings: (
        (job_dir / "plan.json").write_text(json.dumps({"schema_version": PLAN_VERSION}))))
    ex = run(plan, FakeSandbox(recording))
    assert ex.attempts == 1 and set(statuses(ex).values()) == {"not run"}
    assert ex.flags[0].startswith("the grader's sandbox runtime could not read the plan: ")
    assert ex.flags[1].startswith("the sandbox died (exit 3) before running anything")


# --- results too large for the judge's budget ----------------------------------------


def test_a_record_naming_one_big_array_many_times_fails_that_case_only(
        plan: Plan, recording: Path) -> None:
    """The amplification attack: one 16 MiB .npy named 4,096 times by a forged record."""
    def amplify(out: Path) -> None:
        np.save(out / "calls" / "big.npy", np.zeros(2 * 2**20))
        tree = {"tuple": [{"tuple": [{"array": "big"}] * 64}] * 64}
        (out / "calls" / f"{SOLVE[0]}.json").write_text(
            CallRecord(CallStatus.OK, tree).to_json())

    ex = tampered(plan, recording, amplify)
    assert statuses(ex)[SOLVE[0]] == "tampered" and "named twice" in ex.calls[SOLVE[0]].error
    assert {statuses(ex)[k] for k in SOLVE[1:] + REFLECT} == {"ok"}


def test_a_result_over_the_budget_is_too_large_and_the_others_are_judged(
        plan: Plan, recording: Path) -> None:
    def enlarge(out: Path) -> None:
        tree = encode(tuple(np.zeros(2**17) for _ in range(4)), str(out / "calls"), "huge")
        (out / "calls" / f"{SOLVE[0]}.json").write_text(
            CallRecord(CallStatus.OK, tree).to_json())

    budget = ResultBudget(call_bytes=2**20, submission_bytes=2**30)
    ex = execute(plan, FakeSandbox(recording, tamper=enlarge), Limits(wall_seconds=5),
                 cell_timeout=5.0, output_cap=1000, budget=budget)
    assert statuses(ex)[SOLVE[0]] == "result too large"
    assert "4.0 MiB, over the result limit of 1 MiB per call" in ex.calls[SOLVE[0]].error
    assert {statuses(ex)[k] for k in SOLVE[1:] + REFLECT} == {"ok"}
    assert 0 < budget.spent < 2**20


def test_a_cell_log_linked_to_a_host_file_is_not_followed(plan: Plan, recording: Path,
                                                          tmp_path: Path) -> None:
    host = tmp_path / "host.jsonl"
    out = {"output_type": "stream", "name": "stdout", "text": "SECRET\n"}
    host.write_text(CellRecord(1, (out,)).to_json() + "\n")

    def link(out: Path) -> None:
        (out / "cells.jsonl").unlink()
        (out / "cells.jsonl").symlink_to(host)

    ex = tampered(plan, recording, link)
    assert "SECRET" not in str(ex.cells) and any("cell log" in f for f in ex.flags)


def test_a_call_killed_at_a_limit_names_the_limit_and_its_value(plan: Plan,
                                                                recording: Path) -> None:
    def kill(out: Path) -> None:
        (out / "calls" / f"{SOLVE[0]}.json").write_text(CallRecord(
            CallStatus.CRASH, error="killed by signal 9 (out of memory or resource limit?)"
        ).to_json())

    ex = execute(plan, FakeSandbox(recording, tamper=kill), Limits(memory_mb=300, wall_seconds=5),
                 cell_timeout=5.0, output_cap=1000)
    assert "memory limit of 300 MiB was reached (c.MMLGrader.memory_mb)" in ex.calls[
        SOLVE[0]].error


def test_the_jobs_folders_are_made_in_the_scratch_folder_and_removed(
        plan: Plan, recording: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    seen: list[Path] = []
    sandbox = FakeSandbox(recording, tamper=lambda out: seen.append(out))
    ex = execute(plan, sandbox, Limits(wall_seconds=5), cell_timeout=5.0, output_cap=1000,
                 scratch=scratch)
    assert ex.attempts == 1 and seen and seen[0].is_relative_to(scratch)
    assert seen[0].relative_to(scratch).parts[0].startswith(f"mml-job-{os.getpid()}-")
    assert list(scratch.iterdir()) == []  # nothing left behind
