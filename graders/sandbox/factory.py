"""Choose the sandbox backend named in the course settings, or refuse."""

from __future__ import annotations

import shutil

from graders.config import Course
from graders.errors import SandboxUnavailable
from graders.sandbox.base import Limits, Sandbox
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.docker import DockerSandbox, engine_command
from graders.sandbox.docker_warm import WarmDockerSandbox
from graders.sandbox.unsafe import UnsafeSandbox
from graders.sandbox.warm import WarmBwrapSandbox

__all__ = ["limits_of", "make_sandbox", "preflight"]


def make_sandbox(course: Course, *, warm: bool = False) -> Sandbox:
    """The backend of ``c.MMLGrader.sandbox``; SandboxUnavailable with the fix if it cannot run.

    ``warm`` asks for a long-lived sandbox that grades many submissions in turn
    (a batch worker's): bubblewrap's, or docker's in ``docker_mode = "warm"`` (the
    default); docker's strict mode and the unsafe backend start one per job.
    """
    name = course.grader.sandbox
    if name == "bwrap":
        if shutil.which("bwrap") is None:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed: run `apt-get install bubblewrap` "
                "(or `make bootstrap`), or set c.MMLGrader.sandbox = 'docker' in "
                f"{course.root / 'nbgrader_config.py'}")
        base = BwrapSandbox(host_uid=course.grader.sandbox_uid, scratch=course.scratch_dir())
        if warm:
            return WarmBwrapSandbox(limits_of(course, course.grader.submission_timeout),
                                    base=base)
        return base
    if name == "docker":
        return _docker(course, warm)
    if name == "unsafe":
        if not course.grader.allow_unsafe:
            raise SandboxUnavailable(
                "the 'unsafe' backend runs student code without isolation; set "
                "c.MMLGrader.allow_unsafe = True in nbgrader_config.py to accept that")
        return UnsafeSandbox()
    raise SandboxUnavailable(f"unknown sandbox backend {name!r} in nbgrader_config.py "
                             "(choose 'bwrap', 'docker' or 'unsafe')")


def preflight(course: Course) -> None:
    """Raise SandboxUnavailable, with the fix, unless the course's backend can grade here.

    A batch calls this before it starts its workers: a backend that cannot run there
    (bubblewrap missing; no engine, no image, or an image built from another
    ``graders/runtime``) would otherwise fail in every worker, and every submission
    would come back ungradable. It starts nothing (the docker check is one ``image
    inspect``).
    """
    make_sandbox(course)


def _docker(course: Course, warm: bool) -> Sandbox:
    """The docker backend in ``c.MMLGrader.docker_mode`` (a batch worker's warm container)."""
    g = course.grader
    if g.docker_mode not in ("warm", "strict"):
        raise SandboxUnavailable(f"unknown c.MMLGrader.docker_mode {g.docker_mode!r} in "
                                 f"{course.root / 'nbgrader_config.py'} (choose 'warm' or "
                                 "'strict')")
    engine = engine_command(g.docker_command)
    docker = DockerSandbox(image=g.docker_image, engine=engine)
    problem = docker.unavailable()
    if problem is not None:
        raise SandboxUnavailable(f"{problem} ({course.root / 'nbgrader_config.py'})")
    if warm and g.docker_mode == "warm":
        return WarmDockerSandbox(limits_of(course, g.submission_timeout), image=g.docker_image,
                                 engine=engine)
    return docker


def limits_of(course: Course, wall_seconds: float) -> Limits:
    """The course's resource limits for a run of at most ``wall_seconds``."""
    g = course.grader
    return Limits(memory_mb=g.memory_mb, max_processes=g.max_processes,
                  wall_seconds=min(wall_seconds, g.submission_timeout),
                  scratch_mb=g.scratch_mb, cpu_seconds=g.cpu_seconds)
