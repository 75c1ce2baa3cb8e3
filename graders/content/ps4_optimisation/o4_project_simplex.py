"""O4 ``project_simplex(v) -> x``: the Euclidean projection onto the probability simplex.

Convention (stated in the notebook): ``v`` has shape (n,), n ≥ 1, any real dtype; ``x`` is a
float array of shape (n,), the unique point of Δ = {x ≥ 0, Σx = 1} closest to v, of the form
x_i = max(v_i − τ, 0).

Graded by the unique answer: sum 1, x ≥ 0, the variational inequality, and direct comparison
at absolute tolerance 1e-10·max(1, ‖v‖∞). Catches: clipping then renormalising, softmax, one
shift then clipping, an off-by-one threshold, an ascending sort.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(v: Any) -> np.ndarray:
    """Reference O4: sort-based projection (Held–Wolfe–Crowder; Duchi et al. 2008)."""
    vv = _f(v)
    u = np.sort(vv)[::-1]
    css = np.cumsum(u) - 1.0
    k = np.arange(1, len(vv) + 1)
    r = int(k[u - css / k > 0][-1])
    return np.asarray(np.maximum(vv - css[r - 1] / r, 0.0))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O4: generic v (clip-and-renormalise differs), v ∈ Δ, ties, vertex, n = 1, negatives."""
    tie = rng.uniform(0.2, 0.4)
    return [
        Case("random v, n = 6", (rng.standard_normal(6),)),
        Case("random positive v, n = 8 (clipping then renormalising differs)",
             (rng.uniform(0.0, 1.0, 8),)),
        Case("v already in the simplex, n = 5", (rng.dirichlet(np.ones(5)),)),
        Case("ties: repeated entries, n = 6", (np.array([tie, tie, tie, -1.0, tie, 0.1]),)),
        Case("one dominant entry (projection is a vertex), n = 4",
             (np.r_[rng.uniform(-1, 1, 3), 5.0][rng.permutation(4)],)),
        Case("n = 1", (np.array([rng.uniform(-3, 3)]),)),
        Case("all entries negative, n = 5", (-rng.uniform(1.0, 3.0, 5),)),
        Case("zero vector, n = 4 (uniform answer)", (np.zeros(4),)),
        Case("integer dtype, n = 6", (rng.integers(-3, 4, size=6),)),
        Case("large scale (entries ~1e3), n = 7", (1e3 * rng.standard_normal(7),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O4: sums to 1, non-negative, variational inequality, then the unique answer."""
    v = _f(case.args[0])
    n = v.shape[0]
    x = as_array(output, name="x", shape=(n,))
    ref = reference(v)
    # The sort-based τ = (Σ_{i≤k} u_i − 1)/k has error ≤ n²·ε·s with s = max(1, ‖v‖∞)
    # (n ≤ 10: ≤ 2.2e-14·s), and x = max(v − τ, 0) inherits it; atol δ = 1e-10·s (R2).
    # The property tests use bounds implied by it: |Σx − 1| ≤ n·δ, x ≥ −δ, and the VI value
    # max_j (v − x)_j − (v − x)ᵀx (0 at the projection) moves by ≤ δ(2 + 2n·s) ≤ 4n·s·δ.
    s = max(1.0, float(np.max(np.abs(v))))
    delta = 1e-10 * s
    if abs(float(x.sum()) - 1.0) > n * delta:
        raise Mismatch("x does not sum to 1")
    if np.min(x) < -delta:
        raise Mismatch("x has negative entries")
    r = v - x
    if float(np.max(r) - r @ x) > 4 * n * s * delta:
        raise Mismatch("x is in the simplex but is not the closest point to v (the variational "
                       "inequality (v − x)ᵀ(y − x) ≤ 0 fails): clipping then renormalising?")
    if np.max(np.abs(x - ref)) > delta:
        raise Mismatch("x differs from the Euclidean projection of v onto the simplex")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Feasible but not the projection (and NaN when every entry is negative).
    Wrong("clip_renormalise",
          hint=("Clipping the negative entries and renormalising gives a point of the simplex "
                "but not the closest one: find τ with Σ max(v − τ, 0) = 1."),
          code='''
def project_simplex(v):
    x = np.maximum(np.asarray(v, dtype=float), 0.0)
    return x / x.sum()
'''),
    # Softmax: in the simplex, never the Euclidean projection.
    Wrong("softmax",
          hint=("Softmax maps v into the simplex but is not the Euclidean projection: the answer "
                "has the form max(v − τ, 0) for one threshold τ."),
          code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    e = np.exp(v - v.max())
    return e / e.sum()
'''),
    # One shift to sum 1, then clipping (a single Michelot step): sum ≠ 1 after clipping.
    Wrong("shift_then_clip",
          hint=("One shift followed by clipping no longer sums to 1 once entries are clipped: "
                "find the threshold τ from the entries that stay positive."),
          # Same outputs as ascending_sort on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    return np.maximum(v - (v.sum() - 1.0) / len(v), 0.0)
'''),
    # Sort-based, but the threshold divides by the 0-based index.
    Wrong("off_by_one_threshold",
          hint=("Your threshold divides by a 0-based index: with the sorted partial sums, τ = "
                "(u₁ + … + u_k − 1)/k counts the k entries from 1."),
          code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    j = np.arange(1, len(v) + 1)
    r = np.nonzero(u - (css - 1) / j > 0)[0][-1]
    tau = (css[r] - 1) / max(r, 1)
    return np.maximum(v - tau, 0.0)
'''),
    # Sorts ascending instead of descending.
    Wrong("ascending_sort",
          hint=("Sort v in decreasing order: the support of the projection is made of the "
                "largest entries, and the threshold test scans them from the top."),
          # Same outputs as shift_then_clip on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = np.sort(v)
    css = np.cumsum(u)
    j = np.arange(1, len(v) + 1)
    r = np.nonzero(u - (css - 1) / j > 0)[0][-1]
    tau = (css[r] - 1) / (r + 1)
    return np.maximum(v - tau, 0.0)
'''),
)

ALTERNATIVES = (
    # Bisection on τ in Σ max(v − τ, 0) = 1, to machine precision.
    Alternative("bisection", code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    lo, hi = v.min() - 1.0, v.max()
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.maximum(v - mid, 0.0).sum() > 1.0:
            lo = mid
        else:
            hi = mid
    tau = 0.5 * (lo + hi)
    return np.maximum(v - tau, 0.0)
'''),
    # Michelot's algorithm: shift, drop the non-positive entries, repeat.
    Alternative("michelot", code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    active = np.ones(len(v), dtype=bool)
    while True:
        tau = (v[active].sum() - 1.0) / active.sum()
        keep = active & (v - tau > 0)
        if keep.sum() == active.sum():
            break
        active = keep
    return np.maximum(v - tau, 0.0)
'''),
    # Sort-based with an explicit loop over the sorted entries.
    Alternative("sort_loop", code='''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = sorted(v, reverse=True)
    total, tau = 0.0, 0.0
    for k, uk in enumerate(u, start=1):
        total += uk
        t = (total - 1.0) / k
        if uk - t > 0:
            tau = t
    return np.maximum(v - tau, 0.0)
'''),
)

TASK = Task(
    answer_cell="o4_project_simplex",
    checks=(CheckSpec(id="optimisation.project_simplex", unit="optimisation",
                      function="project_simplex", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
