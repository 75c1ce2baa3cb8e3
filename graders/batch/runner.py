"""Grade a class: worker processes grade submissions, one recorder writes the gradebook.

Submissions are graded in parallel by a process pool (default: one worker per
core); the coordinating process is the single writer of the gradebook. A
submission already graded (its ``result.json`` newer than its notebook) is not
graded again unless ``force``, but it is recorded again (recording is
idempotent), so a batch killed between grading and recording loses nothing.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from typing import Any

from graders.batch.cluster import dask_results
from graders.batch.pool import grade_task, worker_pool
from graders.batch.startup import resume_collector
from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder
from graders.pipeline.source import load_sources
from graders.pipeline.ungradable import ungradable_result
from graders.result import SubmissionResult
from graders.sandbox import preflight

__all__ = ["WINDOW", "grade_batch", "list_students"]

#: Submissions in flight per worker: enough to keep workers busy, few enough that
#: the coordinator's memory does not depend on the size of the class.
WINDOW = 4


class _NoBar:
    """The progress bar of a batch that shows none (output not a terminal)."""

    def update(self, n: int) -> None:
        """Count ``n`` more submissions done (nothing to show)."""

    def close(self) -> None:
        """End the bar (nothing to close)."""


def _progress_bar(total: int, assignment: str, shown: bool) -> Any:
    """tqdm's bar over ``total`` submissions; tqdm is imported only when the bar is shown
    (its import, about 20 ms, is a tenth of the coordinator's imports before its workers
    start, and a regrade run from a script shows no bar)."""
    if not shown:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="nb", desc=f"grading {assignment}")


def list_students(course: Course, assignment: str) -> list[str]:
    """Students with a ``submitted/<student>/<assignment>/`` folder, sorted."""
    root = course.submitted_dir(assignment)
    if not root.is_dir():
        raise ConfigError(f"{root}: no submitted/ folder (nbgrader's layout is "
                          f"submitted/<student>/{assignment}/{assignment}.ipynb)")
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def _is_fresh(course: Course, assignment: str, student: str) -> SubmissionResult | None:
    """The stored result if it is newer than the submission, else None."""
    result = course.result_path(student, assignment)
    folder = course.submitted_dir(assignment) / student / assignment
    if not result.is_file():
        return None
    newest = max((p.stat().st_mtime for p in folder.glob("*.ipynb")), default=0.0)
    if result.stat().st_mtime < newest:
        return None
    try:
        return SubmissionResult.from_json(result.read_text())
    except (ValueError, KeyError, TypeError):
        return None


class _LocalGrading:
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
def _local_results(course: Course, assignment: str, pending: list[str],
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
    grading = _LocalGrading(course, assignment, pending, workers)
    try:
        grading.top_up()
        yield grading.stream()
    finally:
        grading.close()


def grade_batch(
    course: Course,
    assignment: str,
    *,
    students: Iterable[str] | None = None,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
    overrides: dict[str, object] | None = None,
    scheduler: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every (or the named) submission of ``assignment``; returns summaries by student.

    Each result is recorded in the gradebook as soon as it arrives (one
    transaction each), so a batch killed at any point loses nothing already
    graded; the rerun grades only what is missing (``force`` regrades all).
    ``scheduler`` (``tcp://host:port``) grades on a Dask cluster's workers instead
    of local worker processes; the gradebook is still written here. The returned
    summaries omit per-case verdicts (they are in each ``result.json``). ``echo``, when
    given, receives one line at the end: how many submissions were graded and how many
    skipped as already graded.
    """
    load_sources(course, assignment)  # fail early, naming the file, if a source is broken
    todo = sorted(students) if students is not None else list_students(course, assignment)
    stored = {} if force else {s: r.summary() for s in todo
                               if (r := _is_fresh(course, assignment, s))}
    pending = [s for s in todo if s not in stored]
    if pending and not scheduler:
        preflight(course)  # before the workers: a broken backend fails once, with the fix
    n = max(1, min(workers or course.workers(), len(pending) or 1))
    results: dict[str, SubmissionResult] = {}
    bar = _progress_bar(len(todo), assignment, progress)
    with (nullcontext(dask_results(scheduler, course, assignment, pending, overrides))
          if scheduler else _local_results(course, assignment, pending, n)) as stream, \
            Recorder(course) as recorder:  # opened while the workers grade
        ensure_assignment(course, assignment, gradebook=recorder)
        resume_collector()  # start-up is over (graders/batch/startup.py)
        for result in stored.values():
            # again: recording is idempotent
            results[result.student] = recorder.record(result)
            bar.update(1)
        for text in stream:
            result = SubmissionResult.from_json(text)
            start = time.perf_counter()
            result = recorder.record(result)
            result.timings["record"] = time.perf_counter() - start
            results[result.student] = result.summary()
            bar.update(1)
    bar.close()
    if echo is not None:
        echo(f"{assignment}: graded {len(pending)} submission(s), skipped {len(stored)} "
             f"already graded" + (" (--force regrades them)" if stored else ""))
    return [results[s] for s in todo]
