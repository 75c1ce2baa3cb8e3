"""O5 ``is_convex_quadratic(Q, tol) -> bool``: whether x ↦ xᵀQx is convex.

Convention (stated in the notebook): ``Q`` is square, any real dtype, not necessarily
symmetric; return True iff λ_min(½(Q + Qᵀ)) ≥ −tol, as a Python or NumPy bool.

Graded by exact comparison of the boolean. No case sits on the boundary itself (it cannot be
decided reproducibly in floating point); the boundary cases are at −tol/2 and −2·tol.
Catches: eigenvalues of a non-symmetric Q, ``eigvalsh`` of a non-symmetric Q (one triangle),
no tolerance, a Cholesky test (PD, not PSD), leading principal minors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal, spd, sym_with_eigs
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(Q: Any, tol: float = 1e-10) -> bool:
    """Reference O5: λ_min(½(Q + Qᵀ)) ≥ −tol."""
    Qm = _f(Q)
    return bool(np.linalg.eigvalsh(0.5 * (Qm + Qm.T))[0] >= -tol)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O5: non-symmetric Q (eigenvalues of Q mislead), PSD boundary ±tol, minors, int dtype."""
    tol = 1e-8
    T = np.array([[1.0, rng.uniform(3.0, 5.0)], [0.0, rng.uniform(1.0, 2.0)]])
    U = orthogonal(rng, 4)
    upper = np.triu(rng.uniform(2.0, 4.0, (4, 4)), 1) + np.diag(rng.uniform(1.0, 2.0, 4))
    skew = rng.uniform(2.0, 4.0)
    B = rng.standard_normal((4, 2))
    return [
        Case("SPD 4x4", (spd(rng, 4), 1e-10)),
        Case("symmetric indefinite 5x5", (sym_with_eigs(rng, np.array([-2.0, 1, 3, 4, 5])),
                                          1e-10)),
        Case("non-symmetric upper triangular 2x2: eigenvalues > 0, symmetric part indefinite",
             (T, 1e-10)),
        Case("non-symmetric 4x4 (rotated triangular): eigenvalues > 0, not convex",
             (U @ upper @ U.T, 1e-10)),
        Case("identity plus a large skew part: convex, eigenvalues complex",
             (np.array([[1.0, -skew], [skew, 1.0]]), 1e-10)),
        Case("PSD with λ_min = −tol/2 (boundary within tolerance)",
             (sym_with_eigs(rng, np.array([-tol / 2, 1.0, 2.0, 3.0])), tol)),
        Case("λ_min = −2·tol (just outside tolerance)",
             (sym_with_eigs(rng, np.array([-2 * tol, 1.0, 2.0, 3.0])), tol)),
        Case("rank-2 PSD 4x4 (λ_min = 0 up to rounding)", (B @ B.T, 1e-10)),
        Case("leading minors ≥ 0 but indefinite 2x2",
             (np.array([[0.0, 0.0], [0.0, -1.0]]), 1e-10)),
        Case("integer dtype 3x3", (np.array([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]), 1e-10)),
        Case("1x1 negative", (np.array([[-rng.uniform(0.5, 3.0)]]), 1e-10)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O5: exact boolean; inputs keep |λ_min + tol| ≥ tol/2 ≫ rounding (≤ 1e-14·‖Q‖)."""
    arr = as_array(output, name="is_convex", kinds="b")
    if arr.shape != ():
        raise Mismatch("return a single bool, not an array")
    if bool(arr) == reference(*case.args):
        return None
    raise Mismatch("wrong answer: decide by λ_min(½(Q + Qᵀ)) ≥ −tol (the eigenvalues of a "
                   "non-symmetric Q say nothing about convexity; eigvalsh reads one triangle)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Eigenvalues of Q itself (real parts): wrong for non-symmetric Q.
    Wrong("eigvals_of_Q",
          hint=("The eigenvalues of a non-symmetric Q say nothing about convexity: test λ_min of "
                "the symmetric part ½(Q + Qᵀ)."),
          code='''
def is_convex_quadratic(Q, tol=1e-10):
    w = np.linalg.eigvals(np.asarray(Q, dtype=float))
    return bool(np.min(w.real) >= -tol)
'''),
    # eigvalsh on the non-symmetric Q: reads only the lower triangle.
    Wrong("eigvalsh_of_Q",
          hint=("np.linalg.eigvalsh reads only one triangle of a non-symmetric Q: symmetrise "
                "first and use ½(Q + Qᵀ)."),
          code='''
def is_convex_quadratic(Q, tol=1e-10):
    return bool(np.linalg.eigvalsh(np.asarray(Q, dtype=float))[0] >= -tol)
'''),
    # No tolerance: rounding puts the zero eigenvalue of a PSD matrix below 0.
    Wrong("no_tolerance",
          hint=("Without the tolerance, rounding can make the zero eigenvalue of a PSD matrix "
                "slightly negative: compare λ_min with −tol."),
          # Same outputs as cholesky_test on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    return bool(np.linalg.eigvalsh(0.5 * (Q + Q.T))[0] >= 0)
'''),
    # Cholesky of the symmetric part: fails on PSD boundary cases.
    Wrong("cholesky_test",
          hint=("Cholesky succeeds only for positive definite matrices, so PSD matrices with a "
                "zero eigenvalue are rejected: test λ_min ≥ −tol."),
          # Same outputs as no_tolerance on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    try:
        np.linalg.cholesky(0.5 * (Q + Q.T))
    except np.linalg.LinAlgError:
        return False
    return True
'''),
    # Sylvester's leading minors >= 0: a test for PD (with > 0), not for PSD.
    Wrong("leading_minors",
          hint=("Non-negative leading principal minors do not imply positive semidefiniteness: "
                "use the smallest eigenvalue of ½(Q + Qᵀ)."),
          code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    S = 0.5 * (Q + Q.T)
    return bool(all(np.linalg.det(S[:k, :k]) >= -tol for k in range(1, len(S) + 1)))
'''),
)

ALTERNATIVES = (
    # General eigvals of the symmetric part.
    Alternative("eigvals_sym_part", code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    w = np.linalg.eigvals((Q + Q.T) / 2)
    return bool(w.real.min() >= -tol)
'''),
    # Cholesky of the symmetric part shifted by tol (PD iff λ_min > −tol).
    Alternative("shifted_cholesky", code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    S = 0.5 * (Q + Q.T) + tol * np.eye(len(Q))
    try:
        np.linalg.cholesky(S)
        return True
    except np.linalg.LinAlgError:
        return False
'''),
    # scipy's smallest eigenvalue only.
    Alternative("scipy_subset", code='''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    lam_min = scipy.linalg.eigh(0.5 * (Q + Q.T), eigvals_only=True, subset_by_index=[0, 0])[0]
    return bool(lam_min >= -tol)
'''),
)

TASK = Task(
    answer_cell="o5_is_convex_quadratic",
    checks=(CheckSpec(id="optimisation.is_convex_quadratic", unit="optimisation",
                      function="is_convex_quadratic", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
