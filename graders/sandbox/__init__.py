"""Sandbox backends: run the executor on one job with no secrets, no network, hard limits.

A backend is anything with a ``name`` and a ``run(job) -> SandboxRun`` method
(:class:`Sandbox`). ``bwrap`` (bubblewrap) is the local default; ``docker`` runs
a warm container per worker (or, strict, one per submission) of the grading image;
:func:`preflight` checks before a batch that the backend can run; ``unsafe`` runs
the executor as a plain subprocess and exists only for machines with neither, behind
an explicit opt-in.
"""

from __future__ import annotations

from graders.sandbox.base import Job, Limits, Sandbox, SandboxRun, runtime_dir
from graders.sandbox.factory import limits_of, make_sandbox, preflight

__all__ = ["Job", "Limits", "Sandbox", "SandboxRun", "limits_of", "make_sandbox", "preflight",
           "runtime_dir"]
