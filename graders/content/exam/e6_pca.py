"""E6 ``pca(X, k) -> (W, lam)``: principal components (check ``statistics.exam_pca``).

Convention (stated in the notebook): ``X`` is (N, D), one observation per row, any real
dtype, centred by column; the covariance is X̄ᵀX̄/N (1/N, not 1/(N − 1)). ``W`` (D, k) has
orthonormal columns, eigenvectors of the covariance for its k largest eigenvalues, and
``lam`` (k,) holds those eigenvalues in descending order, column j of W belonging to lam[j];
1 ≤ k ≤ D.

Graded through projectors and residuals (sign and basis freedom, syllabus §4.1): lam to
10⁻¹⁰λ₁, WᵀW = I, C W = W diag(lam), and the projector WWᵀ against the reference's (to 10⁻⁸).
Catches: the 1/(N − 1) covariance, no centring, ascending order, directions as rows, the
high-dimensional trick without normalising.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "parameters", "pca_data", "reference", "variant_cases"]


def reference(X: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference E6: SVD of the centred data; W = first k right singular vectors, λ = s²/N."""
    x = _f(X)
    xc = x - x.mean(axis=0)
    _, s, vt = scipy.linalg.svd(xc, full_matrices=False)
    return np.asarray(vt[:k].T), np.asarray(s[:k] ** 2 / x.shape[0])


# ---------------------------------------------------------------- hidden inputs


def pca_data(rng: np.random.Generator, n: int, variances: np.ndarray,
             offset: float = 0.0) -> np.ndarray:
    """(n, D) data whose 1/N sample covariance has exactly the given eigenvalues (D = len).

    Needs n − 1 ≥ r, the number of nonzero variances. The r columns of a centred Gaussian
    (n, r) matrix are orthonormalised (they stay centred), so the centred data is
    ``√n · Z diag(√λ) Vᵀ`` with V the matching columns of a random orthogonal matrix.
    """
    lam = np.asarray(variances, dtype=float)
    d, r = len(lam), int(np.count_nonzero(lam))
    z = rng.standard_normal((n, r))
    z -= z.mean(axis=0)
    q = np.linalg.qr(z)[0]
    x = np.sqrt(n) * (q * np.sqrt(lam[lam > 0])) @ orthogonal(rng, d)[:, lam > 0].T
    return np.asarray(x + offset + rng.uniform(-5, 5, d))


def _int_pca_data(rng: np.random.Generator, n: int, d: int, k: int) -> np.ndarray:
    """Integer (n, d) data whose covariance has a gap ≥ 5 % of λ₁ after the k-th eigenvalue."""
    while True:
        x = rng.integers(-6, 7, size=(n, d)) * np.array([3, 2, 1, 1][:d])
        w = np.sort(np.linalg.eigvalsh(np.cov(x.T, bias=True)))[::-1]
        if w[k - 1] - w[k] >= 0.05 * w[0]:
            return np.asarray(x)


def _base_cases(rng: np.random.Generator) -> list[Case]:
    """E6: N < D, k = D, k = 1, N = 3, mean offset 1e3, repeated top eigenvalues, int dtype."""
    return [
        Case("N = 40, D = 5, k = 2", (pca_data(rng, 40, np.array([9.0, 4, 1, 0.5, 0.2])), 2)),
        Case("N = 6 < D = 10 (high-dimensional), k = 3",
             (pca_data(rng, 6, np.r_[[8.0, 5, 3, 0.5, 0.3], np.zeros(5)]), 3)),
        Case("k = D = 3 (full basis), N = 20", (pca_data(rng, 20, np.array([5.0, 2, 1])), 3)),
        Case("k = 1, N = 15, D = 4", (pca_data(rng, 15, np.array([6.0, 1, 0.5, 0.1])), 1)),
        Case("N = 3 (1/N and 1/(N-1) differ by 1.5x), D = 2, k = 1",
             (pca_data(rng, 3, np.array([4.0, 1.0])), 1)),
        Case("mean offset 1e3, N = 12, D = 3, k = 2",
             (pca_data(rng, 12, np.array([3.0, 2.0, 0.1]), offset=1e3), 2)),
        Case("repeated top variance (λ₁ = λ₂), N = 25, D = 4, k = 2",
             (pca_data(rng, 25, np.array([5.0, 5.0, 1.0, 0.3])), 2)),
        Case("integer dtype data, N = 10, D = 3, k = 2", (_int_pca_data(rng, 10, 3, 2), 2)),
    ]


def parameters(rng: np.random.Generator) -> dict[str, Any]:
    """One student's E6 example (shown in the question): integer data with a spectral gap.

    N ∈ [6, 9], D = 3, k ∈ {1, 2}; the data come from :func:`_int_pca_data`, whose
    covariance has λ_k − λ_{k+1} ≥ 0.05·λ₁ (the judge's Davis–Kahan bound needs the gap).
    """
    n, k = int(rng.integers(6, 10)), int(rng.integers(1, 3))
    return {"e6_X": _int_pca_data(rng, n, 3, k), "e6_k": k}


def _example_case(params: Mapping[str, Any]) -> Case:
    """The student's own example (its values are in their question text)."""
    x, k = np.asarray(params["e6_X"]), int(params["e6_k"])
    return Case(f"your exam's example, N = {x.shape[0]}, D = {x.shape[1]}, k = {k}", (x, k))


def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
    """E6 for one student: the course-wide kinds of input, then the student's own example."""
    return [*_base_cases(rng), _example_case(params)]


def cases(rng: np.random.Generator) -> list[Case]:
    """E6's hidden cases for a variant drawn from ``rng`` (``mml check``, content tests)."""
    base = _base_cases(rng)
    return [*base, _example_case(parameters(rng))]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E6: λ to 1e-10·λ₁; W orthonormal, C W = W diag(λ), and the reference's projector."""
    X, k = _f(case.args[0]), int(case.args[1])
    N, D = X.shape
    W_ref, lam_ref = reference(X, k)
    w_out, l_out = as_tuple(output, 2, name="(W, lam)")
    W = as_array(w_out, name="W", ndim=2)
    lam = as_array(l_out, name="lam", shape=(k,))
    if W.shape != (D, k):
        raise Mismatch("W must have shape (D, k): one principal direction per column"
                       + (" (got (k, D): rows instead of columns?)" if W.shape == (k, D) else "")
                       + (" (got (N, k): eigenvectors of X̄X̄ᵀ must be mapped back with X̄ᵀ)"
                          if W.shape == (N, k) else ""))
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / N
    top = max(float(lam_ref[0]) if k else 0.0, 1e-300)
    # Weyl: a backward-stable eigen/SVD solver moves each variance by ≤ c·N·D·ε·λ₁ ≈ 1e-13·λ₁
    # (centring adds ≤ ε·|offset|·max|x̄| ≈ 1e-12 at offset 1e3, λ₁ ≥ 1), so atol 1e-10·λ₁ (R2).
    # Inputs have a gap λ_k − λ_{k+1} ≥ 0.05·λ₁, so by Davis–Kahan the projector of any such
    # solver is within ~c·N·D·ε/0.05 ≤ 1e-11 of the reference, and the residual C W − W Λ ≈ ε·λ₁:
    # both to 1e-8 (syllabus LA5).
    atol = 1e-10 * top
    if np.max(np.abs(lam - lam_ref), initial=0.0) > atol:
        if N > 1 and np.max(np.abs(lam - lam_ref * N / (N - 1)), initial=0.0) <= atol:
            raise Mismatch("the variances use 1/(N − 1); the spec asks for 1/N")
        if np.max(np.abs(np.sort(lam)[::-1] - lam_ref), initial=0.0) <= atol:
            raise Mismatch("the variances are not in descending order")
        raise Mismatch("the variances are wrong: eigenvalues of the covariance X̄ᵀX̄/N of the "
                       "centred data (subtract the column means)")
    if k == 0:
        return None
    if _norm2(W.T @ W - np.eye(k)) > 1e-8:
        raise Mismatch("the columns of W are not orthonormal (unit length, mutually "
                       "orthogonal)")
    if _norm2(C @ W - W * lam) > 1e-8 * top:
        raise Mismatch("C W ≠ W diag(lam): column j of W must be a principal direction for "
                       "lam[j] (reorder W's columns together with lam)")
    if _norm2(W @ W.T - W_ref @ W_ref.T) > 1e-8:
        raise Mismatch("W spans a different subspace than the top-k principal directions")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # np.cov's default normalisation 1/(N − 1).
    Wrong("unbiased_covariance",
          hint=(
                "np.cov divides by N − 1 by default: the spec's covariance is X̄ᵀX̄/N, so pass "
                "bias=True or divide by N yourself."),
          code='''
def pca(X, k):
    C = np.cov(np.asarray(X, dtype=float).T)
    w, V = np.linalg.eigh(np.atleast_2d(C))
    return V[:, ::-1][:, :k], w[::-1][:k]
'''),
    # No centring: the eigenvectors of XᵀX/N chase the mean.
    Wrong("no_centring",
          hint=(
                "You did not centre the data: subtract the column means before forming X̄ᵀX̄/N, "
                "otherwise the top direction chases the mean."),
          code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    w, V = np.linalg.eigh(X.T @ X / X.shape[0])
    return V[:, ::-1][:, :k], w[::-1][:k]
'''),
    # eigh's ascending order kept: the k smallest variances.
    Wrong("ascending_order",
          hint=(
                "eigh returns eigenvalues in ascending order, so you took the k smallest: "
                "reverse the order to get the k largest variances, descending."),
          code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc / X.shape[0])
    return V[:, :k], w[:k]
'''),
    # Right singular vectors as rows, i.e. W of shape (k, D).
    Wrong("rows_layout",
          hint=(
                "The SVD's Vᵀ holds the principal directions as rows: W must have shape (D, k), "
                "one direction per column, so transpose it."),
          code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / X.shape[0]
'''),
    # High-dimensional trick without renormalising X̄ᵀu (‖X̄ᵀu‖² = N·λ).
    Wrong("high_dim_unnormalised",
          hint=(
                "Mapping an eigenvector u of X̄X̄ᵀ back with X̄ᵀu gives a vector of length "
                "√(Nλ), not 1: normalise each column of W."),
          code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, U = np.linalg.eigh(Xc @ Xc.T / X.shape[0])
    w, U = w[::-1][:k], U[:, ::-1][:, :k]
    return Xc.T @ U, w
'''),
)

ALTERNATIVES = (
    # SVD of the centred data, signs flipped.
    Alternative("svd_flipped", code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return -Vt[:k].T, (s ** 2 / X.shape[0])[:k]
'''),
    # Eigendecomposition of the 1/N covariance from np.cov(bias=True).
    Alternative("eigh_cov_bias", code='''
def pca(X, k):
    C = np.atleast_2d(np.cov(np.asarray(X, dtype=float), rowvar=False, bias=True))
    w, V = scipy.linalg.eigh(C)
    idx = np.argsort(w)[::-1][:k]
    return V[:, idx], w[idx]
'''),
    # High-dimensional trick: eigenvectors u of X̄X̄ᵀ/N mapped back by X̄ᵀu/‖X̄ᵀu‖.
    Alternative("high_dim_trick", code='''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, U = np.linalg.eigh(Xc @ Xc.T / X.shape[0])
    w, U = w[::-1][:k], U[:, ::-1][:, :k]
    W = Xc.T @ U
    return W / np.linalg.norm(W, axis=0), w
'''),
)


TASK = Task(
    answer_cell="e6_pca",
    checks=(CheckSpec(id="statistics.exam_pca", unit="statistics", function="pca",
                      cases=cases, judge=judge, reference=reference, parameters=parameters,
                      variant_cases=variant_cases),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
