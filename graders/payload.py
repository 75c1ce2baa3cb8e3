"""Decode and validate what the sandbox returned (runs in the trusted judge).

Reads the JSON tree written by :mod:`graders.runtime.encode` and the ``.npy``
files it names, with ``allow_pickle=False``, a byte cap per file and a total
cap, and rebuilds plain Python values: exact ``np.ndarray`` (0-d arrays become
Python ``bool``/``int``/``float``/``complex``), ``tuple``, ``None`` or ``str``.
Anything malformed raises :class:`PayloadError`, which the judge reports as
"tampering or malformed result" for that case only.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from graders.runtime.encode import MAX_DEPTH, MAX_ITEMS, encode

__all__ = ["MAX_FILE_BYTES", "PayloadError", "decode", "roundtrip"]

MAX_FILE_BYTES = 128 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_]{1,80}$")


class PayloadError(Exception):
    """The sandbox's result is malformed, oversized, or not plain numeric data."""


def _load_array(outdir: Path, key: Any) -> Any:
    if not isinstance(key, str) or not _KEY.match(key):
        raise PayloadError("bad array key")
    path = outdir / f"{key}.npy"
    if path.is_symlink() or not path.is_file():
        raise PayloadError(f"missing array file {key}.npy")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise PayloadError(f"array file {key}.npy exceeds {MAX_FILE_BYTES} bytes")
    try:
        with open(path, "rb") as fh:
            arr = np.load(fh, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise PayloadError(f"unreadable array file {key}.npy: {exc}") from exc
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
        raise PayloadError("array is not plain numeric")
    if arr.ndim == 0:
        return arr.item()
    return np.ndarray.view(arr, np.ndarray)


def decode(tree: Any, outdir: Path, depth: int = 0) -> Any:
    """Rebuild a plain value from an encoded tree; raises PayloadError on anything odd."""
    if depth > MAX_DEPTH or not isinstance(tree, dict) or len(tree) != 1:
        raise PayloadError("malformed result tree")
    ((kind, body),) = tree.items()
    if kind == "none" and body is True:
        return None
    if kind == "str" and isinstance(body, str):
        return body[:200]
    if kind == "array":
        return _load_array(outdir, body)
    if kind == "tuple" and isinstance(body, list) and len(body) <= MAX_ITEMS:
        return tuple(decode(item, outdir, depth + 1) for item in body)
    raise PayloadError(f"unknown result node {kind!r}")


def roundtrip(value: Any) -> Any:
    """Encode a value as the sandbox would, then decode it as the judge does (for tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = encode(value, tmp, "r")
        return decode(tree, Path(tmp))

