"""S10 ``log_evidence(Phi, y, sigma2, alpha2)`` and ``select_degree(x, y, max_degree, sigma2,
alpha2) -> (degree, log_evs)``: the marginal likelihood and model selection by evidence.

Convention (stated in the notebook): y = Φθ + ε, ε ~ N(0, σ²I), prior θ ~ N(0, α²I) with
``alpha2`` = α² the prior *variance*, as in S3 and S4. The evidence is
p(y | Φ, σ², α²) = N(y | 0, C), C = σ²I + α²ΦΦᵀ (MML §8.6, §9.3), and ``log_evidence``
returns its logarithm with every constant. ``select_degree`` computes it for the polynomial
models Φ_k = [1, x, …, x^k], k = 0, …, max_degree (column j = x^j), and returns the degree of
the largest evidence (the smallest on an exact tie, which the hidden data never come near)
as an int, with the (max_degree + 1,) array of log evidences.

Graded against the reference to an allowance derived from the condition number of C
(:func:`allowance`), so a Cholesky factor, an eigendecomposition, ``scipy.stats`` or the
posterior (Woodbury) form all pass; the degree exactly. Catches: the prior precision used as
its variance, the log-determinant (Occam) term dropped, the likelihood at the MAP estimate
in place of the marginal likelihood, and the number of parameters returned as the degree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_float, as_int, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, poly_design
from graders.errors import Mismatch

__all__ = ["TASK", "allowance", "cases", "degree_cases", "judge", "judge_degree", "reference",
           "reference_degree"]

#: The hidden data of ``select_degree`` have a best and a second-best log evidence at least
#: this far apart: ≥ 1e4 times any allowance below, so every correct method agrees on the
#: argmax, and small enough that the generator rarely redraws.
MIN_MARGIN = 0.05


def _cov(Phi: Any, sigma2: float, alpha2: float) -> np.ndarray:
    """The marginal covariance C = σ²I + α²ΦΦᵀ of y."""
    phi = _f(Phi)
    return np.asarray(float(sigma2) * np.eye(phi.shape[0]) + float(alpha2) * (phi @ phi.T))


def reference(Phi: Any, y: Any, sigma2: float, alpha2: float) -> float:
    """log N(y | 0, C) through the Cholesky factor C = LLᵀ: −½‖L⁻¹y‖² − Σ log Lᵢᵢ − (N/2) log 2π."""
    yv = _f(y)
    L = np.linalg.cholesky(_cov(Phi, sigma2, alpha2))
    z = np.linalg.solve(L, yv)
    return float(-0.5 * z @ z - np.sum(np.log(np.diag(L))) - 0.5 * len(yv) * np.log(2 * np.pi))


def allowance(Phi: Any, y: Any, sigma2: float, alpha2: float) -> float:
    """How far a correct log evidence may be from the reference in floating point.

    A backward-stable method computes C (or ΦᵀΦ + σ²/α²·I) with a relative perturbation
    ≤ c·N·ε, which moves yᵀC⁻¹y by ≤ c·N·κ(C)·ε·yᵀC⁻¹y and log det C by
    tr(C⁻¹δC) ≤ c·N²·κ(C)·ε; with c ≤ 10 both are ≤ 10·N·κ·ε·S, where
    S = yᵀC⁻¹y + N + Σ|log λᵢ(C)|. The allowance 100·N·κ·ε·S (κ ≤ ~1e4 here, so about
    1e-10·S) covers the posterior form's own conditioning and the reference's error. The
    planted mistakes change the value by ≥ 0.05·S on some hidden case.
    """
    C = _cov(Phi, sigma2, alpha2)
    lam = np.linalg.eigvalsh(C)
    n = len(lam)
    s = float(_f(y) @ np.linalg.solve(C, _f(y))) + n + float(np.sum(np.abs(np.log(lam))))
    return 100.0 * n * float(lam[-1] / lam[0]) * EPS * s


def reference_degree(x: Any, y: Any, max_degree: int, sigma2: float,
                     alpha2: float) -> tuple[int, np.ndarray]:
    """The log evidences of the degrees 0..max_degree and the first argmax."""
    xv = _f(x)
    logs = np.array([reference(np.vander(xv, k + 1, increasing=True), y, sigma2, alpha2)
                     for k in range(int(max_degree) + 1)])
    return int(np.argmax(logs)), logs


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """log_evidence: polynomial, Gaussian, wide, N = D = 1, y = 0, integer dtype, σ² and α²
    away from 1 (so variance versus precision shows), a broad and a tight prior."""
    poly = poly_design(rng, 10, 3)
    full = design(rng, 12, 4)
    int_phi = np.column_stack([np.ones(6, dtype=np.int64), rng.integers(-2, 3, size=(6, 2))])
    return [
        Case("polynomial features of degree 3, 10 points, α² = 2",
             (poly, poly @ rng.standard_normal(4) + 0.3 * rng.standard_normal(10), 0.09, 2.0)),
        Case("Gaussian design 12x4 with an intercept, α² = 0.5",
             (full, full @ rng.standard_normal(4) + 0.5 * rng.standard_normal(12), 0.25, 0.5)),
        Case("wide N = 3 < D = 6", (design(rng, 3, 6), rng.standard_normal(3), 0.2, 1.5)),
        Case("N = D = 1", (np.array([[rng.uniform(0.5, 2.0)]]), np.array([rng.normal()]),
                           0.3, 0.7)),
        Case("y = 0 (only the log-determinant and the constant remain)",
             (poly_design(rng, 8, 2), np.zeros(8), 0.1, 3.0)),
        Case("integer dtype Phi and y 6x3", (int_phi, rng.integers(-3, 4, size=6), 0.5, 2.0)),
        Case("large noise σ² = 4 with a tight prior α² = 0.25",
             (design(rng, 9, 3), 2.0 * rng.standard_normal(9), 4.0, 0.25)),
    ]


def _poly_data(rng: np.random.Generator, n: int, true_degree: int, max_degree: int,
               sigma2: float, alpha2: float) -> tuple[np.ndarray, np.ndarray]:
    """Points in [−1, 1] and a noisy polynomial of ``true_degree``, redrawn until the best two
    log evidences over 0..max_degree differ by ≥ MIN_MARGIN."""
    while True:
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        coef = rng.choice([-1.0, 1.0], true_degree + 1) * rng.uniform(1.0, 2.5, true_degree + 1)
        y = np.vander(x, true_degree + 1, increasing=True) @ coef
        y = y + np.sqrt(sigma2) * rng.standard_normal(n)
        top = np.sort(reference_degree(x, y, max_degree, sigma2, alpha2)[1])[::-1]
        if len(top) == 1 or top[0] - top[1] >= MIN_MARGIN:
            return x, y


def degree_cases(rng: np.random.Generator) -> list[Case]:
    """select_degree: constant, linear, quadratic and cubic truths, max_degree = 0, pure noise,
    integer dtype; σ² ≠ 1 ≠ α²."""
    def poly(label: str, n: int, true_degree: int, max_degree: int, sigma2: float,
             alpha2: float) -> Case:
        x, y = _poly_data(rng, n, true_degree, max_degree, sigma2, alpha2)
        return Case(label, (x, y, max_degree, sigma2, alpha2))

    xi = np.array([-2, -1, 0, 1, 2, 3])
    return [
        poly("quadratic truth, 12 points, max_degree = 5", 12, 2, 5, 0.04, 2.0),
        poly("cubic truth, 12 points, max_degree = 5", 12, 3, 5, 0.02, 4.0),
        poly("linear truth, 10 points, max_degree = 4", 10, 1, 4, 0.09, 1.5),
        poly("constant truth, 9 points, max_degree = 3", 9, 0, 3, 0.25, 0.5),
        poly("max_degree = 0: one model", 7, 1, 0, 0.1, 2.0),
        Case("integer dtype x and y (a parabola), max_degree = 3",
             (xi, xi ** 2 - 1, 3, 0.05, 2.0)),
    ]


# ---------------------------------------------------------------- judges


def judge(case: Case, output: Any) -> str | None:
    """log_evidence: within the derived allowance; the usual mistakes named."""
    Phi, y, sigma2, alpha2 = case.args
    value = as_float(output, name="log_evidence")
    ref = reference(Phi, y, sigma2, alpha2)
    tol = allowance(Phi, y, sigma2, alpha2)
    if abs(value - ref) <= tol:
        return None
    if abs(value - reference(Phi, y, sigma2, 1.0 / alpha2)) <= tol:
        raise Mismatch("this uses 1/α² as the prior variance: alpha2 is the prior variance, "
                       "so the marginal covariance is σ²I + α²ΦΦᵀ")
    raise Mismatch("log_evidence is not log N(y | 0, σ²I + α²ΦΦᵀ) with every term "
                   "(the quadratic form, −½ log det and −(N/2) log 2π)")


def judge_degree(case: Case, output: Any) -> str | None:
    """select_degree: every log evidence within its allowance, the degree exactly."""
    x, y, max_degree, sigma2, alpha2 = case.args
    degree_out, logs_out = as_tuple(output, 2, name="(degree, log_evs)")
    logs = as_array(logs_out, name="log_evs", shape=(int(max_degree) + 1,))
    degree = as_int(degree_out, name="degree")
    best, ref = reference_degree(x, y, max_degree, sigma2, alpha2)
    xv = _f(x)
    for k in range(int(max_degree) + 1):
        phi = np.vander(xv, k + 1, increasing=True)
        if abs(logs[k] - ref[k]) > allowance(phi, y, sigma2, alpha2):
            raise Mismatch(f"log_evs[{k}] is not the log evidence of the degree-{k} model "
                           "with features [1, x, …, x^k]")
    if degree == best + 1:
        raise Mismatch("degree is one too large: return the polynomial degree k, not the "
                       "number k + 1 of its parameters")
    if degree != best:
        raise Mismatch("degree is not the one with the largest log evidence")
    return None


# ---------------------------------------------------------------- planted answers

_SELECT = '''
def select_degree(x, y, max_degree, sigma2, alpha2):
    x = np.asarray(x, dtype=float)
    logs = np.array([log_evidence(np.vander(x, k + 1, increasing=True), y, sigma2, alpha2)
                     for k in range(max_degree + 1)])
    return int(np.argmax(logs)), logs
'''

WRONG = (
    Wrong("precision_for_variance",
          hint=("Check how alpha2 enters: it is the prior variance of each weight, so the "
                "prior covariance of Φθ is α²ΦΦᵀ."),
          code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    C = sigma2 * np.eye(len(y)) + (Phi @ Phi.T) / alpha2
    L = np.linalg.cholesky(C)
    z = scipy.linalg.solve_triangular(L, y, lower=True)
    return float(-0.5 * z @ z - np.log(np.diag(L)).sum() - 0.5 * len(y) * np.log(2 * np.pi))
''' + _SELECT),
    Wrong("missing_log_det",
          hint=("Your log density lacks its normalising −½ log det C term, which depends on "
                "the model and is what penalises complexity."),
          code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    C = sigma2 * np.eye(len(y)) + alpha2 * (Phi @ Phi.T)
    return float(-0.5 * y @ np.linalg.solve(C, y) - 0.5 * len(y) * np.log(2 * np.pi))
''' + _SELECT),
    Wrong("likelihood_at_map",
          hint=("You evaluated the likelihood at one θ; the evidence integrates the likelihood "
                "over the prior, p(y) = ∫ p(y | θ) p(θ) dθ."),
          code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    D = Phi.shape[1]
    theta = np.linalg.solve(Phi.T @ Phi + sigma2 / alpha2 * np.eye(D), Phi.T @ y)
    r = y - Phi @ theta
    return float(-0.5 * r @ r / sigma2 - 0.5 * len(y) * np.log(2 * np.pi * sigma2))
''' + _SELECT),
    Wrong("parameters_not_degree",
          hint=("Return the polynomial degree k of the best model, not its number of "
                "parameters k + 1."),
          code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    C = sigma2 * np.eye(len(y)) + alpha2 * (Phi @ Phi.T)
    sign, logdet = np.linalg.slogdet(C)
    return float(-0.5 * y @ np.linalg.solve(C, y) - 0.5 * logdet
                 - 0.5 * len(y) * np.log(2 * np.pi))

def select_degree(x, y, max_degree, sigma2, alpha2):
    x = np.asarray(x, dtype=float)
    logs = np.array([log_evidence(np.vander(x, k + 1, increasing=True), y, sigma2, alpha2)
                     for k in range(max_degree + 1)])
    return int(np.argmax(logs)) + 1, logs
'''),
)

ALTERNATIVES = (
    # scipy's multivariate normal density with the marginal covariance.
    Alternative("scipy_stats", code='''
import scipy.stats

def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    C = sigma2 * np.eye(len(y)) + alpha2 * Phi @ Phi.T
    return float(scipy.stats.multivariate_normal(np.zeros(len(y)), C).logpdf(y))

def select_degree(x, y, max_degree, sigma2, alpha2):
    logs = [log_evidence(np.asarray(x, dtype=float)[:, None] ** np.arange(k + 1), y, sigma2,
                         alpha2) for k in range(max_degree + 1)]
    return int(np.argmax(logs)), np.array(logs)
'''),
    # The posterior form: likelihood at m_N, prior at m_N, and the posterior's normaliser.
    Alternative("posterior_form", code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    N, D = Phi.shape
    A = Phi.T @ Phi / sigma2 + np.eye(D) / alpha2          # posterior precision
    cf = scipy.linalg.cho_factor(A)
    mN = scipy.linalg.cho_solve(cf, Phi.T @ y / sigma2)
    r = y - Phi @ mN
    logdet_A = 2 * np.log(np.diag(cf[0])).sum()
    return float(-0.5 * N * np.log(2 * np.pi * sigma2) - 0.5 * r @ r / sigma2
                 - 0.5 * mN @ mN / alpha2 - 0.5 * D * np.log(alpha2) - 0.5 * logdet_A)

def select_degree(x, y, max_degree, sigma2, alpha2):
    x = np.asarray(x, dtype=float)
    best, logs = 0, []
    for k in range(max_degree + 1):
        logs.append(log_evidence(np.vander(x, k + 1, increasing=True), y, sigma2, alpha2))
        if logs[k] > logs[best]:
            best = k
    return best, np.array(logs)
'''),
    # The eigendecomposition of the marginal covariance.
    Alternative("eigendecomposition", code='''
def log_evidence(Phi, y, sigma2, alpha2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    lam, U = np.linalg.eigh(sigma2 * np.eye(len(y)) + alpha2 * Phi @ Phi.T)
    return float(-0.5 * np.sum((U.T @ y) ** 2 / lam) - 0.5 * np.log(lam).sum()
                 - 0.5 * len(y) * np.log(2 * np.pi))
''' + _SELECT),
)

TASK = Task(
    answer_cell="s10_log_evidence",
    checks=(CheckSpec(id="statistics.log_evidence", unit="statistics",
                      function="log_evidence", cases=cases, judge=judge,
                      reference=reference),
            CheckSpec(id="statistics.select_degree", unit="statistics",
                      function="select_degree", cases=degree_cases, judge=judge_degree,
                      reference=reference_degree)),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
