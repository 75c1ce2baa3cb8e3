"""Reduced isolation is recorded: the executor's isolation.json becomes a flag on the result.

Each job's executor writes what ``runtime.isolation.enter_job`` achieved (its own user and
IPC namespaces, its own key ring, the seccomp filter) to ``isolation.json`` before any
student code runs. A submission graded with less carries a flag beginning
``REDUCED_ISOLATION``, which ``mml grade``'s class table and ``mml export``'s flags column
show. The outbox here is a recorded one, replayed by the fake sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakesandbox import FakeSandbox, expected, record, tiny_plan, use_fake_checks
from notebooks import make_course, source_notebook, submit

from graders.commands.report import class_table
from graders.config import Course, load_course
from graders.pipeline.assemble import assemble
from graders.pipeline.execute import (
    REDUCED_ISOLATION,
    TEST_REDUCED_ISOLATION,
    Execution,
    execute,
)
from graders.pipeline.grade import grade_notebook
from graders.pipeline.plan import Plan, build_plan
from graders.pipeline.source import load_source, split_hidden
from graders.result import SubmissionResult
from graders.runtime.protocol import (
    ISOLATION_FILE,
    IsolationRecord,
    PlanSettings,
    ProtocolError,
)
from graders.sandbox import Limits

FULL = IsolationRecord(namespaces=True, keyring=True, filtered=True)
NO_NAMESPACES = IsolationRecord(namespaces=False, keyring=True, filtered=True)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Plan:
    return tiny_plan(tmp_path, monkeypatch)


def recorded(folder: Path, plan: Plan, isolation: IsolationRecord | None) -> Path:
    """A recorded outbox: every call answered by the reference, with ``isolation``."""
    return record(folder, calls={c.key: expected(c) for c in plan.calls}, isolation=isolation)


def run(plan: Plan, sandbox: FakeSandbox) -> Execution:
    return execute(plan, sandbox, Limits(wall_seconds=5), cell_timeout=5.0, output_cap=1000)


def isolation_flags(flags: list[str]) -> list[str]:
    return [f for f in flags if f.startswith(REDUCED_ISOLATION)]


def test_the_record_round_trips_and_names_each_reduction() -> None:
    for rec in (FULL, NO_NAMESPACES, IsolationRecord(False, False, False)):
        assert IsolationRecord.from_json(rec.to_json()) == rec
    assert FULL.reductions() == []
    assert len(IsolationRecord(False, False, False).reductions()) == 3
    assert "namespaces" in NO_NAMESPACES.reductions()[0]
    for bad in ('{"namespaces": 1, "keyring": true, "filtered": true}', "[]", "{",
                '{"keyring": true, "filtered": true}'):
        with pytest.raises(ProtocolError):
            IsolationRecord.from_json(bad)


def test_plan_settings_carry_the_namespace_switch_and_default_to_on() -> None:
    settings = PlanSettings(5.0, 100, namespaces=False)
    assert PlanSettings.from_dict(settings.to_dict()) == settings
    old = {k: v for k, v in PlanSettings(5.0, 100).to_dict().items() if k != "namespaces"}
    assert PlanSettings.from_dict(old).namespaces is True


def test_full_isolation_raises_no_flag(plan: Plan, tmp_path: Path) -> None:
    ex = run(plan, FakeSandbox(recorded(tmp_path / "rec", plan, FULL)))
    assert ex.flags == [] and {o.status.value for o in ex.calls.values()} == {"ok"}, ex.calls


def test_a_job_without_its_own_namespaces_is_flagged_once(plan: Plan, tmp_path: Path) -> None:
    sandbox = FakeSandbox(recorded(tmp_path / "rec", plan, NO_NAMESPACES),
                          die_at_cells=frozenset({1}))  # two runs, each reporting the same
    ex = run(plan, sandbox)
    assert ex.attempts == 2
    assert isolation_flags(ex.flags) == [f"{REDUCED_ISOLATION}: {NO_NAMESPACES.reductions()[0]}"]


def test_every_missing_protection_gets_its_flag(plan: Plan, tmp_path: Path) -> None:
    bare = IsolationRecord(namespaces=False, keyring=False, filtered=False)
    ex = run(plan, FakeSandbox(recorded(tmp_path / "rec", plan, bare)))
    assert isolation_flags(ex.flags) == [f"{REDUCED_ISOLATION}: {r}" for r in bare.reductions()]


def test_a_record_removed_or_forged_after_code_ran_is_flagged(plan: Plan, tmp_path: Path) -> None:
    """Student code can rewrite the outbox: no valid record after a cell ran is a flag."""
    def relink(out: Path) -> None:
        (out / ISOLATION_FILE).unlink()
        (out / ISOLATION_FILE).symlink_to(tmp_path / "full.json")

    (tmp_path / "full.json").write_text(FULL.to_json())
    for forge in (lambda out: (out / ISOLATION_FILE).unlink(),
                  lambda out: (out / ISOLATION_FILE).write_text('{"namespaces": "yes"}'),
                  relink):
        rec = recorded(tmp_path / "rec", plan, FULL)
        ex = run(plan, FakeSandbox(rec, tamper=forge))
        [flag] = isolation_flags(ex.flags)
        assert "isolation not known" in flag and "tampering?" in flag


def test_the_test_switch_reaches_the_plan(plan: Plan, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """MML_TEST_REDUCED_ISOLATION=1 (tests only) makes the job skip its namespaces."""
    sandbox = FakeSandbox(record(tmp_path / "rec", calls={c.key: expected(c) for c in plan.calls}))
    assert run(plan, sandbox).flags == [] and sandbox.plans[-1].settings.namespaces
    monkeypatch.setenv(TEST_REDUCED_ISOLATION, "1")
    ex = run(plan, sandbox)
    assert not sandbox.plans[-1].settings.namespaces
    assert isolation_flags(ex.flags) == [f"{REDUCED_ISOLATION}: {NO_NAMESPACES.reductions()[0]}"]


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    use_fake_checks(monkeypatch)
    return load_course(make_course(tmp_path / "course"))


def released() -> Any:
    nb = source_notebook()
    for cell in nb.cells:
        cell.source = split_hidden(cell.source)[0]
    return nb


def test_the_flag_reaches_the_result_json_and_the_class_table(course: Course,
                                                              tmp_path: Path) -> None:
    nb = released()
    spec = load_source(course, "tiny")
    full_plan = build_plan(spec, assemble(spec, nb).code, course.grader.seed,
                           course.grader.case_timeout)
    values = {c.key: expected(c) for c in full_plan.calls}
    results = []
    for student, iso in (("alice", FULL), ("bob", NO_NAMESPACES)):
        rec = record(tmp_path / student, calls=values, isolation=iso)
        path = submit(course.root, student, nb)
        results.append(grade_notebook(course, "tiny", student, path,
                                      course.root / "autograded" / student / "tiny",
                                      sandbox=FakeSandbox(rec)))
    alice, bob = results
    assert alice.flags == [] and alice.status == bob.status == "graded"
    assert [q.points for q in alice.questions] == [q.points for q in bob.questions]
    assert isolation_flags(bob.flags) == bob.flags and len(bob.flags) == 1
    stored = SubmissionResult.from_json(
        (course.root / "autograded" / "bob" / "tiny" / "result.json").read_text())
    assert stored.flags == bob.flags
    rows = {line.split()[0]: line for line in class_table(results).splitlines()[1:]}
    assert "flag" not in rows["alice"]
    assert f"1 flag(s): {REDUCED_ISOLATION}" in rows["bob"]
    assert np.isclose(alice.total, bob.total)
