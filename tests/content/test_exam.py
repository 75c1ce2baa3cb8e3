"""Tests of the exam (mixed units): references, hidden cases, notebook, hostile outputs.

The generic bar (bank shape, planted answers, notebook solution, generator determinism,
reference against its own judge) is ``test_tasks.py``'s, by discovery; this file keeps what is
specific to the exam's tasks E1–E6 (``graders/content/exam/``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
import scipy.optimize
import scipy.spatial.distance
import scipy.stats
from contentkit import SEEDS, check_cases

from graders.checks import UNITS, Task, get_check, tasks
from graders.content.exam import (
    e1_qr_solve,
    e2_mahalanobis,
    e3_mlp_jacobian,
    e4_ista,
    e5_kl_gauss,
    e6_pca,
    e7_angle_value,
    e8_projection_value,
    e9_gauss_nll_formula,
)
from graders.pipeline.source import parse_source

ASSIGNMENT = "exam"
NOTEBOOK = contentkit.notebook_path(ASSIGNMENT)
TASKS = tasks(ASSIGNMENT)
CHECK_IDS = [c.id for t in TASKS for c in t.checks]


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=float)


# ---------------------------------------------------------------- (a) references


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_qr_solve_against_lstsq_and_normal_equations(seed: int) -> None:
    for case in check_cases("linear_algebra.exam_qr_solve", seed):
        A, b = _f(case.args[0]), _f(case.args[1])
        if case.raises:
            with pytest.raises(np.linalg.LinAlgError):
                e1_qr_solve.reference(A, b)
            assert np.linalg.matrix_rank(A, rtol=1e-12) < A.shape[1]
            continue
        x = e1_qr_solve.reference(A, b)
        x_ls = np.linalg.lstsq(A, b, rcond=None)[0]  # LAPACK's SVD-based gelsd
        kappa = np.linalg.cond(A)
        assert np.linalg.norm(x - x_ls) <= 1e-12 * kappa * np.linalg.norm(x_ls)
        # optimality: the residual is orthogonal to col(A)
        r = b - A @ x
        assert np.linalg.norm(A.T @ r) <= 1e-12 * kappa * np.linalg.norm(A, 2) * (
            np.linalg.norm(b) + np.linalg.norm(A, 2) * np.linalg.norm(x))


def test_ref_qr_solve_closed_form() -> None:
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(e1_qr_solve.reference(A, np.array([1.0, 1.0, 0.0])), [1 / 3, 1 / 3],
                               rtol=1e-14)
    np.testing.assert_allclose(e1_qr_solve.reference(A, np.eye(3)), np.linalg.pinv(A), atol=1e-14)


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_mahalanobis_against_scipy(seed: int) -> None:
    for case in check_cases("geometry.exam_mahalanobis", seed):
        X, mu, S = (_f(a) for a in case.args)
        vi = np.linalg.inv(S)
        expected = [scipy.spatial.distance.mahalanobis(x, mu, vi) for x in X]
        np.testing.assert_allclose(e2_mahalanobis.reference(X, mu, S), expected, rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_mlp_jacobian_against_finite_differences(seed: int) -> None:
    for case in check_cases("calculus.exam_mlp_jacobian", seed):
        W1, b1, W2, x = (_f(a) for a in case.args)
        J = e3_mlp_jacobian.reference(W1, b1, W2, x)
        assert J.shape == (W2.shape[0], W1.shape[1])
        np.testing.assert_allclose(J, W2 @ ((1 - np.tanh(W1 @ x + b1) ** 2)[:, None] * W1),
                                   rtol=1e-12, atol=1e-14)
        h = 1e-6
        cols = [(W2 @ np.tanh(W1 @ (x + h * e) + b1) - W2 @ np.tanh(W1 @ (x - h * e) + b1))
                / (2 * h) for e in np.eye(len(x))]
        np.testing.assert_allclose(J, np.column_stack(cols), rtol=1e-6, atol=1e-7)


def test_ref_ista_gradient_descent_closed_form_and_lasso_kkt() -> None:
    rng = np.random.default_rng(5)
    A, b = rng.standard_normal((6, 4)), rng.standard_normal(6)
    s = float(1 / np.linalg.norm(A, 2) ** 2)
    # λ = 0: x_T = Σ_{k<T} (I − sAᵀA)^k s Aᵀb (unrolled linear recursion)
    M = np.eye(4) - s * A.T @ A
    x_gd = sum(np.linalg.matrix_power(M, k) @ (s * A.T @ b) for k in range(7))
    np.testing.assert_allclose(e4_ista.reference(A, b, 0.0, s, 7), x_gd, rtol=1e-12, atol=1e-14)
    # λ > 0: F decreases monotonically (step 1/L) and the limit satisfies the lasso KKT
    # conditions Aᵀ(b − Ax) ∈ λ ∂‖x‖₁.
    lam = 0.3 * np.max(np.abs(A.T @ b))
    traj = e4_ista.trajectory(A, b, lam, s, 3000)
    F = [0.5 * np.sum((A @ x - b) ** 2) + lam * np.sum(np.abs(x)) for x in traj]
    assert np.all(np.diff(F) <= 1e-12)
    x = traj[-1]
    g = A.T @ (b - A @ x)
    on = x != 0
    np.testing.assert_allclose(g[on], lam * np.sign(x[on]), atol=1e-8)
    assert np.all(np.abs(g[~on]) <= lam + 1e-8)
    # scipy's bounded solver on the split x = p − q, p, q ≥ 0, reaches the same optimum
    res = scipy.optimize.minimize(
        lambda z: 0.5 * np.sum((A @ (z[:4] - z[4:]) - b) ** 2) + lam * z.sum(), np.zeros(8),
        jac=lambda z: np.r_[A.T @ (A @ (z[:4] - z[4:]) - b) + lam,
                            -A.T @ (A @ (z[:4] - z[4:]) - b) + lam],
        bounds=[(0, None)] * 8, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12})
    np.testing.assert_allclose(res.x[:4] - res.x[4:], x, atol=1e-5)
    assert e4_ista.reference(A, b, 1.5 * np.max(np.abs(A.T @ b)), s, 5).tolist() == [0.0] * 4


def test_ref_kl_gauss_against_quadrature_and_monte_carlo() -> None:
    # 1-D: numerical integration of p0 log(p0/p1)
    m0, v0, m1, v1 = 0.3, 0.5, -1.2, 3.0
    p0, p1 = scipy.stats.norm(m0, np.sqrt(v0)), scipy.stats.norm(m1, np.sqrt(v1))
    integral = scipy.integrate.quad(lambda t: p0.pdf(t) * (p0.logpdf(t) - p1.logpdf(t)),
                                    -np.inf, np.inf, epsabs=1e-13)[0]
    kl = e5_kl_gauss.reference(np.array([m0]), np.array([[v0]]), np.array([m1]), np.array([[v1]]))
    np.testing.assert_allclose(kl, integral, rtol=1e-9)
    # 3-D: Monte Carlo E_p0[log p0 − log p1] (5 standard errors, fixed seed)
    rng = np.random.default_rng(3)
    case = check_cases("probability.exam_kl_gauss")[0]
    mu0, S0, mu1, S1 = (_f(a) for a in case.args)
    z = rng.multivariate_normal(mu0, S0, size=200_000)
    diff = (scipy.stats.multivariate_normal(mu0, S0).logpdf(z)
            - scipy.stats.multivariate_normal(mu1, S1).logpdf(z))
    assert abs(e5_kl_gauss.reference(mu0, S0, mu1, S1) - diff.mean()) <= 5 * diff.std() / np.sqrt(
        len(diff))


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_kl_gauss_identities(seed: int) -> None:
    for case in check_cases("probability.exam_kl_gauss", seed):
        mu0, S0, mu1, S1 = (_f(a) for a in case.args)
        kl = e5_kl_gauss.reference(mu0, S0, mu1, S1)
        # independent: whitened eigenvalues λ of Σ₁^{-1/2}Σ₀Σ₁^{-1/2} (scipy.linalg.eigh of the
        # pencil) give KL = ½Σ(λ − 1 − log λ) + ½ Mahalanobis²
        lam = scipy.linalg.eigh(S0, S1, eigvals_only=True)
        d = mu1 - mu0
        expected = 0.5 * (np.sum(lam - 1 - np.log(lam)) + d @ np.linalg.solve(S1, d))
        assert abs(kl - expected) <= 1e-11 * (len(d) + abs(kl))
        assert kl >= -1e-12
        if "identical" in case.label:
            assert abs(kl) <= 1e-13


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_pca_against_covariance_eigh(seed: int) -> None:
    for case in check_cases("statistics.exam_pca", seed):
        X, k = _f(case.args[0]), case.args[1]
        W, lam = e6_pca.reference(X, k)
        w, V = np.linalg.eigh(np.atleast_2d(np.cov(X, rowvar=False, bias=True)))
        w, V = w[::-1], V[:, ::-1]
        np.testing.assert_allclose(lam, w[:k], rtol=1e-10, atol=1e-12 * w[0])
        np.testing.assert_allclose(W @ W.T, V[:, :k] @ V[:, :k].T, atol=1e-10)
        np.testing.assert_allclose(W.T @ W, np.eye(k), atol=1e-12)


# ---------------------------------------------------------------- (b) generators

REQUIRED_LABELS = {
    "linear_algebra.exam_qr_solve": ["κ = 10⁷", "square", "single column", "integer dtype",
                                     "multiple right-hand sides", "1x1", "tiny scale",
                                     "rank-deficient", "zero column"],
    "geometry.exam_mahalanobis": ["N < D", "D = 1", "N = 1", "equal to μ", "1e6",
                                  "integer dtype", "κ(Σ) = 10³"],
    "calculus.exam_mlp_jacobian": ["m ≠ n", "square", "m = 1", "n = 1", "h = 1", "saturated",
                                   "integer dtype"],
    "optimisation.exam_ista": ["tall", "wide", "λ = 0", "stay at 0", "T = 0", "T = 1",
                               "integer dtype", "1.8/L", "1x1"],
    "probability.exam_kl_gauss": ["identical", "D = 1", "shared covariance", "shared mean",
                                  "D = 200", "integer dtype", "asymmetric"],
    "statistics.exam_pca": ["N = 6 < D = 10", "k = D", "k = 1", "N = 3", "offset",
                            "repeated", "integer dtype"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_cases_labelled_and_sized(check_id: str) -> None:
    first = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in first)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    # A function is called on 5-12 inputs; a value or a formula answer is one case (a
    # formula's case holds its evaluation points).
    assert 5 <= len(first) <= 12 if get_check(check_id).answer == "function" else len(first) == 1
    for case in first:
        if "integer dtype" in case.label:
            assert np.asarray(case.args[0]).dtype.kind == "i"
        if "D = 200" not in case.label:
            assert all(max(np.shape(a), default=0) <= 40 for a in case.args)


@pytest.mark.parametrize("seed", SEEDS)
def test_qr_cases_have_the_stated_conditioning(seed: int) -> None:
    for case in check_cases("linear_algebra.exam_qr_solve", seed):
        s = scipy.linalg.svdvals(_f(case.args[0]))
        if case.raises:
            assert s[-1] <= 1e-14 * s[0]
        else:
            assert s[-1] >= 1e-7 * s[0] * 0.999
        if "10⁷" in case.label:
            assert 0.9e7 <= s[0] / s[-1] <= 1.1e7


@pytest.mark.parametrize("seed", SEEDS)
def test_pca_cases_have_a_gap_after_k(seed: int) -> None:
    for case in check_cases("statistics.exam_pca", seed):
        X, k = _f(case.args[0]), case.args[1]
        w = np.sort(np.linalg.eigvalsh(np.cov(X, rowvar=False, bias=True)))[::-1]
        assert k == len(w) or w[k - 1] - w[k] >= 0.05 * w[0]
        if "offset" in case.label:
            assert np.abs(X.mean(axis=0)).min() >= 900


def test_kl_large_case_overflows_det_and_mahalanobis_far_case() -> None:
    case = next(c for c in check_cases("probability.exam_kl_gauss") if "D = 200" in c.label)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.linalg.det(case.args[1]) == 0.0
        assert np.isinf(np.linalg.det(case.args[3]))
    far = next(c for c in check_cases("geometry.exam_mahalanobis") if "1e6" in c.label)
    assert np.abs(far.args[1]).min() >= 1e6 - 10


# ---------------------------------------------------------------- (c) notebook

TASK_IDS = [t.answer_cell for t in TASKS]


@pytest.mark.parametrize("task", TASKS, ids=TASK_IDS)
def test_notebook_solution_is_warning_free(task: Task) -> None:
    """Stricter than test_tasks.py: the warnings filters are left alone and a judge's
    warning on a passing case counts as a failure."""
    contentkit.assert_solution_passes(ASSIGNMENT, task.answer_cell, task.functions, SEEDS,
                                      warnings_action=None, warning_free=True)


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    # One check call, after at most one comment line (E1's: the source is a template, run
    # `mml preview exam`; nbgrader removes the region, so only instructors read it).
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\n(?:# [^\n]*\n)?"
                        r"from graders\.authoring import check\n"
                        r"check\((\w+), \"(\w+\.exam_\w+)\"\)\n### END HIDDEN TESTS$")
    for task in TASKS:
        test_cell = next(c for c, m in zip(nb.cells, meta, strict=True)
                         if m.get("grade_id") == f"{task.answer_cell}_test")
        match = hidden.search(test_cell.source)
        assert match, f"{task.answer_cell}_test: hidden region is not exactly one check call"
        (check_id,) = (c.id for c in task.checks)
        assert match.group(2) == check_id
        # the unit, and the exam hygiene opt-in (graders/nbgrader_io/hygiene.py) at most
        assert {k: v for k, v in test_cell.metadata["mml"].items()
                if k != "public_answers"} == {"unit": check_id.split(".")[0]}
        assert "np.allclose" not in test_cell.source
    for cell, m in zip(nb.cells, meta, strict=True):
        if m.get("grade"):
            assert cell.metadata.get("mml", {}).get("unit") in UNITS, m["grade_id"]


def test_points_sum_to_100_and_every_unit_has_an_autograded_question() -> None:
    spec = parse_source(NOTEBOOK, default_unit="")
    total = sum(q.points for q in spec.questions)
    # E1-E6 (functions) and W1-W4 (written) 10 points each, E7-E9 (a number, a matrix, a
    # formula: graders/answers.py) 5 each.
    assert total == 115
    auto_units = {q.unit for q in spec.questions if q.kind == "auto"}
    assert auto_units == set(UNITS)
    per_unit: dict[str, float] = {}
    for q in spec.questions:
        per_unit[q.unit] = per_unit.get(q.unit, 0.0) + q.points
    assert set(per_unit) == set(UNITS)
    assert sum(per_unit.values()) == total
    written = [q for q in spec.questions if q.kind == "manual"]
    assert len(written) >= 3
    # written questions are tagged with the FIRST unit their title names
    nb = contentkit.read_notebook(ASSIGNMENT)
    titles = {c.id.removesuffix("_question"): c.source.splitlines()[0] for c in nb.cells
              if c.id.startswith("e_written_") and c.id.endswith("_question")}
    first_unit = {"linear algebra": "linear_algebra", "geometry": "geometry",
                  "calculus": "calculus", "optimisation": "optimisation",
                  "probability": "probability", "statistics": "statistics"}
    for q in written:
        named = re.search(r"\((\w[\w ]*?) \+", titles[q.grade_id])
        assert named and first_unit[named.group(1)] == q.unit, q.grade_id


# ---------------------------------------------------------------- (d) hostile outputs


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = a.astype(float)
    out.flat[0] = np.nan
    return out


def _last(output: Any, fn: Callable[[np.ndarray], Any]) -> Any:
    """Apply fn to the last array of a (possibly tuple, possibly scalar) reference output."""
    if not isinstance(output, tuple):
        return fn(np.asarray(output))
    return (*output[:-1], fn(np.asarray(output[-1])))


def _reference_output(check_id: str, case: Any) -> Any:
    """What a correct answer returns on ``case``: a function's output, a value, or a
    formula's values at the case's points (its parameters are in the case's context)."""
    spec = get_check(check_id)
    assert spec.reference is not None
    if spec.answer == "value":
        return spec.reference(**case.context["params"])
    if spec.answer == "formula":
        return np.array([spec.reference(*p, **case.context["params"]) for p in case.args[0]])
    return spec.reference(*case.args)


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _last(out, lambda a: a[..., None]),
    "extra entry": lambda out: _last(out, lambda a: np.concatenate([a.reshape(-1), [0.0]])),
    "complex dtype": lambda out: _last(out, lambda a: a + 1j),
    "object dtype": lambda out: _last(out, lambda a: a.astype(object)),
    "NaN entry": lambda out: _last(out, _with_nan),
    "wrong tuple length": lambda out: (out, out) if not isinstance(out, tuple) else out[:-1],
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(check_id: str, attack: str) -> None:
    spec = get_check(check_id)
    reference = spec.reference
    assert reference is not None
    for case in check_cases(check_id):
        if case.raises:
            continue
        output = _reference_output(check_id, case)
        target = np.asarray(output[-1] if isinstance(output, tuple) else output)
        if target.size == 0:
            continue
        if attack == "extra dimension" and target.ndim == 0:
            continue  # a (1,)-shaped KL is a legitimate size-1 scalar
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message


# ---------------------------------------------------------------- (e) value and formula answers


def test_ref_angle_value_against_whitening_and_identities() -> None:
    """θ by eigen-whitening (u = Λ^½Vᵀx, then the Euclidean angle by arctan2), and
    θ(x, x) = 0, θ(x, −x) = π, symmetry, invariance to scaling x."""
    p = e7_angle_value.parameters(np.random.default_rng(7))
    A, x, y = _f(p["e7_A"]), _f(p["e7_x"]), _f(p["e7_y"])
    w, V = np.linalg.eigh(A)
    u, v = np.sqrt(w) * (V.T @ x), np.sqrt(w) * (V.T @ y)
    theta = np.arctan2(np.linalg.norm(v - (u @ v) / (u @ u) * u) * np.linalg.norm(u), u @ v)
    ref = e7_angle_value.reference(A, x, y)
    assert abs(ref - theta) <= 1e-13
    assert abs(e7_angle_value.reference(A, x, x)) <= 1e-7  # arccos near 1: √ε-accurate
    assert abs(e7_angle_value.reference(A, x, -x) - np.pi) <= 1e-7
    assert e7_angle_value.reference(A, y, x) == pytest.approx(ref, abs=1e-15)
    assert e7_angle_value.reference(A, 3 * x, y) == pytest.approx(ref, abs=1e-14)
    assert np.sin(ref) >= 0.3  # the tolerance's derivation assumes it


def test_ref_projection_value_against_pinv_and_projection_identities() -> None:
    B = _f(e8_projection_value.parameters(np.random.default_rng(8))["e8_B"])
    P = e8_projection_value.reference(B)
    np.testing.assert_allclose(P, B @ np.linalg.pinv(B), atol=1e-14)
    np.testing.assert_allclose(P @ P, P, atol=1e-14)
    np.testing.assert_allclose(P, P.T, atol=1e-15)
    np.testing.assert_allclose(P @ B, B, atol=1e-14)
    assert np.trace(P) == pytest.approx(2.0, abs=1e-14)
    assert B[:, 0] @ B[:, 1] != 0  # the normalised-columns mistake would be right otherwise
    assert np.linalg.cond(B) <= 10.0  # the tolerance's derivation assumes it


def test_ref_gauss_nll_against_scipy_and_its_stationary_point() -> None:
    x = e9_gauss_nll_formula.EXAMPLE_X
    for mu, sigma in [(0.0, 0.5), (2.5, 1.0), (4.9, 2.9), (1.3, 0.7)]:
        expected = -np.sum(scipy.stats.norm.logpdf(x, loc=mu, scale=sigma))
        assert e9_gauss_nll_formula.reference(mu, sigma) == pytest.approx(expected, rel=1e-13)
    # the maximum-likelihood estimates minimise it
    best = scipy.optimize.minimize(lambda t: e9_gauss_nll_formula.reference(t[0], t[1]),
                                   [2.0, 1.0], method="Nelder-Mead",
                                   options={"xatol": 1e-10, "fatol": 1e-12})
    np.testing.assert_allclose(best.x, [x.mean(), x.std()], atol=1e-6)


def test_gauss_nll_points_make_the_mistakes_visible() -> None:
    """The points' σ include values far from 1 (log σ ≠ 0) and the NLL is large somewhere,
    so the derived tolerance (RTOL·M) is far below every mistake's size."""
    (case,) = check_cases("probability.exam_gauss_nll_formula")
    sigma = case.args[0][:, 1]
    assert np.min(np.abs(np.log(sigma))) < np.max(np.abs(np.log(sigma)))
    assert np.max(np.abs(np.log(sigma))) >= np.log(2)
    ref = np.array([e9_gauss_nll_formula.reference(m, s) for m, s in case.args[0]])
    assert e9_gauss_nll_formula.RTOL * np.max(np.abs(ref)) <= 1e-6


@pytest.mark.parametrize("module", [e7_angle_value, e8_projection_value, e9_gauss_nll_formula])
def test_the_data_lines_are_the_parameters_and_open_the_answer_cell(module: Any) -> None:
    """One source of truth: the data a student's notebook shows are the ones the judge uses
    (the rendered data lines define exactly the student's parameters)."""
    from graders.variants import render_code

    for seed in range(20):
        params = module.parameters(np.random.default_rng(seed))
        ns: dict[str, Any] = {"np": np}
        exec(render_code(module.DATA, params), ns)
        for name, value in params.items():
            unit, _, short = name.partition("_")
            np.testing.assert_array_equal(ns[f"{short}_{unit}"], value)
    nb = contentkit.read_notebook(ASSIGNMENT)
    (cell,) = (c for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade_id") == module.TASK.answer_cell)
    assert cell.source.startswith(module.DATA)
    assert "### BEGIN SOLUTION" not in module.DATA
