"""Function-valued inputs, built inside the sandbox from plain parameters.

Tasks such as ``num_grad(f, x)`` or ``gd(grad, x0, lr, T)`` take functions, and
``sgd(..., rng)`` takes a random generator. Nothing executable crosses the
sandbox boundary, so the judge sends a factory name and plain parameters
(:class:`graders.checks.FunctionSpec`), and this fixed table builds the object.
Each unit keeps its factories in its own module here (``calculus.py``,
``optimisation.py``, ...), listed in :data:`FACTORIES` under ``"<unit>.<name>"``.
The judge builds the same objects in-process with :func:`build` when it needs
them (for instance to evaluate a reference on the same test function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import calculus, geometry, linear_algebra, optimisation, probability, statistics

Factory = Callable[..., Any]


def _rng(seed: int) -> np.random.Generator:
    """A fresh generator: ``rng`` arguments cross the boundary as their seed."""
    return np.random.default_rng(int(seed))


_UNITS = {"linear_algebra": linear_algebra, "geometry": geometry, "calculus": calculus,
          "optimisation": optimisation, "probability": probability, "statistics": statistics}

FACTORIES: dict[str, Factory] = {
    "rng": _rng,
    **{f"{unit}.{k}": v for unit, mod in _UNITS.items() for k, v in mod.FACTORIES.items()},
}


def build(name: str, params: dict[str, Any]) -> Any:
    """Build the object named ``name`` from plain ``params``; unknown names raise KeyError."""
    return FACTORIES[name](**params)
