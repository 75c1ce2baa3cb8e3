"""C10 ``frobenius_grad(A, X, B) -> G``: the gradient of f(X) = ‖AX − B‖_F² with respect to X.

Convention (stated in the notebook, MML §5.5): A is (m, n), X is (n, p), B is (m, p), all any
real dtype; the gradient of a scalar with respect to a matrix has the matrix's shape,
G_ij = ∂f/∂X_ij, so G is (n, p) (not the transposed "numerator layout"). The identity is
G = 2Aᵀ(AX − B).

Graded entrywise against the reference to an allowance derived from the rounding of matrix
products (:func:`allowance`), so every ordering of the products passes (AᵀA first, the
Kronecker/vec form, einsum). The hidden inputs have tall, wide and square A, a square X with a
non-symmetric gradient, a single column, AX = B (zero gradient), an empty X (n × 0), integers
and large entries. Catches: the factor 2 missing, the transposed gradient, A instead of Aᵀ, and
the gradient of the norm ‖AX − B‖_F instead of its square.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, assert_shape
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "allowance", "cases", "judge", "reference"]


def reference(A: Any, X: Any, B: Any) -> np.ndarray:
    """C10: G = 2Aᵀ(AX − B), shaped like X."""
    Am, Xm, Bm = _f(A), _f(X), _f(B)
    return np.asarray(2.0 * Am.T @ (Am @ Xm - Bm))


def allowance(A: Any, X: Any, B: Any) -> np.ndarray:
    """How far a correct G may be from the reference in floating point, entrywise.

    Any evaluation of 2Aᵀ(AX − B), 2(AᵀA)X − 2AᵀB, or the vec form (I ⊗ AᵀA)vec X − (I ⊗ Aᵀ)vec B,
    in any summation order, errs entrywise by ≤ γ_{m+n+1}·S with S = 2|A|ᵀ(|A||X| + |B|)
    (Higham §3.5: |fl(CD) − CD| ≤ γ_k|C||D|, applied to each product and the subtraction), and
    γ_k ≈ k·ε/2. The allowance 10(m + n + 2)·ε·S is 20× that bound for every method and
    every input. The planted mistakes change G by a multiple of its size (half of it, its
    transpose, A for Aᵀ, a factor 1/(2‖R‖)), and on the hidden inputs with a nonzero gradient
    max|G| exceeds 1e6 times the largest allowance (tests/content/test_calculus.py).
    """
    Am, Xm, Bm = _f(A), _f(X), _f(B)
    m, n = Am.shape
    S = 2.0 * np.abs(Am).T @ (np.abs(Am) @ np.abs(Xm) + np.abs(Bm))
    return np.asarray(10 * (m + n + 2) * EPS * S)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """C10: tall, square non-symmetric, column, wide A, AX = B, empty, integers, large."""
    def mat(r: int, c: int) -> np.ndarray:
        return rng.standard_normal((r, c))

    A_sq, X_sq = mat(3, 3), mat(3, 3)
    A_zero, X_zero = mat(4, 2), mat(2, 3)
    return [
        Case("tall A 5x3, X 3x2 (G has the shape of X)", (mat(5, 3), mat(3, 2), mat(5, 2))),
        Case("square A and X 3x3, non-symmetric gradient", (A_sq, X_sq, mat(3, 3))),
        Case("X a single column (vector least squares) 6x4", (mat(6, 4), mat(4, 1), mat(6, 1))),
        Case("wide A 2x4, X 4x3", (mat(2, 4), mat(4, 3), mat(2, 3))),
        Case("AX = B exactly (zero gradient) 4x2, X 2x3", (A_zero, X_zero, A_zero @ X_zero)),
        Case("empty X (n x 0): A 3x2, X 2x0, B 3x0",
             (mat(3, 2), np.zeros((2, 0)), np.zeros((3, 0)))),
        Case("integer dtype A, X, B (square 2x2)",
             tuple(rng.integers(-4, 5, (2, 2)) for _ in range(3))),
        Case("large entries (scale 1e3) 4x3, X 3x2",
             (1e3 * mat(4, 3), 1e3 * mat(3, 2), 1e3 * mat(4, 2))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C10: |G − G_ref| ≤ :func:`allowance` entrywise; the shape is X's."""
    A, X, B = (_f(a) for a in case.args)
    G = as_array(output, name="G")
    if X.shape[0] != X.shape[1] and G.shape == X.shape[::-1]:
        raise Mismatch("G has the transposed shape: the gradient with respect to X has "
                       "the shape of X, G_ij = ∂f/∂X_ij")
    assert_shape(G, X.shape, name="G")
    ref, tol = reference(A, X, B), allowance(A, X, B)
    if np.all(np.abs(G - ref) <= tol):
        return None
    if G.shape[0] == G.shape[1] and np.all(np.abs(G - ref.T) <= tol.T):
        raise Mismatch("G is the transpose of the gradient: the gradient with respect to X has "
                       "the layout of X, G_ij = ∂f/∂X_ij")
    if np.all(np.abs(2 * G - ref) <= 2 * tol):
        raise Mismatch("G is half the gradient: differentiate the square (a factor 2)")
    raise Mismatch("G differs from the gradient of ||AX - B||_F^2 (where does A enter, and "
                   "transposed or not?)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    Wrong("missing_factor_two",
          hint=("The derivative of a square brings down a factor 2: differentiate "
                "Σ_ij (AX − B)_ij² entry by entry to see it."),
          code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    return A.T @ (A @ X - B)
'''),
    Wrong("numerator_layout",
          hint=("Your gradient is transposed: with respect to an (n, p) matrix X the gradient "
                "has shape (n, p), entry (i, j) being ∂f/∂X_ij."),
          code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    return 2 * (A @ X - B).T @ A
'''),
    Wrong("a_not_transposed",
          hint=("Check the shapes: the residual AX − B is (m, p) and the gradient (n, p), so "
                "the matrix multiplying the residual from the left must be (n, m)."),
          code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    return 2 * A @ (A @ X - B)
'''),
    Wrong("norm_not_squared",
          hint=("You differentiated the norm ‖AX − B‖_F rather than its square: the chain rule "
                "for the square gives 2‖R‖ times that, not a division by ‖R‖."),
          code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    R = A @ X - B
    return A.T @ R / np.linalg.norm(R)
'''),
)

ALTERNATIVES = (
    # Expanded: 2 AᵀA X − 2 AᵀB (the normal equations' form).
    Alternative("expanded_normal_equations", code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    return 2 * (A.T @ A) @ X - 2 * A.T @ B
'''),
    # The vec form: vec G = 2 (I ⊗ AᵀA) vec X − 2 (I ⊗ Aᵀ) vec B, column-major vec.
    Alternative("kronecker_vec", code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    n, p = X.shape
    I = np.eye(p)
    g = 2 * np.kron(I, A.T @ A) @ X.reshape(-1, order="F") \\
        - 2 * np.kron(I, A.T) @ B.reshape(-1, order="F")
    return g.reshape((n, p), order="F")
'''),
    # Entry by entry with einsum: G_ij = 2 Σ_k A_ki (AX − B)_kj.
    Alternative("einsum_entries", code='''
def frobenius_grad(A, X, B):
    A, X, B = (np.asarray(M, dtype=float) for M in (A, X, B))
    R = np.einsum("kl,lj->kj", A, X) - B
    return 2 * np.einsum("ki,kj->ij", A, R)
'''),
)

TASK = Task(
    answer_cell="c10_frobenius_grad",
    checks=(CheckSpec(id="calculus.frobenius_grad", unit="calculus", function="frobenius_grad",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
