"""Function-valued inputs of Unit 4 (optimisation), built inside the sandbox.

Every factory depends only on its plain parameters, uses numpy only, and returns
a cheap deterministic callable (see the package docstring):

* ``quadratic_f(Q, c)`` and ``quadratic_grad(Q, c)``: f(x) = ½ xᵀQx + cᵀx, ∇f(x) = Qx + c.
* ``rosenbrock_f(a, b)`` and ``rosenbrock_grad(a, b)``: f(x) = (a − x₁)² + b(x₂ − x₁²)².
* ``logistic_ridge_f(A, t, mu)`` and ``logistic_ridge_grad(A, t, mu)``: the mean logistic
  loss of labels t ∈ {0, 1} plus (mu/2)‖x‖², a smooth strongly convex non-quadratic.
* ``least_squares_step()``: the minibatch least-squares SGD update of task O6, handed to
  ``sgd`` so that a mistake in ``sgd_step`` is not punished twice (rule R3). Its formula
  is printed in the question text, so it reveals nothing hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Vector = np.ndarray


def _vec(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _quadratic_f(Q: Any, c: Any) -> Callable[[Vector], float]:
    """f(x) = ½ xᵀQx + cᵀx, evaluated as float64."""
    q, cv = _vec(Q), _vec(c)
    return lambda x: float(0.5 * (_vec(x) @ q @ _vec(x)) + cv @ _vec(x))


def _quadratic_grad(Q: Any, c: Any) -> Callable[[Vector], np.ndarray]:
    """∇f(x) = Qx + c, a fresh float64 array of shape (d,)."""
    q, cv = _vec(Q), _vec(c)
    return lambda x: np.asarray(q @ _vec(x) + cv)


def _rosenbrock_f(a: float = 1.0, b: float = 100.0) -> Callable[[Vector], float]:
    """Rosenbrock's banana (a − x₁)² + b(x₂ − x₁²)² in R²."""
    return lambda x: float((a - _vec(x)[0]) ** 2 + b * (_vec(x)[1] - _vec(x)[0] ** 2) ** 2)


def _rosenbrock_grad(a: float = 1.0, b: float = 100.0) -> Callable[[Vector], np.ndarray]:
    """Gradient of Rosenbrock's function."""
    def grad(x: Vector) -> np.ndarray:
        x1, x2 = _vec(x)
        return np.array([-2.0 * (a - x1) - 4.0 * b * x1 * (x2 - x1 ** 2),
                         2.0 * b * (x2 - x1 ** 2)])
    return grad


def _log1pexp(z: np.ndarray) -> np.ndarray:
    """log(1 + eᶻ) without overflow."""
    return np.asarray(np.logaddexp(0.0, z))


def _logistic_ridge_f(A: Any, t: Any, mu: float) -> Callable[[Vector], float]:
    """mean_i [log(1 + e^{zᵢ}) − tᵢ zᵢ] + (mu/2)‖x‖² with z = A x."""
    a, tv = _vec(A), _vec(t)

    def f(x: Vector) -> float:
        z = a @ _vec(x)
        return float(np.mean(_log1pexp(z) - tv * z) + 0.5 * mu * (_vec(x) @ _vec(x)))
    return f


def _logistic_ridge_grad(A: Any, t: Any, mu: float) -> Callable[[Vector], np.ndarray]:
    """Aᵀ(σ(Ax) − t)/N + mu·x, with σ(z) = ½(1 + tanh(z/2)) (no overflow)."""
    a, tv = _vec(A), _vec(t)
    return lambda x: np.asarray(a.T @ (0.5 * (1.0 + np.tanh(0.5 * (a @ _vec(x)))) - tv)
                                / len(tv) + mu * _vec(x))


def _least_squares_step() -> Callable[..., np.ndarray]:
    """The O6 update θ − (lr/B) X_Bᵀ(X_B θ − y_B), B = len(idx) (repeats counted)."""
    def step(theta: Any, X: Any, y: Any, idx: Any, lr: float) -> np.ndarray:
        ib = np.asarray(idx, dtype=np.int64)
        xb, yb, th = _vec(X)[ib], _vec(y)[ib], _vec(theta)
        return np.asarray(th - lr / len(ib) * (xb.T @ (xb @ th - yb)))
    return step


FACTORIES: dict[str, Callable[..., Any]] = {
    "quadratic_f": _quadratic_f,
    "quadratic_grad": _quadratic_grad,
    "rosenbrock_f": _rosenbrock_f,
    "rosenbrock_grad": _rosenbrock_grad,
    "logistic_ridge_f": _logistic_ridge_f,
    "logistic_ridge_grad": _logistic_ridge_grad,
    "least_squares_step": _least_squares_step,
}
