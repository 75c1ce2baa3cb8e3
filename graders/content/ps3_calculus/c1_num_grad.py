"""C1 ``num_grad(f, x, h=1e-5) -> g``: the gradient of a scalar field by central differences.

Convention (stated in the notebook): ``f`` takes an (n,) array and returns a float; ``x`` has
shape (n,) and any real dtype (integers included: convert before adding h); ``g`` is a float
(n,) array with ``g_i = (f(x + h eᵢ) − f(x − h eᵢ)) / (2h)``, using the h given.

Graded with the default h against the *analytic* gradient at 1e-8 × scale; with an explicit
h against the central-difference rule with that h (a large h makes "h ignored" and "forward
differences" observable). ``f`` is ``calculus.scalar_field`` (sines + exp + quadratic),
built in the sandbox by ``graders/runtime/factories/calculus.py``; the hidden inputs are the
1-D ``sin`` at x = 1, integer x, x = 0, large |f| and an explicit h. Catches: forward
differences, dividing by h instead of 2h, an integer copy of x truncating x + h, a
hard-coded step.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.calculus import Fn, build_fn
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference", "scalar_field_grad", "scalar_field_params"]


def reference(f: Fn, x: Any, h: float = 1e-5) -> np.ndarray:
    """C1: central differences ``(f(x + h eᵢ) − f(x − h eᵢ)) / (2h)``."""
    x = _f(x)
    out = np.empty(x.shape)
    for i in range(x.size):
        e = np.zeros(x.shape)
        e[i] = h
        out[i] = (float(f(x + e)) - float(f(x - e))) / (2.0 * h)
    return out


def scalar_field_grad(p: Any, x: Any) -> tuple[np.ndarray, float]:
    """∇f of ``calculus.scalar_field`` and a scale: max(1, Σ|terms|, ‖∇f‖∞, M3 bound)."""
    x = _f(x)
    a, W, b, c, v, Q = (_f(p[k]) for k in ("a", "W", "b", "c", "v", "Q"))
    arg, ex = W @ x + b, float(c) * np.exp(v @ x)
    grad = W.T @ (a * np.cos(arg)) + ex * v + (Q + Q.T) @ x / 2
    # M3: |∂³f/∂x_i³| ≤ Σ_k |a_k||W_ki|³ + |c e^{v·(x ± h)}||v_i|³ (the quadratic term has none).
    m3 = float(np.max(np.abs(a) @ np.abs(W) ** 3 + abs(ex) * math.e * np.abs(v) ** 3))
    terms = float(np.abs(a).sum() + abs(ex) + abs(x @ Q @ x) / 2)
    return grad, max(1.0, terms, float(np.max(np.abs(grad))), m3)


# ---------------------------------------------------------------- hidden inputs


def scalar_field_params(rng: np.random.Generator, n: int, k: int = 3, c: float = 0.5,
                        curvature: float = 1.0) -> dict[str, object]:
    """Parameters of ``calculus.scalar_field`` with |W| ≤ 1.5 and an SPD quadratic term."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return {"a": rng.uniform(0.5, 2.0, k) * rng.choice([-1.0, 1.0], k),
            "W": rng.uniform(-1.5, 1.5, (k, n)), "b": rng.uniform(-np.pi, np.pi, k),
            "c": float(c), "v": rng.uniform(-0.5, 0.5, n),
            "Q": curvature * (q * rng.uniform(1.0, 3.0, n)) @ q.T}


def _scalar_case(label: str, params: dict[str, object], x: np.ndarray,
                 *extra: float) -> Case:
    return Case(label, (FunctionSpec("calculus.scalar_field", params), x, *extra))


def cases(rng: np.random.Generator) -> list[Case]:
    """C1: default h against the analytic gradient; an explicit h against the reference rule."""
    sin1 = {"a": np.array([1.0]), "W": np.array([[1.0]]), "b": np.array([0.0]), "c": 0.0,
            "v": np.array([0.0]), "Q": np.array([[0.0]])}
    return [
        _scalar_case("sin at x = 1 (n = 1)", sin1, np.array([1.0])),
        _scalar_case("sum of sines + exp + quadratic, n = 3",
                     scalar_field_params(rng, 3), rng.uniform(-1, 1, 3)),
        _scalar_case("n = 6", scalar_field_params(rng, 6, k=4), rng.uniform(-1, 1, 6)),
        _scalar_case("integer dtype x, n = 3", scalar_field_params(rng, 3),
                     rng.integers(-2, 3, 3)),
        _scalar_case("x = 0, n = 4", scalar_field_params(rng, 4), np.zeros(4)),
        _scalar_case("large function values (|f| ~ 1e3), n = 2",
                     scalar_field_params(rng, 2, c=1e3 * math.exp(-1.0)),
                     rng.uniform(-1, 1, 2)),
        _scalar_case("explicit step h = 1e-2 (must be used), n = 3",
                     scalar_field_params(rng, 3, c=0.0, curvature=0.0),
                     rng.uniform(-1, 1, 3), 1e-2),
        _scalar_case("explicit step h = 1e-4, n = 2", scalar_field_params(rng, 2),
                     rng.uniform(-1, 1, 2), 1e-4),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C1: default h vs the analytic gradient; explicit h vs the rule with that h; 1e-8·scale."""
    spec, x = case.args[0], _f(case.args[1])
    g = as_array(output, name="gradient", shape=x.shape)
    exact, scale = scalar_field_grad(spec.params, x)
    f = build_fn(spec)
    # Central differences: |error_i| ≤ h²/6·M3 + (rounding) ~10ε·Σ|terms|/h. With h = 1e-5:
    # 1.7e-11·M3 + 2.2e-10·Σ|terms| ≤ 2.5e-10·scale (scale ≥ M3, Σ|terms|), so 1e-8·scale
    # leaves a ≥ 40× margin, while forward differences err by h/2·|f_ii| ≈ 5e-6·|f_ii|.
    tol = 1e-8 * scale
    explicit = len(case.args) > 2
    expected = reference(f, x, float(case.args[2])) if explicit else exact
    if np.max(np.abs(g - expected), initial=0.0) <= tol:
        return None
    h = float(case.args[2]) if explicit else 1e-5
    forward = np.array([(f(x + h * e) - f(x)) / h for e in np.eye(x.size)])
    if np.max(np.abs(g - 2 * expected)) <= 2 * tol:
        raise Mismatch("the gradient is twice too large: divide by 2h, not h")
    if np.max(np.abs(g - forward)) <= 10 * tol:
        raise Mismatch("this looks like forward differences (f(x+h) − f(x))/h; use central "
                       "differences (f(x+h) − f(x−h))/(2h)")
    if explicit and np.max(np.abs(g - exact)) <= 1e-6 * scale:
        raise Mismatch("the step argument h is ignored: use the h you are given")
    if np.asarray(case.args[1]).dtype.kind in "iu":
        raise Mismatch("wrong gradient at an integer-dtype x: convert x to float before "
                       "adding h (x.copy() of an int array truncates x + h to x)")
    raise Mismatch("the gradient differs from the exact one beyond the tolerance")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Forward differences: error h/2·|f_ii| ≈ 5e-6, the syllabus's 4.2e-6 for sin at x = 1.
    Wrong("forward_differences",
          hint=("Forward differences (f(x + h e_i) − f(x))/h err by about h/2 times the second "
                "derivative: use central differences (f(x + h e_i) − f(x − h e_i))/(2h)."),
          code='''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    fx = f(x)
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (f(x + e) - fx) / h
    return g
'''),
    # Central differences divided by h instead of 2h: twice the gradient.
    Wrong("denominator_h",
          hint=("Your gradient is twice the true one: the points x + h e_i and x − h e_i are 2h "
                "apart, so divide the central difference by 2h, not by h."),
          code='''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / h
    return g
'''),
    # x.copy() keeps an integer dtype: x[i] + h is truncated back to x[i], the gradient is 0.
    Wrong("integer_truncation",
          hint=("A copy of an integer x stays integer, so x[i] + h is truncated back to x[i]: "
                "convert x to a float array before perturbing it."),
          code='''
def num_grad(f, x, h=1e-5):
    g = np.zeros(len(x))
    for i in range(len(x)):
        xp = x.copy()
        xm = x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (f(xp) - f(xm)) / (2 * h)
    return g
'''),
    # A hard-coded step: right on the default h, wrong when the caller chooses h.
    Wrong("ignores_h",
          hint=("Your step is hard-coded, so a caller's h is ignored: perturb x by the argument "
                "h and divide by 2h."),
          code='''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    step = 1e-6
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = step
        g[i] = (f(x + e) - f(x - e)) / (2 * step)
    return g
'''),
)

ALTERNATIVES = (
    # Vectorised over the rows of h·I.
    Alternative("identity_rows", code='''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    E = h * np.eye(x.size)
    return np.array([f(x + e) - f(x - e) for e in E]) / (2 * h)
'''),
    # In-place perturbation of a float copy, restored after each coordinate.
    Alternative("perturb_in_place", code='''
def num_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.empty_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) * (0.5 / h)
    return g
'''),
    # List comprehension with np.float64 arithmetic and a multiplication by 1/(2h).
    Alternative("comprehension", code='''
def num_grad(f, x, h=1e-5):
    x = x.astype(np.float64)
    n = x.shape[0]
    unit = lambda i: np.eye(n)[i]
    return np.array([(f(x + h * unit(i)) - f(x - h * unit(i))) for i in range(n)]) / (2.0 * h)
'''),
)

TASK = Task(
    answer_cell="c1_num_grad",
    checks=(CheckSpec(id="calculus.num_grad", unit="calculus", function="num_grad",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
