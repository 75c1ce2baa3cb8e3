"""Unit 1 — Linear algebra: references, hidden inputs and judges of tasks LA1–LA7.

Registers seven checks at import (ids ``linear_algebra.<function>``), following
SYLLABUS.md "Unit 1 — Linear algebra" and rules R1–R7:

* ``solve(A, b) -> x``: graded by the normwise backward error, never by x itself.
* ``lu(A) -> (P, L, U)`` with ``A = P L U`` (scipy's convention): graded by
  properties (permutation, unit lower triangular with ``|L_ij| ≤ 1``, upper
  triangular, reconstruction), so any valid pivot choice on ties passes.
* ``gram_schmidt(A, tol=1e-10) -> Q`` (m×r): dependent columns are dropped.
* ``rank_nullspace(A, rtol) -> (r, N)``: r exact, N compared through projectors.
* ``sym_eig(S) -> (w, V)`` descending: residuals, never V entry by entry.
* ``pagerank(L, d, tol) -> r``: tolerance from the contraction bound.
* ``reflection_matrix(B) -> T``: unique answer, direct comparison plus properties.

The references (``ref_*``) are computed independently of the students'
conventions, with scipy where it has a direct equivalent, and are exported for
the tests. Each judge first coerces the untrusted output with
:mod:`graders.compare` (exact shapes, real numeric dtype, finite), then checks
properties; a failure message names what is wrong but never a hidden value.

Deviations and clarifications of the syllabus, also stated in the notebook:

* LA1's spec raises ``numpy.linalg.LinAlgError`` on a (near-)singular pivot.
  An exception cannot cross the sandbox as a value (it fails the case), so the
  hidden cases are all nonsingular, and the singular behaviour is tested by a
  public check in the notebook's test cell instead.
* LA3: Gram–Schmidt's Q is unique once the dependent columns are dropped, so it
  is compared with the QR factor of the kept columns made unique by a positive
  diagonal of R (what Gram–Schmidt produces), for every input, not only full rank.
* LA7: B is 2×2 (the Coursera "reflecting bear" setting); T reflects in the line
  along b₁, so ``T = 2 e eᵀ − I`` with ``e = b₁/‖b₁‖``, and b₂ does not change T.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders import linalg_generators as gen
from graders.checks import Case, CheckSpec, register
from graders.compare import EPS, as_array, as_int, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = [
    "backward_error",
    "ref_gram_schmidt",
    "ref_lu",
    "ref_pagerank",
    "ref_rank_nullspace",
    "ref_reflection_matrix",
    "ref_solve",
    "ref_sym_eig",
]



# ---------------------------------------------------------------- references


def ref_solve(A: Any, b: Any) -> np.ndarray:
    """Reference LA1: ``scipy.linalg.solve``."""
    return np.asarray(scipy.linalg.solve(_f(A), _f(b)), dtype=np.float64)


def ref_lu(A: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reference LA2: ``scipy.linalg.lu`` (A = P L U)."""
    P, L, U = scipy.linalg.lu(_f(A))
    return P, L, U


def ref_gram_schmidt(A: Any, tol: float = 1e-10) -> np.ndarray:
    """Reference LA3: greedy column selection by projection residual, then QR with diag(R) > 0.

    Column j is kept iff its distance to the span of the previously kept columns
    exceeds ``tol``; Q is the Householder QR factor of the kept columns with the
    signs chosen so that diag(R) > 0, which is exactly Gram–Schmidt's Q.
    """
    a = _f(A)
    kept: list[int] = []
    q = np.zeros((a.shape[0], 0))
    for j in range(a.shape[1]):
        col = a[:, j]
        if np.linalg.norm(col - q @ (q.T @ col)) > tol:
            kept.append(j)
            q = np.asarray(scipy.linalg.qr(a[:, kept], mode="economic")[0])
    if not kept:
        return q
    q, r = scipy.linalg.qr(a[:, kept], mode="economic")
    return np.asarray(q * np.where(np.diag(r) < 0, -1.0, 1.0))


def ref_rank_nullspace(A: Any, rtol: float) -> tuple[int, np.ndarray]:
    """Reference LA4: rank = #{σᵢ > rtol·σ₁}; N from ``scipy.linalg.null_space`` (same rule)."""
    a = _f(A)
    s = scipy.linalg.svdvals(a) if a.size else np.zeros(0)
    rank = int(np.count_nonzero(s > rtol * s[0])) if s.size else 0
    return rank, np.asarray(scipy.linalg.null_space(a, rcond=rtol))


def ref_sym_eig(S: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference LA5: ``scipy.linalg.eigh``, reversed to descending order."""
    w, v = scipy.linalg.eigh(_f(S))
    return w[::-1].copy(), v[:, ::-1].copy()


def ref_pagerank(L: Any, d: float, tol: float = 0.0) -> np.ndarray:
    """Reference LA6: exact solve of ``(I − d L̂) r = (1−d)/n 𝟙``, normalised to sum 1.

    L̂ is L with its dangling (all-zero) columns replaced by 1/n; ``tol`` is
    accepted for signature compatibility and unused (the solve is exact).
    """
    link = _f(L).copy()
    n = link.shape[0]
    link[:, link.sum(axis=0) == 0] = 1.0 / n
    r = scipy.linalg.solve(np.eye(n) - d * link, np.full(n, (1.0 - d) / n))
    return np.asarray(r / r.sum())


def ref_reflection_matrix(B: Any) -> np.ndarray:
    """Reference LA7: reflection in the line along b₁, ``T = 2 e eᵀ − I`` with e = b₁/‖b₁‖."""
    b1 = _f(B)[:, 0]
    e = b1 / np.linalg.norm(b1)
    return np.asarray(2.0 * np.outer(e, e) - np.eye(len(e)))


def backward_error(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """Normwise (Rigal–Gaches) backward error ``‖b − Ax‖₂ / (‖A‖₂‖x‖₂ + ‖b‖₂)``."""
    res = float(np.linalg.norm(b - A @ x))
    denom = _norm2(A) * float(np.linalg.norm(x)) + float(np.linalg.norm(b))
    return 0.0 if res == 0.0 else (res / denom if denom > 0 else np.inf)


# ---------------------------------------------------------------- judges


def judge_solve(case: Case, output: Any) -> str | None:
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


def _is_permutation(P: np.ndarray) -> bool:
    """Entries 0/1 (to 1e-12) with exactly one 1 in every row and column."""
    ones = np.abs(P - 1.0) <= 1e-12
    zeros = np.abs(P) <= 1e-12
    return bool(np.all(ones | zeros) and np.all(ones.sum(axis=0) == 1)
                and np.all(ones.sum(axis=1) == 1))


def judge_lu(case: Case, output: Any) -> str | None:
    """LA2: properties of (P, L, U), so every valid pivot choice on ties passes."""
    A = _f(case.args[0])
    n = A.shape[0]
    P, L, U = (as_array(v, name=k, shape=(n, n))
               for v, k in zip(as_tuple(output, 3, name="lu(A)"), "PLU", strict=True))
    # GEPP gives P L U = A + ΔA with |ΔA| ≤ γ_n|L||U| (Higham, Thm 9.3); with |L| ≤ 1 and the
    # small growth of these inputs ‖ΔA‖_F ≤ ~n·ε‖A‖_F (measured ≤ 0.2·n·ε‖A‖_F), so 100·n·ε‖A‖.
    # Structural zeros produced by arithmetic get the same relative allowance.
    bound = 100 * n * EPS * float(np.linalg.norm(A))
    if not _is_permutation(P):
        raise Mismatch("P is not a permutation matrix (0/1 entries, one 1 per row and column)")
    if (np.max(np.abs(np.triu(L, 1)), initial=0.0) > 100 * n * EPS
            or np.max(np.abs(np.diag(L) - 1.0)) > 100 * n * EPS):
        raise Mismatch("L is not unit lower triangular (ones on the diagonal, zeros above)")
    if np.max(np.abs(np.tril(U, -1)), initial=0.0) > bound:
        raise Mismatch("U is not upper triangular")
    recon_ok = np.linalg.norm(A - P @ L @ U) <= bound
    if not recon_ok and np.linalg.norm(A - P.T @ L @ U) <= bound:
        raise Mismatch("P L U ≠ A, but P A = L U: this looks like the PA = LU convention; "
                       "the spec asks for A = P L U (return P transposed)")
    # Partial pivoting divides by the largest entry of the column, so |l_ij| ≤ 1 exactly in
    # floating point (division is monotone); 1e-12 only absorbs representation noise.
    if np.max(np.abs(np.tril(L, -1)), initial=0.0) > 1.0 + 1e-12:
        raise Mismatch("L has entries larger than 1 in magnitude: no partial pivoting? "
                       "(the pivot must be an entry of largest magnitude in its column)")
    if not recon_ok:
        raise Mismatch("P L U does not reconstruct A")
    return None


def judge_gram_schmidt(case: Case, output: Any) -> str | None:
    """LA3: orthonormal columns, the span of A, and Gram–Schmidt's unique Q (diag R > 0)."""
    A = _f(case.args[0])
    q_ref = ref_gram_schmidt(A, *case.args[1:])
    m, r = q_ref.shape
    Q = as_array(output, name="Q", ndim=2)
    if Q.shape[0] != m:
        raise Mismatch("Q must have as many rows as A")
    if Q.shape[1] != r:
        if Q.shape[1] == A.shape[1]:
            raise Mismatch("Q has one column per column of A: dependent columns must be "
                           "dropped (not kept or zeroed)")
        if Q.shape[1] == m:
            raise Mismatch("Q is square: this looks like the full QR factor, which spans "
                           "more than the columns of A")
        raise Mismatch("Q has the wrong number of columns: keep exactly the columns whose "
                       "residual norm exceeds tol")
    if r == 0:
        return None
    # Classical GS loses orthogonality like c·κ²·ε; the kept columns have κ ≤ 10² here (by
    # construction; the int case κ = 2), so ‖QᵀQ − I‖ ≲ 1e-11 for any GS variant, and Q is
    # within ~κε of the exact factor; 1e-8 (syllabus) leaves ≥ 100× margin and is far below
    # the bugs' O(0.1–1) errors.
    if np.max(np.abs(np.linalg.norm(Q, axis=0) - 1.0)) > 1e-8:
        raise Mismatch("the columns of Q are not unit vectors: missing normalisation?")
    orth = _norm2(Q.T @ Q - np.eye(r))
    if orth > 1e-8:
        raise Mismatch(f"the columns of Q are not orthogonal (‖QᵀQ − I‖₂ = {orth:.1e}): "
                       "subtract the projections onto all previous vectors, not only the last")
    if _norm2(Q @ Q.T - q_ref @ q_ref.T) > 1e-8:
        raise Mismatch("Q spans a different subspace than the columns of A")
    if np.max(np.abs(Q - q_ref)) > 1e-8:
        raise Mismatch("Q spans the right subspace but is not the Gram–Schmidt basis: keep the "
                       "column order, and each q_j must have a positive component along a_j")
    return None


def judge_rank_nullspace(case: Case, output: Any) -> str | None:
    """LA4: exact rank; N orthonormal, A N ≈ 0, and the same projector as scipy's null_space."""
    A, rtol = _f(case.args[0]), float(case.args[1])
    r_ref, n_ref = ref_rank_nullspace(A, rtol)
    m, n = A.shape
    r_out, n_out = as_tuple(output, 2, name="(r, N)")
    if as_int(r_out, name="r") != r_ref:
        raise Mismatch("the rank r is wrong: count the singular values σᵢ > rtol·σ₁ "
                       "(a threshold relative to the largest singular value)")
    N = as_array(n_out, name="N", ndim=2)
    if N.shape != (n, n - r_ref):
        if N.shape[0] == m != n or N.shape[::-1] == (n, n - r_ref):
            raise Mismatch("N has the wrong shape: the null space lives in R^n (n = number "
                           "of columns of A), one basis vector per column; rows and columns "
                           "confused?")
        raise Mismatch("N must have n − r columns (n = number of columns of A)")
    if n == r_ref:
        return None
    # Inputs have σ_{r+1} ≤ 1e-12·σ₁ and σ_r ≥ 1e-2·σ₁. A backward-stable basis has
    # ‖AN‖ ≤ σ_{r+1} + c·n·ε‖A‖ ≤ 1e-11‖A‖, and by Davis–Kahan its subspace differs from
    # the reference by sinθ ≤ (σ_{r+1} + c·n·ε‖A‖)/σ_r ≤ 1e-9; 1e-8 bounds both.
    if _norm2(N.T @ N - np.eye(n - r_ref)) > 1e-8:
        raise Mismatch("the columns of N are not orthonormal")
    if _norm2(A @ N) > 1e-8 * _norm2(A):
        raise Mismatch("A N is not ≈ 0: the columns of N are not in the null space of A")
    if _norm2(N @ N.T - n_ref @ n_ref.T) > 1e-8:
        raise Mismatch("N spans a different subspace than the null space of A")
    return None


def _real(x: np.ndarray, limit: float, name: str) -> np.ndarray:
    """The real part of x, failing if the imaginary part exceeds ``limit``."""
    if np.iscomplexobj(x):
        if np.max(np.abs(x.imag), initial=0.0) > limit:
            raise Mismatch(f"{name} has non-negligible imaginary parts: use eigh for a "
                           "symmetric matrix")
        return np.asarray(x.real)
    return x


def judge_sym_eig(case: Case, output: Any) -> str | None:
    """LA5: w = sorted eigvalsh (descending); V orthonormal with S V = V diag(w)."""
    S = _f(case.args[0])
    n = S.shape[0]
    w_ref = ref_sym_eig(S)[0]
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


def judge_pagerank(case: Case, output: Any) -> str | None:
    """LA6: after normalising r to sum 1, ‖r − r*‖₁ ≤ d/(1−d)·√n·tol (+ rounding)."""
    L, d, tol = _f(case.args[0]), float(case.args[1]), float(case.args[2])
    n = L.shape[0]
    r = as_array(output, name="r", shape=(n,))
    total = float(r.sum())
    if not total > 0:
        raise Mismatch("r must have a positive sum (it is normalised to sum 1 before comparing)")
    r = r / total
    # M is a d-contraction in the 1-norm on vectors summing to 0, so the returned iterate
    # r_{k+1} satisfies ‖r_{k+1} − r*‖₁ ≤ d/(1−d)·‖r_{k+1} − r_k‖₁ ≤ d/(1−d)·√n·tol when the
    # loop stops at ‖r_{k+1} − r_k‖₂ ≤ tol. Rounding: the reference solve has error
    # ≤ κ₁·n·ε ≤ 40·12·ε ≈ 1e-13 and ≤ 1000 iterations add ≤ 1000·n·ε ≈ 3e-12; slack 1e-11.
    bound = d / (1.0 - d) * np.sqrt(n) * tol + 1e-11
    if r.min() < -bound:
        raise Mismatch("r has negative entries")
    if np.abs(r - ref_pagerank(L, d)).sum() > bound:
        raise Mismatch("r (normalised to sum 1) is further from the PageRank vector than the "
                       "stopping rule allows: iterate with M = d·L̂ + (1−d)/n·𝟙𝟙ᵀ, where L̂ "
                       "replaces each dangling (all-zero) column of L by 1/n, until "
                       "‖r_new − r‖₂ ≤ tol")
    return None


def judge_reflection_matrix(case: Case, output: Any) -> str | None:
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
    if np.max(np.abs(T - ref_reflection_matrix(B))) > tol:
        raise Mismatch("T differs from the reflection in the line along b₁")
    return None


# ---------------------------------------------------------------- registration

_SPECS = [
    ("lu", gen.cases_lu, judge_lu),
    ("gram_schmidt", gen.cases_gram_schmidt, judge_gram_schmidt),
    ("rank_nullspace", gen.cases_rank_nullspace, judge_rank_nullspace),
    ("sym_eig", gen.cases_sym_eig, judge_sym_eig),
    ("pagerank", gen.cases_pagerank, judge_pagerank),
    ("reflection_matrix", gen.cases_reflection_matrix, judge_reflection_matrix),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"linear_algebra.{_name}", unit="linear_algebra", function=_name,
                       cases=_cases, judge=_judge))
