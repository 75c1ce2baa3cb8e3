"""graders/nbgrader_io/exchange.py: the exchange's folders and modes, as nbgrader's release
makes them, created once and repaired on a rerun."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graders.config import load_course
from graders.errors import ConfigError
from graders.nbgrader_io.exchange import exchange_root, setup_exchange


def course_with(tmp_path: Path, settings: str = "") -> Path:
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        f'c = get_config()\nc.CourseDirectory.course_id = "mml"\n{settings}')
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_modes_are_nbgraders_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    course = load_course(course_with(tmp_path))
    ex = tmp_path / "a" / "exchange"
    done = setup_exchange(course, root=ex)
    assert mode(ex) == 0o777 and mode(ex / "mml") == 0o755
    assert mode(ex / "mml" / "outbound") == 0o755
    assert mode(ex / "mml" / "inbound") == 0o2733  # students can submit, not list
    assert done.changed == list(done.modes) and done.to_json()["schema_version"] == 1
    assert setup_exchange(course, root=ex).changed == []


def test_a_wrong_mode_is_repaired(tmp_path: Path) -> None:
    course = load_course(course_with(tmp_path))
    ex = tmp_path / "exchange"
    setup_exchange(course, root=ex)
    os.chmod(ex / "mml" / "inbound", 0o777)
    assert setup_exchange(course, root=ex).changed == [ex / "mml" / "inbound"]
    assert mode(ex / "mml" / "inbound") == 0o2733


def test_configured_root_and_groupshared(tmp_path: Path) -> None:
    ex = tmp_path / "shared"
    course = load_course(course_with(tmp_path, f"c.Exchange.root = {str(ex)!r}\n"
                                                "c.CourseDirectory.groupshared = True\n"))
    assert exchange_root(course) == ex
    setup_exchange(course)
    assert mode(ex) == 0o2777 and mode(ex / "mml" / "outbound") == 0o2775
    assert mode(ex / "mml" / "inbound") == 0o2773


def test_default_root_is_nbgraders(tmp_path: Path) -> None:
    assert str(exchange_root(load_course(course_with(tmp_path)))).endswith("nbgrader/exchange")


def test_a_symbolic_link_in_the_world_writable_root_is_refused(tmp_path: Path) -> None:
    """Anyone may create entries in the root (mode 777): a link planted where the course's
    folder goes must not make ``mml exchange`` chmod (and fill) the folder it points to."""
    course = load_course(course_with(tmp_path))
    ex = tmp_path / "exchange"
    setup_exchange(course, root=ex)
    os.rename(ex / "mml", tmp_path / "moved")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    (ex / "mml").symlink_to(private)
    with pytest.raises(ConfigError, match=r"mml.*symbolic link.*remove it"):
        setup_exchange(course, root=ex)
    assert mode(private) == 0o700 and list(private.iterdir()) == []
