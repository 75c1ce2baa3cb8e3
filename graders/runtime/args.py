"""The typed arguments of a hidden call: how a case's inputs cross into the sandbox.

Part of the protocol (:mod:`runtime.protocol` re-exports everything here). An argument
is an array named in inputs.npz, a JSON scalar, a tuple of arguments, or a function
that the executor builds from its factory table and plain parameters; code never
crosses. :func:`arg_from_dict` raises only :class:`~runtime.fields.ProtocolError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .fields import ProtocolError, as_key, as_object, list_field, str_field

__all__ = ["MAX_ARG_DEPTH", "Arg", "ArrayArg", "FunctionArg", "JsonScalar", "TupleArg",
           "ValueArg", "arg_from_dict"]

MAX_ARG_DEPTH = 8

JsonScalar: TypeAlias = bool | int | float | str | None


@dataclass(frozen=True)
class ArrayArg:
    """An argument read from ``inputs.npz``.

    Attributes:
        key: the array's name in inputs.npz.
    """

    key: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, ``{"array": key}``."""
        return {"array": self.key}


@dataclass(frozen=True)
class ValueArg:
    """A JSON scalar argument.

    Attributes:
        value: None, a bool, an int, a float or a string.
    """

    value: JsonScalar

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, ``{"value": value}``."""
        return {"value": self.value}


@dataclass(frozen=True)
class TupleArg:
    """A tuple of arguments.

    Attributes:
        items: the elements.
    """

    items: tuple[Arg, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, ``{"tuple": [...]}``."""
        return {"tuple": [item.to_dict() for item in self.items]}


@dataclass(frozen=True)
class FunctionArg:
    """A function built inside the sandbox by the executor's factory table.

    Attributes:
        factory: the factory's name (``graders/runtime/factories``).
        params: its plain parameters.
    """

    factory: str
    params: Mapping[str, Arg] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, ``{"fn": factory, "params": {...}}``."""
        return {"fn": self.factory, "params": {k: v.to_dict() for k, v in self.params.items()}}


Arg: TypeAlias = ArrayArg | ValueArg | TupleArg | FunctionArg


def arg_from_dict(raw: Any, depth: int = 0) -> Arg:
    """Parse one argument node; raises ProtocolError on anything else."""
    node = as_object(raw, "an argument")
    if depth > MAX_ARG_DEPTH or len(node) not in (1, 2):
        raise ProtocolError("an argument is nested too deeply or malformed")
    if "array" in node:
        return ArrayArg(as_key(node["array"]))
    if "value" in node:
        value = node["value"]
        if value is not None and not isinstance(value, bool | int | float | str):
            raise ProtocolError("an argument value is not a JSON scalar")
        return ValueArg(value)
    if "tuple" in node:
        return TupleArg(tuple(arg_from_dict(v, depth + 1) for v in list_field(node, "tuple")))
    if "fn" in node:
        params = as_object(node.get("params", {}), "factory params")
        return FunctionArg(str_field(node, "fn"), {k: arg_from_dict(v, depth + 1)
                                                   for k, v in params.items()})
    raise ProtocolError(f"unknown argument node {sorted(node)[:4]}")

