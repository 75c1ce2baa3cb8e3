"""S1 ``gaussian_mle(X) -> (mu, Sigma)``: the maximum-likelihood Gaussian of a data set.

Convention (stated in the notebook): the data ``X`` have shape (N, D), one point per row;
``mu`` has shape (D,) and ``Sigma`` shape (D, D), the covariance with 1/N.

Graded entrywise against the sample mean and the 1/N covariance (rtol 1e-8, atol scaled by
the data), so np.cov with ``bias=True``, a loop of outer products and the one-pass moments all
pass. The hidden inputs make the conventions observable: N = 1–3 so 1/(N−1) shows, N ≠ D for
the (N, D) layout, 1×D, D = 1 and integer data. Catches: np.cov's default 1/(N−1), the
transposed (D, N) layout, the uncentred second moment, variances without the covariances.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference S1: sample mean and the 1/N (maximum-likelihood) covariance of X (N, D)."""
    x = _f(X)
    mu = x.mean(axis=0)
    xc = x - mu
    return mu, xc.T @ xc / x.shape[0]


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S1: N = 1–3 so 1/(N−1) shows; N ≠ D for the layout; 1×D, D = 1 and integer data."""
    corr = rng.standard_normal((12, 3)) @ np.array([[2.0, 0.5, 0.0], [0.0, 1.0, -0.7],
                                                    [0.0, 0.0, 0.3]])
    return [
        Case("Coursera case 2x2 (N = D = 2)", (np.array([[0.0, 1.0], [2.0, 3.0]]),)),
        Case("N = 3 points in D = 2", (rng.standard_normal((3, 2)),)),
        Case("single point N = 1 (Sigma = 0)", (rng.standard_normal((1, 3)),)),
        Case("one feature D = 1, N = 5 (Sigma of shape (1, 1))", (rng.standard_normal((5, 1)),)),
        Case("integer dtype 4x3", (rng.integers(-5, 6, size=(4, 3)),)),
        Case("correlated features 12x3", (corr,)),
        Case("fewer points than features N = 2 < D = 5", (rng.standard_normal((2, 5)),)),
        Case("offset mean (entries ~ 10) 6x2",
             (10.0 + rng.standard_normal((6, 2)) * np.array([1.0, 0.2]),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S1: mu (D,) and Sigma (D, D) with 1/N, to rtol 1e-8 and atol 1e-10·max|X|²."""
    X = _f(case.args[0])
    N, D = X.shape
    mu_ref, S_ref = reference(X)
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


# ---------------------------------------------------------------- planted answers

WRONG = (
    # np.cov's default normalisation 1/(N-1) (and NaN for N = 1).
    Wrong("np_cov_default",
          hint=("np.cov divides by N − 1 by default; the maximum-likelihood covariance divides "
                "by N, so pass bias=True or divide the centred sum by N yourself."),
          code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), np.atleast_2d(np.cov(X, rowvar=False))
'''),
    # The (D, N) layout: rows treated as variables.
    Wrong("transposed_layout",
          hint=("The rows of X are the data points (layout (N, D)): average over axis 0, and "
                "tell np.cov that columns are the variables (rowvar=False)."),
          code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=1), np.atleast_2d(np.cov(X, bias=True))
'''),
    # Forgets to centre: the second moment about the origin.
    Wrong("uncentred",
          hint=("XᵀX/N is the second moment about the origin: subtract the mean from every "
                "row before forming the covariance."),
          code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), X.T @ X / X.shape[0]
'''),
    # Variances only: drops the covariances.
    Wrong("diagonal_only",
          hint=("Sigma is the full covariance matrix: keep the off-diagonal covariances "
                "between features, not only the per-feature variances."),
          code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), np.diag(X.var(axis=0))
'''),
)

ALTERNATIVES = (
    # np.cov with bias=True (1/N); atleast_2d because np.cov returns a 0-d array for D = 1.
    Alternative("np_cov_bias", code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return np.mean(X, axis=0), np.atleast_2d(np.cov(X, rowvar=False, bias=True))
'''),
    # A loop over the data points, summing outer products.
    Alternative("outer_product_loop", code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    mu = np.zeros(D)
    for x in X:
        mu += x
    mu /= N
    S = np.zeros((D, D))
    for x in X:
        S += np.outer(x - mu, x - mu)
    return mu, S / N
'''),
    # One pass: E[x xᵀ] − μ μᵀ (fine at these scales).
    Alternative("one_pass_moments", code='''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    mu = X.mean(axis=0)
    return mu, np.einsum("ni,nj->ij", X, X) / len(X) - np.outer(mu, mu)
'''),
)

TASK = Task(
    answer_cell="s1_gaussian_mle",
    checks=(CheckSpec(id="statistics.gaussian_mle", unit="statistics", function="gaussian_mle",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
