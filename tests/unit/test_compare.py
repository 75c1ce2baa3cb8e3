"""The judge's comparison helpers, including hostile values (THREAT_MODEL.md, numpy idioms)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from graders.compare import as_array, as_float, as_int, as_tuple, assert_close, rel_error
from graders.errors import Mismatch
from graders.payload import roundtrip
from graders.runtime.encode import EncodeError


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class ArrayFunction:
    """Claims to be an array and hijacks numpy functions."""

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return True

    def __array_ufunc__(self, *args: Any, **kwargs: Any) -> Any:
        return True


class LyingArray(np.ndarray):
    """An ndarray subclass whose ufuncs, comparisons and view lie."""

    def __array_ufunc__(self, *args: Any, **kwargs: Any) -> Any:
        return np.zeros(1)

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return True

    def view(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return np.ones(3)


class LyingFloat(float):
    def __sub__(self, other: Any) -> float:
        return 0.0

    def __abs__(self) -> float:
        return 0.0

    def __eq__(self, other: object) -> bool:
        return True

    def __float__(self) -> float:
        return 1.0

    __hash__ = float.__hash__


def test_assert_close_accepts_within_and_rejects_beyond_tolerance() -> None:
    ref = np.array([1.0, 2.0, 3.0])
    assert_close(ref + 1e-12, ref, rtol=1e-10, atol=0.0)
    with pytest.raises(Mismatch, match="1 of 3 entries"):
        assert_close(ref + np.array([0, 0, 1e-6]), ref, rtol=1e-10, atol=0.0)


def test_assert_close_requires_exact_shape_no_broadcasting() -> None:
    ref = np.ones((3, 1))
    with pytest.raises(Mismatch, match="expected shape"):
        assert_close(np.ones(3), ref, rtol=1e-8, atol=1e-10)
    with pytest.raises(Mismatch, match="expected shape"):
        assert_close(np.ones((1, 3)), ref, rtol=1e-8, atol=1e-10)


def test_messages_do_not_reveal_expected_values() -> None:
    ref = np.array([0.123456789])
    with pytest.raises(Mismatch) as info:
        assert_close(np.array([5.0]), ref, rtol=1e-8, atol=1e-10)
    assert "0.1234" not in str(info.value)


def test_always_equal_object_is_rejected() -> None:
    with pytest.raises(Mismatch, match="not plain numeric"):
        assert_close(AlwaysEqual(), np.ones(2), rtol=1e-8, atol=1e-10)


def test_array_function_object_is_rejected() -> None:
    with pytest.raises(Mismatch, match="not plain numeric"):
        as_array(ArrayFunction())


def test_ndarray_subclass_is_read_through_its_real_data() -> None:
    lying = np.array([5.0, 5.0, 5.0]).view(LyingArray)
    arr = as_array(lying)
    assert type(arr) is np.ndarray
    assert arr.tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(Mismatch):
        assert_close(lying, np.ones(3), rtol=1e-8, atol=1e-10)


def test_float_subclass_is_read_through_its_real_value() -> None:
    x = LyingFloat(3.0)
    assert as_float(x) == 3.0
    with pytest.raises(Mismatch):
        assert_close(x, np.array(1.0), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("bad", [np.array(["a"]), np.array([object()], dtype=object),
                                 "3.0", None, {"a": 1}])
def test_non_numeric_payloads_are_rejected(bad: Any) -> None:
    with pytest.raises(Mismatch):
        as_array(bad)


def test_complex_is_rejected_unless_allowed() -> None:
    with pytest.raises(Mismatch, match="real numeric"):
        as_array(np.array([1 + 1j]))
    assert as_array(np.array([1 + 1j]), kinds="fc").dtype == np.complex128


def test_nan_and_inf_are_rejected_when_finiteness_is_required() -> None:
    with pytest.raises(Mismatch, match="NaN"):
        as_array(np.array([1.0, np.nan]))
    assert np.isinf(as_array(np.array([np.inf]), finite=False)).all()


def test_integer_arrays_are_upcast_not_truncated() -> None:
    assert as_array(np.array([1, 2])).dtype == np.float64


def test_as_int_and_as_tuple() -> None:
    assert as_int(3.0) == 3
    with pytest.raises(Mismatch, match="integer"):
        as_int(2.5)
    assert len(as_tuple((1, 2), 2)) == 2
    with pytest.raises(Mismatch, match="tuple of 3"):
        as_tuple((1, 2), 3)
    with pytest.raises(Mismatch):
        as_tuple(AlwaysEqual(), 2)


def test_rel_error_is_symmetric_and_zero_for_zeros() -> None:
    a, b = np.array([1.0, 0.0]), np.array([1.0, 1e-3])
    assert rel_error(a, b) == rel_error(b, a)
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0


def test_sandbox_encoding_of_hostile_values() -> None:
    """What crosses the boundary is plain: subclasses become ndarrays, objects are refused."""
    out = roundtrip((np.array([1.0, 2.0]).view(LyingArray), LyingFloat(2.5), 3, None))
    assert type(out[0]) is np.ndarray and out[0].tolist() == [1.0, 2.0]
    assert out[1] == 2.5 and type(out[1]) is float
    for bad in (AlwaysEqual(), ArrayFunction(), np.array([object()], dtype=object)):
        with pytest.raises(EncodeError):
            roundtrip(bad)
