"""Answers that are values or formulas: the judge's side (trusted process).

A problem set's answer is a function, called on hidden inputs. An exam also asks
"compute this" and "give the expression"; a check declares which with
:attr:`graders.checks.CheckSpec.answer`, and the sandbox takes the answer accordingly
(:mod:`graders.runtime.answers`). This module holds what the judge does with the result.

**Values** (``answer = "value"``): the answer cell assigns a named variable
(``answer_e7 = ...``), and the sandbox ships its value back. The rules, stated to
students in the question:

* a number is a Python or NumPy real scalar (or a 0-d array); ``True``/``False``, a
  complex number, a string or a one-element list are refused;
* a vector or matrix is a NumPy array or a (nested) list of numbers, of exactly the
  stated shape (no broadcasting, no squeezing), of a real dtype (bool refused);
* every entry must be finite (NaN and infinity are refused, whatever the reference);
* the comparison is ``max|a − r| ≤ atol + rtol·max|r|`` with the tolerances each
  question derives beside its check.

**Formulas** (``answer = "formula"``): a case is :func:`formula_case`, the points where
the sandbox evaluates the student's formula (a Python function, a string, a SymPy
expression: parsed and evaluated there, never here); the judge gets one number per
point back and compares them with the reference's values at the same points
(:func:`judge_formula`). With ``M = max_i |r(p_i)|``, the scale of the values:

* ``"exact"``: ``|f(p_i) − r(p_i)| ≤ rtol·M`` at every point;
* ``"constant"`` (equivalence up to an additive constant, e.g. an antiderivative, a
  log-likelihood "up to a constant"): the differences ``f(p_i) − f(p_0)`` against
  ``r(p_i) − r(p_0)``, to ``2·rtol·M`` (each difference carries two values' rounding);
* ``"scale"`` / ``"positive_scale"`` (up to a nonzero / positive factor, e.g. an
  unnormalised density): the ratio ``s = f(p_a)/r(p_a)`` at the anchor ``p_a`` where
  ``|r|`` is largest (so never a zero of the reference), ``s`` finite and nonzero (and
  positive), then ``|f(p_i) − s·r(p_i)| ≤ rtol·|s|·M``: ratios compared where they
  are defined, without dividing by a value near zero.

Why the points catch a wrong constant or sign. A wrong answer differs from the reference
by ``g = f − r``, a nonzero function on the domain. A wrong additive constant is
``g ≡ c``: in exact mode it fails at every point as soon as ``|c| > rtol·M``, which the
questions make sure of (``rtol`` ≈ 1e-9, their constants are O(1), ``M`` is O(10²)). A
wrong sign is ``f = −r``: at the anchor ``|g| = 2M > rtol·M``, always (the judge refuses
an all-zero reference); in constant mode ``g`` is ``−2(r(p_i) − r(p_0))``, caught because
:func:`judge_formula` requires the reference to vary over the points by far more than the
tolerance; in positive-scale mode the ratio is negative. Any other mistake (a wrong
coefficient, a swapped variable) makes ``g`` a nonzero analytic function, whose zero set
has measure zero: points drawn from a continuous distribution (:func:`formula_points`)
miss it with probability one; the fixed points add coordinates of distinct, nonzero
magnitudes so that symmetric slips (``x ↔ y``, the sign of an odd term) do not vanish
there. Only in scale mode is a sign flip correct, by definition (factor −1).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from graders.checks import Case, CheckSpec
from graders.compare import as_array
from graders.errors import Mismatch

__all__ = ["FormulaMode", "formula_case", "formula_points", "judge_array", "judge_formula",
           "judge_number", "reference_answer", "value_array"]

FormulaMode = Literal["exact", "constant", "scale", "positive_scale"]

_MAX_NESTED = 10_000  # entries of a (nested) list answer
_REAL = "iuf"  # integer, unsigned, float: not bool, not complex


def _leaf(value: Any, name: str) -> float:
    """One entry of a list answer: a plain real number."""
    arr = as_array(value, name=name, kinds=_REAL)
    if arr.ndim != 0:
        raise Mismatch(f"{name}: a list answer must hold plain numbers")
    return float(arr)


def _nested(value: Any, name: str, depth: int, leaves: list[float]) -> tuple[int, ...]:
    """Append a nested tuple's entries to ``leaves``; return its shape (rectangular, ≤ 2-D)."""
    if not isinstance(value, tuple):
        leaves.append(_leaf(value, name))
        return ()
    if depth >= 2:
        raise Mismatch(f"{name}: a list answer may be nested at most two deep (a matrix)")
    shapes = {_nested(item, name, depth + 1, leaves) for item in tuple.__iter__(value)}
    if len(leaves) > _MAX_NESTED or len(shapes) > 1:
        raise Mismatch(f"{name}: a list answer must be a rectangular list of numbers")
    return (tuple.__len__(value), *(shapes.pop() if shapes else ()))


def value_array(value: Any, *, name: str) -> np.ndarray:
    """An untrusted vector or matrix answer as a float64 array (an array or nested list).

    The payload codec ships lists as tuples of plain numbers; each entry is coerced with
    :func:`graders.compare.as_array` (no bool, no complex, no object, finite).
    """
    if not isinstance(value, tuple):
        return as_array(value, name=name, kinds=_REAL)
    leaves: list[float] = []
    shape = _nested(value, name, 0, leaves)
    return np.array(leaves, dtype=np.float64).reshape(shape)


def _close(a: np.ndarray, r: np.ndarray, rtol: float, atol: float) -> bool:
    """``max|a − r| ≤ atol + rtol·max|r|`` (shapes already equal)."""
    scale = float(np.max(np.abs(r))) if r.size else 0.0
    return r.size == 0 or float(np.max(np.abs(a - r))) <= atol + rtol * scale


def judge_number(output: Any, expected: float, *, rtol: float, atol: float,
                 name: str) -> float:
    """Coerce a number answer (real, finite, 0-d) and compare it; return it.

    Raises:
        Mismatch: not a plain real number, not finite, or not within the tolerance.
    """
    if isinstance(output, tuple):
        raise Mismatch(f"{name}: expected one number, got a list")
    value = as_array(output, name=name, kinds=_REAL)
    if value.ndim != 0:
        raise Mismatch(f"{name}: expected one number, got an array of shape {value.shape}")
    if not _close(value, np.asarray(float(expected)), rtol, atol):
        raise Mismatch(f"{name} is not the expected number (compared to rtol {rtol:g}, "
                       f"atol {atol:g})")
    return float(value)


def judge_array(output: Any, expected: np.ndarray, *, rtol: float, atol: float,
                name: str) -> np.ndarray:
    """Coerce a vector or matrix answer (exact shape, real, finite) and compare it.

    Raises:
        Mismatch: wrong type or shape, non-finite entries, or not within the tolerance.
    """
    value = value_array(output, name=name)
    ref = np.asarray(expected, dtype=np.float64)
    if value.shape != ref.shape:
        raise Mismatch(f"{name}: expected shape {ref.shape}, got {value.shape}")
    if not _close(value, ref, rtol, atol):
        raise Mismatch(f"{name} differs from the expected {'vector' if ref.ndim == 1 else 'matrix'}"
                       f" (compared entrywise to atol {atol:g} + rtol {rtol:g}·max|entry|)")
    return value


def formula_points(rng: np.random.Generator, lows: Sequence[float], highs: Sequence[float],
                   fixed: Sequence[Sequence[float]] = (), n_random: int = 12) -> np.ndarray:
    """Evaluation points: the ``fixed`` ones, then ``n_random`` uniform in the box."""
    lo, hi = np.asarray(lows, dtype=np.float64), np.asarray(highs, dtype=np.float64)
    drawn = lo + (hi - lo) * rng.random((n_random, lo.size))
    given = np.asarray(fixed, dtype=np.float64).reshape(-1, lo.size)
    return np.vstack([given, drawn])


def formula_case(label: str, points: np.ndarray, names: Sequence[str], **context: Any) -> Case:
    """The case of a formula check: evaluate the answer at the rows of ``points``."""
    return Case(label, (np.asarray(points, dtype=np.float64), tuple(str(n) for n in names)),
                context=context)


def reference_answer(spec: CheckSpec, case: Case) -> Any:
    """What a correct student assigns, from the check's reference (tests and tools).

    A function check's answer is the reference itself; a value check's, the reference
    evaluated on the case's parameters (``case.context["params"]``, its keyword arguments);
    a formula check's, the reference with those parameters bound (a function of the
    formula's variables).
    """
    if spec.reference is None:
        raise ValueError(f"{spec.id} has no reference")
    params = dict(case.context.get("params", {}))
    if spec.answer == "value":
        return spec.reference(**params)
    if spec.answer == "formula":
        return functools.partial(spec.reference, **params)
    return spec.reference


def _sign_or_constant(f: np.ndarray, r: np.ndarray, tol: float) -> str:
    """A hint for an exact-mode mismatch: a sign error, a wrong constant, or neither."""
    if np.max(np.abs(f + r)) <= tol:
        return ": it has the opposite sign (check the sign of the whole expression)"
    d = f - r
    if np.max(np.abs(d - d[0])) <= 2 * tol:
        return ": it differs by a constant (check the constant term)"
    return ""


def _scale(f: np.ndarray, r: np.ndarray, mode: FormulaMode, name: str) -> float:
    """The ratio f/r at the anchor, where |r| is largest; refused if zero (or negative)."""
    anchor = int(np.argmax(np.abs(r)))
    s = float(f[anchor] / r[anchor])
    if not np.isfinite(s) or s == 0.0:
        raise Mismatch(f"{name} is zero where the expected formula is not")
    if mode == "positive_scale" and s < 0:
        raise Mismatch(f"{name} has the opposite sign (a positive multiple is expected)")
    return s


def judge_formula(output: Any, ref: np.ndarray, *, mode: FormulaMode, rtol: float,
                  name: str) -> None:
    """Compare a formula's values at the case's points with the reference's values there.

    Raises:
        Mismatch: not one finite number per point, or not equivalent in ``mode``.
        ValueError: the reference does not separate wrong answers at these points (an
            authoring error: a zero reference, or one constant in "constant" mode).
    """
    r = np.asarray(ref, dtype=np.float64)
    f = as_array(output, name=name, shape=r.shape, kinds=_REAL, finite=False)
    if not np.all(np.isfinite(f)):
        raise Mismatch(f"{name} is not finite (NaN or infinity) at some evaluation points")
    big = float(np.max(np.abs(r)))
    if r.ndim != 1 or r.size < 2 or not big > 0:
        raise ValueError("a formula check needs ≥ 2 points and a nonzero reference")
    tol = rtol * big
    if mode == "exact":
        if np.max(np.abs(f - r)) > tol:
            raise Mismatch(f"{name} is not the expected formula{_sign_or_constant(f, r, tol)}")
    elif mode == "constant":
        dr = r - r[0]
        if not np.max(np.abs(dr)) > 1e3 * tol:
            raise ValueError("the reference barely varies over the points (constant mode)")
        if np.max(np.abs((f - f[0]) - dr)) > 2 * tol:
            raise Mismatch(f"{name} is not the expected formula, even up to an additive "
                           "constant")
    else:
        s = _scale(f, r, mode, name)
        if np.max(np.abs(f - s * r)) > abs(s) * tol:
            raise Mismatch(f"{name} is not the expected formula, even up to a constant factor")
