"""Grade a class: worker processes grade submissions, one recorder writes the gradebook.

Submissions are graded in parallel by a process pool (default: one worker per
core, :mod:`graders.batch.local`), by a Dask cluster's workers
(:mod:`graders.batch.cluster`), or, for a few students, by a running ``mml serve``
(:mod:`graders.batch.service`); the coordinating process is the single writer of the
gradebook. A
submission already graded (its ``result.json`` newer than its notebook) is not
graded again unless ``force``, but it is recorded again (recording is
idempotent), so a batch killed between grading and recording loses nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from graders.batch.service import SERVED_MAX, find_service, grade_served
from graders.batch.startup import resume_collector
from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder
from graders.result import SubmissionResult
from graders.sandbox import preflight

__all__ = ["grade_batch", "list_students"]


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


def _check_sources(course: Course, assignment: str) -> None:
    """Parse the assignment's sources now, so that a broken one fails first, naming the file.

    Parsed once per process (cached). Imported here: a command that ``mml serve`` grades
    parses nothing, since the service parsed the same sources when it started (it stops
    when they change), and does not import nbformat (0.15 s of its start).
    """
    from graders.pipeline.source import load_sources

    load_sources(course, assignment)


def _served_then_local(service: Path, course: Course, assignment: str, pending: list[str],
                       workers: int) -> Generator[str, None, None]:
    """The results of ``pending`` from the ``mml serve`` at ``service``, then from a pool.

    Whatever the service does not grade (it stopped, it is gone) a local pool grades,
    after the sources' check that a served batch skipped.
    """
    left: list[str] = []
    yield from grade_served(service, course, assignment, pending, left)
    if left:
        _check_sources(course, assignment)
        with _local(course, assignment, left, min(workers, len(left))) as stream:
            yield from stream


@contextmanager
def _local(course: Course, assignment: str, pending: list[str],
           workers: int) -> Iterator[Iterator[str]]:
    """A local pool's results, after the backend's check (``preflight``: a broken backend
    fails once, with the fix, not in every worker). The pool starts grading on entry."""
    from graders.batch.local import local_results

    if pending:
        preflight(course)
    with local_results(course, assignment, pending, workers) as stream:
        yield stream


@contextmanager
def _results(course: Course, assignment: str, pending: list[str], workers: int,
             scheduler: str | None, service: Path | None,
             overrides: dict[str, object]) -> Iterator[Iterator[str]]:
    """The stream of JSON results of ``pending``: from Dask, the service that grades them
    (``service``) or a local pool."""
    if scheduler:
        from graders.batch.cluster import dask_results

        yield dask_results(scheduler, course, assignment, pending, overrides)
    elif service is not None:
        with closing(_served_then_local(service, course, assignment, pending, workers)) as it:
            yield it
    else:
        with _local(course, assignment, pending, workers) as stream:
            yield stream


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
    service = None if scheduler else find_service(course, assignment, overrides or {})
    if service is None:
        _check_sources(course, assignment)
    todo = sorted(students) if students is not None else list_students(course, assignment)
    stored = {} if force else {s: r.summary() for s in todo
                               if (r := _is_fresh(course, assignment, s))}
    pending = [s for s in todo if s not in stored]
    if service is not None and not 0 < len(pending) <= SERVED_MAX:
        service = None  # a pool grades these, as without a service
        _check_sources(course, assignment)
    n = max(1, min(workers or course.workers(), len(pending) or 1))
    results: dict[str, SubmissionResult] = {}
    bar = _progress_bar(len(todo), assignment, progress)
    with _results(course, assignment, pending, n, scheduler, service, overrides or {}) as stream, \
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
