"""Grade one submission: the pipeline's steps in order, in one place.

:func:`grade_submission` is the per-submission function that the batch runs in
worker processes (locally or on Dask workers). It never raises for a bad
submission: anything wrong becomes an "ungradable" result with a reason. An
assignment may have several notebooks (nbgrader allows it); each is taken
through intake → assemble → plan → execute → judge on its own, and the results
are merged. The autograded notebooks and the JSON result are written here; the
gradebook is written by the batch's single recorder.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import nbformat

from graders.config import Course
from graders.errors import Ungradable
from graders.explain import notebook_text
from graders.payload import ResultBudget
from graders.pipeline.assemble import assemble
from graders.pipeline.execute import Execution, execute
from graders.pipeline.intake import find_notebook, read_notebook
from graders.pipeline.judge import judge
from graders.pipeline.name import name_mistakes
from graders.pipeline.plan import build_plan
from graders.pipeline.source import (
    SourceSpec,
    hide_hidden_regions,
    load_source,
    load_sources,
)
from graders.pipeline.ungradable import ungradable_result, zero_questions
from graders.result import QuestionResult, Status, SubmissionResult
from graders.runtime.protocol import CallStatus
from graders.sandbox import Sandbox, limits_of, make_sandbox
from graders.variants import released_students, render_source

__all__ = ["grade_notebook", "grade_submission", "result_budget"]


def result_budget(course: Course) -> ResultBudget:
    """A fresh budget of result bytes for one submission (the course's ``result_*_mb``)."""
    g = course.grader
    return ResultBudget(g.result_call_mb * 2**20, g.result_submission_mb * 2**20)


def _attach_outputs(nb: Any, ex: Execution, questions: list[QuestionResult]) -> None:
    """Put the executor's outputs and the judge's verdicts into the autograded notebook.

    The hidden regions of the instructor's test cells are replaced by a neutral line: the
    autograded notebook is what nbgrader's ``generate_feedback`` renders for the student.
    """
    by_cell = {q.grade_id: q for q in questions}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        record = ex.cells.get(index)
        for out in record.outputs if record is not None else ():
            try:
                outputs.append(nbformat.from_dict(out))
            except Exception:  # malformed output from the sandbox is dropped
                continue
        q = by_cell.get(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
        if q is not None and q.kind != "manual":
            outputs.append(nbformat.from_dict({"output_type": "stream", "name": "stdout",
                                               "text": notebook_text(q)}))  # valid as made
        cell.outputs = outputs
        cell.source = hide_hidden_regions(cell.source)


def _grade_one(course: Course, spec: SourceSpec, submission: Any, outdir: Path,
               sandbox: Sandbox | None, timings: dict[str, float],
               budget: ResultBudget, variant: str | None = None,
               values: dict[str, Any] | None = None) -> SubmissionResult:
    """Assemble, execute and judge one validated notebook; write its autograded copy.

    ``variant`` is the student whose own exam variant is graded (None: the shared one);
    ``values``, when given, receives the value answers the judge saw (check id → value).
    """
    g = course.grader
    t1 = time.perf_counter()
    spec = render_source(spec, g.seed, variant)
    assembled = assemble(spec, submission)
    plan = build_plan(spec, assembled.code, g.seed, g.case_timeout, variant)
    t2 = time.perf_counter()
    sandbox = sandbox or make_sandbox(course)
    wall = 15 + g.cell_timeout * len(assembled.code) + plan.call_seconds()
    ex = execute(plan, sandbox, limits_of(course, wall), cell_timeout=g.cell_timeout,
                 output_cap=g.output_cap_kb * 1024, budget=budget, scratch=course.scratch_dir())
    t3 = time.perf_counter()
    questions = judge(spec, plan, ex)
    if values is not None:
        from graders.similarity.values import value_answers

        values.update(value_answers(plan.calls, ex.calls))
    t_name = time.perf_counter()
    name_mistakes(questions, plan, ex, g.seed)
    t_named = time.perf_counter()
    for q in questions:
        q.notebook = spec.path.stem
    _attach_outputs(assembled.notebook, ex, questions)
    outdir.mkdir(parents=True, exist_ok=True)
    nbformat.write(assembled.notebook, str(outdir / spec.path.name))
    t4 = time.perf_counter()
    for key, value in {"assemble": t2 - t1, "execute": t3 - t2,
                       "judge": t4 - t3 - (t_named - t_name), "name": t_named - t_name,
                       **ex.timings}.items():
        timings[key] = timings.get(key, 0.0) + value
    status: Status = ("partial" if any(c.status == CallStatus.NOT_RUN for c in ex.calls.values())
                      else "graded")
    return SubmissionResult("", "", status, "", questions, assembled.flags + ex.flags,
                            sandbox=sandbox.name)


def _grade_path(course: Course, spec: SourceSpec, path: Path | None, outdir: Path,
                sandbox: Sandbox | None, timings: dict[str, float],
                budget: ResultBudget, variant: str | None = None,
                values: dict[str, Any] | None = None) -> SubmissionResult:
    """Grade one notebook file, or turn its absence or invalidity into an ungradable part.

    ``budget`` is the submission's, shared by all its notebooks' calls.
    """
    t0 = time.perf_counter()
    try:
        if path is None:
            raise Ungradable(f"no {spec.path.name} submitted")
        submission = read_notebook(path, int(course.grader.max_notebook_mb * 2**20),
                                   course.grader.max_cells)
    except Ungradable as exc:
        return _ungradable_part(spec, exc)
    finally:
        timings["intake"] = timings.get("intake", 0.0) + time.perf_counter() - t0
    try:
        return _grade_one(course, spec, submission, outdir, sandbox, timings, budget, variant,
                          values)
    except Ungradable as exc:  # the sandbox's runtime refused the plan
        return _ungradable_part(spec, exc)


def _ungradable_part(spec: SourceSpec, exc: Ungradable) -> SubmissionResult:
    """The result of one notebook that cannot be graded, with the reason."""
    return SubmissionResult("", "", "ungradable", str(exc),
                            zero_questions(spec, f"ungradable: {exc}"))


def _merge(student: str, assignment: str, parts: list[SubmissionResult], seed: int,
           timings: dict[str, float]) -> SubmissionResult:
    """One result from the results of an assignment's notebooks."""
    statuses = {p.status for p in parts}
    status: Status = ("ungradable" if statuses == {"ungradable"} else
                      "graded" if statuses == {"graded"} else "partial")
    reasons = [p.reason for p in parts if p.reason]
    if status == "partial" and not reasons:
        reasons = ["some hidden checks never ran (the notebook stopped early)"]
    return SubmissionResult(student, assignment, status, "; ".join(reasons),
                            [q for p in parts for q in p.questions],
                            [f for p in parts for f in p.flags], timings,
                            next((p.sandbox for p in parts if p.sandbox), ""), seed)


def _write(result: SubmissionResult, path: Path) -> SubmissionResult:
    """Write ``result`` to ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(result.to_json())
    tmp.replace(path)
    return result


def _keep_values(course: Course, student: str, assignment: str, values: dict[str, Any]) -> None:
    """Keep the value answers for ``mml similarity``'s cross-variant check (instructor-only:
    beside the result under ``.mml/``, never in feedback; see graders/similarity/values.py)."""
    from graders.similarity.values import values_path, write_values

    write_values(values_path(course, student, assignment), values)


def grade_notebook(course: Course, assignment: str, student: str, path: Path,
                   outdir: Path, sandbox: Sandbox | None = None) -> SubmissionResult:
    """Grade the notebook at ``path`` against the assignment's main source notebook.

    Writes the autograded notebook and result.json to ``outdir`` (``mml check``'s variants,
    outside the course's ``autograded/``); ``sandbox`` is the worker's (warm) sandbox, by
    default a one-shot one is made.
    """
    timings: dict[str, float] = {}
    part = _grade_path(course, load_source(course, assignment), path, outdir, sandbox, timings,
                       result_budget(course))
    return _write(_merge(student, assignment, [part], course.grader.seed, timings),
                  outdir / "result.json")


def grade_submission(course: Course, assignment: str, student: str,
                     sandbox: Sandbox | None = None) -> SubmissionResult:
    """Grade ``submitted/<student>/<assignment>/`` into ``autograded/<student>/<assignment>/``.

    The result goes to :meth:`Course.result_path` (under ``.mml/``), not beside the
    autograded notebook, so that nbgrader's feedback step cannot copy it to the student.
    """
    outdir = course.autograded_dir(student, assignment)
    folder = course.submitted_dir(assignment) / student / assignment
    specs = load_sources(course, assignment)
    timings: dict[str, float] = {}
    try:
        paths: list[Path | None] = []
        for spec in specs:
            try:
                paths.append(find_notebook(folder, spec.path.stem))
            except Ungradable:
                if not folder.is_dir() or len(specs) == 1:
                    raise
                paths.append(None)
    except Ungradable as exc:
        _keep_values(course, student, assignment, {})  # no stale values from a past grading
        return _write(ungradable_result(student, assignment, specs, str(exc), {}),
                      course.result_path(student, assignment))
    budget = result_budget(course)
    variant = student if student in released_students(course.root, assignment) else None
    values: dict[str, Any] = {}
    parts = [_grade_path(course, spec, path, outdir, sandbox, timings, budget, variant, values)
             for spec, path in zip(specs, paths, strict=True)]
    _keep_values(course, student, assignment, values)
    return _write(_merge(student, assignment, parts, course.grader.seed, timings),
                  course.result_path(student, assignment))
