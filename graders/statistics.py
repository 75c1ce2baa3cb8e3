"""Unit 6 — Statistics: references, hidden inputs and judges of tasks S1–S8.

Registers nine checks at import (ids ``statistics.<function>``), following
SYLLABUS.md "Unit 6 — Statistics" and rules R1–R7:

* ``gaussian_mle(X) -> (mu, Sigma)``: data (N, D), covariance with 1/N.
* ``linreg_fit(Phi, y) -> theta``: least squares, the minimum-norm solution when Φ is
  rank-deficient; fitted values Φθ are compared first, then θ (unique by the spec).
* ``ridge_map(Phi, y, sigma2, alpha2) -> theta``: λ = σ²/α², no 1/N, intercept penalised.
* ``blr_posterior(Phi, y, sigma2, alpha2) -> (mN, SN)`` with prior N(0, α²I) and
  ``blr_predict(Phi_star, mN, SN, sigma2) -> (mean, var)``, var = φᵀSNφ + σ².
* ``beta_binom(a, b, k, n) -> (a_post, b_post, mean, mode, p_next)``.
* ``ridge_bias_var(X, theta, sigma2, lam, x_star) -> (bias, variance)``, analytic.
* ``logreg_erm(X, y, lam) -> theta``: graded by ‖∇R(θ)‖ and R(θ), never θ's digits.
* ``cv_risk(fit, predict, X, y, folds) -> risk``: squared error averaged per point.

The references (``ref_*``) are exported for the tests. Each judge first coerces the
untrusted output with :mod:`graders.compare`, then compares; a failure message names
what is wrong (and the bug it looks like) but never a hidden value.

Deviations and clarifications of the syllabus, also stated in the notebook:

* S4: the syllabus leaves the prior of ``blr_posterior(...)`` open; it is N(0, α²I)
  with the same (Phi, y, sigma2, alpha2) arguments as S3, so mN is the ridge solution.
* S5: the mode is 0 or 1 on the boundary where the density is monotone
  (a' ≤ 1 ≤ b' or b' ≤ 1 ≤ a', not both 1) and NaN where it is not unique
  (a' = b' = 1, or a' < 1 and b' < 1).
* S6: x* is one point of shape (D,), and the function returns the pair (bias, variance).
* S7: R(θ) = (1/N) Σ [log(1 + exp(xᵢᵀθ)) − yᵢ xᵢᵀθ] + (λ/2)‖θ‖², labels in {0, 1},
  no separate intercept.
* S8: squared error, averaged over all N points (not over folds); the folds partition
  range(N) and have unequal sizes in the hidden cases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.linalg

from graders import statistics_generators as gen
from graders.checks import Case, CheckSpec, FunctionSpec, register
from graders.compare import EPS, as_array, as_float, as_tuple
from graders.compare import trusted_array as _f
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = [
    "logreg_grad",
    "logreg_grad_floor",
    "logreg_objective",
    "logreg_objective_floor",
    "ref_beta_binom",
    "ref_blr_posterior",
    "ref_blr_predict",
    "ref_cv_risk",
    "ref_gaussian_mle",
    "ref_linreg_fit",
    "ref_logreg_erm",
    "ref_ridge_bias_var",
    "ref_ridge_map",
]

TINY = float(np.finfo(np.float64).tiny)


def _near(x: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> bool:
    """Normwise closeness ``‖x − ref‖ ≤ rtol‖ref‖ + atol`` (same shapes)."""
    return bool(np.linalg.norm(x - ref) <= rtol * np.linalg.norm(ref) + atol)


# ---------------------------------------------------------------- references


def ref_gaussian_mle(X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference S1: sample mean and the 1/N (maximum-likelihood) covariance of X (N, D)."""
    x = _f(X)
    mu = x.mean(axis=0)
    xc = x - mu
    return mu, xc.T @ xc / x.shape[0]


def ref_linreg_fit(Phi: Any, y: Any) -> np.ndarray:
    """Reference S2: minimum-norm least squares, singular values ≤ 1e-10·σ₁ taken as zero."""
    return np.asarray(scipy.linalg.lstsq(_f(Phi), _f(y), cond=1e-10)[0])


def ref_ridge_map(Phi: Any, y: Any, sigma2: float, alpha2: float) -> np.ndarray:
    """Reference S3: θ = (ΦᵀΦ + λI)⁻¹Φᵀy with λ = σ²/α² (Cholesky solve)."""
    phi = _f(Phi)
    lam = float(sigma2) / float(alpha2)
    gram = phi.T @ phi + lam * np.eye(phi.shape[1])
    return np.asarray(scipy.linalg.solve(gram, phi.T @ _f(y), assume_a="pos"))


def ref_blr_posterior(Phi: Any, y: Any, sigma2: float,
                      alpha2: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference S4: SN = (ΦᵀΦ/σ² + I/α²)⁻¹, mN = SN Φᵀy/σ² (prior N(0, α²I))."""
    phi, s2 = _f(Phi), float(sigma2)
    prec = phi.T @ phi / s2 + np.eye(phi.shape[1]) / float(alpha2)
    cho = scipy.linalg.cho_factor(prec)
    SN = scipy.linalg.cho_solve(cho, np.eye(phi.shape[1]))
    return np.asarray(scipy.linalg.cho_solve(cho, phi.T @ _f(y) / s2)), (SN + SN.T) / 2


def ref_blr_predict(Phi_star: Any, mN: Any, SN: Any,
                    sigma2: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference S4: mean = Φ* mN, var = diag(Φ* SN Φ*ᵀ) + σ² (one entry per row of Φ*)."""
    ps = _f(Phi_star)
    return ps @ _f(mN), np.einsum("md,de,me->m", ps, _f(SN), ps) + float(sigma2)


def ref_beta_binom(a: float, b: float, k: int, n: int) -> tuple[float, float, float, float, float]:
    """Reference S5: Beta(a, b) prior, k successes in n trials; mode per the spec's rule."""
    ap, bp = float(a) + k, float(b) + (n - k)
    mean = ap / (ap + bp)
    if ap > 1 and bp > 1:
        mode = (ap - 1) / (ap + bp - 2)
    elif (ap == 1 and bp == 1) or (ap < 1 and bp < 1):
        mode = float("nan")
    elif ap <= 1 <= bp:
        mode = 0.0
    else:  # bp ≤ 1 ≤ ap
        mode = 1.0
    return ap, bp, mean, mode, mean


def ref_ridge_bias_var(X: Any, theta: Any, sigma2: float, lam: float,
                       x_star: Any) -> tuple[float, float]:
    """Reference S6: bias = −λ x*ᵀA⁻¹θ and var = σ²‖X A⁻¹x*‖², A = XᵀX + λI."""
    x, xs = _f(X), _f(x_star)
    A = x.T @ x + float(lam) * np.eye(x.shape[1])
    u = scipy.linalg.solve(A, xs, assume_a="sym")  # A⁻¹x* (A is symmetric)
    return float(-float(lam) * (u @ _f(theta))), float(float(sigma2) * np.sum((x @ u) ** 2))


def logreg_objective(theta: Any, X: Any, y: Any, lam: float) -> float:
    """R(θ) = mean(log(1 + exp(Xθ)) − y·Xθ) + λ/2‖θ‖², evaluated stably."""
    th = _f(theta)
    z = _f(X) @ th
    return float(np.mean(np.logaddexp(0.0, z) - _f(y) * z) + 0.5 * float(lam) * (th @ th))


def logreg_grad(theta: Any, X: Any, y: Any, lam: float) -> np.ndarray:
    """∇R(θ) = Xᵀ(σ(Xθ) − y)/N + λθ."""
    x, th = _f(X), _f(theta)
    p = 0.5 * (1.0 + np.tanh(0.5 * (x @ th)))  # σ(z) without overflow
    return np.asarray(x.T @ (p - _f(y)) / x.shape[0] + float(lam) * th)


def logreg_grad_floor(theta: Any, X: Any, lam: float) -> float:
    """A bound on the rounding error of :func:`logreg_grad` at θ (its noise floor).

    Each gradient entry is a length-N dot product of x_ij with r_i = σ(z_i) − y_i
    (|r_i| ≤ 1), divided by N, plus λθ_j. A dot product of length N errs by at most
    γ_N·Σ|x_ij||r_i| ≤ N·ε·Σ|x_ij|; r_i itself inherits z_i = x_i·θ's error
    γ_D·Σ_j|x_ij||θ_j| through σ' ≤ 1/4. So entry j errs by at most
    (N + D)·ε·(Σ_i |x_ij|(1 + ¼|x_i||θ|))/N + ε·λ|θ_j|, and the vector by its 2-norm.
    """
    x, th = np.abs(_f(X)), np.abs(_f(theta))
    n, d = x.shape
    per_entry = x.T @ (1.0 + 0.25 * (x @ th)) / n
    return float((n + d) * EPS * (np.linalg.norm(per_entry) + float(lam) * np.linalg.norm(th)))


def logreg_objective_floor(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    """A bound on the rounding error of :func:`logreg_objective` at θ.

    Each of the N terms log(1 + e^z) − y·z has magnitude ≤ log(1 + e^|z|) + |y||z| and errs
    by a few ε of it plus z's error (≤ D·ε·|x||θ|); the mean of N of them adds γ_N. So
    (N + D + 4)·ε times the mean magnitude, plus the same relative error of λ/2‖θ‖².
    """
    z = np.abs(X) @ np.abs(theta)
    n, d = X.shape
    size = np.mean(np.logaddexp(0.0, z) + np.abs(y) * z) + 0.5 * lam * float(theta @ theta)
    return float((n + d + 4) * EPS * size)


def ref_logreg_erm(X: Any, y: Any, lam: float) -> np.ndarray:
    """Reference S7: damped Newton from θ = 0 down to the gradient's rounding floor.

    R is λ-strongly convex, so Newton converges quadratically once near θ*. The Armijo test
    allows the objective's own rounding error (:func:`logreg_objective_floor`): without it, near θ*
    the true decrease falls below R's rounding and the line search would shrink the step to
    nothing, leaving ‖∇R‖ far above its floor. The loop stops once ‖∇R‖ is within twice
    :func:`logreg_grad_floor` (no computed gradient can be told from zero below that).
    """
    x, yv, lam_f = _f(X), _f(y), float(lam)
    n, d = x.shape
    th = np.zeros(d)
    for _ in range(200):
        g = logreg_grad(th, x, yv, lam_f)
        if np.linalg.norm(g) <= 2 * logreg_grad_floor(th, x, lam_f):
            break
        p = 0.5 * (1.0 + np.tanh(0.5 * (x @ th)))
        H = (x.T * (p * (1 - p))) @ x / n + lam_f * np.eye(d)
        step = scipy.linalg.solve(H, g, assume_a="pos")
        t, r0 = 1.0, logreg_objective(th, x, yv, lam_f)
        slack = 2 * logreg_objective_floor(th, x, yv, lam_f)
        while logreg_objective(th - t * step, x, yv, lam_f) > r0 - 1e-4 * t * (g @ step) + slack \
                and t > 1e-10:
            t /= 2
        th = th - t * step
    return th


def _folds(folds: Sequence[Any]) -> list[np.ndarray]:
    return [np.asarray(f, dtype=np.int64) for f in folds]


def ref_cv_risk(fit: Callable[..., Any], predict: Callable[..., Any], X: Any, y: Any,
                folds: Sequence[Any], per_fold: bool = False, leak: bool = False) -> float:
    """Reference S8: mean over all points of (y − ŷ)², ŷ from a model trained without the fold.

    ``per_fold`` (mean of the fold means) and ``leak`` (train on everything) give the two
    planted mistakes' values, which the judge uses for its diagnostics.
    """
    x, yv = _f(X), _f(y)
    n = len(yv)
    sq, means = np.zeros(n), []
    for test in _folds(folds):
        train = np.arange(n) if leak else np.setdiff1d(np.arange(n), test)
        model = fit(x[train], yv[train])
        err = (yv[test] - np.asarray(predict(model, x[test]), dtype=np.float64)) ** 2
        sq[test] = err
        means.append(err.mean())
    return float(np.mean(means)) if per_fold else float(sq.mean())


# ---------------------------------------------------------------- judges


def judge_gaussian_mle(case: Case, output: Any) -> str | None:
    """S1: mu (D,) and Sigma (D, D) with 1/N, to rtol 1e-8 and atol 1e-10·max|X|²."""
    X = _f(case.args[0])
    N, D = X.shape
    mu_ref, S_ref = ref_gaussian_mle(X)
    mu_out, s_out = as_tuple(output, 2, name="(mu, Sigma)")
    mu = as_array(mu_out, name="mu", ndim=1)
    if mu.shape != (D,):
        raise Mismatch("mu must have shape (D,), one entry per column of X: the data "
                       "layout is (N, D), so average over axis 0")
    S = as_array(s_out, name="Sigma", ndim=2)
    if S.shape != (D, D):
        raise Mismatch("Sigma must have shape (D, D): the rows of X are the data points "
                       "(np.cov treats rows as variables unless rowvar=False)")
    # Means and (co)variances of N ≤ 12 rows: summation error ≤ N·ε·max|X|(²) ≈ 3e-15 relative
    # to the data's scale, even for the one-pass E[xxᵀ] − μμᵀ with |X| ≤ 10; atol 1e-10·scale.
    scale = max(float(np.max(np.abs(X))), 1.0)
    if np.max(np.abs(mu - mu_ref)) > 1e-10 * scale + 1e-8 * np.max(np.abs(mu_ref)):
        raise Mismatch("mu is not the sample mean of the rows of X")
    atol = 1e-10 * scale**2
    if np.all(np.abs(S - S_ref) <= atol + 1e-8 * np.abs(S_ref)):
        return None
    if N > 1 and np.all(np.abs(S - S_ref * N / (N - 1)) <= atol + 1e-8 * np.abs(S_ref)):
        raise Mismatch("Sigma uses 1/(N−1) (np.cov's default); the maximum-likelihood "
                       "estimate divides by N")
    if np.all(np.abs(S - X.T @ X / N) <= atol + 1e-8 * np.abs(X.T @ X / N)):
        raise Mismatch("Sigma is the uncentred second moment XᵀX/N: subtract the mean first")
    raise Mismatch("Sigma is not the 1/N sample covariance of the rows of X")


def judge_linreg_fit(case: Case, output: Any) -> str | None:
    """S2: fitted values Φθ first (unique), then θ itself (the minimum-norm solution)."""
    Phi, y = _f(case.args[0]), _f(case.args[1])
    D = Phi.shape[1]
    th_ref = ref_linreg_fit(Phi, y)
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (D,):
        raise Mismatch("theta must have shape (D,), one weight per column of Phi")
    # Inputs have κ(Φ) ≤ ~1e3 on the kept singular values and a clean gap below: a
    # backward-stable solver (or the normal equations on full-rank Φ) has forward error
    # ≲ κ²ε ≈ 2e-10 in θ and in Φθ; 1e-8 (syllabus) leaves a 50× margin, and the planted
    # bugs are off by O(1) (or by λ‖θ‖/σ_min² ≈ 1e-6 for jitter λ = 1e-6).
    fit_scale = float(np.linalg.norm(Phi, 2) * np.linalg.norm(th_ref) + np.linalg.norm(y))
    if not _near(Phi @ th, Phi @ th_ref, 0.0, 1e-8 * fit_scale + 1e-14):
        raise Mismatch("the fitted values Phi @ theta are not the least-squares fit "
                       "(inverting a singular PhiᵀPhi, or regularisation/jitter added?)")
    if not _near(th, th_ref, 1e-8, 1e-12 * max(fit_scale, 1.0)):
        raise Mismatch("theta gives the least-squares fitted values but is not the "
                       "minimum-norm solution (Phi is rank-deficient or wide here: the "
                       "spec asks for the solution of smallest ‖theta‖, as pinv gives)")
    return None


def judge_ridge_map(case: Case, output: Any) -> str | None:
    """S3: θ to 1e-8, with diagnostics for the λ parameterisations that go wrong."""
    Phi, y, s2, a2 = _f(case.args[0]), _f(case.args[1]), *map(float, case.args[2:4])
    D = Phi.shape[1]
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (D,):
        raise Mismatch("theta must have shape (D,), one weight per column of Phi")
    # κ(ΦᵀΦ + λI) ≤ ~1e4 on these inputs, so any backward-stable solve (Cholesky, QR of the
    # augmented system, SVD, dual form) agrees to κε ≈ 2e-12; 1e-8 normwise leaves 5000×, while
    # the wrong λ's of the bank change θ by ≥ 1e-3 relative (checked in the tests).
    tol = (1e-8, 1e-12)
    if _near(th, ref_ridge_map(Phi, y, s2, a2), *tol):
        return None
    diagnoses = [
        (np.sqrt(s2 / a2), "uses λ = σ/α (standard deviations); the spec's λ is σ²/α²"),
        (a2 / s2, "uses λ = α²/σ² (inverted); the spec's λ is σ²/α²"),
        (s2 / a2 * len(y), "looks like a 1/N factor on the data term; the spec has none"),
    ]
    for lam, why in diagnoses:
        if _near(th, ref_ridge_map(Phi, y, lam, 1.0), *tol):
            raise Mismatch(f"theta {why}")
    raise Mismatch("theta is not (PhiᵀPhi + λI)⁻¹Phiᵀy with λ = σ²/α² (is the first, "
                   "intercept, column penalised like the others?)")


def judge_blr_posterior(case: Case, output: Any) -> str | None:
    """S4: SN symmetric positive definite and equal to the reference, mN to 1e-8."""
    Phi, y, s2, a2 = _f(case.args[0]), _f(case.args[1]), *map(float, case.args[2:4])
    D = Phi.shape[1]
    m_ref, S_ref = ref_blr_posterior(Phi, y, s2, a2)
    m_out, s_out = as_tuple(output, 2, name="(mN, SN)")
    mN = as_array(m_out, name="mN", shape=(D,))
    SN = as_array(s_out, name="SN", shape=(D, D))
    # κ(ΦᵀΦ/σ² + I/α²) ≤ ~1e4: inv/solve/Cholesky agree to κε ≈ 2e-12 and inv's asymmetry is
    # of the same order, so 1e-10 (symmetry) and 1e-8 (values) leave ≥ 50× margins.
    if np.max(np.abs(SN - SN.T)) > 1e-10 * np.max(np.abs(SN)):
        raise Mismatch("SN is not symmetric")
    if np.linalg.eigvalsh((SN + SN.T) / 2)[0] <= 0:
        raise Mismatch("SN is not positive definite")
    if not _near(SN, S_ref, 1e-8, 0.0):
        if _near(SN, ref_blr_posterior(Phi, y, 1.0, a2 / s2)[1], 1e-8, 0.0):
            raise Mismatch("SN looks like (PhiᵀPhi + (σ²/α²) I)⁻¹: the covariance must be "
                           "scaled by σ², SN = (PhiᵀPhi/σ² + I/α²)⁻¹")
        raise Mismatch("SN is not (PhiᵀPhi/σ² + I/α²)⁻¹ (σ² and α² are variances)")
    if not _near(mN, m_ref, 1e-8, 1e-12 * max(float(np.linalg.norm(m_ref)), 1.0)):
        raise Mismatch("mN is not SN Phiᵀy/σ²")
    return None


def judge_blr_predict(case: Case, output: Any) -> str | None:
    """S4: predictive mean Φ*mN and variance φᵀSNφ + σ², one entry per row of Phi_star."""
    Ps, mN, SN, s2 = _f(case.args[0]), _f(case.args[1]), _f(case.args[2]), float(case.args[3])
    M = Ps.shape[0]
    mean_ref, var_ref = ref_blr_predict(Ps, mN, SN, s2)
    mean_out, var_out = as_tuple(output, 2, name="(mean, var)")
    mean = as_array(mean_out, name="mean", ndim=1)
    var = as_array(var_out, name="var")
    if mean.shape != (M,):
        raise Mismatch("mean must have shape (M,), one entry per row of Phi_star")
    if var.shape == (M, M):
        raise Mismatch("var must have shape (M,): the predictive variance of each test "
                       "point (the diagonal), not the full covariance matrix")
    if var.shape != (M,):
        raise Mismatch("var must have shape (M,), one entry per row of Phi_star")
    # A few dot products of length D ≤ 8 with O(1) entries: rounding ≤ 1e-14 relative;
    # rtol 1e-8 entrywise (R2), atol 1e-12·scale for means that happen to be near zero.
    scale = max(float(np.max(np.abs(mean_ref))), 1.0)
    if np.any(np.abs(mean - mean_ref) > 1e-8 * np.abs(mean_ref) + 1e-12 * scale):
        raise Mismatch("mean is not Phi_star @ mN")
    if np.all(np.abs(var - var_ref) <= 1e-8 * var_ref):
        return None
    candidates = [(var_ref - s2, "var omits the noise variance σ²: the predictive variance "
                                 "is φᵀSNφ + σ²"),
                  (var_ref - s2 + np.sqrt(s2), "var adds σ (a standard deviation) instead "
                                               "of the variance σ²"),
                  (np.sqrt(var_ref), "var looks like a standard deviation: return the variance")]
    for cand, why in candidates:
        if np.all(np.abs(var - cand) <= 1e-8 * np.abs(cand) + 1e-14):
            raise Mismatch(why)
    raise Mismatch("var is not φᵀSNφ + σ² for each row φ of Phi_star")


def judge_beta_binom(case: Case, output: Any) -> str | None:
    """S5: five closed-form numbers at rtol 1e-12; the mode's NaN must be NaN."""
    ref = ref_beta_binom(*case.args)
    names = ("a_post", "b_post", "mean", "mode", "p_next")
    vals = [as_float(v, name=nm, finite=nm != "mode")
            for v, nm in zip(as_tuple(output, 5, name="(a_post, b_post, mean, mode, p_next)"),
                             names, strict=True)]
    # Each value is ≤ 3 roundings of numbers ≤ 150; the worst cancellation is a' − 1 with
    # a' ≥ 1.25 in the inputs, so relative errors ≤ 150/0.25·2ε ≈ 3e-13 < rtol 1e-12
    # (syllabus); atol 1e-14 for the mode 0 computed as (a' − 1)/(...) with a' = 1.
    def close(i: int) -> bool:
        return abs(vals[i] - ref[i]) <= 1e-12 * abs(ref[i]) + 1e-14

    if not (close(0) and close(1)):
        if abs(vals[0] - ref[1]) <= 1e-12 * ref[1] and abs(vals[1] - ref[0]) <= 1e-12 * ref[0]:
            raise Mismatch("a_post and b_post are swapped: a' = a + k counts the successes")
        raise Mismatch("the posterior parameters are not a' = a + k, b' = b + n − k "
                       "(successes and failures swapped?)")
    if not close(2):
        raise Mismatch("mean is not the posterior mean a'/(a' + b')")
    if not close(4):
        raise Mismatch("p_next is not the posterior predictive a'/(a' + b') (plug-in mode?)")
    if np.isnan(ref[3]):
        if not np.isnan(vals[3]):
            raise Mismatch("mode must be NaN when it is not unique (a' = b' = 1, or both < 1)")
        return None
    if np.isnan(vals[3]) or not close(3):
        if abs(vals[3] - ref[2]) <= 1e-12 * ref[2]:
            raise Mismatch("mode equals the posterior mean: the MAP is (a'−1)/(a'+b'−2)")
        raise Mismatch("mode is wrong (for a' ≤ 1 or b' ≤ 1 it lies on the boundary, "
                       "0 or 1, as the spec says)")
    return None


def judge_ridge_bias_var(case: Case, output: Any) -> str | None:
    """S6: bias and variance at 1e-10 relative to their natural scales."""
    X, th, s2, lam, xs = (_f(case.args[0]), _f(case.args[1]), float(case.args[2]),
                          float(case.args[3]), _f(case.args[4]))
    b_ref, v_ref = ref_ridge_bias_var(X, th, s2, lam, xs)
    b_out, v_out = as_tuple(output, 2, name="(bias, variance)")
    bias, var = as_float(b_out, name="bias"), as_float(v_out, name="variance")
    # |bias| ≤ ‖x*‖‖θ‖ and var ≤ σ²‖x*‖²‖X‖²/λ_min(A)-ish; κ(A) ≤ 1e3 here, so any stable
    # formula (solve, inv, SVD, or the weights w = X A⁻¹x* with bias = wᵀXθ − x*ᵀθ, which
    # cancels) is within κ·ε·scale ≈ 2e-13·scale; 1e-10 (syllabus) leaves 500×.
    b_scale = float(np.linalg.norm(xs) * np.linalg.norm(th))
    if abs(bias - b_ref) > 1e-10 * max(b_scale, TINY):
        if abs(bias - b_ref**2) <= 1e-10 * max(b_scale, TINY):
            raise Mismatch("bias looks squared: return the signed bias E[f̂(x*)] − f(x*)")
        if abs(bias + b_ref) <= 1e-10 * max(b_scale, TINY):
            raise Mismatch("bias has the wrong sign: bias = E[f̂(x*)] − f(x*)")
        raise Mismatch("bias is not −λ x*ᵀ(XᵀX + λI)⁻¹θ")
    v_scale = max(abs(v_ref), TINY)
    if abs(var - v_ref) <= 1e-10 * v_scale:
        return None
    if s2 > 0 and abs(var - v_ref / s2) <= 1e-10 * v_scale / s2:
        raise Mismatch("variance is missing the factor σ²")
    if s2 > 0 and abs(var - v_ref / np.sqrt(s2)) <= 1e-10 * v_scale:
        raise Mismatch("variance is scaled by σ instead of σ²")
    raise Mismatch("variance is not σ² x*ᵀA⁻¹XᵀXA⁻¹x* with A = XᵀX + λI (the sandwich "
                   "form, not the posterior variance σ² x*ᵀA⁻¹x*)")


def judge_logreg_erm(case: Case, output: Any) -> str | None:
    """S7: ‖∇R(θ)‖ ≤ 1e-6 and R(θ) ≤ R(θ*) + 1e-9 (R is λ-strongly convex)."""
    X, y, lam = _f(case.args[0]), _f(case.args[1]), float(case.args[2])
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (X.shape[1],):
        raise Mismatch("theta must have shape (D,), one weight per column of X")
    # Strong convexity: R(θ) − R* ≤ ‖∇R(θ)‖²/(2λ) ≤ 1e-12/(2·1e-3) = 5e-10 for λ ≥ 1e-3, so
    # the two syllabus bounds agree; both are far above the rounding of R and ∇R (~1e-15).
    gnorm = float(np.linalg.norm(logreg_grad(th, X, y, lam)))
    if gnorm > 1e-6:
        raise Mismatch(f"‖∇R(theta)‖ = {gnorm:.1e} > 1e-6: not the minimiser of the "
                       "regularised risk (is λ/2‖θ‖² included, are the labels used as "
                       "{0, 1}, and does the loop stop on the gradient norm?)")
    if logreg_objective(th, X, y, lam) > logreg_objective(ref_logreg_erm(X, y, lam), X, y,
                                                           lam) + 1e-9:
        raise Mismatch("R(theta) exceeds the minimum by more than 1e-9")
    return None


def judge_cv_risk(case: Case, output: Any) -> str | None:
    """S8: the per-point squared-error risk, to rtol 1e-10."""
    fit, predict = (build(s.factory, dict(s.params)) for s in case.args[:2]
                    if isinstance(s, FunctionSpec))
    X, y, folds = case.args[2], case.args[3], case.args[4]
    risk = as_float(output, name="risk")
    ref = ref_cv_risk(fit, predict, X, y, folds)
    # The models are ridge solves with κ ≤ 1e3, means, or exact nearest-neighbour lookups;
    # a different order of the training rows changes θ by ≤ κ·N·ε ≈ 3e-12 relative, and the
    # mean of ≤ 15 squares adds ≤ 15ε; rtol 1e-10 ("exact match") leaves ≥ 30× margin.
    if abs(risk - ref) <= 1e-10 * ref:
        return None
    if abs(risk - ref_cv_risk(fit, predict, X, y, folds, per_fold=True)) <= 1e-10 * ref:
        raise Mismatch("risk is the mean of the per-fold means; the spec averages the "
                       "squared errors over all N points (the folds have unequal sizes)")
    if abs(risk - ref_cv_risk(fit, predict, X, y, folds, leak=True)) <= 1e-10 * ref:
        raise Mismatch("the model was trained on data that include the test fold "
                       "(train on the other folds only)")
    raise Mismatch("risk is not the mean over all points of (y − ŷ)², with each ŷ predicted "
                   "by a model fitted on the other folds")


# ---------------------------------------------------------------- registration

_SPECS = [
    ("gaussian_mle", gen.cases_gaussian_mle, judge_gaussian_mle),
    ("linreg_fit", gen.cases_linreg_fit, judge_linreg_fit),
    ("ridge_map", gen.cases_ridge_map, judge_ridge_map),
    ("blr_posterior", gen.cases_blr_posterior, judge_blr_posterior),
    ("blr_predict", gen.cases_blr_predict, judge_blr_predict),
    ("beta_binom", gen.cases_beta_binom, judge_beta_binom),
    ("ridge_bias_var", gen.cases_ridge_bias_var, judge_ridge_bias_var),
    ("logreg_erm", gen.cases_logreg_erm, judge_logreg_erm),
    ("cv_risk", gen.cases_cv_risk, judge_cv_risk),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"statistics.{_name}", unit="statistics", function=_name,
                       cases=_cases, judge=_judge))
