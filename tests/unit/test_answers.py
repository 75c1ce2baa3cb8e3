"""Answer kinds: values and formulas, taken in the sandbox and judged in the trusted process.

The sandbox side (:mod:`graders.runtime.answers`) is exercised as the snapshot uses it,
through a real forked snapshot for one value and one formula call; the judge side
(:mod:`graders.answers`) on plain outputs, as the payload decoder hands them over.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graders.answers import (
    formula_case,
    formula_points,
    judge_array,
    judge_formula,
    judge_number,
    value_array,
)
from graders.errors import Mismatch
from graders.payload import decode, roundtrip
from graders.runtime import answers as runtime_answers
from graders.runtime.protocol import (
    ANSWER_KINDS,
    ArrayArg,
    CallRecord,
    CallStatus,
    PlanCall,
    ProtocolError,
    TupleArg,
    ValueArg,
    call_file,
)
from graders.runtime.snapshot import run_snapshot

NAMES = ("x", "y")


def _ref(x: float, y: float) -> float:
    """The formula the tests ask for: (x + y)² − 3y + 2 (a constant term, odd terms)."""
    return (x + y) ** 2 - 3 * y + 2


def _points(seed: int = 0) -> np.ndarray:
    return formula_points(np.random.default_rng(seed), (-2.0, -2.0), (2.0, 2.0),
                          fixed=((0.5, -1.5), (1.7, 0.3)))


def _values(answer: Any, points: np.ndarray) -> Any:
    """The answer taken as the sandbox takes it, then through the payload codec."""
    return roundtrip(runtime_answers.take("formula", answer, (points, NAMES), {}))


def _judge(answer: Any, mode: Any = "exact", ref: Any = _ref) -> None:
    pts = _points()
    judge_formula(_values(answer, pts), np.array([ref(*p) for p in pts]), mode=mode,
                  rtol=1e-9, name="answer")


# ---------------------------------------------------------------- formulas: equivalence


@pytest.mark.parametrize("answer", [
    lambda x, y: x * x + 2 * x * y + y * y - 3 * y + 2,  # expanded
    lambda x, y: (x + y) ** 2 - 3 * y + 2,  # factored
    lambda x, y: math.pow(x + y, 2) - 3 * y + 2,  # math module, one point at a time
    "(x + y)^2 - 3*y + 2",  # a string, with ^ for powers
    "x**2 + 2*x*y + y**2 - 3*y + 2",
    lambda y, x: (x + y) ** 2 - 3 * y + 2,  # keyword arguments: the order does not matter
], ids=["expanded", "factored", "math", "string_caret", "string_expanded", "kwargs_order"])
def test_equivalent_forms_are_accepted(answer: Any) -> None:
    _judge(answer)


def test_a_wrong_constant_is_caught_and_named() -> None:
    with pytest.raises(Mismatch, match="differs by a constant"):
        _judge(lambda x, y: (x + y) ** 2 - 3 * y + 1)


def test_a_wrong_sign_is_caught_and_named() -> None:
    with pytest.raises(Mismatch, match="opposite sign"):
        _judge(lambda x, y: -((x + y) ** 2 - 3 * y + 2))


@pytest.mark.parametrize("answer", [
    lambda x, y: (x + y) ** 2 + 3 * y + 2,  # sign of one odd term
    lambda x, y: (x - y) ** 2 - 3 * y + 2,  # x ↔ −y slip
    lambda x, y: (y + y) ** 2 - 3 * x + 2,  # swapped variables
    lambda x, y: (x + y) ** 2 - 3 * y + 2 + 1e-6,  # a constant just above the tolerance
], ids=["odd_term_sign", "minus_y", "swapped", "tiny_constant"])
def test_other_mistakes_are_caught(answer: Any) -> None:
    with pytest.raises(Mismatch):
        _judge(answer)


def test_rounding_within_the_derived_tolerance_passes() -> None:
    """A relative perturbation of 1e-13 (far above float64 rounding) still passes."""
    _judge(lambda x, y: ((x + y) ** 2 - 3 * y + 2) * (1 + 1e-13))


# ---------------------------------------------------------------- formulas: modes


def test_up_to_a_constant_accepts_any_constant_and_catches_sign_and_slope() -> None:
    _judge(lambda x, y: (x + y) ** 2 - 3 * y + 40.5, mode="constant")
    _judge(lambda x, y: (x + y) ** 2 - 3 * y, mode="constant")
    with pytest.raises(Mismatch, match="additive constant"):
        _judge(lambda x, y: -((x + y) ** 2 - 3 * y), mode="constant")
    with pytest.raises(Mismatch, match="additive constant"):
        _judge(lambda x, y: (x + y) ** 2 - 2 * y, mode="constant")


def test_up_to_scale_accepts_multiples_and_guards_zero_and_sign() -> None:
    _judge(lambda x, y: 2.5 * _ref(x, y), mode="scale")
    _judge(lambda x, y: -0.1 * _ref(x, y), mode="scale")  # a nonzero scale: sign is free
    _judge(lambda x, y: 7 * _ref(x, y), mode="positive_scale")
    with pytest.raises(Mismatch, match="opposite sign"):
        _judge(lambda x, y: -7 * _ref(x, y), mode="positive_scale")
    with pytest.raises(Mismatch, match="zero where"):
        _judge(lambda x, y: 0.0, mode="scale")
    with pytest.raises(Mismatch, match="constant factor"):
        _judge(lambda x, y: 2 * _ref(x, y) + 1, mode="scale")


def test_scale_mode_anchors_where_the_reference_is_largest_not_at_a_zero() -> None:
    """r vanishes at the first point: a ratio there would divide by zero."""
    pts = np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 3.0]])
    ref = pts[:, 0] * pts[:, 1]  # 0 at the first point
    judge_formula(3 * ref, ref, mode="scale", rtol=1e-9, name="f")
    with pytest.raises(Mismatch):
        judge_formula(3 * ref + np.array([1.0, 0, 0]), ref, mode="scale", rtol=1e-9, name="f")


def test_authoring_errors_are_refused() -> None:
    with pytest.raises(ValueError, match="nonzero reference"):
        judge_formula(np.zeros(3), np.zeros(3), mode="exact", rtol=1e-9, name="f")
    with pytest.raises(ValueError, match="barely varies"):
        judge_formula(np.ones(3), np.ones(3), mode="constant", rtol=1e-9, name="f")


# ---------------------------------------------------------------- formulas: hostile


@pytest.mark.parametrize("output", [
    np.array([np.nan] * 16), np.array([np.inf] * 16), np.zeros(15), np.zeros((16, 1)),
    np.zeros(16, dtype=complex), "42", None, (1.0,) * 16, np.zeros(16, dtype=bool),
], ids=["nan", "inf", "short", "column", "complex", "string", "none", "tuple", "bool"])
def test_formula_outputs_that_are_not_one_finite_number_per_point_fail(output: Any) -> None:
    pts = _points()
    with pytest.raises(Mismatch):
        judge_formula(output, np.array([_ref(*p) for p in pts]), mode="exact", rtol=1e-9,
                      name="f")


@pytest.mark.parametrize("answer", [
    lambda x, y: np.array([x, y]),  # two numbers per point
    lambda x, y: "3",  # not a number
    "__import__('os')",  # no builtins in a formula string
    "x +",  # a syntax error
    "z + 1",  # an unknown variable
    42,  # not a formula at all
    lambda x: x,  # the wrong variables
], ids=["vector", "string_value", "import", "syntax", "unknown", "int", "arity"])
def test_bad_formulas_raise_in_the_sandbox(answer: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017 (the snapshot records any error)
        runtime_answers.take("formula", answer, (_points(), NAMES), {})


def test_formula_points_hold_the_fixed_points_first_then_random_ones_in_the_box() -> None:
    pts = formula_points(np.random.default_rng(1), (0.0, 0.5), (5.0, 3.0), ((1.0, 2.0),), 10)
    assert pts.shape == (11, 2) and pts[0].tolist() == [1.0, 2.0]
    assert np.all((pts[1:] >= (0.0, 0.5)) & (pts[1:] <= (5.0, 3.0)))
    case = formula_case("label", pts, ("mu", "sigma"), params={"n": 3})
    assert case.args[1] == ("mu", "sigma") and case.context == {"params": {"n": 3}}


def test_a_sympy_expression_is_evaluated_where_sympy_is_installed() -> None:
    sympy = pytest.importorskip("sympy")
    x, y = sympy.symbols("x y", real=True)
    _judge(sympy.expand((x + y) ** 2 - 3 * y + 2))
    with pytest.raises(NameError):
        runtime_answers.take("formula", x + sympy.Symbol("z"), (_points(), NAMES), {})


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("answer", [1.25, np.float32(1.25), np.asarray(1.25), 1, np.int64(1)])
def test_a_number_in_any_real_scalar_form_is_accepted(answer: Any) -> None:
    expected = float(np.asarray(answer, dtype=float))
    output = roundtrip(runtime_answers.take("value", answer, (), {}))
    assert judge_number(output, expected, rtol=0.0, atol=1e-9, name="a") == expected


@pytest.mark.parametrize("answer", [
    np.nan, np.inf, -np.inf, True, 1 + 0j, "1.25", None, [1.25], np.array([1.25]),
    (1.25,), np.array(1.25, dtype=object),
], ids=["nan", "inf", "-inf", "bool", "complex", "string", "none", "list", "1-array",
        "tuple", "object"])
def test_a_number_must_be_one_finite_real_scalar(answer: Any) -> None:
    with pytest.raises(Mismatch):
        judge_number(answer, 1.25, rtol=0.0, atol=1e-9, name="a")


def test_a_number_outside_the_tolerance_fails() -> None:
    judge_number(1.25 + 5e-10, 1.25, rtol=0.0, atol=1e-9, name="a")
    with pytest.raises(Mismatch, match="not the expected number"):
        judge_number(1.25 + 2e-9, 1.25, rtol=0.0, atol=1e-9, name="a")


P = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("answer", [P, P.tolist(), P.astype(np.float32), P.astype(int),
                                    [(1, 2), (3, 4)]])
def test_a_matrix_as_an_array_or_a_nested_list_is_accepted(answer: Any) -> None:
    output = roundtrip(runtime_answers.take("value", answer, (), {}))
    assert judge_array(output, P, rtol=0.0, atol=1e-6, name="P").shape == (2, 2)


@pytest.mark.parametrize("answer", [
    P.T, P.reshape(4), P[None], P + 1e-5, np.where(P == 1, np.nan, P),
    np.where(P == 1, np.inf, P), P.astype(bool), P + 0j, P.astype(object), [[1, 2], [3]],
    [[1, 2], [3, "4"]], [[[1, 2], [3, 4]]], [[True, 2], [3, 4]], "P", None,
], ids=["transposed", "flat", "extra_dim", "off", "nan", "inf", "bool", "complex",
        "object", "ragged", "str_entry", "3d_list", "bool_entry", "string", "none"])
def test_a_matrix_must_have_the_shape_dtype_and_values(answer: Any) -> None:
    with pytest.raises(Mismatch):
        output = roundtrip(answer) if isinstance(answer, list | np.ndarray) and (
            not isinstance(answer, np.ndarray) or answer.dtype != object) else answer
        judge_array(output, P, rtol=0.0, atol=1e-6, name="P")


def test_a_huge_array_is_refused_in_the_sandbox_or_before_the_judge_loads_it(
        tmp_path: Path) -> None:
    """25M entries: the sandbox's encoder refuses them (the call errs); 4M entries (32 MiB)
    over a 1 MiB call budget: the judge refuses them from the header, loading nothing."""
    from graders.payload import ResultBudget, ResultTooLarge
    from graders.runtime.encode import EncodeError, encode

    with pytest.raises(EncodeError):
        encode(runtime_answers.take("value", np.zeros((5000, 5000)), (), {}), str(tmp_path), "a")
    tree = encode(np.zeros((2000, 2000)), str(tmp_path), "k")
    with pytest.raises(ResultTooLarge):
        decode(tree, tmp_path, ResultBudget(call_bytes=2**20))


def test_a_huge_nested_list_is_refused() -> None:
    with pytest.raises(Mismatch):
        value_array(tuple((1.0,) * 200 for _ in range(200)), name="P")


# ---------------------------------------------------------------- the sandbox side


def test_answer_kinds_agree_between_the_protocol_and_the_runtime() -> None:
    assert ANSWER_KINDS == runtime_answers.ANSWER_KINDS


def test_a_plan_call_carries_its_answer_kind_and_refuses_unknown_ones() -> None:
    call = PlanCall("k0", "q", "answer_e7", 3, 1.0, answer="value")
    assert PlanCall.from_dict(call.to_dict()) == call
    raw = call.to_dict()
    del raw["answer"]
    assert PlanCall.from_dict(raw).answer == "function"
    with pytest.raises(ProtocolError):
        PlanCall.from_dict({**call.to_dict(), "answer": "eval"})


def _snapshot(tmp_path: Path, ns: dict[str, Any], calls: list[PlanCall],
              arrays: dict[str, np.ndarray]) -> list[CallRecord]:
    calls_dir = tmp_path / "calls"
    calls_dir.mkdir()
    run_snapshot(ns, calls, arrays, str(calls_dir), private=False)
    return [CallRecord.from_json((calls_dir / call_file(c.key)).read_text()) for c in calls]


def test_the_snapshot_ships_values_and_evaluates_formulas(tmp_path: Path) -> None:
    pts = _points()
    ns = {"answer_v": np.arange(4.0).reshape(2, 2), "answer_f": "(x + y)^2 - 3*y + 2",
          "answer_none": None, "answer_fn": lambda x, y: _ref(x, y)}
    formula_args = (ArrayArg("pts"), TupleArg((ValueArg("x"), ValueArg("y"))))
    calls = [PlanCall("k0", "q", "answer_v", 0, 5.0, answer="value"),
             PlanCall("k1", "q", "answer_f", 0, 5.0, formula_args, answer="formula"),
             PlanCall("k2", "q", "answer_fn", 0, 5.0, formula_args, answer="formula"),
             PlanCall("k3", "q", "answer_none", 0, 5.0, answer="value"),
             PlanCall("k4", "q", "answer_v", 0, 5.0, answer="function")]
    records = _snapshot(tmp_path, ns, calls, {"pts": pts})
    assert [r.status for r in records] == [CallStatus.OK, CallStatus.OK, CallStatus.OK,
                                           CallStatus.MISSING, CallStatus.MISSING]
    calls_dir = tmp_path / "calls"
    np.testing.assert_array_equal(decode(records[0].value, calls_dir), ns["answer_v"])
    expected = np.array([_ref(*p) for p in pts])
    for rec in records[1:3]:
        np.testing.assert_allclose(decode(rec.value, calls_dir), expected, rtol=1e-14)


def test_a_formula_that_loops_is_stopped_by_the_call_limit(tmp_path: Path) -> None:
    """The evaluation runs under the call's soft limit like any call (1 s, room for load)."""
    def forever(x: float, y: float) -> float:
        while True:
            pass

    formula_args = (ArrayArg("pts"), TupleArg((ValueArg("x"), ValueArg("y"))))
    (record,) = _snapshot(tmp_path, {"f": forever},
                          [PlanCall("k0", "q", "f", 0, 1.0, formula_args, answer="formula")],
                          {"pts": _points()})
    assert record.status is CallStatus.CRASH and "timeout" in record.error


def test_the_plan_carries_each_checks_answer_kind_into_the_sandbox() -> None:
    from graders.pipeline.plan import build_plan
    from graders.pipeline.source import parse_source

    repo = Path(__file__).resolve().parents[2]
    spec = parse_source(repo / "source" / "exam" / "exam.ipynb", default_unit="")
    plan = build_plan(spec, [], 7, 10.0)
    kinds = {c.function: c.answer for c in plan.sandbox_calls}
    assert kinds["answer_e7"] == kinds["answer_e8"] == "value"
    assert kinds["answer_e9"] == "formula" and kinds["qr_solve"] == "function"
    (e9,) = (c for c in plan.sandbox_calls if c.function == "answer_e9")
    assert isinstance(e9.args[0], ArrayArg) and plan.arrays[e9.args[0].key].shape[1] == 2
    assert e9.args[1] == TupleArg((ValueArg("mu"), ValueArg("sigma")))
