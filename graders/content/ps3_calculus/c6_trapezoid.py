"""C6 ``trapezoid(f, a, b, n)``: the composite trapezoid rule with n intervals.

Convention (stated in the notebook): n intervals of width h = (b − a)/n, i.e. the n + 1
nodes ``a + i h`` (``np.linspace(a, b, n + 1)``), weights h/2 at the ends and h inside; f
accepts floats and float arrays; a, b possibly integers, possibly a > b (h < 0, same formula)
or a = b (the value 0); n a positive int; a float is returned.

Graded against the rule itself at 1e-12 × scale, never against the integral: with n = 8 an
off-by-one grid of n nodes is about as close to the integral as the correct rule, yet it is
another rule. The syllabus's "error ratio 4 when h halves" follows from agreeing with the
rule and cannot be observed within one call; it is tested on the reference. The integrands
are ``calculus.univariate`` (sines + exp + polynomial), built in the sandbox by
``graders/runtime/factories/calculus.py``; the hidden inputs have n = 8, n = 1, a > b, a = b,
integer endpoints and integrands the rule integrates exactly. Catches: n nodes instead of
n + 1, every node with weight h, a left Riemann sum, the step (b − a)/(n + 1).
"""

from __future__ import annotations

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import trusted_array as _f
from graders.content.units.calculus import Fn, grid, interval, judge_rule, univariate

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(f: Fn, a: float, b: float, n: int) -> float:
    """C6: composite trapezoid rule with n intervals (n + 1 nodes)."""
    x, h = grid(a, b, n)
    y = _f([f(t) for t in x])
    return float(h * (y[0] / 2 + y[1:-1].sum() + y[-1] / 2))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """C6 trapezoid: compared with the rule itself (n = 8 shows the n-point off-by-one)."""
    a, b = interval(rng)
    return [
        Case("smooth integrand, n = 8", (univariate(rng), a, b, 8)),
        Case("n = 1 (a single interval)", (univariate(rng), *interval(rng), 1)),
        Case("n = 64", (univariate(rng), *interval(rng), 64)),
        Case("reversed interval a > b, n = 6", (univariate(rng), b, a, 6)),
        Case("empty interval a = b, n = 4", (univariate(rng), a, a, 4)),
        Case("integer endpoints 0 and 2, n = 5", (univariate(rng), 0, 2, 5)),
        Case("linear integrand (exact), n = 3",
             (univariate(rng, [float(rng.uniform(-2, 2)), 3.0], smooth=False), *interval(rng),
              3)),
        Case("quadratic integrand x^2 on [0, 1], n = 8",
             (univariate(rng, [0.0, 0.0, 1.0], smooth=False), 0.0, 1.0, 8)),
    ]


# ---------------------------------------------------------------- judge

#: The judge of both C6 rules (:func:`graders.content.units.calculus.judge_rule`).
judge = judge_rule(reference, "trapezoid")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # n nodes (n - 1 intervals): the syllabus's off-by-one, close to the integral at n = 8.
    Wrong("n_points",
          hint=("Your grid has n nodes, i.e. n − 1 intervals: n intervals of width (b − a)/n "
                "need the n + 1 nodes np.linspace(a, b, n + 1)."),
          code='''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n)
    y = np.array([f(t) for t in x])
    h = x[1] - x[0] if n > 1 else 0.0
    return h * (y.sum() - (y[0] + y[-1]) / 2)
'''),
    # Every node with weight h (endpoints not halved).
    Wrong("endpoint_weights",
          hint=("Every node has weight h in your sum: the trapezoid rule gives the two "
                "endpoints weight h/2 and the interior nodes weight h."),
          code='''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    x = a + h * np.arange(n + 1)
    return h * sum(f(t) for t in x)
'''),
    # Left Riemann sum.
    Wrong("left_riemann",
          hint=("This is a left Riemann sum, which ignores f(b): the trapezoid rule averages "
                "the two ends of each interval, h (f(t_i) + f(t_i+1)) / 2."),
          code='''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    return h * sum(f(a + i * h) for i in range(n))
'''),
    # Step (b - a) / (n + 1) with n + 1 nodes from a: misses the right endpoint.
    Wrong("wrong_step",
          hint=("Your step is (b − a)/(n + 1), so the last node falls short of b: with n "
                "intervals the step is h = (b − a)/n and the nodes run from a to b."),
          code='''
def trapezoid(f, a, b, n):
    h = (b - a) / (n + 1)
    y = [f(a + i * h) for i in range(n + 1)]
    return h * (sum(y) - (y[0] + y[-1]) / 2)
'''),
)

ALTERNATIVES = (
    # numpy's trapezoid on n + 1 equally spaced nodes.
    Alternative("numpy_trapezoid", code='''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    y = np.array([f(t) for t in x], dtype=float)
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)
'''),
    # Weight vector (1/2, 1, ..., 1, 1/2) and a vectorised call of f.
    Alternative("weights_vector", code='''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    w = np.ones(n + 1)
    w[0] = w[-1] = 0.5
    return (b - a) / n * float(w @ f(x))
'''),
    # Interval by interval.
    Alternative("panel_loop", code='''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        total += (f(a + i * h) + f(a + (i + 1) * h)) * h / 2
    return total
'''),
)

TASK = Task(
    answer_cell="c6_trapezoid",
    checks=(CheckSpec(id="calculus.trapezoid", unit="calculus", function="trapezoid",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
