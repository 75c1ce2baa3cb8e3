"""The iterative wipe (``graders/runtime/wipe.py``) on trees a hostile student shapes."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.runtime.wipe import remove_tree, wipe

DEPTH = 5000


@pytest.fixture
def fast_tmp(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory where the system has one (thousands of mkdirs on a slow disk take
    tens of seconds), else pytest's."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="mml-test-wipe-", dir=shm))
    yield path
    remove_tree(str(path))
    shutil.rmtree(path, ignore_errors=True)


def nest(top: Path, depth: int) -> None:
    """``depth`` levels of ``d/`` below ``top`` (made relative to a descriptor: no path limit),
    each with a file, every tenth level unreadable and unwritable."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(depth):
            os.mkdir("d", dir_fd=fd)
            with open(os.open("f", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd), "w") as fh:
                fh.write("x")
            sub = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            if level % 10 == 0:
                os.chmod(sub, 0)
            os.close(fd)
            fd = sub
    finally:
        os.close(fd)


def test_wipe_empties_a_5000_level_tree_with_locked_folders(fast_tmp: Path) -> None:
    outside = fast_tmp / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the student's")
    top = fast_tmp / "scratch"
    top.mkdir()
    nest(top, DEPTH)
    (top / "link").symlink_to(outside)
    (top / "linkdir").mkdir()
    (top / "linkdir" / "inner").symlink_to(outside, target_is_directory=True)
    locked = top / "locked" / "inner"
    locked.mkdir(parents=True)
    (locked / "secret").write_text("s")
    os.chmod(locked / "secret", 0)
    os.chmod(locked, stat.S_IRUSR)
    os.chmod(top / "locked", 0)

    wipe(str(top))  # the warm server's wipe: must not raise (it met RecursionError)

    assert top.is_dir() and os.listdir(top) == []
    assert (outside / "keep.txt").read_text() == "not the student's"


def test_wipe_of_a_missing_folder_does_nothing(fast_tmp: Path) -> None:
    wipe(str(fast_tmp / "missing"))
    remove_tree(str(fast_tmp / "missing"))


def test_remove_tree_removes_the_folder_itself(fast_tmp: Path) -> None:
    top = fast_tmp / "root"
    top.mkdir()
    nest(top, 1500)
    remove_tree(str(top))
    assert not top.exists()
