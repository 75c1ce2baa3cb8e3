"""Tests of Unit 4 (optimisation): references, hidden cases, notebook, hostile outputs.

The bar every task meets (bank shape, planted answers, the notebook's solution, generator
determinism, the reference passing its own check) is tests/content/test_tasks.py; this file
keeps what is specific to the unit, reading each task's reference and cases from its module
in graders/content/ps4_optimisation/.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from fractions import Fraction
from types import ModuleType
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.linalg
import scipy.optimize
from contentkit import SEEDS, materialise

from graders.authoring import run_case
from graders.checks import Case, CheckSpec, FunctionSpec, Task, case_rng, tasks
from graders.content.ps4_optimisation import (
    o1_gd,
    o2_armijo,
    o3_eq_qp,
    o4_project_simplex,
    o5_is_convex_quadratic,
    o6_sgd,
    o6_sgd_step,
    o7_ineq_qp,
    o8_qp_dual,
)
from graders.runtime.factories import build

ASSIGNMENT = "ps4_optimisation"
TASKS = tasks(ASSIGNMENT)
CHECKS: list[CheckSpec] = [spec for task in TASKS for spec in task.checks]
CHECK_IDS = [spec.id for spec in CHECKS]


def _cases(task: ModuleType, seed: int = 0) -> list[Case]:
    """The hidden cases of a one-check task module for the grading seed ``seed``."""
    spec = task.TASK.checks[0]
    return spec.cases(case_rng(seed, spec.id))  # type: ignore[no-any-return]


def _num_grad(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    e = np.eye(len(x))
    return np.array([(f(x + h * e[i]) - f(x - h * e[i])) / (2 * h) for i in range(len(x))])


# ---------------------------------------------------------------- (a) references and factories


def test_factory_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(5)
    A, t = rng.standard_normal((8, 3)), (rng.random(8) < 0.5).astype(float)
    Q, c = rng.standard_normal((3, 3)), rng.standard_normal(3)
    Q = Q + Q.T
    pairs: list[tuple[str, dict[str, Any]]] = [
        ("quadratic", {"Q": Q, "c": c}), ("rosenbrock", {"a": 1.0, "b": 100.0}),
        ("logistic_ridge", {"A": A, "t": t, "mu": 0.1})]
    for name, params in pairs:
        f = build(f"optimisation.{name}_f", params)
        g = build(f"optimisation.{name}_grad", params)
        for _ in range(3):
            x = rng.standard_normal(2 if name == "rosenbrock" else 3)
            np.testing.assert_allclose(g(x), _num_grad(f, x), rtol=1e-6, atol=1e-6)
    f = build("optimisation.logistic_ridge_f", {"A": 100 * A, "t": t, "mu": 0.1})
    assert np.isfinite(f(np.full(3, 50.0)))  # no overflow for large margins


def test_ref_gd_matches_closed_form_on_quadratics() -> None:
    for case in _cases(o1_gd):
        spec, x0, lr, T = case.args
        traj = o1_gd.reference(materialise(spec), x0, lr, T)
        assert traj.shape == (T + 1, np.shape(x0)[0])
        np.testing.assert_array_equal(traj[0], np.asarray(x0, float))
        if spec.factory != "optimisation.quadratic_grad":
            continue
        Q, c = spec.params["Q"], spec.params["c"]
        xstar = np.linalg.solve(Q, -c)
        M = np.eye(len(c)) - lr * Q
        for k in range(T + 1):  # x_k − x* = (I − lr Q)^k (x0 − x*)
            expect = xstar + np.linalg.matrix_power(M, k) @ (np.asarray(x0, float) - xstar)
            np.testing.assert_allclose(traj[k], expect, rtol=1e-9,
                                       atol=1e-11 * max(1.0, np.abs(expect).max()))


@pytest.mark.parametrize("seed", SEEDS)
def test_gd_divergent_case_grows_and_stays_finite(seed: int) -> None:
    case = next(c for c in _cases(o1_gd, seed) if c.context.get("diverge"))
    spec, x0, lr, T = case.args
    L = np.linalg.eigvalsh(spec.params["Q"])[-1]
    assert lr > 2 / L
    traj = o1_gd.reference(materialise(spec), x0, lr, T)
    xstar = case.context["xstar"]
    assert np.all(np.isfinite(traj))
    assert np.linalg.norm(traj[-1] - xstar) >= 1e3 * np.linalg.norm(traj[0] - xstar)


def test_ref_armijo_first_step_satisfying_condition() -> None:
    for seed in SEEDS:
        for case in _cases(o2_armijo, seed):
            f, g = materialise(case.args[0]), materialise(case.args[1])
            x, p = np.asarray(case.args[2], float), np.asarray(case.args[3], float)
            kw = {"a0": 1.0, "rho": 0.5, "c": 1e-4, **case.kwargs}
            if case.raises:
                with pytest.raises(ValueError):
                    o2_armijo.reference(f, g, x, p, **kw)
                continue
            a = o2_armijo.reference(f, g, x, p, **kw)
            slope = g(x) @ p
            assert f(x + a * p) <= f(x) + kw["c"] * a * slope
            k = round(np.log(a / kw["a0"]) / np.log(kw["rho"]))
            for j in range(k):  # every earlier candidate fails
                aj = kw["a0"] * kw["rho"] ** j
                assert f(x + aj * p) > f(x) + kw["c"] * aj * slope


def test_armijo_boundary_case_is_exact_in_rational_arithmetic() -> None:
    for seed in SEEDS:
        case = _cases(o2_armijo, seed)[0]
        assert "exact boundary" in case.label
        Q = [[Fraction(v) for v in row] for row in case.args[0].params["Q"]]
        cl = [Fraction(v) for v in case.args[0].params["c"]]
        x = [Fraction(v) for v in case.args[2]]
        p = [Fraction(v) for v in case.args[3]]

        def f(z: list[Fraction], Q: list[list[Fraction]] = Q,
              cl: list[Fraction] = cl) -> Fraction:
            return (sum((z[i] * Q[i][j] * z[j] for i in range(3) for j in range(3)),
                        Fraction(0)) / 2
                    + sum((ci * zi for ci, zi in zip(cl, z, strict=True)), Fraction(0)))

        g = [sum(Q[i][j] * x[j] for j in range(3)) + cl[i] for i in range(3)]
        slope = sum(gi * pi for gi, pi in zip(g, p, strict=True))
        a = Fraction(o2_armijo.reference(materialise(case.args[0]), materialise(case.args[1]),
                                    case.args[2], case.args[3], c=0.5))
        trial = [xi + a * pi for xi, pi in zip(x, p, strict=True)]
        assert f(trial) == f(x) + Fraction(1, 2) * a * slope  # equality, exactly
        bigger = [xi + 2 * a * pi for xi, pi in zip(x, p, strict=True)]
        assert f(bigger) > f(x) + Fraction(1, 2) * 2 * a * slope


@pytest.mark.parametrize("seed", SEEDS)
def test_armijo_cases_are_decided_by_a_wide_margin(seed: int) -> None:
    for case in _cases(o2_armijo, seed)[1:]:
        if case.raises:
            continue
        f, g = materialise(case.args[0]), materialise(case.args[1])
        margin = o2_armijo.armijo_margin(f, g, np.asarray(case.args[2], float),
                               np.asarray(case.args[3], float), **case.kwargs)
        assert margin >= 1e-8, case.label


def _null_space_qp(Q: np.ndarray, c: np.ndarray, A: np.ndarray,
                   b: np.ndarray) -> np.ndarray:
    xp = scipy.linalg.lstsq(A, b)[0]
    Z = scipy.linalg.null_space(A)
    if Z.shape[1] == 0:
        return np.asarray(xp)
    return np.asarray(xp + Z @ scipy.linalg.solve(Z.T @ Q @ Z, -Z.T @ (Q @ xp + c)))


def test_ref_eq_qp_against_null_space_method() -> None:
    for seed in SEEDS:
        for case in _cases(o3_eq_qp, seed):
            Q, c, A, b = (np.asarray(v, float) for v in case.args)
            x, lam = o3_eq_qp.reference(Q, c, A, b)
            np.testing.assert_allclose(x, _null_space_qp(Q, c, A, b), rtol=1e-9, atol=1e-11)
            np.testing.assert_allclose(Q @ x + c + A.T @ lam, 0.0, atol=1e-11)
            np.testing.assert_allclose(A @ x, b, atol=1e-11)
            N = scipy.linalg.null_space(A.T)  # minimum-norm λ: no component in null(Aᵀ)
            assert N.shape[1] == 0 or np.linalg.norm(N.T @ lam) <= 1e-10


def test_exactly_redundant_case_defeats_plain_solve() -> None:
    for seed in SEEDS:
        case = next(c for c in _cases(o3_eq_qp, seed) if "exactly redundant"
                    in c.label)
        Q, c, A, b = (np.asarray(v, float) for v in case.args)
        K = np.block([[Q, A.T], [A, np.zeros((2, 2))]])
        with pytest.raises(np.linalg.LinAlgError):
            np.linalg.solve(K, np.r_[-c, b])


def _project_by_supports(v: np.ndarray) -> np.ndarray:
    """Exhaustive search over supports S: x_S = v_S − τ, τ = (Σ_S v − 1)/|S|."""
    best, best_d = None, np.inf
    n = len(v)
    for r in range(1, n + 1):
        for S in itertools.combinations(range(n), r):
            x = np.zeros(n)
            idx = list(S)
            x[idx] = v[idx] - (v[idx].sum() - 1.0) / r
            if x.min() >= -1e-12 and np.linalg.norm(x - v) < best_d:
                best, best_d = x, float(np.linalg.norm(x - v))
    assert best is not None
    return best


def test_ref_project_simplex_against_support_enumeration() -> None:
    for seed in SEEDS:
        for case in _cases(o4_project_simplex, seed):
            v = np.asarray(case.args[0], float)
            x = o4_project_simplex.reference(v)
            np.testing.assert_allclose(x, _project_by_supports(v),
                                       atol=1e-12 * max(1, abs(v).max()))
            assert abs(x.sum() - 1) <= 1e-12 and x.min() >= 0


def test_ref_is_convex_against_shifted_cholesky_with_clear_margins() -> None:
    for seed in SEEDS:
        for case in _cases(o5_is_convex_quadratic, seed):
            Q, tol = np.asarray(case.args[0], float), case.args[1]
            S = (Q + Q.T) / 2
            lam_min = scipy.linalg.eigvalsh(S)[0]
            assert abs(lam_min + tol) >= tol / 2 - 1e-14 * max(1, abs(S).max()), case.label
            try:
                np.linalg.cholesky(S + tol * np.eye(len(S)))
                chol = True
            except np.linalg.LinAlgError:
                chol = False
            assert o5_is_convex_quadratic.reference(Q, tol) == chol, case.label


def test_is_convex_cases_make_the_conventions_observable() -> None:
    cases = {c.label: c for c in _cases(o5_is_convex_quadratic)}
    T = next(c for label, c in cases.items() if "upper triangular 2x2" in label).args[0]
    assert np.all(np.linalg.eigvals(T).real > 0) and not o5_is_convex_quadratic.reference(T)
    assert np.linalg.eigvalsh(T)[0] > 0  # eigvalsh reads the lower triangle only
    K = next(c for label, c in cases.items() if "skew" in label).args[0]
    assert o5_is_convex_quadratic.reference(K) and np.linalg.eigvalsh(K)[0] < 0


def test_ref_sgd_step_against_per_example_gradients() -> None:
    for case in _cases(o6_sgd_step):
        theta, X, y, idx, lr = case.args
        th, Xf, yf = (np.asarray(v, float) for v in (theta, X, y))
        grad = sum((Xf[i] @ th - yf[i]) * Xf[i] for i in idx) / len(idx)
        np.testing.assert_allclose(o6_sgd_step.reference(theta, X, y, idx, lr), th - lr * grad,
                                   rtol=1e-12, atol=1e-13)
        step = build("optimisation.least_squares_step", {})
        np.testing.assert_array_equal(step(theta, X, y, idx, lr),
                                      o6_sgd_step.reference(theta, X, y, idx, lr))

        def loss(t: np.ndarray, xb: np.ndarray = Xf[idx], yb: np.ndarray = yf[idx]) -> float:
            r = xb @ t - yb
            return float(r @ r / (2 * len(yb)))

        np.testing.assert_allclose(th - lr * _num_grad(loss, th),
                                   o6_sgd_step.reference(theta, X, y, idx, lr), atol=1e-7)


def test_ref_sgd_protocol_by_hand() -> None:
    for case in _cases(o6_sgd):
        theta0, X, y, lr, epochs, B, rng_spec = case.args
        rng = materialise(rng_spec)
        th = np.asarray(theta0, float)
        N = len(y)
        for _ in range(epochs):
            perm = rng.permutation(N)
            for chunk in np.split(perm, np.arange(B, N, B)):
                th = o6_sgd_step.reference(th, X, y, chunk, lr)
        np.testing.assert_array_equal(
            o6_sgd.reference(theta0, X, y, lr, epochs, B, materialise(rng_spec),
                        materialise(case.kwargs["step"])), th)


# ---------------------------------------------------------------- (b) generators

REQUIRED_LABELS = {
    "optimisation.gd": ["SPD", "ill-conditioned", "d = 1", "T = 0", "integer dtype",
                        "logistic", "must diverge"],
    "optimisation.armijo": ["exact boundary", "c decides", "Rosenbrock", "Newton",
                            "rho = 0.3", "integer dtype", "ValueError"],
    "optimisation.eq_qp": ["one constraint", "redundant rows", "exactly redundant",
                           "m = n", "singular Q", "integer dtype", "λ = 0"],
    "optimisation.project_simplex": ["random", "already in the simplex", "ties", "vertex",
                                     "n = 1", "all entries negative", "integer dtype",
                                     "large scale"],
    "optimisation.is_convex_quadratic": ["SPD", "indefinite", "non-symmetric", "−tol/2",
                                         "−2·tol", "rank-2 PSD", "leading minors",
                                         "integer dtype", "1x1"],
    "optimisation.sgd_step": ["B = 1", "full batch", "repeated indices", "d = 1",
                              "integer dtype"],
    "optimisation.sgd": ["B = 1", "full batch", "does not divide", "epochs = 0",
                         "integer dtype", "d = 1"],
    "optimisation.ineq_qp": ["no constraint active", "vertex", "m > n", "weakly active",
                             "n = 1", "integer dtype", "violates all three", "becomes active"],
    "optimisation.qp_dual": ["gap 0", "μ = 0", "m = 6 > n", "n = m = 1", "integer dtype"],
}


@pytest.mark.parametrize("spec", CHECKS, ids=CHECK_IDS)
def test_hidden_cases_labelled_and_small(spec: CheckSpec) -> None:
    cases = spec.cases(case_rng(7, spec.id))
    labels = " | ".join(c.label for c in cases)
    for needed in REQUIRED_LABELS.get(spec.id, ()):
        assert needed in labels, f"{spec.id}: no case labelled {needed!r}"
    assert 5 <= len(cases) <= 12
    for case in cases:
        assert all(max(np.shape(a), default=0) <= 40 for a in case.args
                   if not isinstance(a, FunctionSpec))
        if "integer dtype" in case.label:
            assert any(np.asarray(a).dtype.kind == "i" for a in case.args
                       if isinstance(a, np.ndarray))


@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_cases_have_non_expansive_steps_and_fresh_seeds(seed: int) -> None:
    seeds = set()
    for case in _cases(o6_sgd, seed):
        X, lr = np.asarray(case.args[1], float), case.args[3]
        assert lr * np.max(np.sum(X ** 2, axis=1)) <= 0.5
        assert case.args[6].factory == "rng"
        seeds.add(case.args[6].params["seed"])
        assert case.kwargs["step"].factory == "optimisation.least_squares_step"
    assert len(seeds) == len(_cases(o6_sgd, seed))


def test_sgd_step_cases_make_one_over_n_observable() -> None:
    for case in _cases(o6_sgd_step):
        if "full batch" not in case.label:
            assert len(case.args[3]) != len(case.args[2])


# ---------------------------------------------------------------- (c) notebook


@pytest.mark.parametrize("task", TASKS, ids=[t.answer_cell for t in TASKS])
def test_notebook_solution_is_warning_free(task: Task) -> None:
    contentkit.assert_solution_passes(ASSIGNMENT, task.answer_cell, task.functions, SEEDS,
                                      warnings_action=None, warning_free=True)


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    points = contentkit.graded_points(meta)
    # The introduction states the programming tasks' total; the points must add up to it.
    stated = re.search(r"programming tasks\s+are worth (\d+) points", nb.cells[0].source)
    assert stated is not None
    assert sum(v for k, v in points.items() if k.endswith("_test")) == int(stated.group(1))
    assert all(2 <= v <= 4 for k, v in points.items() if k.endswith("_test"))
    assert points["opt_written_gd_rate"] == points["opt_written_kkt"] == 5
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                        r"check\((\w+), \"(optimisation\.\w+)\"\)\n### END HIDDEN TESTS$")
    for task in TASKS:
        test_cell = next(c for c, m in zip(nb.cells, meta, strict=True)
                         if m.get("grade_id") == f"{task.answer_cell}_test")
        match = hidden.search(test_cell.source)
        assert match, f"{task.answer_cell}_test: hidden region is not exactly one check call"
        assert [match.group(2)] == [spec.id for spec in task.checks]
        assert test_cell.metadata["mml"] == {"unit": "optimisation"}
        assert "np.allclose" not in test_cell.source
    plot = next(c for c, m in zip(nb.cells, meta, strict=True) if m["grade_id"] == "o1_plot")
    assert "try:" in plot.source and "except Exception" in plot.source
    assert not meta[nb.cells.index(plot)]["grade"]


# ---------------------------------------------------------------- (d) hostile outputs


def _last(out: Any, fn: Callable[[np.ndarray], Any]) -> Any:
    if isinstance(out, tuple):
        return (*out[:-1], fn(np.asarray(out[-1])))
    return fn(np.asarray(out))


def _extra_dim(a: np.ndarray) -> np.ndarray:
    return a[..., None, None] if a.ndim == 0 else a[..., None]


def _extra_row(a: np.ndarray) -> np.ndarray:
    flat = a.reshape(-1) if a.ndim == 0 else a
    return np.concatenate([flat, flat[:1]])


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.flat[0] = np.nan
    return out


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _last(out, _extra_dim),
    "extra row": lambda out: _last(out, _extra_row),
    "complex dtype": lambda out: _last(out, lambda a: a + 1j),
    "object dtype": lambda out: _last(out, lambda a: a.astype(object)),
    "NaN entry": lambda out: _last(out, _with_nan),
    "wrong tuple length": lambda out: (out, out) if not isinstance(out, tuple) else out[:-1],
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("spec", CHECKS, ids=CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(spec: CheckSpec, attack: str) -> None:
    assert spec.reference is not None
    for case in spec.cases(case_rng(0, spec.id)):
        if case.raises:
            continue
        output = run_case(spec.reference, case)
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message


def test_is_convex_rejects_integer_and_array_answers() -> None:
    spec = o5_is_convex_quadratic.TASK.checks[0]
    case = _cases(o5_is_convex_quadratic)[0]
    assert spec.decide(case, True).passed
    assert not spec.decide(case, 1).passed
    assert not spec.decide(case, np.array([True])).passed


def test_gd_messages_name_the_bug_without_values() -> None:
    spec = o1_gd.TASK.checks[0]
    case = _cases(o1_gd)[0]
    ref = run_case(o1_gd.reference, case)
    assert "T rows" in spec.decide(case, ref[1:]).message
    assert "transposed" in spec.decide(case, ref.T.copy()).message
    msg = spec.decide(case, ref + 1e-6).message
    assert not re.search(r"\d\.\d{3,}", msg)


# ---------------------------------------------------------------- (e) O7 and O8


def _slsqp(Q: np.ndarray, c: np.ndarray, G: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The QP by scipy's SLSQP, an algorithm unrelated to the reference's enumeration."""
    res = scipy.optimize.minimize(lambda x: 0.5 * x @ Q @ x + c @ x, np.zeros(len(c)),
                                  jac=lambda x: Q @ x + c, method="SLSQP",
                                  constraints=[{"type": "ineq", "fun": lambda x: h - G @ x,
                                                "jac": lambda x: -G}],
                                  options={"ftol": 1e-14, "maxiter": 1000})
    assert res.success
    return np.asarray(res.x)


def test_ref_ineq_qp_against_construction_and_slsqp() -> None:
    """O7's reference returns the (x, μ) each case was built from (or worked out by hand) and
    agrees with SLSQP; the construction's KKT residuals sit well inside the allowances."""
    for seed in [*SEEDS, 2, 3]:
        for case in _cases(o7_ineq_qp, seed):
            Q, c, G, h = (np.asarray(v, float) for v in case.args)
            x, mu = o7_ineq_qp.reference(Q, c, G, h)
            np.testing.assert_allclose(x, case.context["x"], rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(mu, case.context["mu"], rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(_slsqp(Q, c, G, h), x, atol=1e-6)
            t_stat, t_feas, _, _ = o7_ineq_qp.allowances(Q, c, G, h, x, mu)
            xs, ms = case.context["x"], case.context["mu"]
            assert np.linalg.norm(Q @ xs + c + G.T @ ms) <= 1e-2 * t_stat
            assert np.max(G @ xs - h) <= 1e-2 * t_feas


def test_ineq_qp_cases_have_clear_margins_and_licq() -> None:
    """Active multipliers and inactive slacks are ≥ 0.5 (except the one weakly active case),
    so every planted mistake violates a condition by far more than the allowances."""
    for seed in SEEDS:
        for case in _cases(o7_ineq_qp, seed):
            Q, c, G, h = (np.asarray(v, float) for v in case.args)
            x, mu = case.context["x"], case.context["mu"]
            slack = h - G @ x
            tight = slack <= 1e-12 * (1 + np.abs(h).max())
            assert np.all(mu[~tight] == 0) and np.all(slack[~tight] >= 0.5)
            if "weakly active" not in case.label:
                assert np.all(mu[tight] >= 0.5)
            assert np.linalg.matrix_rank(G[tight]) == np.count_nonzero(tight)
            # A mistake violates a condition by ≥ 0.1 (complementarity: μ·slack ≥ 0.25).
            t_stat, t_feas, t_dual, t_comp = o7_ineq_qp.allowances(Q, c, G, h, x, mu)
            assert max(t_stat, t_feas, t_dual) < 1e-8 and t_comp < 1e-6


def _min_lagrangian(Q: np.ndarray, c: np.ndarray, G: np.ndarray, h: np.ndarray,
                    mu: np.ndarray) -> float:
    """min over x of L(x, μ) by BFGS from 0, an iterative method unlike the closed form."""
    res = scipy.optimize.minimize(
        lambda z: 0.5 * z @ Q @ z + c @ z + mu @ (G @ z - h), np.zeros(len(c)),
        jac=lambda z: Q @ z + c + G.T @ mu, method="BFGS", options={"gtol": 1e-10})
    return float(res.fun)


def test_ref_qp_dual_against_numerical_minimisation_and_duality() -> None:
    """O8's g(μ) equals min over x of L(x, μ) found by BFGS (an O(gtol²) error in g), obeys
    weak duality g(μ) ≤ f(x) on every case, and strong duality (gap 0) on the optimal pairs."""
    for seed in [*SEEDS, 2, 3]:
        for case in _cases(o8_qp_dual, seed):
            Q, c, G, h, x, mu = (np.asarray(v, float) for v in case.args)
            g, gap = o8_qp_dual.reference(Q, c, G, h, x, mu)
            tol = o8_qp_dual.allowance(Q, c, G, h, x, mu)
            assert abs(_min_lagrangian(Q, c, G, h, mu) - g) <= tol
            assert np.all(G @ x <= h + 1e-12) and np.all(mu >= 0)
            assert gap >= -tol
            if "gap 0" in case.label:
                assert abs(gap) <= tol
                np.testing.assert_allclose(o7_ineq_qp.reference(Q, c, G, h)[1], mu,
                                           atol=1e-10)
            else:
                assert gap >= 1e6 * tol  # off the optimum the gap is clearly positive
            assert tol <= 1e-9 * max(1.0, abs(g))


def test_qp_dual_wrong_answers_differ_by_far_more_than_the_allowance() -> None:
    """Each planted mistake moves g or the gap by ≥ 1e6 allowances on some hidden case."""
    for wrong in o8_qp_dual.WRONG:
        fn = contentkit.exec_function(wrong.code, "qp_dual")
        for seed in SEEDS:
            worst = 0.0
            for case in _cases(o8_qp_dual, seed):
                ref = np.array(o8_qp_dual.reference(*case.args))
                worst = max(worst, float(np.abs(np.array(fn(*case.args)) - ref).max()
                                         / o8_qp_dual.allowance(*case.args)))
            assert worst >= 1e6, wrong.name
