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
* :func:`close`: the relative comparison (rtol 1e-10 with an absolute scale) of O6a and O6b.

All sizes are ≤ 12 and every check's reference runs in a few milliseconds. Families: SPD
matrices ``QΛQᵀ`` with λ ∈ [1, 10] (R5) or prescribed spectra; well-conditioned constraint
matrices ``Q₁ diag(s) Q₂ᵀ`` with s in [1, 10²] (both from
:mod:`graders.content.units.linear_algebra`); dyadic (exactly representable) quadratics
where a boundary must be hit exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import FunctionSpec
from graders.compare import trusted_array as _f
from graders.runtime.factories import build

__all__ = [
    "build_input",
    "close",
    "fspec",
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
