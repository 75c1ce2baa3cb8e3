"""LA5 ``sym_eig(S) -> (w, V)``: the eigendecomposition of a symmetric matrix, descending.

Convention (stated in the notebook): S is n×n real symmetric of any real dtype; w is a real
float array of shape (n,), the eigenvalues in descending order; V is n×n with orthonormal
columns, ``S V[:, j] = w[j] V[:, j]``. Eigenvectors are not unique: any signs, and any
orthonormal basis of a repeated eigenvalue's eigenspace, are accepted.

Graded by w against the sorted eigenvalues (atol 10⁻¹⁰‖S‖), unit columns, ``VᵀV = I`` and the
residual ``‖SV − V diag(w)‖₂ ≤ 10⁻⁸‖S‖₂``, never V entry by entry; complex arrays with
negligible imaginary parts pass with a warning. The distinct eigenvalues of the hidden
inputs have gaps ≥ 10⁻³‖S‖, repeated ones are exact. Catches: ascending order, a general
eig (non-orthogonal eigenvectors on a repeated eigenvalue, complex arrays), eigenvectors
not of unit length, eigenvalues sorted without their eigenvectors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import spd, sym_with_eigs
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(S: Any) -> tuple[np.ndarray, np.ndarray]:
    """The reference: ``scipy.linalg.eigh``, reversed to descending order."""
    w, v = scipy.linalg.eigh(_f(S))
    return w[::-1].copy(), v[:, ::-1].copy()


def _real(x: np.ndarray, limit: float, name: str) -> np.ndarray:
    """The real part of x, failing if the imaginary part exceeds ``limit``."""
    if np.iscomplexobj(x):
        if np.max(np.abs(x.imag), initial=0.0) > limit:
            raise Mismatch(f"{name} has non-negligible imaginary parts: use eigh for a "
                           "symmetric matrix")
        return np.asarray(x.real)
    return x


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: distinct eigenvalues have gaps ≥ 10⁻³‖S‖ (Davis–Kahan), repeats exact."""
    int_s = rng.integers(-5, 6, size=(4, 4))
    return [
        Case("distinct eigenvalues 6x6", (sym_with_eigs(rng, np.linspace(-4, 6, 6)),)),
        Case("SPD 8x8", (spd(rng, 8),)),
        Case("repeated eigenvalue (multiplicity 3) 6x6",
             (sym_with_eigs(rng, np.array([5.0, 5, 5, 2, -1, -1])),)),
        Case("identity 4x4", (np.eye(4),)),
        Case("1x1", (np.array([[rng.uniform(-3, 3)]]),)),
        Case("integer dtype 4x4", (int_s + int_s.T,)),
        Case("diagonal, unsorted 5x5", (np.diag([2.0, -7.0, 9.0, 0.5, 3.0]),)),
        Case("indefinite 12x12 with a repeated pair",
             (sym_with_eigs(rng, np.r_[np.linspace(-6, 6, 10), 3.0, 3.0]),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA5: w = sorted eigvalsh (descending); V orthonormal with S V = V diag(w)."""
    S = _f(case.args[0])
    n = S.shape[0]
    w_ref = reference(S)[0]
    scale = max(_norm2(S), np.finfo(np.float64).tiny)
    w_out, v_out = as_tuple(output, 2, name="(w, V)")
    w = as_array(w_out, name="w", shape=(n,), kinds="biufc")
    V = as_array(v_out, name="V", shape=(n, n), kinds="biufc")
    warning = None
    if np.iscomplexobj(w) or np.iscomplexobj(V):
        warning = "w, V are complex arrays with negligible imaginary parts: eigh returns real ones"
    # Weyl: a backward-stable method's eigenvalues move by ≤ ‖ΔS‖ ≤ c·n·ε‖S‖ ≈ 1e-13‖S‖, so
    # atol 1e-10‖S‖ (R2). Residual and orthogonality: ≤ c·n·ε for eigh/Jacobi, 1e-8 (syllabus).
    w = _real(w, 1e-10 * scale, "w")
    V = _real(V, 1e-8, "V")
    atol = 1e-10 * scale
    if np.max(np.abs(w - w_ref)) > atol:
        if np.max(np.abs(w - w_ref[::-1])) <= atol:
            raise Mismatch("the eigenvalues are in ascending order; the spec asks for descending")
        if np.max(np.abs(np.sort(w)[::-1] - w_ref)) <= atol:
            raise Mismatch("the eigenvalues are not sorted in descending order")
        raise Mismatch("the eigenvalues are wrong")
    if np.max(np.abs(np.linalg.norm(V, axis=0) - 1.0)) > 1e-8:
        raise Mismatch("the eigenvectors (columns of V) are not unit vectors")
    if _norm2(V.T @ V - np.eye(n)) > 1e-8:
        raise Mismatch("the eigenvectors are not orthonormal (on a repeated eigenvalue a "
                       "general eig need not return orthogonal vectors: use eigh)")
    if _norm2(S @ V - V * w) > 1e-8 * scale:
        raise Mismatch("S V ≠ V diag(w): column j of V is not an eigenvector for w[j] "
                       "(were the columns of V reordered together with w?)")
    return warning


# ---------------------------------------------------------------- planted answers

WRONG = (
    # eigh's own order is ascending.
    Wrong("ascending",
          hint=(
                "np.linalg.eigh returns the eigenvalues in ascending order: reverse both w and the "
                "columns of V to get descending order."),
          code='''
def sym_eig(S):
    return np.linalg.eigh(np.asarray(S, dtype=float))
'''),
    # General eig: on a repeated eigenvalue its eigenvectors need not be orthogonal.
    Wrong("general_eig",
          hint=(
                "A general eig need not return orthogonal eigenvectors for a repeated eigenvalue: "
                "use eigh, which is made for symmetric matrices."),
          # Same outputs as eig_complex on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def sym_eig(S):
    w, V = np.linalg.eig(np.asarray(S, dtype=float))
    idx = np.argsort(w)[::-1]
    return w[idx], V[:, idx]
'''),
    # scipy's eig returns complex arrays; sorted by the real part.
    Wrong("eig_complex",
          hint=(
                "scipy.linalg.eig returns complex arrays and, on a repeated eigenvalue, "
                "eigenvectors that need not be orthogonal: use eigh for a symmetric matrix."),
          # Same outputs as general_eig on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def sym_eig(S):
    w, V = scipy.linalg.eig(S)
    idx = np.argsort(-w.real)
    return w[idx], V[:, idx]
'''),
    # Eigenvectors scaled so that their first entry is 1 (not unit length).
    Wrong("first_entry_one",
          hint=(
                "Each eigenvector must have unit length: do not rescale the columns of V (for "
                "example so that their first entry is 1)."),
          code='''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    w, V = w[::-1], V[:, ::-1]
    return w, V / V[0]
'''),
    # Sorts the eigenvalues but not the eigenvector columns with them.
    Wrong("values_sorted_vectors_not",
          hint=(
                "When you reorder the eigenvalues, reorder the columns of V the same way, so that "
                "V[:, j] stays an eigenvector for w[j]."),
          code='''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    return np.sort(w)[::-1], V
'''),
)

ALTERNATIVES = (
    # eigh with every other eigenvector negated (signs are free).
    Alternative("sign_flipped", code='''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    signs = (-1.0) ** np.arange(len(w))
    return w[::-1], V[:, ::-1] * signs
'''),
    # A rotated orthonormal basis inside each repeated eigenspace.
    Alternative("rotated_eigenspace", code='''
def sym_eig(S):
    S = np.asarray(S, dtype=float)
    w, V = np.linalg.eigh(S)
    w, V = w[::-1].copy(), V[:, ::-1].copy()
    tol = 1e-9 * max(np.abs(w).max(), 1.0)
    i = 0
    while i < len(w):
        j = i + 1
        while j < len(w) and abs(w[j] - w[i]) <= tol:
            j += 1
        k = j - i
        if k > 1:
            R, _ = np.linalg.qr(np.arange(1.0, k * k + 1).reshape(k, k) + np.eye(k) * k)
            V[:, i:j] = V[:, i:j] @ R
        i = j
    return w, V
'''),
    # Cyclic Jacobi rotations until the off-diagonal part is negligible.
    Alternative("jacobi", code='''
def sym_eig(S):
    A = np.array(S, dtype=float)
    n = A.shape[0]
    V = np.eye(n)
    scale = np.linalg.norm(A)
    for sweep in range(50):
        if np.linalg.norm(np.tril(A, -1)) <= 1e-17 * scale or scale == 0:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if A[p, q] == 0.0:
                    continue
                theta = (A[q, q] - A[p, p]) / (2.0 * A[p, q])
                t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                t = -t if theta < 0 else t
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                J = np.eye(n)
                J[p, p] = J[q, q] = c
                J[p, q], J[q, p] = s, -s
                A = J.T @ A @ J
                V = V @ J
    w = np.diag(A)
    idx = np.argsort(w, kind="stable")[::-1]
    return w[idx], V[:, idx]
'''),
)

TASK = Task(
    answer_cell="la5_sym_eig",
    checks=(CheckSpec(id="linear_algebra.sym_eig", unit="linear_algebra", function="sym_eig",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
