"""E1 ``qr_solve(A, b) -> x``: least squares by QR (check ``linear_algebra.exam_qr_solve``).

Convention (stated in the notebook): ``A`` is (m, n) with m ≥ n and full column rank, any
real dtype; ``b`` has shape (m,) or (m, k), and ``x`` has shape (n,) or (n, k), column j of
``x`` solving column j of ``b``; a numerically rank-deficient ``A`` raises
``numpy.linalg.LinAlgError`` (a relative test, e.g. min |r_kk| ≤ 10⁻¹⁰ max |r_kk|).

Graded by the forward-error bound of a backward-stable least-squares solver (Higham,
Thm 20.3), per right-hand side, which the normal equations (κ² ε) violate at κ = 10⁷; the
rank-deficient cases must raise. Catches: the normal equations, no rank test, an absolute
threshold on R's pivots (a well-conditioned A of scale 10⁻¹²), back substitution for a
single right-hand side, solving with the lower triangle of R.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal, with_singular_values
from graders.errors import Mismatch

__all__ = ["RANK_RTOL", "TASK", "cases", "judge", "reference"]


#: E1's numerical rank rule: rank-deficient iff σ_min ≤ RANK_RTOL·σ_max. The hidden
#: inputs have σ_min/σ_max ≥ 1e-7 (full rank) or ≤ 1e-14 (deficient), so any relative
#: test with a threshold in between (e.g. on |r_kk| of R, which lies in [σ_min, σ_max])
#: gives the same verdict.
RANK_RTOL = 1e-10


def reference(A: Any, b: Any) -> np.ndarray:
    """Reference E1: Householder QR (``scipy.linalg.qr``, economic), then R x = Qᵀ b.

    Raises:
        numpy.linalg.LinAlgError: if σ_min(A) ≤ RANK_RTOL·σ_max(A).
    """
    a, rhs = _f(A), _f(b)
    s = scipy.linalg.svdvals(a)
    if s[-1] <= RANK_RTOL * s[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    q, r = scipy.linalg.qr(a, mode="economic")
    return np.asarray(scipy.linalg.solve_triangular(r, q.T @ rhs))


# ---------------------------------------------------------------- hidden inputs

_LINALG_ERROR = ("LinAlgError",)


def _ls_system(rng: np.random.Generator, m: int, n: int, cond: float,
               resid: float, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A (m, n) matrix with κ₂ = cond and b = A x + r, r ⟂ col(A) with ‖r‖ = resid·‖Ax‖."""
    s = np.logspace(0, -np.log10(cond), n) if n > 1 else np.array([1.0])
    u = orthogonal(rng, m)
    a = (u[:, :n] * s) @ orthogonal(rng, n).T
    shape = (n,) if k is None else (n, k)
    ax = a @ rng.standard_normal(shape)
    r = u[:, n:] @ rng.standard_normal((m - n, *shape[1:])) if m > n else np.zeros_like(ax)
    scale = resid * np.linalg.norm(ax) / max(float(np.linalg.norm(r)), 1e-300)
    return a, ax + scale * r


def _dependent(rng: np.random.Generator, m: int, n: int, at: int) -> np.ndarray:
    """A well-conditioned (m, n) matrix whose column ``at`` is a combination of earlier ones."""
    a = with_singular_values(rng, m, n, np.logspace(1, 0, n))
    v = rng.standard_normal(m)
    # A rounding-level offset (σ_min ≈ 1e-15·σ_max ≤ 1e-14·σ_max): R's pivot is tiny but never
    # exactly 0, so a solver without a rank test returns a huge x instead of failing by luck.
    a[:, at] = a[:, :at] @ rng.uniform(0.5, 1.5, at) + 1e-15 * 10 * v / np.linalg.norm(v)
    return a


def cases(rng: np.random.Generator) -> list[Case]:
    """E1: κ₂ from 1 to 10⁷, zero/small/large residuals, multiple RHS, rank-deficient A."""
    int_a = rng.integers(-9, 10, size=(5, 3))
    while np.linalg.cond(int_a) > 1e2:
        int_a = rng.integers(-9, 10, size=(5, 3))
    dep = _dependent(rng, 6, 4, 2)
    tiny = _ls_system(rng, 6, 3, 10.0, 0.5)
    return [
        Case("tall 8x4, κ = 10², large residual", _ls_system(rng, 8, 4, 1e2, 1.0)),
        Case("square 5x5 (consistent system)", _ls_system(rng, 5, 5, 1e2, 0.0)),
        Case("ill-conditioned 10x4, κ = 10⁷, consistent b", _ls_system(rng, 10, 4, 1e7, 0.0)),
        Case("single column 6x1", _ls_system(rng, 6, 1, 1.0, 0.3)),
        Case("integer dtype 5x3", (int_a, rng.integers(-9, 10, size=5))),
        Case("multiple right-hand sides 7x3, b of shape (7, 2)",
             _ls_system(rng, 7, 3, 1e2, 0.2, k=2)),
        Case("1x1", (np.array([[rng.uniform(-4, -1)]]), np.array([rng.uniform(1, 4)]))),
        Case("tiny scale 1e-12 (relative rank test) 6x3", (1e-12 * tiny[0], tiny[1])),
        Case("rank-deficient 6x4 (third column a combination of the first two)",
             (dep, rng.standard_normal(6)), raises=_LINALG_ERROR),
        Case("rank-deficient 5x3 (zero column)",
             (np.column_stack([rng.standard_normal(5), np.zeros(5), rng.standard_normal(5)]),
              rng.standard_normal(5)), raises=_LINALG_ERROR),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E1: per right-hand side, ‖x − x_ref‖/‖x_ref‖ within the LS forward-error bound."""
    A, b = _f(case.args[0]), _f(case.args[1])
    x_ref = reference(A, b)
    out = as_array(output, name="x")
    if out.shape != x_ref.shape:
        hint = (" (b has shape (m, k): return one column of x per column of b)"
                if b.ndim == 2 else "")
        raise Mismatch(f"x must have shape (n,) for b of shape (m,), (n, k) for (m, k){hint}")
    m, n = A.shape
    s = scipy.linalg.svdvals(A)
    kappa, norm_a = float(s[0] / s[-1]), float(s[0])
    xs, xr = out.reshape(n, -1), x_ref.reshape(n, -1)
    for j in range(xs.shape[1]):
        xn = max(float(np.linalg.norm(xr[:, j])), 1e-300)
        eta = float(np.linalg.norm(b.reshape(m, -1)[:, j] - A @ xr[:, j])) / (norm_a * xn)
        # Higham (2002), Thm 20.3: a backward-stable LS solver (Householder QR, SVD) has
        # ‖Δx‖/‖x‖ ≤ γ_{cmn}·κ·(2 + (κ + 1)·‖r‖/(‖A‖‖x‖)). The reference obeys the same bound, so
        # with c = 10 (and m·n floored at 10 for the 1x1 and m x 1 cases) the difference of two
        # such solutions is within it: scaling ε down 100× still passes every alternative in the
        # bank. The normal equations have error ~κ²ε = 2e-2 at κ = 1e7, ≫ this bound (≈ 2e-6).
        tol = 10 * max(m * n, 10) * EPS * kappa * (2 + (kappa + 1) * eta)
        if float(np.linalg.norm(xs[:, j] - xr[:, j])) > tol * xn:
            if kappa > 1e6:
                raise Mismatch("x is far less accurate than a QR solve gives on this "
                               "ill-conditioned A: forming AᵀA (normal equations) squares "
                               "the condition number")
            raise Mismatch("x does not minimise ‖Ax − b‖₂ (is the triangular system R x = Qᵀ b "
                           "solved with the upper triangle of R?)")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The normal equations square the condition number: error ~κ²ε = 2e-2 at κ = 1e7.
    Wrong("normal_equations",
          hint=(
                "Forming AᵀA (the normal equations) squares the condition number and loses "
                "accuracy on ill-conditioned A: factor A = QR and solve R x = Qᵀ b instead."),
          code='''
def qr_solve(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if np.linalg.matrix_rank(A, rtol=1e-10) < A.shape[1]:
        raise np.linalg.LinAlgError("rank-deficient")
    return np.linalg.solve(A.T @ A, A.T @ b)
'''),
    # No rank test: solve_triangular only fails on an exactly zero pivot, so an
    # O(eps) pivot of a dependent column returns a huge x instead of raising.
    Wrong("no_rank_check",
          hint=(
                "Without a rank test, a numerically dependent column gives a huge x instead of "
                "an error: raise LinAlgError when min |r_kk| is tiny relative to max |r_kk|."),
          code='''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    return scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
'''),
    # An absolute threshold on the pivots: a well-conditioned matrix of scale 1e-12 "is singular".
    Wrong("absolute_threshold",
          hint=(
                "An absolute threshold on the diagonal of R rejects well-conditioned matrices "
                "with small entries: compare min |r_kk| with max |r_kk| (a relative test)."),
          code='''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    if np.min(np.abs(np.diag(R))) <= 1e-10:
        raise np.linalg.LinAlgError("rank-deficient")
    return scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
'''),
    # Back substitution written for a single right-hand side: fails on b of shape (m, k).
    Wrong("vector_back_substitution",
          hint=(
                "Your back substitution handles one right-hand side only: for b of shape (m, "
                "k), x must have shape (n, k), one solved column per column of b."),
          nameable=False,
          code='''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    d = np.abs(np.diag(R))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("rank-deficient")
    c = Q.T @ np.asarray(b, dtype=float)
    n = R.shape[0]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (c[k] - R[k, k + 1:] @ x[k + 1:]) / R[k, k]
    return x
'''),
    # Solves with the lower triangle of R (lower=True): not the least-squares solution.
    Wrong("lower_triangle",
          hint=(
                "R from the QR factorisation is upper triangular: solve R x = Qᵀ b with its "
                "upper triangle, not with Rᵀ or the lower triangle."),
          code='''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    d = np.abs(np.diag(R))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("rank-deficient")
    return scipy.linalg.solve_triangular(R.T, Q.T @ np.asarray(b, dtype=float), lower=True)
'''),
)

ALTERNATIVES = (
    # Householder QR written out by hand (reflectors applied to b as well).
    Alternative("householder_by_hand", code='''
def qr_solve(A, b):
    R = np.array(A, dtype=float)
    c = np.array(b, dtype=float)
    m, n = R.shape
    for k in range(n):
        v = R[k:, k].copy()
        alpha = -np.copysign(np.linalg.norm(v), v[0]) if v[0] != 0 else -np.linalg.norm(v)
        v[0] -= alpha
        nv = np.linalg.norm(v)
        if nv > 0:
            v /= nv
            R[k:, k:] -= 2.0 * np.outer(v, v @ R[k:, k:])
            c[k:] -= 2.0 * np.outer(v, v @ c[k:].reshape(m - k, -1)).reshape(c[k:].shape)
    d = np.abs(np.diag(R[:n]))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("A does not have full column rank")
    return scipy.linalg.solve_triangular(R[:n], c[:n])
'''),
    # SVD: x = V diag(1/s) Uᵀ b, with the relative rank test on the singular values.
    Alternative("svd", code='''
def qr_solve(A, b):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    if s[-1] <= 1e-10 * s[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    c = U.T @ np.asarray(b, dtype=float)
    return Vt.T @ (c / s if c.ndim == 1 else c / s[:, None])
'''),
    # LAPACK's least squares with an explicit relative cutoff and a rank test.
    Alternative("scipy_lstsq", code='''
import scipy.linalg as sla

def qr_solve(A, b):
    x, _, rank, _ = sla.lstsq(np.asarray(A, dtype=float), np.asarray(b, dtype=float),
                              cond=1e-10)
    if rank < np.shape(A)[1]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    return x
'''),
    # QR with column pivoting: rank test on the (sorted) diagonal of R, then undo the permutation.
    Alternative("pivoted_qr", code='''
def qr_solve(A, b):
    A = np.asarray(A, dtype=float)
    Q, R, piv = scipy.linalg.qr(A, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    if d[-1] <= 1e-10 * d[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    y = scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
    x = np.empty_like(y)
    x[piv] = y
    return x
'''),
)


TASK = Task(
    answer_cell="e1_qr_solve",
    checks=(CheckSpec(id="linear_algebra.exam_qr_solve", unit="linear_algebra",
                      function="qr_solve", cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
