"""The warm bubblewrap backend: one long-lived sandbox per worker, a forked child per job.

A fresh sandboxed Python costs about 0.25 s before any student code runs
(interpreter, numpy, IPython). Here each grading worker keeps one bwrap sandbox
running the warm server (``graders/runtime/server.py``), which has paid those
imports once, and forks a clean child per submission. Between two submissions
the server kills every other process in the sandbox and wipes the scratch
directory, ``/tmp`` and ``/dev/shm`` (size-limited tmpfs inside the sandbox); the
host empties the whole outbox, not just the job's folder, so nothing a student
writes there reaches the next one. A job that outlives its wall-clock limit, or a
child that kills the server, costs the sandbox: it is killed whole, its folder is
removed, and a new one starts for the next job. Isolation is the bwrap backend's
(same namespaces, mounts and limits).

The sandbox's folder (``mml-warm-<pid>-*`` in the temp directory) holds the inbox
(the host's copy of the job, read-only inside) and the outbox. The outbox is
written by the student's code and read by the host, so it gets a bound a student
cannot exceed: the host mounts a tmpfs of ``Limits.scratch_mb`` over it. A tmpfs is
the simplest robust choice: its size is enforced by the kernel whatever the host's
filesystem, its pages are charged to the writer's memory cgroup (the sandbox's),
and unmounting it frees everything at once however deep or locked a student made
the tree. Mounting needs root on the host; where the host refuses, the outbox stays
on the host's disk, bounded per file only (RLIMIT_FSIZE, ``Limits.file_mb``) and
emptied after every job. The folder goes when the sandbox is replaced or closed
(the batch's workers close theirs when they exit); one left by a worker killed
outright (its pid is gone) is removed when the next warm sandbox starts.

When the grader runs as root, the server's bwrap runs as the unprivileged host uid of
``c.MMLGrader.sandbox_uid`` (:mod:`graders.sandbox.hostuser`): the folders it binds
are staged in its own mount namespace, the sandbox's folder, inbox and outbox are
traversable but not listable (0711; the outbox tmpfs too, so nothing can be written
beside a job's folder), each job's inbox folder is readable and its outbox folder
owned by that uid. A host where that server does not start (no unprivileged user
namespaces, an unreadable interpreter) gets a server mapped to root, as before, and
every result it grades says so.
"""

from __future__ import annotations

import ctypes
import os
import re
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

from graders.runtime.wipe import remove_tree, wipe
from graders.sandbox import cgroup
from graders.sandbox.base import (
    JOB_PREFIX,
    STAGE_PREFIX,
    WARM_PREFIX,
    Job,
    Limits,
    SandboxRun,
    owned_by_me,
    runtime_dir,
    set_rlimits,
)
from graders.sandbox.bwrap import BwrapSandbox, sandbox_env
from graders.sandbox.hostuser import HostUser, Staging, hand_over, outer_limits

__all__ = ["WarmBwrapSandbox"]

START_TIMEOUT = 60.0
#: A folder of this host's grading processes, and the pid of the one that made it.
_STALE = re.compile(rf"^(?:{WARM_PREFIX}|{JOB_PREFIX}|{STAGE_PREFIX})(\d+)-")
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MNT_DETACH = 2, 4, 8, 2


def _mount_outbox(path: Path, size_mb: int) -> bool:
    """Mount a tmpfs of ``size_mb`` MiB over ``path``; False where the host refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={size_mb}m,mode=0700".encode()
    return int(libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs",
                          _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, options)) == 0


def _remove_root(root: Path) -> None:
    """Remove a warm sandbox's folder: unmount its outbox (if mounted), then the rest."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.umount2(os.fsencode(root / "outbox"), _MNT_DETACH)  # fails harmlessly if unmounted
    remove_tree(str(root))


def _compile_runtime() -> None:
    """Write the bytecode of ``graders/runtime`` beside its sources, where the sandbox finds it.

    The sandbox mounts that folder read-only, so a module there without an up-to-date
    ``.pyc`` (the host never imports the server, the executor, the seccomp filter...) was
    compiled from source at every server start (about 0.035 s of CPU each). compileall
    writes only what is missing or stale, atomically; where the folder is not writable (a
    read-only install) it writes nothing and the server compiles as before. The bytecode
    is the host's own compilation of the same trusted sources, so nothing a student can
    reach changes.
    """
    import compileall

    try:
        compileall.compile_dir(str(runtime_dir()), quiet=2)
    except OSError:
        return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(tmpdir: Path) -> None:
    """Remove the folders of workers that died without removing them: their warm
    sandboxes', their jobs' and their staging folders (a live process's stay)."""
    try:
        names = os.listdir(tmpdir)
    except OSError:
        return
    for name in names:
        match = _STALE.match(name)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            _remove_root(tmpdir / name)


def _move_results(outbox: Path, out_dir: Path) -> None:
    """Move what the job wrote to its outbox folder into ``out_dir`` (what fails, stays)."""
    try:
        items = list(outbox.iterdir())
    except OSError:
        return
    for item in items:
        try:
            shutil.move(str(item), out_dir / item.name)
        except (OSError, shutil.Error, RecursionError):
            continue  # a tree a student shaped: the host reads none of it anyway


class _HostRefused(Exception):
    """bwrap could not be started as the host user (the next start maps to root)."""


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    group: cgroup.CGroup | None
    root: Path
    ready: bool = False
    user: HostUser | None = None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        if self.group is not None:
            self.group.kill_all()

    def discard(self) -> None:
        """Kill the sandbox and remove its folder."""
        self.kill()
        _remove_root(self.root)


def _readline(stream: IO[bytes], timeout: float) -> str | None:
    """One line from the server; None on time-out, "" at end of stream (it died)."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        return None
    line = stream.readline()
    return line.decode("utf-8", "replace").strip() if line else ""


def _ask(server: _Server, job_id: str, timeout: float) -> str | None:
    """Send one job id to the server; its answer, None on time-out, "" if it died."""
    assert server.proc.stdin is not None and server.proc.stdout is not None
    try:
        server.proc.stdin.write(f"{job_id}\n".encode())
        server.proc.stdin.flush()
    except OSError:
        return ""
    return _readline(server.proc.stdout, timeout)


@dataclass
class WarmBwrapSandbox:
    """A per-worker warm sandbox; ``run`` has the one-shot backend's contract.

    Attributes:
        limits: the limits the server's sandbox is started with (memory, processes,
            scratch and outbox size).
        base: the one-shot backend whose command line this extends.
        bounded_outbox: whether the current sandbox's outbox is a size-limited tmpfs.
        imports: the top-level packages the notebooks import (``numpy``, ``scipy``...): the
            server preloads only the heavy modules of these (``runtime/server.py``'s
            ``PRELOAD``); None preloads them all. Only a matter of speed: a module not
            preloaded is imported by the job that needs it.
    """

    limits: Limits = field(default_factory=Limits)
    base: BwrapSandbox = field(default_factory=BwrapSandbox)
    name: str = "bwrap"
    bounded_outbox: bool = False
    imports: tuple[str, ...] | None = None
    _server: _Server | None = None

    def _command(self, root: Path, stage: Staging | None = None) -> list[str]:
        job = Job(root / "inbox", root / "outbox", root / "work", self.limits)
        targets = {"/job": "/inbox", "/out": "/outbox"}  # the one-shot mounts, renamed
        cmd = [targets.get(a, a) for a in self.base.command(job, stage)]
        cpu = int(self.limits.cpu_seconds) or int(self.limits.wall_seconds) + 5
        preload = [] if self.imports is None else [",".join(self.imports)]
        return [*cmd[: cmd.index("runtime.executor")], "runtime.server",
                "/inbox", "/outbox", "/home/student", str(cpu), *preload]

    def _start(self) -> _Server:
        tmpdir = Path(self.base.scratch or tempfile.gettempdir())
        _remove_stale(tmpdir)
        _compile_runtime()
        root = Path(tempfile.mkdtemp(prefix=owned_by_me(WARM_PREFIX), dir=tmpdir))
        try:
            return self._launch(root)
        except _HostRefused:
            _remove_root(root)
            return self._start()  # mapped to root now: the base says why
        except BaseException:
            _remove_root(root)
            raise

    def _launch(self, root: Path) -> _Server:
        """Make the sandbox's folders and spawn its server (the caller removes ``root``).

        Returns at once: the server boots (its imports take most of a second) while the
        caller goes on; :meth:`_ready` waits for it.
        """
        for d in ("inbox", "outbox"):
            (root / d).mkdir()
        self.bounded_outbox = _mount_outbox(root / "outbox", self.limits.scratch_mb)
        stage = self._stage(root)
        group = cgroup.create(self.limits.max_processes, self.limits.memory_mb * 2 * 2**20)
        server_limits = Limits(self.limits.memory_mb, self.limits.max_processes,
                               wall_seconds=10**6, file_mb=self.limits.file_mb,
                               open_files=self.limits.open_files,
                               scratch_mb=self.limits.scratch_mb)
        if stage is not None:
            server_limits = outer_limits(server_limits)

        def preexec() -> None:
            if group is not None:
                group.enter()
            set_rlimits(server_limits)
            if stage is not None:
                stage.enter()

        try:
            proc = subprocess.Popen(self._command(root, stage), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    env=sandbox_env(), start_new_session=True,
                                    preexec_fn=preexec)
        except (OSError, subprocess.SubprocessError) as exc:  # refused as the host user
            if group is not None:
                group.kill_all()
            if stage is None:
                raise
            self.base.refused = f"bwrap could not start as that uid: {exc}"
            raise _HostRefused from exc
        return _Server(proc, group, root, user=stage.user if stage is not None else None)

    def _stage(self, root: Path) -> Staging | None:
        """Where bwrap runs as the host user: open the folders to it, stage bwrap's sources.

        The sandbox's folder, inbox and outbox become 0711: that uid reaches its job's
        folders by name, lists nothing and writes nothing beside them.
        """
        user = self.base.host_user()
        if user is None:
            return None
        for folder in (root, root / "inbox", root / "outbox"):
            folder.chmod(0o711)
        return Staging.create(user, root)

    def _ready(self, server: _Server) -> _Server:
        """Wait until ``server`` says it is ready; one that does not is discarded.

        A server started as the host user that ends before saying so (bwrap refused to
        run as that uid) is replaced, once, by one mapped to root; its results are flagged.
        """
        assert server.proc.stdout is not None
        answer = "ready" if server.ready else _readline(server.proc.stdout, START_TIMEOUT)
        if answer != "ready":
            server.discard()
            self._server = None
            if server.user is None or answer is None:  # None: a time-out, not a refusal
                raise RuntimeError(self._start_failure())
            self.base.refused = "its warm server ended before it was ready as that uid"
            self._server = self._start()
            return self._ready(self._server)
        server.ready = True
        return server

    def _start_failure(self) -> str:
        """What to say, with the fix, when the server never said it was ready."""
        return (f"the warm bubblewrap sandbox did not start (no 'ready' within "
                f"{START_TIMEOUT:.0f} s): check that `bwrap --ro-bind / / true` runs here "
                "(unprivileged user namespaces must be allowed) and that the .venv is "
                "complete (`make bootstrap`), or set c.MMLGrader.sandbox = 'docker' in "
                "nbgrader_config.py")

    def start(self) -> None:
        """Start the sandbox now without waiting for it, so that it boots meanwhile.

        A worker calls this first and then loads its checks; the first :meth:`run` waits
        for the server. A start that fails here is tried again, and reported, by
        :meth:`run`.
        """
        if self._server is None:
            try:
                self._server = self._start()
            except Exception:  # in a pool's initializer, raising would break the pool
                self._server = None

    def run(self, job: Job) -> SandboxRun:
        """Run one job in the warm sandbox (starting it if needed).

        Afterwards the whole outbox is emptied (a student may have written beside the
        job's own folder); a sandbox that failed the job is killed and its folder removed.
        """
        start = time.perf_counter()
        if self._server is not None and self._server.proc.poll() is not None:
            self._server.discard()
            self._server = None
        if self._server is None:
            self._server = self._start()
        server = self._ready(self._server)
        job_id = uuid.uuid4().hex
        inbox, outbox = server.root / "inbox" / job_id, server.root / "outbox" / job_id
        shutil.copytree(job.job_dir, inbox)
        outbox.mkdir()
        self._hand_over(inbox, outbox, server.user)
        answer = _ask(server, job_id, job.limits.wall_seconds)
        ok = answer == f"done {job_id}"
        if not ok:
            server.kill()
        _move_results(outbox, job.out_dir)
        if ok:
            wipe(str(server.root / "outbox"))
            remove_tree(str(inbox))
        else:
            _remove_root(server.root)
            self._server = None
        timed_out = answer is None
        return SandboxRun(0 if ok else -9, timed_out, time.perf_counter() - start, "",
                          server_died=not ok and not timed_out,
                          reductions=self.base.reductions())

    def _hand_over(self, inbox: Path, outbox: Path, user: HostUser | None) -> None:
        """Make a job's folders usable inside: nothing to do when bwrap maps their owner
        (the grader's uid), else readable by ``user``, its outbox folder ``user``'s."""
        if user is not None:
            hand_over(inbox, outbox, user)

    def close(self) -> None:
        """Stop the server and remove its folder (idempotent)."""
        if self._server is not None:
            self._server.discard()
            self._server = None
