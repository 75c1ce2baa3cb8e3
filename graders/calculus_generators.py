"""Seeded generators of the hidden inputs of Unit 3 (calculus), rules R4–R5.

Function-valued arguments cross into the sandbox as :class:`FunctionSpec` (see
``graders/runtime/factories/calculus.py``); everything else is plain arrays and
numbers. Each ``cases_*`` takes the check's own generator
(:func:`graders.checks.case_rng`), so a grading seed always gives the same
inputs, and every case list contains the syllabus's named edge cases:

* C1 ``num_grad``: the 1-D ``sin`` at x = 1, integer x, x = 0, large |f|, an explicit h.
* C2 ``jacobian``: m > n, m < n, a square non-symmetric J, m = 1, n = 1, integer x.
* C3 ``logreg_grad_hess``: |xᵀθ| ≈ 800, λ = 0, N = 1, D = 1, integer X and y.
* C4 ``backprop``: N = 1, saturated units, Coursera-style initialisation, zero error.
* C5 ``taylor_poly``: x − x₀ = ±1, x₀ ≠ 0, n = 0, more derivatives than needed, int x.
* C6 ``trapezoid``/``simpson``: n = 8, n = 1/2, a > b, a = b, int a, b, exact cases, odd n.
* C7 ``newton``: simple, double and triple roots, df = 0 at x₀, a 2-cycle, x₀ a root,
  maxit too small.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from graders.checks import Case, FunctionSpec

__all__ = [
    "cases_backprop",
    "cases_jacobian",
    "cases_logreg_grad_hess",
    "cases_newton",
    "cases_num_grad",
    "cases_simpson",
    "cases_taylor_poly",
    "cases_trapezoid",
    "scalar_field_params",
    "vector_field_params",
]

#: The network of C4 (Coursera "Backpropagation"): 1 input, hidden 6 and 7, 2 outputs.
LAYERS = (1, 6, 7, 2)


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


def cases_num_grad(rng: np.random.Generator) -> list[Case]:
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


def vector_field_params(rng: np.random.Generator, m: int, n: int,
                        k: int = 3) -> dict[str, object]:
    """Parameters of ``calculus.vector_field`` (|B|, |G| ≤ 1, so derivatives stay moderate)."""
    return {"A": rng.uniform(-2, 2, (m, k)), "B": rng.uniform(-1, 1, (k, n)),
            "c": rng.uniform(-np.pi, np.pi, k), "D": rng.uniform(-2, 2, (m, n)),
            "e": rng.uniform(-1, 1, m), "G": rng.uniform(-0.5, 0.5, (m, n))}


def _non_symmetric(rng: np.random.Generator, n: int) -> dict[str, object]:
    """Square vector-field params whose Jacobian is far from symmetric (D antisymmetric part)."""
    params = vector_field_params(rng, n, n)
    skew = rng.uniform(1.0, 2.0, (n, n)) * np.triu(np.ones((n, n)), 1)
    params["D"] = np.asarray(params["D"]) + 3.0 * (skew - skew.T)
    return params


def cases_jacobian(rng: np.random.Generator) -> list[Case]:
    """C2: m ≠ n so Jᵀ fails on shape; square non-symmetric so Jᵀ fails on values."""
    def case(label: str, params: dict[str, object], x: np.ndarray) -> Case:
        return Case(label, (FunctionSpec("calculus.vector_field", params), x))

    return [
        case("m = 3 > n = 2", vector_field_params(rng, 3, 2), rng.uniform(-1, 1, 2)),
        case("m = 2 < n = 4", vector_field_params(rng, 2, 4), rng.uniform(-1, 1, 4)),
        case("square non-symmetric 3x3", _non_symmetric(rng, 3), rng.uniform(-1, 1, 3)),
        case("m = 1 (a scalar field as a vector), n = 3", vector_field_params(rng, 1, 3),
             rng.uniform(-1, 1, 3)),
        case("n = 1, m = 4", vector_field_params(rng, 4, 1), rng.uniform(-1, 1, 1)),
        case("integer dtype x, m = 2, n = 3", vector_field_params(rng, 2, 3),
             rng.integers(-2, 3, 3)),
        case("m = 5, n = 6", vector_field_params(rng, 5, 6, k=4), rng.uniform(-1, 1, 6)),
    ]


def _logreg_data(rng: np.random.Generator, n: int, d: int,
                 zscale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    theta = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 0.5).astype(float)
    if zscale != 1.0:  # rescale rows so that |x_iᵀθ| = zscale·(1 ± 10%)
        z = X @ theta
        X = X * (zscale * rng.uniform(0.9, 1.1, n) / np.maximum(np.abs(z), 1e-3))[:, None]
    return theta, X, y


def cases_logreg_grad_hess(rng: np.random.Generator) -> list[Case]:
    """C3: λ ≠ 0 (λ vs λ/2 shows) and λ = 0; huge margins; integer data; tiny N and D."""
    t1, X1, y1 = _logreg_data(rng, 20, 3)
    t2, X2, y2 = _logreg_data(rng, 12, 4, zscale=800.0)
    t3, X3, y3 = _logreg_data(rng, 15, 2)
    t4, X4, y4 = _logreg_data(rng, 1, 3)
    t5, X5, y5 = _logreg_data(rng, 10, 1)
    Xi = rng.integers(-3, 4, (9, 3))
    yi = rng.integers(0, 2, 9)
    yi[:2] = [0, 1]
    Xs = np.vstack([rng.uniform(1, 2, (5, 2)), -rng.uniform(1, 2, (5, 2))])
    ys = np.r_[np.ones(5), np.zeros(5)]
    return [
        Case("N = 20, D = 3, lam = 0.3", (t1, X1, y1, 0.3)),
        Case("|x^T theta| ~ 800 (overflow of exp), lam = 0.1", (t2, X2, y2, 0.1)),
        Case("lam = 0", (t3, X3, y3, 0.0)),
        Case("N = 1, lam = 0.5", (t4, X4, y4, 0.5)),
        Case("D = 1, lam = 2", (t5, X5, y5, 2.0)),
        Case("integer dtype X and y, lam = 0.25", (rng.standard_normal(3), Xi, yi, 0.25)),
        Case("separable data, large theta, lam = 0.05",
             (np.array([6.0, 5.0]) * rng.uniform(0.8, 1.2), Xs, ys, 0.05)),
        Case("theta = 0, lam = 1", (np.zeros(3), *_logreg_data(rng, 8, 3)[1:], 1.0)),
    ]


def _network(rng: np.random.Generator, wscale: float = 0.5) -> tuple[np.ndarray, ...]:
    """(W1, b1, W2, b2, W3, b3) with W_l of shape (n_l, n_{l-1}) and b_l of shape (n_l,)."""
    params: list[np.ndarray] = []
    for n_in, n_out in itertools.pairwise(LAYERS):
        params += [wscale * rng.standard_normal((n_out, n_in)),
                   wscale * rng.standard_normal(n_out)]
    return tuple(params)


def cases_backprop(rng: np.random.Generator) -> list[Case]:
    """C4: the 1-6-7-2 sigmoid network, X of shape (N, 1) and Y of shape (N, 2)."""
    def data(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.uniform(0, 1, (n, 1)), rng.uniform(0, 1, (n, 2))

    cases = [
        Case("Coursera-style initialisation, N = 8", (_network(rng), *data(8))),
        Case("N = 1", (_network(rng), *data(1))),
        Case("N = 20, weights of scale 2", (_network(rng, 2.0), *data(20))),
        Case("nearly saturated units (weights of scale 6), N = 5",
             (_network(rng, 6.0), *data(5))),
        Case("zero biases, N = 3", (tuple(p if p.ndim == 2 else np.zeros_like(p)
                                          for p in _network(rng, 1.0)), *data(3))),
        Case("inputs outside [0, 1], N = 6",
             (_network(rng, 1.0), rng.uniform(-3, 3, (6, 1)), rng.uniform(0, 1, (6, 2)))),
    ]
    return [Case(c.label, c.args, context={"spot": rng.integers(0, 2**31)}) for c in cases]


def cases_taylor_poly(rng: np.random.Generator) -> list[Case]:
    """C5: exp, sin, log(1+x) and polynomial derivatives; x − x₀ = ±1 in every grid."""
    def grid(x0: float, reach: float, m: int = 7) -> np.ndarray:
        x = x0 + np.linspace(-reach, reach, m)
        x[0], x[-1] = x0 - 1.0, x0 + 1.0
        return np.sort(np.r_[x, x0 + rng.uniform(-reach, reach, 2)])

    x0 = float(rng.uniform(0.2, 1.0))
    s0 = float(rng.uniform(-1.0, 1.0))
    sin_d = np.array([np.sin(s0), np.cos(s0), -np.sin(s0), -np.cos(s0)] * 3)
    l0 = float(rng.uniform(0.5, 1.5))
    log_d = np.r_[np.log1p(l0), [(-1.0) ** (k - 1) * math.factorial(k - 1) / (1 + l0) ** k
                                 for k in range(1, 10)]]
    p_d = np.array([rng.integers(-5, 6) for _ in range(4)] + [0, 0, 0, 0])
    xi0 = int(rng.integers(-3, 4))
    return [
        Case("exp about x0 = 0.5, n = 5, x - x0 = +-1", (np.ones(6), 0.5, grid(0.5, 1.5), 5)),
        Case("exp about a random x0 != 0, n = 8", (np.exp(x0) * np.ones(9), x0, grid(x0, 2.0), 8)),
        Case("sin about a random x0, n = 7", (sin_d[:8], s0, grid(s0, 2.5), 7)),
        Case("log(1+x), alternating terms, n = 9", (log_d, l0, grid(l0, 1.2), 9)),
        Case("more derivatives than needed (len 12, n = 3)", (sin_d, s0, grid(s0, 1.0), 3)),
        Case("n = 0 (the constant f(x0))", (np.exp(x0) * np.ones(3), x0, grid(x0, 1.0), 0)),
        Case("integer dtype derivatives and x, cubic with n = 5",
             (p_d, xi0, np.arange(xi0 - 3, xi0 + 4), 5)),
        Case("negative x0 = -1.5, exp, n = 6", (np.exp(-1.5) * np.ones(7), -1.5,
                                                grid(-1.5, 1.0), 6)),
    ]


def _univariate(rng: np.random.Generator, poly: list[float] | None = None,
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


def _interval(rng: np.random.Generator) -> tuple[float, float]:
    a = float(rng.uniform(-2.0, 0.0))
    return a, a + float(rng.uniform(1.0, 3.0))


def cases_trapezoid(rng: np.random.Generator) -> list[Case]:
    """C6 trapezoid: compared with the rule itself (n = 8 shows the n-point off-by-one)."""
    a, b = _interval(rng)
    return [
        Case("smooth integrand, n = 8", (_univariate(rng), a, b, 8)),
        Case("n = 1 (a single interval)", (_univariate(rng), *_interval(rng), 1)),
        Case("n = 64", (_univariate(rng), *_interval(rng), 64)),
        Case("reversed interval a > b, n = 6", (_univariate(rng), b, a, 6)),
        Case("empty interval a = b, n = 4", (_univariate(rng), a, a, 4)),
        Case("integer endpoints 0 and 2, n = 5", (_univariate(rng), 0, 2, 5)),
        Case("linear integrand (exact), n = 3",
             (_univariate(rng, [float(rng.uniform(-2, 2)), 3.0], smooth=False), *_interval(rng),
              3)),
        Case("quadratic integrand x^2 on [0, 1], n = 8",
             (_univariate(rng, [0.0, 0.0, 1.0], smooth=False), 0.0, 1.0, 8)),
    ]


def cases_simpson(rng: np.random.Generator) -> list[Case]:
    """C6 simpson: n even; odd n must raise ValueError; cubics are integrated exactly."""
    a, b = _interval(rng)
    cubic = [float(v) for v in rng.uniform(-2, 2, 4)]
    return [
        Case("smooth integrand, n = 8", (_univariate(rng), a, b, 8)),
        Case("n = 2 (a single Simpson panel)", (_univariate(rng), *_interval(rng), 2)),
        Case("n = 64", (_univariate(rng), *_interval(rng), 64)),
        Case("reversed interval a > b, n = 6", (_univariate(rng), b, a, 6)),
        Case("integer endpoints -1 and 2, n = 10", (_univariate(rng), -1, 2, 10)),
        Case("cubic integrand (exact), n = 4",
             (_univariate(rng, cubic, smooth=False), *_interval(rng), 4)),
        Case("quadratic integrand x^2 on [0, 1], n = 2",
             (_univariate(rng, [0.0, 0.0, 1.0], smooth=False), 0.0, 1.0, 2)),
        Case("odd n = 7 (must raise)", (_univariate(rng), a, b, 7), raises=("ValueError",)),
    ]


def _poly(roots: list[float], scale: float) -> tuple[FunctionSpec, FunctionSpec]:
    params = {"roots": np.asarray(roots, dtype=float), "scale": float(scale)}
    return (FunctionSpec("calculus.poly_roots", params),
            FunctionSpec("calculus.poly_roots_deriv", params))


#: Exceptions the question text allows when df(x_k) == 0.
DF_ZERO_ERRORS = ("ZeroDivisionError", "ValueError", "FloatingPointError")


def cases_newton(rng: np.random.Generator) -> list[Case]:
    """C7: shifts and scales are dyadic (k/4, 2^j) so the df = 0 and cycle cases are exact."""
    def shift() -> float:
        return float(rng.integers(-8, 9)) / 4.0

    s1, s2, s3, s4, s5 = (shift() for _ in range(5))
    scale = float(2.0 ** rng.integers(-1, 2))
    r = float(rng.integers(2, 9)) / 4.0
    a = float(rng.uniform(0.5, 1.5))
    b = float(rng.uniform(2.0, 6.0))
    exp_fns = (FunctionSpec("calculus.exp_shift", {"a": a, "b": b}),
               FunctionSpec("calculus.exp_shift_deriv", {"a": a, "b": b}))
    cycle = {"coeffs": np.array([2.0, -2.0, 0.0, 1.0])}  # x^3 - 2x + 2: 0 -> 1 -> 0 exactly
    cubic = [-2.0 + s1, 0.5 + s1, 3.0 + s1]
    return [
        Case("cubic, simple roots, x0 to the right", (*_poly(cubic, scale), 4.0 + s1, 1e-10, 50)),
        Case("quartic, far start", (*_poly([-3 + s2, -1 + s2, 2 + s2, 5 + s2], 0.1),
                                    10.0 + s2, 1e-10, 50)),
        Case("double root (linear convergence)", (*_poly([1 + s3, 1 + s3, -2 + s3], scale),
                                                  2.0 + s3, 1e-10, 100)),
        Case("triple root", (*_poly([0.75 + s4, 0.75 + s4, 0.75 + s4, -1 + s4], 2.0),
                             2.0 + s4, 1e-10, 100)),
        Case("exp(a x) - b", (*exp_fns, float(rng.uniform(-1.0, 3.0)), 1e-12, 50)),
        Case("x0 is already a root", (*_poly(cubic, scale), 0.5 + s1, 1e-10, 50)),
        Case("df = 0 at x0 (must raise)", (*_poly([s5 - r, s5 + r], scale), s5, 1e-10, 50),
             raises=DF_ZERO_ERRORS),
        Case("2-cycle x^3 - 2x + 2 from x0 = 0 (must raise RuntimeError)",
             (FunctionSpec("calculus.poly_coeffs", cycle),
              FunctionSpec("calculus.poly_coeffs_deriv", cycle), 0.0, 1e-10, 30),
             raises=("RuntimeError",)),
        Case("maxit too small (must raise RuntimeError)",
             (*_poly([-3 + s2, -1 + s2, 2 + s2, 5 + s2], 0.1), 10.0 + s2, 1e-10, 4),
             raises=("RuntimeError",)),
    ]
