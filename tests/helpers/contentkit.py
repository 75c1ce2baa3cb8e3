"""Shared scaffolding of the course-content tests (ps1–ps6 and the exam).

``tests/content/test_tasks.py`` checks every task module (``graders/content/<assignment>/``)
and its instructor notebook (``source/<assignment>/<assignment>.ipynb``) the same way: each
wrong answer must fail at least one hidden case and each alternative must pass them all, for
every seed; the notebook's solution must pass too. The helpers here do the discovering,
exec'ing and judging, so that the unit files keep only what is specific to their unit.

A *function list* is a list of ``(function name, check id)`` pairs: the functions an answer
cell defines and the check that judges each of them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import nbformat
import numpy as np

from graders.authoring import run_inprocess
from graders.checks import (
    Case,
    FunctionSpec,
    Task,
    case_rng,
    get_check,
    task_modules,
    tasks,
)
from graders.runtime.factories import build

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [0, 1, 20260101]
"""The grading seeds every bank entry and notebook solution is judged with."""
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
PRELUDE = "import numpy as np\nimport scipy.linalg"
"""What a notebook's setup cell provides to an answer cell."""

Functions = Sequence[tuple[str, str]]
WarningsAction = Literal["default", "error", "ignore", "always", "module", "once"]


# ---------------------------------------------------------------- checks and cases


def check_cases(check_id: str, seed: int = 0) -> list[Case]:
    """The hidden cases of ``check_id`` for the grading seed ``seed``."""
    return get_check(check_id).cases(case_rng(seed, check_id))


def materialise(value: Any) -> Any:
    """A case input as the sandbox sees it: function specs built by the factory table."""
    return build(value.factory, dict(value.params)) if isinstance(value, FunctionSpec) else value


# ---------------------------------------------------------------- tasks (graders/content/)


def assignments() -> list[str]:
    """The assignments that have task modules (``graders/content/<assignment>/``)."""
    return sorted(task_modules())


def all_tasks() -> list[tuple[str, Task]]:
    """``(assignment, task)`` for every task module of the course, in discovery order."""
    return [(a, t) for a in assignments() for t in tasks(a)]


def get_task(assignment: str, answer_cell: str) -> Task:
    """The task of ``graders/content/<assignment>/<answer_cell>.py``."""
    return next(t for t in tasks(assignment) if t.answer_cell == answer_cell)


def task_entries() -> list[tuple[str, str, str, str]]:
    """``(assignment, answer cell, kind, name)`` for every planted answer of every task;
    kind is ``"wrong"`` or ``"alternative"``."""
    return [(a, t.answer_cell, kind, e.name) for a, t in all_tasks()
            for kind, entries in (("wrong", t.wrong), ("alternative", t.alternatives))
            for e in entries]


def task_failures(task: Task, kind: str, name: str, seed: int) -> list[str]:
    """The failures of one planted answer over every function its answer cell defines
    (a function it leaves undefined fails), Python warnings silenced. A per-student
    question's templated data lines are rendered with the parameters of the seed's cases."""
    from graders.variants import bank_code

    entries = task.wrong if kind == "wrong" else task.alternatives
    code = next(e.code for e in entries if e.name == name)
    code = bank_code(code, {c: check_cases(c, seed) for _, c in task.functions})
    return failures(exec_namespace(code), task.functions, seed, undefined_fails=True)


# ---------------------------------------------------------------- running answers


def exec_namespace(source: str) -> dict[str, Any]:
    """The namespace left by running ``source`` after the notebook's imports."""
    ns: dict[str, Any] = {}
    exec(PRELUDE, ns)
    exec(source, ns)
    return ns


def exec_function(source: str, name: str) -> Callable[..., Any]:
    """The function ``name`` defined by ``source`` (run after the notebook's imports)."""
    return exec_namespace(source)[name]  # type: ignore[no-any-return]


def failures(ns: dict[str, Any], functions: Functions, seed: int, *,
             warnings_action: WarningsAction | None = "ignore", warning_free: bool = False,
             undefined_fails: bool = False) -> list[str]:
    """The messages of the hidden cases the functions of ``ns`` fail, for grading seed ``seed``.

    ``warnings_action`` is the Python warnings filter while they run (``None``: leave the
    filters alone); ``warning_free`` counts a judge's warning on a passing case as a failure;
    ``undefined_fails`` reports a function missing from ``ns`` as a failure instead of raising
    ``KeyError``.
    """
    out: list[str] = []
    with warnings.catch_warnings():
        if warnings_action is not None:
            warnings.simplefilter(warnings_action)
        for fn, check_id in functions:
            if undefined_fails and fn not in ns:
                out.append(f"{fn} not defined")
                continue
            out += [v.message or v.warning for v in run_inprocess(ns[fn], check_id, seed=seed)
                    if not v.passed or (warning_free and v.warning)]
    return out


# ---------------------------------------------------------------- notebooks


def notebook_path(assignment: str) -> Path:
    """The instructor notebook ``source/<assignment>/<assignment>.ipynb``."""
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def read_notebook(assignment: str) -> Any:
    """The instructor notebook of ``assignment``, freshly read (nbformat v4)."""
    return nbformat.read(notebook_path(assignment), as_version=4)


def assert_notebook_basics(nb: Any) -> list[dict[str, Any]]:
    """Validate ``nb`` (python3 kernel, cell ids, nbgrader metadata on every cell).

    Returns each cell's nbgrader metadata, in cell order.
    """
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    meta: list[dict[str, Any]] = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    assert all(c.get("id") for c in nb.cells)
    assert all(m for m in meta), "every cell carries nbgrader metadata"
    return meta


def graded_points(meta: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """grade_id -> points of the graded cells, from :func:`assert_notebook_basics`' metadata."""
    return {m["grade_id"]: m.get("points") for m in meta if m.get("grade")}


def answer_cell_source(assignment: str, grade_id: str) -> str:
    """The source of answer cell ``grade_id``; it must hold a solution region."""
    cell = next((c for c in read_notebook(assignment).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id), None)
    assert cell is not None, f"{assignment}: no cell {grade_id}"
    source: str = cell.source
    assert all(marker in source for marker in SOLUTION_MARKERS)
    return source


def solution_source(cell_source: str) -> str:
    """An answer cell's source with the solution markers removed (the instructor's answer)."""
    lines = [ln for ln in cell_source.splitlines() if ln.strip() not in SOLUTION_MARKERS]
    return "\n".join(lines) + "\n"


def assert_solution_passes(assignment: str, grade_id: str, functions: Functions,
                           seeds: Iterable[int] = SEEDS, *,
                           warnings_action: WarningsAction | None = "ignore",
                           warning_free: bool = False, undefined_fails: bool = False) -> None:
    """The notebook's solution in cell ``grade_id`` passes every case for every seed.

    The keywords are :func:`failures`' (warnings filter, warning-free, undefined functions).
    A per-student question's templated data lines are rendered, for each seed, with the
    parameters of that seed's cases (as the bank's planted answers are).
    """
    from graders.variants import bank_code

    source = solution_source(answer_cell_source(assignment, grade_id))
    ns = exec_namespace(source) if "{{" not in source else {}
    for seed in seeds:
        if "{{" in source:
            ns = exec_namespace(bank_code(source, {c: check_cases(c, seed) for _, c in functions}))
        failed = failures(ns, functions, seed, warnings_action=warnings_action,
                          warning_free=warning_free, undefined_fails=undefined_fails)
        assert not failed, failed


# ---------------------------------------------------------------- generators


def same_input(a: Any, b: Any) -> bool:
    """Whether two generated inputs are identical: arrays (same dtype, same values, NaN
    equal to NaN), function specs (same factory and parameters), tuples and lists
    item by item, anything else by ``==``."""
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, FunctionSpec):
        return (isinstance(b, FunctionSpec) and a.factory == b.factory
                and a.params.keys() == b.params.keys()
                and all(same_input(a.params[k], b.params[k]) for k in a.params))
    if isinstance(a, tuple | list):
        return (type(a) is type(b) and len(a) == len(b)
                and all(same_input(u, v) for u, v in zip(a, b, strict=True)))
    return bool(a == b)


def assert_generator_deterministic(check_id: str) -> list[Case]:
    """The check's cases for seed 7, after asserting that seed 7 gives them again
    (labels, positional and keyword inputs, required exceptions) and that seed 8
    gives different positional inputs."""
    first, again = check_cases(check_id, 7), check_cases(check_id, 7)
    assert [c.label for c in first] == [c.label for c in again]
    for c1, c2 in zip(first, again, strict=True):
        assert all(same_input(a, b) for a, b in zip(c1.args, c2.args, strict=True))
        assert c1.kwargs.keys() == c2.kwargs.keys()
        assert all(same_input(c1.kwargs[k], c2.kwargs[k]) for k in c1.kwargs)
        assert c1.raises == c2.raises
    if get_check(check_id).answer == "value":
        return first  # a value answer has no inputs: nothing for the seed to vary
    other = check_cases(check_id, 8)
    assert any(not same_input(a, b) for c1, c2 in zip(first, other, strict=True)
               for a, b in zip(c1.args, c2.args, strict=True))
    return first
