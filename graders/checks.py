"""The check registry: what a hidden test names, and how the judge runs it.

A hidden test cell in an instructor notebook contains lines such as::

    check(solve, "linear_algebra.solve")

The first argument names the student's function; the second is the id of a
:class:`CheckSpec` declared by a task module (``graders/content/<assignment>/<task>.py``,
found by discovery).
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
import pkgutil
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graders.content.units import UNITS
from graders.errors import ConfigError, Mismatch
from graders.runtime.lazy import defer_numpy_tools

__all__ = [
    "CONTENT_PACKAGE",
    "UNITS",
    "Alternative",
    "Case",
    "CheckSpec",
    "FunctionSpec",
    "Task",
    "Verdict",
    "Wrong",
    "all_checks",
    "case_rng",
    "decide_error",
    "discover_assignment",
    "get_check",
    "register",
    "task_modules",
    "tasks",
]

#: The package holding the course content: ``graders/content/<assignment>/<task>.py``, one
#: module per autograded task, each declaring a module-level :class:`Task` named ``TASK``.
CONTENT_PACKAGE = "graders.content"


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
        unit: one of :data:`UNITS`.
        function: the student-facing function name, for messages.
        cases: seeded generator of hidden inputs (rule R4).
        judge: compares one output with the reference; raises ``Mismatch`` to fail,
            returns a warning string (or None) to pass.
        reference: the reference implementation, with the student function's signature
            (the content tests check it against an independent computation and against
            its own judge); None where the judge needs no single reference output.
        time_limit: seconds allowed per case call inside the sandbox.
        parameters: for a per-student exam question, draws one student's parameters
            (a dict of plain values: ints, floats, small ndarrays) from a generator that
            :mod:`graders.variants` derives from the course seed, assignment, check id and
            student id. Their names are the ``{{ name }}`` templates of the question's
            markdown cells (unique across the assignment; prefix them, e.g. ``e2_mu``).
            None (the default): the check is the same for everyone.
        variant_cases: with ``parameters``, the hidden cases of one student from a
            generator (the student's own case stream) and that student's parameters; the
            judge and the reference see the parameters through the cases (put what they
            need in the case's args or its judge-only ``context``). ``cases`` must then
            still work on its own (``mml check`` and the content tests call it): draw the
            parameters from its generator, e.g. ``lambda rng: variant_cases(rng,
            parameters(rng))``.
    """

    id: str
    unit: str
    function: str
    cases: Callable[[np.random.Generator], list[Case]]
    judge: Judge
    reference: Callable[..., Any] | None = None
    time_limit: float = 10.0
    parameters: Callable[[np.random.Generator], dict[str, Any]] | None = None
    variant_cases: Callable[[np.random.Generator, Mapping[str, Any]], list[Case]] | None = None
    #: What the checked name is: "function" (called on each case's inputs), "value" (a
    #: number, vector or matrix the answer cell assigns) or "formula" (evaluated in the
    #: sandbox at the points a case holds); see graders/answers.py.
    answer: str = "function"

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


@dataclass(frozen=True)
class Wrong:
    """A planted wrong answer: a typical mistake, which must lose the question's marks.

    Attributes:
        name: a short identifier (``"no_pivoting"``).
        code: the answer cell as a student making this mistake would write it.
        hint: one sentence for a student whose answer behaves like this one: what the
            mistake is and where to look, never the expected values.
        nameable: whether feedback may name this mistake when a submission's outputs match
            its outputs (False where matching says nothing, e.g. it crashes or hangs).
    """

    name: str
    code: str
    hint: str
    nameable: bool = True


@dataclass(frozen=True)
class Alternative:
    """A correct answer written differently (another algorithm or form): must earn full marks.

    Attributes:
        name: a short identifier (``"householder_qr"``).
        code: the answer cell.
    """

    name: str
    code: str


@dataclass(frozen=True)
class Task:
    """One autograded question: its answer cell, the checks that judge it, and its bank.

    Declared as ``TASK`` in ``graders/content/<assignment>/<answer_cell>.py``, the one
    module that holds everything about the question; ``mml check``, the registry and the
    content tests find it by discovery (:func:`tasks`).

    Attributes:
        answer_cell: the ``grade_id`` of the answer cell in the source notebook.
        checks: the checks judging the functions that cell defines (usually one).
        wrong: planted wrong answers, each of which must lose the marks (at least three).
        alternatives: correct answers in other forms, each earning full marks (at least two).
    """

    answer_cell: str
    checks: tuple[CheckSpec, ...]
    wrong: tuple[Wrong, ...]
    alternatives: tuple[Alternative, ...]

    @property
    def functions(self) -> list[tuple[str, str]]:
        """``(function name, check id)`` for each function the answer cell defines."""
        return [(c.function, c.id) for c in self.checks]


_REGISTRY: dict[str, CheckSpec] = {}
_TASKS: dict[str, dict[str, Task]] = {}


def register(spec: CheckSpec) -> CheckSpec:
    """Add a check to the registry (done by discovery for every task module's checks)."""
    if spec.id in _REGISTRY and _REGISTRY[spec.id] is not spec:
        raise ConfigError(f"check id {spec.id!r} registered twice")
    if spec.unit not in UNITS or not spec.id.startswith(spec.unit + "."):
        raise ConfigError(f"check id {spec.id!r} must start with its unit {spec.unit!r}")
    if (spec.parameters is None) != (spec.variant_cases is None):
        raise ConfigError(f"check {spec.id!r}: a parametrised check declares both "
                          "parameters and variant_cases")
    _REGISTRY[spec.id] = spec
    return spec


def task_modules() -> dict[str, list[str]]:
    """Assignment -> its task modules' names, from the folders of ``graders/content/``."""
    package = importlib.import_module(CONTENT_PACKAGE)
    found: dict[str, list[str]] = {}
    for folder in sorted(Path(p) for p in package.__path__):
        for sub in sorted(d for d in folder.iterdir() if (d / "__init__.py").is_file()):
            if sub.name != "units":
                found[sub.name] = sorted(m.name for m in pkgutil.iter_modules([str(sub)]))
    return found


def _load_task(assignment: str, module: str) -> Task:
    """Import one task module and check that it declares a well-formed ``TASK``.

    numpy's tool submodules are deferred first: task modules import scipy, which would
    import them all (:mod:`graders.runtime.lazy`).
    """
    defer_numpy_tools()
    name = f"{CONTENT_PACKAGE}.{assignment}.{module}"
    task = getattr(importlib.import_module(name), "TASK", None)
    if not isinstance(task, Task):
        raise ConfigError(f"graders/content/{assignment}/{module}.py must declare "
                          "TASK = Task(...)")
    if task.answer_cell != module:
        raise ConfigError(f"graders/content/{assignment}/{module}.py: the module is named "
                          f"after its answer cell, but TASK.answer_cell is {task.answer_cell!r}")
    return task


def _discover() -> dict[str, dict[str, Task]]:
    """Import every task module once and register its checks (idempotent)."""
    if not _TASKS:
        found = {a: {m: _load_task(a, m) for m in mods} for a, mods in task_modules().items()}
        for per_assignment in found.values():
            for task in per_assignment.values():
                for spec in task.checks:
                    register(spec)
        _TASKS.update(found)
    return _TASKS


def discover_assignment(assignment: str) -> None:
    """Register the checks of ``assignment``'s task modules only (a grading worker's start).

    Importing every task module of the course costs a second of CPU (scipy.stats and
    friends for units a problem set does not touch); a worker grading one assignment
    needs its own checks, which its source names. :func:`get_check` still discovers
    everything when a check is not found here (a notebook may name another assignment's
    check), and every listing (:func:`tasks`, :func:`all_checks`) discovers everything.
    """
    for module in task_modules().get(assignment, []):
        for spec in _load_task(assignment, module).checks:
            register(spec)


def tasks(assignment: str) -> list[Task]:
    """The tasks of ``assignment`` in module order; none for an assignment without content."""
    return list(_discover().get(assignment, {}).values())


def get_check(check_id: str) -> CheckSpec:
    """Look up a check by id, discovering the task modules on first use."""
    if check_id not in _REGISTRY:
        _discover()
    if check_id not in _REGISTRY:
        raise ConfigError(f"unknown check {check_id!r}: no task module declares it "
                          "(graders/content/<assignment>/<task>.py)")
    return _REGISTRY[check_id]


def all_checks(unit: str) -> list[CheckSpec]:
    """All checks of one unit (its problem set's and the exam's)."""
    _discover()
    return [spec for spec in _REGISTRY.values() if spec.unit == unit]


def case_rng(seed: int, check_id: str) -> np.random.Generator:
    """The generator of one check's hidden inputs: fixed by the grading seed and the check id.

    Each check gets its own stream, so adding a check never changes another's inputs,
    and regrading with the same seed gives the same inputs (rule R6).
    """
    return np.random.default_rng([seed, zlib.crc32(check_id.encode())])
