"""P5 ``transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y) -> (M,)``: change of variables.

Convention (stated in the notebook): the three functions are given; for ``y`` of shape (M, D),
``g_inv`` returns all K branches ``(K, M, D)`` (K = 1 for an invertible map, K = 2 for
Y = X²; NaN rows where a branch has no preimage), ``logabsdet_jac_inv`` returns (K, M)
(−∞ there) and ``logp_x`` maps (..., D) to (...) (−∞ outside the support, never NaN). The
answer is the log-sum-exp over branches, −∞ exactly outside the support of Y. The hidden
cases build the functions inside the sandbox from ``FunctionSpec("probability.<name>")``
(``graders/runtime/factories/probability.py``).

Graded against the analytic density of Y (:func:`analytic_logpdf`, from the case's
``context["kind"]``) in log space, plus a quadrature of the returned density against the
analytic one's. :func:`reference` is the student-signature computation through the
factories. Catches: no Jacobian term, the Jacobian of g instead of g⁻¹, only the first
branch, the first branch doubled (right only for a symmetric p_X), summing in probability
space (far-tail underflow), adding the branches' log densities.

Deviation: the syllabus lists "det instead of |det|" among P5's catches, but the
fixed signature hands the student ``log|det ∂g⁻¹/∂y|`` ready-made, so that mistake
cannot be made inside ``transformed_logpdf``. The affine cases still use det A < 0,
the public checks a negative slope, and derivation (a) asks for the absolute value
explicitly (a deduction for omitting it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.stats

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.probability import close_log, spd
from graders.errors import Mismatch

__all__ = ["TASK", "analytic_logpdf", "cases", "judge", "reference"]


def reference(logp_x: Callable[[Any], Any], g_inv: Callable[[Any], Any],
              logabsdet_jac_inv: Callable[[Any], Any], y: Any) -> np.ndarray:
    """Reference P5: the log-sum-exp over branches of ``logp_x(g_k⁻¹(y)) + log|det ∂g_k⁻¹/∂y|``."""
    yy = _f(y)
    return np.asarray(np.logaddexp.reduce(logp_x(g_inv(yy)) + logabsdet_jac_inv(yy), axis=0))


def _norm_logpdf(x: np.ndarray, m: float, s: float) -> np.ndarray:
    return np.asarray(scipy.stats.norm.logpdf(x, loc=m, scale=s))


def analytic_logpdf(case: Case) -> np.ndarray:
    """P5: the analytic log density of Y for the case's ``context["kind"]``."""
    ctx = case.context
    y = _f(case.args[3])
    kind = ctx["kind"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "affine_gauss":
            A, b = _f(ctx["A"]), _f(ctx["b"])
            return np.asarray(scipy.stats.multivariate_normal.logpdf(
                y, mean=A @ _f(ctx["mu"]) + b, cov=A @ _f(ctx["cov"]) @ A.T))
        t = y[:, 0]
        if kind == "affine_uniform":  # Y = a X + b, a < 0, X ~ U(0, 1): U(b + a, b)
            lo, hi = ctx["shift"] + ctx["slope"], ctx["shift"]
            return np.where((t > lo) & (t < hi), -np.log(hi - lo), -np.inf)
        pos = np.where(t > 0, t, 1.0)
        if kind == "square_uniform":  # p(y) = 1/(2√y) on (0, 1)
            return np.where((t > 0) & (t < 1), -np.log(2.0) - 0.5 * np.log(pos), -np.inf)
        if kind == "square_gauss":  # p(y) = [φ(√y) + φ(−√y)] / (2√y)
            r = np.sqrt(pos)
            both = np.logaddexp(_norm_logpdf(r, ctx["m"], ctx["s"]),
                                _norm_logpdf(-r, ctx["m"], ctx["s"]))
            return np.where(t > 0, both - np.log(2.0 * r), -np.inf)
        if kind == "lognormal":
            return np.where(t > 0, scipy.stats.lognorm.logpdf(
                pos, s=ctx["s"], scale=np.exp(ctx["m"])), -np.inf)
        if kind == "tanh":  # p(y) = φ(artanh y) / (1 − y²)
            inside = np.abs(t) < 1
            safe = np.where(inside, t, 0.0)
            val = _norm_logpdf(np.arctanh(safe), 0.0, 1.0) - np.log1p(-safe) - np.log1p(safe)
            return np.where(inside, val, -np.inf)
    raise ValueError(f"unknown transformed_logpdf case kind {kind!r}")


# ---------------------------------------------------------------- hidden inputs


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


def cases(rng: np.random.Generator) -> list[Case]:
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


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P5: quadrature against the analytic density's, then pointwise in log space."""
    ref = analytic_logpdf(case)
    out = as_array(output, name="log p_Y", shape=ref.shape, finite=False)
    weights = case.context.get("quad_weights")
    if weights is not None and not np.any(np.isnan(out)):
        # Pointwise agreement to 1e-10 in log space gives relative 1e-10 on the sums.
        q_out = float(np.sum(_f(weights) * np.exp(np.minimum(out, 700.0))))
        q_ref = float(np.sum(_f(weights) * np.exp(ref)))
        if abs(q_out - q_ref) > 1e-8 * q_ref:
            raise Mismatch(f"the density does not integrate correctly (quadrature gives "
                           f"{q_out / q_ref:.3g}× the right mass): a missing or inverted "
                           "Jacobian term, or only one branch of a non-monotone map?")
    # The factories' log-densities round at ε·|value| (|value| ≤ 1e4 for the far points):
    # atol 1e-10 + 1e-12·|ref| leaves ≥ 100× margin; bugs shift by ≥ |log 2|/... ≥ 1e-2.
    atol = 1e-10 + 1e-12 * float(np.max(np.abs(ref[np.isfinite(ref)])))
    close_log(out, ref, atol, "log p_Y",
              nan_msg="NaN: where y has no preimage every branch term is −∞ and the "
                      "log-sum-exp must be −∞ (np.logaddexp handles −∞)")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Forgets the Jacobian term.
    Wrong("no_jacobian",
          hint=("A change of variables needs the Jacobian term: add "
                "logabsdet_jac_inv(y)[k] to the log density of each branch."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    terms = np.array([logp_x(x) for x in g_inv(np.asarray(y, dtype=float))])
    return np.logaddexp.reduce(terms, axis=0)
'''),
    # Uses the Jacobian of g instead of g⁻¹ (subtracts log|det|).
    Wrong("jacobian_of_g",
          hint=("The density of Y uses the Jacobian of the inverse map g⁻¹: add "
                "log|det ∂g⁻¹/∂y| to each branch's log density, do not subtract it."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) - logabsdet_jac_inv(y)
    return np.logaddexp.reduce(terms, axis=0)
'''),
    # Only the first branch of a non-monotone map.
    Wrong("one_branch",
          hint=("A non-monotone map has several preimages of each y: sum the densities of "
                "all K branches that g_inv returns, not only the first."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    return logp_x(g_inv(y)[0]) + logabsdet_jac_inv(y)[0]
'''),
    # First branch doubled: right only when p_X is symmetric.
    Wrong("first_branch_twice",
          hint=("Multiplying one branch's density by the number of branches is right only "
                "for a symmetric p_X: evaluate every branch and add their densities."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    k = len(g_inv(y))
    return np.log(k) + logp_x(g_inv(y)[0]) + logabsdet_jac_inv(y)[0]
'''),
    # Sums the branch densities in probability space: far-tail values underflow to −∞.
    Wrong("probability_space",
          hint=("Adding the branch densities in probability space underflows to −∞ in the "
                "far tail: combine the log terms with a log-sum-exp (np.logaddexp)."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(terms), axis=0))
'''),
    # Adds the log densities of the branches instead of the densities.
    Wrong("sum_of_logs",
          hint=("The densities of the branches add, so their log densities combine by a "
                "log-sum-exp over the branches, not by a plain sum."),
          code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    return np.sum(terms, axis=0)
'''),
)

ALTERNATIVES = (
    # Accumulate with np.logaddexp in a loop.
    Alternative("loop_logaddexp", code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    xs, lds = g_inv(y), logabsdet_jac_inv(y)
    out = np.full(y.shape[0], -np.inf)
    for x, ld in zip(xs, lds):
        out = np.logaddexp(out, logp_x(x) + ld)
    return out
'''),
    # logp_x on the whole (K, M, D) stack, then scipy's logsumexp over branches.
    Alternative("scipy_logsumexp", code='''
import scipy.special

def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = logp_x(g_inv(y)) + logabsdet_jac_inv(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return scipy.special.logsumexp(terms, axis=0)
'''),
    # Manual max shift with a guard for all −∞ columns.
    Alternative("max_shift", code='''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.stack([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    m = terms.max(axis=0)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = safe + np.log(np.sum(np.exp(terms - safe), axis=0))
    return np.where(np.isneginf(m), -np.inf, out)
'''),
)

TASK = Task(
    answer_cell="p5_transformed_logpdf",
    checks=(CheckSpec(id="probability.transformed_logpdf", unit="probability",
                      function="transformed_logpdf", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
