"""Seeded generators of the hidden inputs of Unit 1 (linear algebra), rule R5.

Matrix families (all sizes ≤ 12 so one check runs in well under 0.2 s):

* well-conditioned ``A = Q₁ diag(s) Q₂ᵀ`` with ``s`` log-spaced in ``[1, 10²]``;
* SPD ``QΛQᵀ`` with ``λ ∈ [1, 10]``;
* prescribed singular values (rank-r with a clean gap ``σ_r/σ_{r+1} ≥ 10⁸``);
* prescribed eigenvalues (repeated eigenvalues, gaps ≥ 10⁻³‖S‖ otherwise);
* edge cases: 1×1, zero, identity, permutation, integer dtype, tiny/huge scale.

Each ``cases_*`` function takes the check's own ``np.random.Generator``
(:func:`graders.checks.case_rng`) and returns the list of :class:`Case`;
the same seed always gives the same inputs. The judges in
:mod:`graders.linear_algebra` recompute the references from ``case.args``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from graders.checks import Case
from graders.content.units.linear_algebra import (
    orthogonal,
    rank_r,
    spd,
    sym_with_eigs,
    well_conditioned,
    with_singular_values,
)

__all__ = [
    "cases_gram_schmidt",
    "cases_lu",
    "cases_pagerank",
    "cases_rank_nullspace",
    "cases_reflection_matrix",
    "cases_solve",
    "cases_sym_eig",
    "orthogonal",
    "rank_r",
    "spd",
    "sym_with_eigs",
    "well_conditioned",
    "with_singular_values",
]


def _random_int_matrix(rng: np.random.Generator, n: int, max_cond: float = 1e3) -> np.ndarray:
    """A nonsingular integer matrix with entries in [-9, 9] and κ₂ ≤ max_cond."""
    while True:
        a = rng.integers(-9, 10, size=(n, n))
        if np.linalg.cond(a) <= max_cond:
            return a


def cases_solve(rng: np.random.Generator) -> list[Case]:
    """LA1: nonsingular systems only (singular ones are a public check in the notebook)."""
    def system(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return a, a @ rng.standard_normal(a.shape[0])

    zero_pivot = well_conditioned(rng, 3)
    zero_pivot[0, 0] = 0.0
    hilbert = scipy.linalg.hilbert(8)
    int_a = _random_int_matrix(rng, 4)
    return [
        Case("well-conditioned 5x5", system(well_conditioned(rng, 5))),
        Case("well-conditioned 12x12", system(well_conditioned(rng, 12))),
        Case("zero leading pivot 3x3", system(zero_pivot)),
        Case("tiny leading pivot [[1e-20, 1], [1, 1]]",
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


def _non_involutory_pivoting(rng: np.random.Generator, n: int) -> np.ndarray:
    """A well-conditioned matrix whose partial-pivoting P is not symmetric (P ≠ Pᵀ)."""
    while True:
        a = well_conditioned(rng, n)
        p = scipy.linalg.lu(a)[0]
        if not np.array_equal(p, p.T):
            return a


def cases_lu(rng: np.random.Generator) -> list[Case]:
    """LA2: square matrices; P ≠ Pᵀ where the PA = LU convention must show."""
    zero_pivot = _non_involutory_pivoting(rng, 3)
    zero_pivot[0, 0] = 0.0
    return [
        Case("well-conditioned 6x6 (P not symmetric)", (_non_involutory_pivoting(rng, 6),)),
        Case("zero leading pivot 3x3", (zero_pivot,)),
        Case("tiny leading pivot [[1e-20, 1], [1, 1]]",
             (np.array([[1e-20, 1.0], [1.0, 1.0]]),)),
        Case("1x1", (np.array([[rng.uniform(1, 5)]]),)),
        Case("integer dtype 4x4", (_random_int_matrix(rng, 4),)),
        Case("permutation matrix 5x5", (np.eye(5)[[2, 0, 4, 1, 3]],)),
        Case("tied pivots 4x4 (several valid P)",
             (np.array([[1.0, 2, 3, 1], [-1, 1, 2, 2], [1, 0, 4, 3], [-1, 3, 1, 5]]),)),
        Case("well-conditioned 12x12", (well_conditioned(rng, 12),)),
    ]


def _with_dependent(rng: np.random.Generator, m: int, k: int, dep_at: list[int],
                    offset: float = 0.0) -> tuple[np.ndarray, list[int]]:
    """m×(k+len(dep_at)) matrix: k well-conditioned columns, dependent ones inserted at dep_at.

    A dependent column is a random combination of the columns before it, plus
    ``offset`` times a random unit vector (0 → exactly dependent up to rounding).
    Returns the matrix and the indices of the independent (kept) columns.
    """
    base = well_conditioned(rng, m, k) / 10.0  # singular values in [0.1, 10]
    cols: list[np.ndarray] = []
    kept: list[int] = []
    it = iter(base.T)
    for j in range(k + len(dep_at)):
        if j in dep_at:
            prev = np.array(cols).T if cols else np.zeros((m, 1))
            v = rng.standard_normal(m)
            col = prev @ rng.uniform(0.5, 1.5, prev.shape[1]) + offset * v / np.linalg.norm(v)
            cols.append(col)
        else:
            kept.append(j)
            cols.append(next(it))
    return np.array(cols).T, kept


def cases_gram_schmidt(rng: np.random.Generator) -> list[Case]:
    """LA3: full rank, dependent and zero columns (dropped), tol honoured, int dtype."""
    return [
        Case("full column rank 6x4", (well_conditioned(rng, 6, 4) / 10,)),
        Case("square full rank 5x5", (well_conditioned(rng, 5) / 10,)),
        Case("dependent third column 5x4 (dropped)", (_with_dependent(rng, 5, 3, [2])[0],)),
        Case("zero first column and duplicate column 6x5",
             (np.column_stack([np.zeros(6), *_with_dependent(rng, 6, 3, [2])[0].T]),)),
        Case("nearly dependent column (residual ~1e-8) with tol=1e-6, 6x4",
             (_with_dependent(rng, 6, 3, [3], offset=1e-8)[0], 1e-6)),
        Case("zero matrix 3x2 (all columns dropped)", (np.zeros((3, 2)),)),
        Case("integer dtype 3x3", (np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1]]),)),
        Case("single column 4x1", (rng.standard_normal((4, 1)),)),
        Case("1x1", (np.array([[rng.uniform(-3, -1)]]),)),
        Case("wide 3x5 (last two columns dropped)", (_with_dependent(rng, 3, 3, [3, 4])[0],)),
    ]


def cases_rank_nullspace(rng: np.random.Generator) -> list[Case]:
    """LA4: clean gaps only (σ_r/σ_{r+1} ≥ 10⁸, rtol in the middle of the gap)."""
    return [
        Case("square rank 3 of 6x6", (rank_r(rng, 6, 6, 3), 1e-6)),
        Case("tall full column rank 8x4 (empty null space)", (well_conditioned(rng, 8, 4), 1e-6)),
        Case("wide full row rank 3x7", (well_conditioned(rng, 3, 7), 1e-6)),
        Case("wide rank 2 of 4x9", (rank_r(rng, 4, 9, 2), 1e-6)),
        Case("tall rank 2 of 10x5", (rank_r(rng, 10, 5, 2), 1e-6)),
        Case("zero matrix 3x4", (np.zeros((3, 4)), 1e-6)),
        Case("large scale 1e8 with noise singular values 1e-2, rtol 1e-8",
             (rank_r(rng, 7, 6, 3, scale=1e8, noise=1e-2), 1e-8)),
        Case("tiny scale 1e-12, rank 2 of 5x5", (rank_r(rng, 5, 5, 2, scale=1e-12), 1e-6)),
        Case("integer dtype 3x3 rank 2", (np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]]), 1e-10)),
        Case("1x1", (np.array([[rng.uniform(1, 5)]]), 1e-10)),
    ]


def cases_sym_eig(rng: np.random.Generator) -> list[Case]:
    """LA5: distinct eigenvalues have gaps ≥ 10⁻³‖S‖ (Davis–Kahan); repeated ones are exact."""
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


def _web(rng: np.random.Generator, n: int, dangling: list[int],
         no_inlinks: tuple[int, ...] = ()) -> np.ndarray:
    """Column-stochastic link matrix: L[i, j] = 1/outdeg(j) for a link j → i; dangling cols 0."""
    links = rng.random((n, n)) < 0.4
    np.fill_diagonal(links, False)
    for j in range(n):
        if not links[:, j].any():
            links[(j + 1) % n, j] = True
    links[list(no_inlinks), :] = False
    for j in range(n):  # every non-dangling page keeps at least one out-link
        if not links[:, j].any():
            links[next(i for i in range(n) if i != j and i not in no_inlinks), j] = True
    links[:, dangling] = False
    out = links.sum(axis=0)
    return np.where(links, 1.0 / np.maximum(out, 1), 0.0)


def cases_pagerank(rng: np.random.Generator) -> list[Case]:
    """LA6: webs with dangling pages, pages without in-links, and several (d, tol)."""
    cycle = np.eye(5, dtype=np.int64)[:, [1, 2, 3, 4, 0]]
    return [
        Case("6 pages, no dangling", (_web(rng, 6, []), 0.85, 1e-8)),
        Case("7 pages, 2 dangling columns", (_web(rng, 7, [1, 4]), 0.85, 1e-8)),
        Case("8 pages, dangling column and a page without in-links",
             (_web(rng, 8, [2], no_inlinks=(5,)), 0.85, 1e-9)),
        Case("all pages dangling (L = 0), 4 pages", (np.zeros((4, 4)), 0.85, 1e-8)),
        Case("1 page", (np.array([[1.0]]), 0.85, 1e-8)),
        Case("12 pages, d = 0.5, tol 1e-10", (_web(rng, 12, [0, 7]), 0.5, 1e-10)),
        Case("10 pages, d = 0.95 (slow contraction)", (_web(rng, 10, [3]), 0.95, 1e-10)),
        Case("integer dtype 5-cycle", (cycle, 0.85, 1e-8)),
    ]


def cases_reflection_matrix(rng: np.random.Generator) -> list[Case]:
    """LA7: 2×2 bases; b₂ not orthogonal to b₁ wherever the oblique answer must show."""
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
