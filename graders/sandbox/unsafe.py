"""The unsafe backend: the executor as a plain subprocess, for machines with no sandbox.

Student code then runs with the grader's permissions: it can read the course
directory. It exists so that an instructor can try the system on a laptop, and
only behind ``c.MMLGrader.allow_unsafe = True``; every result it produces says
``sandbox: unsafe``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from graders.sandbox.base import Job, SandboxRun, run_with_limits, runtime_dir
from graders.sandbox.bwrap import sandbox_env

__all__ = ["UnsafeSandbox"]


@dataclass
class UnsafeSandbox:
    """Run the executor as a subprocess with rlimits only (no isolation)."""

    python: str = sys.executable
    name: str = "unsafe"

    def command(self, job: Job) -> list[str]:
        """The command line of one run (cwd is set to the runtime's parent)."""
        return [self.python, "-E", "-s", "-m", "runtime.executor",
                str(job.job_dir), str(job.out_dir), str(job.work_dir)]

    def run(self, job: Job) -> SandboxRun:
        """Run one job as a subprocess of this process, in its own session."""
        argv = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', str(runtime_dir().parent),
                *self.command(job)]
        return run_with_limits(argv, job.limits, env=sandbox_env())
