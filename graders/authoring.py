"""Instructor-side helpers: run a hidden check in-process, in the instructor's own notebook.

The instructor notebook's hidden test regions import :func:`check` from here, so
that running the source notebook in JupyterLab exercises every hidden check
against the solution. This module is trusted code and never reaches students:
``mml release`` refuses a release that mentions ``graders``. During grading the
hidden regions are not executed at all: the grader parses them and runs the
named checks across the sandbox boundary instead.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from graders.checks import Case, FunctionSpec, Verdict, case_rng, decide_error, get_check
from graders.payload import roundtrip

__all__ = ["DEFAULT_SEED", "check", "run_inprocess", "strip_solution_markers"]

DEFAULT_SEED = 20260101

_SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def strip_solution_markers(source: str) -> str:
    """An answer cell's solution as a student would write it: marker lines removed."""
    return _SOLUTION_MARKER.sub("", source)


def _materialise(arg: Any) -> Any:
    """Deep-copy an input; build function-valued inputs with the sandbox's factory table."""
    if isinstance(arg, FunctionSpec):
        from graders.runtime.factories import build

        return build(arg.factory, dict(arg.params))
    return copy.deepcopy(arg)


def run_case(fn: Callable[..., Any], case: Case, answer: str = "function") -> Any:
    """Take the answer ``fn`` on one case as the sandbox would; round-trip the output.

    ``answer`` is the check's answer kind: a function is called on the case's inputs, a
    value is taken as it is, a formula is evaluated at the case's points
    (:func:`graders.runtime.answers.take`). The output goes through the payload codec.
    """
    from graders.runtime.answers import take

    args = [_materialise(a) for a in case.args]
    kwargs = {k: _materialise(v) for k, v in case.kwargs.items()}
    return roundtrip(take(answer, fn, args, kwargs))


def run_inprocess(fn: Callable[..., Any], check_id: str, seed: int = DEFAULT_SEED) -> list[Verdict]:
    """Judge ``fn`` on every hidden case of ``check_id`` in this process (trusted use only).

    An exception raised by ``fn`` fails that case, as it would in the sandbox.
    """
    spec = get_check(check_id)
    verdicts = []
    for case in spec.cases(case_rng(seed, check_id)):
        try:
            output = run_case(fn, case, spec.answer)
        except Exception as exc:  # the function under test may raise anything
            verdicts.append(decide_error(case, f"{type(exc).__name__}: {exc}"))
            continue
        verdicts.append(spec.decide(case, output))
    return verdicts


def check(fn: Callable[..., Any], check_id: str) -> None:
    """Assert that ``fn`` passes every hidden case of ``check_id`` (for the instructor notebook)."""
    failures = [v.message for v in run_inprocess(fn, check_id) if not v.passed]
    if failures:
        raise AssertionError(f"{check_id}: {len(failures)} hidden case(s) failed:\n"
                             + "\n".join(failures))
