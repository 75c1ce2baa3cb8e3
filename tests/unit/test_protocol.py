"""The sandbox protocol: round trips, the version check, records written by a hostile student."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from graders.runtime.protocol import (
    EXIT_REFUSED,
    MAX_CALL_BYTES,
    MAX_ERROR_CHARS,
    PLAN_VERSION,
    REFUSAL_FILE,
    ArrayArg,
    CallRecord,
    CallStatus,
    CellRecord,
    FunctionArg,
    JobPlan,
    PlanCall,
    PlanCell,
    PlanSettings,
    ProtocolError,
    Refusal,
    TimingRecord,
    TupleArg,
    ValueArg,
    VersionMismatch,
    arg_from_dict,
    parse_cell_marker,
    read_limited,
    run_order,
)

PLAN = JobPlan(
    PlanSettings(5.0, 20000, sweep=True, skip_cells=(3,), skip_calls=("q0_c0_k1",)),
    (PlanCell(0, "import numpy as np"), PlanCell(2, "def f(x):\n    return x")),
    (PlanCall("q0_c0_k0", "q_f", "f", 2, 2.5,
              (ArrayArg("q0_c0_k0_a0"), ValueArg(None), ValueArg(3), ValueArg("s"),
               TupleArg((ValueArg(1.5), ArrayArg("k")))),
              {"fun": FunctionArg("linear_algebra.quadratic", {"Q": ArrayArg("Q"),
                                                               "seed": ValueArg(7)})}),),
)


def test_plan_round_trip() -> None:
    assert JobPlan.from_json(PLAN.to_json()) == PLAN
    assert json.loads(PLAN.to_json())["schema_version"] == PLAN_VERSION


def test_calls_run_right_after_their_test_cell() -> None:
    cells = [PlanCell(i, f"x = {i}") for i in (0, 2, 3, 5)]
    calls = [PlanCall(key, "q", "f", cell, 1.0)
             for key, cell in (("a", 2), ("b", 2), ("c", 5), ("d", 4))]
    order = [(cell.index, [c.key for c in after]) for cell, after in run_order(cells, calls)]
    assert order == [(0, []), (2, ["a", "b"]), (3, []), (5, ["c"])]  # d's cell is not planned


@pytest.mark.parametrize("record", [
    CellRecord(4, ({"output_type": "stream", "name": "stdout", "text": "hi\n"},), False, False,
               0.25, True),
    CellRecord(1, error=True, skipped=True),
])
def test_cell_record_round_trip(record: CellRecord) -> None:
    assert CellRecord.from_json(record.to_json()) == record


@pytest.mark.parametrize("record", [
    CallRecord(CallStatus.OK, {"tuple": [{"array": "k"}, {"none": True}]}),
    CallRecord(CallStatus.ERROR, error="LinAlgError: singular matrix"),
    CallRecord(CallStatus.CRASH, error="timeout: no result within 2 s"),
    CallRecord(CallStatus.MISSING, error="solve was not defined when its test cell ran"),
])
def test_call_record_round_trip(record: CallRecord) -> None:
    assert CallRecord.from_json(record.to_json()) == record


def test_timing_and_refusal_round_trip() -> None:
    timing = TimingRecord(0.1, 2.0, 0.5)
    assert TimingRecord.from_json(timing.to_json()) == timing
    for refusal in (Refusal("version", 1, 2), Refusal("plan", 2, None, "field 'cells' ...")):
        assert Refusal.from_json(refusal.to_json()) == refusal


def test_a_plan_of_another_version_is_refused_with_both_versions() -> None:
    old = json.loads(PLAN.to_json()) | {"schema_version": PLAN_VERSION - 1}
    with pytest.raises(VersionMismatch) as info:
        JobPlan.from_json(json.dumps(old))
    assert (info.value.runtime_version, info.value.plan_version) == (PLAN_VERSION,
                                                                     PLAN_VERSION - 1)
    refusal = Refusal.of(info.value)
    assert refusal.message() == (f"the grader's sandbox runtime is version {PLAN_VERSION}, "
                                 f"the plan is version {PLAN_VERSION - 1}")
    with pytest.raises(VersionMismatch):  # a runtime of another version refuses this plan
        JobPlan.from_json(PLAN.to_json(), runtime_version=PLAN_VERSION + 1)


@pytest.mark.parametrize("version", [None, "2", True, 2.0])
def test_a_plan_without_an_integer_version_is_refused(version: object) -> None:
    raw = json.loads(PLAN.to_json())
    raw["schema_version"] = version
    with pytest.raises(VersionMismatch) as info:
        JobPlan.from_json(json.dumps(raw))
    assert info.value.plan_version is None


def test_the_executor_refuses_another_version_before_running_anything(tmp_path: Path) -> None:
    from graders.runtime import executor

    job, out = tmp_path / "job", tmp_path / "out"
    job.mkdir()
    out.mkdir()
    (job / "plan.json").write_text(json.dumps({"schema_version": 1, "cells": [], "calls": []}))
    cwd = os.getcwd()
    assert executor.main(str(job), str(out), str(tmp_path / "no-such-work-dir")) == EXIT_REFUSED
    assert os.getcwd() == cwd
    assert sorted(p.name for p in out.iterdir()) == [REFUSAL_FILE]
    refusal = Refusal.from_json((out / REFUSAL_FILE).read_text())
    assert refusal == Refusal("version", PLAN_VERSION, 1)


@pytest.mark.parametrize("node", [
    {"array": "../../etc/passwd"}, {"array": 3}, {"value": [1, 2]}, {"value": {"a": 1}},
    {"tuple": "abc"}, {"fn": 3, "params": {}}, {"fn": "f", "params": []}, {"lambda": "x"}, [],
    {"array": "a", "value": 1, "tuple": []},
])
def test_malformed_argument_nodes_are_protocol_errors(node: object) -> None:
    with pytest.raises(ProtocolError):
        arg_from_dict(node)


def test_deeply_nested_arguments_are_refused() -> None:
    node: dict[str, object] = {"value": 1}
    for _ in range(20):
        node = {"tuple": [node]}
    with pytest.raises(ProtocolError):
        arg_from_dict(node)


@pytest.mark.parametrize("line", [
    '{"index": "0", "outputs": []}', '{"index": true}', '{"index": -1}', '{"outputs": []}',
    '{"index": 0, "outputs": "text"}', '{"index": 0, "outputs": ["text"]}',
    '{"index": 0, "error": 1}', '{"index": 0, "seconds": NaN}', '{"index": 0, "seconds": "1"}',
    '[{"index": 0}]', "not json", "", '{"index": 1e400}',
])
def test_malformed_cell_records_are_protocol_errors(line: str) -> None:
    with pytest.raises(ProtocolError):
        CellRecord.from_json(line)


@pytest.mark.parametrize("text", [
    '{"status": "OK", "value": {"none": true}}', '{"status": "not run"}',
    '{"status": "tampered"}', '{"status": 1}', '{"status": ["ok"]}', "{}",
    '{"status": "ok"}', '{"status": "ok", "value": [1]}', '{"status": "error", "error": 5}',
    '{"status": "error", "error": ["x"]}', "null", '"ok"',
])
def test_unknown_statuses_and_wrong_types_are_protocol_errors(text: str) -> None:
    with pytest.raises(ProtocolError):
        CallRecord.from_json(text)


def test_huge_strings_are_refused_or_truncated() -> None:
    huge = json.dumps({"status": "error", "error": "x" * (MAX_CALL_BYTES + 1)})
    with pytest.raises(ProtocolError):
        CallRecord.from_json(huge)
    long = CallRecord.from_json(json.dumps({"status": "crash", "error": "y" * 100_000}))
    assert long.error == "y" * MAX_ERROR_CHARS
    refusal = Refusal.from_json(json.dumps({"kind": "plan", "runtime_version": 2,
                                            "plan_version": None, "detail": "z" * 10**5}))
    assert len(refusal.detail) == MAX_ERROR_CHARS


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, "1" * 5000])
def test_hostile_json_raises_only_protocol_errors(text: str) -> None:
    for parse in (CellRecord.from_json, CallRecord.from_json, TimingRecord.from_json,
                  Refusal.from_json, JobPlan.from_json):
        with pytest.raises(ProtocolError):
            parse(text)


@pytest.mark.parametrize("text", [
    '{"startup": 1, "notebook": 2}', '{"startup": -1, "notebook": 2, "calls": 0}',
    '{"startup": Infinity, "notebook": 2, "calls": 0}',
    '{"startup": "1", "notebook": 2, "calls": 0}',
])
def test_malformed_timing_records_are_protocol_errors(text: str) -> None:
    with pytest.raises(ProtocolError):
        TimingRecord.from_json(text)


@pytest.mark.parametrize("text", [
    '{"kind": "other", "runtime_version": 1, "plan_version": 2}',
    '{"kind": "version", "runtime_version": "1", "plan_version": 2}',
    '{"kind": "version", "runtime_version": 1, "plan_version": 2.5}',
])
def test_malformed_refusals_are_protocol_errors(text: str) -> None:
    with pytest.raises(ProtocolError):
        Refusal.from_json(text)


def test_cell_markers_parse_only_their_own_names() -> None:
    assert parse_cell_marker("cell-12.started") == 12
    for name in ("cell-x.started", "cell-.started", "cell--1.started", "cell-1.started.tmp",
                 "cell-99999999999.started", "cells.jsonl", "calls", "cell-1"):
        assert parse_cell_marker(name) is None


def test_read_limited_refuses_links_specials_and_oversized_files(tmp_path: Path) -> None:
    (tmp_path / "ok.json").write_text("{}")
    assert read_limited(tmp_path / "ok.json", 10) == "{}"
    (tmp_path / "big.json").write_text("x" * 11)
    (tmp_path / "secret").write_text("host secret")
    (tmp_path / "link.json").symlink_to(tmp_path / "secret")
    (tmp_path / "dir.json").mkdir()
    os.mkfifo(tmp_path / "fifo.json")
    for name in ("big.json", "link.json", "dir.json", "fifo.json", "absent.json"):
        with pytest.raises(ProtocolError):
            read_limited(tmp_path / name, 10)


def test_call_status_is_a_closed_set() -> None:
    assert {s.value for s in CallStatus} == {"ok", "error", "crash", "missing", "not run",
                                             "tampered", "result too large"}
    with pytest.raises(ValueError):
        CallStatus("passed")
