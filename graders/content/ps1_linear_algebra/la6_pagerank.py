"""LA6 ``pagerank(L, d, tol) -> r``: the PageRank vector by power iteration.

Convention (stated in the notebook): L is n×n column-stochastic of any real dtype
(``L[i, j]`` is the probability of following a link from page j to page i), except for the
dangling pages' all-zero columns, which count as 1/n (L̂); iterate ``r ← M r`` with
``M = d·L̂ + (1−d)/n·𝟙𝟙ᵀ`` from ``r₀ = 𝟙/n`` until ``‖r_{k+1} − r_k‖₂ ≤ tol`` and return
the last iterate, shape (n,), non-negative.

Graded after normalising r to sum 1, in the 1-norm against the exact PageRank vector, with
the tolerance ``d/(1−d)·√n·tol`` that the stopping rule guarantees (plus rounding), so any
method at least this accurate passes (an exact solve, the Perron eigenvector, a start and
threshold scaled by 100). Catches: iterating with L̂ (no damping), L transposed (taken as
row-stochastic), dangling pages found along the wrong axis, a fixed number of iterations.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(L: Any, d: float, tol: float = 0.0) -> np.ndarray:
    """The reference: exact solve of ``(I − d L̂) r = (1−d)/n 𝟙``, normalised to sum 1.

    L̂ is L with its dangling (all-zero) columns replaced by 1/n; ``tol`` is
    accepted for signature compatibility and unused (the solve is exact).
    """
    link = _f(L).copy()
    n = link.shape[0]
    link[:, link.sum(axis=0) == 0] = 1.0 / n
    r = scipy.linalg.solve(np.eye(n) - d * link, np.full(n, (1.0 - d) / n))
    return np.asarray(r / r.sum())


# ---------------------------------------------------------------- hidden inputs


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


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: webs with dangling pages, pages without in-links, several (d, tol)."""
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


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
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
    if np.abs(r - reference(L, d)).sum() > bound:
        raise Mismatch("r (normalised to sum 1) is further from the PageRank vector than the "
                       "stopping rule allows: iterate with M = d·L̂ + (1−d)/n·𝟙𝟙ᵀ, where L̂ "
                       "replaces each dangling (all-zero) column of L by 1/n, until "
                       "‖r_new − r‖₂ ≤ tol")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Power iteration with L itself (dangling columns fixed) instead of M: no damping.
    Wrong("iterate_L",
          hint=(
                "You iterate with L̂ alone: use the damped matrix M = d·L̂ + (1−d)/n·𝟙𝟙ᵀ, whose "
                "stationary vector is the PageRank vector."),
          code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = L @ r
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
'''),
    # Treats L as row-stochastic (L[i, j] = link i -> j): iterates with Lᵀ.
    Wrong("transposed_L",
          hint=(
                "L is column-stochastic (L[i, j] is the link from page j to page i): iterate with L"
                " itself, not with its transpose."),
          code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float).T
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = M @ r
        r_new = r_new / r_new.sum()
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
'''),
    # Finds dangling pages along the wrong axis (rows: pages without in-links).
    Wrong("dangling_rows",
          hint=(
                "Dangling pages are the all-zero columns of L (no out-links), not the all-zero "
                "rows: sum L over axis 0 to find them."),
          code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=1) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = M @ r
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
'''),
    # A fixed number of iterations, ignoring tol.
    Wrong("fixed_10_iterations",
          hint=(
                "A fixed number of iterations ignores tol: iterate until ‖r_new − r‖₂ ≤ tol."),
          code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(10):
        r = M @ r
    return r
'''),
)

ALTERNATIVES = (
    # The stationary vector directly: (I - d L_hat) r = (1 - d)/n 1.
    Alternative("linear_solve", code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    r = np.linalg.solve(np.eye(n) - d * L, np.full(n, (1 - d) / n))
    return r / r.sum()
'''),
    # Coursera's loop: r sums to 100, so the stopping threshold is scaled by 100 too.
    Alternative("coursera_scale_100", code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones([n, n])
    r = 100 * np.ones(n) / n
    lastR = r
    r = M @ r
    while np.linalg.norm(lastR - r) > 100 * tol:
        lastR = r
        r = M @ r
    return r
'''),
    # The Perron eigenvector of M (eigenvalue 1), scaled to sum 1.
    Alternative("perron_eigvec", code='''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    w, V = np.linalg.eig(M)
    v = np.real(V[:, np.argmax(np.abs(w))])
    return v / v.sum()
'''),
)

TASK = Task(
    answer_cell="la6_pagerank",
    checks=(CheckSpec(id="linear_algebra.pagerank", unit="linear_algebra", function="pagerank",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
