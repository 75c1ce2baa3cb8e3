"""The cycle collector paused for `mml grade`'s start-up, and given back as it was.

``graders/batch/startup.py``: the command pauses Python's cycle collector while it imports
nbgrader, SQLAlchemy, numpy and scipy; the coordinator and each forked worker resume it,
freezing what start-up made. These tests hold its contract: paused inside, resumed with
the start-up frozen, the process given back unfrozen and enabled (even after an error), a
caller that never paused left alone, and a worker forked during the pause resumed by its
own initializer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders.batch.pool import worker_pool
from graders.batch.startup import collector_paused, resume_collector
from graders.config import load_course


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    """Each test starts with the collector enabled and nothing frozen, and leaves it so."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_paused_in_the_block_and_enabled_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_resuming_freezes_the_start_up_and_enables_the_collector() -> None:
    survivor = [object() for _ in range(100)]
    with collector_paused():
        resume_collector()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(survivor)
    assert gc.isenabled() and gc.get_freeze_count() == 0  # the process is given back
    del survivor


def test_an_error_in_the_block_still_gives_the_collector_back() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        resume_collector()
        raise RuntimeError("start-up failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_caller_that_never_paused_is_left_alone() -> None:
    resume_collector()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_block_entered_already_paused_leaves_the_collector_paused() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_worker_forked_during_the_pause_resumes_its_own_collector(tmp_path: Path) -> None:
    """The coordinator forks its workers before its own start-up ends; each worker, paused
    by inheritance, resumes the collector in its initializer (with its start-up frozen)."""
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.MMLGrader.sandbox = 'unsafe'\nc.MMLGrader.allow_unsafe = True\n")
    course = load_course(tmp_path)
    with collector_paused():
        pool = worker_pool(course, 1)
        try:
            enabled = pool.submit(gc.isenabled).result(timeout=120)
            frozen = pool.submit(gc.get_freeze_count).result(timeout=120)
        finally:
            pool.shutdown(wait=True)
        assert not gc.isenabled()  # the coordinator's own start-up is not over
    assert enabled and frozen > 0
