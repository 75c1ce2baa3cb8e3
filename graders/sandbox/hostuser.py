"""Run bubblewrap as an unprivileged host user when the grader runs as root.

bwrap maps the sandbox's uid (1000 inside) to the uid that runs bwrap. A grader run
as root therefore gave student code the host's root outside its user namespace:
what it wrote was root's, a file of root's it could reach (mode 0600 beside the job
folders) was readable, and its per-user kernel accounting (processes, pipe buffers,
key quotas) was root's, shared with the whole host. So a root grader runs bwrap as
``c.MMLGrader.sandbox_uid`` (:data:`DEFAULT_UID`, 65534 "nobody": present on every
Debian/Ubuntu host, owning no files and no login, reserved by convention for
processes that must own nothing; a host where other services run as nobody can name
a dedicated unused uid instead, so that no per-user kernel limit is shared with
them). A grader that is not root already runs bwrap unprivileged: nothing changes.

Three things make that work (:meth:`Staging.enter` runs in bwrap's process before exec):

- Reach. bwrap, as that uid, resolves every folder it binds by path, and the
  interpreter may live where it cannot (under root's home, mode 0700), as do
  the job folders (the host's temporary folders, 0700). Each source folder is bound,
  as root, onto an empty folder of a staging directory the uid can reach, in a
  private mount namespace of bwrap's own process (a slave of the host's: nothing
  propagates back, and the binds vanish with the process), and bwrap binds from
  there. The host's folders keep their modes; only the files' own modes matter (an
  installed interpreter's are world-readable; :func:`hand_over` opens the job's).
- Hand-over. The job folder is made readable to others and its outbox folder is owned
  by that uid; the host reads results as root, never through a link.
- Process count. RLIMIT_NPROC also counts per host uid, across every sandbox of that uid
  (two workers), so one student's fork bomb would starve the other worker's. bwrap runs
  under the grader's own process limit (:func:`outer_limits`: a root without
  CAP_SYS_RESOURCE could not raise it back) and ``prlimit`` sets the sandbox's inside it,
  where the count is that sandbox's user namespace's alone (the pids cgroup still bounds
  the whole).

Where the host refuses (no ``prlimit``, or bwrap cannot run as that uid), the sandbox runs
mapped to root as before and every result says so: :func:`refusal` is the flag's text.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import resource
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from graders.sandbox.base import STAGE_PREFIX, Limits, owned_by_me

__all__ = ["DEFAULT_UID", "PRLIMIT", "HostUser", "Staging", "hand_over", "host_user",
           "open_tree", "outer_limits", "prlimit_available", "refusal"]

DEFAULT_UID = 65534
PRLIMIT = "/usr/bin/prlimit"
_CLONE_NEWNS, _MS_BIND, _MS_REC, _MS_SLAVE = 0x00020000, 4096, 16384, 1 << 19


@dataclass(frozen=True)
class HostUser:
    """The unprivileged host identity bwrap runs as (and so the sandbox, outside it).

    Attributes:
        uid: the host uid (``c.MMLGrader.sandbox_uid``).
        gid: its primary group (the account's, or the same number when it has none).
    """

    uid: int
    gid: int

    def limit_prefix(self, max_processes: int) -> list[str]:
        """The command that sets the sandbox's own process limit before the interpreter."""
        return [PRLIMIT, f"--nproc={max_processes}:{max_processes}", "--"]


def host_user(uid: int) -> HostUser | None:
    """The host user to run bwrap as; None when the grader is not root, or ``uid`` is 0."""
    if os.geteuid() != 0 or uid == 0:
        return None
    try:
        gid = pwd.getpwuid(uid).pw_gid
    except KeyError:
        gid = uid
    return HostUser(uid, gid)


def outer_limits(limits: Limits) -> Limits:
    """The rlimits of bwrap itself as the host user: ``limits`` with the grader's own
    process limit (the sandbox's is set inside, by ``prlimit``)."""
    return replace(limits, max_processes=resource.getrlimit(resource.RLIMIT_NPROC)[1])


def refusal(uid: int, why: str) -> str:
    """The reduced-isolation flag's text when bwrap could not run as ``uid`` (0: not asked)."""
    if uid == 0:
        return "the sandbox ran as the host's root (c.MMLGrader.sandbox_uid = 0)"
    return (f"the sandbox ran as the host's root, not as uid {uid} ({why}; check that uid "
            f"{uid} can run `bwrap --ro-bind / / true` and read the interpreter, or set "
            "c.MMLGrader.sandbox_uid in nbgrader_config.py)")


def open_tree(top: Path, dir_mode: int = 0o755, file_mode: int = 0o644) -> None:
    """chmod ``top`` and everything under it, except links.

    The tree is the host's own copy of a job, so it holds no link; one would be left as it
    is, never followed (its target may be outside the tree), and Linux cannot chmod a link.
    """
    top.chmod(dir_mode)
    for base, dirs, files in os.walk(top):
        for names, mode in ((dirs, dir_mode), (files, file_mode)):
            for name in names:
                path = os.path.join(base, name)
                if not os.path.islink(path):
                    os.chmod(path, mode, follow_symlinks=False)


def hand_over(job_dir: Path, out_dir: Path, user: HostUser) -> None:
    """Let ``user`` read the job and write (only) its own outbox folder."""
    open_tree(job_dir)
    os.chown(out_dir, user.uid, user.gid, follow_symlinks=False)
    out_dir.chmod(0o700)


@dataclass
class Staging:
    """The folders bwrap binds, each reachable by the host user through a staging folder.

    Attributes:
        user: who bwrap runs as.
        top: the staging directory (mode 0755; its folders are empty on the host).
        binds: (host source, staging folder) pairs, bound in bwrap's own mount namespace.
    """

    user: HostUser
    top: Path
    binds: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def create(cls, user: HostUser, parent: Path | None = None) -> Staging:
        """A fresh staging directory in ``parent`` (the temporary folder by default)."""
        top = Path(tempfile.mkdtemp(prefix=owned_by_me(STAGE_PREFIX), dir=parent))
        top.chmod(0o755)
        return cls(user, top)

    def path(self, source: str) -> str:
        """The staging folder bwrap binds in place of ``source`` (one per source)."""
        for known, staged in self.binds:
            if known == source:
                return staged
        folder = self.top / str(len(self.binds))
        folder.mkdir()
        folder.chmod(0o755)
        self.binds.append((source, str(folder)))
        return str(folder)

    def enter(self) -> None:
        """In bwrap's process before exec, as root: private binds, then the host user.

        Raises OSError when the kernel refuses a step (the caller falls back to root).
        """
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        _mount(libc, None, "/", _MS_REC | _MS_SLAVE)
        for source, staged in self.binds:
            _mount(libc, source, staged, _MS_BIND | _MS_REC)
        os.setgroups([])
        os.setgid(self.user.gid)
        os.setuid(self.user.uid)

    def remove(self) -> None:
        """Remove the staging directory (its folders are empty on the host)."""
        shutil.rmtree(self.top, ignore_errors=True)


def _mount(libc: ctypes.CDLL, source: str | None, target: str, flags: int) -> None:
    src = None if source is None else os.fsencode(source)
    if libc.mount(src, os.fsencode(target), None, flags, None) != 0:
        raise OSError(ctypes.get_errno(), f"mount {source} on {target}")


def prlimit_available() -> bool:
    """Whether ``prlimit`` (util-linux) is where the sandbox finds it (under /usr)."""
    return os.access(PRLIMIT, os.X_OK)
