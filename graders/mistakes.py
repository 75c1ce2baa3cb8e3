"""Named mistakes: which planted wrong answer of a task's bank a failed answer behaves like.

Every task's bank (:class:`graders.checks.Wrong`) holds typical mistakes with a name and a
one-sentence hint. When a hidden check fails, the student's outputs on the hidden cases are
compared with the outputs of each planted wrong answer on the same cases (same check, same
grading seed); when exactly one wrong answer matches, the feedback names it and gives its hint.

The wrong answers' outputs are computed here, in the trusted grading process: the bank is
instructor-written code, trusted like the references, and it never reaches the sandbox or
a student. Each answer cell is run after :data:`BANK_PRELUDE` (what a notebook's setup cell
provides; the content tests run the banks the same way), every call under a time limit of
:data:`BANK_CALL_SECONDS` where a timer is available, and its output goes through the
sandbox's payload codec, so it has exactly the types a student's output has at the judge.
:func:`bank_outcomes` keeps them in memory per process, by task and seed: a batch's worker
computes a task's bank once, the first time one of its questions fails.

**Matching** (:func:`matches`). Per case an outcome is a value, an exception type, or
undefined (crash, time-out, missing function, malformed result), together with the judge's
verdict on it. A wrong answer W matches a student's answer when, on every case where W is
defined and either of them fails the judge, both fail it and their outcomes agree: the same
exception type, or values of the same structure and shape that agree to :data:`MATCH_RTOL`
(:func:`same_value`). W must fail at least one case where it is defined, so the cases that
distinguish W from a correct answer are always compared. Reusing the judge's verdicts means
the student fails exactly the cases W fails, with the judge's own tolerance; the value
comparison then asks whether the wrong outputs are the same wrong outputs.

**Naming** (:func:`name_mistake`) is unambiguous or nothing: the mistake is named only when
exactly one of the bank's wrong answers matches (non-nameable ones count as matches too, so a
student's outputs that two mistakes explain get no name) and that one is ``nameable``. A
correct answer passes every case, so it can never match a wrong answer, which fails one.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from graders.authoring import run_case
from graders.checks import Case, CheckSpec, Task, Wrong, case_rng, decide_error, task_modules, tasks
from graders.compare import as_array
from graders.runtime.answers import usable
from graders.variants import CHECK_STUDENTS, bank_code, check_cases

__all__ = ["BANK_CALL_SECONDS", "BANK_PRELUDE", "MATCH_RTOL", "CaseKey", "Outcome", "Outcomes",
           "answer_outcomes", "bank_outcomes", "callable_outcomes", "error_type", "family_problems",
           "matches",
           "name_mistake", "same_value", "task_of"]

#: What a notebook's setup cell gives an answer cell; the bank's entries are written for it.
BANK_PRELUDE = "import numpy as np\nimport scipy.linalg\n"

#: Seconds allowed per call of a planted answer (a bank entry is never slow on its own
#: hidden cases: ``mml check`` and the content tests run them all; this guards a new seed).
BANK_CALL_SECONDS = 10.0

#: Normwise relative agreement of two outputs of the same mistake. Two codings of one mistake
#: compute the same function in a different order of floating-point operations, so they agree
#: to the rounding of that computation, far below 1e-6 on well-conditioned inputs (the judges
#: accept a correct answer within 1e-8 relative or tighter); two different mistakes, or a
#: mistake and a correct answer, differ at the 1e-3 level or more on the cases that distinguish
#: them (the content tests' separations). Where rounding is amplified past 1e-6 (an
#: ill-conditioned wrong computation), nothing is named: the safe side.
MATCH_RTOL = 1e-6

#: A case of a task: (check id, index of the case in the check's seeded list).
CaseKey = tuple[str, int]


@dataclass(frozen=True)
class Outcome:
    """What one call produced, as far as matching is concerned.

    Attributes:
        kind: "value" (returned), "error" (raised) or "none" (undefined: time-out, crash,
            function missing, malformed or oversized result).
        failed: whether the judge failed this case.
        value: the decoded output when kind is "value".
        error: the exception type name when kind is "error".
    """

    kind: Literal["value", "error", "none"]
    failed: bool
    value: Any = None
    error: str = ""


Outcomes = Mapping[CaseKey, Outcome]


def error_type(error: str) -> str:
    """The exception type name of an error string ``"TypeName: message"``."""
    return error.split(":", 1)[0].strip()


# ---------------------------------------------------------------- comparing outputs


def _same_array(a: Any, b: Any, rtol: float) -> bool:
    """Same shape, NaN and ±∞ at the same places, finite entries within ``rtol`` normwise."""
    x = as_array(a, kinds="biufc", finite=False)
    y = as_array(b, kinds="biufc", finite=False)
    if x.shape != y.shape:
        return False
    fin_x, fin_y = np.isfinite(x), np.isfinite(y)
    if not np.array_equal(fin_x, fin_y):
        return False
    both_nan = np.isnan(x) & np.isnan(y)
    if not np.array_equal(x[~fin_x & ~both_nan], y[~fin_y & ~both_nan]):
        return False
    xf, yf = x[fin_x], y[fin_y]
    scale = max(float(np.linalg.norm(xf)), float(np.linalg.norm(yf)))
    return float(np.linalg.norm(xf - yf)) <= rtol * scale


def same_value(a: Any, b: Any, rtol: float = MATCH_RTOL) -> bool:
    """Whether two decoded outputs are the same output: same structure (tuples of the same
    length, None, equal strings) and numeric leaves that agree by :func:`_same_array`."""
    if isinstance(a, tuple | list) or isinstance(b, tuple | list):
        return (isinstance(a, tuple | list) and isinstance(b, tuple | list) and len(a) == len(b)
                and all(same_value(x, y, rtol) for x, y in zip(a, b, strict=True)))
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    try:
        return _same_array(a, b, rtol)
    except Exception:  # not plain numeric: never a match
        return False


def _agree(s: Outcome, w: Outcome) -> bool:
    """Whether two defined outcomes are the same behaviour."""
    if s.kind != w.kind or s.failed != w.failed:
        return False
    if s.kind == "error":
        return s.error == w.error
    return s.kind == "value" and same_value(s.value, w.value)


def matches(student: Outcomes, wrong: Outcomes) -> bool:
    """Whether the student's outcomes behave like one wrong answer's (module docstring)."""
    compared = [k for k, w in wrong.items() if w.kind != "none"
                and (w.failed or (k in student and student[k].failed))]
    if not any(wrong[k].failed for k in compared):
        return False
    return all(k in student and _agree(student[k], wrong[k]) for k in compared)


def name_mistake(task: Task, student: Outcomes, bank: Mapping[str, Outcomes]) -> Wrong | None:
    """The bank's wrong answer the student's outcomes match, when exactly one does and it
    is nameable; None otherwise (no match, several, or a non-nameable one)."""
    if not any(o.failed for o in student.values()):
        return None
    found = [w for w in task.wrong if w.name in bank and matches(student, bank[w.name])]
    return found[0] if len(found) == 1 and found[0].nameable else None


# ---------------------------------------------------------------- computing outcomes


class _BankTimeout(Exception):
    """A planted answer's call exceeded :data:`BANK_CALL_SECONDS`."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_BankTimeout` after ``seconds`` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expire(signum: int, frame: Any) -> None:
        raise _BankTimeout

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(spec: CheckSpec, fn: Callable[..., Any], case: Case) -> Outcome:
    """Run one trusted call on one case and judge it as the pipeline would."""
    try:
        with _time_limit(BANK_CALL_SECONDS):
            value = run_case(fn, case, spec.answer)
    except _BankTimeout:
        return Outcome("none", True)
    except Exception as exc:  # the planted answer may raise anything
        error = f"{type(exc).__name__}: {exc}"
        return Outcome("error", not decide_error(case, error).passed, error=error_type(error))
    return Outcome("value", not spec.decide(case, value).passed, value)


def callable_outcomes(task: Task, functions: Mapping[str, Callable[..., Any]], seed: int,
                      cases: Mapping[str, list[Case]] | None = None) -> dict[CaseKey, Outcome]:
    """The outcome of every hidden case of the task's checks for the given functions (a
    function missing from ``functions`` makes its cases undefined)."""
    out: dict[CaseKey, Outcome] = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for spec in task.checks:
            fn = functions.get(spec.function)
            spec_cases = (cases or {}).get(spec.id) or spec.cases(case_rng(seed, spec.id))
            for k, case in enumerate(spec_cases):
                out[(spec.id, k)] = (_call(spec, fn, case) if fn is not None
                                     else Outcome("none", True))
    return out


def answer_outcomes(task: Task, code: str, seed: int,
                    cases: Mapping[str, list[Case]] | None = None) -> dict[CaseKey, Outcome]:
    """The outcomes of an answer cell's code (run after :data:`BANK_PRELUDE`).

    The code's ``{{ name }}`` templates (a per-student question's data lines) are rendered
    with the parameters of the cases it is judged on (:func:`graders.variants.bank_code`).
    """
    cases = {s.id: (cases or {}).get(s.id) or s.cases(case_rng(seed, s.id)) for s in task.checks}
    code = bank_code(code, cases)
    namespace: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(BANK_PRELUDE, namespace)
            exec(code, namespace)
    except Exception:  # a cell that does not run leaves its functions undefined
        pass
    functions = {s.function: namespace[s.function] for s in task.checks
                 if usable(s.answer, namespace.get(s.function))}  # a function, value, formula
    return callable_outcomes(task, functions, seed, cases)


_BANKS: dict[tuple[str, int], dict[str, dict[CaseKey, Outcome]]] = {}
_MAX_BANKS = 256


def bank_outcomes(task: Task, seed: int) -> dict[str, dict[CaseKey, Outcome]]:
    """Every planted wrong answer's outcomes on the task's hidden cases for ``seed``: computed
    once per process (task modules do not change while it runs), then kept in memory."""
    key = (task.answer_cell + "|" + ",".join(s.id for s in task.checks), seed)
    if key not in _BANKS:
        if len(_BANKS) >= _MAX_BANKS:
            _BANKS.clear()
        cases = {s.id: s.cases(case_rng(seed, s.id)) for s in task.checks}
        _BANKS[key] = {w.name: answer_outcomes(task, w.code, seed, cases) for w in task.wrong}
    return _BANKS[key]


def task_of(spec: CheckSpec) -> Task | None:
    """The task declaring ``spec`` (None if none does): the module of its judge, generator or
    reference when that module's ``TASK`` holds it (no discovery of the whole course, which a
    grading worker avoids), else a search of every task module."""
    for fn in (spec.judge, spec.cases, spec.reference):
        module = sys.modules.get(getattr(fn, "__module__", "") or "")
        task = getattr(module, "TASK", None)
        if isinstance(task, Task) and any(s.id == spec.id for s in task.checks):
            return task
    for assignment in task_modules():
        for task in tasks(assignment):
            if any(s.id == spec.id for s in task.checks):
                return task
    return None


def family_problems(task: Task, seed: int, assignment: str,
                    students: Sequence[str] = CHECK_STUDENTS) -> list[str]:
    """What fails the quality bar on the per-student variants of a parametrised task.

    For each student: the reference passes every case of the student's own variant, every
    planted wrong answer fails at least one, every alternative passes all. The bank runs
    in this process after :data:`BANK_PRELUDE`, as ``mml check``'s
    mistake bank does (course code, never a student's). Empty when all holds, or when the
    task has no parametrised check.
    """
    from graders.answers import reference_answer

    if all(spec.parameters is None for spec in task.checks):
        return []
    problems: list[str] = []
    for student in students:
        cases = {s.id: check_cases(s, seed, assignment, student) for s in task.checks}
        for spec in task.checks:
            if spec.reference is None:
                continue
            for case in cases[spec.id]:
                if case.raises:
                    continue
                answer = run_case(reference_answer(spec, case), case, spec.answer)
                if not spec.decide(case, answer).passed:
                    problems.append(f"{student}: the reference fails {spec.id} on {case.label}")
        for wrong in task.wrong:
            if not any(o.failed for o in answer_outcomes(task, wrong.code, seed, cases).values()):
                problems.append(f"{student}: wrong answer {wrong.name!r} NOT caught")
        for alt in task.alternatives:
            if any(o.failed for o in answer_outcomes(task, alt.code, seed, cases).values()):
                problems.append(f"{student}: alternative {alt.name!r} rejected")
    return problems
