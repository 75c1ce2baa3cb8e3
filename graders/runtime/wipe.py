"""Emptying a directory tree that a hostile student made: iterative, never raising.

The warm server (``runtime/server.py``) wipes the scratch folders between two
students, and the host (``graders/sandbox/warm.py``) removes a warm sandbox's
folders when it is replaced or closed. Both meet trees a student shaped: thousands
of levels deep (a recursive walk meets ``RecursionError``, and a path that long
meets ``ENAMETOOLONG``), folders made unreadable, links planted to point elsewhere.
So the walk here keeps an explicit stack of names, holds one directory descriptor
at a time and names every entry relative to it (``*at`` calls, so depth costs no
path length and no descriptors), never follows a link, never enters another
filesystem (mount points, and the folders that hold them, stay) and catches every
``OSError``: it removes what it can and never raises.
"""

from __future__ import annotations

import os
import stat

__all__ = ["remove_tree", "wipe"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _scan(fd: int, device: int) -> list[str]:
    """Unlink every non-directory in ``fd``; return its subdirectories on ``device``."""
    subdirs: list[str] = []
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                    if st.st_dev != device:
                        continue  # a mount point (or a file bound over): it stays
                    if stat.S_ISDIR(st.st_mode):
                        subdirs.append(entry.name)
                    else:
                        os.unlink(entry.name, dir_fd=fd)
                except OSError:
                    continue
    except OSError:
        pass
    return subdirs


def _enter(fd: int, name: str, device: int) -> int | None:
    """Open subdirectory ``name`` of ``fd`` (made accessible first); None if it cannot be."""
    try:
        os.chmod(name, stat.S_IRWXU, dir_fd=fd)  # a folder a student made unreadable
    except OSError:
        pass
    try:
        sub = os.open(name, _DIR_FLAGS, dir_fd=fd)
    except OSError:
        return None
    try:
        if os.fstat(sub).st_dev == device:
            return sub
    except OSError:
        pass
    os.close(sub)
    return None


def _empty(top: int) -> None:
    """Remove everything below the open directory ``top`` (depth first, no recursion).

    ``stack`` holds, for each level entered, the name of the folder entered and the
    subdirectories of its parent still to visit; going back up opens ``..``.
    """
    device = os.fstat(top).st_dev
    fd, pending = top, _scan(top, device)
    stack: list[tuple[str, list[str]]] = []
    try:
        while True:
            if pending:
                name = pending.pop()
                sub = _enter(fd, name, device)
                if sub is None:
                    continue
                stack.append((name, pending))
                if fd != top:
                    os.close(fd)
                fd, pending = sub, _scan(sub, device)
                continue
            if not stack:
                return
            name, pending = stack.pop()
            parent = top if not stack else os.open("..", _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = parent
            try:
                os.rmdir(name, dir_fd=fd)
            except OSError:
                pass  # still holds a mount point: it stays
    finally:
        if fd != top:
            os.close(fd)


def wipe(directory: str) -> None:
    """Remove everything inside ``directory``, which stays (it may be a mount point).

    Never raises: what cannot be removed (mount points and the folders holding them)
    stays, and the rest goes.
    """
    try:
        top = os.open(directory, _DIR_FLAGS)
    except OSError:
        return
    try:
        _empty(top)
    except OSError:
        pass
    finally:
        os.close(top)


def remove_tree(directory: str) -> None:
    """Remove ``directory`` and everything in it, as far as possible; never raises."""
    wipe(directory)
    try:
        os.rmdir(directory)
    except OSError:
        pass
