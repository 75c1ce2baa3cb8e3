"""Plan: the executor's instructions and the judge's matching case table.

For each auto question, each named check generates its hidden cases from the
grading seed (:func:`graders.checks.case_rng`); every case becomes one call
with a key, made right after the question's test cell (its ``cell``), on the
notebook as that cell left it. Arrays go to ``inputs.npz``; scalars and function
specs into the JSON plan (:class:`graders.runtime.protocol.JobPlan`). The case
objects (with their judge-only context) stay on this side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graders.checks import Case, CheckSpec, FunctionSpec, get_check
from graders.pipeline.source import SourceSpec
from graders.runtime.protocol import (
    INPUTS_FILE,
    PLAN_FILE,
    PLAN_VERSION,
    Arg,
    ArrayArg,
    FunctionArg,
    JobPlan,
    PlanCall,
    PlanCell,
    PlanSettings,
    TupleArg,
    ValueArg,
)

__all__ = ["PLAN_VERSION", "Plan", "PlannedCall", "build_plan"]


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
        cells: the code cells (index, source).
        calls: the planned calls, in order (judge side).
        arrays: the hidden input arrays by key (written to inputs.npz).
        sandbox_calls: the same calls as the executor reads them.
    """

    cells: list[PlanCell] = field(default_factory=list)
    calls: list[PlannedCall] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    sandbox_calls: list[PlanCall] = field(default_factory=list)

    def job_plan(self, settings: PlanSettings) -> JobPlan:
        """The plan.json of one run with these settings."""
        return JobPlan(settings, tuple(self.cells), tuple(self.sandbox_calls))

    def call_seconds(self) -> float:
        """The sum of the calls' time limits."""
        return sum(c.timeout for c in self.sandbox_calls)

    def write(self, job_dir: Path, settings: PlanSettings) -> None:
        """Write plan.json, and inputs.npz if there are arrays, into ``job_dir``; ``settings``
        adds limits and flags."""
        (job_dir / PLAN_FILE).write_text(self.job_plan(settings).to_json())
        if self.arrays:  # none: the executor reads none (runtime/executor.py)
            np.savez(job_dir / INPUTS_FILE, **self.arrays)  # type: ignore[arg-type]


def _node(value: Any, arrays: dict[str, np.ndarray], prefix: str) -> Arg:
    """Encode one argument for the plan; arrays are stored under a fresh key."""
    if isinstance(value, FunctionSpec):
        return FunctionArg(value.factory, {k: _node(v, arrays, f"{prefix}_{k}")
                                           for k, v in value.params.items()})
    if isinstance(value, np.ndarray | np.generic):
        arrays[prefix] = np.asarray(value)
        return ArrayArg(prefix)
    if isinstance(value, tuple | list):
        return TupleArg(tuple(_node(v, arrays, f"{prefix}_{i}") for i, v in enumerate(value)))
    if value is None or isinstance(value, bool | int | float | str):
        return ValueArg(value)
    raise TypeError(f"cannot send a {type(value).__name__} into the sandbox")


def build_plan(spec: SourceSpec, code: list[tuple[int, str]], seed: int,
               case_timeout: float, student: str | None = None) -> Plan:
    """Plan one submission's run: code cells from assembly, calls from the source's checks.

    ``student`` is the student whose own exam variant is graded (a parametrised check's
    cases come from :func:`graders.variants.check_cases` for them); None grades the shared
    variant. Checks without parameters ignore it.
    """
    from graders.variants import check_cases

    plan = Plan()
    assignment = spec.path.parent.name
    for qi, question in enumerate(q for q in spec.questions if q.kind == "auto"):
        for ci, (function, check_id) in enumerate(question.checks):
            check = get_check(check_id)
            for k, case in enumerate(check_cases(check, seed, assignment, student)):
                key = f"q{qi}_c{ci}_k{k}"
                plan.calls.append(PlannedCall(key, question.grade_id, check, case))
                plan.sandbox_calls.append(PlanCall(
                    key, question.grade_id, function, question.cell_index,
                    min(case_timeout, check.time_limit),
                    tuple(_node(a, plan.arrays, f"{key}_a{i}") for i, a in enumerate(case.args)),
                    {n: _node(v, plan.arrays, f"{key}_{n}") for n, v in case.kwargs.items()},
                    check.answer))
    plan.cells = [PlanCell(i, src) for i, src in code]
    return plan
