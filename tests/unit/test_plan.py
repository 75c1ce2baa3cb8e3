"""Planning: the executor's typed plan and the judge's case table, from the source and the seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from fakesandbox import use_fake_checks
from notebooks import source_notebook

from graders.checks import Case, CheckSpec, FunctionSpec
from graders.pipeline.assemble import assemble
from graders.pipeline.plan import Plan, build_plan
from graders.pipeline.source import SourceSpec, parse_source
from graders.runtime.protocol import (
    PLAN_VERSION,
    ArrayArg,
    FunctionArg,
    JobPlan,
    PlanCell,
    PlanSettings,
    TupleArg,
    ValueArg,
    run_order,
)


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SourceSpec:
    use_fake_checks(monkeypatch)
    path = tmp_path / "tiny.ipynb"
    nbformat.write(source_notebook(), str(path))
    return parse_source(path, "linear_algebra")


def code(spec: SourceSpec) -> list[tuple[int, str]]:
    return assemble(spec, source_notebook()).code


def test_every_hidden_case_becomes_one_keyed_call_of_its_question(spec: SourceSpec) -> None:
    plan = build_plan(spec, code(spec), seed=1, case_timeout=3.0)
    assert [(c.key, c.grade_id) for c in plan.calls] == [
        ("q0_c0_k0", "q_solve_test"), ("q0_c0_k1", "q_solve_test"),
        ("q1_c0_k0", "q_reflect_test"), ("q1_c0_k1", "q_reflect_test")]
    assert [c.key for c in plan.sandbox_calls] == [c.key for c in plan.calls]
    assert [(c.group, c.function, c.cell) for c in plan.sandbox_calls] == [
        ("q_solve_test", "solve", 3), ("q_solve_test", "solve", 3),
        ("q_reflect_test", "reflection_matrix", 5), ("q_reflect_test", "reflection_matrix", 5)]


def test_cells_come_from_assembly_and_calls_follow_their_test_cell(spec: SourceSpec) -> None:
    assembled = code(spec)
    plan = build_plan(spec, assembled, seed=1, case_timeout=3.0)
    assert [(c.index, c.source) for c in plan.cells] == assembled
    order = run_order(plan.cells, plan.sandbox_calls)
    assert {cell.index: [c.key for c in after] for cell, after in order if after} == {
        3: ["q0_c0_k0", "q0_c0_k1"], 5: ["q1_c0_k0", "q1_c0_k1"]}


def test_time_limits_are_the_smaller_of_the_case_timeout_and_the_checks(
        spec: SourceSpec) -> None:
    plan = build_plan(spec, code(spec), seed=1, case_timeout=3.0)
    assert [c.timeout for c in plan.sandbox_calls] == [2.0, 2.0, 3.0, 3.0]
    assert plan.call_seconds() == 10.0


def test_arrays_go_to_inputs_and_the_plan_names_them(spec: SourceSpec) -> None:
    plan = build_plan(spec, code(spec), seed=1, case_timeout=3.0)
    first = plan.sandbox_calls[0]
    assert first.args == (ArrayArg("q0_c0_k0_a0"), ArrayArg("q0_c0_k0_a1"))
    np.testing.assert_array_equal(plan.arrays["q0_c0_k0_a0"], np.eye(2))
    assert all(isinstance(a, ArrayArg) and a.key in plan.arrays
               for c in plan.sandbox_calls for a in c.args)


def test_write_produces_a_versioned_plan_and_pickle_free_inputs(spec: SourceSpec,
                                                                 tmp_path: Path) -> None:
    plan = build_plan(spec, code(spec), seed=1, case_timeout=3.0)
    settings = PlanSettings(5.0, 1024, sweep=True, skip_cells=(2,), skip_calls=("q0_c0_k0",))
    plan.write(tmp_path, settings)
    written = JobPlan.from_json((tmp_path / "plan.json").read_text())
    assert written == plan.job_plan(settings) and written.version == PLAN_VERSION
    with np.load(tmp_path / "inputs.npz", allow_pickle=False) as inputs:
        assert sorted(inputs.files) == sorted(plan.arrays)


def test_a_plan_without_arrays_writes_no_inputs_and_the_executor_reads_none(
        tmp_path: Path) -> None:
    """A plain nbgrader notebook's job: no call, so no archive to write or to open."""
    from graders.runtime.executor import _load_arrays

    Plan(cells=[PlanCell(0, "x = 1")]).write(tmp_path, PlanSettings(5.0, 1024))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
    assert _load_arrays(str(tmp_path)) == {}


def test_the_seed_decides_the_hidden_inputs(spec: SourceSpec) -> None:
    def arrays(seed: int) -> dict[str, Any]:
        return build_plan(spec, code(spec), seed=seed, case_timeout=3.0).arrays

    same, other = arrays(1), arrays(2)
    assert all(np.array_equal(same[k], v) for k, v in arrays(1).items())
    assert not np.array_equal(same["q0_c0_k1_a0"], other["q0_c0_k1_a0"])


def test_scalars_tuples_and_functions_cross_as_typed_arguments(
        spec: SourceSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    case = Case("mixed", (1.5, "name", None, (np.ones(2), 3)),
                {"f": FunctionSpec("linear_algebra.quadratic", {"Q": np.eye(2), "seed": 7})})
    check = CheckSpec("linear_algebra.mixed", "linear_algebra", "solve", lambda rng: [case],
                      lambda case, out: None)
    monkeypatch.setattr("graders.pipeline.plan.get_check", lambda check_id: check)
    call = build_plan(spec, code(spec), seed=1, case_timeout=3.0).sandbox_calls[0]
    assert call.args == (ValueArg(1.5), ValueArg("name"), ValueArg(None),
                         TupleArg((ArrayArg("q0_c0_k0_a3_0"), ValueArg(3))))
    assert call.kwargs == {"f": FunctionArg("linear_algebra.quadratic",
                                            {"Q": ArrayArg("q0_c0_k0_f_Q"), "seed": ValueArg(7)})}


def test_an_input_that_cannot_cross_into_the_sandbox_is_an_error(
        spec: SourceSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    check = CheckSpec("linear_algebra.bad", "linear_algebra", "solve",
                      lambda rng: [Case("object", (object(),))], lambda case, out: None)
    monkeypatch.setattr("graders.pipeline.plan.get_check", lambda check_id: check)
    with pytest.raises(TypeError, match="cannot send a object"):
        build_plan(spec, code(spec), seed=1, case_timeout=3.0)
