"""Grade submissions in a local pool of worker processes, surviving a worker's death.

The coordinator (:mod:`graders.batch.runner`) imports this module only when a pool
grades: a command served by ``mml serve`` (:mod:`graders.batch.service`) then imports
neither the pool nor the grading pipeline's readers of notebooks (nbformat, 0.15 s).
"""

from __future__ import annotations

import concurrent.futures as cf
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from graders.batch.pool import grade_task, worker_pool
from graders.config import Course
from graders.pipeline.source import load_sources
from graders.pipeline.ungradable import ungradable_result

__all__ = ["WINDOW", "LocalGrading", "local_results"]

#: Submissions in flight per worker: enough to keep workers busy, few enough that
#: the coordinator's memory does not depend on the size of the class.
WINDOW = 4


class LocalGrading:
    """Grade submissions in a local worker pool that survives the death of a worker.

    A worker killed from outside (the kernel's OOM killer, a crash of the judge) breaks
    the whole ``ProcessPoolExecutor``: every submission in flight fails with
    ``BrokenProcessPool``, and one of them caused it. Those are graded again one at a time
    in a fresh pool; the one that kills its worker again is "ungradable" with the reason,
    the others get their grades, and the rest of the class goes on.
    """

    def __init__(self, course: Course, assignment: str, pending: list[str],
                 workers: int) -> None:
        self.course, self.assignment, self.workers = course, assignment, workers
        self.queue = deque(pending)
        self.inflight: dict[cf.Future[str], str] = {}
        self.pool = worker_pool(course, workers, assignment)

    def top_up(self) -> None:
        """Keep ``WINDOW`` submissions per worker in flight."""
        while len(self.inflight) < WINDOW * self.workers and self.queue:
            student = self.queue.popleft()
            self.inflight[self.pool.submit(grade_task, self.assignment, student)] = student

    def stream(self) -> Iterator[str]:
        """The JSON results, as they finish."""
        while self.inflight:
            done, _ = cf.wait(self.inflight, return_when=cf.FIRST_COMPLETED)
            broken = []
            for future in done:
                student = self.inflight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken.append(student)
            if broken:
                yield from self._recover([*broken, *self.inflight.values()])
            self.top_up()

    def _recover(self, suspects: list[str]) -> Iterator[str]:
        """After a worker died: grade each suspect alone in a fresh pool."""
        self.inflight.clear()
        self.close()
        for student in suspects:
            self.pool = worker_pool(self.course, 1, self.assignment)
            try:
                yield self.pool.submit(grade_task, self.assignment, student).result()
            except BrokenProcessPool:
                yield self._worker_died(student)
            self.close()
        self.pool = worker_pool(self.course, self.workers, self.assignment)

    def _worker_died(self, student: str) -> str:
        specs = load_sources(self.course, self.assignment)
        reason = ("the grading worker died while grading this submission (killed for memory "
                  "or by a signal), twice: grading it again will not help; ask a TA")
        return ungradable_result(student, self.assignment, specs, reason, {}).to_json()

    def close(self) -> None:
        """Stop the pool; submissions not yet started are cancelled."""
        self.pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def local_results(course: Course, assignment: str, pending: list[str],
                  workers: int) -> Iterator[Iterator[str]]:
    """Start grading ``pending`` in a local worker pool now; yield the stream of JSON results.

    The workers are forked and given their first submissions on entry, so the coordinator
    can do its own slow start-up (nbgrader's import, the gradebook) while they grade. At
    most ``WINDOW`` submissions per worker are in flight, so the coordinator's memory does
    not depend on the size of the class. Leaving early cancels what has not started.
    """
    if not pending:
        yield iter(())
        return
    grading = LocalGrading(course, assignment, pending, workers)
    try:
        grading.top_up()
        yield grading.stream()
    finally:
        grading.close()
