"""Tests of Unit 6 (statistics): references, generators, notebook, hostile outputs.

The bar every task meets (bank shape, planted answers, notebook solution, generator
determinism, reference passes its own check) is in ``test_tasks.py``; this file keeps what is
specific to the unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.linalg
import scipy.optimize
import scipy.stats
from contentkit import SEEDS, check_cases, exec_namespace

from graders.authoring import run_case
from graders.checks import Case, FunctionSpec, get_check, tasks
from graders.compare import EPS
from graders.content.ps6_statistics import (
    s1_gaussian_mle,
    s2_linreg_fit,
    s3_ridge_map,
    s4_blr,
    s5_beta_binom,
    s6_ridge_bias_var,
    s7_logreg_erm,
    s8_cv_risk,
)
from graders.runtime.factories import build

ASSIGNMENT = "ps6_statistics"
TASKS = tasks(ASSIGNMENT)
CHECK_IDS = [c.id for t in TASKS for c in t.checks]


# ---------------------------------------------------------------- (a) references


def test_ref_gaussian_mle_against_np_cov() -> None:
    for case in check_cases("statistics.gaussian_mle"):
        X = np.asarray(case.args[0], float)
        mu, S = s1_gaussian_mle.reference(X)
        np.testing.assert_allclose(mu, np.mean(X, axis=0), rtol=1e-13, atol=1e-13)
        expected = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
        np.testing.assert_allclose(S, expected, rtol=1e-12, atol=1e-12)
    mu, S = s1_gaussian_mle.reference(np.array([[0.0, 1.0], [2.0, 3.0]]))  # the Coursera case
    np.testing.assert_allclose(S, np.ones((2, 2)))


def test_ref_linreg_is_min_norm_least_squares() -> None:
    for case in check_cases("statistics.linreg_fit"):
        Phi, y = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
        th = s2_linreg_fit.reference(Phi, y)
        np.testing.assert_allclose(th, np.linalg.pinv(Phi) @ y, rtol=1e-10, atol=1e-12)
        # Normal equations (residual ⟂ col Φ) and θ ∈ row space of Φ (min norm).
        np.testing.assert_allclose(Phi.T @ (y - Phi @ th), 0.0, atol=1e-10)
        null = scipy.linalg.null_space(Phi, rcond=1e-10)
        np.testing.assert_allclose(null.T @ th, 0.0, atol=1e-12)


def test_ref_ridge_against_augmented_lstsq_and_gradient() -> None:
    for case in check_cases("statistics.ridge_map"):
        Phi, y = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
        lam = case.args[2] / case.args[3]
        th = s3_ridge_map.reference(*case.args)
        D = Phi.shape[1]
        aug = np.vstack([Phi, np.sqrt(lam) * np.eye(D)])
        np.testing.assert_allclose(th, np.linalg.lstsq(aug, np.r_[y, np.zeros(D)],
                                                       rcond=None)[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(-Phi.T @ (y - Phi @ th) + lam * th, 0.0, atol=1e-10)


def test_ref_blr_posterior_matches_ridge_and_precision() -> None:
    for case in check_cases("statistics.blr_posterior"):
        Phi, y, s2, a2 = case.args
        mN, SN = s4_blr.reference_blr_posterior(*case.args)
        np.testing.assert_allclose(mN, s3_ridge_map.reference(Phi, y, s2, a2), rtol=1e-9,
                                   atol=1e-12)
        prec = np.asarray(Phi, float).T @ np.asarray(Phi, float) / s2 + np.eye(len(mN)) / a2
        np.testing.assert_allclose(SN @ prec, np.eye(len(mN)), atol=1e-10)
        np.testing.assert_array_equal(SN, SN.T)


def test_ref_blr_predict_against_explicit_loop() -> None:
    for case in check_cases("statistics.blr_predict"):
        Ps, mN, SN, s2 = case.args
        mean, var = s4_blr.reference_blr_predict(*case.args)
        Ps = np.asarray(Ps, float)
        np.testing.assert_allclose(mean, [p @ mN for p in Ps], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(var, [p @ SN @ p + s2 for p in Ps], rtol=1e-12)
        np.testing.assert_allclose(var, np.diag(Ps @ SN @ Ps.T) + s2, rtol=1e-12)


def test_ref_beta_binom_against_scipy_beta() -> None:
    grid = np.linspace(0.0, 1.0, 200001)
    for case in check_cases("statistics.beta_binom"):
        a, b, k, n = case.args
        ap, bp, mean, mode, p_next = s5_beta_binom.reference(a, b, k, n)
        assert (ap, bp) == (pytest.approx(a + k, rel=1e-15), pytest.approx(b + n - k, rel=1e-15))
        dist = scipy.stats.beta(ap, bp)
        assert mean == pytest.approx(dist.mean(), rel=1e-14) and p_next == mean
        with np.errstate(divide="ignore"):
            logpdf = dist.logpdf(grid)
        if np.isnan(mode):  # flat or U-shaped: the maximum is not unique
            assert np.ptp(logpdf) == 0 or (logpdf[0] == logpdf[-1] == np.inf)
        else:
            assert abs(grid[np.argmax(logpdf)] - mode) <= 1e-5


def test_ref_ridge_bias_var_closed_form_and_monte_carlo() -> None:
    for case in check_cases("statistics.ridge_bias_var"):
        X, th, s2, lam, xs = (np.asarray(case.args[0], float), *case.args[1:])
        bias, var = s6_ridge_bias_var.reference(*case.args)
        Ainv = np.linalg.inv(X.T @ X + lam * np.eye(X.shape[1]))
        assert bias == pytest.approx(-lam * xs @ Ainv @ th, rel=1e-9, abs=1e-12)
        assert var == pytest.approx(s2 * xs @ Ainv @ X.T @ X @ Ainv @ xs, rel=1e-9)
        # Monte Carlo on the reference side (syllabus): R noise draws, 6-sigma bands.
        R = 20000
        rng = np.random.default_rng(123)
        Y = (X @ th)[:, None] + np.sqrt(s2) * rng.standard_normal((X.shape[0], R))
        preds = xs @ Ainv @ X.T @ Y
        assert abs(preds.mean() - xs @ th - bias) <= 6 * np.sqrt(var / R) + 1e-12
        assert abs(preds.var(ddof=1) - var) <= 6 * np.sqrt(2 / (R - 1)) * var + 1e-15


def test_ref_logreg_is_stationary_and_matches_scipy() -> None:
    st = s7_logreg_erm
    for case in check_cases("statistics.logreg_erm"):
        X, y, lam = np.asarray(case.args[0], float), np.asarray(case.args[1], float), case.args[2]
        th = st.reference(X, y, lam)
        # Stationary to rounding: the computed gradient at the exact θ* is within
        # logreg_grad_floor (its derivation is in its docstring); a Newton step from there
        # lands within H⁻¹·floor of θ*, which adds at most as much again: 2 × floor.
        assert np.linalg.norm(st.logreg_grad(th, X, y, lam)) <= 2 * st.logreg_grad_floor(
            th, X, lam)
        res = scipy.optimize.minimize(st.logreg_objective, np.zeros(X.shape[1]),
                                      args=(X, y, lam), method="BFGS",
                                      jac=st.logreg_grad, options={"gtol": 1e-10})
        # θ is the minimiser, so R(θ) ≤ R(θ_BFGS) up to the rounding of both evaluations.
        slack = (st.logreg_objective_floor(th, X, y, lam)
                 + st.logreg_objective_floor(res.x, X, y, lam))
        assert st.logreg_objective(th, X, y, lam) <= res.fun + slack
        # Independent gradient: finite differences of the objective.
        g = scipy.optimize.approx_fprime(res.x, st.logreg_objective, 1e-7, X, y, lam)
        np.testing.assert_allclose(g, st.logreg_grad(res.x, X, y, lam), atol=1e-6)


def _brute_cv(case: Case) -> float:
    fit, predict = (build(s.factory, dict(s.params)) for s in case.args[:2])
    X, y, folds = np.asarray(case.args[2], float), np.asarray(case.args[3], float), case.args[4]
    errs = []
    for i in range(len(y)):
        fold = next(f for f in folds if i in f)
        train = [j for j in range(len(y)) if j not in fold]
        model = fit(X[train], y[train])
        errs.append((y[i] - predict(model, X[[i]])[0]) ** 2)
    return float(np.mean(errs))


def test_ref_cv_risk_against_brute_force_and_variants_differ() -> None:
    for seed in SEEDS:
        for case in check_cases("statistics.cv_risk", seed):
            fit, predict = (build(s.factory, dict(s.params)) for s in case.args[:2])
            args = (fit, predict, *case.args[2:])
            ref = s8_cv_risk.reference(*args)
            assert ref == pytest.approx(_brute_cv(case), rel=1e-12)
            leak = s8_cv_risk.reference(*args, leak=True)
            assert abs(leak - ref) > 1e-3 * ref
            if len({len(f) for f in case.args[4]}) > 1:
                assert abs(s8_cv_risk.reference(*args, per_fold=True) - ref) > 1e-6 * ref


def test_factories_deterministic_and_pure() -> None:
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([1.0, 0.0, 2.0, 1.0, 3.0, 2.0])
    X0, y0 = X.copy(), y.copy()
    for fit_name, pred_name, params in [("ridge_fit", "linear_predict", {"lam": 0.5}),
                                        ("mean_fit", "mean_predict", {}),
                                        ("nn_fit", "nn_predict", {})]:
        fit = build(f"statistics.{fit_name}", params)
        predict = build(f"statistics.{pred_name}", {})
        first = predict(fit(X, y), X)
        np.testing.assert_array_equal(first, predict(fit(X, y), X))
        assert first.shape == (6,)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    nn = build("statistics.nn_predict", {})
    np.testing.assert_array_equal(nn(build("statistics.nn_fit", {})(X, y), X), y)


# ---------------------------------------------------------------- (b) generators

REQUIRED_LABELS = {
    "statistics.gaussian_mle": ["Coursera case", "N = 3", "N = 1", "D = 1", "integer dtype",
                                "N = 2 < D = 5"],
    "statistics.linreg_fit": ["full column rank", "duplicate feature", "all-zero feature",
                              "wide", "integer dtype", "polynomial", "y = 0"],
    "statistics.ridge_map": ["intercept column", "wide", "integer dtype", "large λ",
                             "single feature", "duplicate feature"],
    "statistics.blr_posterior": ["wide", "single feature", "integer dtype", "polynomial"],
    "statistics.blr_predict": ["M = 1", "D = 1", "integer dtype", "sigma2 = 0.01"],
    "statistics.beta_binom": ["k = 0", "k = n", "mode NaN", "U-shaped", "b' < 1 < a'",
                              "a' < 1 < b'", "a < 1", "integer a, b"],
    "statistics.ridge_bias_var": ["lam = 0", "large lam", "wide", "integer dtype",
                                  "one feature"],
    "statistics.logreg_erm": ["separable", "overlapping", "integer dtype", "all labels 1",
                              "N = 4 < D = 6", "float labels"],
    "statistics.cv_risk": ["ridge", "mean predictor", "nearest neighbour", "leave-one-out",
                           "integer dtype"],
    "statistics.log_evidence": ["polynomial", "wide", "N = D = 1", "y = 0", "integer dtype",
                                "large noise"],
    "statistics.select_degree": ["constant truth", "linear truth", "quadratic truth",
                                 "cubic truth", "max_degree = 0", "integer dtype"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_generators_labelled_and_small(check_id: str) -> None:
    first = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in first)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    assert 5 <= len(first) <= 12
    for case in first:
        assert all(max(np.shape(a), default=0) <= 12 for a in case.args
                   if isinstance(a, np.ndarray))
        if "integer dtype" in case.label:
            assert any(isinstance(a, np.ndarray) and a.dtype.kind == "i" for a in case.args)


@pytest.mark.parametrize("seed", [*SEEDS, 2, 3, 4, 5])
def test_rank_deficient_designs_have_clean_gaps(seed: int) -> None:
    for check_id in ("statistics.linreg_fit", "statistics.ridge_map"):
        for case in check_cases(check_id, seed):
            if "duplicate" in case.label or "all-zero" in case.label:
                s = np.linalg.svd(np.asarray(case.args[0], float), compute_uv=False)
                assert s[-1] <= 0.25 * EPS * s[0]
                assert s[-2] >= 1e-2 * s[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_conventions_observable(seed: int) -> None:
    for check_id in ("statistics.ridge_map", "statistics.blr_posterior"):
        for case in check_cases(check_id, seed):
            s2, a2 = case.args[2], case.args[3]
            assert s2 != 1 and a2 != 1 and s2 / a2 != 1
    assert all(c.args[3] != 1 for c in check_cases("statistics.blr_predict", seed))
    assert all(c.args[2] != 1 for c in check_cases("statistics.ridge_bias_var", seed))
    for case in check_cases("statistics.cv_risk", seed):
        folds, n = case.args[4], len(case.args[3])
        np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(n))
        assert all(f.dtype.kind == "i" for f in folds)
        assert isinstance(case.args[0], FunctionSpec)
    assert sum(len({len(f) for f in c.args[4]}) > 1 for c in check_cases("statistics.cv_risk",
                                                                     seed)) >= 4
    sep = next(c for c in check_cases("statistics.logreg_erm", seed) if "separable 2-D" in c.label)
    X, y = np.asarray(sep.args[0], float), np.asarray(sep.args[1])
    w = np.linalg.lstsq(X, 2.0 * y - 1.0, rcond=None)[0]
    assert np.all((X @ w) * (2 * y - 1) > 0)


# ---------------------------------------------------------------- (c) notebook


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    points = contentkit.graded_points(meta)
    # The introduction states the programming tasks' total; the points must add up to it.
    stated = re.search(r"programming tasks\s+are worth (\d+) points", nb.cells[0].source)
    assert stated is not None
    assert sum(v for k, v in points.items() if k.endswith("_test")) == int(stated.group(1))
    assert all(2 <= v <= 4 for k, v in points.items() if k.endswith("_test"))
    assert points["stat_written_mle_bias"] == points["stat_written_map_ridge"] == 5
    # Every graded test cell belongs to a task module, and every task to a graded test cell.
    assert {k for k in points if k.endswith("_test")} == {f"{t.answer_cell}_test"
                                                         for t in TASKS}
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                        r"((?:check\(\w+, \"statistics\.\w+\"\)\n)+)### END HIDDEN TESTS$")
    for task in TASKS:
        test_cell = next(c for c, m in zip(nb.cells, meta, strict=True)
                         if m.get("grade_id") == f"{task.answer_cell}_test")
        match = hidden.search(test_cell.source)
        assert match, f"{task.answer_cell}_test: hidden region is not only check calls"
        named = re.findall(r"check\((\w+), \"(statistics\.\w+)\"\)", match.group(1))
        assert [cid for _, cid in named] == [c.id for c in task.checks]
        assert all(cid == f"statistics.{fn}" for fn, cid in named)
        assert test_cell.metadata["mml"] == {"unit": "statistics"}
        assert "np.allclose" not in test_cell.source


def test_plot_cell_survives_stub_and_runs() -> None:
    import matplotlib

    matplotlib.use("Agg")
    cell = next(c for c in contentkit.read_notebook(ASSIGNMENT).cells
                if c.metadata["nbgrader"]["grade_id"] == "s6_bias_variance_plot")
    assert not cell.metadata["nbgrader"]["grade"] and cell.metadata["nbgrader"]["locked"]
    stub: dict[str, Any] = {}
    exec("import numpy as np\nimport matplotlib.pyplot as plt\n"
         "def ridge_bias_var(*a):\n    raise NotImplementedError()\n", stub)
    exec(cell.source, stub)
    ns = exec_namespace("import matplotlib.pyplot as plt\nridge_bias_var = None")
    ns["ridge_bias_var"] = s6_ridge_bias_var.reference
    exec(cell.source, ns)
    import matplotlib.pyplot as plt

    plt.close("all")


# ---------------------------------------------------------------- (d) hostile outputs


def _with_nan(a: Any) -> Any:
    if not isinstance(a, np.ndarray):
        return float("nan")
    out = a.astype(float)
    out.flat[0] = np.nan
    return out


def _last(output: Any, fn: Callable[[Any], Any]) -> Any:
    """Apply fn to the output, or to the last item of a tuple output."""
    if isinstance(output, tuple):
        return (*output[:-1], fn(output[-1]))
    return fn(output)


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _last(out, lambda a: np.asarray(a)[..., None, None]),
    "extra entry": lambda out: _last(out, lambda a: np.concatenate([np.ravel(a),
                                                                    np.ravel(a)[:1]])),
    "complex dtype": lambda out: _last(out, lambda a: np.asarray(a) + 1j),
    "object dtype": lambda out: _last(out, lambda a: np.asarray(a).astype(object)),
    "NaN entry": lambda out: _last(out, _with_nan),
    "wrong tuple length": lambda out: out[:-1] if isinstance(out, tuple) else (out, out),
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
        output = run_case(reference, case)
        if np.size(output[-1] if isinstance(output, tuple) else output) == 0:
            continue
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message


def test_ref_noise_variance_against_independent_computations() -> None:
    """S9's reference against numpy's lstsq residual sum (full rank), the pseudo-inverse
    projector on every case, and zero where Φ interpolates; within its own allowance."""
    from graders.content.ps6_statistics import s9_noise_variance as s9

    for seed in SEEDS:
        for case in check_cases("statistics.noise_variance", seed):
            Phi, y = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
            n, d = Phi.shape
            ref, tol = s9.reference(Phi, y), s9.allowance(Phi, y)
            projected = y - Phi @ (np.linalg.pinv(Phi) @ y)
            assert abs(ref - projected @ projected / n) <= tol
            if np.linalg.matrix_rank(Phi) == d < n:
                rss = np.linalg.lstsq(Phi, y, rcond=None)[1][0]
                assert abs(ref - rss / n) <= tol
            if np.linalg.matrix_rank(Phi) == n:  # Φ interpolates y
                assert ref <= tol
            assert tol < 1e-6 * max(ref, 1.0)  # the allowance never hides a planted mistake


def _log_evidence_by_quadrature(phi: np.ndarray, y: np.ndarray, sigma2: float,
                                alpha2: float) -> float:
    """log ∫ N(y | φθ, σ²I) N(θ | 0, α²) dθ for one feature, by adaptive quadrature around
    the posterior mean (±12 posterior standard deviations), in log space."""
    import scipy.integrate

    prec = phi @ phi / sigma2 + 1.0 / alpha2
    mean, sd = (phi @ y / sigma2) / prec, 1.0 / np.sqrt(prec)

    def log_joint(t: float) -> float:
        return float(scipy.stats.norm.logpdf(y, phi * t, np.sqrt(sigma2)).sum()
                     + scipy.stats.norm.logpdf(t, 0.0, np.sqrt(alpha2)))

    peak = log_joint(mean)
    value, _ = scipy.integrate.quad(lambda t: np.exp(log_joint(t) - peak), mean - 12 * sd,
                                    mean + 12 * sd, epsabs=0.0, epsrel=1e-13, limit=200)
    return float(peak + np.log(value))


def test_ref_log_evidence_against_scipy_and_quadrature() -> None:
    """S10's reference against scipy.stats' Gaussian log density (eigendecomposition) on every
    case, and against quadrature over θ where Φ has one column (the N = D = 1 case and the
    constant model of select_degree), each within the reference's own allowance."""
    from graders.content.ps6_statistics import s10_log_evidence as s10

    for seed in SEEDS:
        for case in check_cases("statistics.log_evidence", seed):
            Phi, y, sigma2, alpha2 = case.args
            phi, yv = np.asarray(Phi, float), np.asarray(y, float)
            ref = s10.reference(Phi, y, sigma2, alpha2)
            tol = s10.allowance(Phi, y, sigma2, alpha2)
            cov = sigma2 * np.eye(len(yv)) + alpha2 * phi @ phi.T
            mvn = scipy.stats.multivariate_normal(np.zeros(len(yv)), cov)
            assert abs(ref - mvn.logpdf(yv)) <= tol
            if phi.shape[1] == 1:
                quad = _log_evidence_by_quadrature(phi[:, 0], yv, sigma2, alpha2)
                assert abs(ref - quad) <= 1e-9
            assert tol <= 1e-8 * max(1.0, abs(ref))
        for case in check_cases("statistics.select_degree", seed):
            x, y, max_degree, sigma2, alpha2 = case.args
            best, logs = s10.reference_degree(x, y, max_degree, sigma2, alpha2)
            quad = _log_evidence_by_quadrature(np.ones(len(x)), np.asarray(y, float), sigma2,
                                               alpha2)
            assert abs(logs[0] - quad) <= 1e-9
            assert logs.shape == (max_degree + 1,) and best == int(np.argmax(logs))


def test_select_degree_cases_have_a_clear_winner() -> None:
    """The best and second-best log evidences differ by ≥ MIN_MARGIN, which is ≥ 1e4 times every
    allowance, so every correct method returns the same degree; the winners vary."""
    from graders.content.ps6_statistics import s10_log_evidence as s10

    winners = set()
    for seed in [*SEEDS, 2, 3]:
        for case in check_cases("statistics.select_degree", seed):
            x, y, max_degree, sigma2, alpha2 = case.args
            best, logs = s10.reference_degree(x, y, max_degree, sigma2, alpha2)
            winners.add(best)
            top = np.sort(logs)[::-1]
            assert len(top) == 1 or top[0] - top[1] >= s10.MIN_MARGIN
            for k in range(max_degree + 1):
                phi = np.vander(np.asarray(x, float), k + 1, increasing=True)
                assert s10.allowance(phi, y, sigma2, alpha2) <= 1e-4 * s10.MIN_MARGIN
            assert sigma2 != 1 and alpha2 != 1
    assert {0, 1, 2, 3} <= winners
