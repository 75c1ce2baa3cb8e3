"""Run test code in a fresh interpreter, where nothing of pytest's process is loaded."""

from __future__ import annotations

import subprocess
import sys

from graders.sandbox.base import runtime_dir

__all__ = ["run_fresh"]


def run_fresh(code: str, *, runtime: bool = False) -> str:
    """What ``code`` prints when run by a new Python (the registries, ``sys.modules`` and
    every cache start empty, as in a grading worker or the sandbox's server); fails the test,
    with its standard error, if it does not exit with 0. With ``runtime``, ``code`` imports
    the sandbox's modules as the sandbox does (``from runtime.isolation import ...``)."""
    if runtime:
        code = f"import sys\nsys.path.insert(0, {str(runtime_dir().parent)!r})\n{code}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
