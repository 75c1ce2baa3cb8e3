"""LA1 ``solve(A, b) -> x``: a square linear system by Gaussian elimination with partial pivoting.

Convention (stated in the notebook): ``A`` is n×n and nonsingular, ``b`` has shape (n,), and
``x`` has shape (n,); a (near-)singular pivot raises ``numpy.linalg.LinAlgError``. An
exception cannot cross the sandbox as a value, so the hidden cases are all nonsingular and
the singular behaviour is a public check in the notebook's test cell.

Graded by the normwise backward error, never by x itself, so every backward-stable method
passes (QR, complete pivoting, LAPACK); ``inv(A) @ b`` passes with a warning on the
ill-conditioned case. Catches: no pivoting (zero or tiny leading pivot), rows of A swapped
but not b, integer truncation, an absolute pivot threshold (matrices of tiny scale).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import random_int_matrix, spd, well_conditioned
from graders.errors import Mismatch

__all__ = ["TASK", "backward_error", "cases", "judge", "reference"]


def reference(A: Any, b: Any) -> np.ndarray:
    """The reference: ``scipy.linalg.solve``."""
    return np.asarray(scipy.linalg.solve(_f(A), _f(b)), dtype=np.float64)


def backward_error(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """Normwise (Rigal–Gaches) backward error ``‖b − Ax‖₂ / (‖A‖₂‖x‖₂ + ‖b‖₂)``."""
    res = float(np.linalg.norm(b - A @ x))
    denom = _norm2(A) * float(np.linalg.norm(x)) + float(np.linalg.norm(b))
    return 0.0 if res == 0.0 else (res / denom if denom > 0 else np.inf)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: nonsingular systems only (singular ones are a public check)."""
    def system(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return a, a @ rng.standard_normal(a.shape[0])

    zero_pivot = well_conditioned(rng, 3)
    zero_pivot[0, 0] = 0.0
    hilbert = scipy.linalg.hilbert(8)
    int_a = random_int_matrix(rng, 4)
    return [
        Case("well-conditioned 5x5", system(well_conditioned(rng, 5))),
        Case("well-conditioned 12x12", system(well_conditioned(rng, 12))),
        Case("zero leading pivot 3x3", system(zero_pivot)),
        Case("tiny leading pivot 2x2",
             (np.array([[1e-20, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0]))),
        Case("1x1", (np.array([[rng.uniform(-5, -1)]]), np.array([rng.uniform(1, 5)]))),
        Case("integer dtype 4x4", (int_a, rng.integers(-9, 10, size=4))),
        Case("permutation matrix 6x6", system(np.eye(6)[rng.permutation(6)])),
        Case("SPD 8x8", system(spd(rng, 8))),
        Case("tiny scale 1e-14 (relative pivot threshold) 4x4",
             system(1e-14 * well_conditioned(rng, 4))),
        Case("ill-conditioned Hilbert 8x8", (hilbert, hilbert @ rng.uniform(1, 2, 8)),
             context={"kappa": float(np.linalg.cond(hilbert))}),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA1: backward error ≤ 100 n ε; on the ill-conditioned case, a warning band to 100 n ε κ."""
    A, b = _f(case.args[0]), _f(case.args[1])
    n = A.shape[0]
    x = as_array(output, name="x", ndim=1, shape=(n,))
    berr = backward_error(A, b, x)
    # GEPP is normwise backward stable: ‖ΔA‖ ≤ c·n·ρ·ε‖A‖ with a small growth factor ρ on
    # these inputs (measured over 50 seeds: ≤ 0.4·n·ε), so 100·n·ε leaves a ≥ 250× margin for
    # any backward-stable method (QR, complete pivoting).
    strict = 100 * n * EPS
    if berr <= strict:
        return None
    kappa = case.context.get("kappa")
    # A forward-stable but not backward-stable method such as inv(A) @ b has
    # ‖x − x*‖ ≲ n·κ·ε‖x‖, hence ‖b − Ax‖ ≤ ‖A‖‖x − x*‖ and berr ≲ n·κ·ε: accepted with a
    # warning up to 100·n·κ·ε (Hilbert 8×8: inv(A) @ b measures 2e-8 to 5e-8 here).
    if kappa is not None and berr <= strict * float(kappa):
        return ("backward error is far larger than Gaussian elimination with partial "
                "pivoting gives on this ill-conditioned matrix: are you computing inv(A) @ b?")
    raise Mismatch(f"backward error ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖) = {berr:.1e} exceeds 100·n·ε: "
                   "no pivoting, or an integer array truncating the elimination?")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Textbook elimination without row exchanges: divides by the zero/tiny leading pivot.
    Wrong("no_pivoting",
          hint=(
                "Elimination without row exchanges divides by a zero or tiny pivot: swap in "
                "the row with the largest entry of the column (partial pivoting)."),
          code='''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n - 1):
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
'''),
    # Swaps the rows of A when pivoting but forgets to swap b.
    Wrong("rows_swapped_not_b",
          hint=(
                "When you exchange two rows of A during pivoting, exchange the same entries "
                "of b too."),
          code='''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(A[k:, k]))
        A[[k, p]] = A[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
'''),
    # Copies the inputs without converting: an integer A truncates every elimination step.
    Wrong("integer_truncation",
          hint=(
                "Copying an integer A keeps its integer dtype, so every elimination step is "
                "truncated: convert A and b to float first."),
          code='''
def solve(A, b):
    A = A.copy()
    b = b.copy()
    n = len(b)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(A[k:, k]))
        A[[k, p]] = A[[p, k]]
        b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] = A[i, k:] - m * A[k, k:]
            b[i] = b[i] - m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
'''),
    # An absolute singularity threshold: a well-conditioned but tiny-scale matrix "is singular".
    Wrong("absolute_pivot_threshold",
          hint=(
                "An absolute singularity threshold such as 1e-10 rejects well-conditioned "
                "matrices of small scale: make the threshold relative to the size of A."),
          code='''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n):
        p = k + np.argmax(np.abs(A[k:, k]))
        if abs(A[p, k]) < 1e-10:
            raise np.linalg.LinAlgError("matrix is singular")
        A[[k, p]] = A[[p, k]]
        b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
'''),
)

ALTERNATIVES = (
    # Householder QR (backward stable, no pivoting needed): R x = Qᵀ b.
    Alternative("householder_qr", code='''
def solve(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    n = A.shape[0]
    Q, R = np.linalg.qr(A)
    if np.min(np.abs(np.diag(R))) <= n * np.finfo(float).eps * np.linalg.norm(A, np.inf):
        raise np.linalg.LinAlgError("matrix is singular to working precision")
    return scipy.linalg.solve_triangular(R, Q.T @ b)
'''),
    # Gaussian elimination with complete pivoting (row and column exchanges).
    Alternative("complete_pivoting", code='''
def solve(A, b):
    U = np.array(A, dtype=float)
    c = np.array(b, dtype=float)
    n = len(c)
    cols = np.arange(n)
    thresh = n * np.finfo(float).eps * np.linalg.norm(U, np.inf)
    for k in range(n):
        i, j = np.unravel_index(np.argmax(np.abs(U[k:, k:])), (n - k, n - k))
        i, j = i + k, j + k
        if abs(U[i, j]) <= thresh:
            raise np.linalg.LinAlgError("matrix is singular to working precision")
        U[[k, i]] = U[[i, k]]
        c[[k, i]] = c[[i, k]]
        U[:, [k, j]] = U[:, [j, k]]
        cols[[k, j]] = cols[[j, k]]
        m = U[k + 1:, k] / U[k, k]
        U[k + 1:, k:] -= np.outer(m, U[k, k:])
        c[k + 1:] -= m * c[k]
    y = np.zeros(n)
    for k in range(n - 1, -1, -1):
        y[k] = (c[k] - U[k, k + 1:] @ y[k + 1:]) / U[k, k]
    x = np.zeros(n)
    x[cols] = y
    return x
'''),
    # LAPACK's GEPP through lu_factor/lu_solve, with the spec's pivot test on the factor.
    Alternative("lu_factor_solve", code='''
import scipy.linalg as sla

def solve(A, b):
    A = np.asarray(A, dtype=float)
    lu_piv = sla.lu_factor(A)
    thresh = A.shape[0] * np.finfo(float).eps * np.linalg.norm(A, np.inf)
    if np.min(np.abs(np.diag(lu_piv[0]))) <= thresh:
        raise np.linalg.LinAlgError("matrix is singular to working precision")
    return sla.lu_solve(lu_piv, np.asarray(b, dtype=float))
'''),
)

TASK = Task(
    answer_cell="la1_solve",
    checks=(CheckSpec(id="linear_algebra.solve", unit="linear_algebra", function="solve",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
