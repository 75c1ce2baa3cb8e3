"""Function-valued inputs of Unit 6 (statistics), built inside the sandbox from plain parameters.

Task S8 ``cv_risk(fit, predict, X, y, folds)`` takes a learning algorithm as a
pair of functions: ``model = fit(X_train, y_train)`` and
``y_hat = predict(model, X_test)``. Each factory here returns one of them;
all are deterministic, cheap, numpy-only, never modify their arguments and
depend only on their parameters. The judge builds the same objects with
``graders.runtime.factories.build("statistics.<name>", params)``.

* ``ridge_fit`` (param ``lam``): θ = (XᵀX + λI)⁻¹Xᵀy; ``linear_predict``: X θ.
* ``mean_fit``: the mean of y_train; ``mean_predict``: that constant for every row.
* ``nn_fit``: memorises (X_train, y_train); ``nn_predict``: the label of the nearest
  training row (1-nearest neighbour, squared Euclidean distance, first index on ties).
  A leaked test fold gives it zero test error, so leaking shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _ridge_fit(lam: Any) -> Callable[[Any, Any], np.ndarray]:
    """fit(X, y) = (XᵀX + λI)⁻¹Xᵀy for the fixed λ = ``lam``."""
    lam_f = float(lam)

    def fit(X: Any, y: Any) -> np.ndarray:
        Xm = np.asarray(X, dtype=np.float64)
        yv = np.asarray(y, dtype=np.float64)
        return np.asarray(np.linalg.solve(Xm.T @ Xm + lam_f * np.eye(Xm.shape[1]), Xm.T @ yv))

    return fit


def _linear_predict() -> Callable[[Any, Any], np.ndarray]:
    """predict(θ, X) = X θ."""

    def predict(model: Any, X: Any) -> np.ndarray:
        return np.asarray(np.asarray(X, dtype=np.float64) @ np.asarray(model, dtype=np.float64))

    return predict


def _mean_fit() -> Callable[[Any, Any], float]:
    """fit(X, y) = mean(y) (X is ignored)."""

    def fit(X: Any, y: Any) -> float:
        return float(np.mean(np.asarray(y, dtype=np.float64)))

    return fit


def _mean_predict() -> Callable[[Any, Any], np.ndarray]:
    """predict(c, X) = c for every row of X."""

    def predict(model: Any, X: Any) -> np.ndarray:
        return np.full(np.asarray(X).shape[0], float(model))

    return predict


def _nn_fit() -> Callable[[Any, Any], tuple[np.ndarray, np.ndarray]]:
    """fit(X, y) = copies of (X, y): a 1-nearest-neighbour model memorises its data."""

    def fit(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)

    return fit


def _nn_predict() -> Callable[[Any, Any], np.ndarray]:
    """predict((X_tr, y_tr), X) = y_tr of the nearest training row, per row of X."""

    def predict(model: Any, X: Any) -> np.ndarray:
        X_tr, y_tr = model
        Xq = np.asarray(X, dtype=np.float64)
        d2 = ((Xq[:, None, :] - np.asarray(X_tr)[None, :, :]) ** 2).sum(axis=2)
        return np.asarray(np.asarray(y_tr)[np.argmin(d2, axis=1)], dtype=np.float64)

    return predict


FACTORIES: dict[str, Callable[..., Any]] = {
    "ridge_fit": _ridge_fit,
    "linear_predict": _linear_predict,
    "mean_fit": _mean_fit,
    "mean_predict": _mean_predict,
    "nn_fit": _nn_fit,
    "nn_predict": _nn_predict,
}
