"""Per-sandbox control groups: a process-count and a memory limit for the whole tree.

rlimits are per process, and RLIMIT_NPROC does not bind root; a cgroup bounds
the sandbox as a whole (a fork bomb hits ``pids.max``, a memory bomb spread over
many processes hits the memory limit) and lets the host kill every process in
it. Both cgroup v1 (``/sys/fs/cgroup/pids``, ``/sys/fs/cgroup/memory``) and v2
(``/sys/fs/cgroup`` with ``cgroup.controllers``) are handled; where neither is
writable, :func:`create` returns None and the rlimits stand alone (the result
says so).
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CGroup", "create"]

_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class CGroup:
    """The cgroup directories of one sandbox (one per controller on v1, one on v2)."""

    dirs: tuple[Path, ...]

    def enter(self) -> None:
        """Move the calling process into the cgroup (runs in the child before exec)."""
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self) -> set[int]:
        """Processes currently in the cgroup."""
        found: set[int] = set()
        for d in self.dirs:
            try:
                found.update(int(p) for p in (d / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return found

    def kill_all(self) -> None:
        """SIGKILL every process in the cgroup until it is empty, then remove it."""
        for _ in range(100):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass


def _v1(name: str, max_processes: int, memory_bytes: int) -> CGroup | None:
    pids_root, mem_root = _ROOT / "pids", _ROOT / "memory"
    if not (os.access(pids_root, os.W_OK) and (pids_root / "cgroup.procs").exists()):
        return None
    dirs = [pids_root / "mml" / name]
    dirs[0].mkdir(parents=True)
    (dirs[0] / "pids.max").write_text(str(max_processes))
    if os.access(mem_root, os.W_OK) and (mem_root / "cgroup.procs").exists():
        mem = mem_root / "mml" / name
        mem.mkdir(parents=True)
        (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
        dirs.append(mem)
    return CGroup(tuple(dirs))


def _v2(name: str, max_processes: int, memory_bytes: int) -> CGroup | None:
    if not ((_ROOT / "cgroup.controllers").exists() and os.access(_ROOT, os.W_OK)):
        return None
    parent = _ROOT / "mml"
    parent.mkdir(exist_ok=True)
    try:
        (parent / "cgroup.subtree_control").write_text("+pids +memory")
    except OSError:
        pass
    d = parent / name
    d.mkdir()
    if (d / "pids.max").exists():
        (d / "pids.max").write_text(str(max_processes))
    if (d / "memory.max").exists():
        (d / "memory.max").write_text(str(memory_bytes))
    return CGroup((d,))


def create(max_processes: int, memory_bytes: int) -> CGroup | None:
    """Create a fresh cgroup with these limits, or None where cgroups are not writable."""
    name = uuid.uuid4().hex
    try:
        return _v1(name, max_processes, memory_bytes) or _v2(name, max_processes, memory_bytes)
    except OSError:
        return None
