"""Seeded generators of the hidden inputs of Unit 4 (optimisation), rules R4–R6.

Function-valued inputs are :class:`FunctionSpec` s of the sandbox's factory table
(:mod:`graders.runtime.factories.optimisation`); random generators are
``FunctionSpec("rng", {"seed": s})`` with ``s`` drawn from the check's own stream,
so a grading seed fixes every verdict. All sizes are ≤ 12 and every check's
reference runs in a few milliseconds.

Families: SPD matrices ``QΛQᵀ`` with λ ∈ [1, 10] (R5) or prescribed spectra;
well-conditioned constraint matrices ``Q₁ diag(s) Q₂ᵀ`` with s in [1, 10²];
dyadic (exactly representable) quadratics where a boundary must be hit exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Case, FunctionSpec
from graders.linalg_generators import orthogonal, spd, sym_with_eigs, well_conditioned
from graders.runtime.factories import build

__all__ = [
    "armijo_margin",
    "cases_armijo",
    "cases_eq_qp",
    "cases_gd",
    "cases_is_convex_quadratic",
    "cases_project_simplex",
    "cases_sgd",
    "cases_sgd_step",
]


def _fs(name: str, **params: Any) -> FunctionSpec:
    return FunctionSpec(f"optimisation.{name}", params)


def _quad(kind: str, Q: np.ndarray, c: np.ndarray) -> FunctionSpec:
    return _fs(f"quadratic_{kind}", Q=np.asarray(Q, dtype=float), c=np.asarray(c, dtype=float))


# ---------------------------------------------------------------- O1 gd


def cases_gd(rng: np.random.Generator) -> list[Case]:
    """O1: strongly convex quadratics (x* ≠ 0), a logistic loss, T = 0, int x0, lr > 2/L."""
    def quad_case(label: str, Q: np.ndarray, lr_times_L: float, T: int,
                  x0: np.ndarray | None = None, **ctx: Any) -> Case:
        d = Q.shape[0]
        c = np.asarray(rng.standard_normal(d))
        L = float(np.linalg.eigvalsh(Q)[-1])
        x0 = np.asarray(rng.standard_normal(d)) if x0 is None else x0
        xstar = np.linalg.solve(Q, -c)
        return Case(label, (_quad("grad", Q, c), x0, lr_times_L / L, T),
                    context={"xstar": xstar, **ctx})

    Qd = sym_with_eigs(rng, np.array([1.0, 4.0, 10.0]))
    vtop = np.linalg.eigh(Qd)[1][:, -1]
    cd = rng.standard_normal(3)
    x0d = np.linalg.solve(Qd, -cd) + vtop + 0.1 * rng.standard_normal(3)
    A = rng.standard_normal((12, 4))
    t = (rng.random(12) < 0.5).astype(float)
    mu = 0.1
    L_log = float(np.linalg.norm(A, 2) ** 2 / (4 * 12) + mu)  # σ' ≤ 1/4
    return [
        quad_case("SPD 2x2, lr = 1/L, T = 20", spd(rng, 2), 1.0, 20),
        quad_case("SPD 5x5, lr = 1.9/L (oscillating), T = 40", spd(rng, 5), 1.9, 40),
        quad_case("ill-conditioned 3x3 (κ = 100), lr = 1/L, T = 50",
                  sym_with_eigs(rng, np.array([1.0, 10.0, 100.0])), 1.0, 50),
        quad_case("d = 1, lr = 0.5/L, T = 10", np.array([[rng.uniform(1, 10)]]), 0.5, 10),
        quad_case("T = 0 (trajectory is x0 only), d = 3", spd(rng, 3), 1.0, 0),
        quad_case("integer dtype x0, d = 4, T = 15", spd(rng, 4), 1.0, 15,
                  x0=rng.integers(-5, 6, size=4)),
        Case("logistic loss + ridge (non-quadratic), d = 4, lr = 1/L, T = 30",
             (_fs("logistic_ridge_grad", A=A, t=t, mu=mu), rng.standard_normal(4),
              1.0 / L_log, 30)),
        Case("lr = 2.5/L > 2/L (must diverge), 3x3, T = 30",
             (_quad("grad", Qd, cd), x0d, 2.5 / 10.0, 30),
             context={"xstar": np.linalg.solve(Qd, -cd), "diverge": True}),
    ]


# ---------------------------------------------------------------- O2 armijo


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


def cases_armijo(rng: np.random.Generator) -> list[Case]:
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


# ---------------------------------------------------------------- O3 eq_qp


def cases_eq_qp(rng: np.random.Generator) -> list[Case]:
    """O3: full-row-rank and redundant A, m = n, singular Q (PD on null A), int dtype, λ = 0.

    The random redundant case is singular only up to rounding (LAPACK's solve may or may
    not raise on it, depending on the draw); the integer one is exactly singular, so a
    plain ``solve`` of the KKT system fails it for every grading seed.
    """
    def problem(Q: np.ndarray, A: np.ndarray) -> tuple[Any, ...]:
        n = Q.shape[0]
        return Q, rng.standard_normal(n), A, A @ rng.standard_normal(n)

    A0 = well_conditioned(rng, 2, 5) / 10.0
    redundant = np.vstack([A0, A0[0] + A0[1], A0[1]])
    U = orthogonal(rng, 3)
    Qz = U @ np.diag([2.0, 1.0, 0.0]) @ U.T
    Qz = (Qz + Qz.T) / 2  # null(Q) = U e₃ is not in null(A) = U·span(1, −1, 0)
    Az = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]) @ U.T
    Qi = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
    Qf, cf = spd(rng, 4), rng.standard_normal(4)
    Af = well_conditioned(rng, 2, 4) / 10.0
    return [
        Case("one constraint, n = 4", problem(spd(rng, 4), well_conditioned(rng, 1, 4) / 10.0)),
        Case("three constraints, n = 6", problem(spd(rng, 6), well_conditioned(rng, 3, 6) / 10.0)),
        Case("redundant rows (4 constraints of rank 2, n = 5): λ not unique",
             problem(spd(rng, 5), redundant)),
        Case("exactly redundant rows (row 2 = 2·row 1), integer dtype: the KKT matrix is "
             "exactly singular", (np.array([[2, 1, 0], [1, 2, 0], [0, 0, 4]]),
                                  np.array([1, 0, -1]), np.array([[1, 1, 1], [2, 2, 2]]),
                                  np.array([3, 6]))),
        Case("m = n = 3 (x fixed by the constraints)", problem(spd(rng, 3),
                                                               well_conditioned(rng, 3) / 10.0)),
        Case("singular Q, positive definite on null(A), n = 3", problem(Qz, Az)),
        Case("integer dtype Q, c, A, b", (Qi, np.array([1, -2, 3]), np.array([[1, 1, 1]]),
                                          np.array([2]))),
        Case("n = m = 1", (np.array([[rng.uniform(1, 5)]]), np.array([rng.uniform(-2, 2)]),
                           np.array([[rng.uniform(1, 3)]]), np.array([rng.uniform(-2, 2)]))),
        Case("unconstrained minimiser already feasible (λ = 0)",
             (Qf, cf, Af, Af @ np.linalg.solve(Qf, -cf))),
    ]


# ---------------------------------------------------------------- O4 project_simplex


def cases_project_simplex(rng: np.random.Generator) -> list[Case]:
    """O4: generic v (clip-and-renormalise differs), v ∈ Δ, ties, vertex, n = 1, negatives."""
    tie = rng.uniform(0.2, 0.4)
    return [
        Case("random v, n = 6", (rng.standard_normal(6),)),
        Case("random positive v, n = 8 (clipping then renormalising differs)",
             (rng.uniform(0.0, 1.0, 8),)),
        Case("v already in the simplex, n = 5", (rng.dirichlet(np.ones(5)),)),
        Case("ties: repeated entries, n = 6", (np.array([tie, tie, tie, -1.0, tie, 0.1]),)),
        Case("one dominant entry (projection is a vertex), n = 4",
             (np.r_[rng.uniform(-1, 1, 3), 5.0][rng.permutation(4)],)),
        Case("n = 1", (np.array([rng.uniform(-3, 3)]),)),
        Case("all entries negative, n = 5", (-rng.uniform(1.0, 3.0, 5),)),
        Case("zero vector, n = 4 (uniform answer)", (np.zeros(4),)),
        Case("integer dtype, n = 6", (rng.integers(-3, 4, size=6),)),
        Case("large scale (entries ~1e3), n = 7", (1e3 * rng.standard_normal(7),)),
    ]


# ---------------------------------------------------------------- O5 is_convex_quadratic


def cases_is_convex_quadratic(rng: np.random.Generator) -> list[Case]:
    """O5: non-symmetric Q (eigenvalues of Q mislead), PSD boundary ±tol, minors, int dtype."""
    tol = 1e-8
    T = np.array([[1.0, rng.uniform(3.0, 5.0)], [0.0, rng.uniform(1.0, 2.0)]])
    U = orthogonal(rng, 4)
    upper = np.triu(rng.uniform(2.0, 4.0, (4, 4)), 1) + np.diag(rng.uniform(1.0, 2.0, 4))
    skew = rng.uniform(2.0, 4.0)
    B = rng.standard_normal((4, 2))
    return [
        Case("SPD 4x4", (spd(rng, 4), 1e-10)),
        Case("symmetric indefinite 5x5", (sym_with_eigs(rng, np.array([-2.0, 1, 3, 4, 5])),
                                          1e-10)),
        Case("non-symmetric upper triangular 2x2: eigenvalues > 0, symmetric part indefinite",
             (T, 1e-10)),
        Case("non-symmetric 4x4 (rotated triangular): eigenvalues > 0, not convex",
             (U @ upper @ U.T, 1e-10)),
        Case("identity plus a large skew part: convex, eigenvalues complex",
             (np.array([[1.0, -skew], [skew, 1.0]]), 1e-10)),
        Case("PSD with λ_min = −tol/2 (boundary within tolerance)",
             (sym_with_eigs(rng, np.array([-tol / 2, 1.0, 2.0, 3.0])), tol)),
        Case("λ_min = −2·tol (just outside tolerance)",
             (sym_with_eigs(rng, np.array([-2 * tol, 1.0, 2.0, 3.0])), tol)),
        Case("rank-2 PSD 4x4 (λ_min = 0 up to rounding)", (B @ B.T, 1e-10)),
        Case("leading minors ≥ 0 but indefinite [[0, 0], [0, -1]]",
             (np.array([[0.0, 0.0], [0.0, -1.0]]), 1e-10)),
        Case("integer dtype 3x3", (np.array([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]), 1e-10)),
        Case("1x1 negative", (np.array([[-rng.uniform(0.5, 3.0)]]), 1e-10)),
    ]


# ---------------------------------------------------------------- O6 sgd


def _regression(rng: np.random.Generator, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.standard_normal((N, d))
    return X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(N)


def cases_sgd_step(rng: np.random.Generator) -> list[Case]:
    """O6a: B ≠ N everywhere but the full-batch case, so 1/N vs 1/B shows."""
    def case(label: str, N: int, d: int, idx: np.ndarray, lr: float) -> Case:
        X, y = _regression(rng, N, d)
        return Case(label, (rng.standard_normal(d), X, y, idx, lr))

    Xi = rng.integers(-3, 4, size=(6, 2))
    return [
        case("N = 10, B = 4, d = 3", 10, 3, rng.choice(10, 4, replace=False), 0.1),
        case("B = 1", 8, 3, np.array([int(rng.integers(8))]), 0.05),
        case("full batch B = N = 7 (shuffled)", 7, 2, rng.permutation(7), 0.2),
        case("repeated indices, B = 6 > N = 5", 5, 3, np.array([0, 3, 3, 1, 0, 3]), 0.1),
        case("d = 1, B = 3", 9, 1, rng.choice(9, 3, replace=False), 0.3),
        Case("integer dtype theta, X, y", (rng.integers(-2, 3, size=2), Xi,
                                            Xi @ np.array([1, -2]) + 1,
                                            np.array([4, 0, 2]), 0.01)),
        case("N = 12, B = 3, unsorted indices, d = 5", 12, 5, np.array([9, 2, 7]), 0.05),
    ]


def cases_sgd(rng: np.random.Generator) -> list[Case]:
    """O6b: exact protocol; epochs ≥ 2 (a fresh permutation per epoch shows), B ∤ N."""
    def case(label: str, N: int, d: int, epochs: int, B: int,
             theta0: np.ndarray | None = None) -> Case:
        X, y = _regression(rng, N, d)
        lr = 0.5 / float(np.max(np.sum(X ** 2, axis=1)))  # lr·‖xᵢ‖² ≤ ½: non-expansive steps
        th0 = rng.standard_normal(d) if theta0 is None else theta0
        seed = int(rng.integers(2 ** 31))
        return Case(label, (th0, X, y, lr, epochs, B, FunctionSpec("rng", {"seed": seed})),
                    kwargs={"step": _fs("least_squares_step")})

    Xi = rng.integers(-2, 3, size=(8, 2))
    seed_i = int(rng.integers(2 ** 31))
    return [
        case("N = 20, d = 3, B = 5, 3 epochs", 20, 3, 3, 5),
        case("B = 1 (plain SGD), N = 8, 2 epochs", 8, 3, 2, 1),
        case("full batch B = N = 6, 4 epochs", 6, 2, 4, 6),
        case("B does not divide N (10 = 4 + 4 + 2), 3 epochs", 10, 3, 3, 4),
        case("epochs = 0 (returns theta0)", 6, 2, 0, 2),
        Case("integer dtype theta0, X, y; N = 8, B = 3, 2 epochs",
             (rng.integers(-2, 3, size=2), Xi, Xi @ np.array([2, -1]), 0.02, 2, 3,
              FunctionSpec("rng", {"seed": seed_i})),
             kwargs={"step": _fs("least_squares_step")}),
        case("d = 1, N = 9, B = 2, 3 epochs", 9, 1, 3, 2),
        case("N = 40, d = 5, B = 8, 5 epochs", 40, 5, 5, 8),
    ]
