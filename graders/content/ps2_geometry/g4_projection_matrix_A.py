"""G4 ``projection_matrix_A(B, A) -> P``: the projection onto col(B) orthogonal under ⟨·,·⟩_A.

Convention (stated in the notebook): B is (D, K), 2-D, any real dtype, with linearly
independent columns; A is (D, D) SPD; ⟨x, y⟩_A = xᵀAy. The residual is A-orthogonal to
col(B), BᵀA(x − Px) = 0, so P = B(BᵀAB)⁻¹BᵀA, shape (D, D): idempotent but in general not
symmetric (do not symmetrise it; A stays on the right).

P is unique, so it is compared directly with the formula (an SPD solve) to atol 1e-10·‖P‖₂,
with P² = P and BᵀA(I − P) = 0 as diagnostics. The hidden A ≠ I wherever it matters, so the
Euclidean formula and a symmetrised P are wrong there; integer dtype, a square B (P = I), A
scaled by 10⁶ (P unchanged) and 1×1 inputs too. Catches: the Euclidean projection, a
symmetrised P, A on the left (Pᵀ), the trailing A forgotten, A⁻¹ in place of A.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.geometry import INT_SPD, basis, check_projector_shape
from graders.content.units.linear_algebra import spd
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(B: Any, A: Any) -> np.ndarray:
    """Reference G4: P = B (BᵀAB)⁻¹ BᵀA, by a symmetric positive definite solve."""
    b, a = _f(B), _f(A)
    return np.asarray(b @ scipy.linalg.solve(b.T @ a @ b, b.T @ a, assume_a="pos"))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """G4: A ≠ I so that the Euclidean formula and a symmetrised P are wrong; int; 1×1."""
    return [
        Case("tall 4x2 B, SPD A", (basis(rng, 4, 2), spd(rng, 4))),
        Case("tall 6x3 B, SPD A", (basis(rng, 6, 3), spd(rng, 6))),
        Case("single column 3x1", (rng.standard_normal((3, 1)), spd(rng, 3))),
        Case("diagonal A", (basis(rng, 3, 2), np.diag([1.0, 5.0, 10.0]))),
        Case("A = I (the Euclidean projection)", (basis(rng, 4, 2), np.eye(4))),
        Case("integer dtype B and A", (np.array([[1, 0], [1, 1], [0, 2]]), INT_SPD)),
        Case("square invertible B 3x3 (P = I)", (basis(rng, 3, 3), spd(rng, 3))),
        Case("A scaled by 1e6 (P unchanged)", (basis(rng, 5, 2), 1e6 * spd(rng, 5))),
        Case("1x1", (np.array([[rng.uniform(1, 3)]]), np.array([[rng.uniform(1, 3)]]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """G4: P = B(BᵀAB)⁻¹BᵀA to atol 1e-10·‖P‖₂; P² = P and BᵀA(I − P) = 0 as diagnostics."""
    B, A = _f(case.args[0]), _f(case.args[1])
    P = check_projector_shape(output, B.shape[0])
    ref = reference(B, A)
    # κ(B) ≤ 10 (κ ≈ 3 for the integer B), κ(A) ≤ 10 (A's scale cancels), so
    # κ(BᵀAB) ≤ 1e3 and any backward-stable formula errs by ≲ 1e3·n·ε·‖P‖ ≈ 1.3e-12·‖P‖₂
    # (‖P‖₂ ≤ √κ(A)): atol 1e-10·‖P‖₂ (R2) leaves ~75×; the bugs err by O(0.1–1).
    tol = 1e-10 * _norm2(ref)
    if np.max(np.abs(P - ref)) <= tol:
        return None
    ref_symmetric = np.max(np.abs(ref - ref.T)) <= tol
    if not ref_symmetric and np.max(np.abs(P - ref.T)) <= tol:
        raise Mismatch("this is Pᵀ = A B (BᵀAB)⁻¹ Bᵀ: A belongs on the right, "
                       "P = B (BᵀAB)⁻¹ BᵀA")
    if not ref_symmetric and np.max(np.abs(P - P.T)) <= tol:
        raise Mismatch("P is symmetric, but the projection under ⟨·,·⟩_A is not: the "
                       "Euclidean formula, or a symmetrised P?")
    if np.max(np.abs(P @ P - P)) > tol * max(1.0, _norm2(P)):
        raise Mismatch("P² ≠ P: not a projection")
    if np.max(np.abs(B.T @ A @ (np.eye(len(P)) - P))) > 1e-10 * _norm2(B) * _norm2(A):
        raise Mismatch("BᵀA(x − Px) ≠ 0: the residual is not A-orthogonal to span(B)")
    raise Mismatch("P differs from B (BᵀAB)⁻¹ BᵀA")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The Euclidean projection B (BᵀB)⁻¹ Bᵀ: A ignored.
    Wrong("euclidean",
          hint=("You computed the Euclidean projection B (BᵀB)⁻¹ Bᵀ, which ignores A: the "
                "residual must be A-orthogonal, giving P = B (BᵀAB)⁻¹ BᵀA."),
          code='''
def projection_matrix_A(B, A):
    B = np.asarray(B, dtype=float)
    return B @ np.linalg.solve(B.T @ B, B.T)
'''),
    # The correct P, symmetrised (P + Pᵀ)/2 "for stability".
    Wrong("symmetrised",
          hint=("The projection under ⟨·,·⟩_A is in general not symmetric: symmetrising it, "
                "(P + Pᵀ)/2, changes it; return B (BᵀAB)⁻¹ BᵀA as it is."),
          code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    P = B @ np.linalg.solve(B.T @ A @ B, B.T @ A)
    return (P + P.T) / 2
'''),
    # A on the left: A B (BᵀAB)⁻¹ Bᵀ = Pᵀ.
    Wrong("A_on_the_left",
          hint=("A B (BᵀAB)⁻¹ Bᵀ is the transpose of the projection: A belongs on the right, "
                "P = B (BᵀAB)⁻¹ BᵀA."),
          code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return A @ B @ np.linalg.inv(B.T @ A @ B) @ B.T
'''),
    # The trailing A forgotten: B (BᵀAB)⁻¹ Bᵀ is not idempotent.
    Wrong("missing_trailing_A",
          hint=("B (BᵀAB)⁻¹ Bᵀ is missing the trailing A and is not a projection (P² ≠ P): "
                "P = B (BᵀAB)⁻¹ BᵀA."),
          code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return B @ np.linalg.inv(B.T @ A @ B) @ B.T
'''),
    # A⁻¹ in place of A.
    Wrong("inverse_A",
          hint=("You used A⁻¹ where the formula has A: with ⟨x, y⟩_A = xᵀAy the projection is "
                "P = B (BᵀAB)⁻¹ BᵀA, with A itself."),
          code='''
def projection_matrix_A(B, A):
    B, Ai = np.asarray(B, dtype=float), np.linalg.inv(A)
    return B @ np.linalg.inv(B.T @ Ai @ B) @ B.T @ Ai
'''),
)

ALTERNATIVES = (
    # A linear solve instead of the inverse.
    Alternative("solve", code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return B @ np.linalg.solve(B.T @ A @ B, B.T @ A)
'''),
    # Whitening: with A = L Lᵀ and C = Lᵀ B, P = L⁻ᵀ (C C⁺) Lᵀ.
    Alternative("cholesky_whitening", code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    L = np.linalg.cholesky(A)
    C = L.T @ B
    return np.linalg.solve(L.T, C @ np.linalg.pinv(C) @ L.T)
'''),
    # An A-orthonormal basis by Gram–Schmidt in ⟨·,·⟩_A, then P = Q Qᵀ A.
    Alternative("A_gram_schmidt", code='''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    Q = np.zeros((B.shape[0], 0))
    for j in range(B.shape[1]):
        v = B[:, j].copy()
        for _ in range(2):                      # twice is enough (re-orthogonalisation)
            v = v - Q @ (Q.T @ (A @ v))
        Q = np.column_stack([Q, v / np.sqrt(v @ A @ v)])
    return Q @ Q.T @ A
'''),
    # The textbook formula with explicit inverse.
    Alternative("inverse_formula", code='''
def projection_matrix_A(B, A):
    B = np.asarray(B, dtype=float)
    A = np.asarray(A, dtype=float)
    return B @ np.linalg.inv(B.T @ A @ B) @ B.T @ A
'''),
)

TASK = Task(
    answer_cell="g4_projection_matrix_A",
    checks=(CheckSpec(id="geometry.projection_matrix_A", unit="geometry",
                      function="projection_matrix_A", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
