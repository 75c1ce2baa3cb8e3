"""Unit 4 — Optimisation: what several tasks of the unit share.

* function-valued inputs: :func:`fspec` names a factory of the sandbox's table
  (:mod:`graders.runtime.factories.optimisation`) and :func:`quadratic_spec` the quadratic
  f(x) = ½xᵀQx + cᵀx or its gradient; random generators are
  ``FunctionSpec("rng", {"seed": s})`` with ``s`` drawn from the check's own stream, so a
  grading seed fixes every verdict;
* :func:`build_input`: a trusted input as the sandbox sees it (FunctionSpecs built by the
  same factory table), for the judges of O1, O2 and O6b;
* :func:`regression`: the least-squares data of O6a and O6b;
* :func:`least_squares_step`: the minibatch least-squares SGD update, the reference of O6a
  and the default ``step`` of O6b's reference;
* :func:`close`: the relative comparison (rtol 1e-10 with an absolute scale) of O6a and O6b;
* :func:`kkt_qp` and :class:`KKTProblem`: an inequality-constrained QP built from a chosen
  primal-dual solution, the hidden inputs of O7 and O8.

All sizes are ≤ 12 and every check's reference runs in a few milliseconds. Families: SPD
matrices ``QΛQᵀ`` with λ ∈ [1, 10] (R5) or prescribed spectra; well-conditioned constraint
matrices ``Q₁ diag(s) Q₂ᵀ`` with s in [1, 10²] (both from
:mod:`graders.content.units.linear_algebra`); dyadic (exactly representable) quadratics
where a boundary must be hit exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graders.checks import FunctionSpec
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import spd
from graders.runtime.factories import build

__all__ = [
    "KKTProblem",
    "build_input",
    "close",
    "fspec",
    "kkt_qp",
    "least_squares_step",
    "quadratic_spec",
    "regression",
]


def fspec(name: str, **params: Any) -> FunctionSpec:
    """The function-valued input built by the factory ``optimisation.<name>``."""
    return FunctionSpec(f"optimisation.{name}", params)


def quadratic_spec(kind: str, Q: np.ndarray, c: np.ndarray) -> FunctionSpec:
    """``quadratic_f`` or ``quadratic_grad`` (``kind`` "f" or "grad") of ½xᵀQx + cᵀx."""
    return fspec(f"quadratic_{kind}", Q=np.asarray(Q, dtype=float),
                 c=np.asarray(c, dtype=float))


def build_input(value: Any) -> Any:
    """A trusted input: FunctionSpecs are built exactly as in the sandbox."""
    return build(value.factory, dict(value.params)) if isinstance(value, FunctionSpec) else value


def regression(rng: np.random.Generator, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian data X (N×d) and targets y = Xθ + 0.1·noise for a Gaussian θ."""
    X = rng.standard_normal((N, d))
    return X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(N)


def least_squares_step(theta: Any, X: Any, y: Any, idx: Any, lr: float) -> np.ndarray:
    """θ − (lr/B)·X_Bᵀ(X_B θ − y_B), B = len(idx), repeats counted."""
    ib = np.asarray(idx, dtype=np.int64)
    Xb, yb, th = _f(X)[ib], _f(y)[ib], _f(theta)
    return np.asarray(th - lr / len(ib) * (Xb.T @ (Xb @ th - yb)))


def close(out: np.ndarray, ref: np.ndarray, scale: float) -> bool:
    """Every entry within 1e-10·(|ref| + scale)."""
    return bool(np.all(np.abs(out - ref) <= 1e-10 * (np.abs(ref) + scale)))


@dataclass(frozen=True)
class KKTProblem:
    """min ½xᵀQx + cᵀx subject to Gx ≤ h, with its primal-dual solution known by construction.

    Attributes:
        Q: (n, n) SPD.  c: (n,).  G: (m, n).  h: (m,).
        x: the minimiser.  mu: its multipliers (m,), ≥ 0, zero off the active set.
    """

    Q: np.ndarray
    c: np.ndarray
    G: np.ndarray
    h: np.ndarray
    x: np.ndarray
    mu: np.ndarray


def _unit_rows(rng: np.random.Generator, m: int, n: int, k: int) -> np.ndarray:
    """m unit rows whose first k are linearly independent with σ_min ≥ 0.3 (LICQ, clearly)."""
    while True:
        G = rng.standard_normal((m, n))
        G /= np.linalg.norm(G, axis=1, keepdims=True)
        if k == 0 or np.linalg.svd(G[:k], compute_uv=False)[-1] >= 0.3:
            return G


def kkt_qp(rng: np.random.Generator, n: int, m: int, active: int,
           weak: int = 0) -> KKTProblem:
    """A QP whose solution is chosen first: ``active`` constraints with μ ∈ [0.5, 3], then
    ``weak`` weakly active ones (Gx = h with μ = 0), the rest with slack ∈ [0.5, 2].

    Q is SPD with λ ∈ [1, 10] (R5) and the rows of G have unit norm, so stationarity and
    feasibility are measured on O(1) scales. With c = −Qx − Gᵀμ and h = Gx + slack the
    point (x, μ) satisfies the KKT conditions up to the rounding of c and h; the active
    rows are independent (σ_min ≥ 0.3), so μ is unique, and strict convexity makes x unique.
    The constraints are shuffled, so the active ones are not always first.
    """
    Q = spd(rng, n)
    G = _unit_rows(rng, m, n, active + weak)
    x = rng.standard_normal(n)
    mu = np.zeros(m)
    mu[:active] = rng.uniform(0.5, 3.0, active)
    slack = np.zeros(m)
    slack[active + weak:] = rng.uniform(0.5, 2.0, m - active - weak)
    order = rng.permutation(m)
    G, mu, slack = G[order], mu[order], slack[order]
    return KKTProblem(Q, -Q @ x - G.T @ mu, G, G @ x + slack, x, mu)
