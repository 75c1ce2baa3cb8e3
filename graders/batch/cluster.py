"""Scale-out on a Dask distributed cluster: the same per-submission function, remote workers.

``mml grade ASSIGNMENT --scheduler tcp://HOST:PORT`` submits one task per
submission to the cluster. Each Dask worker becomes a grading worker on first
use (its course, its warm sandbox: :func:`graders.batch.pool.ensure_worker`)
and returns the JSON result; the client (the coordinating process) records
every result in the gradebook, so the gradebook has one writer as in a local run.

Workers need the course root at the same path (a shared filesystem: they read
``submitted/`` and ``source/`` and write ``autograded/``), the grading
environment (``pip install -e .`` of this repository) and bubblewrap, or the
docker backend with the grading image.
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.batch.pool import ensure_worker, grade_task
from graders.config import Course

__all__ = ["dask_results", "dask_task"]

#: Tasks in flight per Dask worker thread.
WINDOW = 4


def dask_task(root: str, overrides: dict[str, object], assignment: str, student: str) -> str:
    """The task run on a Dask worker: grade one submission, return its JSON result."""
    ensure_worker(root, overrides)
    return grade_task(assignment, student)


def dask_results(scheduler: str | None, course: Course, assignment: str, pending: list[str],
                 overrides: dict[str, object] | None) -> Iterator[str]:
    """Grade ``pending`` on the cluster at ``scheduler``; yields JSON results as they finish."""
    from distributed import Client, as_completed

    with Client(scheduler) as client:
        slots = max(1, sum(client.nthreads().values())) * WINDOW
        queue = iter(pending)
        done = as_completed()

        def submit(student: str) -> None:
            done.add(client.submit(dask_task, str(course.root), overrides or {}, assignment,
                                   student, pure=False, key=f"mml-{assignment}-{student}"))

        for student in queue:
            submit(student)
            if done.count() >= slots:
                break
        for future in done:
            text = future.result()
            future.release()
            nxt = next(queue, None)
            if nxt is not None:
                submit(nxt)
            yield text
