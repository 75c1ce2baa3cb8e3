"""The docker backend: one container per submission, from the course's grading image.

The container gets no network, a read-only root, scratch and ``/tmp`` as tmpfs capped
at ``scratch_mb`` (charged to the container's memory), memory and pid
limits, no capabilities, ``no-new-privileges`` and a non-root user; the judge
stays outside. No Docker engine runs on the project's own machines, so the
command construction is unit-tested and a real run is tested only where
``docker info`` succeeds.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from graders.sandbox.base import Job, SandboxRun, run_with_limits

__all__ = ["DockerSandbox"]


@dataclass
class DockerSandbox:
    """Run the executor in a container of ``image`` (built from the repository's Dockerfile)."""

    image: str = "mml-grader:latest"
    docker: str = shutil.which("docker") or "docker"
    name: str = "docker"

    def command(self, job: Job) -> list[str]:
        """The ``docker run`` command line of one job."""
        lim = job.limits
        return [
            self.docker, "run", "--rm", "--network", "none", "--read-only",
            "--tmpfs", f"/tmp:rw,size={lim.scratch_mb}m",
            "--tmpfs", f"/home/student:rw,size={lim.scratch_mb}m,uid=1000,gid=1000",
            "--memory", f"{lim.memory_mb}m",
            "--memory-swap", f"{lim.memory_mb}m", "--pids-limit", str(lim.max_processes),
            "--cpus", "1", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", "1000:1000", "--ulimit", f"fsize={lim.file_mb * 1024 * 1024}",
            "--ulimit", f"nofile={lim.open_files}",
            "-v", f"{job.job_dir}:/job:ro", "-v", f"{job.out_dir}:/out:rw",
            "-w", "/opt/mml",
            "--stop-timeout", "1", self.image,
            "python", "-E", "-s", "-m", "runtime.executor", "/job", "/out", "/home/student",
        ]

    def run(self, job: Job) -> SandboxRun:
        """Run one job in a fresh container (removed afterwards)."""
        return run_with_limits(self.command(job), job.limits, env={"PATH": "/usr/bin:/bin"})
