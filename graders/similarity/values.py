"""The value answers the judge received, kept per student for the cross-variant check.

A value answer (``answer="value"``: a number, vector or matrix the answer cell assigns) of
an exam with per-student variants can be judged against *another* student's reference
(:mod:`graders.similarity.crossvariant`); for that, ``mml grade`` keeps the decoded value
of each one, as the judge received it from the sandbox, in a side file beside the result:
``.mml/results/<student>/<assignment>/value_answers.json``.

That file is the instructor's: it is never released, never in a student's feedback (only
``autograded/`` and ``feedback/`` reach students) and never in a grade. It holds JSON-safe
numbers and nested lists only (no text a student typed, no object), at most
:data:`MAX_NUMBERS` numbers per answer: an exam's values are small, and a larger one is not
kept (the check then simply leaves that answer out).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from graders.config import Course
from graders.runtime.encode import nominal_size

__all__ = ["FILE_NAME", "MAX_DEPTH", "MAX_NUMBERS", "SCHEMA_VERSION", "class_values", "plain_value",
           "read_values", "value_answers", "values_path", "write_values"]

FILE_NAME = "value_answers.json"
SCHEMA_VERSION = 1

#: Numbers kept per answer at most (an exam's matrix answers have tens of entries).
MAX_NUMBERS = 4096

_Scalar = bool | int | float


def _scalar(value: Any) -> _Scalar | None:
    """A finite real scalar as a JSON number (bool kept as bool), else None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    return None


#: Nesting depth kept at most (a matrix is 2; deeper lists are not an exam's value).
MAX_DEPTH = 4


def plain_value(value: Any, budget: int = MAX_NUMBERS, depth: int = MAX_DEPTH) -> Any:
    """``value`` as JSON-safe numbers and nested lists, or None when it is not one.

    None for anything else (text, complex, objects, non-finite entries, lists whose leaves
    are not numbers), for more than ``budget`` numbers or lists nested deeper than ``depth``.
    An empty list counts as one number, and so does a 0 dimension of an array: an array of
    shape ``(4096, 4096, 0)`` holds no number, but its ``tolist()`` is 16 million lists.
    """
    if isinstance(value, np.ndarray):
        if (nominal_size(value.shape) > budget or value.ndim > depth
                or value.dtype.kind not in "biuf"):
            return None
        return plain_value(value.tolist(), budget, depth)
    if isinstance(value, list | tuple):
        if len(value) > budget or depth <= 0:
            return None
        out = []
        for item in value:
            plain = plain_value(item, budget, depth - 1)
            if plain is None:
                return None
            out.append(plain)
            budget -= _count(plain)
            if budget < 0:
                return None
        return out
    return _scalar(value)


def _count(plain: Any) -> int:
    """How many numbers a plain value holds (an empty list counts as one)."""
    return max(1, sum(_count(v) for v in plain)) if isinstance(plain, list) else 1


def value_answers(calls: Any, outcomes: Mapping[str, Any]) -> dict[str, Any]:
    """Check id → the plain value of each value answer the sandbox returned.

    Args:
        calls: the plan's calls (:class:`graders.pipeline.plan.PlannedCall`).
        outcomes: the execution's outcome per call key (those whose status is ``"ok"``
            carry the decoded value).
    """
    found: dict[str, Any] = {}
    for call in calls:
        got = outcomes.get(call.key)
        if call.spec.answer != "value" or got is None or str(got.status) != "ok":
            continue
        plain = plain_value(got.value)
        if plain is not None:
            found.setdefault(call.spec.id, plain)
    return found


def values_path(course: Course, student: str, assignment: str) -> Path:
    """``.mml/results/<student>/<assignment>/value_answers.json``."""
    return course.result_path(student, assignment).parent / FILE_NAME


def write_values(path: Path, values: Mapping[str, Any]) -> Path:
    """Write ``values`` atomically (a regrade replaces the previous file, even when empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "values": dict(values)}))
    tmp.replace(path)
    return path


def read_values(path: Path) -> dict[str, Any]:
    """The check id → value map of one file ({} when absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = data["values"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return dict(values) if isinstance(values, dict) else {}


def class_values(course: Course, assignment: str) -> dict[str, dict[str, Any]]:
    """Student → check id → value, for every student graded on ``assignment``."""
    root = course.root / ".mml" / "results"
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.glob(f"*/{assignment}/{FILE_NAME}")):
        values = read_values(path)
        if values:
            found[path.parent.parent.name] = values
    return found
