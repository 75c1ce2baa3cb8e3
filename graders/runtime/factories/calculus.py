"""Function-valued inputs of Unit 3 (calculus), built inside the sandbox from plain parameters.

Every factory is deterministic, cheap, numpy-only and depends only on its
parameters (arrays and floats). The judge builds the same objects with
``graders.runtime.factories.build("calculus.<name>", params)``; the analytic
derivatives it compares with are computed independently in the task modules
(``graders/content/ps3_calculus/``).

* ``scalar_field``: f: Rⁿ → R, ``f(x) = Σ_k a_k sin(W_k·x + b_k) + c·exp(v·x) + ½xᵀQx``
  (C1 ``num_grad``), returning a Python float.
* ``vector_field``: f: Rⁿ → Rᵐ, ``f(x) = A sin(Bx + c) + Dx + e ⊙ exp(Gx)``
  (C2 ``jacobian``), returning an ``(m,)`` float array.
* ``univariate``: g: R → R, ``g(t) = Σ_k a_k sin(w_k t + b_k) + c·exp(d t) + Σ_j p_j t^j``,
  elementwise on arrays (C6 ``trapezoid``/``simpson``).
* ``poly_roots`` / ``poly_roots_deriv``: ``p(t) = s·Π_i (t − r_i)`` and its derivative
  by the product rule, as Python floats (C7 ``newton``), so ``x − f/df`` with
  ``df == 0.0`` raises ``ZeroDivisionError`` like ordinary float arithmetic.
* ``poly_coeffs`` / ``poly_coeffs_deriv``: ``Σ_j c_j t^j`` by Horner's rule and its
  derivative, as Python floats (C7's exact 2-cycle ``t³ − 2t + 2`` from 0).
* ``exp_shift`` / ``exp_shift_deriv``: ``q(t) = exp(a t) − b`` and ``a·exp(a t)`` (C7).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _arr(value: Any, ndim: int) -> np.ndarray:
    """A parameter as a float64 array of the given rank."""
    out = np.array(value, dtype=np.float64)
    return out.reshape((-1,) if ndim == 1 else out.shape)


def _scalar_field(a: Any, W: Any, b: Any, c: Any, v: Any, Q: Any) -> Callable[[Any], float]:
    """f(x) = Σ_k a_k sin(W_k·x + b_k) + c·exp(v·x) + ½ xᵀQx, for x of shape (n,)."""
    av, Wm, bv, vv, Qm = _arr(a, 1), _arr(W, 2), _arr(b, 1), _arr(v, 1), _arr(Q, 2)
    cf = float(c)

    def f(x: Any) -> float:
        xv = np.asarray(x, dtype=np.float64)
        return float(av @ np.sin(Wm @ xv + bv) + cf * np.exp(vv @ xv) + 0.5 * xv @ Qm @ xv)

    return f


def _vector_field(A: Any, B: Any, c: Any, D: Any, e: Any, G: Any) -> Callable[[Any], np.ndarray]:
    """f(x) = A sin(Bx + c) + Dx + e ⊙ exp(Gx), for x of shape (n,); output shape (m,)."""
    Am, Bm, cv, Dm, ev, Gm = _arr(A, 2), _arr(B, 2), _arr(c, 1), _arr(D, 2), _arr(e, 1), _arr(G, 2)

    def f(x: Any) -> np.ndarray:
        xv = np.asarray(x, dtype=np.float64)
        return np.asarray(Am @ np.sin(Bm @ xv + cv) + Dm @ xv + ev * np.exp(Gm @ xv))

    return f


def _univariate(a: Any, w: Any, b: Any, c: Any, d: Any, p: Any) -> Callable[[Any], Any]:
    """g(t) = Σ_k a_k sin(w_k t + b_k) + c·exp(d t) + Σ_j p_j t^j, elementwise."""
    av, wv, bv, pv = _arr(a, 1), _arr(w, 1), _arr(b, 1), _arr(p, 1)
    cf, df = float(c), float(d)

    def g(t: Any) -> Any:
        tv = np.asarray(t, dtype=np.float64)
        out = cf * np.exp(df * tv) + np.zeros_like(tv)
        for ak, wk, bk in zip(av, wv, bv, strict=True):
            out = out + ak * np.sin(wk * tv + bk)
        power = np.ones_like(tv)
        for pj in pv:
            out = out + pj * power
            power = power * tv
        return out[()] if out.ndim == 0 else out

    return g


def _poly_roots(roots: Any, scale: Any) -> Callable[[Any], float]:
    """p(t) = scale · Π_i (t − r_i), a Python float."""
    rv, s = [float(r) for r in _arr(roots, 1)], float(scale)

    def p(t: Any) -> float:
        out, x = s, float(t)
        for r in rv:
            out *= x - r
        return out

    return p


def _poly_roots_deriv(roots: Any, scale: Any) -> Callable[[Any], float]:
    """p'(t) = scale · Σ_i Π_{j≠i} (t − r_j), a Python float."""
    rv, s = [float(r) for r in _arr(roots, 1)], float(scale)

    def dp(t: Any) -> float:
        x, total = float(t), 0.0
        for i in range(len(rv)):
            term = s
            for j, r in enumerate(rv):
                if j != i:
                    term *= x - r
            total += term
        return total

    return dp


def _poly_coeffs(coeffs: Any) -> Callable[[Any], float]:
    """p(t) = Σ_j c_j t^j by Horner's rule, a Python float."""
    cv = [float(v) for v in _arr(coeffs, 1)]

    def p(t: Any) -> float:
        out, x = 0.0, float(t)
        for cj in reversed(cv):
            out = out * x + cj
        return out

    return p


def _poly_coeffs_deriv(coeffs: Any) -> Callable[[Any], float]:
    """p'(t) = Σ_j j·c_j t^(j−1), a Python float."""
    cv = [float(v) for v in _arr(coeffs, 1)]
    return _poly_coeffs([j * cj for j, cj in enumerate(cv)][1:])


def _exp_shift(a: Any, b: Any) -> Callable[[Any], float]:
    """q(t) = exp(a t) − b, a Python float."""
    af, bf = float(a), float(b)
    return lambda t: float(np.exp(af * float(t))) - bf


def _exp_shift_deriv(a: Any, b: Any) -> Callable[[Any], float]:
    """q'(t) = a·exp(a t), a Python float (b is accepted so both share their params)."""
    af = float(a)
    return lambda t: af * float(np.exp(af * float(t)))


FACTORIES: dict[str, Callable[..., Any]] = {
    "scalar_field": _scalar_field,
    "vector_field": _vector_field,
    "univariate": _univariate,
    "poly_roots": _poly_roots,
    "poly_roots_deriv": _poly_roots_deriv,
    "poly_coeffs": _poly_coeffs,
    "poly_coeffs_deriv": _poly_coeffs_deriv,
    "exp_shift": _exp_shift,
    "exp_shift_deriv": _exp_shift_deriv,
}
