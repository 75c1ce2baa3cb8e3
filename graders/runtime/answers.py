"""Answer kinds, inside the sandbox: how a hidden call reads the student's answer.

Part of the executor (numpy and the standard library only). A check names the kind of
answer it judges (:attr:`graders.checks.CheckSpec.answer`), the plan carries it with
every call (:class:`runtime.protocol.PlanCall`), and the snapshot takes the answer with
:func:`take`:

* ``"function"``: the answer is a function; it is called on the case's inputs (the
  problem sets' kind).
* ``"value"``: the answer is a value the student assigned in the answer cell
  (``answer_e7 = ...``): a number, a vector or a matrix. It is shipped back as it is
  (the encoder accepts plain numbers, arrays and nested lists only); the case has no
  inputs.
* ``"formula"``: the answer is a formula in named variables, evaluated here, in the
  sandbox, at the points the judge chose (the case's inputs: a ``(P, k)`` array of
  points and the ``k`` variable names). It may be

  - a Python function of the named variables, called with one keyword argument per
    variable (``def answer_e9(mu, sigma): ...``), one point at a time, so ``math.log``
    works as well as ``np.log``;
  - a string in Python syntax (``"n*log(sigma) + ..."``; ``^`` is read as ``**``),
    evaluated with the variables and numpy's elementary functions (:data:`FUNCTIONS`);
  - a SymPy expression of symbols with those names, where SymPy is installed.

  Why strings are evaluated as Python here and not with SymPy's ``sympify``: the
  students' environment (``requirements/student.lock``) has no SymPy, and adding it
  would change the pinned environment of every notebook, the sandbox and the grading
  image mid-course for a notation Python already has. Evaluating the text here is no new
  power: the student's code already runs in this process. The judge, in the trusted
  process, only ever sees the numbers (never ``eval``/``sympify`` of student text there:
  THREAT_MODEL.md). A SymPy expression is still accepted where a course adds SymPy to
  the lock (``make bootstrap`` and ``make image`` then; the image's cache key hashes the
  lock): it is turned into a function with ``sympy.lambdify`` here.

Every kind raises ordinary exceptions on a bad answer; the snapshot records them as the
call's error, as for a function that raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["ANSWER_KINDS", "FUNCTIONS", "MAX_POINTS", "formula_values", "take", "usable"]

#: The kinds a plan call may name (kept in step with runtime.protocol.ANSWER_KINDS).
ANSWER_KINDS: tuple[str, ...] = ("function", "value", "formula")

#: The most evaluation points one formula call takes (the judge sends a dozen or two).
MAX_POINTS = 10_000

#: Names a formula string may use besides its variables (numpy's elementary functions).
FUNCTIONS: Mapping[str, Any] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "exp": np.exp,
    "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "pi": math.pi, "e": math.e,
}


def usable(kind: str, answer: Any) -> bool:
    """Whether ``answer`` can be taken as ``kind`` at all (else the call is "missing")."""
    if kind == "function":
        return answer is not None and callable(answer)
    return answer is not None


def _sympy_function(expr: Any, names: Sequence[str]) -> Callable[..., Any]:
    """A SymPy expression as a function of ``names`` (only called on a SymPy object)."""
    import sympy  # type: ignore[import-not-found,unused-ignore]

    symbols = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(symbols) - set(names))
    if unknown:
        raise NameError(f"the formula uses {', '.join(unknown)}; its variables are "
                        f"{', '.join(names)}")
    args = [symbols.get(n, sympy.Symbol(n)) for n in names]
    fn = sympy.lambdify(args, expr, "math")
    return lambda **point: fn(*(point[n] for n in names))


def _string_function(text: str, names: Sequence[str]) -> Callable[..., Any]:
    """A formula string as a function of ``names``, in Python syntax (``^`` as ``**``)."""
    code = compile(text.replace("^", "**"), "<formula>", "eval")
    scope = {"__builtins__": {}, **FUNCTIONS}
    return lambda **point: eval(code, scope, dict(point))  # the sandbox's own code: see above


def _evaluator(answer: Any, names: Sequence[str]) -> Callable[..., Any]:
    """The answer as a function of keyword arguments named ``names``."""
    if isinstance(answer, str):
        return _string_function(answer, names)
    if hasattr(answer, "free_symbols") and hasattr(answer, "subs"):
        return _sympy_function(answer, names)
    if callable(answer):
        return lambda **point: answer(**point)
    raise TypeError(f"a formula answer is a function of {', '.join(names)}, a string or a "
                    f"SymPy expression, not a {type(answer).__name__}")


def _number(value: Any) -> float:
    """One formula value as a float; one number per point (not a string that reads as one)."""
    if isinstance(value, str | bytes):
        raise TypeError("the formula must give a number at each point, not a string")
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(f"the formula must give one number per point, got shape {arr.shape}")
    return float(arr.reshape(()))


def formula_values(answer: Any, points: Any, names: Sequence[str]) -> np.ndarray:
    """The formula's values at the rows of ``points``, a ``(P, len(names))`` array."""
    pts = np.asarray(points, dtype=np.float64)
    names = [str(n) for n in names]
    if pts.ndim != 2 or pts.shape[1] != len(names) or pts.shape[0] > MAX_POINTS:
        raise ValueError("malformed evaluation points")
    evaluate = _evaluator(answer, names)
    return np.array([_number(evaluate(**dict(zip(names, map(float, row), strict=True))))
                     for row in pts], dtype=np.float64)


def take(kind: str, answer: Any, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """The output of one hidden call on the student's ``answer`` of this ``kind``."""
    if kind == "function":
        return answer(*args, **kwargs)
    if kind == "value":
        return answer
    if kind == "formula":
        points, names = args
        return formula_values(answer, points, names)
    raise ValueError(f"unknown answer kind {kind!r}")
