"""Decode and validate what the sandbox returned (runs in the trusted judge).

Reads the JSON tree written by :mod:`graders.runtime.encode`, the ``.npy`` bytes
it carries inline and the ``.npy`` files it names, with ``allow_pickle=False``, and
rebuilds plain Python values:
exact ``np.ndarray`` (0-d arrays become Python ``bool``/``int``/``float``/``complex``),
``tuple``, ``None`` or ``str``. Anything malformed raises :class:`PayloadError`,
which the judge reports as "tampering or malformed result" for that case only.

The judge's memory is bounded before anything is loaded: every array file's header
is read first (never through a link), its size must match the header exactly, each
file is at most :data:`MAX_FILE_BYTES` (an inline array's bytes are checked against
its header the same way), a key may be named once per tree (the
encoder never names one twice, so 40,000 references to one file in a 1 MiB record
are refused, not loaded 40,000 times), a tree holds at most :data:`MAX_ARRAYS` arrays
(each header is parsed: a forged record of 11,000 tiny inline arrays took half a second
of the judge's time per call), a shape's nominal size (a 0 dimension counted as 1) is at
most :data:`MAX_ELEMENTS`, and the arrays' total is charged to a
:class:`ResultBudget` per call and per submission. Over budget raises
:class:`ResultTooLarge`, which fails that case only.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from graders.runtime.encode import (
    INLINE_BYTES,
    MAX_ARRAYS,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_ITEMS,
    encode,
    nominal_size,
)

__all__ = ["CALL_BYTES", "MAX_FILE_BYTES", "SUBMISSION_BYTES", "PayloadError", "ResultBudget",
           "ResultTooLarge", "decode", "roundtrip"]

MAX_FILE_BYTES = 128 * 1024 * 1024
#: Default budgets (``c.MMLGrader.result_call_mb`` and ``result_submission_mb``).
CALL_BYTES = 128 * 1024 * 1024
SUBMISSION_BYTES = 512 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_]{1,80}$")
#: The base64 length of the largest inline .npy the encoder writes (:data:`INLINE_BYTES`).
_INLINE_CHARS = 4 * -(-INLINE_BYTES // 3)
_MIB = 2**20


class PayloadError(Exception):
    """The sandbox's result is malformed, oversized, or not plain numeric data."""


class ResultTooLarge(PayloadError):
    """The result's arrays exceed the call's or the submission's byte budget."""


@dataclass
class ResultBudget:
    """Bytes of result arrays the judge may load: per call, and in all of one submission.

    One budget is made per submission and passed to every decode of its calls, so
    the arrays that the judge holds until it scores them stay below
    ``submission_bytes`` however many calls return large values.

    Attributes:
        call_bytes: the most one call's arrays may take.
        submission_bytes: the most all the submission's calls' arrays may take together.
        spent: bytes charged so far.
    """

    call_bytes: int = CALL_BYTES
    submission_bytes: int = SUBMISSION_BYTES
    spent: int = 0

    def charge(self, nbytes: int) -> None:
        """Charge one call's arrays, or raise ResultTooLarge (and charge nothing)."""
        if nbytes > self.call_bytes:
            raise ResultTooLarge(
                f"its arrays take {nbytes / _MIB:.1f} MiB, over the result limit of "
                f"{self.call_bytes / _MIB:g} MiB per call (c.MMLGrader.result_call_mb)")
        if self.spent + nbytes > self.submission_bytes:
            raise ResultTooLarge(
                f"its arrays take {nbytes / _MIB:.1f} MiB, and the submission's results "
                f"would exceed their limit of {self.submission_bytes / _MIB:g} MiB "
                "(c.MMLGrader.result_submission_mb)")
        self.spent += nbytes


def _open(outdir: Path, key: str) -> BinaryIO:
    """Open ``<key>.npy`` without following a link; only a regular file within the cap."""
    name = f"{key}.npy"
    try:
        fd = os.open(outdir / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise PayloadError(f"missing array file {name}") from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise PayloadError(f"array file {name} is not a file of at most {MAX_FILE_BYTES} bytes")
    return os.fdopen(fd, "rb")


def _data_bytes(fh: BinaryIO, name: str) -> int:
    """The bytes of the array a .npy file holds, from its header; the file must match it."""
    return _header(fh, name, os.fstat(fh.fileno()).st_size)[3]


def _header(fh: BinaryIO, name: str, size: int) -> tuple[tuple[int, ...], bool, np.dtype[Any],
                                                          int]:
    """Shape, Fortran order, dtype and data bytes from a .npy header; the .npy (``size``
    bytes in all) must hold exactly that array, of a plain numeric dtype."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fh)
        reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = reader(fh)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise PayloadError(f"unreadable array file {name}: {exc}") from exc
    if dtype.hasobject or dtype.kind not in "biufc":
        raise PayloadError("array is not plain numeric")
    if any(d < 0 for d in shape):
        raise PayloadError(f"array file {name} declares a negative shape")
    if nominal_size(shape) > MAX_ELEMENTS:  # (10**8, 0) holds no byte but 10**8 lists
        raise PayloadError(f"array file {name} declares a shape over {MAX_ELEMENTS} elements")
    nbytes = math.prod(int(d) for d in shape) * dtype.itemsize  # exact, as Python ints
    if fh.tell() + nbytes != size:
        raise PayloadError(f"array file {name} does not hold the array its header declares")
    return shape, fortran, dtype, nbytes


def _measure(outdir: Path, key: str) -> int:
    """The data bytes of ``<key>.npy``, read from its header before anything is loaded."""
    with _open(outdir, key) as fh:
        return _data_bytes(fh, f"{key}.npy")


def _load_array(outdir: Path, key: str, charged: int) -> Any:
    """Load ``<key>.npy``, measured and charged at ``charged`` bytes (checked again first)."""
    with _open(outdir, key) as fh:
        if _data_bytes(fh, f"{key}.npy") != charged:
            raise PayloadError(f"array file {key}.npy changed while it was read")
        fh.seek(0)
        return _plain(fh, f"{key}.npy")


def _plain(fh: BinaryIO, name: str) -> Any:
    """The plain value of the .npy at ``fh`` (already measured): an ndarray, or a scalar."""
    try:
        arr = np.load(fh, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise PayloadError(f"unreadable array file {name}: {exc}") from exc
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
        raise PayloadError("array is not plain numeric")
    if arr.ndim == 0:
        return arr.item()
    return np.ndarray.view(arr, np.ndarray)


@dataclass(frozen=True)
class _Inline:
    """An array carried inside the record: its .npy bytes, checked against their header."""

    data: bytes
    offset: int
    shape: tuple[int, ...]
    fortran: bool
    dtype: np.dtype[Any]
    nbytes: int

    @classmethod
    def parse(cls, body: str) -> _Inline:
        """Decode and measure (loads nothing); raises PayloadError."""
        if len(body) > _INLINE_CHARS:
            raise PayloadError(f"an inline array is over {INLINE_BYTES} bytes (the encoder "
                               "never writes one: tampering?)")
        try:
            data = base64.b64decode(body.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise PayloadError("an inline array is not base64") from exc
        fh = io.BytesIO(data)
        shape, fortran, dtype, nbytes = _header(fh, "(inline)", len(data))
        return cls(data, fh.tell(), shape, fortran, dtype, nbytes)

    def value(self) -> Any:
        """The plain value: an ndarray of its own (the header is not parsed again), or a scalar."""
        flat = np.frombuffer(self.data, self.dtype, self.nbytes // max(self.dtype.itemsize, 1),
                             self.offset) if self.nbytes else np.empty(0, self.dtype)
        arr = np.array(flat.reshape(self.shape, order="F" if self.fortran else "C"), copy=True)
        return arr.item() if arr.ndim == 0 else arr


def _keys(tree: Any, keys: list[str], inline: list[_Inline] | None = None,
          depth: int = 0) -> None:
    """Check the tree's shape; append the array keys it names and its inline arrays (measured,
    not loaded), in order."""
    inline = [] if inline is None else inline
    if depth > MAX_DEPTH or not isinstance(tree, dict) or len(tree) != 1:
        raise PayloadError("malformed result tree")
    ((kind, body),) = tree.items()
    if (kind == "none" and body is True) or (kind == "str" and isinstance(body, str)):
        return
    if kind in ("array", "npy") and len(keys) + len(inline) >= MAX_ARRAYS:
        raise PayloadError(f"the result holds more than {MAX_ARRAYS} arrays (the encoder "
                           "never writes more: tampering?)")
    if kind == "array":
        if not isinstance(body, str) or not _KEY.match(body):
            raise PayloadError("bad array key")
        keys.append(body)
    elif kind == "npy" and isinstance(body, str):
        inline.append(_Inline.parse(body))
    elif kind == "tuple" and isinstance(body, list) and len(body) <= MAX_ITEMS:
        for item in body:
            _keys(item, keys, inline, depth + 1)
    else:
        raise PayloadError(f"unknown result node {str(kind)[:40]!r}")


def _build(tree: dict[str, Any], arrays: dict[str, Any], inline: Iterator[Any]) -> Any:
    """The value of a checked tree, its arrays taken from ``arrays`` and, in order, ``inline``."""
    ((kind, body),) = tree.items()
    if kind == "none":
        return None
    if kind == "str":
        return body[:200]
    if kind == "array":
        return arrays[body]
    if kind == "npy":
        return next(inline)
    return tuple(_build(item, arrays, inline) for item in body)


def decode(tree: Any, outdir: Path, budget: ResultBudget | None = None) -> Any:
    """Rebuild a plain value from an encoded tree, charging its arrays to ``budget`` first.

    Raises:
        ResultTooLarge: the arrays exceed the budget (nothing was loaded).
        PayloadError: anything else odd (a repeated key, a link, a header that lies).
    """
    keys: list[str] = []
    inline: list[_Inline] = []
    _keys(tree, keys, inline)
    if len(set(keys)) != len(keys):
        raise PayloadError("an array file is named twice in the result (the encoder never "
                           "does: tampering?)")
    sizes = {key: _measure(outdir, key) for key in keys}
    (budget if budget is not None else ResultBudget()).charge(
        sum(sizes.values()) + sum(item.nbytes for item in inline))
    arrays = {key: _load_array(outdir, key, n) for key, n in sizes.items()}
    return _build(tree, arrays, iter([item.value() for item in inline]))


def roundtrip(value: Any) -> Any:
    """Encode a value as the sandbox would, then decode it as the judge does (for tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = encode(value, tmp, "r")
        return decode(tree, Path(tmp))
