"""G6 ``principal_angles(B1, B2) -> theta``: principal angles between two subspaces, accurately.

Convention (stated in the notebook): B1 (D, k1) and B2 (D, k2) have full column rank, any
real dtype, not orthonormal; theta holds the min(k1, k2) angles in radians in [0, π/2], in
ascending order. Small angles must come from sines.

``scipy.linalg.subspace_angles``: the notebook tells students not to call it, and the
reason it gives does not depend on SciPy's version: computing the angles is the exercise, so
a library routine that does it does not answer the question. The autograder judges outputs
only, so it cannot enforce this by itself; what it does enforce is the accuracy, which
SciPy up to at least 1.17 misses (it applies its cos² ≥ ½ mask in reverse order, so a tiny
angle next to a large one comes from arccos, relative error ~1e-3 at 3e-7). That defect is
planted as a NumPy transcription (``sine_cosine_misaligned``: both SVDs return descending
values, and pairing them as they come is a natural mistake), so the bank stays valid when
SciPy fixes its routine; the planted answers that *call* SciPy (``descending``,
``degrees``) are caught for reasons SciPy documents (descending order) or that do not
involve it (degrees).

Graded to |θ − θ*| ≤ 1e-7 and |sin θ − sin θ*| ≤ 1e-8 sin θ* + 1e-12. The syllabus's "sin θ
to 1e-8" is read as a *relative* 1e-8 (plus 1e-12 absolute), because an absolute 1e-8 cannot
see arccos losing angles below 1e-7; θ itself is compared to atol 1e-7, which arcsin near
π/2 needs. The syllabus names ``scipy.linalg.subspace_angles`` as the reference; because of
its defect the reference is the same sine/cosine method with the mask aligned, and SciPy is
a cross-check in the tests where the angles do not mix. The hidden pairs of subspaces have
prescribed angles (tiny, generic, 0 and π/2) in non-orthonormal bases, the tiny ones chosen
so that arccos really misses them. Catches: no orthonormalisation, arccos of the cosines,
descending order, the sine/cosine mask misaligned (as in SciPy ≤ 1.17), degrees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.geometry import basis
from graders.content.units.linear_algebra import orthogonal
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference", "subspaces_with_angles"]


def reference(B1: Any, B2: Any) -> np.ndarray:
    """Reference G6: Knyazev–Argentati, arcsin of sines for θ ≤ π/4, arccos of cosines above.

    With orthonormal bases Q1 (the larger) and Q2, the cosines are the singular values
    of Q1ᵀQ2 and the sines those of Q2 − Q1Q1ᵀQ2; both are sorted so that entry i
    belongs to the i-th smallest angle. (``scipy.linalg.subspace_angles``, up to at least
    1.17, applies its cos² ≥ ½ mask in the opposite order, so a tiny angle next to a large
    one is taken from arccos; it is therefore only a cross-check in the tests.)
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


# ---------------------------------------------------------------- hidden inputs


def subspaces_with_angles(rng: np.random.Generator, d: int, k1: int, k2: int,
                          angles: np.ndarray, kappa: float = 10.0
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Bases (d×k1, d×k2), not orthonormal, of subspaces with the given principal angles.

    With an orthonormal Q, span(B1) = span(q_1..q_k1); B2's i-th direction is
    cos θᵢ q_i + sin θᵢ q_{k1+i} for i < min(k1, k2), and any further direction is a
    q beyond those (orthogonal to span(B1)). Needs d ≥ k1 + k2. Each basis is then
    mixed by a random k×k matrix with condition number ``kappa``.
    """
    q = orthogonal(rng, d)
    k = min(k1, k2)
    q2 = [np.cos(t) * q[:, i] + np.sin(t) * q[:, k1 + i] for i, t in enumerate(angles)]
    q2 += [q[:, k1 + k + j] for j in range(k2 - k)]
    b1 = q[:, :k1] @ basis(rng, k1, k1, kappa)
    b2 = np.array(q2).T @ basis(rng, k2, k2, kappa)
    return b1, b2


def _arccos_error(b1: np.ndarray, b2: np.ndarray, angles: np.ndarray) -> float:
    """Largest error of arccos(svd(Q1ᵀQ2)) against the prescribed angles below 1e-4."""
    s = np.linalg.svd(np.linalg.qr(b1)[0].T @ np.linalg.qr(b2)[0], compute_uv=False)
    err = np.abs(np.sort(np.arccos(np.clip(s, -1, 1))) - np.sort(angles))
    return float(np.max(err[np.sort(angles) < 1e-4]))


def _with_tiny_angles(rng: np.random.Generator, d: int, k: int, large: tuple[float, ...] = (),
                      top: float = -5.0) -> tuple[np.ndarray, np.ndarray]:
    """k − len(large) angles log-uniform in [1e-7, 10^top] (plus ``large`` ones), chosen so
    that arccos of the computed cosines misses a tiny angle by > 1e-10 (≫ the tolerance).

    arccos errs by δ/θ for a cosine rounded by δ ~ 1e-16, so it passes the relative 1e-8
    test at θ ≈ 1e-7 only if |δ| < 1e-19 — about 1e-3 per angle in any environment whose
    rounding differs from the judge's (another BLAS kernel); two such angles make ~1e-6.
    """
    for _ in range(1000):
        angles = np.sort(np.r_[10 ** rng.uniform(-7, top, k - len(large)), large])
        b1, b2 = subspaces_with_angles(rng, d, k, k, angles)
        if _arccos_error(b1, b2, angles) > 1e-10:
            return b1, b2
    raise RuntimeError("no tiny-angle case found")  # pragma: no cover


def cases(rng: np.random.Generator) -> list[Case]:
    """G6: tiny angles (sine-based accuracy), 0 and π/2, k1 ≠ k2, vectors, integer dtype."""
    swa: Callable[..., tuple[np.ndarray, np.ndarray]] = subspaces_with_angles

    def generic(k: int) -> np.ndarray:
        return np.sort(rng.uniform(0.2, 1.4, k))

    return [
        Case("generic angles, two planes in R^5", swa(rng, 5, 2, 2, generic(2))),
        Case("tiny angles 1e-7 to 1e-5 (3-dim subspaces of R^7)", _with_tiny_angles(rng, 7, 3)),
        Case("k1 = 3 > k2 = 2 in R^6", swa(rng, 6, 3, 2, generic(2))),
        Case("k1 = 1 < k2 = 3 in R^5", swa(rng, 5, 1, 3, generic(1))),
        Case("identical subspaces, different bases (angles 0)", swa(rng, 6, 3, 3, np.zeros(3))),
        Case("orthogonal subspaces (angles pi/2)", swa(rng, 5, 2, 2, np.full(2, np.pi / 2))),
        Case("two tiny and two large angles (sines and cosines mixed)",
             _with_tiny_angles(rng, 8, 4, large=(1.0, 1.3), top=-6.5)),
        Case("two vectors (k1 = k2 = 1)", swa(rng, 3, 1, 1, generic(1))),
        Case("integer dtype", (np.array([[1, 1], [0, 1], [0, 0], [0, 0]]),
                               np.array([[1, 0], [0, 0], [1, 1], [0, 1]]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """G6: ascending θ in [0, π/2]; |θ − θ*| ≤ 1e-7 and |sin θ − sin θ*| ≤ 1e-8 sin θ* + 1e-12."""
    ref = reference(*case.args)
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


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Singular values of B1ᵀB2 without orthonormalising the bases.
    Wrong("no_orthonormalisation",
          hint=("The singular values of B1ᵀB2 are the cosines only for orthonormal bases: "
                "orthonormalise B1 and B2 first (np.linalg.qr), then take the SVD."),
          code='''
def principal_angles(B1, B2):
    s = np.linalg.svd(np.asarray(B1, float).T @ np.asarray(B2, float), compute_uv=False)
    return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))
'''),
    # arccos of the cosines: angles below ~1e-7 are lost, small ones lose digits.
    Wrong("arccos_cosines",
          hint=("arccos of a cosine near 1 loses small angles: take each angle with cos² ≥ ½ from "
                "the sines, the singular values of Q2 − Q1(Q1ᵀQ2)."),
          code='''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    s = np.linalg.svd(Q1.T @ Q2, compute_uv=False)
    return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))
'''),
    # scipy's subspace_angles as is: descending order (as SciPy documents it).
    Wrong("descending",
          hint=("Your angles come out in descending order (as scipy.linalg.subspace_angles "
                "returns them): return them in ascending order."),
          code='''
import scipy.linalg

def principal_angles(B1, B2):
    return scipy.linalg.subspace_angles(np.asarray(B1, float), np.asarray(B2, float))
'''),
    # Both SVDs return descending values: the cos² ≥ ½ mask, computed on the cosines (smallest
    # angle first), is applied to the sines as they come (largest angle first). A tiny angle
    # next to a large one then comes from arccos. (scipy.linalg.subspace_angles, up to at
    # least SciPy 1.17, computes exactly this, descending.)
    Wrong("sine_cosine_misaligned",
          hint=("The SVD returns cosines and sines both in descending order, so entry i belongs "
                "to opposite angles: pair the i-th largest cosine with the i-th smallest sine "
                "before applying the cos² ≥ ½ rule."),
          code='''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    C = Q1.T @ Q2
    cos = np.linalg.svd(C, compute_uv=False)
    sin = np.linalg.svd(Q2 - Q1 @ C, compute_uv=False)
    theta = np.where(cos ** 2 >= 0.5, np.arcsin(np.clip(sin, 0.0, 1.0)),
                     np.arccos(np.clip(cos[::-1], -1.0, 1.0)))
    return np.sort(theta)
'''),
    # Degrees.
    Wrong("degrees",
          hint="Your angles are in degrees: return radians in [0, π/2], as np.arccos gives them.",
          code='''
import scipy.linalg

def principal_angles(B1, B2):
    return np.degrees(np.sort(scipy.linalg.subspace_angles(np.asarray(B1, float),
                                                           np.asarray(B2, float))))
'''),
)

ALTERNATIVES = (
    # Knyazev–Argentati: arcsin of the sines for small angles, arccos of the cosines for large.
    Alternative("sine_cosine_mixed", code='''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    cos = np.sort(np.linalg.svd(Q1.T @ Q2, compute_uv=False))[::-1]
    sin = np.sort(np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False))
    theta = np.where(cos ** 2 >= 0.5, np.arcsin(np.clip(sin, 0.0, 1.0)),
                     np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.sort(theta)
'''),
    # Sines only: arcsin of the singular values of (I − Q1Q1ᵀ)Q2 (Q2 the smaller basis).
    Alternative("sines_only", code='''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    s = np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False)
    return np.sort(np.arcsin(np.clip(s, 0.0, 1.0)))
'''),
    # SVD-based orthonormal bases; θ = atan2(sin, cos), pairing the i-th largest cosine
    # with the i-th smallest sine.
    Alternative("atan2_sine_cosine", code='''
def principal_angles(B1, B2):
    def orth(B):
        U, s, _ = np.linalg.svd(np.asarray(B, float), full_matrices=False)
        return U[:, s > max(np.shape(B)) * np.finfo(float).eps * s[0]]
    Q1, Q2 = orth(B1), orth(B2)
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    cos = np.sort(np.linalg.svd(Q1.T @ Q2, compute_uv=False))[::-1]
    sin = np.sort(np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False))
    return np.sort(np.arctan2(sin, cos))
'''),
)

TASK = Task(
    answer_cell="g6_principal_angles",
    checks=(CheckSpec(id="geometry.principal_angles", unit="geometry",
                      function="principal_angles", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
