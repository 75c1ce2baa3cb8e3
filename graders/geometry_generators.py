"""Seeded generators of the hidden inputs of Unit 2 (geometry), rule R5.

Families (all sizes ≤ 12 so one check runs in well under 0.2 s):

* SPD matrices ``QΛQᵀ`` with ``λ ∈ [1, 10]`` for the inner product ⟨x,y⟩_A = xᵀAy,
  and bases ``B = Q₁ diag(s) Q₂ᵀ`` with s log-spaced in [1, 10] or [1, 10²];
* vectors made parallel, antiparallel, A-orthogonal or 10⁻⁹ apart, and point sets with
  duplicated points at norm 10⁴, chosen (by rejection) so that the unguarded formulas
  (arccos without clip, sqrt without clamping) really produce NaN on them;
* rank-deficient bases with *exactly* dependent columns (duplicates, zero columns), so the
  numerical rank is unambiguous for every rank-revealing method;
* kNN sets on integer grids, where distances are exact in floating point and distance
  ties and vote ties are planted on purpose;
* pairs of subspaces with prescribed principal angles (tiny, generic, 0 and π/2) in
  non-orthonormal bases.

Each ``cases_*`` function takes the check's own ``np.random.Generator``
(:func:`graders.checks.case_rng`) and returns the list of :class:`Case`; the same
seed always gives the same inputs. The judges in :mod:`graders.geometry` recompute
the references from ``case.args``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from graders.checks import Case
from graders.linalg_generators import orthogonal, spd, with_singular_values

__all__ = [
    "cases_angle",
    "cases_dist",
    "cases_inner",
    "cases_knn_predict",
    "cases_norm",
    "cases_pairwise_distances",
    "cases_principal_angles",
    "cases_project",
    "cases_projection_matrix",
    "cases_projection_matrix_A",
    "naive_cosines",
    "subspaces_with_angles",
]

#: A fixed integer SPD matrix, tridiag(1, 3, 1), with eigenvalues 3 − √2, 3, 3 + √2.
INT_SPD = np.array([[3, 1, 0], [1, 3, 1], [0, 1, 3]])


def _basis(rng: np.random.Generator, m: int, n: int, kappa: float = 10.0) -> np.ndarray:
    """An m×n matrix with singular values log-spaced in [1, kappa] (full rank min(m, n))."""
    k = min(m, n)
    s = np.logspace(np.log10(kappa), 0, k) if k > 1 else np.array([2.0])
    return with_singular_values(rng, m, n, s)


# ---------------------------------------------------------------- G1


def cases_inner(rng: np.random.Generator) -> list[Case]:
    """G1 inner(x, y, A): A ≠ I and A ≠ A⁻¹ wherever A matters; integer dtype; 1×1."""
    def xy(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.standard_normal(n), rng.standard_normal(n)

    return [
        Case("random 4-dim, SPD A", (*xy(4), spd(rng, 4))),
        Case("random 8-dim, SPD A", (*xy(8), spd(rng, 8))),
        Case("identity A (the dot product)", (*xy(3), np.eye(3))),
        Case("diagonal A with unequal weights", (*xy(3), np.diag([1.0, 4.0, 9.0]))),
        Case("1x1 A", (np.array([rng.uniform(1, 3)]), np.array([rng.uniform(-3, -1)]),
                       np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x, y, A", (rng.integers(-5, 6, 3), rng.integers(-5, 6, 3), INT_SPD)),
        Case("large scale 1e6 vectors", (*(1e6 * v for v in xy(5)), spd(rng, 5))),
    ]


def cases_norm(rng: np.random.Generator) -> list[Case]:
    """G1 norm(x, A): ‖x‖_A ≠ 1 so that ‖x‖² and ‖x‖ differ; zero vector; integer dtype."""
    return [
        Case("random 4-dim, SPD A", (3 * rng.standard_normal(4), spd(rng, 4))),
        Case("random 6-dim, SPD A", (rng.standard_normal(6), spd(rng, 6))),
        Case("identity A (Euclidean norm)", (rng.uniform(1, 3, 3), np.eye(3))),
        Case("zero vector", (np.zeros(3), spd(rng, 3))),
        Case("1x1 A", (np.array([rng.uniform(-3, -1)]), np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x and A", (rng.integers(1, 6, 3), INT_SPD)),
        Case("small scale 1e-3 vector", (1e-3 * rng.standard_normal(5), spd(rng, 5))),
    ]


def cases_dist(rng: np.random.Generator) -> list[Case]:
    """G1 dist(x, y, A): equal points (distance 0), close points, integer dtype, 1×1."""
    x = rng.standard_normal(4)
    close = x + 1e-6 * rng.standard_normal(4)
    return [
        Case("random 4-dim, SPD A", (rng.standard_normal(4), rng.standard_normal(4),
                                     spd(rng, 4))),
        Case("identity A", (rng.standard_normal(5), rng.standard_normal(5), np.eye(5))),
        Case("equal points (distance 0)", (x, x.copy(), spd(rng, 4))),
        Case("close points (distance ~1e-6)", (x, close, spd(rng, 4))),
        Case("1x1 A", (np.array([rng.uniform(1, 3)]), np.array([rng.uniform(-3, -1)]),
                       np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x, y, A", (rng.integers(-5, 6, 3), rng.integers(-5, 6, 3), INT_SPD)),
    ]


def naive_cosines(x: np.ndarray, y: np.ndarray, A: np.ndarray) -> list[float]:
    """The cosine as common unguarded formulas compute it (several association orders)."""
    xf, yf, af = (np.asarray(v, dtype=float) for v in (x, y, A))

    def left(u: np.ndarray, v: np.ndarray) -> float:
        return float((u @ af) @ v)

    def right(u: np.ndarray, v: np.ndarray) -> float:
        return float(u @ (af @ v))

    def einsum(u: np.ndarray, v: np.ndarray) -> float:
        return float(np.einsum("i,ij,j->", u, af, v))

    out = []
    for ip in (left, right, einsum):
        xy, xx, yy = ip(xf, yf), ip(xf, xf), ip(yf, yf)
        out += [xy / (np.sqrt(xx) * np.sqrt(yy)), xy / np.sqrt(xx * yy)]
    return [float(c) for c in out]


def _collinear(rng: np.random.Generator, n: int, sign: float) -> tuple[np.ndarray, ...]:
    """(x, c·x, A) with sign(c) = sign, on which every naive cosine leaves [−1, 1].

    For n > 1 the products go through BLAS, whose summation order (and FMA use) can
    differ between the judge and the sandbox; for n = 1 every product is one correctly
    rounded multiplication, so the unclipped arccos gives NaN in any environment.
    """
    for _ in range(10_000):
        x, A = rng.standard_normal(n), spd(rng, n)
        y = sign * rng.uniform(0.5, 3.0) * x
        cos = np.array(naive_cosines(x, y, A))
        if np.all(sign * cos > 1.0):
            return x, y, A
    raise RuntimeError("no collinear case found")  # pragma: no cover (never in practice)


def _at_angle(rng: np.random.Generator, n: int, theta: float) -> tuple[np.ndarray, ...]:
    """(x, y, A) with angle θ between x and y under ⟨·,·⟩_A (up to rounding of x, y)."""
    A = spd(rng, n)
    L = np.linalg.cholesky(A)  # ⟨x, y⟩_A = (Lᵀx)·(Lᵀy)
    q = orthogonal(rng, n)
    u = rng.uniform(0.5, 2.0) * q[:, 0]
    v = rng.uniform(0.5, 2.0) * (np.cos(theta) * q[:, 0] + np.sin(theta) * q[:, 1])
    return np.linalg.solve(L.T, u), np.linalg.solve(L.T, v), A


def cases_angle(rng: np.random.Generator) -> list[Case]:
    """G1 angle(x, y, A): parallel/antiparallel (NaN without clip), A-orthogonal, zero vector."""
    return [
        Case("random 3-dim, SPD A", _at_angle(rng, 3, rng.uniform(0.3, 2.8))),
        Case("orthogonal under A but not in the dot product", _at_angle(rng, 4, np.pi / 2)),
        Case("parallel vectors y = c x, c > 0 (angle 0)", _collinear(rng, 3, 1.0)),
        Case("antiparallel vectors y = -c x (angle pi)", _collinear(rng, 4, -1.0)),
        Case("nearly parallel, true angle 1e-9", _at_angle(rng, 3, 1e-9)),
        Case("identity A (Euclidean angle)", (rng.standard_normal(3), rng.standard_normal(3),
                                              np.eye(3))),
        Case("integer dtype x, y, A", (np.array([1, 0, 2]), np.array([2, 1, -1]), INT_SPD)),
        Case("1x1 A, parallel (angle 0)", _collinear(rng, 1, 1.0)),
        Case("1x1 A, antiparallel (angle pi)", _collinear(rng, 1, -1.0)),
        Case("zero vector x (angle undefined: ValueError)",
             (np.zeros(3), rng.standard_normal(3), spd(rng, 3)), raises=("ValueError",)),
    ]


# ---------------------------------------------------------------- G2


def _fma(a: float, b: float, c: float) -> float:
    """Fused multiply-add a·b + c with one rounding (exact rationals, then correctly rounded)."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def _gram_variants(X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    """Every way a kernel can evaluate X @ Y.T for 2 features: plain, or with an FMA."""
    p0, p1 = X[:, None, 0] * Y[None, :, 0], X[:, None, 1] * Y[None, :, 1]
    n, m = p0.shape
    fma0 = np.array([[_fma(X[i, 0], Y[j, 0], p1[i, j]) for j in range(m)] for i in range(n)])
    fma1 = np.array([[_fma(X[i, 1], Y[j, 1], p0[i, j]) for j in range(m)] for i in range(n)])
    return [p0 + p1, fma0, fma1]


def _naive_sq(X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    """‖x‖² + ‖y‖² − 2xᵀy as unclamped expansions compute it (sum orders × kernels)."""
    sx, sy = (X**2).sum(1)[:, None], (Y**2).sum(1)[None, :]
    return [v for g in _gram_variants(X, Y) for v in (sx + sy - 2 * g, sx - 2 * g + sy)]


def _far_near_duplicates(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """2-D points at norm ~1e4, 0.01 apart, and near-duplicates (1e-12 apart) on which the
    unclamped expansion goes negative for every evaluation of X @ Y.T (so in any sandbox)."""
    for _ in range(10_000):
        c = rng.standard_normal(2)
        c *= 1e4 / np.linalg.norm(c)
        X = c + 0.01 * rng.standard_normal((6, 2))
        Y = np.vstack([X[:5] * (1 + 1e-16 * rng.standard_normal((5, 1))),
                       c + 0.01 * rng.standard_normal((2, 2))])
        if all((sq < 0).any() for sq in _naive_sq(X, Y)):
            return X, Y
    raise RuntimeError("no cancellation case found")  # pragma: no cover


def _same_points(rng: np.random.Generator) -> np.ndarray:
    """3-D points (norm ~30) on which numpy's own unclamped expansion of d(X, X) < 0."""
    for _ in range(10_000):
        X = 10 * rng.standard_normal((4, 3)) + 20
        sx = (X**2).sum(1)
        if np.any(sx[:, None] + sx[None, :] - 2 * X @ X.T < 0):
            return X
    raise RuntimeError("no cancellation case found")  # pragma: no cover


def cases_pairwise_distances(rng: np.random.Generator) -> list[Case]:
    """G2: N ≠ M (a transposed result shows), cancellation at norm 1e4, empty, int, D = 1."""
    same = _same_points(rng)
    return [
        Case("random N=5, M=3, D=4", (rng.standard_normal((5, 4)),
                                      rng.standard_normal((3, 4)))),
        Case("large norms ~1e4, distances 0.01 and near-duplicate points",
             _far_near_duplicates(rng)),
        Case("X and Y the same points (zero distances)", (same, same.copy())),
        Case("single point in Y (M=1)", (rng.standard_normal((4, 2)),
                                         rng.standard_normal((1, 2)))),
        Case("one feature (D=1)", (rng.standard_normal((3, 1)), rng.standard_normal((6, 1)))),
        Case("integer dtype", (rng.integers(-9, 10, (4, 3)), rng.integers(-9, 10, (2, 3)))),
        Case("empty X (N=0)", (np.zeros((0, 3)), rng.standard_normal((4, 3)))),
        Case("N=2, M=7, D=5, mixed scales",
             (rng.standard_normal((2, 5)) * [1, 10, 100, 0.1, 1], rng.standard_normal((7, 5)))),
    ]


# ---------------------------------------------------------------- G3, G4


def cases_projection_matrix(rng: np.random.Generator) -> list[Case]:
    """G3: 1-D b, tall/square/wide, exactly rank-deficient (duplicate, zero column), int."""
    tall = _basis(rng, 5, 3, 100.0)
    return [
        Case("1-D vector b of shape (3,)", (rng.standard_normal(3),)),
        Case("tall 6x2, well-conditioned", (_basis(rng, 6, 2, 100.0),)),
        Case("single column 4x1", (rng.standard_normal((4, 1)),)),
        Case("rank-deficient: duplicated column 5x4",
             (np.column_stack([tall, tall[:, 1]]),)),
        Case("rank-deficient: zero column 4x3",
             (np.column_stack([_basis(rng, 4, 2), np.zeros(4)]),)),
        Case("square invertible 3x3 (P = I)", (_basis(rng, 3, 3),)),
        Case("wide 2x3 (P = I)", (rng.standard_normal((2, 3)),)),
        Case("integer dtype 4x2", (np.array([[1, 0], [1, 1], [1, 2], [1, 3]]),)),
        Case("zero matrix 3x2 (P = 0)", (np.zeros((3, 2)),)),
    ]


def cases_project(rng: np.random.Generator) -> list[Case]:
    """G3 project(x, B): generic x, x in the span (Px = x), x ⟂ span (Px = 0), 1-D b, int."""
    B = _basis(rng, 5, 2, 100.0)
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


def cases_projection_matrix_A(rng: np.random.Generator) -> list[Case]:
    """G4: A ≠ I so that the Euclidean formula and a symmetrised P are wrong; int; 1×1."""
    return [
        Case("tall 4x2 B, SPD A", (_basis(rng, 4, 2), spd(rng, 4))),
        Case("tall 6x3 B, SPD A", (_basis(rng, 6, 3), spd(rng, 6))),
        Case("single column 3x1", (rng.standard_normal((3, 1)), spd(rng, 3))),
        Case("diagonal A", (_basis(rng, 3, 2), np.diag([1.0, 5.0, 10.0]))),
        Case("A = I (the Euclidean projection)", (_basis(rng, 4, 2), np.eye(4))),
        Case("integer dtype B and A", (np.array([[1, 0], [1, 1], [0, 2]]), INT_SPD)),
        Case("square invertible B 3x3 (P = I)", (_basis(rng, 3, 3), spd(rng, 3))),
        Case("A scaled by 1e6 (P unchanged)", (_basis(rng, 5, 2), 1e6 * spd(rng, 5))),
        Case("1x1", (np.array([[rng.uniform(1, 3)]]), np.array([[rng.uniform(1, 3)]]))),
    ]


# ---------------------------------------------------------------- G5


def _clusters(rng: np.random.Generator, n: int, d: int, k: int, q: int,
              labels: tuple[int, ...]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Float points in clusters; queries whose k-th and (k+1)-th distances differ by ≥ 1e-3."""
    centres = 3 * rng.standard_normal((len(labels), d))
    while True:
        idx = rng.integers(0, len(labels), n)
        X = centres[idx] + rng.standard_normal((n, d))
        Xq = 3 * rng.standard_normal((q, d))
        dist = np.sort(np.linalg.norm(Xq[:, None] - X[None], axis=2), axis=1)
        if k == n or np.all(dist[:, k] - dist[:, k - 1] >= 1e-3):
            return k, X, np.asarray(labels)[idx], Xq


def _grid_cases() -> list[Case]:
    """Hand-planted integer cases where the tie rules and k itself are observable."""
    # Query (0, 0): neighbours at distances 1 (label 5), 2 (label 2), 3 (label 9).
    vote_tie = (2, np.array([[1, 0], [0, 2], [3, 0]]), np.array([5, 2, 9]), np.array([[0, 0]]))
    # Query (0, 0): (1, 0) index 0 label 3 and (-1, 0) index 1 label 1 are equidistant.
    dist_tie = (1, np.array([[1, 0], [-1, 0], [5, 5]]), np.array([3, 1, 1]),
                np.array([[0, 0], [4, 5]]))
    # k = 3, query (0, 0): nearest index 1 (label 0) and index 2 (label 7), then a tie at
    # distance 3 between index 0 (label 7) and index 4 (label 0) for the 3rd place. The index
    # rule takes index 0 and the vote {0, 7, 7} gives 7; the larger index would give 0.
    boundary = (3, np.array([[0, 3], [1, 0], [0, 2], [5, 5], [-3, 0]]),
                np.array([7, 0, 7, 0, 0]), np.array([[0, 0]]))
    # Neighbours in order have labels 1, 4, 4, 1, 1: k = 3 votes 4; k + 1 = 4 ties -> 1.
    k_plus_one = (3, np.array([[1, 0], [0, 2], [-3, 0], [0, -4], [5, 0]]),
                  np.array([1, 4, 4, 1, 1]), np.array([[0, 0]]))
    # Queries equal to training points; the point itself (distance 0) is a neighbour.
    train = np.array([[0, 0], [1, 0], [0, 1], [4, 4], [5, 4]])
    on_points = (1, train, np.array([2, 6, 6, 3, 8]), train[[0, 3, 4]].copy())
    return [
        Case("vote tie broken by the smallest label (k=2)", vote_tie),
        Case("distance tie broken by the smaller index (k=1)", dist_tie),
        Case("distance tie at the k-th neighbour (k=3)", boundary),
        Case("k+1 neighbours would change the vote (k=3)", k_plus_one),
        Case("queries equal to training points (k=1)", on_points),
    ]


def cases_knn_predict(rng: np.random.Generator) -> list[Case]:
    """G5: planted distance and vote ties, k = 1 and k = N, D = 1, integer dtype."""
    n = int(rng.integers(5, 8))
    labels = rng.permutation(np.r_[[4] * (n // 2), [6] * (n - n // 2)])
    k_all = (n, rng.standard_normal((n, 2)), labels, rng.standard_normal((2, 2)))
    ints = (3, rng.integers(-6, 7, (9, 2)), rng.integers(0, 3, 9), rng.integers(-6, 7, (4, 2)))
    return [
        *_grid_cases(),
        Case("random 2-D clusters, k=3, labels {1, 4, 7}", _clusters(rng, 12, 2, 3, 5, (1, 4, 7))),
        Case("random 3-D clusters, k=5", _clusters(rng, 12, 3, 5, 4, (0, 2))),
        Case("k = N (every training point votes)", k_all),
        Case("one feature (D=1), k=1", _clusters(rng, 6, 1, 1, 3, (3, 8))),
        Case("integer dtype X and Xq, k=3 (ties possible)", ints),
    ]


# ---------------------------------------------------------------- G6


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
    b1 = q[:, :k1] @ _basis(rng, k1, k1, kappa)
    b2 = np.array(q2).T @ _basis(rng, k2, k2, kappa)
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


def cases_principal_angles(rng: np.random.Generator) -> list[Case]:
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
