"""Seeded generators of the hidden inputs of Unit 5 (probability), rules R4–R6.

Each ``cases_*`` function takes the check's own ``np.random.Generator``
(:func:`graders.checks.case_rng`) and returns its list of :class:`Case`; the same
seed always gives the same inputs, including the seeds of the ``rng`` arguments of
``sample_mvn`` (so statistical verdicts are reproducible for a grading seed). The
judges in :mod:`graders.probability` recompute the references from ``case.args``.

Matrix families: SPD matrices ``QΛQᵀ`` with λ ∈ [1, 10] (rule R5), scaled where a
case needs ``det Σ`` to overflow or underflow; everything is small (D ≤ 20) except
the two D = 200 cases of ``mvn_logpdf`` that the syllabus asks for.
"""

from __future__ import annotations

import numpy as np

from graders.checks import Case, FunctionSpec

__all__ = [
    "MVN_N",
    "MVN_STAT_CASES",
    "cases_conditional",
    "cases_gauss_condition",
    "cases_logsumexp",
    "cases_marginal",
    "cases_mvn_logpdf",
    "cases_posterior",
    "cases_sample_mvn",
    "cases_softmax",
    "cases_transformed_logpdf",
    "spd",
]

NINF = -np.inf
#: Sample size of every statistical case of ``sample_mvn``.
MVN_N = 20_000
#: Number of statistical cases of ``sample_mvn``: the Bonferroni divisor (with 3 tests each).
MVN_STAT_CASES = 6


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return np.asarray(q * np.where(np.diag(r) < 0, -1.0, 1.0))


def spd(rng: np.random.Generator, n: int, lo: float = 1.0, hi: float = 10.0) -> np.ndarray:
    """An SPD matrix ``QΛQᵀ`` with λ uniform in [lo, hi], symmetrised exactly."""
    q = _orthogonal(rng, n)
    s = (q * rng.uniform(lo, hi, n)) @ q.T
    return np.asarray((s + s.T) / 2)


def _corr2(rho: float, s1: float, s2: float) -> np.ndarray:
    return np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])


# ---------------------------------------------------------------- P1


def cases_logsumexp(rng: np.random.Generator) -> list[Case]:
    """P1 logsumexp: ±1000, −∞ entries, all −∞, empty reductions, axis None/0/1/−1."""
    with_ninf = rng.normal(0, 3, (3, 5))
    with_ninf[0, [1, 3]] = NINF
    with_ninf[2, 0] = NINF
    all_ninf_row = rng.normal(0, 3, (3, 4))
    all_ninf_row[1] = NINF
    big = np.array([[1000.0, 999.0, 1000.0, 998.5], [-1000.0, -1001.0, -999.0, -1000.5]])
    return [
        Case("1-D, axis=None", (rng.normal(0, 3, 7), None)),
        Case("2-D (3, 5), axis=1", (rng.normal(0, 3, (3, 5)), 1)),
        Case("2-D (4, 6), axis=0", (rng.normal(0, 3, (4, 6)), 0)),
        Case("entries ±1000 (overflow/underflow of exp), axis=-1", (big + rng.uniform(0, 1), -1)),
        Case("some −∞ entries, axis=1", (with_ninf, 1)),
        Case("a row of all −∞, axis=1", (all_ninf_row, 1)),
        Case("all −∞ 1-D, axis=None", (np.full(4, NINF), None)),
        Case("empty 1-D array, axis=None", (np.zeros(0), None)),
        Case("empty reduction (3, 0), axis=1", (np.zeros((3, 0)), 1)),
        Case("3-D (2, 3, 4), axis=1", (rng.normal(0, 3, (2, 3, 4)), 1)),
        Case("integer dtype 1-D, axis=None", (rng.integers(-5, 6, 6), None)),
    ]


def cases_softmax(rng: np.random.Generator) -> list[Case]:
    """P1 softmax: default axis, axis 0 on square input, ±1000, −∞, all −∞ (NaN), empty."""
    with_ninf = rng.normal(0, 2, (3, 4))
    with_ninf[[0, 2], [1, 3]] = NINF
    all_ninf_row = rng.normal(0, 2, (3, 4))
    all_ninf_row[2] = NINF
    big = np.array([[1000.0, 999.0, 1000.0, 997.0], [-1000.0, -1001.0, -999.0, -1002.0]])
    return [
        Case("2-D (3, 5), default axis (-1)", (rng.normal(0, 2, (3, 5)),)),
        Case("2-D (4, 6), axis=0", (rng.normal(0, 2, (4, 6)), 0)),
        Case("square (5, 5), axis=0", (rng.normal(0, 2, (5, 5)), 0)),
        Case("entries ±1000 (overflow of exp), axis=1", (big, 1)),
        Case("some −∞ entries (probability 0), axis=-1", (with_ninf, -1)),
        Case("a row of all −∞ (no distribution: NaN), axis=1", (all_ninf_row, 1)),
        Case("1-D of length 1", (np.array([rng.normal()]),)),
        Case("empty (2, 0), axis=-1", (np.zeros((2, 0)), -1)),
        Case("3-D (2, 3, 4), axis=1", (rng.normal(0, 2, (2, 3, 4)), 1)),
        Case("integer dtype (2, 3)", (rng.integers(-4, 5, (2, 3)),)),
    ]


# ---------------------------------------------------------------- P2


def _log_probs(rng: np.random.Generator, k: int) -> np.ndarray:
    p = rng.dirichlet(np.ones(k))
    return np.asarray(np.log(p))


def cases_posterior(rng: np.random.Generator) -> list[Case]:
    """P2 posterior: unnormalised priors, huge |log-likelihoods|, −∞ patterns, zero evidence."""
    theta = np.linspace(0.0, 1.0, 41)
    heads, flips = int(rng.integers(20, 40)), 50
    with np.errstate(divide="ignore"):
        coin = heads * np.log(theta) + (flips - heads) * np.log1p(-theta)
    zero_prior = _log_probs(rng, 6)
    zero_prior[[1, 4]] = NINF
    impossible = rng.normal(-5, 2, 6)
    impossible[[0, 5]] = NINF
    none_possible = np.full(5, NINF)
    return [
        Case("5 hypotheses, normalised prior", (_log_probs(rng, 5), rng.normal(-3, 2, 5))),
        Case("unnormalised log prior (weights)", (rng.normal(2, 1, 7), rng.normal(-3, 2, 7))),
        Case("log-likelihoods near −1000 (underflow of exp)",
             (_log_probs(rng, 6), -1000.0 + rng.normal(0, 3, 6))),
        Case("log-likelihoods near +800 (overflow of exp)",
             (_log_probs(rng, 4), 800.0 + rng.normal(0, 3, 4))),
        Case("zero prior on some hypotheses (−∞)", (zero_prior, rng.normal(-3, 2, 6))),
        Case("data impossible under some hypotheses (−∞)", (_log_probs(rng, 6), impossible)),
        Case("data impossible under every hypothesis (zero evidence: NaN)",
             (_log_probs(rng, 5), none_possible)),
        Case("a single hypothesis", (np.array([rng.normal()]), np.array([rng.normal(-5, 1)]))),
        Case("coin bias on a 41-point grid, uniform prior, θ=0 and θ=1 impossible",
             (np.zeros(41), coin)),
        Case("integer dtype", (rng.integers(-5, 1, 4), rng.integers(-9, -1, 4))),
    ]


def _pmf(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    p = rng.uniform(0.1, 1.0, shape)
    return np.asarray(p / p.sum())


def cases_marginal(rng: np.random.Generator) -> list[Case]:
    """P2 marginal: 2-D and 3-D tables, every axis, square tables, a negative axis."""
    zero_row = _pmf(rng, (3, 3))
    zero_row[1] = 0.0
    zero_row /= zero_row.sum()
    return [
        Case("(3, 4) table, axis=0", (_pmf(rng, (3, 4)), 0)),
        Case("(3, 4) table, axis=1", (_pmf(rng, (3, 4)), 1)),
        Case("square (4, 4) table, axis=0", (_pmf(rng, (4, 4)), 0)),
        Case("square (4, 4) table, axis=1", (_pmf(rng, (4, 4)), 1)),
        Case("3-D (2, 3, 4) table, axis=2", (_pmf(rng, (2, 3, 4)), 2)),
        Case("3-D (2, 3, 4) table, axis=0", (_pmf(rng, (2, 3, 4)), 0)),
        Case("(3, 5) table, axis=-1", (_pmf(rng, (3, 5)), -1)),
        Case("(3, 3) table with a zero row, axis=0", (zero_row, 0)),
        Case("(1, 5) table, axis=0", (_pmf(rng, (1, 5)), 0)),
    ]


def cases_conditional(rng: np.random.Generator) -> list[Case]:
    """P2 conditional: both given axes, square tables, zero-probability events (NaN)."""
    zero_row = _pmf(rng, (4, 3))
    zero_row[2] = 0.0
    zero_row /= zero_row.sum()
    zero_col = _pmf(rng, (3, 5))
    zero_col[:, 0] = 0.0
    zero_col /= zero_col.sum()
    return [
        Case("(3, 4) table, given_axis=0 (rows sum to 1)", (_pmf(rng, (3, 4)), 0)),
        Case("(3, 4) table, given_axis=1 (columns sum to 1)", (_pmf(rng, (3, 4)), 1)),
        Case("square (4, 4) table, given_axis=0", (_pmf(rng, (4, 4)), 0)),
        Case("square (4, 4) table, given_axis=1", (_pmf(rng, (4, 4)), 1)),
        Case("zero-probability row, given_axis=0 (NaN row)", (zero_row, 0)),
        Case("zero-probability row, given_axis=1 (no NaN)", (zero_row, 1)),
        Case("zero-probability column, given_axis=1 (NaN column)", (zero_col, 1)),
        Case("(1, 5) table, given_axis=0", (_pmf(rng, (1, 5)), 0)),
    ]


# ---------------------------------------------------------------- P3, P4


def _mvn_points(rng: np.random.Generator, mu: np.ndarray, cov: np.ndarray,
                n: int) -> np.ndarray:
    return np.asarray(mu + rng.standard_normal((n, len(mu))) @ np.linalg.cholesky(cov).T)


def cases_mvn_logpdf(rng: np.random.Generator) -> list[Case]:
    """P3: D = 200 with det Σ overflowing and underflowing, far points, 1×1, int dtype."""
    def case(label: str, d: int, n: int, scale: float = 1.0, far: float = 0.0) -> Case:
        mu = rng.normal(0, 2, d)
        cov = scale * spd(rng, d)
        x = _mvn_points(rng, mu, cov, n)
        if far:
            x = mu + far * (x - mu) / np.linalg.norm(x - mu, axis=1, keepdims=True)
        return Case(label, (x, mu, cov))

    diag = np.diag([0.01, 1.0, 25.0, 400.0])
    return [
        case("D = 3, N = 10", 3, 10),
        case("D = 1, N = 6", 1, 6),
        Case("diagonal Σ with variances 0.01 … 400, N = 8",
             (rng.normal(0, 3, (8, 4)), rng.normal(0, 1, 4), diag)),
        case("a single point (N = 1), D = 5", 5, 1),
        case("far points (log density < −1000: exp underflows), D = 4", 4, 5, far=150.0),
        case("D = 200, Σ = 100·SPD (det Σ overflows, density underflows)", 200, 3, scale=100.0),
        case("D = 200, Σ = 0.001·SPD (det Σ underflows)", 200, 3, scale=1e-3),
        Case("integer dtype, D = 2",
             (rng.integers(-3, 4, (5, 2)), np.array([1, -1]), np.array([[4, 2], [2, 3]]))),
    ]


def cases_gauss_condition(rng: np.random.Generator) -> list[Case]:
    """P4: unequal and equal block sizes, non-contiguous a, x_b = μ_b, int dtype."""
    def case(label: str, d: int, a: list[int], at_mean: bool = False,
             cov: np.ndarray | None = None) -> Case:
        mu = rng.normal(0, 3, d)
        sigma = spd(rng, d) if cov is None else cov
        b = np.setdiff1d(np.arange(d), a)
        x_b = mu[b] if at_mean else mu[b] + rng.normal(0, 3, len(b))
        return Case(label, (mu, sigma, np.array(a, dtype=np.int64), x_b))

    corr = 0.9 ** np.abs(np.subtract.outer(np.arange(8), np.arange(8)))
    return [
        case("leading block a = [0, 1] of D = 5 (2 | 3)", 5, [0, 1]),
        case("non-contiguous a = [1, 4, 5] of D = 6 (equal blocks 3 | 3)", 6, [1, 4, 5]),
        case("single variable a = [3] of D = 4 (1 | 3)", 4, [3]),
        case("a = [0, 1, 2] of D = 4, one observed variable (3 | 1)", 4, [0, 1, 2]),
        case("non-contiguous a = [2, 5] of D = 8, AR(1) correlations 0.9", 8, [2, 5], cov=corr),
        case("x_b at its mean, a = [0, 2] of D = 5", 5, [0, 2], at_mean=True),
        case("a = [1, 2, 4, 6] of D = 7", 7, [1, 2, 4, 6]),
        Case("integer dtype, D = 3, a = [1]",
             (np.array([1, 0, -2]), np.array([[4, 2, 1], [2, 3, 1], [1, 1, 2]]),
              np.array([1]), np.array([2, -1]))),
    ]


# ---------------------------------------------------------------- P5


def _fs(name: str, **params: object) -> FunctionSpec:
    return FunctionSpec(f"probability.{name}", params)


def _affine_gauss(rng: np.random.Generator) -> Case:
    mu, cov = rng.normal(0, 1, 2), spd(rng, 2, 0.5, 2.0)
    A = np.array([[1.5, 0.4], [0.7, -1.2]]) * rng.uniform(0.8, 1.2)  # det < 0, |det| ≈ 2
    b = rng.normal(0, 1, 2)
    u = np.linspace(-16.0, 16.0, 41)  # step 0.8 ≤ 1.2 sd_min; ±16 ≥ 4.8 sd_max of Y
    grid = np.stack(np.meshgrid(u, u, indexing="ij"), axis=-1).reshape(-1, 2)
    y = np.vstack([grid + A @ mu + b, A @ mu + b + [[90.0, -60.0]]])
    w1 = np.full(41, u[1] - u[0])
    w1[[0, -1]] /= 2
    weights = np.append(np.outer(w1, w1).ravel(), 0.0)  # 2-D trapezoid rule
    return Case("affine y = A x + b in 2-D, det A < 0, Gaussian X; a far tail point",
                (_fs("gauss_logpdf", mean=mu, cov=cov), _fs("affine_inv", A=A, b=b),
                 _fs("affine_logabsdet", A=A), y),
                context={"kind": "affine_gauss", "mu": mu, "cov": cov, "A": A, "b": b,
                         "quad_weights": weights})


def cases_transformed_logpdf(rng: np.random.Generator) -> list[Case]:
    """P5: affine (det < 0), Y = X² (both branches, symmetric and not), exp, tanh, supports."""
    u = (np.arange(100) + 0.5) / 100  # y = u² with u midpoints of (0, 1): ∫p dy = ∫p(u²)2u du
    outside = np.array([-0.5, -0.01, 1.01, 2.0])
    y_sq = np.concatenate([u**2, outside])[:, None]
    w_sq = np.concatenate([2 * u / 100, np.zeros(4)])  # midpoint rule in u, dy = 2u du
    m, s = rng.uniform(0.2, 0.6), rng.uniform(0.3, 0.6)
    slope, shift = -rng.uniform(1.5, 3.0), rng.uniform(1.0, 3.0)
    grid = np.linspace(shift + slope - 1.0, shift + 1.0, 57)
    grid = grid[np.minimum(np.abs(grid - shift), np.abs(grid - shift - slope)) > 1e-6]
    y_aff = np.concatenate([grid, [shift + slope - 1e-9, shift + 1e-9]])[:, None]
    lm, ls = rng.uniform(-0.5, 0.5), rng.uniform(0.3, 0.8)
    y_exp = np.concatenate([[-1.0, 0.0], np.exp(np.linspace(-4, 4, 40) * ls + lm),
                            [np.exp(lm + 40 * ls)]])[:, None]
    y_tanh = np.concatenate([[-1.5, -1.0, 1.0], np.tanh(np.linspace(-5, 5, 41))])[:, None]
    sq = (_fs("square_inv"), _fs("square_logabsdet"))
    return [
        Case("affine y = a x + b in 1-D with a < 0, X ~ U(0, 1): −∞ outside the support",
             (_fs("uniform_logpdf", low=np.zeros(1), high=np.ones(1)),
              _fs("affine_inv", A=np.array([[slope]]), b=np.array([shift])),
              _fs("affine_logabsdet", A=np.array([[slope]])), y_aff),
             context={"kind": "affine_uniform", "slope": slope, "shift": shift}),
        _affine_gauss(rng),
        Case("Y = X² with X ~ U(−1, 1) (two branches): p(y) = 1/(2√y) on (0, 1)",
             (_fs("uniform_logpdf", low=-np.ones(1), high=np.ones(1)), *sq, y_sq),
             context={"kind": "square_uniform", "quad_weights": w_sq}),
        Case("Y = X² with X ~ N(m, s²), m ≠ 0 (the two branches differ)",
             (_fs("gauss_logpdf", mean=np.array([m]), cov=np.array([[s * s]])), *sq, y_sq),
             context={"kind": "square_gauss", "m": m, "s": s, "quad_weights": w_sq}),
        Case("Y = exp(X), X Gaussian (log-normal): −∞ for y ≤ 0, a far tail point",
             (_fs("gauss_logpdf", mean=np.array([lm]), cov=np.array([[ls * ls]])),
              _fs("exp_inv"), _fs("exp_logabsdet"), y_exp),
             context={"kind": "lognormal", "m": lm, "s": ls}),
        Case("Y = tanh(X), X ~ N(0, 1) (a flow layer): −∞ outside (−1, 1)",
             (_fs("gauss_logpdf", mean=np.zeros(1), cov=np.eye(1)),
              _fs("tanh_inv"), _fs("tanh_logabsdet"), y_tanh),
             context={"kind": "tanh"}),
    ]


# ---------------------------------------------------------------- P6


def cases_sample_mvn(rng: np.random.Generator) -> list[Case]:
    """P6: six statistical cases (N = 20,000) and two shape-only edge cases (n = 1, n = 0).

    Each ``rng`` argument is ``FunctionSpec("rng", {"seed": s})`` with ``s`` drawn here,
    so a grading seed fixes every sample and hence every verdict.
    """
    def seed() -> FunctionSpec:
        return FunctionSpec("rng", {"seed": int(rng.integers(2**62))})

    def stat(label: str, mu: np.ndarray, cov: np.ndarray) -> Case:
        return Case(label, (mu, cov, MVN_N, seed()), context={"statistical": True})

    q = _orthogonal(rng, 5)
    ill = (q * np.array([1e-2, 1.0, 1.0, 1.0, 1e2])) @ q.T
    cases = [
        stat("D = 1, σ² = 4, μ = −3", np.array([-3.0]), np.array([[4.0]])),
        stat("D = 2, correlation 0.95, unequal variances",
             rng.normal(0, 5, 2), _corr2(0.95, 2.0, 0.5)),
        stat("D = 3, random SPD Σ", rng.normal(0, 2, 3), spd(rng, 3)),
        stat("D = 4, integer dtype", np.array([1, 0, -2, 3]),
             np.array([[4, 2, 1, 0], [2, 3, 1, 1], [1, 1, 2, 0], [0, 1, 0, 5]])),
        stat("D = 5, ill-conditioned Σ (κ = 10⁴), μ = 1000·𝟙",
             np.full(5, 1000.0), (ill + ill.T) / 2),
        stat("D = 20, random SPD Σ", rng.normal(0, 1, 20), spd(rng, 20)),
        Case("n = 1 (shape (1, D))", (rng.normal(0, 1, 3), spd(rng, 3), 1, seed())),
        Case("n = 0 (shape (0, D))", (rng.normal(0, 1, 2), spd(rng, 2), 0, seed())),
    ]
    assert sum(bool(c.context.get("statistical")) for c in cases) == MVN_STAT_CASES
    return cases
