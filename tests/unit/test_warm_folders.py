"""Warm-sandbox folders left by a worker killed outright are removed by the next one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from graders.sandbox import warm


def test_folders_of_dead_workers_go_and_live_ones_stay(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"{warm.PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{warm.PREFIX}{os.getppid()}-def"
    other = tmp_path / f"{warm.PREFIX}xyz"  # not named by a pid: never touched
    for root in (stale, live, other):
        (root / "outbox" / "job").mkdir(parents=True)
        (root / "outbox" / "job" / "x").write_text("student data")
    os.chmod(stale / "outbox" / "job", 0)
    warm._remove_stale(tmp_path)
    assert not stale.exists() and live.is_dir() and other.is_dir()
