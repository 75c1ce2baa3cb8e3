"""The check registry: what a hidden test names, and how the judge runs it.

A hidden test cell in an instructor notebook contains lines such as::

    check(solve, "linear_algebra.solve")

The first argument names the student's function; the second is the id of a
:class:`CheckSpec` registered here by a unit module (``graders/<unit>.py``).
The spec owns the seeded generator of hidden inputs (:attr:`CheckSpec.cases`)
and the comparison (:attr:`CheckSpec.judge`). Inputs cross into the sandbox as
plain data; function-valued inputs cross as a :class:`FunctionSpec` (a name from
the executor's fixed factory table and plain parameters) and are built inside
the sandbox.

Scores are all-or-nothing per check: the question's points are earned only if
every case passes, so a planted wrong answer that fails one case (say, the
zero-pivot matrix) loses that question's marks. A check may attach a warning
to a passing case (LA1's ``inv(A) @ b``).
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graders.errors import ConfigError, Mismatch

__all__ = [
    "SHARED_MODULES",
    "UNIT_MODULES",
    "Case",
    "CheckSpec",
    "FunctionSpec",
    "Verdict",
    "all_checks",
    "case_rng",
    "decide_error",
    "get_check",
    "register",
]

#: Modules that register checks of every unit besides the unit's own module: the
#: exam's new tasks live in one module, with ids ``"<unit>.exam_<name>"``.
SHARED_MODULES: tuple[str, ...] = ("graders.exam",)

#: The six units, in course order, and the module holding each one's references.
UNIT_MODULES: dict[str, str] = {
    "linear_algebra": "graders.linear_algebra",
    "geometry": "graders.geometry",
    "calculus": "graders.calculus",
    "optimisation": "graders.optimisation",
    "probability": "graders.probability",
    "statistics": "graders.statistics",
}


@dataclass(frozen=True)
class FunctionSpec:
    """A function-valued input, built inside the sandbox from plain parameters.

    Attributes:
        factory: name in the executor's factory table (``graders/runtime/factories.py``).
        params: plain arrays and numbers passed to the factory.
    """

    factory: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One hidden input of a check.

    Attributes:
        label: the kind of input, shown in feedback ("zero leading pivot, 3x3").
        args: positional arguments: ndarrays, Python scalars or FunctionSpecs.
        kwargs: keyword arguments of the same kinds.
        context: judge-only data (never sent to the sandbox), e.g. the seed's reference.
        raises: exception type names the spec requires on this input (e.g.
            ``("LinAlgError",)`` for a singular matrix); the case then passes only if
            the function raises one of them, and the judge is not called.
    """

    label: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)
    raises: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The judge's decision on one case.

    Attributes:
        passed: whether the output is acceptable.
        message: why it failed (or empty); never reveals hidden expected values.
        warning: a note on a passing answer (e.g. numerically poor method).
    """

    passed: bool
    message: str = ""
    warning: str = ""


Judge = Callable[[Case, Any], str | None]


@dataclass(frozen=True)
class CheckSpec:
    """A registered hidden check.

    Attributes:
        id: ``"<unit>.<name>"``, the string a hidden test cell names.
        unit: one of :data:`UNIT_MODULES`.
        function: the student-facing function name, for messages.
        cases: seeded generator of hidden inputs (rule R4).
        judge: compares one output with the reference; raises ``Mismatch`` to fail,
            returns a warning string (or None) to pass.
        time_limit: seconds allowed per case call inside the sandbox.
    """

    id: str
    unit: str
    function: str
    cases: Callable[[np.random.Generator], list[Case]]
    judge: Judge
    time_limit: float = 10.0

    def decide(self, case: Case, output: Any) -> Verdict:
        """Run the judge on one case's output and turn the outcome into a verdict."""
        if case.raises:
            return Verdict(False, f"{case.label}: returned a value; the spec requires raising "
                                  f"{' or '.join(case.raises)}")
        try:
            warning = self.judge(case, output)
        except Mismatch as exc:
            return Verdict(False, f"{case.label}: {exc}")
        return Verdict(True, warning=f"{case.label}: {warning}" if warning else "")


def decide_error(case: Case, error: str) -> Verdict:
    """The verdict on a case whose call raised ``error`` (``"TypeName: message"``)."""
    name = error.split(":", 1)[0].strip()
    if case.raises and name in case.raises:
        return Verdict(True)
    if case.raises:
        return Verdict(False, f"{case.label}: raised {name}; the spec requires "
                              f"{' or '.join(case.raises)}")
    return Verdict(False, f"{case.label}: error: {error}")


_REGISTRY: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    """Add a check to the registry (called at import of a unit module)."""
    if spec.id in _REGISTRY and _REGISTRY[spec.id] is not spec:
        raise ConfigError(f"check id {spec.id!r} registered twice")
    if spec.unit not in UNIT_MODULES or not spec.id.startswith(spec.unit + "."):
        raise ConfigError(f"check id {spec.id!r} must start with its unit {spec.unit!r}")
    _REGISTRY[spec.id] = spec
    return spec


def _import_if_present(module: str) -> None:
    """Import a check module; a module not written yet registers nothing."""
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise


def get_check(check_id: str) -> CheckSpec:
    """Look up a check by id, importing the modules that may register it on first use."""
    unit = check_id.split(".", 1)[0]
    if check_id not in _REGISTRY and unit in UNIT_MODULES:
        for module in (UNIT_MODULES[unit], *SHARED_MODULES):
            _import_if_present(module)
    if check_id not in _REGISTRY:
        raise ConfigError(f"unknown check {check_id!r}: no reference registers it "
                          f"(see graders/{unit}.py or graders/exam.py)")
    return _REGISTRY[check_id]


def all_checks(unit: str) -> list[CheckSpec]:
    """All checks of one unit (its problem set's and the exam's)."""
    for module in (UNIT_MODULES[unit], *SHARED_MODULES):
        _import_if_present(module)
    return [spec for spec in _REGISTRY.values() if spec.unit == unit]


def case_rng(seed: int, check_id: str) -> np.random.Generator:
    """The generator of one check's hidden inputs: fixed by the grading seed and the check id.

    Each check gets its own stream, so adding a check never changes another's inputs,
    and regrading with the same seed gives the same inputs (rule R6).
    """
    return np.random.default_rng([seed, zlib.crc32(check_id.encode())])
