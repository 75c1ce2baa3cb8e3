"""The process environment nbgrader expects, made explicit.

nbgrader's :class:`~nbgrader.api.Gradebook` shells out to the ``alembic`` command
when it creates a new database. When ``mml`` is run by path (``.venv/bin/mml``)
without activating the virtual environment, the environment's ``bin/`` is not on
``PATH`` and that call fails. :func:`ensure_tools_on_path` fixes this; the CLI
calls it at start, and every module that touches nbgrader calls it first.
"""

from __future__ import annotations

import os
import sys

__all__ = ["ensure_tools_on_path"]


def ensure_tools_on_path() -> None:
    """Prepend the running interpreter's directory to ``PATH`` if it is missing.

    Idempotent: calling it again leaves ``PATH`` unchanged.
    """
    tools = os.path.dirname(sys.executable)
    entries = os.environ.get("PATH", "").split(os.pathsep)
    if tools not in entries:
        os.environ["PATH"] = os.pathsep.join([tools, *[e for e in entries if e]])
