"""Unit 1 needs no function-valued inputs; a quadratic form serves as the example and test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _quadratic(Q: np.ndarray, c: np.ndarray) -> Callable[[np.ndarray], float]:
    """f(x) = ½ xᵀQx + cᵀx."""
    Qm = np.array(Q, dtype=float)
    cv = np.array(c, dtype=float)
    return lambda x: float(0.5 * x @ Qm @ x + cv @ x)


FACTORIES: dict[str, Callable[..., Any]] = {"quadratic": _quadratic}
