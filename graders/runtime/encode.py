"""Encode a student function's return value as plain data (runs inside the sandbox).

The value becomes a JSON tree plus numeric arrays saved with ``np.save``
(never pickle). Tree nodes::

    {"npy": BASE64}         a small plain ndarray of dtype kind b/i/u/f/c: its .npy bytes
    {"array": KEY}          a larger one (or past the record's inline room), saved as KEY.npy
    {"tuple": [NODE, ...]}  a tuple or list
    {"none": true}
    {"str": TEXT}           capped at 200 characters

Python and numpy scalars become 0-d arrays. ndarray subclasses are viewed as
plain ndarrays through the unbound base method; float/int subclasses are read
through ``float.__float__``/``int.__int__``. Anything else (objects with
``__array_function__``, always-true ``__eq__``, dicts) raises ``EncodeError``,
which the executor reports as "payload not plain numeric".

Small arrays travel inside the call's record (:data:`INLINE_BYTES` each, at most
:data:`INLINE_TOTAL` per record, far below the record cap ``MAX_CALL_BYTES`` even in
base64): most calls return a vector or a small matrix, and one file per call instead of
one per array halves the files the warm sandbox's outbox hands to the host.
"""

from __future__ import annotations

import base64
import io
import os
from typing import Any

import numpy as np

MAX_ELEMENTS = 10_000_000
MAX_ITEMS = 64
MAX_DEPTH = 4
#: The most arrays (leaves) one value may hold: a 64 x 64 nested list of numbers. The judge
#: parses every array's header, so a record of thousands of tiny arrays is refused there too.
MAX_ARRAYS = MAX_ITEMS * MAX_ITEMS
#: The largest .npy (header and data) sent inside a record, and all of one record's.
INLINE_BYTES = 16 * 1024
INLINE_TOTAL = 256 * 1024


class EncodeError(Exception):
    """The value is not plain numeric data."""


def nominal_size(shape: tuple[int, ...]) -> int:
    """The elements of ``shape`` counting a 0 dimension as 1: ``(10**8, 0)`` holds nothing,
    yet ``tolist()`` of it makes 10**8 lists, so its size is capped like a full array's."""
    n = 1
    for d in shape:
        n *= max(int(d), 1)
    return n


def _plain_array(value: Any) -> np.ndarray | None:
    if isinstance(value, np.ndarray):
        return np.array(np.ndarray.view(value, np.ndarray), copy=True)
    if isinstance(value, np.generic):
        return np.array(np.generic.__array__(value))
    if isinstance(value, bool):
        return np.array(bool(int.__int__(value)))
    if isinstance(value, int):
        return np.array(int.__int__(value))
    if isinstance(value, float):
        return np.array(float.__float__(value))
    if isinstance(value, complex):
        return np.array(complex.__complex__(value))
    return None


def _array_node(arr: np.ndarray, outdir: str, key: str, room: list[int]) -> dict[str, Any]:
    """The node of one checked array: inline while it fits ``room`` (bytes left), else a file."""
    if arr.nbytes + 256 <= min(INLINE_BYTES, room[0]):  # 256: more than any small header
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        data = buf.getvalue()
        if len(data) <= min(INLINE_BYTES, room[0]):
            room[0] -= len(data)
            return {"npy": base64.b64encode(data).decode("ascii")}
    with open(os.path.join(outdir, key + ".npy"), "wb") as fh:
        np.save(fh, arr, allow_pickle=False)
    return {"array": key}


def encode(value: Any, outdir: str, prefix: str, depth: int = 0,
           room: list[int] | None = None) -> dict[str, Any]:
    """Encode ``value`` into ``outdir``; returns the JSON tree (see module docstring).

    ``room`` is the record's inline bytes left and the arrays so far (one list shared by
    the whole tree).
    """
    room = [INLINE_TOTAL, 0] if room is None else room
    if depth > MAX_DEPTH:
        raise EncodeError("nested too deeply")
    if value is None:
        return {"none": True}
    if isinstance(value, str):
        return {"str": str.__str__(value)[:200]}
    arr = _plain_array(value)
    if arr is not None:
        if arr.dtype.kind not in "biufc":
            raise EncodeError(f"array of dtype {arr.dtype} is not numeric")
        if nominal_size(arr.shape) > MAX_ELEMENTS:
            raise EncodeError(f"array of shape {arr.shape} exceeds the cap of {MAX_ELEMENTS} "
                              "elements")
        room[1] += 1
        if room[1] > MAX_ARRAYS:
            raise EncodeError(f"value holds more than {MAX_ARRAYS} arrays or numbers")
        return _array_node(arr, outdir, prefix, room)
    if isinstance(value, tuple | list):
        items = list(tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value))
        if len(items) > MAX_ITEMS:
            raise EncodeError(f"sequence of {len(items)} items exceeds the cap {MAX_ITEMS}")
        return {"tuple": [encode(item, outdir, f"{prefix}_{i}", depth + 1, room)
                          for i, item in enumerate(items)]}
    raise EncodeError(f"returned {type(value).__name__}, payload not plain numeric")
