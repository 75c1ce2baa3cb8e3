"""A breached limit is named to the student in plain words, with its configured value."""

from __future__ import annotations

import pytest

from graders.pipeline.breach import explain
from graders.sandbox import Limits

LIMITS = Limits(memory_mb=300, max_processes=7, wall_seconds=42.0, scratch_mb=20,
                cpu_seconds=9.0)


@pytest.mark.parametrize(("error", "words"), [
    ("killed by signal 9 (out of memory or resource limit?)",
     "killed: most likely the memory limit of 300 MiB was reached (c.MMLGrader.memory_mb)"),
    ("killed by signal 24 (out of memory or resource limit?)",
     "killed: the CPU time limit of 9 s was reached (c.MMLGrader.cpu_seconds)"),
    ("MemoryError: Unable to allocate 64.0 GiB",
     "memory limit of 300 MiB per process reached (c.MMLGrader.memory_mb)"),
    ("OSError: [Errno 28] No space left on device",
     "scratch disk limit of 20 MiB reached (c.MMLGrader.scratch_mb)"),
    ("OSError: Not enough free space to write 16777216 bytes after offset 128",
     "scratch disk limit of 20 MiB reached (c.MMLGrader.scratch_mb)"),
    ("OSError: [Errno 27] File too large",
     f"the file size limit of {LIMITS.file_mb} MiB per file was reached"),
    ("BlockingIOError: [Errno 11] Resource temporarily unavailable",
     "the limit of 7 processes reached (c.MMLGrader.max_processes)"),
    ("the sandbox timed out while this function ran",
     "wall-clock limit of 42 s (at most c.MMLGrader.submission_timeout)"),
])
def test_each_breach_names_its_limit_and_value(error: str, words: str) -> None:
    assert words in explain(error, LIMITS)


def test_other_errors_are_left_alone() -> None:
    assert explain("ValueError: bad shape", LIMITS) == "ValueError: bad shape"
