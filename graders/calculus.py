"""Unit 3 — Calculus: references and judges of tasks C1–C7 (ids ``calculus.<function>``).

Follows SYLLABUS.md "Unit 3 — Calculus" and rules R1–R7; hidden inputs come from
:mod:`graders.calculus_generators`, function-valued inputs are built by
``graders/runtime/factories/calculus.py`` (the judge builds the very same objects).

* ``num_grad(f, x, h=1e-5)``: central differences. Default h: against the *analytic*
  gradient at 1e-8 × scale. Explicit h: against the central-difference rule with that h
  (a large h makes "h ignored" and "forward differences" observable).
* ``jacobian(f, x) -> (m, n)``: against the analytic Jacobian at 1e-8 × scale.
* ``logreg_grad_hess(theta, X, y, lam) -> (g, H)``: symmetric relative error ≤ 1e-8;
  H symmetric and PSD.
* ``backprop(params, X, Y) -> grads``: the 1-6-7-2 sigmoid network, tuples in the order
  (W1, b1, W2, b2, W3, b3) — a dict cannot cross the sandbox as plain data, so the
  Coursera dict becomes a tuple; data as (N, D) rows (syllabus layout), W_l of shape
  (n_l, n_{l−1}); cost C = (1/N) Σ_n ‖a3_n − y_n‖² (Coursera's convention, factor 2
  in the derivative). Each gradient at rtol 1e-8, plus a finite-difference spot check.
* ``taylor_poly(derivs, x0, x, n)``: against the reference polynomial (not f) at
  1e-12 relative to the sum of the absolute terms.
* ``trapezoid`` / ``simpson(f, a, b, n)``: against the rule itself, never the integral.
  The syllabus's "error ratio 4 / 16 when h halves" follows from agreeing with the rule
  to 1e-12 and cannot be observed within one call; it is tested on the reference.
* ``newton(f, df, x0, tol, maxit) -> (x, n_iter)``: |f(x)| ≤ tol, the same root as
  reference Newton from x0, and quadratic convergence observed through the count:
  ``|n_iter − n_ref| ≤ 1``. One step of slack absorbs counting conventions (a loop that
  tests f(x0) after a first update); secant steps need ≥ 2 more steps on the cubic,
  quartic and double-root cases and chord steps many more, so both fail.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special

from graders import calculus_generators as gen
from graders.checks import Case, CheckSpec, FunctionSpec, register
from graders.compare import as_array, as_float, as_int, as_tuple, rel_error
from graders.compare import trusted_array as _f
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = [
    "ref_backprop", "ref_cost", "ref_jacobian", "ref_logreg_grad_hess", "ref_newton",
    "ref_num_grad", "ref_simpson", "ref_taylor_poly", "ref_trapezoid", "scalar_field_grad",
    "univariate_deriv", "vector_field_jac",
]

Fn = Callable[..., Any]


def _fn(spec: Any) -> Fn:
    """Build a FunctionSpec argument exactly as the sandbox does."""
    built: Fn = build(spec.factory, dict(spec.params)) if isinstance(spec, FunctionSpec) else spec
    return built


# ---------------------------------------------------------------- references


def ref_num_grad(f: Fn, x: Any, h: float = 1e-5) -> np.ndarray:
    """C1: central differences ``(f(x + h eᵢ) − f(x − h eᵢ)) / (2h)``."""
    x = _f(x)
    out = np.empty(x.shape)
    for i in range(x.size):
        e = np.zeros(x.shape)
        e[i] = h
        out[i] = (float(f(x + e)) - float(f(x - e))) / (2.0 * h)
    return out


def ref_jacobian(f: Fn, x: Any, h: float = 1e-5) -> np.ndarray:
    """C2: central differences column by column, J of shape (m, n), J_ij = ∂f_i/∂x_j."""
    x = _f(x)
    cols = []
    for j in range(x.size):
        e = np.zeros(x.shape)
        e[j] = h
        cols.append((_f(f(x + e)) - _f(f(x - e))) / (2.0 * h))
    return np.column_stack(cols)


def ref_logreg_grad_hess(theta: Any, X: Any, y: Any, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """C3: g = Xᵀ(σ(Xθ) − y)/N + λθ and H = Xᵀ diag(σ(1−σ)) X/N + λI (σ = expit, no overflow)."""
    th, Xm, yv = _f(theta), _f(X), _f(y)
    n = Xm.shape[0]
    z = Xm @ th
    s = scipy.special.expit(z)
    w = scipy.special.expit(z) * scipy.special.expit(-z)
    g = Xm.T @ (s - yv) / n + lam * th
    H = (Xm.T * w) @ Xm / n + lam * np.eye(th.size)
    return g, (H + H.T) / 2


def _forward(params: Any, X: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Activations a0..a3 (rows = examples) and pre-activations z1..z3 of the 1-6-7-2 net."""
    acts, zs = [_f(X)], []
    for W, b in zip(params[0::2], params[1::2], strict=True):
        zs.append(acts[-1] @ _f(W).T + _f(b))
        acts.append(scipy.special.expit(zs[-1]))
    return acts, zs


def ref_cost(params: Any, X: Any, Y: Any) -> float:
    """C4 cost: C = (1/N) Σ_n ‖a3_n − y_n‖² (sum over outputs, mean over examples)."""
    a3 = _forward(params, X)[0][-1]
    return float(np.sum((a3 - _f(Y)) ** 2) / a3.shape[0])


def ref_backprop(params: Any, X: Any, Y: Any) -> tuple[np.ndarray, ...]:
    """C4: (dW1, db1, dW2, db2, dW3, db3) of ``ref_cost`` by the chain rule."""
    acts, zs = _forward(params, X)
    n = acts[0].shape[0]
    delta = 2.0 * (acts[-1] - _f(Y)) / n * scipy.special.expit(zs[-1]) * scipy.special.expit(
        -zs[-1])
    grads: list[np.ndarray] = []
    for layer in range(len(zs) - 1, -1, -1):
        grads[:0] = [delta.T @ acts[layer], delta.sum(axis=0)]
        if layer:
            sp = scipy.special.expit(zs[layer - 1]) * scipy.special.expit(-zs[layer - 1])
            delta = (delta @ _f(params[2 * layer])) * sp
    return tuple(grads)


def ref_taylor_poly(derivs: Any, x0: float, x: Any, n: int) -> np.ndarray:
    """C5: T_n(x) = Σ_{k=0}^{n} f⁽ᵏ⁾(x0) (x − x0)^k / k!, by Horner's rule in (x − x0)."""
    d, t = _f(derivs), _f(x) - float(x0)
    out = np.zeros(t.shape)
    for k in range(int(n), -1, -1):
        out = out * t + d[k] / math.factorial(k)
    return out


def _grid(a: float, b: float, n: int) -> tuple[np.ndarray, float]:
    h = (float(b) - float(a)) / n
    return float(a) + h * np.arange(n + 1), h


def ref_trapezoid(f: Fn, a: float, b: float, n: int) -> float:
    """C6: composite trapezoid rule with n intervals (n + 1 nodes)."""
    x, h = _grid(a, b, n)
    y = _f([f(t) for t in x])
    return float(h * (y[0] / 2 + y[1:-1].sum() + y[-1] / 2))


def ref_simpson(f: Fn, a: float, b: float, n: int) -> float:
    """C6: composite Simpson rule with n (even) intervals; ValueError for odd n."""
    if n % 2:
        raise ValueError("Simpson's rule needs an even number of intervals")
    x, h = _grid(a, b, n)
    y = _f([f(t) for t in x])
    return float(h / 3 * (y[0] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum() + y[-1]))


def ref_newton(f: Fn, df: Fn, x0: float, tol: float, maxit: int) -> tuple[float, int]:
    """C7: x ← x − f(x)/df(x) until |f(x)| ≤ tol; n_iter = number of updates.

    Raises ZeroDivisionError if df(x_k) == 0 and RuntimeError after maxit updates.
    """
    x = float(x0)
    for k in range(int(maxit) + 1):
        fx = float(f(x))
        if abs(fx) <= tol:
            return x, k
        if k == maxit:
            break
        d = float(df(x))
        if d == 0.0:
            raise ZeroDivisionError("df(x) = 0")
        x -= fx / d
    raise RuntimeError("Newton's method did not converge within maxit steps")


# ---------------------------------------------------------------- analytic derivatives


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


def vector_field_jac(p: Any, x: Any) -> tuple[np.ndarray, float]:
    """J of ``calculus.vector_field`` and a scale: max(1, Σ|terms|, max|J|, M3 bound)."""
    x = _f(x)
    A, B, c, D, e, G = (_f(p[k]) for k in ("A", "B", "c", "D", "e", "G"))
    ex = e * np.exp(G @ x)
    J = (A * np.cos(B @ x + c)) @ B + D + ex[:, None] * G
    m3 = float(np.max(np.abs(A) @ np.abs(B) ** 3 + math.e * np.abs(ex)[:, None] * np.abs(G) ** 3))
    terms = float(np.max(np.abs(A).sum(axis=1) + np.abs(D) @ np.abs(x) + np.abs(ex)))
    return J, max(1.0, terms, float(np.max(np.abs(J))), m3)


def univariate_deriv(p: Any, t: Any) -> np.ndarray:
    """g'(t) of ``calculus.univariate``."""
    t = _f(t)
    a, w, b, pc = (_f(p[k]) for k in ("a", "w", "b", "p"))
    out = float(p["c"]) * float(p["d"]) * np.exp(float(p["d"]) * t)
    out = out + sum((ak * wk * np.cos(wk * t + bk) for ak, wk, bk in zip(a, w, b, strict=True)),
                    np.zeros_like(t))
    return np.asarray(out + sum((j * pc[j] * t ** (j - 1) for j in range(1, pc.size)),
                                np.zeros_like(t)))


# ---------------------------------------------------------------- judges


def judge_num_grad(case: Case, output: Any) -> str | None:
    """C1: default h vs the analytic gradient; explicit h vs the rule with that h; 1e-8·scale."""
    spec, x = case.args[0], _f(case.args[1])
    g = as_array(output, name="gradient", shape=x.shape)
    exact, scale = scalar_field_grad(spec.params, x)
    f = _fn(spec)
    # Central differences: |error_i| ≤ h²/6·M3 + (rounding) ~10ε·Σ|terms|/h. With h = 1e-5:
    # 1.7e-11·M3 + 2.2e-10·Σ|terms| ≤ 2.5e-10·scale (scale ≥ M3, Σ|terms|), so 1e-8·scale
    # leaves a ≥ 40× margin, while forward differences err by h/2·|f_ii| ≈ 5e-6·|f_ii|.
    tol = 1e-8 * scale
    explicit = len(case.args) > 2
    expected = ref_num_grad(f, x, float(case.args[2])) if explicit else exact
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


def judge_jacobian(case: Case, output: Any) -> str | None:
    """C2: shape (m, n) exactly; values vs the analytic Jacobian at 1e-8·scale."""
    J_exact, scale = vector_field_jac(case.args[0].params, case.args[1])
    m, n = J_exact.shape
    J = as_array(output, name="J")
    if J.shape != (m, n):
        if J.shape == (n, m):
            raise Mismatch(f"J has shape {J.shape} = (n, m): transposed? J_ij = ∂f_i/∂x_j "
                           "has one row per output")
        if J.size == m * n:
            raise Mismatch(f"J has shape {J.shape}: flattened? return a 2-D (m, n) array")
        raise Mismatch(f"J must have shape (m, n) = (len(f(x)), len(x)), got {J.shape}")
    # Same derivation as C1: central differences with h ≈ 1e-5 err by ≤ 2.5e-10·scale.
    tol = 1e-8 * scale
    if np.max(np.abs(J - J_exact)) <= tol:
        return None
    if m == n and np.max(np.abs(J - J_exact.T)) <= tol:
        raise Mismatch("J is transposed: row i must hold the partial derivatives of f_i")
    raise Mismatch("J differs from the exact Jacobian beyond the tolerance (forward "
                   "differences? an integer x truncated when h is added?)")


def judge_logreg_grad_hess(case: Case, output: Any) -> str | None:
    """C3: symmetric relative errors ≤ 1e-8; H symmetric and PSD."""
    theta, X, y, lam = _f(case.args[0]), _f(case.args[1]), _f(case.args[2]), float(case.args[3])
    d, n = theta.size, X.shape[0]
    g_out, h_out = as_tuple(output, 2, name="(g, H)")
    g = as_array(g_out, name="g", shape=(d,))
    H = as_array(h_out, name="H", shape=(d, d))
    g_ref, H_ref = ref_logreg_grad_hess(theta, X, y, lam)
    # Each entry is a sum of N terms bounded by the inputs: rounding ≤ γ_N·Σ|terms|, and the
    # generators keep Σ|terms| ≤ 1e3·‖g‖, so ≲ 1e-12 relative; 1e-8 is the syllabus bound.
    if rel_error(g, g_ref) > 1e-8:
        g_data = g_ref - lam * theta
        if n > 1 and rel_error(g, n * g_data + lam * theta) <= 1e-8:
            raise Mismatch("g: missing the 1/N factor of the mean")
        if rel_error(g, -g_data + lam * theta) <= 1e-8:
            raise Mismatch("g: sign error in the data term, Xᵀ(σ(Xθ) − y)/N")
        if lam and rel_error(g, g_data + 2 * lam * theta) <= 1e-8:
            raise Mismatch("g: the penalty (λ/2)‖θ‖² has gradient λθ, not 2λθ")
        raise Mismatch("g differs from the gradient beyond the relative tolerance 1e-8")
    scale = float(np.linalg.norm(H_ref))
    # A Gram-type sum Xᵀ diag(w) X is symmetric to ~N·ε‖H‖ in any summation order.
    if np.linalg.norm(H - H.T) > 1e-10 * scale:
        raise Mismatch("H is not symmetric")
    if np.linalg.eigvalsh((H + H.T) / 2)[0] < -1e-10 * scale:
        raise Mismatch("H is not positive semidefinite")
    if rel_error(H, H_ref) > 1e-8:
        if lam and rel_error(H, H_ref + lam * np.eye(d)) <= 1e-8:
            raise Mismatch("H: the penalty (λ/2)‖θ‖² contributes λI, not 2λI")
        raise Mismatch("H differs from the Hessian beyond the relative tolerance 1e-8 "
                       "(the weights are σ(z)(1 − σ(z)), and mind the 1/N)")
    return None


_PARAM_NAMES = ("dW1", "db1", "dW2", "db2", "dW3", "db3")


def judge_backprop(case: Case, output: Any) -> str | None:
    """C4: every gradient at rtol 1e-8 / atol 1e-10, then a finite-difference spot check."""
    params, X, Y = case.args
    refs = ref_backprop(params, X, Y)
    items = as_tuple(output, 6, name="grads (dW1, db1, dW2, db2, dW3, db3)")
    n = _f(X).shape[0]
    grads = []
    for name, item, ref in zip(_PARAM_NAMES, items, refs, strict=True):
        arr = as_array(item, name=name)
        if arr.shape != ref.shape:
            hint = (" (bias gradients must be summed over the batch)" if name[1] == "b"
                    and arr.shape in ((n, ref.size), (ref.size, n)) else "")
            raise Mismatch(f"{name} must have the shape of {name[1:]}, {ref.shape}; got "
                           f"{arr.shape}{hint}")
        grads.append(arr)
    # Each entry sums N terms bounded by ~20 in absolute value (sigmoid' ≤ 1/4, |W| = O(1)):
    # rounding ≤ N·20·ε ≈ 1e-13, so atol 1e-10 (+ rtol 1e-8, R2) leaves ≥ 1000× margin.
    for name, g, ref in zip(_PARAM_NAMES, grads, refs, strict=True):
        if np.all(np.abs(g - ref) <= 1e-10 + 1e-8 * np.abs(ref)):
            continue
        for factor, why in ((0.5, "missing the factor 2 from d/da ‖a − y‖²"),
                            (float(n), "missing the 1/N of the mean over examples"),
                            (1.0 / n, "dividing by N twice (e.g. a mean of an already "
                                      "averaged δ)")):
            if (n > 1 or factor == 0.5) and np.all(
                    np.abs(g - factor * ref) <= 1e-10 + 1e-8 * np.abs(ref)):
                raise Mismatch(f"{name} is off by a constant factor: {why}?")
        raise Mismatch(f"{name} differs from the gradient of the cost (σ'(z) = σ(z)(1 − σ(z)) "
                       "evaluated at z, not at a = σ(z)? Wᵀ in the backward pass?)")
    # Finite-difference spot check of 3 entries against the cost itself (independent of the
    # reference backward pass): h = 1e-5 gives |error| ≤ h²/6·|C'''| + ε·C/h ≲ 1e-9.
    rng = np.random.default_rng(int(case.context.get("spot", 0)))
    for _ in range(3):
        k = int(rng.integers(0, 6))
        idx = tuple(int(rng.integers(0, s)) for s in refs[k].shape)
        plus, minus = [[_f(p).copy() for p in params] for _ in range(2)]
        plus[k][idx] += 1e-5
        minus[k][idx] -= 1e-5
        fd = (ref_cost(plus, X, Y) - ref_cost(minus, X, Y)) / 2e-5
        if abs(grads[k][idx] - fd) > 1e-7:
            raise Mismatch(f"{_PARAM_NAMES[k]} disagrees with a finite-difference check of "
                           "the cost")
    return None


def judge_taylor_poly(case: Case, output: Any) -> str | None:
    """C5: |T − T_ref| ≤ 1e-12·Σ_k |f⁽ᵏ⁾(x0)||x − x0|^k/k! at every point."""
    derivs, x0, x, n = _f(case.args[0]), float(case.args[1]), _f(case.args[2]), int(case.args[3])
    T = as_array(output, name="T_n(x)", shape=x.shape)
    ref = ref_taylor_poly(derivs, x0, x, n)
    # Any evaluation order (direct sum, Horner) errs by ≤ γ_{2n+2}·Σ|terms| ≈ 5e-15·Σ|terms|
    # for n ≤ 10 (Higham §5.1), so 1e-12·Σ|terms| leaves a 200× margin and is rtol 1e-12
    # when the terms do not cancel. The dropped term at x − x0 = 1 is ≥ 1/9! ≈ 3e-6·Σ|terms|.
    bound = 1e-12 * ref_taylor_poly(np.abs(derivs), x0, x0 + np.abs(x - x0), n)
    if np.all(np.abs(T - ref) <= bound):
        return None
    checks: list[tuple[bool, Callable[[], np.ndarray], str]] = [
        (n >= 1, lambda: ref_taylor_poly(derivs, x0, x, n - 1),
         "n terms instead of n + 1 (degree n is inclusive: k = 0, …, n)"),
        (derivs.size > n + 1, lambda: ref_taylor_poly(derivs, x0, x, derivs.size - 1),
         "all the derivatives were used; stop at degree n"),
        (x0 != 0, lambda: ref_taylor_poly(derivs, 0.0, x, n),
         "expanded about 0 instead of x0: use powers of (x − x0)")]
    for applies, alt, why in checks:
        if applies and np.all(np.abs(T - alt()) <= bound + 1e-12 * np.abs(alt())):
            raise Mismatch(why)
    raise Mismatch("T_n(x) differs from the Taylor polynomial (1/k! — not 1/k — in term k; "
                   "an integer-dtype array truncating the sum?)")


def _judge_rule(rule: Fn, name: str) -> Callable[[Case, Any], str | None]:
    """C6: a judge comparing with the composite rule itself (never with the exact integral)."""
    def judge(case: Case, output: Any) -> str | None:
        spec, a, b, n = case.args
        f = _fn(spec)
        value = as_float(output, name=f"{name}(f, a, b, n)")
        x, h = _grid(a, b, n)
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


def _roots(spec: FunctionSpec) -> list[float]:
    """The real roots of a C7 test function, from its parameters."""
    if spec.factory == "calculus.exp_shift":
        return [math.log(float(spec.params["b"])) / float(spec.params["a"])]
    if spec.factory == "calculus.poly_roots":
        return [float(r) for r in _f(spec.params["roots"])]
    return []


def judge_newton(case: Case, output: Any) -> str | None:
    """C7: |f(x)| ≤ tol, the reference's root, and |n_iter − n_ref| ≤ 1 (quadratic rate)."""
    f_spec, df_spec, x0, tol, maxit = case.args
    f = _fn(f_spec)
    x_out, k_out = as_tuple(output, 2, name="(x, n_iter)")
    x = as_float(x_out, name="x")
    k = as_int(k_out, name="n_iter")
    x_ref, k_ref = ref_newton(f, _fn(df_spec), x0, tol, maxit)
    if abs(float(f(x))) > tol:
        raise Mismatch("|f(x)| > tol at the returned x: iterate until |f(x)| <= tol "
                       "(the step is x - f(x)/df(x))")
    roots = _roots(f_spec)
    if roots:
        def nearest(t: float) -> int:
            return int(np.argmin(np.abs(np.asarray(roots) - t)))
        if nearest(x) != nearest(x_ref):
            raise Mismatch("converged to a different root than Newton's method from x0")
    # Newton's iteration is deterministic: a different correct implementation reproduces the
    # iterates up to rounding, which cannot move |f(x_k)| across tol here (tol ≫ the rounding
    # noise of f, 1e-14), so its count equals n_ref; ±1 absorbs counting conventions only.
    if k > k_ref + 1:
        raise Mismatch("n_iter is larger than Newton's method needs from x0: the convergence "
                       "is not quadratic (secant or fixed-slope steps?)")
    if k < k_ref - 1:
        raise Mismatch("n_iter is smaller than the number of Newton updates x <- x - f/df "
                       "performed from x0")
    return None


# ---------------------------------------------------------------- registration

_SPECS = [
    ("num_grad", gen.cases_num_grad, judge_num_grad),
    ("jacobian", gen.cases_jacobian, judge_jacobian),
    ("logreg_grad_hess", gen.cases_logreg_grad_hess, judge_logreg_grad_hess),
    ("backprop", gen.cases_backprop, judge_backprop),
    ("taylor_poly", gen.cases_taylor_poly, judge_taylor_poly),
    ("trapezoid", gen.cases_trapezoid, _judge_rule(ref_trapezoid, "trapezoid")),
    ("simpson", gen.cases_simpson, _judge_rule(ref_simpson, "simpson")),
    ("newton", gen.cases_newton, judge_newton),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"calculus.{_name}", unit="calculus", function=_name,
                       cases=_cases, judge=_judge))
