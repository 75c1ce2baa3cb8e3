"""Function-valued inputs, built inside the sandbox from plain parameters.

Tasks such as ``num_grad(f, x)`` take functions. The judge cannot send code
into the sandbox (nothing executable crosses the boundary), so it sends a
factory name and plain parameters, and this fixed table builds the function.
Units 3 and 4 add their test functions here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Factory = Callable[..., Callable[..., Any]]


def _quadratic(Q: np.ndarray, c: np.ndarray) -> Callable[[np.ndarray], float]:
    """f(x) = ½ xᵀQx + cᵀx."""
    Q = np.array(Q, dtype=float)
    c = np.array(c, dtype=float)
    return lambda x: float(0.5 * x @ Q @ x + c @ x)


FACTORIES: dict[str, Factory] = {"quadratic": _quadratic}


def build(name: str, params: dict[str, Any]) -> Callable[..., Any]:
    """Build the function named ``name`` from plain ``params``; unknown names raise KeyError."""
    return FACTORIES[name](**params)
