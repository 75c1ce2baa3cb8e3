"""Function-valued inputs of Unit 2 (geometry): none.

Every geometry task (G1–G6) takes plain arrays and integers, so nothing has to be
built inside the sandbox; the table stays empty (see the package docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FACTORIES: dict[str, Callable[..., Any]] = {}
