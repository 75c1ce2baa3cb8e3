"""G5 ``knn_predict(k, X, y, Xq) -> labels``: k-nearest-neighbour classification by majority vote.

Convention (stated in the notebook): X is (N, d), y (N,) non-negative integer labels (not
necessarily 0..C−1), Xq (Q, d), 1 ≤ k ≤ N, any real dtype; Euclidean distance; exactly k
neighbours, a training point equal to a query being one of them; distance ties go to the
smaller training index (a stable sort), vote ties to the smallest label; an integer array of
shape (Q,).

Graded by exact match with a reference that sorts the distances stably and takes the
smallest label among the most frequent. The hidden inputs plant the ties on purpose: integer
grids (distances exact in floating point) with a vote tie, a distance tie, a tie at the k-th
place and a k + 1-th neighbour that would change the vote; queries equal to training points;
diagonal displacements on which the Manhattan (L1) and Chebyshev (L∞) orders differ from the
Euclidean one; two *tie-heavy* grids (:func:`_tie_heavy`) in which six or eight training
points share the k-th distance, labelled so that any choice among them other than the
smallest indices changes the vote; float clusters whose k-th and (k+1)-th distances differ
by ≥ 1e-3; k = N, D = 1, integer dtype. Catches: k + 1 neighbours, skipping the nearest,
``Counter.most_common`` on vote ties, distance ties to the larger index, vote ties to the
largest label, the Manhattan distance, and ``np.argpartition`` (whose order among equal
distances is arbitrary, see :data:`TIE_PATTERNS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(k: int, X: Any, y: Any, Xq: Any) -> np.ndarray:
    """Reference G5: stable sort of Euclidean distances, vote ties to the smallest label."""
    x, q, labels = _f(X), _f(Xq), np.asarray(y)
    d2 = ((q[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    out = np.empty(q.shape[0], dtype=labels.dtype)
    for i, row in enumerate(d2):
        near = labels[np.argsort(row, kind="stable")[: int(k)]]
        values, counts = np.unique(near, return_counts=True)  # values ascending
        out[i] = values[np.argmax(counts)]  # argmax: first (smallest) label of the max
    return out


# ---------------------------------------------------------------- hidden inputs


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
    """Hand-planted integer cases where the tie rules, the metric and k are observable."""
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
    # Diagonal displacements. Query (0, 0): (3, 0) vs (2, 2) is 3 vs 2.83 (Euclidean), 3 vs 4
    # (L1), 3 vs 2 (L∞). Query (10, 10): (13, 13) vs (10, 14) is 4.24 vs 4 (Euclidean), 6 vs 4
    # (L1), 3 vs 4 (L∞). Euclidean labels [5, 1]; Manhattan [1, 1]; Chebyshev [5, 5].
    metric = (1, np.array([[3, 0], [2, 2], [13, 13], [10, 14]]), np.array([1, 5, 5, 1]),
              np.array([[0, 0], [10, 10]]))
    return [
        Case("vote tie broken by the smallest label (k=2)", vote_tie),
        Case("distance tie broken by the smaller index (k=1)", dist_tie),
        Case("distance tie at the k-th neighbour (k=3)", boundary),
        Case("k+1 neighbours would change the vote (k=3)", k_plus_one),
        Case("queries equal to training points (k=1)", on_points),
        Case("diagonal offsets: Manhattan and Chebyshev order differ (k=1)", metric),
    ]


#: Points of the integer grid at squared distance 1, 5 and 9 from the origin.
_RINGS = {1: [(1, 0), (0, 1), (-1, 0), (0, -1)],
          5: [(1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1)],
          9: [(3, 0), (0, 3), (-3, 0), (0, -3)]}

#: (k, squared distances from the planted query, training index by training index). Each
#: pattern puts 4 points strictly inside the k-th distance and 6 (resp. 8) points on it, so
#: k − 4 of the tied points are neighbours; ``np.argpartition`` does not keep them in index
#: order. Of 3000 random orders of these multisets, NumPy 2.4's argpartition picked another
#: tied point than the stable sort for 89% (k=7) and 92% (k=5), both in its AVX2 kernel and
#: with the SIMD kernels disabled (its introselect); these two orders are among those where
#: both do, and ``tests/content/test_geometry.py`` re-checks them on both code paths.
TIE_PATTERNS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (7, (5, 5, 9, 1, 1, 1, 5, 5, 1, 5, 5, 9)),
    (5, (5, 5, 5, 5, 1, 1, 5, 5, 5, 1, 1, 5)),
)


def _symmetry(rng: np.random.Generator) -> np.ndarray:
    """A random symmetry of the square grid (an axis swap and sign flips): keeps distances."""
    m = np.eye(2, dtype=int)[rng.permutation(2)]
    return np.asarray(m * rng.choice([-1, 1], size=2))


def tie_labels(k: int, d2: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Labels for the squared distances ``d2`` (k odd) under which the stable choice among the
    points tied at the k-th distance votes label a by one, and swapping any one of them for
    an unchosen tied point votes b: the tied points chosen get a, the others b, and of the c
    points strictly inside, (c + 1 − m)/2 get a (m = k − c chosen tied points)."""
    d = np.asarray(d2)
    t = d[np.argsort(d, kind="stable")[k - 1]]
    inside = np.flatnonzero(d < t)
    tied = np.flatnonzero(d == t)
    m = k - len(inside)
    a, b = (int(v) for v in rng.choice(10, size=2, replace=False))
    labels = rng.choice([a, b], size=len(d))  # points beyond the k-th distance: either
    labels[tied[:m]], labels[tied[m:]] = a, b
    n_a = (len(inside) + 1 - m) // 2
    labels[inside] = b
    labels[rng.choice(inside, size=n_a, replace=False)] = a
    return labels


def _tie_heavy(rng: np.random.Generator, k: int, d2: Sequence[int], dtype: type,
               ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Training points at the squared distances ``d2`` from the first query (a random grid
    point), labelled by :func:`tie_labels`; the 5 other queries are random grid points
    nearby (more ties, left to chance). A grid symmetry and shift keep every distance exact."""
    used = {r: list(rng.permutation(len(pts))) for r, pts in _RINGS.items()}
    offsets = np.array([_RINGS[r][used[r].pop()] for r in d2])
    sym, centre = _symmetry(rng), rng.integers(-3, 4, 2)
    X = offsets @ sym + centre
    Xq = np.vstack([centre, centre + rng.integers(-2, 3, (5, 2))])
    return k, X.astype(dtype), tie_labels(k, d2, rng), Xq.astype(dtype)


def cases(rng: np.random.Generator) -> list[Case]:
    """G5: planted distance and vote ties, diagonal offsets, tie-heavy grids, k = 1 and k = N,
    D = 1, integer dtype."""
    n = int(rng.integers(5, 8))
    labels = rng.permutation(np.r_[[4] * (n // 2), [6] * (n - n // 2)])
    k_all = (n, rng.standard_normal((n, 2)), labels, rng.standard_normal((2, 2)))
    (k7, tie7), (k5, tie5) = TIE_PATTERNS
    return [
        *_grid_cases(),
        Case("tie-heavy grid: 6 points tied at the 7th distance (k=7)",
             _tie_heavy(rng, k7, tie7, float)),
        Case("integer dtype, tie-heavy grid: 8 points tied at the 5th distance (k=5)",
             _tie_heavy(rng, k5, tie5, int)),
        Case("random 2-D clusters, k=3, labels {1, 4, 7}", _clusters(rng, 12, 2, 3, 5, (1, 4, 7))),
        Case("random 3-D clusters, k=5", _clusters(rng, 12, 3, 5, 4, (0, 2))),
        Case("k = N (every training point votes)", k_all),
        Case("one feature (D=1), k=1", _clusters(rng, 6, 1, 1, 3, (3, 8))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """G5: exact match of the labels (ties planted; distances exact on integer grids)."""
    k, X, y, Xq = case.args
    ref = reference(k, X, y, Xq)
    pred = as_array(output, name="predictions", shape=ref.shape)
    wrong = int(np.count_nonzero(pred != ref))
    if wrong:
        raise Mismatch(f"{wrong} of {len(ref)} predicted labels are wrong (use exactly k "
                       "neighbours, a query's own training point included; distance ties "
                       "go to the smaller training index, vote ties to the smallest label)")
    return None


# ---------------------------------------------------------------- planted answers

_VOTE = '''
def _vote(labels):
    values, counts = np.unique(labels, return_counts=True)
    return values[np.argmax(counts)]
'''

WRONG = (
    # k + 1 neighbours.
    Wrong("k_plus_one",
          hint=("You vote among k + 1 neighbours: a slice such as [:k + 1] takes one too many; "
                "use exactly the k nearest, [:k]."),
          code=_VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([_vote(y[np.argsort(row, kind="stable")[:k + 1]]) for row in d])
'''),
    # Skips the nearest neighbour, assuming it is the query itself (leave-one-out habit).
    Wrong("skip_nearest",
          hint=("You skip the nearest training point as if it were the query itself: a "
                "training point at distance 0 is one of the k neighbours, so start at [0]."),
          code=_VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([_vote(y[np.argsort(row, kind="stable")[1:k + 1]]) for row in d])
'''),
    # Counter.most_common: a vote tie goes to the label met first (the nearest), not the smallest.
    Wrong("counter_most_common",
          hint=("Counter.most_common breaks a vote tie by the label met first, not the smallest "
                "label: among the labels with the highest count, take the smallest."),
          # Same outputs as largest_label_on_tie on every hidden case: its name would be a guess.
          nameable=False,
          code='''
from collections import Counter

def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([Counter(y[np.argsort(row, kind="stable")[:k]].tolist()).most_common(1)[0][0]
                     for row in d])
'''),
    # Distance ties go to the larger index.
    Wrong("distance_ties_last_index",
          hint=("Among training points at the same distance the smaller index must come first: "
                "sort the distances stably, np.argsort(d, kind=\"stable\")."),
          code=_VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    idx = -np.arange(len(X))
    return np.array([_vote(y[np.lexsort((idx, row))[:k]]) for row in d])
'''),
    # Vote ties go to the largest label.
    Wrong("largest_label_on_tie",
          hint=("Your vote ties go to the largest label: when several labels share the highest "
                "count, predict the smallest of them."),
          # Same outputs as counter_most_common on every hidden case: its name would be a guess.
          nameable=False,
          code='''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    out = []
    for row in d:
        values, counts = np.unique(y[np.argsort(row, kind="stable")[:k]], return_counts=True)
        out.append(values[::-1][np.argmax(counts[::-1])])
    return np.array(out)
'''),
    # The Manhattan (L1) distance: agrees with the Euclidean order on axis-aligned offsets only.
    Wrong("manhattan_distance",
          hint=("Your distance is the sum of absolute differences (Manhattan, L1), which ranks "
                "diagonal neighbours differently: use the Euclidean distance √Σ(xⱼ − qⱼ)²."),
          code=_VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.abs(Xq[:, None, :] - X[None, :, :]).sum(axis=2)
    return np.array([_vote(y[np.argsort(row, kind="stable")[:k]]) for row in d])
'''),
    # np.argpartition selects the k smallest distances but orders equal ones arbitrarily.
    Wrong("argpartition_ties",
          hint=("np.argpartition (like any unstable selection) picks arbitrarily among training "
                "points at the same distance: break distance ties by index with a stable sort, "
                "np.argsort(d, kind=\"stable\")."),
          code=_VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    nearest = np.argpartition(d, k - 1, axis=1)[:, :k]
    return np.array([_vote(labels) for labels in y[nearest]])
'''),
)

ALTERNATIVES = (
    # lexsort by (distance, index) and bincount (argmax takes the smallest label on ties).
    Alternative("lexsort_bincount", code='''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d2 = ((Xq[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    idx = np.arange(len(X))
    return np.array([np.argmax(np.bincount(y[np.lexsort((idx, row))[:k]])) for row in d2])
'''),
    # Pure Python: sort by (distance, index), count votes, smallest label among the maxima.
    Alternative("python_sorted", code='''
def knn_predict(k, X, y, Xq):
    out = []
    for q in np.asarray(Xq, float):
        d = [float(np.sum((np.asarray(x, float) - q) ** 2)) for x in X]
        nearest = sorted(range(len(d)), key=lambda i: (d[i], i))[:k]
        votes = {}
        for i in nearest:
            votes[int(y[i])] = votes.get(int(y[i]), 0) + 1
        best = max(votes.values())
        out.append(min(lab for lab, c in votes.items() if c == best))
    return np.array(out)
'''),
    # Squared distances by the expansion (exact on integer inputs), stable argsort, np.unique.
    Alternative("expansion_stable_argsort", code='''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d2 = (Xq ** 2).sum(1)[:, None] + (X ** 2).sum(1)[None, :] - 2 * Xq @ X.T
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
    preds = []
    for labels in y[nearest]:
        values, counts = np.unique(labels, return_counts=True)
        preds.append(values[counts == counts.max()].min())
    return np.array(preds)
'''),
)

TASK = Task(
    answer_cell="g5_knn_predict",
    checks=(CheckSpec(id="geometry.knn_predict", unit="geometry", function="knn_predict",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
