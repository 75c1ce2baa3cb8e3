"""Comparison helpers of the judge: coerce untrusted values to plain numbers, then compare.

Every helper first turns the value into a plain ``np.ndarray`` of a numeric dtype
(or a Python ``float``/``int``), using unbound base-class methods so that a
hostile subclass cannot intercept the conversion, and only then compares with
``numpy`` functions on plain arrays. Payloads decoded from the sandbox are
already plain data; the coercion is a second wall for values that reach the
judge any other way (tests, alternative backends).

Failures raise :class:`graders.errors.Mismatch` with a message that says what
kind of difference was found, never the hidden expected value.

Tolerances follow SYLLABUS.md rule R1: shapes must match exactly (no
broadcasting), and ``np.allclose``'s defaults are never used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.errors import Mismatch

__all__ = [
    "EPS",
    "as_array",
    "as_float",
    "as_int",
    "as_tuple",
    "assert_close",
    "assert_shape",
    "rel_error",
    "spectral_norm",
    "trusted_array",
]

_NUMERIC_KINDS = "biuf"

#: Machine epsilon of float64, the unit of the derived tolerances.
EPS = float(np.finfo(np.float64).eps)


def trusted_array(value: Any) -> np.ndarray:
    """A trusted (judge-side) input, such as a case argument, as a float64 array."""
    return np.asarray(value, dtype=np.float64)


def spectral_norm(x: np.ndarray) -> float:
    """Spectral norm of a matrix (Euclidean for a vector); 0 for empty arrays."""
    return 0.0 if x.size == 0 else float(np.linalg.norm(x, 2))


def _describe(value: Any) -> str:
    """Name a value's type without calling anything the value defines."""
    return type(value).__name__


def as_array(
    value: Any,
    *,
    name: str = "output",
    ndim: int | None = None,
    shape: tuple[int, ...] | None = None,
    kinds: str = _NUMERIC_KINDS,
    finite: bool = True,
) -> np.ndarray:
    """Coerce an untrusted value to a plain float64 (or complex128) ndarray.

    Accepts exact ``np.ndarray`` instances, ndarray subclasses (viewed through
    the unbound ``np.ndarray.view`` so an overridden ``view``/``__array__``
    is not called), numpy scalars, and Python ``bool``/``int``/``float``
    (subclasses read through the unbound base method). Anything else, such as an
    object defining ``__array_function__`` or an always-true ``__eq__``, is
    rejected as "not plain numeric".

    Raises:
        Mismatch: wrong type, dtype kind, rank, shape, or non-finite entries.
    """
    if isinstance(value, np.ndarray):
        arr = np.array(np.ndarray.view(value, np.ndarray), copy=True)
    elif isinstance(value, np.generic):
        arr = np.array(np.ndarray.view(np.asarray(np.generic.__array__(value)), np.ndarray))
    elif isinstance(value, bool):
        arr = np.array(bool(int.__int__(value)))
    elif isinstance(value, int):
        arr = np.array(int.__int__(value))
    elif isinstance(value, float):
        arr = np.array(float.__float__(value))
    elif isinstance(value, complex) and "c" in kinds:
        arr = np.array(complex(complex.__complex__(value)))
    else:
        raise Mismatch(f"{name}: expected a numeric array, got {_describe(value)} "
                       "(payload not plain numeric)")
    if arr.dtype.kind not in kinds:
        raise Mismatch(f"{name}: expected a real numeric array, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise Mismatch(f"{name}: expected {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None:
        assert_shape(arr, shape, name=name)
    out = arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
    if finite and not np.all(np.isfinite(out)):
        raise Mismatch(f"{name}: contains NaN or infinity")
    return out


def assert_shape(arr: np.ndarray, shape: tuple[int, ...], *, name: str = "output") -> None:
    """Require an exact shape (rule R1: no broadcasting, no silent squeeze)."""
    if tuple(arr.shape) != tuple(shape):
        raise Mismatch(f"{name}: expected shape {tuple(shape)}, got {tuple(arr.shape)}")


def as_float(value: Any, *, name: str = "output", finite: bool = True) -> float:
    """Coerce an untrusted scalar (Python or numpy, or a 0-d/size-1 array) to a float."""
    arr = as_array(value, name=name, finite=finite)
    if arr.size != 1 or arr.ndim > 1:
        raise Mismatch(f"{name}: expected a scalar, got shape {arr.shape}")
    return float(arr.reshape(()).real)


def as_int(value: Any, *, name: str = "output") -> int:
    """Coerce an untrusted scalar to an int; a float must be integral (e.g. 3.0)."""
    x = as_float(value, name=name)
    if x != round(x):
        raise Mismatch(f"{name}: expected an integer, got a non-integral number")
    return round(x)


def as_tuple(value: Any, length: int, *, name: str = "output") -> tuple[Any, ...]:
    """Require a tuple or list of exactly ``length`` items (e.g. ``(P, L, U)``)."""
    if not isinstance(value, tuple | list):
        raise Mismatch(f"{name}: expected a tuple of {length} values, got {_describe(value)}")
    items = tuple(tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value))
    if len(items) != length:
        raise Mismatch(f"{name}: expected a tuple of {length} values, got {len(items)}")
    return items


def rel_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Symmetric relative error ``‖a − e‖ / (‖a‖ + ‖e‖)`` (0 when both are zero)."""
    denom = float(np.linalg.norm(actual) + np.linalg.norm(expected))
    diff = float(np.linalg.norm(actual - expected))
    return 0.0 if denom == 0.0 else diff / denom


def assert_close(
    actual: Any,
    expected: np.ndarray | float,
    *,
    rtol: float,
    atol: float,
    name: str = "output",
) -> np.ndarray:
    """Coerce ``actual`` and require ``|a − e| ≤ atol + rtol·|e|`` elementwise, shapes equal.

    ``expected`` is the judge's own plain value. Returns the coerced array so
    callers can run further property checks on it.
    """
    exp = np.asarray(expected, dtype=np.float64)
    arr = as_array(actual, name=name, shape=tuple(exp.shape))
    err = np.abs(arr - exp)
    bound = atol + rtol * np.abs(exp)
    if not np.all(err <= bound):
        count = int(np.count_nonzero(err > bound))
        raise Mismatch(f"{name}: {count} of {arr.size} entries differ from the reference "
                       f"beyond tolerance (rtol={rtol:g}, atol={atol:g})")
    return arr
