"""Writing the outbox from inside the sandbox: whole records and progress markers.

The host reads the outbox only once every process of the run is gone, but a run
may be killed at any instant: a record is written to a temporary name and
renamed, so that the host finds a whole record or none (never half of one).
"""

from __future__ import annotations

import os

__all__ = ["touch", "write_record"]


def write_record(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the host never sees half a record)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def touch(path: str) -> None:
    """Create the empty progress marker ``path``."""
    with open(path, "w"):
        pass
