"""Unit 3 — Calculus: what several tasks share.

* :func:`build_fn`: a :class:`~graders.checks.FunctionSpec` argument built exactly as the
  sandbox builds it (``graders/runtime/factories/calculus.py``), so a judge evaluates the
  very function the student's code received (C1, C6, C7);
* the C6 quadrature family (trapezoid and Simpson): the ``calculus.univariate`` integrands
  (:func:`univariate`) with their analytic derivative (:func:`univariate_deriv`), the
  intervals (:func:`interval`), the grid of the composite rules (:func:`grid`) and the judge
  comparing with a composite rule itself, never with the integral (:func:`judge_rule`).

Every generator draws from the generator it is given, in a fixed order, so the same check's
stream (:func:`graders.checks.case_rng`) always gives the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graders.checks import Case, FunctionSpec
from graders.compare import as_float
from graders.compare import trusted_array as _f
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = ["Fn", "build_fn", "grid", "interval", "judge_rule", "univariate", "univariate_deriv"]

Fn = Callable[..., Any]


def build_fn(spec: Any) -> Fn:
    """Build a FunctionSpec argument exactly as the sandbox does."""
    built: Fn = build(spec.factory, dict(spec.params)) if isinstance(spec, FunctionSpec) else spec
    return built


# ---------------------------------------------------------------- C6: composite rules


def grid(a: float, b: float, n: int) -> tuple[np.ndarray, float]:
    """The n + 1 nodes ``a + i h`` of a composite rule with n intervals, and h = (b − a)/n."""
    h = (float(b) - float(a)) / n
    return float(a) + h * np.arange(n + 1), h


def univariate_deriv(p: Any, t: Any) -> np.ndarray:
    """g'(t) of ``calculus.univariate``."""
    t = _f(t)
    a, w, b, pc = (_f(p[k]) for k in ("a", "w", "b", "p"))
    out = float(p["c"]) * float(p["d"]) * np.exp(float(p["d"]) * t)
    out = out + sum((ak * wk * np.cos(wk * t + bk) for ak, wk, bk in zip(a, w, b, strict=True)),
                    np.zeros_like(t))
    return np.asarray(out + sum((j * pc[j] * t ** (j - 1) for j in range(1, pc.size)),
                                np.zeros_like(t)))


def judge_rule(rule: Fn, name: str) -> Callable[[Case, Any], str | None]:
    """C6: a judge comparing with the composite rule itself (never with the exact integral)."""
    def judge(case: Case, output: Any) -> str | None:
        spec, a, b, n = case.args
        f = build_fn(spec)
        value = as_float(output, name=f"{name}(f, a, b, n)")
        x, h = grid(a, b, n)
        # Summation of n+1 terms errs by ≤ (n+1)ε·|b−a|·max|f| and another grid construction
        # (linspace, a + i·h, a + i(b−a)/n) moves each node by ~ε·max(|a|,|b|), i.e. f by
        # ~ε·|x||f'|: with n ≤ 64 both are ≤ 1e-14·scale, so 1e-12·scale (R2-like) is safe,
        # while the n-point off-by-one at n = 8 differs by ~1e-3 of the integral.
        fx, dfx = np.abs(_f([f(t) for t in x])), np.abs(univariate_deriv(spec.params, x))
        scale = abs(float(b) - float(a)) * float(np.max(fx + max(abs(a), abs(b)) * dfx))
        ref = rule(f, a, b, n)
        if abs(value - ref) <= 1e-12 * scale:
            return None
        if n > 2 and abs(value - rule(f, a, b, n - (1 if name == "trapezoid" else 2))) \
                <= 1e-12 * scale:
            raise Mismatch("this is the rule on a grid with too few nodes: n intervals have "
                           "n + 1 nodes (np.linspace(a, b, n + 1))")
        if abs(value - h * float(np.sum([f(t) for t in x]))) <= 1e-12 * scale:
            raise Mismatch("every node has weight h: the endpoint weights are wrong")
        raise Mismatch(f"the value differs from the composite {name} rule with n intervals "
                       "(weights, step h = (b − a)/n, or the sign when a > b?)")
    return judge


# ---------------------------------------------------------------- C6: hidden inputs


def univariate(rng: np.random.Generator, poly: list[float] | None = None,
               smooth: bool = True) -> FunctionSpec:
    """``calculus.univariate``: sines + exp + polynomial (only the polynomial if smooth=False)."""
    if not smooth:
        return FunctionSpec("calculus.univariate", {
            "a": np.zeros(0), "w": np.zeros(0), "b": np.zeros(0), "c": 0.0, "d": 0.0,
            "p": np.asarray(poly, dtype=float)})
    return FunctionSpec("calculus.univariate", {
        "a": rng.uniform(0.5, 2.0, 2), "w": rng.uniform(0.5, 3.0, 2),
        "b": rng.uniform(-np.pi, np.pi, 2), "c": float(rng.uniform(0.5, 1.5)),
        "d": float(rng.uniform(-1.0, 1.0)),
        "p": rng.uniform(-1, 1, 3) if poly is None else np.asarray(poly, dtype=float)})


def interval(rng: np.random.Generator) -> tuple[float, float]:
    """An interval [a, b] with a ∈ [−2, 0] and length in [1, 3]."""
    a = float(rng.uniform(-2.0, 0.0))
    return a, a + float(rng.uniform(1.0, 3.0))
