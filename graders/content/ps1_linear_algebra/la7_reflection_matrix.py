"""LA7 ``reflection_matrix(B) -> T``: the reflection in the mirror line along b₁.

Convention (stated in the notebook): B is 2×2 of any real dtype with linearly independent
columns b₁, b₂ (the Coursera "reflecting bear" setting); the mirror is the line through the
origin along b₁, so ``T = 2 e eᵀ − I`` with ``e = b₁/‖b₁‖`` (a 2×2 float array), and b₂
does not change T.

The answer is unique, so it is graded by direct comparison (atol 10⁻¹⁰), after the
properties that name the mistake: ``T b₁ = b₁``, ``T = Tᵀ``, ``T² = I``. The hidden bases
have b₂ not orthogonal to b₁ wherever the oblique answer must show. Catches: the oblique
``B·T_E·B⁻¹``, an unnormalised b₁, the reflection in the line orthogonal to b₁, integer
truncation of an in-place Gram–Schmidt.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(B: Any) -> np.ndarray:
    """The reference: reflection in the line along b₁, ``T = 2 e eᵀ − I`` with e = b₁/‖b₁‖."""
    b1 = _f(B)[:, 0]
    e = b1 / np.linalg.norm(b1)
    return np.asarray(2.0 * np.outer(e, e) - np.eye(len(e)))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: 2×2 bases; b₂ not orthogonal to b₁ where the oblique answer must show."""
    def basis(angle2: float, scale: float = 1.0) -> np.ndarray:
        t = rng.uniform(0, 2 * np.pi)
        b1 = rng.uniform(0.5, 2.0) * np.array([np.cos(t), np.sin(t)])
        b2 = rng.uniform(0.5, 2.0) * np.array([np.cos(t + angle2), np.sin(t + angle2)])
        return scale * np.column_stack([b1, b2])

    return [
        Case("random basis 2x2", (basis(1.0),)),
        Case("Coursera bear basis", (np.array([[1.0, -1.0], [1.5, 2.0]]),)),
        Case("integer dtype 2x2", (np.array([[3, 1], [4, 2]]),)),
        Case("b1 along the x-axis", (np.array([[2.0, 1.0], [0.0, 1.0]]),)),
        Case("b2 nearly parallel to b1", (basis(0.05),)),
        Case("tiny scale 1e-8", (basis(2.0, 1e-8),)),
        Case("large scale 1e8", (basis(-1.2, 1e8),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA7: direct comparison with the unique answer, plus T b₁ = b₁, T = Tᵀ, T² = I."""
    B = _f(case.args[0])
    b1 = B[:, 0]
    T = as_array(output, name="T", shape=B.shape)
    # ‖T‖₂ = 1 and T depends on b₁/‖b₁‖ only: computed entries carry ≤ ~10ε of rounding
    # (≤ κ(B)·ε ≈ 1e-14 via Gram–Schmidt of a nearly parallel b₂), so atol 1e-10 (R2, scale 1).
    tol = 1e-10
    image = T @ (b1 / np.linalg.norm(b1))
    if np.linalg.norm(image + b1 / np.linalg.norm(b1)) <= tol:
        raise Mismatch("T maps b₁ to −b₁: this reflects in the line orthogonal to b₁; the "
                       "mirror is the line along b₁")
    if np.linalg.norm(image - b1 / np.linalg.norm(b1)) > tol:
        raise Mismatch("T does not fix b₁ (T b₁ ≠ b₁): is b₁ normalised?")
    if np.max(np.abs(T - T.T)) > tol:
        raise Mismatch("T is not symmetric: this looks like the oblique B·T_E·B⁻¹; transform "
                       "with an orthonormal basis E (E·T_E·Eᵀ)")
    if np.max(np.abs(T @ T - np.eye(len(b1)))) > tol:
        raise Mismatch("T² ≠ I: T is not a reflection")
    if np.max(np.abs(T - reference(B))) > tol:
        raise Mismatch("T differs from the reflection in the line along b₁")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Changes basis with B itself: B T_E B^-1 fixes b1 but is neither symmetric nor orthogonal.
    Wrong("oblique",
          hint=(
                "Changing basis with B itself gives the oblique map B·T_E·B⁻¹: orthonormalise B "
                "first (Gram–Schmidt) and use E·T_E·Eᵀ."),
          code='''
def reflection_matrix(B):
    B = np.asarray(B, dtype=float)
    TE = np.array([[1.0, 0.0], [0.0, -1.0]])
    return B @ TE @ np.linalg.inv(B)
'''),
    # Projection formula without dividing by |b1|^2.
    Wrong("unnormalised_b1",
          hint=(
                "The projection onto the line along b₁ is b₁b₁ᵀ/(b₁ᵀb₁): divide by the squared "
                "length of b₁, or normalise b₁ first."),
          code='''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    return 2 * np.outer(b1, b1) - np.eye(2)
'''),
    # Negates the b1 component instead of the normal one: the mirror orthogonal to b1.
    Wrong("reflect_across_normal",
          hint=(
                "Your T maps b₁ to −b₁, the reflection in the line orthogonal to b₁: T_E must keep "
                "the b₁ coordinate and negate the other one."),
          code='''
def reflection_matrix(B):
    E, _ = np.linalg.qr(np.asarray(B, dtype=float))
    TE = np.array([[-1.0, 0.0], [0.0, 1.0]])
    return E @ TE @ E.T
'''),
    # Coursera's in-place Gram-Schmidt on np.array(B): an integer B truncates E to 0/1.
    Wrong("integer_gram_schmidt",
          hint=(
                "np.array(B) keeps an integer dtype, so normalising its columns in place truncates "
                "them: convert B to float first."),
          code='''
def reflection_matrix(B):
    E = np.array(B)
    E[:, 0] = E[:, 0] / np.linalg.norm(E[:, 0])
    E[:, 1] = E[:, 1] - (E[:, 1] @ E[:, 0]) * E[:, 0]
    E[:, 1] = E[:, 1] / np.linalg.norm(E[:, 1])
    TE = np.array([[1, 0], [0, -1]])
    return E @ TE @ E.T
'''),
)

ALTERNATIVES = (
    # T = 2P - I with P = b1 b1ᵀ / (b1ᵀ b1), the projection onto the mirror line.
    Alternative("projection_formula", code='''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    P = np.outer(b1, b1) / (b1 @ b1)
    return 2 * P - np.eye(len(b1))
'''),
    # Householder: I - 2 n nᵀ with n the unit normal of the mirror line.
    Alternative("householder_normal", code='''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    n = np.array([-b1[1], b1[0]]) / np.hypot(b1[0], b1[1])
    return np.eye(2) - 2 * np.outer(n, n)
'''),
    # Coursera's construction on a float copy: E = GS(B), T = E T_E Eᵀ.
    Alternative("coursera_gram_schmidt", code='''
def reflection_matrix(B):
    E = np.array(B, dtype=float)
    E[:, 0] = E[:, 0] / np.linalg.norm(E[:, 0])
    E[:, 1] = E[:, 1] - (E[:, 1] @ E[:, 0]) * E[:, 0]
    E[:, 1] = E[:, 1] / np.linalg.norm(E[:, 1])
    TE = np.array([[1, 0], [0, -1]])
    return E @ TE @ E.T
'''),
    # E from numpy's Householder QR (column signs are irrelevant in E T_E Eᵀ).
    Alternative("qr_basis", code='''
def reflection_matrix(B):
    E, _ = np.linalg.qr(np.asarray(B, dtype=float))
    return E @ np.diag([1.0, -1.0]) @ E.T
'''),
)

TASK = Task(
    answer_cell="la7_reflection_matrix",
    checks=(CheckSpec(id="linear_algebra.reflection_matrix", unit="linear_algebra",
                      function="reflection_matrix", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
