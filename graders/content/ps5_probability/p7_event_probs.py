"""P7 ``event_probs(p, A, B) -> (p_union, p_given)``: events on a finite probability space.

Convention (stated in the notebook): the sample space is Ω = {ω_0, …, ω_{n−1}} with outcome
probabilities ``p`` (shape (n,), non-negative, summing to 1, any real dtype; outcomes of
probability 0 are allowed). An event is a boolean mask of shape (n,): ``A[i]`` is True when
ω_i ∈ A. The output is ``(p_union, p_given)`` with ``p_union = P(A ∪ B)`` and
``p_given = P(A | B) = P(A ∩ B) / P(B)`` (product rule), both floats; ``p_given`` is NaN when
P(B) = 0 (conditioning on an impossible event is undefined).

Graded against the reference to derived absolute tolerances (see :func:`tolerances`), the NaN
exact. The outcomes are not equally likely and the events overlap and depend on each other, so
the hidden cases catch: P(A) + P(B) without the intersection, the wrong denominator P(A),
counting outcomes as if they were equally likely, assuming independence, and 0 instead of NaN
for an impossible B.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_float, as_tuple
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference", "tolerances"]


def reference(p: Any, A: Any, B: Any) -> tuple[float, float]:
    """P(A ∪ B) as the mass of the union's outcomes; P(A | B) = P(A ∩ B)/P(B), NaN if P(B) = 0."""
    pv = _f(p)
    a, b = np.asarray(A, dtype=bool), np.asarray(B, dtype=bool)
    p_b = float(pv[b].sum())
    p_given = float(pv[a & b].sum()) / p_b if p_b > 0 else float("nan")
    return float(pv[a | b].sum()), p_given


def tolerances(p: Any, B: Any) -> tuple[float, float]:
    """Absolute tolerances ``(for p_union, for p_given)`` that every correct method meets.

    A sum of k ≤ n non-negative terms ≤ 1 errs by ≤ (k − 1)ε in any order. The union through
    inclusion–exclusion, P(A) + P(B) − P(A ∩ B), adds three such sums and two roundings:
    ≤ (3n + 2)ε ≤ 3.3e-14 for n ≤ 48. Hence atol 1e-13 for ``p_union`` (margin 3). The ratio
    P(A ∩ B)/P(B) errs by ≤ (2n + 1)ε relative, but a numerator from inclusion–exclusion errs
    by ≤ 1e-13 absolute, so ``p_given`` gets 1e-13/P(B) (≤ 1e-9 on these inputs, P(B) ≥ 1e-4).
    The planted mistakes differ by ≥ 1e-3 on some case.
    """
    p_b = float(_f(p)[np.asarray(B, dtype=bool)].sum())
    return 1e-13, (1e-13 / p_b if p_b > 0 else 0.0)


# ---------------------------------------------------------------- hidden inputs


def _pmf(rng: np.random.Generator, n: int) -> np.ndarray:
    """Outcome probabilities far from uniform (Dirichlet(1/2))."""
    return np.asarray(rng.dirichlet(np.full(n, 0.5)))


def _mask(rng: np.random.Generator, n: int, frac: float) -> np.ndarray:
    return np.asarray(rng.random(n) < frac)


def _dice() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two loaded dice: Ω the 36 pairs, A = {sum ≥ 8}, B = {first die ≥ 4} (dependent)."""
    face = np.array([0.1, 0.1, 0.15, 0.15, 0.2, 0.3])
    first, second = np.meshgrid(np.arange(1, 7), np.arange(1, 7), indexing="ij")
    p = np.outer(face, face).ravel()
    return p, (first + second >= 8).ravel(), (first >= 4).ravel()


def cases(rng: np.random.Generator) -> list[Case]:
    """P7: overlapping, dependent, nested, disjoint, impossible and certain events, int dtype."""
    n = 12
    p = _pmf(rng, n)
    overlap_a, overlap_b = _mask(rng, n, 0.5), _mask(rng, n, 0.5)
    overlap_a[:2], overlap_b[:2] = True, True          # A ∩ B is never empty
    overlap_b[2] = True                                 # P(B) ≠ P(A) in general
    nested_b = _mask(rng, 10, 0.6)
    nested_b[0] = True
    nested_a = nested_b & _mask(rng, 10, 0.5)
    nested_a[0] = True
    zero_p = _pmf(rng, 8)
    zero_p[[5, 6]] = 0.0
    zero_p /= zero_p.sum()
    dice_p, dice_a, dice_b = _dice()
    point = np.zeros(6, dtype=np.int64)
    point[int(rng.integers(0, 3))] = 1                 # an integer point mass on ω_0..ω_2
    rare = _pmf(rng, 9)
    rare[0] = 1e-4
    rare[1:] *= (1 - 1e-4) / rare[1:].sum()
    disjoint = rng.permutation(10)
    return [
        Case("overlapping events, 12 outcomes, non-uniform p", (p, overlap_a, overlap_b)),
        Case("two loaded dice (36 outcomes): A = sum ≥ 8, B = first ≥ 4 (dependent)",
             (dice_p, dice_a, dice_b)),
        Case("nested events A ⊂ B", (_pmf(rng, 10), nested_a, nested_b)),
        Case("disjoint events", (_pmf(rng, 10), np.isin(np.arange(10), disjoint[:4]),
                                 np.isin(np.arange(10), disjoint[4:7]))),
        Case("B = Ω (certain), so P(A | B) = P(A)", (_pmf(rng, 7), _mask(rng, 7, 0.5) | (
            np.arange(7) == 0), np.ones(7, dtype=bool))),
        Case("B empty (impossible): P(A | B) is NaN", (_pmf(rng, 6), _mask(rng, 6, 0.5),
                                                      np.zeros(6, dtype=bool))),
        Case("B non-empty of probability 0 (outcomes with p = 0): NaN",
             (zero_p, _mask(rng, 8, 0.5) | (np.arange(8) == 0), np.isin(np.arange(8), [5, 6]))),
        Case("A empty", (_pmf(rng, 6), np.zeros(6, dtype=bool), np.arange(6) % 2 == 0)),
        Case("rare B: P(B) = 1e-4", (rare, np.arange(9) <= 3, np.arange(9) == 0)),
        Case("integer dtype p (a point mass), A ∩ B contains it",
             (point, np.arange(6) < 3, np.arange(6) < 4)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P7: p_union and p_given within :func:`tolerances`; NaN exactly where P(B) = 0."""
    p, A, B = case.args
    union_ref, given_ref = reference(p, A, B)
    tol_union, tol_given = tolerances(p, B)
    u_out, g_out = as_tuple(output, 2, name="(p_union, p_given)")
    union = as_float(u_out, name="p_union")
    given = as_float(g_out, name="p_given", finite=False)
    if abs(union - union_ref) > tol_union:
        raise Mismatch("p_union is not P(A ∪ B): the total probability of the outcomes in A "
                       "or B, each counted once and weighted by p")
    if np.isnan(given_ref):
        if not np.isnan(given):
            raise Mismatch("p_given: P(B) = 0 here, so P(A | B) is undefined: return NaN")
        return None
    if not np.isfinite(given):
        raise Mismatch("p_given is NaN or infinite although P(B) > 0")
    if abs(given - given_ref) > tol_given:
        raise Mismatch("p_given is not P(A | B) = P(A ∩ B) / P(B) with probabilities "
                       "weighted by p")
    return None


# ---------------------------------------------------------------- planted answers

_HEAD = '''
def event_probs(p, A, B):
    p = np.asarray(p, dtype=float)
    A, B = np.asarray(A, dtype=bool), np.asarray(B, dtype=bool)
    pB = p[B].sum()
'''

WRONG = (
    Wrong("union_without_intersection",
          hint=("P(A) + P(B) counts the outcomes in both events twice: the sum rule for a "
                "union subtracts P(A ∩ B)."),
          code=_HEAD + '''
    return p[A].sum() + p[B].sum(), (p[A & B].sum() / pB if pB > 0 else np.nan)
'''),
    Wrong("divides_by_p_a",
          hint=("Conditioning on B restricts the sample space to B, so P(A | B) divides "
                "P(A ∩ B) by P(B), not by P(A)."),
          code=_HEAD + '''
    pA = p[A].sum()
    return p[A | B].sum(), (p[A & B].sum() / pA if pB > 0 and pA > 0 else np.nan)
'''),
    Wrong("counts_outcomes",
          hint=("You counted outcomes as if they were equally likely: weight each outcome "
                "by its probability p[i]."),
          code=_HEAD + '''
    n = len(p)
    return (A | B).sum() / n, ((A & B).sum() / B.sum() if pB > 0 else np.nan)
'''),
    Wrong("assumes_independence",
          hint=("P(A ∩ B) = P(A)P(B) only for independent events: compute the intersection's "
                "probability from the outcomes in both events."),
          code=_HEAD + '''
    pA = p[A].sum()
    return pA + pB - pA * pB, (pA if pB > 0 else np.nan)
'''),
    Wrong("zero_instead_of_nan",
          hint=("When P(B) = 0 the conditional probability is undefined and the question "
                "asks for NaN, not 0."),
          code=_HEAD + '''
    return p[A | B].sum(), (p[A & B].sum() / pB if pB > 0 else 0.0)
'''),
)

ALTERNATIVES = (
    # Inclusion–exclusion and the product rule with dot products.
    Alternative("inclusion_exclusion_dot", code='''
def event_probs(p, A, B):
    p = np.asarray(p, dtype=float)
    a, b = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    pA, pB, pAB = p @ a, p @ b, p @ (a * b)
    if pB == 0:
        return pA + pB - pAB, float("nan")
    return pA + pB - pAB, pAB / pB
'''),
    # Events as Python sets of outcome indices.
    Alternative("index_sets", code='''
def event_probs(p, A, B):
    p = [float(v) for v in np.asarray(p)]
    a = {i for i, x in enumerate(np.asarray(A)) if x}
    b = {i for i, x in enumerate(np.asarray(B)) if x}
    prob = lambda event: sum(p[i] for i in sorted(event))
    pB = prob(b)
    return prob(a | b), (prob(a & b) / pB if pB > 0 else float("nan"))
'''),
    # The complement rule: P(A ∪ B) = 1 − P(Aᶜ ∩ Bᶜ), then the conditional by restriction.
    Alternative("complement_and_restriction", code='''
def event_probs(p, A, B):
    p = np.asarray(p, dtype=float)
    A, B = np.asarray(A, dtype=bool), np.asarray(B, dtype=bool)
    union = p.sum() - p[~A & ~B].sum()
    restricted = p[B]
    if restricted.sum() == 0:
        return union, np.nan
    return union, float(np.sum(restricted[A[B]]) / np.sum(restricted))
'''),
)

TASK = Task(
    answer_cell="p7_event_probs",
    checks=(CheckSpec(id="probability.event_probs", unit="probability",
                      function="event_probs", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
