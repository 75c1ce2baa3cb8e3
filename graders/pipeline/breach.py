"""Limits breached, in plain words: what a student reads when a sandbox limit stopped a call.

The sandbox reports what it saw (``killed by signal 9``, ``MemoryError: ...``,
``[Errno 28] No space left on device``); only the host knows the limits in force, so
it adds which limit that was, with its configured value and the setting that holds
it (``c.MMLGrader.memory_mb``). The cell and call time limits and the output cap are
named by the runtime itself, which knows their values from the plan.
"""

from __future__ import annotations

import re

from graders.sandbox import Limits

__all__ = ["explain"]

_SIGNAL = re.compile(r"killed by signal (\d+)(?: \(out of memory or resource limit\?\))?")


def _signal_words(sig: int, limits: Limits) -> str:
    """What a process killed by ``sig`` inside the sandbox most likely ran into."""
    if sig == 9:
        return (f"killed: most likely the memory limit of {limits.memory_mb} MiB was reached "
                "(c.MMLGrader.memory_mb)")
    if sig == 24:
        cpu = int(limits.cpu_seconds) or int(limits.wall_seconds) + 5
        return f"killed: the CPU time limit of {cpu} s was reached (c.MMLGrader.cpu_seconds)"
    if sig == 25:
        return f"killed: the file size limit of {limits.file_mb} MiB was reached"
    return f"killed by signal {sig}"


def _hint(error: str, limits: Limits) -> str:
    """The limit an error message from student code points at, or ""."""
    if "MemoryError" in error:
        return (f"memory limit of {limits.memory_mb} MiB per process reached "
                "(c.MMLGrader.memory_mb)")
    if any(s in error for s in ("No space left on device", "Disk quota exceeded",
                                "Not enough free space")):
        return f"scratch disk limit of {limits.scratch_mb} MiB reached (c.MMLGrader.scratch_mb)"
    if "File too large" in error:
        return f"the file size limit of {limits.file_mb} MiB per file was reached"
    if "Resource temporarily unavailable" in error:
        return (f"probably the limit of {limits.max_processes} processes reached "
                "(c.MMLGrader.max_processes)")
    if "the sandbox timed out" in error:
        return (f"the sandbox ran past its wall-clock limit of {limits.wall_seconds:g} s "
                "(at most c.MMLGrader.submission_timeout)")
    return ""


def explain(error: str, limits: Limits) -> str:
    """``error`` with the limit it shows was breached named, with its configured value."""
    match = _SIGNAL.search(error)
    if match is not None:
        return _SIGNAL.sub(_signal_words(int(match.group(1)), limits), error, count=1)
    hint = _hint(error, limits)
    return f"{error} ({hint})" if hint else error
