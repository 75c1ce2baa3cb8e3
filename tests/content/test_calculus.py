"""Tests of Unit 3 (calculus): references, factories, hidden inputs, notebook, hostility.

The generic bar (bank shape, planted answers, notebook solution, determinism, reference vs its
own judge) is tests/content/test_tasks.py's; this file keeps what is specific to calculus.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import scipy.special
from contentkit import SEEDS, check_cases, exec_function, materialise

from graders.checks import Case, FunctionSpec, Task, get_check, tasks
from graders.content.ps3_calculus import (
    c1_num_grad,
    c2_jacobian,
    c3_logreg_grad_hess,
    c4_backprop,
    c5_taylor_poly,
    c6_simpson,
    c6_trapezoid,
    c7_newton,
    c8_exprel,
    c9_antiderivative,
    c10_frobenius_grad,
)
from graders.content.units.calculus import univariate_deriv
from graders.runtime.factories import build

ASSIGNMENT = "ps3_calculus"
TASKS = tasks(ASSIGNMENT)
CHECK_IDS = [c.id for t in TASKS for c in t.checks]
MANY_SEEDS = range(25)


def _call_ref(check_id: str, case: Case) -> Any:
    reference = get_check(check_id).reference
    assert reference is not None
    return reference(*[materialise(a) for a in case.args])


# ---------------------------------------------------------------- (a) references


def _complex_scalar_field(p: dict[str, Any], x: np.ndarray) -> Any:
    """The scalar field written independently, valid for complex x (complex-step derivative)."""
    return (p["a"] @ np.sin(p["W"] @ x + p["b"]) + p["c"] * np.exp(p["v"] @ x)
            + 0.5 * x @ p["Q"] @ x)


def _complex_step_grad(fn: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """Im f(x + i·1e-30·e_j)/1e-30: derivatives to machine precision, no cancellation."""
    cols = [np.imag(fn(x.astype(complex) + 1e-30j * e)) / 1e-30 for e in np.eye(x.size)]
    return np.array(cols).T


@pytest.mark.parametrize("seed", SEEDS)
def test_scalar_field_factory_and_gradient_against_complex_step(seed: int) -> None:
    for case in check_cases("calculus.num_grad", seed):
        spec, x = case.args[0], np.asarray(case.args[1], float)
        f = build(spec.factory, dict(spec.params))
        p = {k: np.asarray(v, float) for k, v in spec.params.items()}
        assert isinstance(f(x), float)
        np.testing.assert_allclose(f(x), _complex_scalar_field(p, x).real, rtol=1e-14)
        grad, _ = c1_num_grad.scalar_field_grad(spec.params, x)

        def field(v: np.ndarray, p: dict[str, Any] = p) -> Any:
            return _complex_scalar_field(p, v)

        np.testing.assert_allclose(grad, _complex_step_grad(field, x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_vector_field_jacobian_against_complex_step(seed: int) -> None:
    for case in check_cases("calculus.jacobian", seed):
        spec, x = case.args[0], np.asarray(case.args[1], float)
        p = {k: np.asarray(v, float) for k, v in spec.params.items()}

        def F(v: np.ndarray, p: dict[str, Any] = p) -> Any:
            return p["A"] @ np.sin(p["B"] @ v + p["c"]) + p["D"] @ v + p["e"] * np.exp(p["G"] @ v)

        np.testing.assert_allclose(build(spec.factory, dict(spec.params))(x), F(x), rtol=1e-14)
        J, _ = c2_jacobian.vector_field_jac(spec.params, x)
        assert J.shape == (p["A"].shape[0], x.size)
        np.testing.assert_allclose(J, _complex_step_grad(F, x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", MANY_SEEDS)
def test_finite_difference_tolerance_margins(seed: int) -> None:
    """The reference rule is ≥ 20× inside 1e-8·scale; forward differences are caught."""
    caught = False
    for case in check_cases("calculus.num_grad", seed):
        f, x = materialise(case.args[0]), np.asarray(case.args[1], float)
        exact, scale = c1_num_grad.scalar_field_grad(case.args[0].params, x)
        h = case.args[2] if len(case.args) > 2 else 1e-5
        if len(case.args) == 2:
            assert np.max(np.abs(c1_num_grad.reference(f, x) - exact)) <= 1e-8 * scale / 20
        fwd = np.array([(f(x + h * e) - f(x)) / h for e in np.eye(x.size)])
        caught = caught or np.max(np.abs(fwd - c1_num_grad.reference(f, x, h))) > 1e-8 * scale
        if len(case.args) > 2 and h == 1e-2:  # h is observable: the default step differs
            assert np.max(np.abs(c1_num_grad.reference(f, x) - c1_num_grad.reference(f, x, h))) \
                > 10 * 1e-8 * scale
    assert caught
    for case in check_cases("calculus.jacobian", seed):
        J, scale = c2_jacobian.vector_field_jac(case.args[0].params, case.args[1])
        assert np.max(np.abs(c2_jacobian.reference(materialise(case.args[0]), case.args[1]) - J)) \
            <= 1e-8 * scale / 20


def test_num_grad_syllabus_numbers() -> None:
    """sin at x = 1: central error ≈ 1.1e-11, forward ≈ 4.2e-6 (SYLLABUS C1)."""
    central = c1_num_grad.reference(lambda v: math.sin(v[0]), np.array([1.0]))[0]
    assert abs(central - math.cos(1.0)) < 5e-11
    forward = (math.sin(1.0 + 1e-5) - math.sin(1.0)) / 1e-5
    assert 4.0e-6 < abs(forward - math.cos(1.0)) < 4.4e-6


def _logistic_loss(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    z = X @ theta
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + lam / 2 * theta @ theta)


def _grad_entry(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float, i: int) -> float:
    return float(c3_logreg_grad_hess.reference(theta, X, y, lam)[0][i])


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_logreg_against_finite_differences_of_the_loss(seed: int) -> None:
    for case in check_cases("calculus.logreg_grad_hess", seed):
        theta, X, y, lam = (np.asarray(a, float) for a in case.args)
        g, H = c3_logreg_grad_hess.reference(theta, X, y, float(lam))
        if np.max(np.abs(X @ theta)) < 50:  # finite differences are meaningful here
            fd = scipy.optimize.approx_fprime(theta, _logistic_loss, 1e-6, X, y, float(lam))
            np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6)
            Hfd = np.array([scipy.optimize.approx_fprime(
                theta, _grad_entry, 1e-6, X, y, float(lam), i) for i in range(theta.size)])
            np.testing.assert_allclose(H, Hfd, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(H, H.T)
        assert np.linalg.eigvalsh(H)[0] >= float(lam) - 1e-12
        # Conditioning of g: the terms it sums are at most 1e3 times its norm (judge comment).
        terms = np.abs(X).T @ np.abs(scipy.special.expit(X @ theta) - y) / len(y)
        assert np.linalg.norm(terms + lam * np.abs(theta)) <= 1e3 * np.linalg.norm(g)


def test_ref_logreg_closed_form_at_zero() -> None:
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
    y = np.array([1.0, 0.0, 1.0])
    g, H = c3_logreg_grad_hess.reference(np.zeros(2), X, y, 0.5)
    np.testing.assert_allclose(g, X.T @ (0.5 - y) / 3, rtol=1e-15)
    np.testing.assert_allclose(H, X.T @ X / 12 + 0.5 * np.eye(2), rtol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_backprop_against_finite_differences(seed: int) -> None:
    for case in check_cases("calculus.backprop", seed):
        params, X, Y = case.args
        grads = c4_backprop.reference(params, X, Y)
        assert [g.shape for g in grads] == [p.shape for p in params]
        for k, p in enumerate(params):
            for idx in np.ndindex(p.shape):
                plus = [q.copy() for q in params]
                minus = [q.copy() for q in params]
                plus[k][idx] += 1e-6
                minus[k][idx] -= 1e-6
                fd = (c4_backprop.cost(plus, X, Y) - c4_backprop.cost(minus, X, Y)) / 2e-6
                assert abs(grads[k][idx] - fd) <= 1e-8, (case.label, k, idx)


def test_ref_cost_is_coursera_convention() -> None:
    """C = (1/N) Σ‖a3 − y‖², computed here with an independent column-layout forward pass."""
    params, X, Y = check_cases("calculus.backprop")[0].args
    a = X.T
    for W, b in zip(params[0::2], params[1::2], strict=True):
        a = 1 / (1 + np.exp(-(W @ a + b[:, None])))
    expected = np.linalg.norm(a - Y.T) ** 2 / X.size
    assert c4_backprop.cost(params, X, Y) == pytest.approx(expected, rel=1e-13)


def test_ref_taylor_poly_closed_forms() -> None:
    T = c5_taylor_poly.reference(np.ones(6), 0.0, np.array([1.0]), 5)
    assert T[0] == pytest.approx(sum(1 / math.factorial(k) for k in range(6)), rel=1e-15)
    # a polynomial is its own Taylor polynomial about any x0
    p = np.polynomial.Polynomial([2.0, -1.0, 0.5, 3.0])
    x0, x = 0.7, np.linspace(-2, 2, 9)
    derivs = np.array([p.deriv(k)(x0) for k in range(6)])
    np.testing.assert_allclose(c5_taylor_poly.reference(derivs, x0, x, 5), p(x), rtol=1e-13)
    np.testing.assert_allclose(c5_taylor_poly.reference(derivs, x0, x, 0), np.full(9, p(x0)))
    # x - x0 = 1 for exp: the term an off-by-one drops is 1/120
    drop = c5_taylor_poly.reference(np.ones(6), 0.0, np.array([1.0]), 5) \
        - c5_taylor_poly.reference(np.ones(6), 0.0, np.array([1.0]), 4)
    assert drop[0] == pytest.approx(1 / 120, rel=1e-12)


def test_lagrange_remainder_model_answer() -> None:
    """Derivation (b): n = 11 is the smallest degree with |e^x − T_n| < 1e-8 on [0, 1]."""
    x = np.linspace(0, 1, 101)
    errs = {n: np.max(np.abs(np.exp(x) - c5_taylor_poly.reference(np.ones(n + 1), 0.0, x, n)))
            for n in (10, 11)}
    assert errs[10] > 1e-8 > errs[11]


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_quadrature_against_scipy_and_error_ratios(seed: int) -> None:
    for check_id, ref, sp in (("calculus.trapezoid", c6_trapezoid.reference,
                               scipy.integrate.trapezoid),
                              ("calculus.simpson", c6_simpson.reference, scipy.integrate.simpson)):
        for case in check_cases(check_id, seed):
            spec, a, b, n = case.args
            f = materialise(spec)
            if case.raises:
                with pytest.raises(ValueError):
                    ref(f, a, b, n)
                continue
            x = np.linspace(a, b, n + 1)
            expected = sp(f(x), x=x) if a != b else 0.0
            assert ref(f, a, b, n) == pytest.approx(expected, rel=1e-12, abs=1e-14)
            step = [np.imag(_complex_univariate(spec.params, t + 1e-30j)) / 1e-30 for t in x]
            np.testing.assert_allclose(univariate_deriv(spec.params, x), step,
                                       rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(f(x), [_complex_univariate(spec.params, t).real
                                              for t in x], rtol=1e-13, atol=1e-13)
    # Syllabus: halving h divides the error by ≈ 4 (trapezoid) and ≈ 16 (Simpson).
    exact = math.e - 1
    for ref, ratio in ((c6_trapezoid.reference, 4.0), (c6_simpson.reference, 16.0)):
        e8, e16 = (abs(ref(np.exp, 0.0, 1.0, n) - exact) for n in (8, 16))
        assert e8 / e16 == pytest.approx(ratio, rel=0.02)


def _complex_univariate(p: dict[str, Any], t: complex) -> complex:
    a, w, b, pc = (np.asarray(p[k], float) for k in ("a", "w", "b", "p"))
    out = p["c"] * np.exp(p["d"] * t) + np.sum(a * np.sin(w * t + b))
    return complex(out + sum(c * t ** j for j, c in enumerate(pc)))


def test_n_point_off_by_one_is_close_to_the_integral() -> None:
    """Why C6 compares with the rule: the off-by-one is as good an *integral* as the rule."""
    exact = math.e - 1
    rule = c6_trapezoid.reference(np.exp, 0.0, 1.0, 8)
    x = np.linspace(0, 1, 8)
    off = float(scipy.integrate.trapezoid(np.exp(x), x=x))
    assert abs(off - exact) < 2 * abs(rule - exact) and abs(off - rule) > 1e-4


@pytest.mark.parametrize("seed", MANY_SEEDS)
def test_ref_newton_roots_counts_and_secant_gap(seed: int) -> None:
    secant = exec_function(next(w.code for w in c7_newton.WRONG if w.name == "secant"), "newton")
    for case in check_cases("calculus.newton", seed):
        f, df, x0, tol, maxit = (materialise(a) for a in case.args)
        if case.raises:
            with pytest.raises(tuple(getattr(builtins, n) for n in case.raises)):
                c7_newton.reference(f, df, x0, tol, maxit)
            continue
        x, k = c7_newton.reference(f, df, x0, tol, maxit)
        assert abs(f(x)) <= tol and 0 <= k <= maxit
        roots = c7_newton.real_roots(case.args[0])
        assert min(abs(np.asarray(roots) - x)) < 1e-3  # a triple root: (tol/|f'''/6|)^(1/3)
        if k:  # scipy's Newton (its own stopping rule) reaches the same root
            assert scipy.optimize.newton(f, x0, fprime=df, tol=1e-13, maxiter=200) \
                == pytest.approx(x, abs=1e-3)
        if "cubic" in case.label or "quartic" in case.label or "double" in case.label:
            assert secant(f, df, x0, tol, maxit)[1] >= k + 2, case.label


def test_newton_factories_exact_edge_cases() -> None:
    for seed in MANY_SEEDS:
        for case in check_cases("calculus.newton", seed):
            if "df = 0" in case.label:
                assert materialise(case.args[1])(case.args[2]) == 0.0
            if "cycle" in case.label:
                f, df = materialise(case.args[0]), materialise(case.args[1])
                assert 0.0 - f(0.0) / df(0.0) == 1.0 and 1.0 - f(1.0) / df(1.0) == 0.0
            if "maxit too small" in case.label:
                f, df, x0, tol, _ = (materialise(a) for a in case.args)
                assert c7_newton.reference(f, df, x0, tol, 100)[1] >= case.args[4] + 2
    poly = build("calculus.poly_roots", {"roots": np.array([1.0, 2.0]), "scale": 3.0})
    dpoly = build("calculus.poly_roots_deriv", {"roots": np.array([1.0, 2.0]), "scale": 3.0})
    assert poly(0.0) == 6.0 and dpoly(0.0) == -9.0 and isinstance(poly(np.float64(1.5)), float)


# ---------------------------------------------------------------- (b) generators

REQUIRED_LABELS = {
    "calculus.num_grad": ["sin at x = 1", "integer dtype", "x = 0", "large function values",
                          "h = 1e-2", "n = 6"],
    "calculus.jacobian": ["m = 3 > n = 2", "m = 2 < n = 4", "square non-symmetric", "m = 1",
                          "n = 1", "integer dtype"],
    "calculus.logreg_grad_hess": ["~ 800", "lam = 0", "N = 1", "D = 1", "integer dtype",
                                  "separable"],
    "calculus.backprop": ["Coursera", "N = 1", "saturated", "zero biases"],
    "calculus.taylor_poly": ["x - x0 = +-1", "x0 != 0", "n = 0", "more derivatives",
                             "integer dtype", "alternating"],
    "calculus.trapezoid": ["n = 8", "n = 1", "a > b", "a = b", "integer endpoints", "exact"],
    "calculus.simpson": ["n = 8", "n = 2", "a > b", "integer endpoints", "exact", "odd n"],
    "calculus.newton": ["simple roots", "double root", "triple root", "df = 0", "cycle",
                        "already a root", "maxit too small"],
    "calculus.exprel": ["x = 0", "subnormal", "between 1e-6 and 1e-3", "700", "integer dtype"],
    "calculus.antiderivative": ["x0 != 0", "w = 0", "x < x0 and x = x0", "w < 0",
                                "integer dtype", "polynomial only"],
    "calculus.frobenius_grad": ["tall A", "non-symmetric gradient", "wide A", "zero gradient",
                                "empty X", "integer dtype"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_generators_labelled(check_id: str) -> None:
    first = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in first)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    assert 5 <= len(first) <= 12
    for case in first:
        if "integer" in case.label:
            assert any(np.asarray(a).dtype.kind in "iu" for a in case.args
                       if not isinstance(a, FunctionSpec)) or isinstance(case.args[1], int)


def test_jacobian_cases_make_the_layout_observable() -> None:
    cases = check_cases("calculus.jacobian")
    shapes = [c2_jacobian.vector_field_jac(c.args[0].params, c.args[1])[0].shape for c in cases]
    assert any(m > n for m, n in shapes) and any(m < n for m, n in shapes)
    square = next(c for c in cases if "non-symmetric" in c.label)
    J = c2_jacobian.vector_field_jac(square.args[0].params, square.args[1])[0]
    assert np.max(np.abs(J - J.T)) > 1.0


def test_logreg_cases_reach_800() -> None:
    case = next(c for c in check_cases("calculus.logreg_grad_hess") if "800" in c.label)
    z = np.abs(np.asarray(case.args[1]) @ case.args[0])
    assert z.min() > 700 and z.max() < 900
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.all(np.isfinite(np.exp(z) / (1 + np.exp(z))))


# ---------------------------------------------------------------- (c) notebook


@pytest.mark.parametrize("task", TASKS, ids=[t.answer_cell for t in TASKS])
def test_notebook_solution_is_warning_free(task: Task) -> None:
    """Calculus-specific: the solutions raise no Python warning and draw no judge warning."""
    contentkit.assert_solution_passes(ASSIGNMENT, task.answer_cell, task.functions, SEEDS,
                                      warnings_action="error", warning_free=True)


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    points = contentkit.graded_points(meta)
    # The introduction states the programming tasks' total; the points must add up to it.
    stated = re.search(r"programming tasks\s+are worth (\d+) points", nb.cells[0].source)
    assert stated is not None
    assert sum(v for k, v in points.items() if k.endswith("_test")) == int(stated.group(1))
    assert all(2 <= v <= 4 for k, v in points.items() if k.endswith("_test"))
    assert points["calc_written_backprop"] == points["calc_written_taylor"] == 5
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                        r"check\((\w+), \"(calculus\.\w+)\"\)\n### END HIDDEN TESTS$")
    hidden_cells = {m["grade_id"] for c, m in zip(nb.cells, meta, strict=True)
                    if "### BEGIN HIDDEN TESTS" in c.source}
    assert hidden_cells == {f"{t.answer_cell}_test" for t in TASKS}, "a graded cell has no task"
    for task in TASKS:
        test_cell = next(c for c, m in zip(nb.cells, meta, strict=True)
                         if m.get("grade_id") == f"{task.answer_cell}_test")
        match = hidden.search(test_cell.source)
        assert match, f"{task.answer_cell}_test: hidden region is not exactly one check call"
        assert [(match.group(1), match.group(2))] == task.functions
        assert test_cell.metadata["mml"] == {"unit": "calculus"}
        assert "np.allclose" not in test_cell.source
    for cell, m in zip(nb.cells, meta, strict=True):
        if m["grade_id"].endswith("_plot"):
            assert m["locked"] and not m["grade"] and not m["solution"]
            assert "try:" in cell.source and "except Exception" in cell.source


def test_plot_cells_survive_the_stub() -> None:
    """Plot cells run against NotImplementedError stubs without raising."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def stub(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    ns: dict[str, Any] = {"np": np, "plt": plt, "num_grad": stub, "taylor_poly": stub,
                          "trapezoid": stub, "simpson": stub}
    for cell in contentkit.read_notebook(ASSIGNMENT).cells:
        if cell.metadata["nbgrader"]["grade_id"].endswith("_plot"):
            exec(cell.source, ns)
    plt.close("all")


# ---------------------------------------------------------------- (d) hostile outputs


def _mutate_arrays(output: Any, fn: Callable[[np.ndarray], Any]) -> Any:
    """Apply fn to the last ndarray (or float) of a reference output."""
    if isinstance(output, np.ndarray | float):
        return fn(np.asarray(output))
    items = list(output)
    idx = max(i for i, v in enumerate(items) if isinstance(v, np.ndarray | float))
    items[idx] = fn(np.asarray(items[idx]))
    return tuple(items)


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = a.astype(float).copy()
    out.flat[0] = np.nan
    return out


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _mutate_arrays(out, lambda a: a[None, None]),
    "complex dtype": lambda out: _mutate_arrays(out, lambda a: a + 1j),
    "object dtype": lambda out: _mutate_arrays(out, lambda a: np.array(a, dtype=object)),
    "NaN entry": lambda out: _mutate_arrays(out, _with_nan),
    "wrong tuple length": lambda out: (out, out) if isinstance(out, np.ndarray | float)
    else tuple(out)[:-1],
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(check_id: str, attack: str) -> None:
    spec = get_check(check_id)
    for case in check_cases(check_id):
        if case.raises:
            continue
        output = _call_ref(check_id, case)
        if attack == "NaN entry" and isinstance(output, np.ndarray) and output.size == 0:
            continue  # an empty gradient (C10's n x 0 X) has no entry to poison
        if check_id == "calculus.newton":
            output = (output[0], np.asarray(output[0]) * 0 + output[1]) \
                if attack != "NaN entry" else (float("nan"), output[1])
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message


def test_judges_name_the_bug_without_values() -> None:
    case = check_cases("calculus.jacobian")[0]
    J = c2_jacobian.vector_field_jac(case.args[0].params, case.args[1])[0]
    verdict = get_check("calculus.jacobian").decide(case, J.T.copy())
    assert not verdict.passed and "transposed" in verdict.message
    assert not re.search(r"\d\.\d{4,}", verdict.message)
    newton_case = next(c for c in check_cases("calculus.newton") if "double root" in c.label)
    x, k = _call_ref("calculus.newton", newton_case)
    verdict = get_check("calculus.newton").decide(newton_case, (x, k + 5))
    assert not verdict.passed and "quadratic" in verdict.message
    assert get_check("calculus.newton").decide(newton_case, (x, k + 1)).passed


# ---------------------------------------------------------------- (e) C8–C10 references


def _exprel_exact(t: float) -> float:
    """(e^t − 1)/t in 60-digit decimal arithmetic (the float t converted exactly)."""
    if abs(t) < 1e-30:  # the series 1 + t/2 is exact to far below an ulp here
        return 1.0 + t / 2
    with localcontext() as ctx:
        ctx.prec = 60
        d = Decimal(t)
        return float((d.exp() - 1) / d)


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_exprel_against_decimal_arithmetic(seed: int) -> None:
    """C8's reference is within 4 ulp of 60-digit arithmetic, 1e5 inside the 1e-10 allowance;
    the naive quotient is more than 10× outside it on the tiny-|x| case."""
    for case in check_cases("calculus.exprel", seed):
        x = np.asarray(case.args[0], float)
        exact = np.array([_exprel_exact(float(t)) for t in x])
        ref = c8_exprel.reference(case.args[0])
        assert ref.shape == x.shape and ref.dtype == np.float64
        assert np.all(np.abs(ref - exact) <= 4 * np.finfo(float).eps * exact), case.label
        if "x = 0" in case.label:
            with np.errstate(divide="ignore", invalid="ignore"):
                naive = np.where(x == 0, 1.0, (np.exp(x) - 1.0) / x)
            assert np.max(np.abs(naive - exact) / exact) > 10 * c8_exprel.RTOL


def _fd_derivative(F: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Richardson-extrapolated central difference, error O(h⁴) + O(ε/h) ≈ 1e-10 relative."""
    def central(h: float) -> np.ndarray:
        return np.asarray((F(x + h) - F(x - h)) / (2 * h))
    return np.asarray((4 * central(1e-3) - central(2e-3)) / 3)


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_antiderivative_against_quadrature_and_derivative(seed: int) -> None:
    """C9: F(x) − F(y) equals adaptive quadrature of f over [y, x] (the definite integrals), F'
    equals f at the judge's points, and F(x0) = 0: the FTC checked both ways."""
    for case in check_cases("calculus.antiderivative", seed):
        p, a, w, x0, x = case.args
        xv = np.asarray(x, float)
        F = c9_antiderivative.reference(p, a, w, x0, x)
        tol = c9_antiderivative.allowance(p, a, w, x0, x)
        def f(t: float, c: Case = case) -> float:
            return float(c9_antiderivative.integrand(c.args[0], c.args[1], c.args[2], t))
        quad = np.array([scipy.integrate.quad(f, float(x0), t, epsabs=1e-13, epsrel=1e-12)[0]
                         for t in xv])
        assert np.all(np.abs(F - quad) <= tol), case.label
        ab = scipy.integrate.quad(f, float(xv[0]), float(xv[-1]), epsabs=1e-13, epsrel=1e-12)[0]
        assert abs((F[-1] - F[0]) - ab) <= tol[0] + tol[-1], case.label
        assert np.all(F[xv == float(x0)] == 0.0)
        def F_at(t: np.ndarray, c: Case = case) -> np.ndarray:
            return c9_antiderivative.reference(c.args[0], c.args[1], c.args[2], c.args[3], t)
        dF = _fd_derivative(F_at, xv)
        fx = c9_antiderivative.integrand(p, a, w, xv)
        np.testing.assert_allclose(dF, fx, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("seed", SEEDS)
def test_antiderivative_allowance_separates_the_bank(seed: int) -> None:
    """Every planted C9 mistake is at least 1e6 allowances away on some hidden case."""
    cases = check_cases("calculus.antiderivative", seed)
    for wrong in c9_antiderivative.WRONG:
        fn = exec_function(wrong.code, "antiderivative")
        gaps = []
        for case in cases:
            with np.errstate(all="ignore"):
                out = np.asarray(fn(*case.args), float)
            gap = np.abs(out - c9_antiderivative.reference(*case.args))
            gaps.append(np.inf if not np.all(np.isfinite(out)) else
                        float(np.max(gap / c9_antiderivative.allowance(*case.args))))
        assert max(gaps) > 1e6, wrong.name


def _frobenius_complex_step(A: np.ndarray, X: np.ndarray, B: np.ndarray) -> np.ndarray:
    """∂f/∂X_ij = Im f(X + i·1e-30·E_ij)/1e-30 with f = Σ (AX − B)², no cancellation."""
    G = np.zeros(X.shape)
    for idx in np.ndindex(X.shape):
        E = np.zeros(X.shape, complex)
        E[idx] = 1e-30j
        R = A @ (X + E) - B
        G[idx] = np.imag(np.sum(R * R)) / 1e-30
    return G


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_frobenius_grad_against_complex_step(seed: int) -> None:
    """C10: the reference G = 2Aᵀ(AX − B) equals the complex-step derivative of the loss entry
    by entry, shaped like X; the expanded form sits 20× inside the allowance."""
    for case in check_cases("calculus.frobenius_grad", seed):
        A, X, B = (np.asarray(m, float) for m in case.args)
        G = c10_frobenius_grad.reference(*case.args)
        tol = c10_frobenius_grad.allowance(*case.args)
        assert G.shape == X.shape
        assert np.all(np.abs(G - _frobenius_complex_step(A, X, B)) <= tol), case.label
        expanded = 2 * (A.T @ A) @ X - 2 * A.T @ B
        assert np.all(np.abs(G - expanded) <= tol / 20), case.label
        if "zero gradient" not in case.label and G.size:
            assert np.max(np.abs(G)) > 1e6 * np.max(tol), case.label


def test_frobenius_square_case_separates_the_transpose() -> None:
    case = next(c for c in check_cases("calculus.frobenius_grad") if "non-symmetric" in c.label)
    G = c10_frobenius_grad.reference(*case.args)
    assert G.shape[0] == G.shape[1] and np.max(np.abs(G - G.T)) > 1e-3 * np.max(np.abs(G))
    verdict = get_check("calculus.frobenius_grad").decide(case, G.T.copy())
    assert not verdict.passed and "transpose" in verdict.message
