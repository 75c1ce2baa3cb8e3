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
from collections.abc import Callable, Iterable

from tqdm import tqdm

from graders.config import Course
from graders.errors import ConfigError
from graders.gradebook import Recorder, ensure_assignment
from graders.pipeline.grade import load_sources
from graders.pipeline.workers import grade_task, worker_pool
from graders.result import SubmissionResult

__all__ = ["grade_batch", "list_students"]


def list_students(course: Course, assignment: str) -> list[str]:
    """Students with a ``submitted/<student>/<assignment>/`` folder, sorted."""
    root = course.submitted_dir(assignment)
    if not root.is_dir():
        raise ConfigError(f"{root}: no submitted/ folder (nbgrader's layout is "
                          f"submitted/<student>/{assignment}/{assignment}.ipynb)")
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def _is_fresh(course: Course, assignment: str, student: str) -> SubmissionResult | None:
    """The stored result if it is newer than the submission, else None."""
    result = course.autograded_dir(student, assignment) / "result.json"
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


def grade_batch(
    course: Course,
    assignment: str,
    *,
    students: Iterable[str] | None = None,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
    overrides: dict[str, object] | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every (or the named) submission of ``assignment``; returns results by student."""
    load_sources(course, assignment)  # fail early, naming the file, if a source is broken
    todo = sorted(students) if students is not None else list_students(course, assignment)
    ensure_assignment(course, assignment)
    results: dict[str, SubmissionResult] = {}
    fresh = {s: r for s in todo if not force and (r := _is_fresh(course, assignment, s))}
    pending = [s for s in todo if s not in fresh]
    bar = tqdm(total=len(todo), unit="nb", desc=f"grading {assignment}", disable=not progress)
    with Recorder(course) as recorder:
        for student, result in fresh.items():
            recorder.record(result)
            results[student] = result
            bar.update(1)
        n = max(1, min(workers or course.workers(), len(pending) or 1))
        with worker_pool(course, n, overrides) as pool:
            futures = {pool.submit(grade_task, assignment, s): s for s in pending}
            for future in cf.as_completed(futures):
                result = SubmissionResult.from_json(future.result())
                start = time.perf_counter()
                recorder.record(result)
                result.timings["record"] = time.perf_counter() - start
                results[futures[future]] = result
                if on_result is not None:
                    on_result(result)
                bar.update(1)
    bar.close()
    return [results[s] for s in todo]


