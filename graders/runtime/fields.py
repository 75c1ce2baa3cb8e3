"""Strict reading of untrusted JSON for the sandbox protocol (standard library only).

The parsers of :mod:`runtime.protocol` read records that student code may have
written; these helpers check each field's type and size and raise
:class:`ProtocolError`, never anything else (not ``RecursionError`` for hostile
nesting, not ``ValueError`` for a 5000-digit integer). ``default`` makes a field
optional; without one, a missing field is an error.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from typing import Any

__all__ = ["ProtocolError", "as_key", "as_object", "bool_field", "int_field",
           "list_field", "loads", "number_field", "read_limited", "str_field"]

_KEY = re.compile(r"^[A-Za-z0-9_]{1,80}$")
_ABSENT: Any = object()


class ProtocolError(Exception):
    """A file or record of the exchange does not follow the protocol (or was tampered with)."""


def read_limited(path: str | os.PathLike[str], cap: int) -> str:
    """Read a regular file of at most ``cap`` bytes, never through a link (host side).

    Raises:
        ProtocolError: missing, a link, not a regular file, larger than ``cap``, unreadable.
    """
    name = os.path.basename(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ProtocolError(f"cannot open {name} ({exc.strerror})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
            raise ProtocolError(f"{name} is not a file of at most {cap} bytes")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise ProtocolError(f"cannot read {name} ({exc.strerror})") from exc
    finally:
        os.close(fd)
    if len(data) > cap:
        raise ProtocolError(f"{name} is larger than {cap} bytes")
    return data.decode("utf-8", "replace")


def loads(text: str, what: str) -> dict[str, Any]:
    """Parse a JSON object; hostile nesting or syntax becomes a ProtocolError."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"{what} is not valid JSON") from exc
    return as_object(raw, what)


def as_object(raw: Any, what: str) -> dict[str, Any]:
    """``raw`` if it is a JSON object."""
    if not isinstance(raw, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return raw


def _get(raw: dict[str, Any], key: str, default: Any) -> Any:
    value = raw.get(key, default)
    if value is _ABSENT:
        raise ProtocolError(f"missing field {key!r}")
    return value


def int_field(raw: dict[str, Any], key: str, default: Any = _ABSENT) -> int:
    """A non-negative integer below 2**31 (not a bool)."""
    value = _get(raw, key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ProtocolError(f"field {key!r} is not a small non-negative integer")
    return value


def number_field(raw: dict[str, Any], key: str, default: Any = _ABSENT) -> float:
    """A finite non-negative number (not a bool), as a float."""
    value = _get(raw, key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"field {key!r} is not a number")
    if not math.isfinite(value) or value < 0:
        raise ProtocolError(f"field {key!r} is not a finite non-negative number")
    return float(value)


def bool_field(raw: dict[str, Any], key: str, default: Any = _ABSENT) -> bool:
    """A boolean."""
    value = _get(raw, key, default)
    if not isinstance(value, bool):
        raise ProtocolError(f"field {key!r} is not a boolean")
    return value


def str_field(raw: dict[str, Any], key: str, default: Any = _ABSENT, *,
              cap: int = 10**7) -> str:
    """A string, cut to ``cap`` characters."""
    value = _get(raw, key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"field {key!r} is not a string")
    return value[:cap]


def list_field(raw: dict[str, Any], key: str, default: Any = _ABSENT) -> list[Any]:
    """A JSON array."""
    value = _get(raw, key, default)
    if not isinstance(value, list):
        raise ProtocolError(f"field {key!r} is not a list")
    return value


def as_key(value: Any) -> str:
    """A call or array key: 1-80 letters, digits or underscores (it names files)."""
    if not isinstance(value, str) or not _KEY.match(value):
        raise ProtocolError("a call or array key is not 1-80 letters, digits or underscores")
    return value

