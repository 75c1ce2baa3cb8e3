"""P6 ``sample_mvn(mu, Sigma, n, rng) -> (n, D)``: sampling a multivariate Gaussian.

Convention (stated in the notebook): ``n`` independent samples of N(μ, Σ) as the rows of an
(n, D) array ((0, D) for n = 0), drawn using only the generator ``rng``. Each hidden
``rng`` argument is ``FunctionSpec("rng", {"seed": s})`` with ``s`` drawn from the check's
stream, so a grading seed fixes every sample and hence every verdict.

Graded statistically. Rows are whitened with the known parameters,
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
0–299 at N = 20,000 (``tests/content/test_probability.py::test_sample_mvn_power`` repeats
it on seeds 0–19): correct sampler 0/300 false failures; μ + Lᵀz, μ + Σz and
diagonal-only each caught 300/300 (the mean test never catches them; the covariance
LR and the Mahalanobis KS tests do, on every correlated case); a 1% scale error
(1.01·L z) caught 294/300. Its power comes from the D = 20 case (292/300): in the
cases with D ≤ 5 it is caught only 1–9 times in 300 each (the syllabus's 5/300),
because the LR signal n·D·(c² − 1 − log c²) ≈ 4D is buried in χ²_{D(D+1)/2} noise
at small D. It is therefore reported here, not planted as a wrong answer (no statistical
test at N = 20,000 catches it for every grading seed). A moment-matched uniform sampler
(right μ and Σ, wrong shape) is caught only by the Mahalanobis KS test. Marginal-only KS
tests would miss μ + Lᵀz whenever LᵀL and LLᵀ have similar diagonals; the whitened joint
tests do not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["ALPHA_TOTAL", "MVN_N", "MVN_STAT_CASES", "TASK", "cases", "judge", "mvn_tests",
           "reference"]

#: Bound on the false-failure probability of the whole check, for any grading seed.
ALPHA_TOTAL = 1e-6
#: Sample size of every statistical case.
MVN_N = 20_000
#: Number of statistical cases: the Bonferroni divisor (with 3 tests each).
MVN_STAT_CASES = 6


def reference(mu: Any, Sigma: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """Reference P6: ``μ + Z Lᵀ`` with ``Σ = LLᵀ`` (Cholesky) and Z standard normal (n, D)."""
    m = _f(mu)
    chol = np.linalg.cholesky(_f(Sigma))
    return np.asarray(m + rng.standard_normal((n, len(m))) @ chol.T)


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


# ---------------------------------------------------------------- hidden inputs


def _corr2(rho: float, s1: float, s2: float) -> np.ndarray:
    return np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])


def cases(rng: np.random.Generator) -> list[Case]:
    """P6: six statistical cases (N = 20,000) and two shape-only edge cases (n = 1, n = 0).

    Each ``rng`` argument is ``FunctionSpec("rng", {"seed": s})`` with ``s`` drawn here,
    so a grading seed fixes every sample and hence every verdict.
    """
    def seed() -> FunctionSpec:
        return FunctionSpec("rng", {"seed": int(rng.integers(2**62))})

    def stat(label: str, mu: np.ndarray, cov: np.ndarray) -> Case:
        return Case(label, (mu, cov, MVN_N, seed()), context={"statistical": True})

    q = orthogonal(rng, 5)
    ill = (q * np.array([1e-2, 1.0, 1.0, 1.0, 1e2])) @ q.T
    all_cases = [
        stat("D = 1, σ² = 4, μ = −3", np.array([-3.0]), np.array([[4.0]])),
        stat("D = 2, correlation 0.95, unequal variances",
             rng.normal(0, 5, 2), _corr2(0.95, 2.0, 0.5)),
        stat("D = 3, random SPD Σ", rng.normal(0, 2, 3), spd(rng, 3)),
        stat("D = 4, integer dtype", np.array([1, 0, -2, 3]),
             np.array([[4, 2, 1, 0], [2, 3, 1, 1], [1, 1, 2, 0], [0, 1, 0, 5]])),
        stat("D = 5, ill-conditioned Σ (κ = 10⁴), μ = 1000·𝟙",
             np.full(5, 1000.0), (ill + ill.T) / 2),
        stat("D = 20, random SPD Σ", rng.normal(0, 1, 20), spd(rng, 20)),
        Case("n = 1 (shape (1, D))", (rng.normal(0, 1, 3), spd(rng, 3), 1, seed())),
        Case("n = 0 (shape (0, D))", (rng.normal(0, 1, 2), spd(rng, 2), 0, seed())),
    ]
    assert sum(bool(c.context.get("statistical")) for c in all_cases) == MVN_STAT_CASES
    return all_cases


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P6: shape (n, D), finite; statistical cases pass three Bonferroni-combined tests."""
    mu, Sigma, n = _f(case.args[0]), _f(case.args[1]), int(case.args[2])
    X = as_array(output, name="samples", shape=(n, len(mu)))
    if not case.context.get("statistical"):
        return None
    alpha = ALPHA_TOTAL / (3 * MVN_STAT_CASES)
    pvals = mvn_tests(X, mu, Sigma)
    failed = [name for name, p in pvals.items() if p < alpha]
    if failed:
        raise Mismatch(f"samples are not N(μ, Σ): the {', '.join(failed)} test(s) reject at "
                       f"level {alpha:.1e} (false-failure probability ≤ 1e-6 for the whole "
                       "check): x = μ + L z with Σ = L Lᵀ (rows: mu + z @ L.T)?")
    return None


# ---------------------------------------------------------------- planted answers
# A 1% scale error (1.01·L z) is not planted: see the module docstring.

WRONG = (
    # μ + Lᵀz: covariance LᵀL instead of LLᵀ.
    Wrong("L_transpose",
          hint=("With samples as rows, Z @ L has covariance LᵀL, not Σ = LLᵀ: multiply by "
                "the transpose, X = mu + Z @ L.T."),
          code='''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    return mu + rng.standard_normal((n, len(mu))) @ L
'''),
    # μ + Σz: covariance Σ².
    Wrong("sigma_times_z",
          hint=("Multiplying standard normals by Σ gives covariance Σ², not Σ: use a square "
                "root of Σ such as its Cholesky factor L (Σ = LLᵀ)."),
          code='''
def sample_mvn(mu, Sigma, n, rng):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    return mu + rng.standard_normal((n, len(mu))) @ S.T
'''),
    # Independent coordinates with the right variances (correlations lost).
    Wrong("diagonal_only",
          hint=("Scaling each coordinate by its standard deviation loses the correlations: "
                "transform the whole vector with a square root of Σ such as its Cholesky factor."),
          code='''
def sample_mvn(mu, Sigma, n, rng):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    return mu + rng.standard_normal((n, len(mu))) * np.sqrt(np.diag(S))
'''),
    # Right mean and covariance, but uniform (not Gaussian) coordinates: only the
    # Mahalanobis KS test sees it.
    Wrong("moment_matched_uniform",
          hint=("Matching the mean and covariance is not enough: the reparameterisation "
                "needs standard normal draws (rng.standard_normal), not another distribution."),
          code='''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    z = (rng.random((n, len(mu))) - 0.5) * np.sqrt(12.0)
    return mu + z @ L.T
'''),
    # Forgets to add the mean.
    Wrong("missing_mean",
          hint="Your samples are centred at zero: add the mean mu to every row.",
          code='''
def sample_mvn(mu, Sigma, n, rng):
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    return rng.standard_normal((n, L.shape[0])) @ L.T
'''),
)

ALTERNATIVES = (
    # Any square root A with A Aᵀ = Σ works: the symmetric one from eigh.
    Alternative("eigh_sqrt", code='''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    w, V = np.linalg.eigh(np.asarray(Sigma, dtype=float))
    A = V * np.sqrt(np.clip(w, 0, None))
    return mu + rng.standard_normal((n, len(mu))) @ A.T
'''),
    # numpy's own sampler (consumes the generator differently).
    Alternative("rng_multivariate_normal", code='''
def sample_mvn(mu, Sigma, n, rng):
    return rng.multivariate_normal(np.asarray(mu, float), np.asarray(Sigma, float), size=n)
'''),
    # Column-vector form: Z is (D, n), x = μ + L z per column.
    Alternative("column_form", code='''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = rng.standard_normal((len(mu), n))
    return (mu[:, None] + L @ Z).T
'''),
)

TASK = Task(
    answer_cell="p6_sample_mvn",
    checks=(CheckSpec(id="probability.sample_mvn", unit="probability", function="sample_mvn",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
