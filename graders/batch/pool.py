"""Grading worker processes: each holds its course and one warm sandbox for its life.

A worker is a process of a ``ProcessPoolExecutor`` started by :func:`worker_pool`.
Its initializer loads the course and makes the worker's sandbox (a warm
bubblewrap sandbox by default), kept in this module's per-process
:data:`_STATE` and closed (its folder removed) when the worker exits; the
task functions below grade one notebook each with it and never raise: an
internal error becomes an "ungradable" result for that student.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import ctypes
import importlib
import multiprocessing
import multiprocessing.util
import re
import signal
import traceback
from dataclasses import dataclass
from pathlib import Path

from graders.batch.startup import resume_collector
from graders.config import Course, load_course
from graders.pipeline.source import SourceSpec, load_sources
from graders.pipeline.ungradable import ungradable_result
from graders.sandbox import Sandbox, make_sandbox
from graders.sandbox.warm import WarmBwrapSandbox

__all__ = ["become_worker", "ensure_worker", "grade_path_task", "grade_task", "notebook_imports",
           "worker_pool"]

PR_SET_PDEATHSIG = 1

#: What only a worker uses: the grading pipeline and the checks (with numpy, and scipy
#: through the task modules). Imported by the worker's functions themselves; see worker_pool.
WORKER_MODULES = ("graders.pipeline.grade", "graders.checks")

_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^#;\n]+)", re.M)
_FROM = re.compile(r"^[ \t]*from[ \t]+([A-Za-z_]\w*)", re.M)


@dataclass
class _WorkerState:
    course: Course
    sandbox: Sandbox


#: This worker process's state, set once by :func:`_init_worker` (None in the coordinator).
_STATE: _WorkerState | None = None


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this worker when its coordinator dies (even by SIGKILL)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _close_sandbox(sandbox: Sandbox) -> None:
    """Stop a worker's sandbox and remove its folder (backends without one have no close)."""
    close = getattr(sandbox, "close", None)
    if callable(close):
        close()


def _close_at_exit(sandbox: Sandbox) -> None:
    """Close ``sandbox`` when this process exits normally, however it was started.

    A pool's worker ends through multiprocessing, which runs its finalizers but not
    ``atexit`` (it leaves by ``os._exit``); a Dask worker or a plain process ends through
    ``atexit``. Both are registered; closing twice does nothing. A worker killed outright
    leaves its sandbox's folder to the next warm sandbox started on the host, which
    removes it (``graders/sandbox/warm.py``).
    """
    multiprocessing.util.Finalize(None, _close_sandbox, args=(sandbox,), exitpriority=10)
    atexit.register(_close_sandbox, sandbox)


def notebook_imports(specs: list[SourceSpec]) -> tuple[str, ...]:
    """The top-level packages that the code cells of ``specs`` import, sorted."""
    found: set[str] = set()
    for spec in specs:
        for cell in spec.cells:
            if cell.cell.get("cell_type") != "code":
                continue
            found.update(m.group(1) for m in _FROM.finditer(cell.cell.source))
            for line in _IMPORT.finditer(cell.cell.source):
                found.update(part.split()[0].split(".")[0]
                             for part in line.group(1).split(",") if part.split())
    return tuple(sorted(found))


def _init_worker(course: Course, assignment: str | None = None) -> None:
    """Make this forked process a worker of ``course`` (inherited, not loaded again)."""
    _die_with_parent()
    become_worker(course, assignment)


def become_worker(course: Course, assignment: str | None) -> None:
    """Make this process a worker of ``course`` (for ``assignment``, when given) for its life.

    A pool's worker (:func:`_init_worker`) also dies with its coordinator; ``mml serve``
    is the command's own process, and does not die with its parent.
    """
    _set_state(_WorkerState(course, make_sandbox(course, warm=True)))
    if assignment is not None:
        _prepare(course, assignment)
    resume_collector()  # this worker's start-up is over (graders/batch/startup.py)


def _prepare(course: Course, assignment: str) -> None:
    """Boot the warm sandbox now, preloading what the notebooks import, and load the checks.

    Both take most of a second; the sandbox's server boots in its own process while this
    one imports the assignment's task modules. Only a matter of speed: whatever fails
    here is done again, and reported, when the first submission is graded.
    """
    sandbox = _state().sandbox
    try:
        if isinstance(sandbox, WarmBwrapSandbox):
            sandbox.imports = notebook_imports(load_sources(course, assignment))
            sandbox.start()
        from graders.checks import discover_assignment  # a worker's module (WORKER_MODULES)

        discover_assignment(assignment)
    except Exception:  # in a pool's initializer, raising would break the pool
        return


def ensure_worker(root: str, overrides: dict[str, object]) -> None:
    """Make this process a grading worker for ``root`` unless it already is (Dask workers)."""
    if _STATE is None or str(_STATE.course.root) != str(Path(root).resolve()):
        course = load_course(root, **overrides)
        _set_state(_WorkerState(course, make_sandbox(course, warm=True)))


def _set_state(state: _WorkerState) -> None:
    """Make ``state`` this worker's, closing the sandbox of the one it replaces."""
    global _STATE
    if _STATE is not None and _STATE.sandbox is not state.sandbox:
        _close_sandbox(_STATE.sandbox)
    _STATE = state
    _close_at_exit(state.sandbox)


def worker_pool(course: Course, workers: int,
                assignment: str | None = None) -> cf.ProcessPoolExecutor:
    """A pool of ``workers`` grading processes for ``course``, each with its warm sandbox.

    The workers are forked, so they inherit the loaded course (its configuration and the
    overrides it was loaded with) instead of reading ``nbgrader_config.py`` again. Given
    the ``assignment`` they will grade, each starts its sandbox at once, preloading only
    the heavy modules its notebooks import, and loads only that assignment's checks.

    :data:`WORKER_MODULES` are imported here first when there are several workers, which
    then share them; a single worker (a regrade of one student) imports them itself while
    its sandbox boots, so that they are not on the command's serial start, and the
    coordinator never imports them (nor numpy) at all.
    """
    if workers > 1:
        for name in WORKER_MODULES:
            importlib.import_module(name)
    return cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                  initializer=_init_worker, initargs=(course, assignment))


def _state() -> _WorkerState:
    if _STATE is None:
        raise RuntimeError("grading task run outside a worker_pool process")
    return _STATE


def _internal_error(assignment: str, student: str, exc: Exception) -> str:
    specs = load_sources(_state().course, assignment)
    reason = f"internal error while grading: {type(exc).__name__}: {exc}"
    result = ungradable_result(student, assignment, specs, reason, {})
    result.flags.append(traceback.format_exc()[-2000:])
    return result.to_json()


def grade_task(assignment: str, student: str) -> str:
    """Grade ``submitted/<student>/<assignment>/``; returns the result's JSON."""
    state = _state()
    from graders.pipeline.grade import grade_submission  # a worker's module (WORKER_MODULES)

    try:
        return grade_submission(state.course, assignment, student, state.sandbox).to_json()
    except Exception as exc:  # an internal error must not stop the batch
        return _internal_error(assignment, student, exc)


def grade_path_task(assignment: str, student: str, path: str, outdir: str) -> str:
    """Grade the notebook at ``path`` into ``outdir`` (for ``mml check``'s variants)."""
    from graders.pipeline.grade import grade_notebook  # a worker's module (WORKER_MODULES)

    state = _state()
    try:
        return grade_notebook(state.course, assignment, student, Path(path), Path(outdir),
                              state.sandbox).to_json()
    except Exception as exc:  # an internal error must not stop the batch
        return _internal_error(assignment, student, exc)
