"""G3 ``projection_matrix(B) -> P`` and ``project(x, B) -> p``: orthogonal projection onto col(B).

Convention (stated in the notebook): B has shape (D, K), any real dtype; a 1-D ``b`` of shape
(D,) is the single column (D, 1). P has shape (D, D): P = BB⁺ (= B(BᵀB)⁻¹Bᵀ at full column
rank); ``project(x, B)`` returns Px, shape (D,). A rank-deficient B is graded only with
*exactly* dependent columns (duplicates, zero columns, more columns than rows), so every
rank-revealing method (pinv, lstsq, SVD, pivoted QR with a relative threshold) finds the
same rank.

Graded against BB⁺ (``scipy.linalg.pinv``) to atol 1e-9, with P = Pᵀ and P² = P as
diagnostics; ``project`` to atol 1e-9·‖x‖ of Px, with Bᵀ(x − Px) = 0 as the diagnostic. The
answer cell defines both functions, each judged by its own check, so a wrong ``project``
also loses the question's marks. Catches: BBᵀ without the inverse, ``b @ b.T`` on a 1-D b
(a scalar), the inverse in the wrong position, (BᵀB)⁻¹ on dependent columns, QR without
rank detection, ``project`` returning the residual.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.geometry import basis, check_projector_shape
from graders.errors import Mismatch

__all__ = [
    "TASK",
    "cases_project",
    "cases_projection_matrix",
    "judge_project",
    "judge_projection_matrix",
    "reference_project",
    "reference_projection_matrix",
]


def _columns(B: Any) -> np.ndarray:
    """B as a 2-D float array; a 1-D ``b`` of shape (D,) is the single column (D, 1)."""
    b = _f(B)
    return b[:, None] if b.ndim == 1 else b


def reference_projection_matrix(B: Any) -> np.ndarray:
    """Reference G3: P = B B⁺ with ``scipy.linalg.pinv`` (rank by σᵢ > max(D, K)·ε·σ₁)."""
    b = _columns(B)
    if not np.any(b):
        return np.zeros((b.shape[0], b.shape[0]))
    p = b @ scipy.linalg.pinv(b)
    return np.asarray((p + p.T) / 2)


def reference_project(x: Any, B: Any) -> np.ndarray:
    """Reference G3: the orthogonal projection P x of x onto span(B)."""
    return np.asarray(reference_projection_matrix(B) @ _f(x))


# ---------------------------------------------------------------- hidden inputs


def cases_projection_matrix(rng: np.random.Generator) -> list[Case]:
    """G3: 1-D b, tall/square/wide, exactly rank-deficient (duplicate, zero column), int."""
    tall = basis(rng, 5, 3, 100.0)
    return [
        Case("1-D vector b of shape (3,)", (rng.standard_normal(3),)),
        Case("tall 6x2, well-conditioned", (basis(rng, 6, 2, 100.0),)),
        Case("single column 4x1", (rng.standard_normal((4, 1)),)),
        Case("rank-deficient: duplicated column 5x4",
             (np.column_stack([tall, tall[:, 1]]),)),
        Case("rank-deficient: zero column 4x3",
             (np.column_stack([basis(rng, 4, 2), np.zeros(4)]),)),
        Case("square invertible 3x3 (P = I)", (basis(rng, 3, 3),)),
        Case("wide 2x3 (P = I)", (rng.standard_normal((2, 3)),)),
        Case("integer dtype 4x2", (np.array([[1, 0], [1, 1], [1, 2], [1, 3]]),)),
        Case("zero matrix 3x2 (P = 0)", (np.zeros((3, 2)),)),
    ]


def cases_project(rng: np.random.Generator) -> list[Case]:
    """G3 project(x, B): generic x, x in the span (Px = x), x ⟂ span (Px = 0), 1-D b, int."""
    B = basis(rng, 5, 2, 100.0)
    q = np.linalg.qr(B, mode="complete")[0]
    return [
        Case("generic x, tall 5x2 B", (rng.standard_normal(5), B)),
        Case("x in the span of B (Px = x)", (B @ rng.standard_normal(2), B)),
        Case("x orthogonal to the span of B (Px = 0)", (q[:, 2:] @ rng.standard_normal(3), B)),
        Case("1-D vector b of shape (3,)", (rng.standard_normal(3), rng.standard_normal(3))),
        Case("rank-deficient: duplicated column 4x3",
             (rng.standard_normal(4), np.column_stack([B[:4], B[:4, 0]]))),
        Case("integer dtype x and B", (np.array([1, 2, 3, 4]),
                                       np.array([[1, 0], [1, 1], [1, 2], [1, 3]]))),
        Case("1x1 B", (np.array([rng.uniform(-3, 3)]), np.array([[rng.uniform(1, 3)]]))),
    ]


# ---------------------------------------------------------------- judge


def judge_projection_matrix(case: Case, output: Any) -> str | None:
    """G3 projection_matrix: P = BB⁺ to atol 1e-9, with P = Pᵀ and P² = P diagnostics."""
    B = _columns(case.args[0])
    P = check_projector_shape(output, B.shape[0])
    ref = reference_projection_matrix(B)
    # ‖P‖₂ ≤ 1. The normal-equations formula has error ≲ κ(BᵀB)·c·n·ε ≤ 1e4·6·ε ≈ 1.3e-11
    # (κ(B) ≤ 100 here); pinv/QR/SVD ≲ κ(B)·n·ε. atol 1e-9 leaves ≥ 75×; bugs err by O(1).
    tol = 1e-9
    if np.max(np.abs(P - ref)) <= tol:
        return None
    if np.max(np.abs(P - P.T)) > tol:
        raise Mismatch("P is not symmetric: an orthogonal projection matrix is (inverse in "
                       "the wrong position?)")
    if np.max(np.abs(P @ P - P)) > tol * max(1.0, _norm2(P)) ** 2:
        raise Mismatch("P² ≠ P: not a projection. B Bᵀ needs the (BᵀB)⁻¹ in the middle")
    raise Mismatch("P is a projection, but not onto span(B): for rank-deficient B (dependent "
                   "columns) use P = B B⁺, and keep every independent direction")


def judge_project(case: Case, output: Any) -> str | None:
    """G3 project: P x to atol 1e-9·‖x‖, with Bᵀ(x − Px) = 0 as the diagnostic."""
    x, B = _f(case.args[0]), _columns(case.args[1])
    p = as_array(output, name="projection", finite=False)
    if p.shape != x.shape:
        raise Mismatch("project(x, B) must have the shape (D,) of x")
    if not np.all(np.isfinite(p)):
        raise Mismatch("the projection contains NaN or infinity: BᵀB is singular for "
                       "rank-deficient B; use the pseudo-inverse")
    scale = max(float(np.linalg.norm(x)), np.finfo(float).tiny)
    # As for projection_matrix (‖P‖ ≤ 1), scaled by ‖x‖.
    tol = 1e-9 * scale
    if np.max(np.abs(p - reference_project(x, B))) <= tol:
        return None
    if _norm2(B.T @ (x - p)) > tol * max(_norm2(B), 1.0):
        raise Mismatch("x − project(x, B) is not orthogonal to the columns of B")
    raise Mismatch("the residual is orthogonal to B, but the result is not P x (outside "
                   "span(B)?)")


# ---------------------------------------------------------------- planted answers
# The answer cell defines both functions; ``project`` is checked by its own id in the
# same test cell, so a wrong ``project`` also loses the question's marks.

_PROJECT = '''
def project(x, B):
    return projection_matrix(B) @ np.asarray(x, dtype=float)
'''

WRONG = (
    # B Bᵀ without the inverse in the middle.
    Wrong("bbT_without_inverse",
          hint=("B Bᵀ alone is not a projection (P² ≠ P) unless the columns are orthonormal: "
                "put (BᵀB)⁻¹ in the middle, or use P = B B⁺."),
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ B.T
''' + _PROJECT),
    # Coursera's bug: on a 1-D b, b @ b.T is the scalar bᵀb, so P = 1.
    Wrong("one_d_dot_product",
          hint=("For a 1-D array b, b @ b.T is the number bᵀb, not a matrix: reshape b to a "
                "(D, 1) column or use np.outer(b, b)."),
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    return B @ np.linalg.pinv(B.T @ B) @ B.T if B.ndim == 2 else (B @ B.T) / (B @ B)
''' + _PROJECT),
    # The inverse in the wrong position: Bᵀ (B Bᵀ)⁺ B is (K, K).
    Wrong("inverse_wrong_position",
          hint=("Your P has shape (K, K): the inverse goes in the middle, P = B (BᵀB)⁻¹ Bᵀ, "
                "which has shape (D, D)."),
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B.T @ np.linalg.pinv(B @ B.T) @ B
''' + _PROJECT),
    # B (BᵀB)⁻¹ Bᵀ for every B: singular BᵀB when the columns are dependent.
    Wrong("normal_equations_inverse",
          hint=("BᵀB is singular when the columns of B are dependent (or K > D), so inverting it "
                "fails: use the pseudo-inverse, P = B B⁺."),
          nameable=False,
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.inv(B.T @ B) @ B.T
''' + _PROJECT),
    # Q Qᵀ from a reduced QR without rank detection: too large a span when rank-deficient.
    Wrong("qr_without_rank_check",
          hint=("Q Qᵀ from a reduced QR keeps one direction per column even when columns are "
                "dependent or zero: detect the rank (pinv, or an SVD with a threshold)."),
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    Q = np.linalg.qr(B)[0]
    return Q @ Q.T
''' + _PROJECT),
    # projection_matrix is right, but project returns the residual x − P x.
    Wrong("project_returns_residual",
          hint=("Your project returns the residual x − Px, the part orthogonal to col(B): "
                "project(x, B) must return Px itself."),
          code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.pinv(B)

def project(x, B):
    x = np.asarray(x, dtype=float)
    return x - projection_matrix(B) @ x
'''),
)

ALTERNATIVES = (
    # P = B B⁺ with numpy's pseudo-inverse.
    Alternative("pinv", code='''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.pinv(B)
''' + _PROJECT),
    # Orthonormal basis of the column space from the SVD with a relative rank threshold.
    Alternative("svd_rank", code='''
def _basis(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B.reshape(-1, 1)
    U, s, _ = np.linalg.svd(B, full_matrices=False)
    r = int(np.sum(s > max(B.shape) * np.finfo(float).eps * s[0])) if s.size and s[0] > 0 else 0
    return U[:, :r]

def projection_matrix(B):
    U = _basis(B)
    return U @ U.T

def project(x, B):
    U = _basis(B)
    return U @ (U.T @ np.asarray(x, dtype=float))
'''),
    # Least squares: P = B · lstsq(B, I); project(x) = B · lstsq(B, x).
    Alternative("lstsq", code='''
def projection_matrix(B):
    B = np.atleast_2d(np.asarray(B, dtype=float).T).T
    return B @ np.linalg.lstsq(B, np.eye(B.shape[0]), rcond=None)[0]

def project(x, B):
    B = np.atleast_2d(np.asarray(B, dtype=float).T).T
    return B @ np.linalg.lstsq(B, np.asarray(x, dtype=float), rcond=None)[0]
'''),
    # scipy.linalg.orth gives an orthonormal basis of the range (rank by the SVD).
    Alternative("scipy_orth", code='''
import scipy.linalg

def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    Q = scipy.linalg.orth(B[:, None] if B.ndim == 1 else B)
    return Q @ Q.T
''' + _PROJECT),
)

TASK = Task(
    answer_cell="g3_projection_matrix",
    checks=(
        CheckSpec(id="geometry.projection_matrix", unit="geometry",
                  function="projection_matrix", cases=cases_projection_matrix,
                  judge=judge_projection_matrix, reference=reference_projection_matrix),
        CheckSpec(id="geometry.project", unit="geometry", function="project",
                  cases=cases_project, judge=judge_project, reference=reference_project),
    ),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
