"""Unit 5 — Probability: references, judges and registrations of tasks P1–P6.

Registers nine checks at import (ids ``probability.<function>``), following
SYLLABUS.md "Unit 5 — Probability" and rules R1–R7:

* P1 ``logsumexp(a, axis=None)`` and ``softmax(a, axis=-1)``: compared in log space
  (``close_log``: the −∞ and NaN patterns must match exactly, finite entries to an
  absolute tolerance). ``logsumexp`` of an empty or all −∞ reduction is −∞; a softmax
  slice whose entries are all −∞ is NaN (no distribution), an empty input gives an
  empty output.
* P2 ``posterior(log_prior, log_lik)`` returns the *log* posterior (prior need not be
  normalised; NaN everywhere when the evidence is zero); ``marginal(P, axis)`` is the
  1-D marginal of the variable on ``axis``; ``conditional(P, given_axis)`` divides each
  slice along ``given_axis`` by its total (NaN for a zero-probability slice).
* P3 ``mvn_logpdf(X, mu, Sigma) -> (N,)``, atol 1e-8 in log space, with D = 200 cases
  where ``det Σ`` over- or underflows and the density underflows.
* P4 ``gauss_condition(mu, Sigma, a, x_b) -> (m, C)``, a sorted, b its complement.
* P5 ``transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y)``: the functions are
  built in the sandbox by ``graders/runtime/factories/probability.py``; ``g_inv``
  returns all K branches ``(K, M, D)`` (K = 2 for Y = X²), so the answer is the
  log-sum-exp over branches. Compared with the analytic density in log space, plus a
  quadrature of the returned density against the reference's.
* P6 ``sample_mvn(mu, Sigma, n, rng) -> (n, D)``: statistical, see below.

Deviation: the syllabus lists "det instead of |det|" among P5's catches, but the
fixed signature hands the student ``log|det ∂g⁻¹/∂y|`` ready-made, so that mistake
cannot be made inside ``transformed_logpdf``. The affine cases still use det A < 0,
the public checks a negative slope, and derivation (a) asks for the absolute value
explicitly (a deduction for omitting it).

**P6 statistical test.** Rows are whitened with the known parameters,
``z_i = L⁻¹(x_i − μ)`` (Σ = LLᵀ); under H0 they are i.i.d. N(0, I_D). Three tests, each
at level α₁ = 10⁻⁶ / (3 · 6) (Bonferroni over the 3 tests of the 6 statistical cases),
so the total false-failure probability of the check is ≤ 10⁻⁶ for any grading seed:

1. mean: ``n‖z̄‖² ~ χ²_D`` exactly;
2. covariance likelihood ratio with known mean, ``λ = n(tr S − log det S − D)`` with
   ``S = ZᵀZ/n``, Bartlett-corrected by ``1 + (2D² + 3D − 1)/(6n(D + 1))``, against
   ``χ²_{D(D+1)/2}`` (asymptotic; the correction makes the error O(n⁻²), n = 20,000);
3. Mahalanobis KS: ``‖z_i‖² ~ χ²_D``; the KS distance ``D_n`` of their χ² CDF values
   from U(0, 1) is rejected when the DKW–Massart bound ``2exp(−2nD_n²) < α₁``, a bound
   valid for every n (conservative, exact mean test, so only test 2 is asymptotic).

Power (a wrong answer is caught when some case fails), measured over grading seeds
0–299 at N = 20,000 (``tests/test_probability.py::test_sample_mvn_power`` repeats it
on seeds 0–19): correct sampler 0/300 false failures; μ + Lᵀz, μ + Σz and
diagonal-only each caught 300/300 (the mean test never catches them; the covariance
LR and the Mahalanobis KS tests do, on every correlated case); a 1% scale error
(1.01·L z) caught 294/300. Its power comes from the D = 20 case (292/300): in the
cases with D ≤ 5 it is caught only 1–9 times in 300 each (the syllabus's 5/300),
because the LR signal n·D·(c² − 1 − log c²) ≈ 4D is buried in χ²_{D(D+1)/2} noise
at small D. It is therefore reported here, not planted as a wrong answer. A
moment-matched uniform sampler (right μ and Σ, wrong shape) is caught only by the
Mahalanobis KS test. Marginal-only KS tests would miss μ + Lᵀz whenever LᵀL and
LLᵀ have similar diagonals; the whitened joint tests do not.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats

from graders import probability_generators as gen
from graders.checks import Case, CheckSpec, register
from graders.compare import EPS, as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = [
    "mvn_tests",
    "ref_conditional",
    "ref_gauss_condition",
    "ref_logsumexp",
    "ref_marginal",
    "ref_mvn_logpdf",
    "ref_posterior",
    "ref_softmax",
    "ref_transformed_logpdf",
]

ALPHA_TOTAL = 1e-6


# ---------------------------------------------------------------- references


def ref_logsumexp(a: Any, axis: int | None = None) -> np.ndarray:
    """Reference P1: ``scipy.special.logsumexp`` (−∞ for empty and all −∞ reductions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(scipy.special.logsumexp(_f(a), axis=axis))


def ref_softmax(a: Any, axis: int = -1) -> np.ndarray:
    """Reference P1: ``exp(a − logsumexp(a))``; NaN on all −∞ slices, empty stays empty."""
    x = _f(a)
    if x.size == 0:
        return x.copy()
    lse = ref_logsumexp(x, axis=axis)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.exp(x - np.expand_dims(lse, axis)))


def ref_posterior(log_prior: Any, log_lik: Any) -> np.ndarray:
    """Reference P2: ``log_prior + log_lik − logsumexp(log_prior + log_lik)``."""
    joint = _f(log_prior) + _f(log_lik)
    with np.errstate(invalid="ignore"):
        return np.asarray(joint - ref_logsumexp(joint))


def ref_marginal(P: Any, axis: int) -> np.ndarray:
    """Reference P2: sum over every axis except ``axis`` (a 1-D pmf)."""
    p = _f(P)
    others = tuple(i for i in range(p.ndim) if i != axis % p.ndim)
    return np.asarray(p.sum(axis=others))


def ref_conditional(P: Any, given_axis: int) -> np.ndarray:
    """Reference P2: each slice along ``given_axis`` divided by its total (NaN if 0)."""
    p = _f(P)
    total = p.sum(axis=1 - given_axis % 2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, p / np.where(total > 0, total, 1.0), np.nan))


def ref_mvn_logpdf(X: Any, mu: Any, Sigma: Any) -> np.ndarray:
    """Reference P3: Cholesky, ``−½(D log 2π + 2Σ log L_ii + ‖L⁻¹(x − μ)‖²)``."""
    x, m, s = _f(X), _f(mu), _f(Sigma)
    chol = scipy.linalg.cholesky(s, lower=True)
    white = scipy.linalg.solve_triangular(chol, (x - m).T, lower=True)
    logdet = 2.0 * float(np.sum(np.log(np.diag(chol))))
    return np.asarray(-0.5 * (len(m) * np.log(2 * np.pi) + logdet + np.sum(white**2, axis=0)))


def ref_gauss_condition(mu: Any, Sigma: Any, a: Any, x_b: Any
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Reference P4: Schur complement with a Cholesky solve of Σ_bb."""
    m, s = _f(mu), _f(Sigma)
    ia = np.asarray(a, dtype=np.int64)
    ib = np.setdiff1d(np.arange(len(m)), ia)
    s_ab = s[np.ix_(ia, ib)]
    factor = scipy.linalg.cho_factor(s[np.ix_(ib, ib)], lower=True)
    mean = m[ia] + s_ab @ scipy.linalg.cho_solve(factor, _f(x_b) - m[ib])
    cov = s[np.ix_(ia, ia)] - s_ab @ scipy.linalg.cho_solve(factor, s_ab.T)
    return np.asarray(mean), np.asarray((cov + cov.T) / 2)


def _norm_logpdf(x: np.ndarray, m: float, s: float) -> np.ndarray:
    return np.asarray(scipy.stats.norm.logpdf(x, loc=m, scale=s))


def ref_transformed_logpdf(case: Case) -> np.ndarray:
    """Reference P5: the analytic log density of Y for the case's ``context["kind"]``."""
    ctx = case.context
    y = _f(case.args[3])
    kind = ctx["kind"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "affine_gauss":
            A, b = _f(ctx["A"]), _f(ctx["b"])
            return np.asarray(scipy.stats.multivariate_normal.logpdf(
                y, mean=A @ _f(ctx["mu"]) + b, cov=A @ _f(ctx["cov"]) @ A.T))
        t = y[:, 0]
        if kind == "affine_uniform":  # Y = a X + b, a < 0, X ~ U(0, 1): U(b + a, b)
            lo, hi = ctx["shift"] + ctx["slope"], ctx["shift"]
            return np.where((t > lo) & (t < hi), -np.log(hi - lo), -np.inf)
        pos = np.where(t > 0, t, 1.0)
        if kind == "square_uniform":  # p(y) = 1/(2√y) on (0, 1)
            return np.where((t > 0) & (t < 1), -np.log(2.0) - 0.5 * np.log(pos), -np.inf)
        if kind == "square_gauss":  # p(y) = [φ(√y) + φ(−√y)] / (2√y)
            r = np.sqrt(pos)
            both = np.logaddexp(_norm_logpdf(r, ctx["m"], ctx["s"]),
                                _norm_logpdf(-r, ctx["m"], ctx["s"]))
            return np.where(t > 0, both - np.log(2.0 * r), -np.inf)
        if kind == "lognormal":
            return np.where(t > 0, scipy.stats.lognorm.logpdf(
                pos, s=ctx["s"], scale=np.exp(ctx["m"])), -np.inf)
        if kind == "tanh":  # p(y) = φ(artanh y) / (1 − y²)
            inside = np.abs(t) < 1
            safe = np.where(inside, t, 0.0)
            val = _norm_logpdf(np.arctanh(safe), 0.0, 1.0) - np.log1p(-safe) - np.log1p(safe)
            return np.where(inside, val, -np.inf)
    raise ValueError(f"unknown transformed_logpdf case kind {kind!r}")


def mvn_tests(X: np.ndarray, mu: Any, Sigma: Any) -> dict[str, float]:
    """P6: p-values (KS: the DKW–Massart bound) of the three tests on whitened samples."""
    n, d = X.shape
    chol = scipy.linalg.cholesky(_f(Sigma), lower=True)
    # κ(L) ≤ 10² here, so whitening with the explicit inverse errs by ≲ 1e-13 relative.
    z = (X - _f(mu)) @ scipy.linalg.solve_triangular(chol, np.eye(d), lower=True).T
    mean_stat = n * float(np.sum(z.mean(axis=0) ** 2))
    s = z.T @ z / n
    sign, logdet = np.linalg.slogdet(s)
    lam = n * (float(np.trace(s)) - logdet - d) if sign > 0 else np.inf
    lam /= 1.0 + (2 * d * d + 3 * d - 1) / (6.0 * n * (d + 1))
    u = np.sort(scipy.special.gammainc(d / 2, np.einsum("ij,ij->i", z, z) / 2))  # χ²_D CDF
    grid = np.arange(1, n + 1) / n
    ks = float(max(np.max(grid - u), np.max(u - (grid - 1.0 / n))))
    return {"mean": float(scipy.stats.chi2.sf(mean_stat, d)),
            "covariance": float(scipy.stats.chi2.sf(lam, d * (d + 1) // 2)),
            "mahalanobis_ks": min(1.0, 2.0 * float(np.exp(-2.0 * n * ks * ks)))}


# ---------------------------------------------------------------- judges


def _close_log(out: Any, ref: np.ndarray, atol: float, name: str,
               nan_msg: str = "NaN where the result is defined") -> np.ndarray:
    """Compare in log space: NaN and ±∞ patterns exactly, finite entries to ``atol``."""
    if ref.ndim == 0:
        arr = as_array(out, name=name, finite=False)
        if arr.shape != ():
            raise Mismatch(f"{name}: expected a scalar (axis=None reduces every axis), "
                           f"got shape {arr.shape}")
    else:
        arr = as_array(out, name=name, shape=ref.shape, finite=False)
    if np.any(np.isnan(arr) & ~np.isnan(ref)):
        raise Mismatch(f"{name}: {nan_msg}")
    if np.any(np.isnan(ref) & ~np.isnan(arr)):
        raise Mismatch(f"{name}: expected NaN where the quantity is undefined (see the spec)")
    if np.any(np.isinf(arr) != np.isinf(ref)) or np.any(np.sign(arr[np.isinf(arr)])
                                                        != np.sign(ref[np.isinf(arr)])):
        raise Mismatch(f"{name}: ±∞ where the result is finite, or finite where it is −∞: "
                       "overflow/underflow of exp, or log of a zero probability?")
    fin = np.isfinite(ref)
    if np.any(np.abs(arr[fin] - ref[fin]) > atol):
        raise Mismatch(f"{name}: {int(np.sum(np.abs(arr[fin] - ref[fin]) > atol))} of "
                       f"{int(fin.sum())} finite entries differ from the reference beyond "
                       f"atol={atol:.1e}")
    return arr


def _log_atol(values: np.ndarray) -> float:
    """atol for a log-sum-exp of ``values``: 1e-12 + 16ε·max|finite value|.

    The max-shifted formula m + log Σ exp(aᵢ − m) rounds aᵢ − m with absolute error
    ≤ ε|aᵢ|, which exp turns into the same relative error; the sum adds ≤ nε ≤ 1e-14
    (n ≤ 60 here) and the final addition ε|m|. So |error| ≤ (2 max|aᵢ| + n)·ε ≈ 5e-13 at
    |a| = 1000: 16ε·max|a| (≥ 8× that) plus 1e-12 (syllabus) for O(1) values.
    """
    fin = values[np.isfinite(values)]
    return 1e-12 + 16 * EPS * (float(np.max(np.abs(fin))) if fin.size else 0.0)


def judge_logsumexp(case: Case, output: Any) -> str | None:
    """P1 logsumexp: log space, atol from :func:`_log_atol`."""
    a, axis = _f(case.args[0]), case.args[1]
    ref = ref_logsumexp(a, axis)
    _close_log(output, ref, _log_atol(a), "logsumexp",
               nan_msg="NaN: an all −∞ slice must give −∞ (not (−∞) − (−∞)), and large "
                       "entries must not overflow exp (subtract the maximum)")
    return None


def judge_softmax(case: Case, output: Any) -> str | None:
    """P1 softmax: probabilities to rtol 1e-9, atol 1e-15; NaN exactly on all −∞ slices."""
    a = _f(case.args[0])
    axis = case.args[1] if len(case.args) > 1 else -1
    ref = ref_softmax(a, axis)
    p = as_array(output, name="softmax", shape=ref.shape, finite=False)
    if np.any(np.isnan(p) & ~np.isnan(ref)) or np.any(np.isinf(p)):
        raise Mismatch("softmax: NaN or ∞ where probabilities are defined: overflow of exp? "
                       "(subtract the maximum of each slice first)")
    if np.any(np.isnan(ref) & ~np.isnan(p)):
        raise Mismatch("softmax: a slice whose entries are all −∞ has no distribution; the "
                       "spec asks for NaN there")
    # pᵢ = exp(aᵢ − lse) has relative error ≤ |error of lse| + 2ε ≤ 4e-12 (see _log_atol),
    # so rtol 1e-9 is 250× that; atol 1e-15 covers entries that underflow to 0 differently.
    fin = ~np.isnan(ref)
    if np.any(np.abs(p[fin] - ref[fin]) > 1e-15 + 1e-9 * ref[fin]):
        sums = np.sum(p, axis=axis)
        if np.any(np.abs(sums[~np.isnan(sums)] - 1.0) > 1e-9):
            raise Mismatch("softmax: the slices along the given axis do not sum to 1: "
                           "normalised along the wrong axis?")
        raise Mismatch("softmax: probabilities differ from the reference (wrong axis?)")
    return None


def judge_posterior(case: Case, output: Any) -> str | None:
    """P2 posterior: log space, −∞/NaN patterns exact, atol from :func:`_log_atol`."""
    joint = _f(case.args[0]) + _f(case.args[1])
    ref = ref_posterior(*case.args)
    out = _close_log(output, ref, _log_atol(joint), "log posterior",
                     nan_msg="NaN where the posterior is defined: exp underflow/overflow "
                             "in probability space? (normalise with a log-sum-exp)")
    if np.all(np.isfinite(ref) | np.isinf(ref)) and np.any(np.isfinite(ref)):
        total = float(np.sum(np.exp(out)))
        if abs(total - 1.0) > 1e-9:  # implied by the pointwise bound; a clearer message
            raise Mismatch("exp(log posterior) does not sum to 1: not normalised?")
    return None


def judge_marginal(case: Case, output: Any) -> str | None:
    """P2 marginal: 1-D, length P.shape[axis], atol 1e-13 (sums of ≤ 24 entries ≤ 1)."""
    P, axis = _f(case.args[0]), int(case.args[1])
    ref = ref_marginal(P, axis)
    out = as_array(output, name="marginal", ndim=None)
    if out.shape != ref.shape:
        raise Mismatch(f"marginal: expected a 1-D array of length P.shape[axis], got shape "
                       f"{out.shape}: summed over `axis` instead of over the other axes?")
    # Summing ≤ 24 probabilities (each ≤ 1) errs by ≤ 24ε ≈ 5e-15 in any order: atol 1e-13.
    if np.any(np.abs(out - ref) > 1e-13):
        raise Mismatch("marginal: wrong values: sum over every axis except `axis`")
    return None


def judge_conditional(case: Case, output: Any) -> str | None:
    """P2 conditional: NaN pattern exact, entries to 1e-13, slices sum to 1."""
    P, given = _f(case.args[0]), int(case.args[1])
    ref = ref_conditional(P, given)
    out = as_array(output, name="conditional", shape=ref.shape, finite=False)
    if np.any(np.isinf(out)):
        raise Mismatch("conditional: contains ∞")
    if np.any(np.isnan(out) != np.isnan(ref)):
        raise Mismatch("conditional: NaN pattern wrong: a zero-probability conditioning "
                       "event gives NaN for its whole slice, and only there")
    # p/Σp with ≤ 5 terms: relative error ≤ 6ε on values ≤ 1, so atol 1e-13.
    fin = ~np.isnan(ref)
    if np.any(np.abs(out[fin] - ref[fin]) > 1e-13):
        raise Mismatch("conditional: wrong values: each slice along given_axis (row for "
                       "given_axis=0, column for 1) must be divided by its own total")
    return None


def judge_mvn_logpdf(case: Case, output: Any) -> str | None:
    """P3: (N,) finite log densities to atol 1e-8."""
    ref = ref_mvn_logpdf(*case.args)
    out = as_array(output, name="log density", finite=False, shape=ref.shape)
    if not np.all(np.isfinite(out)):
        raise Mismatch("log density is −∞, ∞ or NaN: computing the density (or det Σ) in "
                       "probability space under/overflows; use log|Σ| = 2 Σ log L_ii")
    # Cholesky of κ ≤ 10 SPD matrices, D ≤ 200: log det errs by ≲ D²κε ≈ 1e-10, the
    # Mahalanobis term (≤ 2e4) by ≲ Dκε relative ≈ 1e-10; atol 1e-8 (syllabus) ≥ 50×.
    if np.any(np.abs(out - ref) > 1e-8):
        raise Mismatch("log density differs beyond atol 1e-8: a missing −½log|Σ| or "
                       "−(D/2)log 2π, or Σ in place of Σ⁻¹?")
    return None


def judge_gauss_condition(case: Case, output: Any) -> str | None:
    """P4: m and C to rtol 1e-8 / atol 1e-10·scale; C symmetric PSD."""
    m_ref, c_ref = ref_gauss_condition(*case.args)
    k = len(m_ref)
    m_out, c_out = as_tuple(output, 2, name="(m, C)")
    m = as_array(m_out, name="m", shape=(k,))
    C = as_array(c_out, name="C", shape=(k, k))
    # κ(Σ_bb) ≤ 10³ (AR case ≈ 40, else ≤ 10): solve errors ≲ κ·n·ε ≤ 1e-12 relative to
    # scale = max|μ|, |Σ|, |x_b| ≤ ~15, so atol 1e-10·scale and rtol 1e-8 (R2) hold easily.
    scale = max(1.0, *(float(np.max(np.abs(_f(v)))) for v in (case.args[0], case.args[1],
                                                               case.args[3])))
    if np.max(np.abs(C - C.T)) > 1e-10 * scale:
        raise Mismatch("C is not symmetric: Σ_ba used where Σ_ab belongs?")
    if np.any(np.abs(m - m_ref) > 1e-10 * scale + 1e-8 * np.abs(m_ref)):
        raise Mismatch("m is wrong: m = μ_a + Σ_ab Σ_bb⁻¹ (x_b − μ_b), with b the indices "
                       "not in a, in increasing order")
    if np.linalg.eigvalsh((C + C.T) / 2).min() < -1e-10 * scale:
        raise Mismatch("C is not positive semi-definite: sign error in the Schur complement?")
    if np.any(np.abs(C - c_ref) > 1e-10 * scale + 1e-8 * np.abs(c_ref)):
        raise Mismatch("C is wrong: C = Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba")
    return None


def judge_transformed_logpdf(case: Case, output: Any) -> str | None:
    """P5: quadrature against the reference's, then pointwise in log space."""
    ref = ref_transformed_logpdf(case)
    out = as_array(output, name="log p_Y", shape=ref.shape, finite=False)
    weights = case.context.get("quad_weights")
    if weights is not None and not np.any(np.isnan(out)):
        # Pointwise agreement to 1e-10 in log space gives relative 1e-10 on the sums.
        q_out = float(np.sum(_f(weights) * np.exp(np.minimum(out, 700.0))))
        q_ref = float(np.sum(_f(weights) * np.exp(ref)))
        if abs(q_out - q_ref) > 1e-8 * q_ref:
            raise Mismatch(f"the density does not integrate correctly (quadrature gives "
                           f"{q_out / q_ref:.3g}× the right mass): a missing or inverted "
                           "Jacobian term, or only one branch of a non-monotone map?")
    # The factories' log-densities round at ε·|value| (|value| ≤ 1e4 for the far points):
    # atol 1e-10 + 1e-12·|ref| leaves ≥ 100× margin; bugs shift by ≥ |log 2|/... ≥ 1e-2.
    atol = 1e-10 + 1e-12 * float(np.max(np.abs(ref[np.isfinite(ref)])))
    _close_log(out, ref, atol, "log p_Y",
               nan_msg="NaN: where y has no preimage every branch term is −∞ and the "
                       "log-sum-exp must be −∞ (np.logaddexp handles −∞)")
    return None


def judge_sample_mvn(case: Case, output: Any) -> str | None:
    """P6: shape (n, D), finite; statistical cases pass three Bonferroni-combined tests."""
    mu, Sigma, n = _f(case.args[0]), _f(case.args[1]), int(case.args[2])
    X = as_array(output, name="samples", shape=(n, len(mu)))
    if not case.context.get("statistical"):
        return None
    alpha = ALPHA_TOTAL / (3 * gen.MVN_STAT_CASES)
    pvals = mvn_tests(X, mu, Sigma)
    failed = [name for name, p in pvals.items() if p < alpha]
    if failed:
        raise Mismatch(f"samples are not N(μ, Σ): the {', '.join(failed)} test(s) reject at "
                       f"level {alpha:.1e} (false-failure probability ≤ 1e-6 for the whole "
                       "check): x = μ + L z with Σ = L Lᵀ (rows: mu + z @ L.T)?")
    return None


# ---------------------------------------------------------------- registration

_SPECS: list[tuple[str, Callable[..., list[Case]], Callable[[Case, Any], str | None]]] = [
    ("logsumexp", gen.cases_logsumexp, judge_logsumexp),
    ("softmax", gen.cases_softmax, judge_softmax),
    ("posterior", gen.cases_posterior, judge_posterior),
    ("marginal", gen.cases_marginal, judge_marginal),
    ("conditional", gen.cases_conditional, judge_conditional),
    ("mvn_logpdf", gen.cases_mvn_logpdf, judge_mvn_logpdf),
    ("gauss_condition", gen.cases_gauss_condition, judge_gauss_condition),
    ("transformed_logpdf", gen.cases_transformed_logpdf, judge_transformed_logpdf),
    ("sample_mvn", gen.cases_sample_mvn, judge_sample_mvn),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"probability.{_name}", unit="probability", function=_name,
                       cases=_cases, judge=_judge))
