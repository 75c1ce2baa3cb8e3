"""Grade one submission: the pipeline's steps in order, in one place.

:func:`grade_submission` is the per-submission function that the batch runs in
worker processes (locally or on Dask workers). It never raises for a bad
submission: anything wrong becomes an "ungradable" result with a reason.
It writes the autograded notebook and the JSON result; the gradebook is written
by the batch's single recorder.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import nbformat

from graders.config import Course
from graders.errors import Ungradable
from graders.pipeline.assemble import assemble
from graders.pipeline.execute import Execution, execute
from graders.pipeline.intake import find_notebook, read_notebook
from graders.pipeline.judge import judge
from graders.pipeline.plan import build_plan
from graders.pipeline.source import SourceSpec, parse_source
from graders.result import QuestionResult, Status, SubmissionResult
from graders.sandbox import Sandbox, limits_of, make_sandbox

__all__ = ["grade_notebook", "grade_submission", "load_source", "ungradable_result"]


@functools.lru_cache(maxsize=16)
def _parse_cached(path: str, mtime: float, unit: str) -> SourceSpec:
    return parse_source(Path(path), unit)


def load_source(course: Course, assignment: str) -> SourceSpec:
    """The parsed instructor notebook (cached per worker process while unchanged)."""
    path = course.source_notebook(assignment)
    unit = str(course.grader.units.get(assignment, "linear_algebra"))
    return _parse_cached(str(path), path.stat().st_mtime, unit)


def ungradable_result(student: str, assignment: str, spec: SourceSpec, reason: str,
                      timings: dict[str, float]) -> SubmissionResult:
    """A result that gives every autograded question 0 and says why (manual ones stay open)."""
    questions = [QuestionResult(q.grade_id, q.unit, q.points, 0.0 if q.kind != "manual" else None,
                                q.kind, [c for _, c in q.checks], [], f"ungradable: {reason}")
                 for q in spec.questions]
    return SubmissionResult(student, assignment, "ungradable", reason, questions, timings=timings)


def _attach_outputs(nb: Any, ex: Execution, questions: list[QuestionResult]) -> None:
    """Put the executor's outputs and the judge's verdicts into the autograded notebook."""
    by_cell = {q.grade_id: q for q in questions}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        rec = ex.cells.get(index, {})
        outputs = []
        for out in rec.get("outputs", []):
            try:
                outputs.append(nbformat.from_dict(out))
            except Exception:
                continue
        q = by_cell.get(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
        if q is not None and q.kind != "manual":
            text = f"[mml] {q.points:g} / {q.max_points:g} points: {q.reason}\n"
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        cell.outputs = outputs


def grade_notebook(course: Course, assignment: str, student: str, path: Path,
                   outdir: Path, sandbox: Sandbox | None = None) -> SubmissionResult:
    """Grade the notebook at ``path``; write the autograded notebook and result.json to outdir.

    ``sandbox`` is the worker's (warm) sandbox; by default a one-shot one is made.
    """
    spec = load_source(course, assignment)
    g = course.grader
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        submission = read_notebook(path, int(g.max_notebook_mb * 2**20))
    except Ungradable as exc:
        return _write(ungradable_result(student, assignment, spec, str(exc), timings), None, outdir)
    t1 = time.perf_counter()
    assembled = assemble(spec, submission)
    plan = build_plan(spec, assembled.code, g.seed, g.case_timeout)
    t2 = time.perf_counter()
    sandbox = sandbox or make_sandbox(course)
    wall = 15 + g.cell_timeout * len(assembled.code) + sum(c["timeout"] for c in plan.json_calls)
    ex = execute(plan, sandbox, limits_of(course, wall), cell_timeout=g.cell_timeout,
                 output_cap=g.output_cap_kb * 1024)
    t3 = time.perf_counter()
    questions = judge(spec, plan, ex)
    t4 = time.perf_counter()
    timings = {"intake": t1 - t0, "assemble": t2 - t1, "execute": t3 - t2, "judge": t4 - t3,
               **ex.timings}
    status: Status = ("graded" if not any(c.status == "not run" for c in ex.calls.values())
                      else "partial")
    result = SubmissionResult(student, assignment, status, "", questions,
                              assembled.flags + ex.flags, timings, sandbox.name, g.seed)
    if status == "partial":
        result.reason = "some hidden checks never ran (the notebook stopped early)"
    _attach_outputs(assembled.notebook, ex, questions)
    return _write(result, assembled.notebook, outdir)


def _write(result: SubmissionResult, nb: Any, outdir: Path) -> SubmissionResult:
    outdir.mkdir(parents=True, exist_ok=True)
    if nb is not None:
        nbformat.write(nb, str(outdir / f"{result.assignment}.ipynb"))
    tmp = outdir / "result.json.tmp"
    tmp.write_text(result.to_json())
    tmp.replace(outdir / "result.json")
    return result


def grade_submission(course: Course, assignment: str, student: str,
                     sandbox: Sandbox | None = None) -> SubmissionResult:
    """Grade ``submitted/<student>/<assignment>/`` into ``autograded/<student>/<assignment>/``."""
    outdir = course.autograded_dir(student, assignment)
    folder = course.submitted_dir(assignment) / student / assignment
    try:
        path = find_notebook(folder, assignment)
    except Ungradable as exc:
        return _write(ungradable_result(student, assignment, load_source(course, assignment),
                                  str(exc), {}), None, outdir)
    return grade_notebook(course, assignment, student, path, outdir, sandbox)
