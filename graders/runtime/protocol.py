"""The files and records that the host and the sandbox exchange: one typed protocol for both.

The executor imports this module inside the sandbox (as ``runtime.protocol``), the host
as ``graders.runtime.protocol``; it needs the standard library only.

The job directory, written by the host, read-only inside the sandbox::

    plan.json           a JobPlan: settings, code cells, hidden calls, schema_version
    inputs.npz          the hidden input arrays that ArrayArg keys name (no pickle);
                        absent when there are none (no call, or no array)

The executor runs each cell and then the calls planned after it (:func:`run_order`),
so the calls see the notebook as their test cell left it.

The outbox, written by the executor, read back by the host::

    refused.json        a Refusal: the runtime cannot run this plan (nothing else is written)
    cell-<i>.started    touched before cell i runs
    cells.jsonl         one CellRecord per line, per finished cell (before its calls run)
    calls/<key>.started touched before the snapshot that makes call <key> and the rest
                        of its question's calls after that cell (one per question)
    calls/<key>.json    its CallRecord, small arrays inside it (+ calls/<key>*.npy, the
                        larger arrays its value names)
    isolation.json      an IsolationRecord: what the job's isolation achieved, written
                        before any student code (student code can rewrite it: a record
                        that claims less is believed, one missing after code ran is flagged)
    timing.json         a TimingRecord, written last

Markers and records therefore appear in :func:`run_order`'s order; when a sandbox dies,
what was running is the first item of that order that started and has no record (a
cell with a marker, or a call of a question whose snapshot has a marker).

Student code runs with the executor's permissions, so anything in the outbox may be
forged. The records' ``from_json`` parsers check every type and size (with the
helpers of :mod:`runtime.fields`) and raise nothing but :class:`ProtocolError`,
which the host turns into a flag or a "tampered" outcome for that cell or call;
the host reads outbox files with :func:`read_limited` (size-capped, never through
a link). The errors::

    ProtocolError           a file or record does not follow this protocol
    └── VersionMismatch     the plan's schema_version is not this runtime's PLAN_VERSION
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from .args import Arg, ArrayArg, FunctionArg, TupleArg, ValueArg, arg_from_dict
from .fields import (
    ProtocolError,
    as_key,
    as_object,
    bool_field,
    int_field,
    list_field,
    loads,
    number_field,
    read_limited,
    str_field,
)

__all__ = [
    "ANSWER_KINDS", "CALLS_DIR", "CELLS_FILE", "EXIT_REFUSED", "INPUTS_FILE", "ISOLATION_FILE",
    "MAX_CALL_BYTES", "MAX_ERROR_CHARS", "MAX_LOG_BYTES", "MAX_SMALL_BYTES", "PLAN_FILE",
    "PLAN_VERSION", "REFUSAL_FILE", "SANDBOX_STATUSES", "TIMING_FILE", "Arg", "ArrayArg",
    "CallRecord", "CallStatus", "CellRecord", "FunctionArg", "IsolationRecord", "JobPlan",
    "PlanCall", "PlanCell", "PlanSettings", "ProtocolError", "Refusal", "TimingRecord",
    "TupleArg", "ValueArg", "VersionMismatch", "arg_from_dict", "call_file", "call_marker",
    "cell_marker", "parse_cell_marker", "read_limited", "run_order",
]

#: Version of plan.json's layout and meaning; the executor refuses a plan of any other
#: version. 3: calls run right after their test cell (no longer all after the last
#: cell), so a cell no longer lists the functions to capture. 4: a call names its answer
#: kind (a function, a value or a formula: runtime/answers.py). 5: the settings say whether
#: the job may own namespaces, and the executor writes isolation.json (an older runtime
#: would write none, which the host would take for tampering). 6: a call's small arrays
#: travel inside its record (``{"npy": BASE64}`` nodes, runtime/encode.py).
PLAN_VERSION = 6

#: The answer kinds a call may name (runtime.answers.ANSWER_KINDS, kept in step by a test).
ANSWER_KINDS = ("function", "value", "formula")

#: The executor's exit status when it refused the plan (it wrote refused.json, ran nothing).
EXIT_REFUSED = 3

PLAN_FILE = "plan.json"
INPUTS_FILE = "inputs.npz"
REFUSAL_FILE = "refused.json"
CELLS_FILE = "cells.jsonl"
TIMING_FILE = "timing.json"
ISOLATION_FILE = "isolation.json"
CALLS_DIR = "calls"

MAX_LOG_BYTES = 8 * 1024 * 1024  # cells.jsonl
MAX_CALL_BYTES = 1024 * 1024  # one calls/<key>.json
MAX_SMALL_BYTES = 10_000  # timing.json, refused.json, isolation.json
MAX_ERROR_CHARS = 500  # an error text kept from a call record

_CELL_MARKER = re.compile(r"^cell-([0-9]{1,6})\.started$")


class VersionMismatch(ProtocolError):
    """The plan was written for another version of the sandbox runtime.

    Attributes:
        runtime_version: this runtime's :data:`PLAN_VERSION`.
        plan_version: the plan's ``schema_version`` (None when absent or not an integer).
    """

    def __init__(self, runtime_version: int, plan_version: int | None) -> None:
        super().__init__(f"the grader's sandbox runtime is version {runtime_version}, "
                         f"the plan is version {plan_version}")
        self.runtime_version = runtime_version
        self.plan_version = plan_version


def cell_marker(index: int) -> str:
    """The outbox file touched before cell ``index`` runs."""
    return f"cell-{index}.started"


def parse_cell_marker(name: str) -> int | None:
    """The cell index of a marker file name, or None for any other name."""
    match = _CELL_MARKER.match(name)
    return int(match.group(1)) if match else None


def call_marker(key: str) -> str:
    """The calls-folder file touched before the snapshot whose first call is ``key``."""
    return f"{key}.started"


def call_file(key: str) -> str:
    """The file, in the outbox's calls folder, holding call ``key``'s CallRecord."""
    return f"{key}.json"


# --- the plan (host -> sandbox) -------------------------------------------------------------


@dataclass(frozen=True)
class PlanSettings:
    """The limits and switches of one run.

    Attributes:
        cell_timeout: soft limit of one cell, in seconds.
        output_cap: characters of output kept per cell.
        sweep: kill leftover processes after each cell and each question's snapshot (not in
            the unsafe backend).
        skip_cells: cells not to run (each killed an earlier sandbox).
        skip_calls: calls not to make (done, or abandoned, in an earlier sandbox).
        namespaces: the job tries to own user and IPC namespaces (always, but in the
            tests that prove reduced isolation is recorded: ``runtime.isolation``).
    """

    cell_timeout: float
    output_cap: int
    sweep: bool = False
    skip_cells: tuple[int, ...] = ()
    skip_calls: tuple[str, ...] = ()
    namespaces: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"cell_timeout": self.cell_timeout, "output_cap": self.output_cap,
                "sweep": self.sweep, "skip_cells": list(self.skip_cells),
                "skip_calls": list(self.skip_calls), "namespaces": self.namespaces}

    @classmethod
    def from_dict(cls, raw: Any) -> PlanSettings:
        """Parse the JSON form; raises ProtocolError."""
        raw = as_object(raw, "the plan's settings")
        skip_cells = list_field(raw, "skip_cells", [])
        if any(isinstance(i, bool) or not isinstance(i, int) for i in skip_cells):
            raise ProtocolError("skip_cells holds a non-integer")
        return cls(number_field(raw, "cell_timeout"), int_field(raw, "output_cap"),
                   bool_field(raw, "sweep", False), tuple(skip_cells),
                   tuple(as_key(k) for k in list_field(raw, "skip_calls", [])),
                   bool_field(raw, "namespaces", True))


@dataclass(frozen=True)
class PlanCell:
    """One code cell to run.

    Attributes:
        index: the cell's index in the assembled notebook.
        source: its code.
    """

    index: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"index": self.index, "source": self.source}

    @classmethod
    def from_dict(cls, raw: Any) -> PlanCell:
        """Parse the JSON form; raises ProtocolError."""
        raw = as_object(raw, "a plan cell")
        return cls(int_field(raw, "index"), str_field(raw, "source"))


@dataclass(frozen=True)
class PlanCall:
    """One call of a student function on one hidden case.

    Attributes:
        key: the call's key (names its files in the outbox's calls folder).
        group: its question; after one case hits a limit, the others are skipped.
        function: the student function's name, looked up as ``cell`` left it.
        cell: the index of its test cell: the call is made right after that cell ran,
            against the notebook's state at that point (never if no cell has it).
        timeout: seconds the call may run.
        args: positional arguments.
        kwargs: keyword arguments.
        answer: how the named object is the answer (:data:`ANSWER_KINDS`): a function
            called on the inputs, a value shipped back as it is, or a formula evaluated
            at the points the inputs hold (``runtime/answers.py``).
    """

    key: str
    group: str
    function: str
    cell: int
    timeout: float
    args: tuple[Arg, ...] = ()
    kwargs: Mapping[str, Arg] = field(default_factory=dict)
    answer: str = "function"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"key": self.key, "group": self.group, "function": self.function,
                "cell": self.cell, "timeout": self.timeout,
                "args": [a.to_dict() for a in self.args],
                "kwargs": {k: v.to_dict() for k, v in self.kwargs.items()},
                "answer": self.answer}

    @classmethod
    def from_dict(cls, raw: Any) -> PlanCall:
        """Parse the JSON form (``group`` defaults to the key); raises ProtocolError."""
        raw = as_object(raw, "a plan call")
        key = as_key(raw.get("key"))
        kwargs = as_object(raw.get("kwargs", {}), "kwargs")
        answer = str_field(raw, "answer", "function")
        if answer not in ANSWER_KINDS:
            raise ProtocolError(f"unknown answer kind {answer[:40]!r}")
        return cls(key, str_field(raw, "group", key), str_field(raw, "function"),
                   int_field(raw, "cell"), number_field(raw, "timeout"),
                   tuple(arg_from_dict(a) for a in list_field(raw, "args", [])),
                   {k: arg_from_dict(v) for k, v in kwargs.items()}, answer)


@dataclass(frozen=True)
class JobPlan:
    """The content of plan.json: what the executor runs.

    Attributes:
        settings: limits and switches.
        cells: the code cells, in order.
        calls: the hidden calls, in order; each is made after its ``cell``
            (:func:`run_order`).
        version: the layout's version (:data:`PLAN_VERSION` when written by this code).
    """

    settings: PlanSettings
    cells: tuple[PlanCell, ...] = ()
    calls: tuple[PlanCall, ...] = ()
    version: int = PLAN_VERSION

    def to_json(self) -> str:
        """The text of plan.json."""
        return json.dumps({"schema_version": self.version, "settings": self.settings.to_dict(),
                           "cells": [c.to_dict() for c in self.cells],
                           "calls": [c.to_dict() for c in self.calls]})

    @classmethod
    def from_json(cls, text: str, *, runtime_version: int = PLAN_VERSION) -> JobPlan:
        """Parse plan.json, checking its version first.

        Raises:
            VersionMismatch: the plan's schema_version is not ``runtime_version``.
            ProtocolError: the plan is malformed.
        """
        raw = loads(text, "plan.json")
        version = raw.get("schema_version")
        if isinstance(version, bool) or not isinstance(version, int):
            version = None
        if version != runtime_version:
            raise VersionMismatch(runtime_version, version)
        return cls(PlanSettings.from_dict(raw.get("settings")),
                   tuple(PlanCell.from_dict(c) for c in list_field(raw, "cells")),
                   tuple(PlanCall.from_dict(c) for c in list_field(raw, "calls")), version)


def run_order(cells: Sequence[PlanCell],
              calls: Sequence[PlanCall]) -> list[tuple[PlanCell, tuple[PlanCall, ...]]]:
    """Each cell with the calls made right after it, in the order the executor runs them.

    Calls keep their plan order within a cell; a call whose cell is not in ``cells``
    is never made.
    """
    after: dict[int, list[PlanCall]] = {}
    for call in calls:
        after.setdefault(call.cell, []).append(call)
    return [(cell, tuple(after.get(cell.index, ()))) for cell in cells]


# --- the records (sandbox -> host; hostile) --------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """The runtime could not run the plan; it wrote this before running any code.

    Attributes:
        kind: "version" (the plan's version is not the runtime's) or "plan" (malformed).
        runtime_version: the runtime's PLAN_VERSION.
        plan_version: the plan's schema_version, None when absent or not an integer.
        detail: what was wrong, for kind "plan".
    """

    kind: Literal["version", "plan"]
    runtime_version: int
    plan_version: int | None
    detail: str = ""

    @classmethod
    def of(cls, error: ProtocolError) -> Refusal:
        """The refusal that reports ``error``."""
        if isinstance(error, VersionMismatch):
            return cls("version", error.runtime_version, error.plan_version)
        return cls("plan", PLAN_VERSION, None, str(error)[:MAX_ERROR_CHARS])

    def message(self) -> str:
        """The reason shown for the submission, built from the typed fields only."""
        if self.kind == "version":
            return (f"the grader's sandbox runtime is version {self.runtime_version}, "
                    f"the plan is version {self.plan_version}")
        return f"the grader's sandbox runtime could not read the plan: {self.detail}"

    def to_json(self) -> str:
        """The text of refused.json."""
        return json.dumps({"kind": self.kind, "runtime_version": self.runtime_version,
                           "plan_version": self.plan_version, "detail": self.detail})

    @classmethod
    def from_json(cls, text: str) -> Refusal:
        """Parse refused.json; raises ProtocolError."""
        raw = loads(text, "refused.json")
        kind = raw.get("kind")
        if kind not in ("version", "plan"):
            raise ProtocolError("unknown refusal kind")
        plan_version = None if raw.get("plan_version") is None else int_field(raw, "plan_version")
        return cls(kind, int_field(raw, "runtime_version"), plan_version,
                   str_field(raw, "detail", "", cap=MAX_ERROR_CHARS))


@dataclass(frozen=True)
class CellRecord:
    """One finished cell, as the executor reports it (one line of cells.jsonl).

    Attributes:
        index: the cell's index in the assembled notebook.
        outputs: nbformat-style output dicts, capped by the executor.
        error: the cell raised (or was skipped).
        skipped: the cell was not run because it killed an earlier sandbox.
        seconds: wall time of the cell.
        leftover_processes_killed: processes it left behind were killed.
    """

    index: int
    outputs: tuple[dict[str, Any], ...] = ()
    error: bool = False
    skipped: bool = False
    seconds: float = 0.0
    leftover_processes_killed: bool = False

    def to_json(self) -> str:
        """One line of cells.jsonl (without the newline)."""
        return json.dumps({"index": self.index, "outputs": list(self.outputs),
                           "error": self.error, "skipped": self.skipped,
                           "seconds": self.seconds,
                           "leftover_processes_killed": self.leftover_processes_killed})

    @classmethod
    def from_json(cls, line: str) -> CellRecord:
        """Parse one line of cells.jsonl; raises ProtocolError."""
        if len(line) > MAX_LOG_BYTES:
            raise ProtocolError("cell record too large")
        raw = loads(line, "a cell record")
        outputs = list_field(raw, "outputs", [])
        if not all(isinstance(o, dict) for o in outputs):
            raise ProtocolError("a cell output is not a JSON object")
        return cls(int_field(raw, "index"), tuple(outputs), bool_field(raw, "error", False),
                   bool_field(raw, "skipped", False), number_field(raw, "seconds", 0.0),
                   bool_field(raw, "leftover_processes_killed", False))


class CallStatus(StrEnum):
    """How a hidden call ended (the executor writes the first four, the host the others)."""

    OK = "ok"  # returned; the value is an encoded tree
    ERROR = "error"  # raised an exception
    CRASH = "crash"  # time-out, signal, exit, or skipped after its question hit a limit
    MISSING = "missing"  # the function was not defined when its test cell ran
    NOT_RUN = "not run"  # the notebook never reached it (host)
    TAMPERED = "tampered"  # its record was malformed (host)
    TOO_LARGE = "result too large"  # its arrays exceed the judge's result budget (host)


#: The statuses a record from the sandbox may carry.
SANDBOX_STATUSES = frozenset({CallStatus.OK, CallStatus.ERROR, CallStatus.CRASH,
                              CallStatus.MISSING})


@dataclass(frozen=True)
class CallRecord:
    """One call's result as the executor reports it (calls/<key>.json).

    Attributes:
        status: one of :data:`SANDBOX_STATUSES`.
        value: for "ok", the encoded value tree (``graders/runtime/encode.py``).
        error: otherwise, why (at most :data:`MAX_ERROR_CHARS` characters once parsed).
    """

    status: CallStatus
    value: dict[str, Any] | None = None
    error: str = ""

    def to_json(self) -> str:
        """The text of calls/<key>.json."""
        if self.status is CallStatus.OK:
            return json.dumps({"status": self.status.value, "value": self.value})
        return json.dumps({"status": self.status.value, "error": self.error})

    @classmethod
    def from_json(cls, text: str) -> CallRecord:
        """Parse calls/<key>.json; raises ProtocolError (the tree is checked by the decoder)."""
        if len(text) > MAX_CALL_BYTES:
            raise ProtocolError("call record too large")
        raw = loads(text, "a call record")
        status = raw.get("status")
        if not isinstance(status, str) or status not in SANDBOX_STATUSES:
            raise ProtocolError(f"unknown call status {str(status)[:40]!r}")
        if status == CallStatus.OK:
            return cls(CallStatus.OK, as_object(raw.get("value"), "the call's value"))
        return cls(CallStatus(status), error=str_field(raw, "error", "", cap=MAX_ERROR_CHARS))


@dataclass(frozen=True)
class TimingRecord:
    """Where the executor's time went (timing.json, written last).

    Attributes:
        startup: seconds before the first cell (plan, inputs, shell).
        notebook: seconds running the cells.
        calls: seconds running the hidden calls.
    """

    startup: float
    notebook: float
    calls: float

    def to_json(self) -> str:
        """The text of timing.json."""
        return json.dumps({"startup": self.startup, "notebook": self.notebook,
                           "calls": self.calls})

    @classmethod
    def from_json(cls, text: str) -> TimingRecord:
        """Parse timing.json; raises ProtocolError."""
        raw = loads(text, "timing.json")
        return cls(number_field(raw, "startup"), number_field(raw, "notebook"),
                   number_field(raw, "calls"))


@dataclass(frozen=True)
class IsolationRecord:
    """What the job's isolation achieved (isolation.json; ``runtime.isolation.enter_job``).

    Attributes:
        namespaces: the job had user and IPC namespaces of its own (and so its hidden
            calls private pid namespaces).
        keyring: the job joined a new session key ring of its own.
        filtered: the seccomp filter was installed.
    """

    namespaces: bool
    keyring: bool
    filtered: bool

    def reductions(self) -> list[str]:
        """One phrase per protection the job lacked, for a person (empty: full isolation)."""
        lost = []
        if not self.namespaces:
            lost.append("no user and IPC namespaces of its own: it shared the sandbox's "
                        "IPC namespace with earlier jobs of the same warm sandbox, and its "
                        "hidden calls ran without a private pid namespace")
        if not self.keyring:
            lost.append("no session key ring of its own: keys of earlier jobs were reachable")
        if not self.filtered:
            lost.append("no seccomp filter: system calls a notebook never needs were allowed")
        return lost

    def to_json(self) -> str:
        """The text of isolation.json."""
        return json.dumps({"namespaces": self.namespaces, "keyring": self.keyring,
                           "filtered": self.filtered})

    @classmethod
    def from_json(cls, text: str) -> IsolationRecord:
        """Parse isolation.json; raises ProtocolError."""
        raw = loads(text, "isolation.json")
        return cls(bool_field(raw, "namespaces"), bool_field(raw, "keyring"),
                   bool_field(raw, "filtered"))
