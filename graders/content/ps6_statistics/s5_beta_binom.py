"""S5 ``beta_binom(a, b, k, n) -> (a_post, b_post, mean, mode, p_next)``: the Beta–binomial model.

Convention (stated in the notebook): prior Beta(a, b), k successes in n trials, so
a' = a + k and b' = b + n − k; ``mean`` and ``p_next`` (the posterior predictive probability
of a success) are a'/(a' + b'); the mode is (a' − 1)/(a' + b' − 2) when a' > 1 and b' > 1, 0 or
1 on the boundary where the density is monotone (a' ≤ 1 ≤ b' or b' ≤ 1 ≤ a', not both 1) and
NaN where it is not unique (a' = b' = 1, or a' < 1 and b' < 1).

Graded on the five closed-form numbers at rtol 1e-12; the mode's NaN must be NaN. Numpy
scalars, ints and a list instead of a tuple pass. The hidden inputs cover interior modes,
a < 1 with k ∈ {0, n}, flat and U-shaped posteriors and b' < 1. Catches: the posterior mean
reported as the mode, successes and failures swapped, the interior formula (or its clipped
version) on the boundary, the plug-in mode as p_next.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_float, as_tuple
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(a: float, b: float, k: int, n: int) -> tuple[float, float, float, float, float]:
    """Reference S5: Beta(a, b) prior, k successes in n trials; mode per the spec's rule."""
    ap, bp = float(a) + k, float(b) + (n - k)
    mean = ap / (ap + bp)
    if ap > 1 and bp > 1:
        mode = (ap - 1) / (ap + bp - 2)
    elif (ap == 1 and bp == 1) or (ap < 1 and bp < 1):
        mode = float("nan")
    elif ap <= 1 <= bp:
        mode = 0.0
    else:  # bp ≤ 1 ≤ ap
        mode = 1.0
    return ap, bp, mean, mode, mean


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S5: interior modes, a < 1 with k ∈ {0, n}, flat and U-shaped posteriors, b' < 1."""
    n = int(rng.integers(5, 40))
    k = int(rng.integers(1, n))
    n2 = int(rng.integers(3, 10))
    return [
        Case("Beta(2, 3) prior, k = 4 of n = 10", (2.0, 3.0, 4, 10)),
        Case("random prior and counts (interior mode)",
             (float(rng.uniform(1.25, 5.0)), float(rng.uniform(1.25, 5.0)), k, n)),
        Case("Jeffreys prior a = b = 0.5, k = 0 (mode on the boundary 0)", (0.5, 0.5, 0, n2)),
        Case("Jeffreys prior a = b = 0.5, k = n (mode on the boundary 1)", (0.5, 0.5, n2, n2)),
        Case("flat prior, no data (mode NaN)", (1, 1, 0, 0)),
        Case("U-shaped posterior a' = b' = 0.5, no data (mode NaN)", (0.5, 0.5, 0, 0)),
        Case("flat prior, k = 0 of n = 5 (integer a, b; mode 0)", (1, 1, 0, 5)),
        Case("b' < 1 < a' (mode 1)", (3.0, 0.4, 0, 0)),
        Case("a' < 1 < b' with a' + b' < 2 (mode 0)", (0.5, 1.2, 0, 0)),
        Case("a' = 1 > b' (mode 1)", (1.0, 0.5, 0, 0)),
        Case("a < 1, 0 < k < n", (0.3, 2.0, 2, 7)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S5: five closed-form numbers at rtol 1e-12; the mode's NaN must be NaN."""
    ref = reference(*case.args)
    names = ("a_post", "b_post", "mean", "mode", "p_next")
    vals = [as_float(v, name=nm, finite=nm != "mode")
            for v, nm in zip(as_tuple(output, 5, name="(a_post, b_post, mean, mode, p_next)"),
                             names, strict=True)]
    # Each value is ≤ 3 roundings of numbers ≤ 150. The only cancellation is a' − 1 (and
    # b' − 1) in the interior formula, used when a' > 1 and b' > 1; there the inputs have
    # a' − 1 ≥ 1.25 and b' − 1 ≥ 1.25 (random a, b ≥ 1.25 with 1 ≤ k ≤ n − 1; fixed cases
    # with a', b' ≥ 2.3), so relative errors ≤ 150/1.25·2ε ≈ 5e-14 < rtol 1e-12 (syllabus).
    # Other inputs have a' ≤ 1 or b' ≤ 1 (a' = 1 > b' = 0.5 among them): their mode is the
    # exact 0, 1 or NaN, and atol 1e-14 admits a mode 0 computed as (a' − 1)/(...) at a' = 1.
    def close(i: int) -> bool:
        return abs(vals[i] - ref[i]) <= 1e-12 * abs(ref[i]) + 1e-14

    if not (close(0) and close(1)):
        if abs(vals[0] - ref[1]) <= 1e-12 * ref[1] and abs(vals[1] - ref[0]) <= 1e-12 * ref[0]:
            raise Mismatch("a_post and b_post are swapped: a' = a + k counts the successes")
        raise Mismatch("the posterior parameters are not a' = a + k, b' = b + n − k "
                       "(successes and failures swapped?)")
    if not close(2):
        raise Mismatch("mean is not the posterior mean a'/(a' + b')")
    if not close(4):
        raise Mismatch("p_next is not the posterior predictive a'/(a' + b') (plug-in mode?)")
    if np.isnan(ref[3]):
        if not np.isnan(vals[3]):
            raise Mismatch("mode must be NaN when it is not unique (a' = b' = 1, or both < 1)")
        return None
    if np.isnan(vals[3]) or not close(3):
        if abs(vals[3] - ref[2]) <= 1e-12 * ref[2]:
            raise Mismatch("mode equals the posterior mean: the MAP is (a'−1)/(a'+b'−2)")
        raise Mismatch("mode is wrong (for a' ≤ 1 or b' ≤ 1 it lies on the boundary, "
                       "0 or 1, as the spec says)")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The posterior mean reported as the MAP.
    Wrong("mode_is_mean",
          hint=("The mode (MAP) of a Beta posterior is not its mean: for a' > 1 and b' > 1 it "
                "is (a' − 1)/(a' + b' − 2), with the spec's boundary and NaN rules otherwise."),
          code='''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    return a1, b1, m, m, m
'''),
    # Successes and failures swapped.
    Wrong("swapped_counts",
          hint=("The successes update the first parameter and the failures the second: "
                "a' = a + k and b' = b + n − k."),
          code='''
def beta_binom(a, b, k, n):
    a1, b1 = a + (n - k), b + k
    m = a1 / (a1 + b1)
    if a1 > 1 and b1 > 1:
        mode = (a1 - 1) / (a1 + b1 - 2)
    elif (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = 0.0 if a1 <= 1 <= b1 else 1.0
    return a1, b1, m, mode, m
'''),
    # The interior formula everywhere (negative or > 1 on the boundary, 0/0 when flat).
    Wrong("formula_always",
          hint=("(a' − 1)/(a' + b' − 2) is the mode only when a' > 1 and b' > 1: when a' ≤ 1 or "
                "b' ≤ 1 the density is monotone and the mode lies on the boundary, 0 or 1."),
          code='''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    d = a1 + b1 - 2
    mode = (a1 - 1) / d if d != 0 else np.nan
    return a1, b1, m, mode, m
'''),
    # Clipping the formula to [0, 1]: wrong side when a' + b' < 2.
    Wrong("clipped_formula",
          hint=("Clipping (a' − 1)/(a' + b' − 2) to [0, 1] picks the wrong end when a' + b' < 2: "
                "decide the boundary mode from which of a', b' is at most 1."),
          code='''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    if (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = float(np.clip((a1 - 1) / (a1 + b1 - 2), 0.0, 1.0))
    return a1, b1, m, mode, m
'''),
    # The plug-in MAP as the predictive probability.
    Wrong("p_next_is_mode",
          hint=("The posterior predictive probability of a success averages over the "
                "posterior, so it is the posterior mean a'/(a' + b'), not the plug-in mode."),
          code='''
def beta_binom(a, b, k, n):
    a1, b1 = a + k, b + n - k
    m = a1 / (a1 + b1)
    if a1 > 1 and b1 > 1:
        mode = (a1 - 1) / (a1 + b1 - 2)
    elif (a1 == 1 and b1 == 1) or (a1 < 1 and b1 < 1):
        mode = np.nan
    else:
        mode = 0.0 if a1 <= 1 <= b1 else 1.0
    return a1, b1, m, mode, mode
'''),
)

ALTERNATIVES = (
    # Branches on where the density is monotone, numpy scalars in the output.
    Alternative("monotone_branches", code='''
def beta_binom(a, b, k, n):
    a1 = np.float64(a) + k
    b1 = np.float64(b) + (n - k)
    mean = a1 / (a1 + b1)
    if a1 < 1 and b1 < 1:
        mode = np.float64(np.nan)
    elif a1 == 1 and b1 == 1:
        mode = np.float64(np.nan)
    elif a1 <= 1 <= b1:
        mode = np.float64(0.0)
    elif b1 <= 1 <= a1:
        mode = np.float64(1.0)
    else:
        mode = (a1 - 1) / ((a1 - 1) + (b1 - 1))
    return a1, b1, mean, mode, mean
'''),
    # A list instead of a tuple, ints kept where the inputs are ints.
    Alternative("list_and_ints", code='''
def beta_binom(a, b, k, n):
    ap = a + k
    bp = b + n - k
    if ap > 1 and bp > 1:
        mode = (ap - 1) / (ap + bp - 2)
    elif (ap < 1 and bp < 1) or ap == bp == 1:
        mode = float("nan")
    else:
        mode = 0.0 if ap <= 1 <= bp else 1.0
    return [ap, bp, ap / (ap + bp), mode, ap / (ap + bp)]
'''),
)

TASK = Task(
    answer_cell="s5_beta_binom",
    checks=(CheckSpec(id="statistics.beta_binom", unit="statistics", function="beta_binom",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
