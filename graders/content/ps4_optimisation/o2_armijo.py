"""O2 ``armijo(f, g, x, p, a0=1, rho=.5, c=1e-4) -> a``: backtracking line search.

Convention (stated in the notebook): the first a = a0·ρᵏ (k = 0, 1, 2, ...) with
f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp (non-strict: equality is accepted), returned as a float;
``ValueError`` when ∇f(x)ᵀp ≥ 0. The values of a0, rho and c passed must be used.

Graded by comparing a with the reference to 1e-12 relative; the ascent-direction case
requires ``ValueError``. Inputs are either exact dyadic boundaries or have every trial decided
by a relative margin ≥ 1e-8 (see :func:`armijo_margin`), so any correct evaluation order
stops at the same k. ``f`` and ``g`` cross the sandbox as ``FunctionSpec`` s of the factory
table. Catches: strict inequality, a missing c, skipping a0, −‖p‖² as the slope, hard-coded
rho and c, no descent check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_float
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import spd
from graders.content.units.optimisation import build_input as _arg
from graders.content.units.optimisation import fspec as _fs
from graders.content.units.optimisation import quadratic_spec as _quad
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = ["TASK", "armijo_margin", "cases", "judge", "reference"]


def reference(f: Callable[[np.ndarray], Any], g: Callable[[np.ndarray], Any], x: Any, p: Any,
              a0: float = 1.0, rho: float = 0.5, c: float = 1e-4) -> float:
    """Reference O2: first a = a0·ρᵏ with f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp."""
    xv, pv = _f(x), _f(p)
    fx, slope = float(f(xv)), float(_f(g(xv)) @ pv)
    if not slope < 0:
        raise ValueError("p is not a descent direction")
    a = float(a0)
    while float(f(xv + a * pv)) > fx + c * a * slope:
        a *= rho
    return a


# ---------------------------------------------------------------- hidden inputs


def armijo_margin(f: Any, g: Any, x: np.ndarray, p: np.ndarray, a0: float = 1.0,
                  rho: float = 0.5, c: float = 1e-4) -> float:
    """Smallest relative gap |f(x+ap) − f(x) − c·a·∇fᵀp| / scale over the trials up to acceptance.

    A gap ≫ ε means every correct implementation (any evaluation order) decides
    every trial the same way, so the accepted step is unambiguous.
    """
    fx, slope = f(x), float(g(x) @ p)
    if not slope < 0:
        return 0.0
    a, gap = a0, np.inf
    for _ in range(200):
        lhs, rhs = f(x + a * p), fx + c * a * slope
        gap = min(gap, abs(lhs - rhs) / (abs(fx) + abs(lhs) + abs(a * slope)))
        if lhs <= rhs:
            return float(gap)
        a *= rho
    return 0.0


def _armijo_case(rng: np.random.Generator, label: str, make: Any,
                 kwargs: dict[str, float] | None = None) -> Case:
    """Draw ``make(rng) -> (fspec, gspec, x, p)`` until the decision margin is ≥ 1e-8."""
    kw = kwargs or {}
    for _ in range(100):
        fspec, gspec, x, p = make(rng)
        f, g = build(fspec.factory, dict(fspec.params)), build(gspec.factory, dict(gspec.params))
        if armijo_margin(f, g, np.asarray(x, float), np.asarray(p, float), **kw) >= 1e-8:
            return Case(label, (fspec, gspec, x, p), kwargs=kw)
    raise RuntimeError(f"no well-separated Armijo input for {label!r}")  # pragma: no cover


def _dyadic_boundary(rng: np.random.Generator) -> Case:
    """Q = 2ᵏI, integer x and c, p = −∇f, c_armijo = ½: a = 2⁻ᵏ gives equality exactly.

    For a quadratic with p = −∇f the condition reads a ≤ 2(1 − c)‖g‖²/(gᵀQg) = 2⁻ᵏ,
    and every quantity is a small dyadic rational, so f(x + ap) = f(x) + c·a·gᵀp holds
    exactly in floating point, whatever the evaluation order.
    """
    k = int(rng.integers(1, 4))
    Q = 2.0 ** k * np.eye(3)
    cl = rng.integers(-3, 4, size=3).astype(float)
    cl[0] = float(rng.choice([-3, -1, 1, 3]))  # odd, while 2ᵏx₀ is even: ∇f(x) ≠ 0
    x = rng.integers(-3, 4, size=3).astype(float)
    p = -(Q @ x + cl)
    return Case(f"exact boundary f(x+ap) = f(x) + c·a·∇fᵀp at a = 2^-{k} (c = 0.5)",
                (_quad("f", Q, cl), _quad("grad", Q, cl), x, p), kwargs={"c": 0.5})


Draw = tuple[FunctionSpec, FunctionSpec, np.ndarray, np.ndarray]


def _spd_quad(d: int, direction: str) -> Any:
    """A maker of SPD quadratics with a steepest-descent, Newton or preconditioned direction."""
    def make(r: np.random.Generator) -> Draw:
        Q, cl, x = spd(r, d), r.standard_normal(d), r.standard_normal(d)
        g = Q @ x + cl
        if direction == "newton":
            p = -np.linalg.solve(Q, g)
        elif direction == "scaled":
            p = -np.linalg.solve(spd(r, d), g) * 3.0
        else:
            p = -g
        return _quad("f", Q, cl), _quad("grad", Q, cl), x, p
    return make


def _c_decides(r: np.random.Generator) -> Draw:
    """Q = λI with λ = (2 − c/2)/a_j: a_j passes with c = 0 but not with c = 1e-4.

    With p = −∇f the condition reads a ≤ 2(1 − c)/λ, and a_j lies 5e-5 relative above
    that threshold and below 2/λ (the threshold without c).
    """
    aj = 0.5 ** int(r.integers(0, 3))
    Q = (2.0 - 0.5e-4) / aj * np.eye(3)
    cl, x = r.standard_normal(3), r.standard_normal(3)
    return _quad("f", Q, cl), _quad("grad", Q, cl), x, -(Q @ x + cl)


def _rosenbrock(r: np.random.Generator) -> Draw:
    x = np.array([-1.2, 1.0]) + 0.1 * r.standard_normal(2)
    return (_fs("rosenbrock_f", a=1.0, b=100.0), _fs("rosenbrock_grad", a=1.0, b=100.0), x,
            -build("optimisation.rosenbrock_grad", {"a": 1.0, "b": 100.0})(x))


def _logistic(r: np.random.Generator) -> Draw:
    A, t = r.standard_normal((10, 3)), (r.random(10) < 0.5).astype(float)
    x = 2.0 * r.standard_normal(3)
    g = build("optimisation.logistic_ridge_grad", {"A": A, "t": t, "mu": 0.05})(x)
    return (_fs("logistic_ridge_f", A=A, t=t, mu=0.05),
            _fs("logistic_ridge_grad", A=A, t=t, mu=0.05), x, -10.0 * g)


def _integers(r: np.random.Generator) -> Draw:
    Q, cl = spd(r, 3), r.standard_normal(3)
    x = r.integers(-4, 5, size=3)
    p = np.rint(-(Q @ x + cl)).astype(np.int64)
    return _quad("f", Q, cl), _quad("grad", Q, cl), x, p


def cases(rng: np.random.Generator) -> list[Case]:
    """O2: the non-strict boundary, a case where c decides, defaults and non-defaults."""
    Qa, ca = spd(rng, 3), rng.standard_normal(3)
    xa = rng.standard_normal(3)
    return [
        _dyadic_boundary(rng),
        _armijo_case(rng, "c decides: the first trial step passes only with c = 0", _c_decides),
        _armijo_case(rng, "Rosenbrock, steepest descent (many backtracks)", _rosenbrock),
        _armijo_case(rng, "SPD quadratic 4-D, Newton direction (a0 accepted)",
                     _spd_quad(4, "newton")),
        _armijo_case(rng, "a0 = 2, rho = 0.3, c = 0.25, preconditioned direction (p ≠ −∇f)",
                     _spd_quad(4, "scaled"), {"a0": 2.0, "rho": 0.3, "c": 0.25}),
        _armijo_case(rng, "logistic loss + ridge, p = −10∇f, rho = 0.8, c = 0.5", _logistic,
                     {"rho": 0.8, "c": 0.5}),
        _armijo_case(rng, "integer dtype x and p", _integers),
        Case("not a descent direction (∇fᵀp > 0): ValueError",
             (_quad("f", Qa, ca), _quad("grad", Qa, ca), xa, Qa @ xa + ca),
             raises=("ValueError",)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O2: the accepted step to 1e-12, with the boundary decided by ≤."""
    f, g = _arg(case.args[0]), _arg(case.args[1])
    x, p = _f(case.args[2]), _f(case.args[3])
    kw = {"a0": 1.0, "rho": 0.5, "c": 1e-4, **case.kwargs}
    a = as_float(output, name="a")
    ref = reference(f, g, x, p, **kw)
    # a = a0·ρᵏ by k ≤ 200 multiplications (or a0*rho**k) carries ≤ k·ε/2 ≤ 3e-14 relative
    # error; the margin of the inputs makes k the same for every correct evaluation order, and
    # neighbouring candidates differ by a factor ρ ≤ 0.8: 1e-12 separates them with room.
    if abs(a - ref) <= 1e-12 * ref:
        return None
    rho, c = kw["rho"], kw["c"]
    if abs(a - ref * rho) <= 1e-12 * ref:
        raise Mismatch("one backtracking step too many: the first step with f(x+ap) ≤ "
                       "f(x) + c·a·∇fᵀp must be accepted, equality included (≤, not <)")
    if a > 0 and float(f(x + a * p)) > float(f(x)) + c * a * float(_f(g(x)) @ p):
        raise Mismatch("the returned step does not satisfy the sufficient-decrease condition "
                       "f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp: missing c, or a wrong slope term?")
    raise Mismatch("not the first step a0·ρᵏ (k = 0, 1, 2, ...) that satisfies the condition: "
                   "start at a0 and use the given rho and c")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Strict inequality: the exact boundary step is rejected.
    Wrong("strict_inequality",
          hint=("You reject a step at which both sides are equal: the Armijo condition is "
                "non-strict, f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while not f(x + a * p) < fx + c * a * slope:
        a *= rho
    return a
'''),
    # Missing c: accepts any decrease f(x + a p) <= f(x).
    Wrong("missing_c",
          hint=("You accept any decrease f(x + a p) ≤ f(x): the sufficient-decrease condition "
                "needs the term c·a·∇f(x)ᵀp on the right."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > fx:
        a *= rho
    return a
'''),
    # Starts at a0 * rho: a0 itself is never tried.
    Wrong("skips_a0",
          hint=("You never try a0 itself: the candidates are a0, a0·ρ, a0·ρ², …, so test the "
                "condition before the first reduction."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while True:
        a *= rho
        if f(x + a * p) <= fx + c * a * slope:
            return a
'''),
    # Uses -||p||^2 as the slope: right only when p = -grad f.
    Wrong("slope_from_p_norm",
          hint=("You use −‖p‖² as the slope, which is right only when p = −∇f(x): use the "
                "directional derivative ∇f(x)ᵀp."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    if g(x) @ p >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > f(x) - c * a * (p @ p):
        a *= rho
    return a
'''),
    # Ignores the rho and c arguments (hard-coded defaults).
    Wrong("hardcoded_defaults",
          hint=("You ignore the rho and c passed in and use the default values: the hidden tests "
                "change them, so use the arguments."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > fx + 1e-4 * a * slope:
        a *= 0.5
    return a
'''),
    # No descent check: on an ascent direction the loop runs until a underflows to 0.
    Wrong("no_descent_check",
          hint=("You do not raise ValueError when ∇f(x)ᵀp ≥ 0: check the direction before "
                "backtracking instead of shrinking the step towards 0."),
          code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    a = a0
    while f(x + a * p) > fx + c * a * slope:
        a *= rho
    return a
'''),
)

ALTERNATIVES = (
    # a = a0 * rho**k computed by a power, not by repeated multiplication.
    Alternative("power_form", code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    slope = float(np.dot(g(x), p))
    if not slope < 0:
        raise ValueError("p must be a descent direction")
    fx = float(f(x))
    k = 0
    while True:
        a = a0 * rho ** k
        if f(x + a * p) - fx <= c * a * slope:
            return a
        k += 1
'''),
    # Recursive backtracking.
    Alternative("recursive", code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.array(x, dtype=float)
    p = np.array(p, dtype=float)
    gp = g(x) @ p
    if gp >= 0:
        raise ValueError("not a descent direction")
    fx = f(x)

    def attempt(a, depth=0):
        if f(x + a * p) <= fx + c * a * gp or depth > 900:
            return a
        return attempt(a * rho, depth + 1)

    return attempt(a0)
'''),
    # for-loop with a large cap and the condition written with p scaled first.
    Alternative("for_loop", code='''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx = f(x)
    gx = g(x)
    if np.sum(gx * p) >= 0:
        raise ValueError("p is not a descent direction")
    a = float(a0)
    for _ in range(10000):
        if f(x + a * p) <= fx + c * a * np.sum(gx * p):
            break
        a = a * rho
    return a
'''),
)

TASK = Task(
    answer_cell="o2_armijo",
    checks=(CheckSpec(id="optimisation.armijo", unit="optimisation",
                      function="armijo", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
