"""The warm bubblewrap backend: one long-lived sandbox per worker, a forked child per job.

A fresh sandboxed Python costs about 0.25 s before any student code runs
(interpreter, numpy, IPython). Here each grading worker keeps one bwrap sandbox
running the warm server (``graders/runtime/server.py``), which has paid those
imports once, and forks a clean child per submission. Between two submissions
the server kills every other process in the sandbox and wipes the scratch
directory, ``/tmp`` and ``/dev/shm``; the host also empties the job's exchange
folders. A job that outlives its wall-clock limit, or a child that kills the
server, costs the sandbox: it is killed whole and a new one starts for the next
job. Isolation is the bwrap backend's (same namespaces, mounts and limits).
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graders.sandbox import cgroup
from graders.sandbox.base import Job, Limits, SandboxRun, set_rlimits
from graders.sandbox.bwrap import BwrapSandbox, sandbox_env

__all__ = ["WarmBwrapSandbox"]

START_TIMEOUT = 60.0


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    group: cgroup.CGroup | None
    root: Path

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        if self.group is not None:
            self.group.kill_all()


def _readline(stream: IO[bytes], timeout: float) -> str | None:
    """One line from the server, or None on time-out or end of stream."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        return None
    line = stream.readline()
    return line.decode("utf-8", "replace").strip() if line else None


@dataclass
class WarmBwrapSandbox:
    """A per-worker warm sandbox; ``run`` has the one-shot backend's contract.

    Attributes:
        limits: the limits the server's sandbox is started with (memory, processes).
        base: the one-shot backend whose command line this extends.
    """

    limits: Limits = field(default_factory=Limits)
    base: BwrapSandbox = field(default_factory=BwrapSandbox)
    name: str = "bwrap"
    _server: _Server | None = None

    def _command(self, root: Path) -> list[str]:
        job = Job(root / "inbox", root / "outbox", root / "work", self.limits)
        targets = {"/job": "/inbox", "/out": "/outbox"}  # the one-shot mounts, renamed
        cmd = [targets.get(a, a) for a in self.base.command(job)]
        return [*cmd[: cmd.index("runtime.executor")], "runtime.server",
                "/inbox", "/outbox", "/home/student"]

    def _start(self) -> _Server:
        root = Path(tempfile.mkdtemp(prefix="mml-warm-"))
        for d in ("inbox", "outbox", "work"):
            (root / d).mkdir()
        group = cgroup.create(self.limits.max_processes, self.limits.memory_mb * 2 * 2**20)
        server_limits = Limits(self.limits.memory_mb, self.limits.max_processes,
                               wall_seconds=10**6, file_mb=self.limits.file_mb,
                               open_files=self.limits.open_files)

        def preexec() -> None:
            if group is not None:
                group.enter()
            set_rlimits(server_limits)

        proc = subprocess.Popen(self._command(root), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=sandbox_env(), start_new_session=True, preexec_fn=preexec)
        server = _Server(proc, group, root)
        assert proc.stdout is not None
        if _readline(proc.stdout, START_TIMEOUT) != "ready":
            server.kill()
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError("the warm sandbox did not start (is bubblewrap working?)")
        return server

    def run(self, job: Job) -> SandboxRun:
        """Run one job in the warm sandbox (starting it if needed)."""
        start = time.perf_counter()
        if self._server is None or self._server.proc.poll() is not None:
            self._server = self._start()
        server = self._server
        job_id = uuid.uuid4().hex
        inbox, outbox = server.root / "inbox" / job_id, server.root / "outbox" / job_id
        shutil.copytree(job.job_dir, inbox)
        outbox.mkdir()
        assert server.proc.stdin is not None and server.proc.stdout is not None
        try:
            server.proc.stdin.write(f"{job_id}\n".encode())
            server.proc.stdin.flush()
            answer = _readline(server.proc.stdout, job.limits.wall_seconds)
        except (BrokenPipeError, OSError):
            answer = None
        ok = answer == f"done {job_id}"
        if not ok:
            server.kill()
            self._server = None
        for item in outbox.iterdir():
            shutil.move(str(item), job.out_dir / item.name)
        shutil.rmtree(inbox, ignore_errors=True)
        shutil.rmtree(outbox, ignore_errors=True)
        timed_out = not ok and answer is None and server.proc.returncode in (None, -9)
        return SandboxRun(0 if ok else -9, timed_out, time.perf_counter() - start, "")

    def close(self) -> None:
        """Stop the server and remove its folders."""
        if self._server is not None:
            self._server.kill()
            shutil.rmtree(self._server.root, ignore_errors=True)
            self._server = None
