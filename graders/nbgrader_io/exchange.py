"""nbgrader's exchange for the course, created as nbgrader's own commands expect it.

Students' ``nbgrader fetch_assignment``/``submit`` (or JupyterLab's Assignments tab) and the
instructor's ``nbgrader release_assignment``/``collect`` move notebooks through a shared
folder, the exchange. nbgrader never creates its root for students, so on a new server
``nbgrader list`` fails ("Unwritable directory, please contact your instructor").
:func:`setup_exchange` creates the root and the course's ``inbound``/``outbound`` folders with
the modes ``nbgrader release_assignment`` gives them (``nbgrader/exchange/default/
release_assignment.py``): everyone may enter the root and make folders in it; ``outbound`` is
readable by all and writable by the instructor; ``inbound`` is writable but not listable by
students (set-gid, mode 2733), so no student sees another's submission. With
``c.CourseDirectory.groupshared`` the instructors' group also gets write access, as there.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.config import Course
from graders.errors import ConfigError

__all__ = ["SCHEMA_VERSION", "ExchangeSetup", "exchange_root", "setup_exchange"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ExchangeSetup:
    """The course's exchange as :func:`setup_exchange` left it.

    Attributes:
        root: the exchange root (``c.Exchange.root``).
        course_id: the course's folder name in it (``c.CourseDirectory.course_id``).
        modes: each folder's path and its permission bits, root first.
        changed: the folders this call created or whose mode it set.
    """

    root: Path
    course_id: str
    modes: dict[Path, int]
    changed: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The versioned JSON form."""
        return {"schema_version": SCHEMA_VERSION, "root": str(self.root),
                "course_id": self.course_id,
                "modes": {str(p): oct(m) for p, m in self.modes.items()},
                "changed": [str(p) for p in self.changed]}


def exchange_root(course: Course) -> Path:
    """``c.Exchange.root`` from the course's configuration, else nbgrader's default."""
    configured = course.config.get("Exchange", {}).get("root")
    if configured:
        return Path(str(configured))
    from nbgrader.exchange.default.exchange import Exchange

    return Path(str(Exchange.class_traits()["root"].default()))


def _modes(root: Path, course_id: str, groupshared: bool) -> dict[Path, int]:
    """Each folder of the exchange and the mode nbgrader's release gives it."""
    group = stat.S_ISGID | stat.S_IWGRP if groupshared else 0
    public = 0o755 | group
    course_path = root / course_id
    return {root: 0o777 | group, course_path: public, course_path / "outbound": public,
            course_path / "inbound": 0o2733 | (stat.S_IRGRP if groupshared else 0)}


def _ensure(path: Path, mode: int) -> bool:
    """Create ``path`` with ``mode``, or set its mode; True when anything changed.

    A symbolic link is refused, not followed: the root is writable by everyone, so a link
    planted where the course's folder goes would have its target's mode changed.
    """
    if path.is_symlink():
        raise ConfigError(f"{path}: is a symbolic link (to {os.readlink(path)}), which nbgrader "
                          f"would follow; remove it and run `mml exchange` again")
    try:
        if not path.is_dir():
            path.mkdir(parents=True)  # the root's parents: default modes
        elif stat.S_IMODE(path.stat().st_mode) == mode:
            return False
        os.chmod(path, mode)  # mkdir's mode is filtered by the umask; chmod is not
    except PermissionError as exc:
        raise ConfigError(
            f"{path}: cannot create it or set its mode to {oct(mode)} ({exc.strerror}). Fix: "
            f"run `mml exchange` as the folder's owner (or root), or choose another root with "
            f"`mml exchange --root DIR` and set c.Exchange.root in nbgrader_config.py") from exc
    return True


def setup_exchange(course: Course, *, root: Path | None = None) -> ExchangeSetup:
    """Create (or repair the modes of) the course's exchange; idempotent.

    Args:
        course: the course (its ``course_id`` names the folder in the exchange).
        root: the exchange root; None takes ``c.Exchange.root`` or nbgrader's default.
            Students' and instructors' nbgrader must be configured with the same root.

    Returns:
        The folders and their modes, and which of them this call changed.

    Raises:
        ConfigError: a folder cannot be created or its mode set (names it and the fix).
    """
    base = Path(root) if root is not None else exchange_root(course)
    groupshared = bool(course.config.get("CourseDirectory", {}).get("groupshared", False))
    modes = _modes(base.resolve(), course.course_id, groupshared)
    changed = [path for path, mode in modes.items() if _ensure(path, mode)]
    return ExchangeSetup(root=base.resolve(), course_id=course.course_id, modes=modes,
                         changed=changed)
