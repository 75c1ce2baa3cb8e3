"""Function-valued inputs of this unit, built inside the sandbox (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FACTORIES: dict[str, Callable[..., Any]] = {}
