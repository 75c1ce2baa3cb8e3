"""Tests of Unit 5 (probability): references, hidden cases, notebook, hostile outputs, P6 power.

The bar every task meets (bank shape, planted answers, the notebook's solution, generator
determinism, the reference passing its own check) is tests/content/test_tasks.py; this file
keeps what is specific to the unit, reading each task's reference and cases from its module
in graders/content/ps5_probability/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.integrate
import scipy.stats
from contentkit import SEEDS, check_cases, materialise

from graders.checks import Case, CheckSpec, case_rng, get_check, tasks
from graders.content.ps5_probability import p1_logsumexp as p1
from graders.content.ps5_probability import p2_posterior as p2
from graders.content.ps5_probability import p3_mvn_logpdf as p3
from graders.content.ps5_probability import p4_gauss_condition as p4
from graders.content.ps5_probability import p5_transformed_logpdf as p5
from graders.content.ps5_probability import p6_sample_mvn as p6
from graders.content.ps5_probability import p7_event_probs as p7
from graders.content.ps5_probability import p8_affine_moments as p8
from graders.content.ps5_probability import p9_gauss_marginal as p9
from graders.content.ps5_probability import p10_gauss_product as p10
from graders.content.units.probability import spd

ASSIGNMENT = "ps5_probability"
CHECKS: list[CheckSpec] = [spec for task in tasks(ASSIGNMENT) for spec in task.checks]
CHECK_IDS = [spec.id for spec in CHECKS]


def _sample_mvn(mu: Any, Sigma: Any, n: int, rng: np.random.Generator,
                kind: str = "ok") -> np.ndarray:
    mu, S = np.asarray(mu, float), np.asarray(Sigma, float)
    L = np.linalg.cholesky(S)
    z = rng.standard_normal((n, len(mu)))
    return {"ok": lambda: mu + z @ L.T, "L_transpose": lambda: mu + z @ L,
            "sigma_z": lambda: mu + z @ S.T, "diagonal": lambda: mu + z * np.sqrt(np.diag(S)),
            "scale_1pct": lambda: mu + 1.01 * z @ L.T}[kind]()


def ref_output(spec: CheckSpec, case: Case) -> Any:
    """The reference's output on one case (functions and rng built as in the sandbox)."""
    assert spec.reference is not None, spec.id
    return spec.reference(*(materialise(a) for a in case.args))


# ---------------------------------------------------------------- (a) references


def test_ref_logsumexp_and_softmax_closed_forms() -> None:
    a = np.array([[0.0, np.log(3.0)], [1000.0, 1000.0], [-np.inf, -np.inf]])
    np.testing.assert_allclose(p1.reference_logsumexp(a, 1),
                               [np.log(4.0), 1000 + np.log(2.0), -np.inf])
    assert p1.reference_logsumexp(np.zeros(0)) == -np.inf
    for case in check_cases("probability.logsumexp"):
        x, axis = np.asarray(case.args[0], float), case.args[1]
        if np.all(np.isfinite(x)) and x.size and np.abs(x).max() < 50:  # naive is exact here
            np.testing.assert_allclose(p1.reference_logsumexp(x, axis),
                                       np.log(np.sum(np.exp(x), axis=axis)), atol=1e-13)
    for case in check_cases("probability.softmax"):
        x = np.asarray(case.args[0], float)
        axis = case.args[1] if len(case.args) > 1 else -1
        p = p1.reference_softmax(x, axis)
        assert p.shape == x.shape
        if x.size == 0:
            continue
        sums = p.sum(axis=axis)
        ok = ~np.isnan(sums)
        np.testing.assert_allclose(sums[ok], 1.0, atol=1e-14)
        if np.all(np.isfinite(x)) and x.size and np.abs(x).max() < 50:
            e = np.exp(x)
            np.testing.assert_allclose(p, e / e.sum(axis=axis, keepdims=True), rtol=1e-13)


def test_ref_posterior_marginal_conditional_against_direct_formulas() -> None:
    for case in check_cases("probability.posterior"):
        lp, ll = (np.asarray(v, float) for v in case.args)
        out = p2.reference_posterior(lp, ll)
        joint = lp + ll
        if np.all(np.isneginf(joint)):
            assert np.all(np.isnan(out))
            continue
        np.testing.assert_array_equal(np.isneginf(out), np.isneginf(joint))
        np.testing.assert_allclose(np.exp(out).sum(), 1.0, atol=1e-14)
        shifted = np.exp(joint - joint.max())  # probability space after an exact shift
        np.testing.assert_allclose(np.exp(out), shifted / shifted.sum(), atol=1e-14)
    P = np.arange(24, dtype=float).reshape(2, 3, 4) / 276.0
    np.testing.assert_allclose(p2.reference_marginal(P, 1), [P[:, j, :].sum() for j in range(3)])
    np.testing.assert_allclose(p2.reference_marginal(P, -1), np.einsum("ijk->k", P))
    Q = np.array([[0.1, 0.3], [0.0, 0.0], [0.2, 0.4]])
    C0 = p2.reference_conditional(Q, 0)
    np.testing.assert_allclose(C0[[0, 2]], [[0.25, 0.75], [1 / 3, 2 / 3]])
    assert np.all(np.isnan(C0[1]))
    np.testing.assert_allclose(p2.reference_conditional(Q, 1),
                               [[1 / 3, 3 / 7], [0, 0], [2 / 3, 4 / 7]])


def test_ref_mvn_logpdf_against_scipy() -> None:
    for seed in SEEDS:
        for case in check_cases("probability.mvn_logpdf", seed):
            X, mu, S = (np.asarray(v, float) for v in case.args)
            ref = p3.reference(X, mu, S)
            assert ref.shape == (X.shape[0],) and np.all(np.isfinite(ref))
            logdet = np.linalg.slogdet(S)[1]
            diff = X - mu
            direct = -0.5 * (len(mu) * np.log(2 * np.pi) + logdet
                             + np.sum(diff * np.linalg.solve(S, diff.T).T, axis=1))
            np.testing.assert_allclose(ref, direct, atol=1e-9)
            if len(mu) <= 10:
                np.testing.assert_allclose(
                    ref, np.atleast_1d(scipy.stats.multivariate_normal(mu, S).logpdf(X)),
                    atol=1e-9)
    big = next(c for c in check_cases("probability.mvn_logpdf") if "overflows" in c.label)
    with np.errstate(over="ignore"):
        assert np.linalg.det(np.asarray(big.args[2])) == np.inf
    assert np.all(p3.reference(*big.args) < -745)  # the density itself underflows


def test_ref_gauss_condition_against_precision_form() -> None:
    for case in check_cases("probability.gauss_condition"):
        mu, S = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
        a, x_b = np.asarray(case.args[2]), np.asarray(case.args[3], float)
        b = np.setdiff1d(np.arange(len(mu)), a)
        m, C = p4.reference(mu, S, a, x_b)
        lam = np.linalg.inv(S)
        C2 = np.linalg.inv(lam[np.ix_(a, a)])
        np.testing.assert_allclose(C, C2, atol=1e-10)
        np.testing.assert_allclose(m, mu[a] - C2 @ lam[np.ix_(a, b)] @ (x_b - mu[b]), atol=1e-10)
        assert np.linalg.eigvalsh(C).min() > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_ref_transformed_logpdf_matches_factories_and_integrates(seed: int) -> None:
    for case in check_cases("probability.transformed_logpdf", seed):
        ref = p5.analytic_logpdf(case)
        via = p5.reference(*(materialise(a) for a in case.args))  # the factories' route
        np.testing.assert_array_equal(np.isneginf(ref), np.isneginf(via))
        fin = np.isfinite(ref)
        np.testing.assert_allclose(via[fin], ref[fin], atol=1e-10, rtol=1e-12)
        kind = case.context["kind"]
        w = case.context.get("quad_weights")
        if kind in ("square_uniform", "affine_gauss"):  # the grid covers the whole mass
            assert w is not None
            assert abs(np.sum(w * np.exp(ref)) - 1.0) < (1e-12 if kind == "square_uniform"
                                                         else 1e-4)
        if kind == "square_gauss":  # mass of {X² < 1} for X ~ N(m, s²)
            m, s = case.context["m"], case.context["s"]
            mass = scipy.stats.norm.cdf(1, m, s) - scipy.stats.norm.cdf(-1, m, s)
            assert abs(np.sum(w * np.exp(ref)) - mass) < 1e-3
        if kind != "affine_gauss":  # every other X or g has a bounded support or range
            assert np.isneginf(ref).any(), f"{case.label}: no point outside the support"


def test_mvn_tests_calibrated_under_null() -> None:
    rng = np.random.default_rng(123)
    pvals = {"mean": [], "covariance": [], "mahalanobis_ks": []}
    for d in (1, 3, 20):
        S = spd(rng, d)
        for _ in range(30):
            X = _sample_mvn(np.zeros(d), S, p6.MVN_N, rng)
            for k, v in p6.mvn_tests(X, np.zeros(d), S).items():
                pvals[k].append(v)
    for k in ("mean", "covariance"):  # exact / asymptotic p-values are ~ U(0, 1) under H0
        assert scipy.stats.kstest(pvals[k], "uniform").pvalue > 1e-3, k
    # The DKW bound is conservative: P(bound < t) ≤ t, so few small values.
    assert np.mean(np.array(pvals["mahalanobis_ks"]) < 0.05) <= 0.1


def test_covariance_lr_bartlett_mean_matches_chi2() -> None:
    d, n = 20, p6.MVN_N
    W = scipy.stats.wishart(df=n, scale=np.eye(d)).rvs(size=400, random_state=7) / n
    lam = n * (np.trace(W, axis1=1, axis2=2) - np.linalg.slogdet(W)[1] - d)
    lam /= 1.0 + (2 * d * d + 3 * d - 1) / (6.0 * n * (d + 1))
    f = d * (d + 1) / 2
    assert abs(lam.mean() - f) < 4 * np.sqrt(2 * f / 400)


# ---------------------------------------------------------------- (b) generators

REQUIRED_LABELS = {
    "probability.logsumexp": ["±1000", "some −∞", "all −∞", "empty 1-D", "empty reduction",
                              "axis=None", "axis=0", "integer dtype"],
    "probability.softmax": ["default axis", "axis=0", "±1000", "−∞ entries", "all −∞",
                            "empty", "integer dtype"],
    "probability.posterior": ["unnormalised", "−1000", "+800", "zero prior", "impossible",
                              "zero evidence", "single", "integer dtype"],
    "probability.marginal": ["axis=0", "axis=1", "3-D", "square", "axis=-1"],
    "probability.conditional": ["given_axis=0", "given_axis=1", "square", "NaN row",
                                "NaN column"],
    "probability.mvn_logpdf": ["D = 200", "overflows", "underflows", "D = 1", "N = 1", "far",
                               "integer dtype"],
    "probability.gauss_condition": ["2 | 3", "equal blocks", "1 | 3", "3 | 1", "non-contiguous",
                                    "at its mean", "integer dtype"],
    "probability.transformed_logpdf": ["affine", "det A < 0", "Y = X²", "U(−1, 1)", "m ≠ 0",
                                       "exp", "tanh", "outside"],
    "probability.sample_mvn": ["D = 1", "correlation", "D = 20", "integer dtype", "n = 1",
                               "n = 0", "ill-conditioned"],
    "probability.event_probs": ["overlapping", "dependent", "A ⊂ B", "disjoint", "B = Ω",
                                "B empty", "probability 0", "A empty", "integer dtype"],
    "probability.affine_moments": ["m < n", "m > n", "square", "1x5", "singular Σ", "A = 0",
                                   "A = I", "n = 1", "integer dtype"],
    "probability.gauss_marginal": ["unsorted", "k = 1", "k = D", "leading", "trailing",
                                   "integer dtype"],
    "probability.gauss_product": ["D = 1", "identical", "A = B", "scale mismatch", "distant",
                                  "D = 6", "diagonal", "integer dtype"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_generators_labelled(check_id: str) -> None:
    first = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in first)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    assert 5 <= len(first) <= 12
    for case in first:
        if "integer dtype" in case.label:
            assert np.asarray(case.args[0]).dtype.kind == "i" or np.asarray(
                case.args[1]).dtype.kind == "i"


def test_sample_mvn_rng_seeds_come_from_the_case_rng() -> None:
    seeds = [[c.args[3].params["seed"] for c in check_cases("probability.sample_mvn", s)]
             for s in (0, 0, 1)]
    assert seeds[0] == seeds[1] != seeds[2]
    assert all(c.args[3].factory == "rng" for c in check_cases("probability.sample_mvn"))
    assert sum(bool(c.context.get("statistical")) for c in
               check_cases("probability.sample_mvn")) == p6.MVN_STAT_CASES


# ---------------------------------------------------------------- (c) notebook


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    points = contentkit.graded_points(meta)
    # The introduction states the programming tasks' total; the points must add up to it.
    stated = re.search(r"programming tasks\s+are worth (\d+) points", nb.cells[0].source)
    assert stated is not None
    assert sum(v for k, v in points.items() if k.endswith("_test")) == int(stated.group(1))
    assert points["p_written_square"] == points["p_written_schur"] == 5
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                        r"((?:check\(\w+, \"probability\.\w+\"\)\n)+)### END HIDDEN TESTS$")
    for task in tasks(ASSIGNMENT):
        module = task.answer_cell
        cell = next(c for c, m in zip(nb.cells, meta, strict=True)
                    if m.get("grade_id") == f"{module}_test")
        match = hidden.search(cell.source)
        assert match, f"{module}_test: malformed hidden region"
        assert match.group(1) == "".join(f'check({f}, "{c}")\n' for f, c in task.functions)
        assert all(c == f"probability.{f}" for f, c in task.functions)
        assert cell.metadata["mml"] == {"unit": "probability"}
        assert "np.allclose" not in cell.source
        assert 2 <= points[f"{module}_test"] <= 4


# ---------------------------------------------------------------- (d) hostile outputs


def _target(output: Any) -> int | None:
    """Index of the last array output of a tuple (None for one array, -1 for all scalars)."""
    if isinstance(output, np.ndarray):
        return None
    arrays = [i for i, v in enumerate(output) if isinstance(v, np.ndarray) and v.ndim > 0]
    return arrays[-1] if arrays else -1


def _replace_last_array(output: Any, fn: Callable[[np.ndarray], Any]) -> Any:
    index = _target(output)
    if index is None:
        return fn(output)
    items = list(output)
    items[index] = fn(np.asarray(items[index]))
    return tuple(items)


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = a.astype(float)
    out.flat[0] = np.nan
    return out


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _replace_last_array(out, lambda a: a[..., None]),
    "extra row": lambda out: _replace_last_array(out, lambda a: np.concatenate([a, a[:1]])),
    "complex dtype": lambda out: _replace_last_array(out, lambda a: a + 1j),
    "object dtype": lambda out: _replace_last_array(out, lambda a: a.astype(object)),
    "NaN entry": lambda out: _replace_last_array(out, _with_nan),
    "wrong tuple length": lambda out: (out, out) if isinstance(out, np.ndarray) else out[:-1],
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(check_id: str, attack: str) -> None:
    spec = get_check(check_id)
    tested = 0
    scalars_only = check_id.endswith("event_probs")  # (p_union, p_given): two floats
    if scalars_only and attack in ("extra dimension", "extra row"):
        pytest.skip("a size-1 array is an accepted float (as_float); no array to grow")
    for case in check_cases(check_id):
        output = ref_output(spec, case)
        index = _target(output)
        target = np.asarray(output if index is None else output[index])
        if (target.ndim == 0 and not scalars_only) or target.size == 0 or not np.all(
                np.isfinite(target)):
            continue
        tested += 1
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message
    assert tested >= (1 if check_id.endswith("transformed_logpdf") else 2)


# ---------------------------------------------------------------- P6 power

POWER_SEEDS = range(20)


def test_sample_mvn_power() -> None:
    """Correct sampler never fails; the three planted covariance bugs always do (20 seeds).

    The 1% scale error is reported, not required (docstring of
    graders/content/ps5_probability/p6_sample_mvn.py:
    294/300 over seeds 0–299, almost all from the D = 20 case).
    """
    spec = get_check("probability.sample_mvn")
    caught = dict.fromkeys(("ok", "L_transpose", "sigma_z", "diagonal", "scale_1pct"), 0)
    for seed in POWER_SEEDS:
        cases = spec.cases(case_rng(seed, spec.id))
        for kind in caught:
            outputs = [_sample_mvn(*(materialise(a) for a in c.args), kind=kind) for c in cases]
            caught[kind] += any(not spec.decide(c, out).passed
                                for c, out in zip(cases, outputs, strict=True))
    n = len(POWER_SEEDS)
    assert caught["ok"] == 0
    assert caught["L_transpose"] == caught["sigma_z"] == caught["diagonal"] == n
    assert caught["scale_1pct"] >= n // 2, caught


# ---------------------------------------------------------------- P7–P10 references


def test_ref_event_probs_against_exact_rational_sums() -> None:
    """P7 against exact sums over the outcomes in rationals (``Fraction`` of each float p),
    and the product rule both ways: P(A | B)P(B) = P(B | A)P(A) = P(A ∩ B)."""
    for seed in SEEDS:
        for case in check_cases("probability.event_probs", seed):
            p, A, B = case.args
            exact = [Fraction(float(v)) for v in np.asarray(p)]
            a = {i for i, x in enumerate(A) if x}
            b = {i for i, x in enumerate(B) if x}

            def prob(event: set[int], weights: list[Fraction] = exact) -> Fraction:
                return sum((weights[i] for i in event), Fraction(0))

            union, given = p7.reference(p, A, B)
            tol_union, tol_given = p7.tolerances(p, B)
            assert abs(union - float(prob(a | b))) <= tol_union / 10
            if prob(b) == 0:
                assert np.isnan(given)
                continue
            assert abs(given - float(prob(a & b) / prob(b))) <= tol_given / 10
            if prob(a) > 0:
                assert float(abs(prob(a & b) / prob(a) * prob(a) - Fraction(given) * prob(b))) \
                    <= 1e-13
            assert tol_given <= 1e-9  # far below the planted mistakes' differences (≥ 1e-3)
    dice = next(c for c in check_cases("probability.event_probs") if "dice" in c.label)
    # B = first die ≥ 4: P(B) = 0.15 + 0.2 + 0.3, and A, B are dependent.
    union, given = p7.reference(*dice.args)
    p_a = float(np.asarray(dice.args[0])[np.asarray(dice.args[1])].sum())
    assert abs(given - p_a) > 0.1


def _sigma_points(mu: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
    """2n equally weighted points μ ± √n·ℓ_j (ℓ_j the columns of a square root of Σ), whose
    mean is μ and whose covariance (1/(2n) Σ) is exactly Σ in exact arithmetic."""
    w, V = np.linalg.eigh(Sigma)
    L = V * np.sqrt(np.clip(w, 0.0, None))
    n = len(mu)
    return np.concatenate([mu + np.sqrt(n) * L.T, mu - np.sqrt(n) * L.T])


def test_ref_affine_moments_against_enumerated_sigma_points() -> None:
    """P8 against explicit enumeration of a discrete distribution with the same μ and Σ:
    E[Ax + b] and Cov[Ax + b] depend only on μ and Σ, so transforming the points and
    averaging over them must give the reference's moments."""
    for seed in SEEDS:
        for case in check_cases("probability.affine_moments", seed):
            A, b, mu, S = (np.asarray(v, float) for v in case.args)
            y = _sigma_points(mu, S) @ A.T + b
            mean = y.mean(axis=0)
            cov = (y - mean).T @ (y - mean) / len(y)
            m_ref, s_ref = p8.reference(A, b, mu, S)
            tol_m, tol_s = p8.allowances(A, b, mu, S)
            scale = max(1.0, float(np.abs(A).max()) ** 2 * float(np.abs(S).max()))
            np.testing.assert_allclose(m_ref, mean, rtol=0, atol=1e-12 * scale)
            np.testing.assert_allclose(s_ref, cov, rtol=0, atol=1e-12 * scale)
            assert tol_m <= 1e-11 * scale and tol_s <= 1e-11 * scale


def test_ref_gauss_marginal_against_precision_schur_complement_and_quadrature() -> None:
    """P9 against the precision form: the marginal covariance of x_a is the inverse of the
    Schur complement Λ_aa − Λ_ab Λ_bb⁻¹ Λ_ba of Λ = Σ⁻¹ (a different algorithm); and on a
    3-D example, its density against integrating the joint density over x_1 numerically."""
    for seed in SEEDS:
        for case in check_cases("probability.gauss_marginal", seed):
            mu, S = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
            a = np.asarray(case.args[2])
            b = np.setdiff1d(np.arange(len(mu)), a)
            lam = np.linalg.inv(S)
            schur = lam[np.ix_(a, a)]
            if len(b):
                schur = schur - lam[np.ix_(a, b)] @ np.linalg.solve(lam[np.ix_(b, b)],
                                                                    lam[np.ix_(b, a)])
            m, C = p9.reference(mu, S, a)
            np.testing.assert_allclose(C, np.linalg.inv(schur), rtol=1e-10, atol=1e-12)
            np.testing.assert_array_equal(m, mu[a])
    mu3 = np.array([0.5, -1.0, 2.0])
    S3 = np.array([[2.0, 0.6, 0.3], [0.6, 1.0, -0.2], [0.3, -0.2, 1.5]])
    m, C = p9.reference(mu3, S3, np.array([2, 0]))
    joint = scipy.stats.multivariate_normal(mu3, S3)
    marginal = scipy.stats.multivariate_normal(m, C)
    for x2, x0 in [(2.0, 0.5), (1.0, -1.0), (3.5, 2.0)]:
        integral, err = scipy.integrate.quad(lambda x1, x0=x0, x2=x2: joint.pdf([x0, x1, x2]),
                                             -np.inf, np.inf, epsabs=1e-13, epsrel=1e-11)
        assert abs(integral - marginal.pdf([x2, x0])) <= 1e-10 + 10 * err


def test_ref_gauss_product_pointwise_identity_with_scipy() -> None:
    """P10: log N(x|a,A) + log N(x|b,B) = log z + log N(x|m,C) at points x around both
    means, each density from ``scipy.stats``; and z = N(a | b, A + B) from scipy too."""
    rng = np.random.default_rng(5)
    for seed in SEEDS:
        for case in check_cases("probability.gauss_product", seed):
            a, A, b, B = (np.asarray(v, float) for v in case.args)
            m, C, log_z = p10.reference(a, A, b, B)
            assert np.all(np.linalg.eigvalsh(C) > 0)
            lz = scipy.stats.multivariate_normal(b, A + B).logpdf(a)
            assert abs(log_z - lz) <= 1e-9 * (1 + abs(lz))
            for x in (a, b, m, m + rng.standard_normal(len(a))):
                lhs = (scipy.stats.multivariate_normal(a, A).logpdf(x)
                       + scipy.stats.multivariate_normal(b, B).logpdf(x))
                rhs = log_z + scipy.stats.multivariate_normal(m, C).logpdf(x)
                assert abs(lhs - rhs) <= 1e-9 * (1 + abs(lhs))
            tol_m, tol_c, tol_z = p10.allowances(a, A, b, B)
            assert tol_c <= 1e-10 * float(np.abs(A).max() + np.abs(B).max())
            assert tol_m <= 1e-10 * float(1 + np.abs(a).max() + np.abs(b).max())
            assert tol_z <= 1e-10 * (1 + abs(log_z))
