"""Instructor-side helpers: run a hidden check in-process, in the instructor's own notebook.

The instructor notebook's hidden test regions import :func:`check` from here, so
that running the source notebook in JupyterLab exercises every hidden check
against the solution. This module is trusted code and never reaches students:
``mml release`` refuses a release that mentions ``graders``. During grading the
hidden regions are not executed at all: the grader parses them and runs the
named checks across the sandbox boundary instead.

Exam variants: an exam's source holds ``{{ name }}`` templates (:mod:`graders.variants`),
so the raw source stops at the first templated data line; :func:`check` then makes the
kernel say so (and name ``mml preview``) instead of a bare ``NameError``. ``mml preview``
(:mod:`graders.preview`) writes the source rendered with one variant's values, whose first
cell calls :func:`use_variant`: from then on :func:`check` judges the hidden cases of that
variant (with the course's seed), the very cases grading would use for that student.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders.checks import Case, CheckSpec, FunctionSpec, Verdict, case_rng, decide_error, get_check
from graders.errors import ConfigError
from graders.payload import roundtrip
from graders.variants import DEFAULT_STUDENT, check_cases, template_names, validate_student_id

__all__ = ["DEFAULT_SEED", "Variant", "active_variant", "check", "hidden_cases",
           "run_inprocess", "strip_solution_markers", "use_variant"]

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


@dataclass(frozen=True)
class Variant:
    """The exam variant an instructor's kernel judges: set by :func:`use_variant`.

    Attributes:
        assignment: the assignment id (part of every variant key).
        student: the student id, :data:`graders.variants.DEFAULT_STUDENT` for the shared one.
        seed: the course's grading seed (``c.MMLGrader.seed``), read from its configuration.
    """

    assignment: str
    student: str
    seed: int


_ACTIVE: list[Variant] = []


def use_variant(assignment: str, student: str = DEFAULT_STUDENT,
                course: str | Path = ".") -> Variant:
    """Make :func:`check` judge the hidden cases of one variant (an ``mml preview``'s first cell).

    ``course`` is the course root (relative paths from the kernel's working directory, the
    notebook's folder in JupyterLab); only its seed is read, so no seed is written into the
    preview.

    Raises:
        ConfigError: ``course`` holds no ``nbgrader_config.py`` (the preview was moved: run
            ``mml preview`` again), or ``student`` is not a usable id.
    """
    from graders.config import CONFIG_FILE, load_course

    root = Path(course).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise ConfigError(f"{root / CONFIG_FILE}: not found, so this preview cannot read the "
                          f"course seed; run `mml preview {assignment}` again in the course "
                          "folder (a preview finds its course by a path relative to itself)")
    if student != DEFAULT_STUDENT:
        validate_student_id(student, "use_variant")
    variant = Variant(assignment, student, load_course(root).grader.seed)
    _ACTIVE[:] = [variant]
    return variant


def active_variant() -> Variant | None:
    """The variant set by :func:`use_variant` in this process, if any."""
    return _ACTIVE[0] if _ACTIVE else None


def hidden_cases(spec: CheckSpec, seed: int = DEFAULT_SEED) -> list[Case]:
    """The hidden cases :func:`check` judges: the active variant's, else the course-wide ones.

    Under :func:`use_variant` they are exactly what grading runs for that student
    (:func:`graders.variants.check_cases`); otherwise a parametrised check gets its
    course-wide cases (the reference passes those too, but a value answer is only judged
    right on its own variant's numbers, which the raw source does not have).
    """
    variant = active_variant()
    if variant is None:
        return spec.cases(case_rng(seed, spec.id))
    return check_cases(spec, variant.seed, variant.assignment, variant.student)


def run_inprocess(fn: Callable[..., Any], check_id: str, seed: int = DEFAULT_SEED) -> list[Verdict]:
    """Judge ``fn`` on every hidden case of ``check_id`` in this process (trusted use only).

    The cases are :func:`hidden_cases` (the active variant's, under :func:`use_variant`).
    An exception raised by ``fn`` fails that case, as it would in the sandbox.
    """
    spec = get_check(check_id)
    verdicts = []
    for case in hidden_cases(spec, seed):
        try:
            output = run_case(fn, case, spec.answer)
        except Exception as exc:  # the function under test may raise anything
            verdicts.append(decide_error(case, f"{type(exc).__name__}: {exc}"))
            continue
        verdicts.append(spec.decide(case, output))
    return verdicts


def check(fn: Callable[..., Any], check_id: str) -> None:
    """Assert that ``fn`` passes every hidden case of ``check_id`` (for the instructor notebook).

    In an IPython kernel it also installs :func:`_template_hint` (once), so that a later
    templated data line of the raw source fails with a message naming ``mml preview``.
    """
    _explain_templates()
    failures = [v.message for v in run_inprocess(fn, check_id) if not v.passed]
    if failures:
        raise AssertionError(f"{check_id}: {len(failures)} hidden case(s) failed:\n"
                             + "\n".join(failures))


def _template_hint(shell: Any, etype: type[BaseException], value: BaseException, tb: Any,
                   tb_offset: int | None = None) -> list[str]:
    """Show IPython's traceback of a NameError, plus what to do when a template caused it.

    ``A = np.array({{ e7_A }})`` is a set display to Python, so running the raw source
    of an exam raises ``NameError: name 'e7_A' is not defined``; when the cell holds that
    name as a ``{{ name }}`` template, the traceback ends with the reason and the command.
    IPython leaves showing a custom exception to its handler: ``_showtraceback`` is the
    hook ipykernel overrides to send the error output to the notebook.
    """
    stb: list[str] = shell.InteractiveTB.structured_traceback(etype, value, tb,
                                                             tb_offset=tb_offset)
    cell = str((shell.user_ns.get("_ih") or [""])[-1])
    name = getattr(value, "name", None)
    if name and name in template_names(cell):
        here = Path.cwd()
        assignment = here.name if here.parent.name == "source" else "ASSIGNMENT"
        stb.append(f"mml: {{{{ {name} }}}} is a template of a per-student exam variant, "
                   "filled in only in a rendered notebook: this source notebook cannot run "
                   f"it. Run `mml preview {assignment}` (optionally --student ID) and open the "
                   "runnable copy it writes under .mml/preview/.")
    shell._showtraceback(etype, value, stb)
    return stb


def _explain_templates() -> None:
    """Install :func:`_template_hint` for NameError in the running IPython shell, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of nbgrader
        return
    shell = get_ipython()
    if shell is not None and NameError not in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((NameError,), _template_hint)
