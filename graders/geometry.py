"""Unit 2 — Geometry: references, judges and registrations of tasks G1–G6.

Registers ten checks at import (ids ``geometry.<function>``), following SYLLABUS.md
"Unit 2 — Geometry" and rules R1–R7:

* G1 ``inner(x, y, A)``, ``norm(x, A)``, ``dist(x, y, A)``, ``angle(x, y, A)`` under
  ⟨x,y⟩_A = xᵀAy with A SPD. Angles to atol 1e-7 (arccos is ill-conditioned near 0
  and π); an unclipped cosine gives NaN on the parallel cases, which are chosen so that
  it really does.
* G2 ``pairwise_distances(X, Y) -> (N, M)``: atol 1e-7·max‖x‖ for the cancellation of
  ‖x‖² + ‖y‖² − 2xᵀy; outputs ≥ 0 and finite.
* G3 ``projection_matrix(B)`` and ``project(x, B)``: P = BB⁺ (= B(BᵀB)⁻¹Bᵀ at full
  column rank); a 1-D ``b`` is one column.
* G4 ``projection_matrix_A(B, A)``: P = B(BᵀAB)⁻¹BᵀA, not symmetric.
* G5 ``knn_predict(k, X, y, Xq)``: exact match, with planted distance and vote ties.
* G6 ``principal_angles(B1, B2)``: ascending; sin θ compared to a relative 1e-8.

The references (``ref_*``) are computed independently of the students' conventions
(scipy's ``cdist`` and ``pinv``; a Cholesky-based, atan2 form of the angle; sines
and cosines for principal angles) and are exported for the tests. Each judge first
coerces the untrusted output with :mod:`graders.compare` (exact shapes, real numeric
dtype, finite), then checks properties; a failure message names what is wrong but
never a hidden value.

Clarifications of the syllabus, also stated in the notebook:

* G1: ``norm`` takes ``(x, A)``. ``angle`` raises ``ValueError`` when x or y is the zero
  vector (the angle is undefined); that is a hidden case with ``Case.raises``. Outputs
  are scalars (0-d), not arrays of shape ``(1,)`` (rule R1).
* G3: a rank-deficient B is graded only with *exactly* dependent columns (duplicates,
  zero columns, more columns than rows), so every rank-revealing method (pinv, lstsq,
  SVD, pivoted QR with a relative threshold) finds the same rank.
* G4: B has linearly independent columns; P is then unique, so it is compared directly,
  besides P² = P and BᵀA(I − P) = 0.
* G5: Euclidean distance; a training point equal to a query is one of its neighbours;
  labels are non-negative integers (not necessarily 0..C−1).
* G6: B1, B2 have full column rank; min(k1, k2) angles in radians in [0, π/2]. The
  syllabus's "sin θ to 1e-8" is read as a *relative* 1e-8 (plus 1e-12 absolute),
  because an absolute 1e-8 cannot see arccos losing angles below 1e-7; θ itself is
  compared to atol 1e-7, which arcsin near π/2 needs. The syllabus names
  ``scipy.linalg.subspace_angles`` as the reference, but scipy 1.17 applies its
  cos² ≥ ½ mask in reverse order, so a tiny angle next to a large one comes from arccos
  (relative error ~1e-3 at 3e-7); the reference is the same sine/cosine method with the
  mask aligned, and scipy is a cross-check in the tests where the angles do not mix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.spatial.distance

from graders import geometry_generators as gen
from graders.checks import Case, CheckSpec, register
from graders.compare import as_array
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = [
    "ref_angle",
    "ref_dist",
    "ref_inner",
    "ref_knn_predict",
    "ref_norm",
    "ref_pairwise_distances",
    "ref_principal_angles",
    "ref_project",
    "ref_projection_matrix",
    "ref_projection_matrix_A",
]



def _columns(B: Any) -> np.ndarray:
    """B as a 2-D float array; a 1-D ``b`` of shape (D,) is the single column (D, 1)."""
    b = _f(B)
    return b[:, None] if b.ndim == 1 else b


# ---------------------------------------------------------------- references


def ref_inner(x: Any, y: Any, A: Any) -> float:
    """Reference G1: ⟨x, y⟩_A = xᵀAy."""
    return float(_f(x) @ _f(A) @ _f(y))


def ref_norm(x: Any, A: Any) -> float:
    """Reference G1: ‖x‖_A = √(xᵀAx) (xᵀAx ≥ 0 for SPD A; clamped against rounding)."""
    return float(np.sqrt(max(ref_inner(x, x, A), 0.0)))


def ref_dist(x: Any, y: Any, A: Any) -> float:
    """Reference G1: d_A(x, y) = ‖x − y‖_A."""
    return ref_norm(_f(x) - _f(y), A)


def ref_angle(x: Any, y: Any, A: Any) -> float:
    """Reference G1: the angle under ⟨·,·⟩_A in radians, accurate near 0 and π.

    With A = LLᵀ (Cholesky), ⟨x, y⟩_A = uᵀv for u = Lᵀx, v = Lᵀy; for unit û, v̂ the
    angle is 2·atan2(‖û − v̂‖, ‖û + v̂‖) (Kahan), which needs no arccos.

    Raises:
        ValueError: if x or y is the zero vector.
    """
    L = np.linalg.cholesky(_f(A))
    u, v = L.T @ _f(x), L.T @ _f(y)
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0.0 or nv == 0.0:
        raise ValueError("the angle with the zero vector is undefined")
    u, v = u / nu, v / nv
    return float(2.0 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))


def ref_pairwise_distances(X: Any, Y: Any) -> np.ndarray:
    """Reference G2: ``scipy.spatial.distance.cdist`` (Euclidean), shape (N, M)."""
    x, y = _f(X), _f(Y)
    if x.shape[0] == 0 or y.shape[0] == 0:
        return np.zeros((x.shape[0], y.shape[0]))
    return np.asarray(scipy.spatial.distance.cdist(x, y))


def ref_projection_matrix(B: Any) -> np.ndarray:
    """Reference G3: P = B B⁺ with ``scipy.linalg.pinv`` (rank by σᵢ > max(D, K)·ε·σ₁)."""
    b = _columns(B)
    if not np.any(b):
        return np.zeros((b.shape[0], b.shape[0]))
    p = b @ scipy.linalg.pinv(b)
    return np.asarray((p + p.T) / 2)


def ref_project(x: Any, B: Any) -> np.ndarray:
    """Reference G3: the orthogonal projection P x of x onto span(B)."""
    return np.asarray(ref_projection_matrix(B) @ _f(x))


def ref_projection_matrix_A(B: Any, A: Any) -> np.ndarray:
    """Reference G4: P = B (BᵀAB)⁻¹ BᵀA, by a symmetric positive definite solve."""
    b, a = _f(B), _f(A)
    return np.asarray(b @ scipy.linalg.solve(b.T @ a @ b, b.T @ a, assume_a="pos"))


def ref_knn_predict(k: int, X: Any, y: Any, Xq: Any) -> np.ndarray:
    """Reference G5: stable sort of Euclidean distances, vote ties to the smallest label."""
    x, q, labels = _f(X), _f(Xq), np.asarray(y)
    d2 = ((q[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    out = np.empty(q.shape[0], dtype=labels.dtype)
    for i, row in enumerate(d2):
        near = labels[np.argsort(row, kind="stable")[: int(k)]]
        values, counts = np.unique(near, return_counts=True)  # values ascending
        out[i] = values[np.argmax(counts)]  # argmax: first (smallest) label of the max
    return out


def ref_principal_angles(B1: Any, B2: Any) -> np.ndarray:
    """Reference G6: Knyazev–Argentati, arcsin of sines for θ ≤ π/4, arccos of cosines above.

    With orthonormal bases Q1 (the larger) and Q2, the cosines are the singular values
    of Q1ᵀQ2 and the sines those of Q2 − Q1Q1ᵀQ2; both are sorted so that entry i
    belongs to the i-th smallest angle. (``scipy.linalg.subspace_angles`` 1.17 applies
    its cos² ≥ ½ mask in the opposite order, so a tiny angle next to a large one is
    taken from arccos; it is therefore only a cross-check in the tests.)
    """
    q1, q2 = scipy.linalg.orth(_f(B1)), scipy.linalg.orth(_f(B2))
    if q1.shape[1] < q2.shape[1]:
        q1, q2 = q2, q1
    c = q1.T @ q2
    cos = np.sort(scipy.linalg.svdvals(c))[::-1]
    sin = np.sort(scipy.linalg.svdvals(q2 - q1 @ c))
    theta = np.where(cos**2 >= 0.5, np.arcsin(np.clip(sin, 0.0, 1.0)),
                     np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.sort(theta)


# ---------------------------------------------------------------- judges


def _scalar(output: Any, name: str) -> float:
    """An untrusted 0-d real number (NaN allowed, so judges can explain it)."""
    arr = as_array(output, name=name, finite=False)
    if arr.ndim != 0:
        raise Mismatch(f"{name}: expected a scalar (a float or 0-d array), got shape "
                       f"{arr.shape}")
    return float(arr)


def _finite(value: float, name: str, hint: str) -> None:
    """Fail on NaN/inf with a hint about where it comes from."""
    if not np.isfinite(value):
        raise Mismatch(f"{name} is NaN or infinite: {hint}")


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


def judge_inner(case: Case, output: Any) -> str | None:
    """G1 inner: xᵀAy to rtol 1e-8 plus atol 1e-10·‖x‖‖A‖‖y‖."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "inner")
    _finite(out, "inner", "xᵀAy of finite inputs is finite")
    # Rounding of xᵀAy is ≤ γ_{2n}|x|ᵀ|A||y| ≤ 2n^{1.5}ε‖x‖‖A‖₂‖y‖ ≈ 1e-14·scale for n ≤ 8,
    # so atol 1e-10·scale (R2) and rtol 1e-8 accept any summation order by ≥ 1e4×.
    tol = 1e-8 * abs(ref_inner(x, y, A)) + 1e-10 * float(np.linalg.norm(x)) * _norm2(A) \
        * float(np.linalg.norm(y))
    if _close(out, ref_inner(x, y, A), tol):
        return None
    if _close(out, float(x @ np.linalg.solve(A, y)), tol):
        raise Mismatch("this is xᵀA⁻¹y: the inner product uses A itself, ⟨x, y⟩_A = xᵀAy")
    if _close(out, float(x @ y), tol):
        raise Mismatch("this is the plain dot product xᵀy: A is ignored")
    raise Mismatch("⟨x, y⟩_A differs from xᵀAy")


def judge_norm(case: Case, output: Any) -> str | None:
    """G1 norm: √(xᵀAx) to rtol 1e-8 plus atol 1e-10·‖A‖^½‖x‖."""
    x, A = (_f(v) for v in case.args)
    out = _scalar(output, "norm")
    _finite(out, "norm", "xᵀAx ≥ 0 for SPD A")
    ref = ref_norm(x, A)
    # √ halves the relative error of xᵀAx (see judge_inner), so the same margins hold.
    tol = 1e-8 * ref + 1e-10 * np.sqrt(_norm2(A)) * float(np.linalg.norm(x))
    if _close(out, ref, tol):
        return None
    if _close(out, ref**2, 1e-8 * ref**2):
        raise Mismatch("this is ‖x‖²_A = xᵀAx: the norm is its square root")
    if _close(out, float(np.sqrt(x @ np.linalg.solve(A, x))), tol):
        raise Mismatch("this is √(xᵀA⁻¹x): use A itself, ‖x‖_A = √(xᵀAx)")
    if _close(out, float(np.linalg.norm(x)), tol):
        raise Mismatch("this is the Euclidean norm: A is ignored")
    raise Mismatch("‖x‖_A differs from √(xᵀAx)")


def judge_dist(case: Case, output: Any) -> str | None:
    """G1 dist: ‖x − y‖_A to rtol 1e-8 plus atol 1e-7·max(‖x‖_A, ‖y‖_A)."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "dist")
    _finite(out, "dist", "expanding ‖x‖² + ‖y‖² − 2⟨x, y⟩ can go slightly negative; "
                         "compute ‖x − y‖_A, or clamp at 0 before the square root")
    ref = ref_dist(x, y, A)
    # The expansion ⟨x,x⟩ + ⟨y,y⟩ − 2⟨x,y⟩ (then clamped and rooted) is a correct method whose
    # squared distance carries an absolute error ≤ ~(4n+8)ε·R² (R = max A-norm); after the
    # root that is ≤ √(40ε)·R ≈ 9e-8·R at n ≤ 8, within atol 1e-7·R (as G2's syllabus tolerance).
    tol = 1e-8 * ref + 1e-7 * max(ref_norm(x, A), ref_norm(y, A))
    if _close(out, ref, tol):
        return None
    if _close(out, ref**2, 1e-8 * ref**2 + 1e-12):
        raise Mismatch("this is the squared distance ‖x − y‖²_A: take the square root")
    if _close(out, float(np.linalg.norm(x - y)), tol):
        raise Mismatch("this is the Euclidean distance: A is ignored")
    raise Mismatch("d_A(x, y) differs from ‖x − y‖_A")


def judge_angle(case: Case, output: Any) -> str | None:
    """G1 angle: radians in [0, π] to atol 1e-7 (arccos loses ~√ε near 0 and π)."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "angle")
    _finite(out, "angle", "on (anti)parallel vectors the computed cosine can exceed ±1 by "
                          "rounding; clip it to [−1, 1] before arccos")
    ref = ref_angle(x, y, A)
    # A cosine computed with relative error δ ≤ ~20ε gives arccos an error ≤ √(2δ) ≈ 9e-8 at
    # 0 and π (≈ δ/sin θ elsewhere): atol 1e-7 (syllabus); bugs err by ≥ 0.05 rad here.
    if _close(out, ref, 1e-7):
        return None
    if _close(out, np.degrees(ref), 1e-5):
        raise Mismatch("the angle is in degrees: return radians")
    xa, ya = np.linalg.solve(A, x), np.linalg.solve(A, y)
    cos_inv = float(x @ ya) / np.sqrt(float(x @ xa) * float(y @ ya))
    if _close(out, float(np.arccos(np.clip(cos_inv, -1, 1))), 1e-7):
        raise Mismatch("this is the angle under xᵀA⁻¹y: use A itself")
    raise Mismatch("the angle differs from arccos(⟨x, y⟩_A / (‖x‖_A ‖y‖_A)) in radians")


def judge_pairwise_distances(case: Case, output: Any) -> str | None:
    """G2: (N, M), finite, ≥ 0, within rtol 1e-8 + atol 1e-7·max‖x‖ of cdist."""
    X, Y = _f(case.args[0]), _f(case.args[1])
    n, m = X.shape[0], Y.shape[0]
    D = as_array(output, name="distances", ndim=2, finite=False)
    if D.shape != (n, m):
        if D.shape == (m, n):
            raise Mismatch("the result is (M, N): transposed? Row i must hold the distances "
                           "from X[i] to every row of Y")
        raise Mismatch("expected shape (N, M) = (rows of X, rows of Y)")
    if not np.all(np.isfinite(D)):
        raise Mismatch("NaN distances: ‖x‖² + ‖y‖² − 2xᵀy can be slightly negative for equal "
                       "points; clamp it at 0 before the square root")
    if D.size == 0:
        return None
    if D.min() < 0:
        raise Mismatch("negative distances")
    ref = ref_pairwise_distances(X, Y)
    scale = max(float(np.linalg.norm(X, axis=1).max()), float(np.linalg.norm(Y, axis=1).max()))
    # ‖x‖² + ‖y‖² − 2xᵀy has absolute error ≤ ~(2D+4)ε·2R² (R = max‖x‖); after clamping and
    # the root, ≤ √(28ε)·R ≈ 8e-8·R at D ≤ 5 (true 0.01 read as 0.0100008 at R = 1e4):
    # atol 1e-7·R (syllabus). Direct differences are exact to ~ε·d, inside rtol 1e-8.
    atol = 1e-7 * scale
    err = np.abs(D - ref)
    if np.all(err <= atol + 1e-8 * ref):
        return None
    if np.all(np.abs(D - ref**2) <= atol * scale + 1e-8 * ref**2):
        raise Mismatch("these are squared distances: take the square root")
    raise Mismatch(f"{int(np.count_nonzero(err > atol + 1e-8 * ref))} of {D.size} distances "
                   "differ from the Euclidean distances ‖X[i] − Y[j]‖")


def _check_projector_shape(P_out: Any, d: int) -> np.ndarray:
    """P as a (d, d) array, with the diagnostic for a scalar from ``b @ b.T`` on 1-D b."""
    P = as_array(P_out, name="P", finite=False)
    if P.ndim == 0 or (P.size == 1 and d > 1):
        raise Mismatch("P is a scalar: for a 1-D array b, b @ b.T is the dot product bᵀb; "
                       "use np.outer(b, b), or reshape b to a (D, 1) column")
    if P.shape != (d, d):
        raise Mismatch("P must have shape (D, D), D = number of rows of B: is the inverse "
                       "in the wrong position (P = B (BᵀB)⁻¹ Bᵀ)?")
    if not np.all(np.isfinite(P)):
        raise Mismatch("P contains NaN or infinity: BᵀB is singular for rank-deficient B; "
                       "use the pseudo-inverse (P = B B⁺)")
    return P


def judge_projection_matrix(case: Case, output: Any) -> str | None:
    """G3 projection_matrix: P = BB⁺ to atol 1e-9, with P = Pᵀ and P² = P diagnostics."""
    B = _columns(case.args[0])
    P = _check_projector_shape(output, B.shape[0])
    ref = ref_projection_matrix(B)
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
    if np.max(np.abs(p - ref_project(x, B))) <= tol:
        return None
    if _norm2(B.T @ (x - p)) > tol * max(_norm2(B), 1.0):
        raise Mismatch("x − project(x, B) is not orthogonal to the columns of B")
    raise Mismatch("the residual is orthogonal to B, but the result is not P x (outside "
                   "span(B)?)")


def judge_projection_matrix_A(case: Case, output: Any) -> str | None:
    """G4: P = B(BᵀAB)⁻¹BᵀA to atol 1e-10·‖P‖₂; P² = P and BᵀA(I − P) = 0 as diagnostics."""
    B, A = _f(case.args[0]), _f(case.args[1])
    P = _check_projector_shape(output, B.shape[0])
    ref = ref_projection_matrix_A(B, A)
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


def judge_knn_predict(case: Case, output: Any) -> str | None:
    """G5: exact match of the labels (ties planted; distances exact on integer grids)."""
    k, X, y, Xq = case.args
    ref = ref_knn_predict(k, X, y, Xq)
    pred = as_array(output, name="predictions", shape=ref.shape)
    wrong = int(np.count_nonzero(pred != ref))
    if wrong:
        raise Mismatch(f"{wrong} of {len(ref)} predicted labels are wrong (use exactly k "
                       "neighbours, a query's own training point included; distance ties "
                       "go to the smaller training index, vote ties to the smallest label)")
    return None


def judge_principal_angles(case: Case, output: Any) -> str | None:
    """G6: ascending θ in [0, π/2]; |θ − θ*| ≤ 1e-7 and |sin θ − sin θ*| ≤ 1e-8 sin θ* + 1e-12."""
    ref = ref_principal_angles(*case.args)
    theta = as_array(output, name="theta", ndim=1)
    if theta.shape != ref.shape:
        raise Mismatch("theta must have min(k1, k2) entries (k1, k2 = columns of B1, B2)")
    if theta.min() < -1e-12 or theta.max() > np.pi / 2 + 1e-7:
        raise Mismatch("principal angles lie in [0, π/2] radians")
    # θ: arcsin near π/2 (and arccos for large angles) is accurate to ≤ √(2·20ε) ≈ 9e-8.
    if np.max(np.abs(theta - ref)) > 1e-7:
        if np.max(np.abs(theta[::-1] - ref)) <= 1e-7:
            raise Mismatch("the angles are in descending order; return them ascending")
        raise Mismatch("the angles are wrong: orthonormalise both bases before taking "
                       "singular values")
    # sin θ: a sine-based method (SVD of (I − Q₁Q₁ᵀ)Q₂) has absolute error ≲ κ(R)·n·ε ≈ 2e-14
    # (κ ≤ 10, n ≤ 7), inside 1e-12 by 50×. arccos of a cosine near 1 errs by ~ε/θ ≥ 1e-10 at
    # θ ≤ 1e-5, far above 1e-8·sin θ + 1e-12 there (the tiny-angle case is chosen so it does).
    s, s_ref = np.sin(theta), np.sin(ref)
    if np.any(np.abs(s - s_ref) > 1e-8 * s_ref + 1e-12):
        raise Mismatch("small angles are inaccurate: arccos of singular values near 1 loses "
                       "them; compute small angles from sines (SVD of Q₂ − Q₁Q₁ᵀQ₂)")
    return None


# ---------------------------------------------------------------- registration

_SPECS = [
    ("inner", gen.cases_inner, judge_inner),
    ("norm", gen.cases_norm, judge_norm),
    ("dist", gen.cases_dist, judge_dist),
    ("angle", gen.cases_angle, judge_angle),
    ("pairwise_distances", gen.cases_pairwise_distances, judge_pairwise_distances),
    ("projection_matrix", gen.cases_projection_matrix, judge_projection_matrix),
    ("project", gen.cases_project, judge_project),
    ("projection_matrix_A", gen.cases_projection_matrix_A, judge_projection_matrix_A),
    ("knn_predict", gen.cases_knn_predict, judge_knn_predict),
    ("principal_angles", gen.cases_principal_angles, judge_principal_angles),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"geometry.{_name}", unit="geometry", function=_name,
                       cases=_cases, judge=_judge))
