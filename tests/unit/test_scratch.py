"""Where the grader writes jobs' short-lived files: ``c.MMLGrader.scratch_dir``."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebooks import make_course

from graders import config
from graders.config import MEMORY_SCRATCH, load_course
from graders.errors import ConfigError
from graders.sandbox import make_sandbox
from graders.sandbox.warm import WarmBwrapSandbox


def test_auto_prefers_memory_when_it_has_room_for_every_worker_s_outbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    course = load_course(make_course(tmp_path / "c"), workers=3, scratch_mb=1024)
    asked: list[tuple[str, int]] = []

    def roomy(folder: str, free: int) -> bool:
        asked.append((folder, free))
        return folder == MEMORY_SCRATCH

    monkeypatch.setattr(config, "_roomy", roomy)
    assert course.scratch_dir() == Path(MEMORY_SCRATCH)
    assert asked == [(MEMORY_SCRATCH, 3 * 2 * 1024 * 2**20)]  # each worker's outbox, twice
    monkeypatch.setattr(config, "_roomy", lambda folder, free: False)
    assert course.scratch_dir() is None  # the system's temporary folder


def test_roomy_asks_for_free_space_and_write_access(tmp_path: Path) -> None:
    assert config._roomy(str(tmp_path), 1)
    assert not config._roomy(str(tmp_path), 2**62)  # more than any disk has free
    assert not config._roomy(str(tmp_path / "missing"), 1)


def test_a_named_folder_is_used_and_a_missing_one_is_refused_with_the_fix(
        tmp_path: Path) -> None:
    root = make_course(tmp_path / "c")
    assert load_course(root, scratch_dir=str(tmp_path)).scratch_dir() == tmp_path
    assert load_course(root, scratch_dir="").scratch_dir() is None
    with pytest.raises(ConfigError, match=r"scratch_dir = .* is not a folder: make it"):
        load_course(root, scratch_dir=str(tmp_path / "missing")).scratch_dir()


def test_the_bubblewrap_sandboxes_stage_in_the_scratch_folder(tmp_path: Path) -> None:
    course = load_course(make_course(tmp_path / "c"), scratch_dir=str(tmp_path))
    warm = make_sandbox(course, warm=True)
    assert isinstance(warm, WarmBwrapSandbox) and warm.base.scratch == tmp_path
