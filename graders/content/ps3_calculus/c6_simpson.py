"""C6 ``simpson(f, a, b, n)``: the composite Simpson rule with n (even) intervals.

Convention (stated in the notebook): n intervals of width h = (b − a)/n on the n + 1 nodes
``a + i h`` (``np.linspace(a, b, n + 1)``), weights h/3 · (1, 4, 2, 4, …, 2, 4, 1); f accepts
floats and float arrays; a, b possibly integers, possibly a > b (h < 0, same formula); n a
positive int; a float is returned; an odd n raises ``ValueError``.

Graded against the rule itself at 1e-12 × scale, never against the integral (the judge of
C6 trapezoid). The syllabus's "error ratio 16 when h halves" follows from agreeing with the
rule and cannot be observed within one call; it is tested on the reference. The integrands
are ``calculus.univariate`` (sines + exp + polynomial), built in the sandbox by
``graders/runtime/factories/calculus.py``; the hidden inputs have n = 8, n = 2, a > b,
integer endpoints, integrands the rule integrates exactly (cubics) and an odd n that must
raise. Catches: the weights 2 and 4 swapped, n nodes instead of n + 1, no error for an odd n,
h/6 instead of h/3.
"""

from __future__ import annotations

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import trusted_array as _f
from graders.content.units.calculus import Fn, grid, interval, judge_rule, univariate

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(f: Fn, a: float, b: float, n: int) -> float:
    """C6: composite Simpson rule with n (even) intervals; ValueError for odd n."""
    if n % 2:
        raise ValueError("Simpson's rule needs an even number of intervals")
    x, h = grid(a, b, n)
    y = _f([f(t) for t in x])
    return float(h / 3 * (y[0] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum() + y[-1]))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """C6 simpson: n even; odd n must raise ValueError; cubics are integrated exactly."""
    a, b = interval(rng)
    cubic = [float(v) for v in rng.uniform(-2, 2, 4)]
    return [
        Case("smooth integrand, n = 8", (univariate(rng), a, b, 8)),
        Case("n = 2 (a single Simpson panel)", (univariate(rng), *interval(rng), 2)),
        Case("n = 64", (univariate(rng), *interval(rng), 64)),
        Case("reversed interval a > b, n = 6", (univariate(rng), b, a, 6)),
        Case("integer endpoints -1 and 2, n = 10", (univariate(rng), -1, 2, 10)),
        Case("cubic integrand (exact), n = 4",
             (univariate(rng, cubic, smooth=False), *interval(rng), 4)),
        Case("quadratic integrand x^2 on [0, 1], n = 2",
             (univariate(rng, [0.0, 0.0, 1.0], smooth=False), 0.0, 1.0, 2)),
        Case("odd n = 7 (must raise)", (univariate(rng), a, b, 7), raises=("ValueError",)),
    ]


# ---------------------------------------------------------------- judge

#: The judge of both C6 rules (:func:`graders.content.units.calculus.judge_rule`).
judge = judge_rule(reference, "simpson")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Weights 2 on odd nodes and 4 on even interior nodes.
    Wrong("weights_swapped",
          hint=("Your interior weights are swapped: Simpson's rule gives weight 4 to the odd "
                "nodes t_1, t_3, … and weight 2 to the even interior nodes t_2, t_4, …."),
          code='''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    y = np.array([f(a + i * h) for i in range(n + 1)])
    return h / 3 * (y[0] + 2 * y[1:-1:2].sum() + 4 * y[2:-1:2].sum() + y[-1])
'''),
    # n nodes instead of n + 1.
    Wrong("n_points",
          hint=("Your grid has n nodes, i.e. n − 1 intervals: n intervals of width (b − a)/n "
                "need the n + 1 nodes np.linspace(a, b, n + 1)."),
          code='''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    x = np.linspace(a, b, n)
    h = x[1] - x[0]
    y = np.array([f(t) for t in x])
    w = np.ones(n)
    w[1:-1:2] = 4
    w[2:-1:2] = 2
    return h / 3 * float(w @ y)
'''),
    # Never raises: scipy's simpson silently handles an odd number of intervals.
    Wrong("no_error_for_odd_n",
          hint=("Simpson's rule pairs the intervals, so it needs an even n: raise ValueError "
                "when n is odd instead of returning a value."),
          code='''
from scipy.integrate import simpson as _simpson

def simpson(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    return float(_simpson(np.array([f(t) for t in x]), x=x))
'''),
    # h/6 instead of h/3.
    Wrong("factor_h_over_6",
          hint=("Your weights are half the right ones: the composite Simpson rule multiplies "
                "the weighted sum (1, 4, 2, …, 4, 1) by h/3, not h/6."),
          code='''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    y = np.array([f(a + i * h) for i in range(n + 1)])
    return h / 6 * (y[0] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum() + y[-1])
'''),
)

ALTERNATIVES = (
    # Richardson extrapolation of the trapezoid rule: (4 T_n - T_{n/2}) / 3.
    Alternative("richardson_of_trapezoid", code='''
def simpson(f, a, b, n):
    if n % 2 != 0:
        raise ValueError("Simpson's rule needs an even n")
    def trap(m):
        x = np.linspace(a, b, m + 1)
        y = np.array([f(t) for t in x])
        return (b - a) / m * (y.sum() - (y[0] + y[-1]) / 2)
    return (4 * trap(n) - trap(n // 2)) / 3
'''),
    # scipy's composite Simpson on n + 1 nodes, after the parity check.
    Alternative("scipy_even_n", code='''
from scipy.integrate import simpson as _simpson

def simpson(f, a, b, n):
    if n % 2 == 1:
        raise ValueError("odd n")
    x = np.linspace(a, b, n + 1)
    return float(_simpson(f(x), x=x))
'''),
    # Panel by panel: h/3 (f0 + 4 f1 + f2) on each pair of intervals.
    Alternative("panel_loop", code='''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    total = 0.0
    for i in range(0, n, 2):
        x = a + i * h
        total += h / 3 * (f(x) + 4 * f(x + h) + f(x + 2 * h))
    return total
'''),
)

TASK = Task(
    answer_cell="c6_simpson",
    checks=(CheckSpec(id="calculus.simpson", unit="calculus", function="simpson",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
