"""P8 ``affine_moments(A, b, mu, Sigma) -> (m, S)``: mean and covariance of y = Ax + b.

Convention (stated in the notebook): x is a random vector in R^n with mean ``mu`` (n,) and
covariance ``Sigma`` (n, n), symmetric positive semi-definite (possibly singular); ``A`` is
(m, n) with m ≠ n allowed and ``b`` is (m,); any real dtype. The output is
``(m, S) = (Aμ + b, AΣAᵀ)`` (MML §6.4.4), shapes (m,) and (m, m): no sampling.

Graded against the reference to the derived normwise allowances of :func:`allowances`, which
every backward-stable evaluation meets (products in any order, einsum, explicit sums, a square
root of Σ). Catches: bbᵀ added to the covariance (a shift does not spread the distribution),
AᵀΣA (wrong shape when m ≠ n, wrong values when square), the scalar rule Var[aᵢx] applied
coordinate-wise (no covariances), and the mean without b.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["TASK", "allowances", "cases", "judge", "reference"]


def reference(A: Any, b: Any, mu: Any, Sigma: Any) -> tuple[np.ndarray, np.ndarray]:
    """Aμ + b and AΣAᵀ, symmetrised exactly."""
    a = _f(A)
    cov = a @ _f(Sigma) @ a.T
    return np.asarray(a @ _f(mu) + _f(b)), np.asarray((cov + cov.T) / 2)


def allowances(A: Any, b: Any, mu: Any, Sigma: Any) -> tuple[float, float]:
    """Absolute allowances ``(for m, for S)`` entrywise.

    An inner product of length n evaluated in any order errs by ≤ nε times the sum of the
    absolute products (Higham, §3.1), so Aμ + b errs by ≤ (n + 1)ε(‖A‖_F‖μ‖ + ‖b‖), and
    A(ΣAᵀ) by ≤ 2nε‖A‖_F²‖Σ‖_F entrywise. A square root of Σ from ``eigh`` is backward
    stable with ‖ΔΣ‖ ≤ c·n·ε‖Σ‖ (c ≈ 10 in LAPACK's tests), so (AL)(AL)ᵀ errs by
    ≤ (c + 2)·n·ε‖A‖_F²‖Σ‖_F. The allowances are 16× the mean's bound and 16·10n·ε·‖A‖_F²‖Σ‖_F
    for S (≤ 2e-13 of the scale for n ≤ 5): a margin of over 10 for every correct method,
    while the planted mistakes differ by ≥ 1e-2 of the scale.
    """
    a, s = _f(A), _f(Sigma)
    n = max(a.shape[1], 1)
    na = float(np.linalg.norm(a))
    mean_tol = 16 * (n + 1) * EPS * (na * float(np.linalg.norm(_f(mu)))
                                     + float(np.linalg.norm(_f(b))))
    cov_tol = 16 * (10 * n) * EPS * na**2 * float(np.linalg.norm(s))
    return max(mean_tol, EPS), max(cov_tol, EPS)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """P8: m < n, m > n (singular S), square, m = 1, singular Σ, A = 0, identity, int dtype."""
    def case(label: str, m: int, n: int, A: np.ndarray | None = None,
             Sigma: np.ndarray | None = None) -> Case:
        a = rng.normal(0, 1, (m, n)) if A is None else A
        s = spd(rng, n) if Sigma is None else Sigma
        return Case(label, (a, rng.normal(0, 3, m), rng.normal(0, 3, n), s))

    low = rng.normal(0, 1, (5, 2))
    return [
        case("A is 2x4 (m < n)", 2, 4),
        case("A is 5x3 (m > n: singular output covariance)", 5, 3),
        case("square A, 4x4 (non-symmetric)", 4, 4),
        case("A is 1x5 (a single linear combination)", 1, 5),
        case("singular Σ of rank 2 in R^5, A is 3x5", 3, 5, Sigma=low @ low.T),
        case("A = 0 (y = b is constant)", 3, 4, A=np.zeros((3, 4))),
        case("A = I (covariance unchanged)", 3, 3, A=np.eye(3)),
        case("n = 1 (scalar x), A is 3x1", 3, 1),
        Case("integer dtype A, b, mu, Sigma",
             (np.array([[1, 2, 0], [0, -1, 3]]), np.array([1, -2]), np.array([2, 0, -1]),
              np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P8: m and S entrywise within :func:`allowances`."""
    m_ref, s_ref = reference(*case.args)
    tol_m, tol_s = allowances(*case.args)
    k = len(m_ref)
    m_out, s_out = as_tuple(output, 2, name="(m, S)")
    m = as_array(m_out, name="m", shape=(k,))
    S = as_array(s_out, name="S", shape=(k, k))
    if np.any(np.abs(m - m_ref) > tol_m):
        raise Mismatch("m is not E[Ax + b] = Aμ + b")
    if np.any(np.abs(S - s_ref) > tol_s):
        raise Mismatch("S is not Cov[Ax + b] = AΣAᵀ (of shape (m, m))")
    return None


# ---------------------------------------------------------------- planted answers

_HEAD = '''
def affine_moments(A, b, mu, Sigma):
    A, b = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
    mu, Sigma = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
'''

WRONG = (
    Wrong("shift_in_covariance",
          hint=("Adding a constant vector moves the distribution without spreading it: b "
                "appears in the mean only, not in the covariance."),
          code=_HEAD + '''
    return A @ mu + b, A @ Sigma @ A.T + np.outer(b, b)
'''),
    Wrong("transpose_on_the_left",
          hint=("Check the shapes: Cov[Ax] = E[A(x − μ)(x − μ)ᵀAᵀ] has A on the left and Aᵀ "
                "on the right, an (m, m) matrix."),
          code=_HEAD + '''
    return A @ mu + b, A.T @ Sigma @ A
'''),
    Wrong("scalar_rule_per_coordinate",
          hint=("The scalar rule Var[ax] = a²Var[x] applied entry by entry ignores the "
                "covariances between coordinates: use the full matrix product."),
          code=_HEAD + '''
    return A @ mu + b, np.diag((A ** 2) @ np.diag(Sigma))
'''),
    Wrong("mean_without_b",
          hint="The expectation is linear and the shift b is a constant: E[Ax + b] includes b.",
          code=_HEAD + '''
    return A @ mu, A @ Sigma @ A.T
'''),
)

ALTERNATIVES = (
    # Explicit index sums with einsum.
    Alternative("einsum", code=_HEAD + '''
    return np.einsum("ij,j->i", A, mu) + b, np.einsum("ij,jk,lk->il", A, Sigma, A)
'''),
    # A square root of Σ: Σ = LLᵀ with L = V√Λ (eigh; Σ may be singular), S = (AL)(AL)ᵀ.
    Alternative("square_root_factor", code=_HEAD + '''
    w, V = np.linalg.eigh(Sigma)
    L = A @ (V * np.sqrt(np.clip(w, 0.0, None)))
    return A @ mu + b, L @ L.T
'''),
    # Explicit loops over the entries: S_il = Σ_j Σ_k A_ij Σ_jk A_lk.
    Alternative("explicit_sums", code='''
def affine_moments(A, b, mu, Sigma):
    A, Sigma = np.asarray(A, dtype=float), np.asarray(Sigma, dtype=float)
    m_dim, n = A.shape
    m = np.array([sum(A[i, j] * float(mu[j]) for j in range(n)) + float(b[i])
                  for i in range(m_dim)])
    S = np.zeros((m_dim, m_dim))
    for i in range(m_dim):
        for l in range(m_dim):
            S[i, l] = sum(A[i, j] * Sigma[j, k] * A[l, k] for j in range(n) for k in range(n))
    return m, S
'''),
)

TASK = Task(
    answer_cell="p8_affine_moments",
    checks=(CheckSpec(id="probability.affine_moments", unit="probability",
                      function="affine_moments", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
