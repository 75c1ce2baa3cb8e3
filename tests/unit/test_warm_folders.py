"""Host folders left by a worker killed outright are removed by the next warm sandbox."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from graders.sandbox import warm
from graders.sandbox.base import JOB_PREFIX, STAGE_PREFIX, WARM_PREFIX, owned_by_me


def test_folders_of_dead_workers_go_and_live_ones_stay(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"{WARM_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{WARM_PREFIX}{os.getppid()}-def"
    other = tmp_path / f"{WARM_PREFIX}xyz"  # not named by a pid: never touched
    for root in (stale, live, other):
        (root / "outbox" / "job").mkdir(parents=True)
        (root / "outbox" / "job" / "x").write_text("student data")
    os.chmod(stale / "outbox" / "job", 0)
    warm._remove_stale(tmp_path)
    assert not stale.exists() and live.is_dir() and other.is_dir()


def test_job_and_staging_folders_of_dead_workers_go_too(tmp_path: Path) -> None:
    """A worker killed mid-job leaves its job's folder (and a one-shot sandbox's staging
    folder) in the scratch folder, which is /dev/shm by default: memory, until reboot."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = [tmp_path / f"{prefix}{dead.pid}-abc" for prefix in (JOB_PREFIX, STAGE_PREFIX)]
    live = [tmp_path / f"{prefix}{os.getppid()}-def" for prefix in (JOB_PREFIX, STAGE_PREFIX)]
    for root in (*stale, *live):
        (root / "run1" / "out").mkdir(parents=True)
        (root / "run1" / "out" / "cells.json").write_text("student data")
    warm._remove_stale(tmp_path)
    assert not any(p.exists() for p in stale) and all(p.is_dir() for p in live)


def test_the_folders_a_process_makes_are_named_by_its_pid() -> None:
    assert owned_by_me(JOB_PREFIX) == f"mml-job-{os.getpid()}-"
    assert warm._STALE.match(f"{owned_by_me(STAGE_PREFIX)}x1y2")
