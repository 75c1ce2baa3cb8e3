"""Plan: the executor's instructions and the judge's matching case table.

For each auto question, each named check generates its hidden cases from the
grading seed (:func:`graders.checks.case_rng`); every case becomes one call
with a key. Arrays go to ``inputs.npz``; scalars and function specs into the
JSON plan. The case objects (with their judge-only context) stay on this side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graders.checks import Case, CheckSpec, FunctionSpec, case_rng, get_check
from graders.pipeline.source import SourceSpec

__all__ = ["PLAN_VERSION", "Plan", "PlannedCall", "build_plan"]

PLAN_VERSION = 1


@dataclass(frozen=True)
class PlannedCall:
    """One call of a student function on one hidden case (judge side).

    Attributes:
        key: the call's key in the plan and in the executor's results.
        grade_id: the question it counts towards.
        spec: the check.
        case: the hidden case, with its judge-only context.
    """

    key: str
    grade_id: str
    spec: CheckSpec
    case: Case


@dataclass
class Plan:
    """What the sandbox runs, and how to read its results back.

    Attributes:
        cells: the code cells (index, source, captured function names).
        calls: the planned calls, in order.
        arrays: the hidden input arrays by key (written to inputs.npz).
        json_calls: the calls as the executor reads them.
    """

    cells: list[dict[str, Any]] = field(default_factory=list)
    calls: list[PlannedCall] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    json_calls: list[dict[str, Any]] = field(default_factory=list)

    def write(self, job_dir: Path, settings: dict[str, Any]) -> None:
        """Write plan.json and inputs.npz into ``job_dir``; ``settings`` adds limits and flags."""
        plan = {"schema_version": PLAN_VERSION, "cells": self.cells, "calls": self.json_calls,
                **settings}
        (job_dir / "plan.json").write_text(json.dumps(plan))
        np.savez(job_dir / "inputs.npz", **self.arrays)  # type: ignore[arg-type]


def _node(value: Any, arrays: dict[str, np.ndarray], prefix: str) -> dict[str, Any]:
    """Encode one argument for the plan; arrays are stored under a fresh key."""
    if isinstance(value, FunctionSpec):
        return {"fn": value.factory,
                "params": {k: _node(v, arrays, f"{prefix}_{k}") for k, v in value.params.items()}}
    if isinstance(value, np.ndarray | np.generic):
        arrays[prefix] = np.asarray(value)
        return {"array": prefix}
    if isinstance(value, tuple | list):
        return {"tuple": [_node(v, arrays, f"{prefix}_{i}") for i, v in enumerate(value)]}
    if value is None or isinstance(value, bool | int | float | str):
        return {"value": value}
    raise TypeError(f"cannot send a {type(value).__name__} into the sandbox")


def build_plan(spec: SourceSpec, code: list[tuple[int, str]], seed: int,
               case_timeout: float) -> Plan:
    """Plan one submission's run: code cells from assembly, calls from the source's checks."""
    plan = Plan()
    captures: dict[int, list[str]] = {}
    for qi, question in enumerate(q for q in spec.questions if q.kind == "auto"):
        captures.setdefault(question.cell_index, [])
        for ci, (function, check_id) in enumerate(question.checks):
            captures[question.cell_index].append(function)
            check = get_check(check_id)
            for k, case in enumerate(check.cases(case_rng(seed, check_id))):
                key = f"q{qi}_c{ci}_k{k}"
                plan.calls.append(PlannedCall(key, question.grade_id, check, case))
                plan.json_calls.append({
                    "key": key, "group": question.grade_id, "function": function,
                    "cell": question.cell_index,
                    "timeout": min(case_timeout, check.time_limit),
                    "args": [_node(a, plan.arrays, f"{key}_a{i}") for i, a in enumerate(case.args)],
                    "kwargs": {n: _node(v, plan.arrays, f"{key}_{n}")
                               for n, v in case.kwargs.items()},
                })
    plan.cells = [{"index": i, "source": src, "captures": sorted(set(captures.get(i, [])))}
                  for i, src in code]
    return plan
