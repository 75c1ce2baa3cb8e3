"""Python's cycle collector, paused while a grading process starts.

Starting a batch imports nbgrader, SQLAlchemy, numpy and scipy: hundreds of thousands of
objects, none of them garbage, that the collector would traverse again and again while
they are made (each of its passes over the older generations grows with the heap). On a
one-student regrade this was about 0.17 of the 1.3 CPU-seconds of the coordinator and its
worker (``benchmarks/throughput.py latency``). So ``mml grade`` pauses the collector for
its start-up (:func:`collector_paused`); the coordinator, once its gradebook is open, and
each forked worker, once its checks are loaded, resume it (:func:`resume_collector`),
freezing what start-up made: those objects live as long as the process, and the
collector's later passes skip them. Freezing matters as much as pausing: a collector
resumed without it traversed the whole heap again and saved nothing. Reference counting
frees memory as usual throughout; only cycles wait for the resume.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "resume_collector"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector inside the block; give the process back as it was after.

    The block ends its start-up with :func:`resume_collector`. Whatever happens in it, on
    leaving, the objects it froze are unfrozen and the collector is enabled again if it
    was on entry, so a library caller (or a test running the command in-process) gets a
    collector that can free all of them. A block entered with the collector already
    disabled leaves everything as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.unfreeze()
            gc.enable()


def resume_collector() -> None:
    """End a process's start-up: the cycle collector runs again, if it was paused.

    The objects made so far are frozen first (``gc.freeze``): they live as long as the
    process, and the collector's later passes skip them instead of traversing them each
    time. With the collector enabled (a library caller that never paused it, a worker
    forked after the coordinator's start-up), it does nothing: freezing a process that
    did not ask for it could keep its garbage cycles for good.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
