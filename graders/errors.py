"""The exception tree of the grader, in one place.

    GraderError                 base of everything the grader raises on purpose
    ├── ConfigError             nbgrader_config.py or the course layout is wrong (names the file)
    ├── ReleaseLeak             a released notebook contains hidden material (names the cell)
    ├── UnsafeArchive           `mml collect` refused an archive (names the entry and the reason)
    ├── SandboxUnavailable      no sandbox backend can run here, and unsafe mode was not chosen
    └── Ungradable              one submission cannot be graded (the reason is shown to the TA)

`Mismatch` is not an error of the grader: the judge raises it inside a check
when a student's output is wrong, and the check turns it into a failed verdict.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "GraderError",
    "Mismatch",
    "ReleaseLeak",
    "SandboxUnavailable",
    "Ungradable",
    "UnsafeArchive",
]


class GraderError(Exception):
    """Base class of the grader's own errors."""


class ConfigError(GraderError):
    """The course configuration or layout is wrong; the message names the file and the fix."""


class ReleaseLeak(GraderError):
    """A released notebook contains solution, hidden-test or reference text."""


class SandboxUnavailable(GraderError):
    """No sandbox backend is usable, and unsafe local mode was not explicitly chosen."""


class UnsafeArchive(GraderError):
    """A bulk-download archive was refused as a whole (a path escaping the folder, a link, a
    device file, too many entries or bytes, a zip bomb); nothing was imported."""


class Ungradable(GraderError):
    """This submission cannot be graded; the message is the reason shown for this student."""


class Mismatch(Exception):
    """A student's output failed a comparison; the message never contains hidden expected values."""
