"""``mml check``: the content quality bar of an assignment, proven through the real pipeline.

For every autograded question it grades, in the sandbox, exactly as a student's
submission would be graded:

- the instructor's solution (must earn full marks),
- the released stub (must earn zero on every autograded question),
- each planted wrong answer of the task's bank (must lose that question's marks),
- each alternative correct answer (must earn that question's full marks),

and it scans the release for leaks. The planted answers are declared by each task module
(``graders/content/<assignment>/<task>.py``, :class:`graders.checks.Task`); a task needs at
least three wrong and two alternative answers.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from graders.batch.pool import grade_path_task, worker_pool
from graders.checks import Task, tasks
from graders.config import Course
from graders.errors import ConfigError
from graders.mistakes import family_problems
from graders.nbgrader_io.leaks import scan
from graders.pipeline.source import load_source
from graders.result import SubmissionResult
from graders.variants import (
    CHECK_STUDENTS,
    assignment_parameters,
    render_code,
    render_notebook,
)

__all__ = ["MIN_ALTERNATIVES", "MIN_WRONG", "QualityReport", "TaskRow", "check_assignment",
           "load_tasks"]

MIN_WRONG = 3
MIN_ALTERNATIVES = 2


@dataclass
class TaskRow:
    """The quality bar of one autograded question.

    Attributes:
        grade_id: the test cell.
        solution_ok: the source solution earned full marks.
        stub_ok: the released stub earned zero.
        wrong: (name, caught) per planted wrong answer.
        alternatives: (name, accepted) per alternative correct answer.
        notes: why a variant did not behave (the judge's reason).
    """

    grade_id: str
    solution_ok: bool = False
    stub_ok: bool = False
    wrong: list[tuple[str, bool]] = field(default_factory=list)
    alternatives: list[tuple[str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether this question meets the bar."""
        return (self.solution_ok and self.stub_ok and len(self.wrong) >= MIN_WRONG
                and all(c for _, c in self.wrong) and len(self.alternatives) >= MIN_ALTERNATIVES
                and all(a for _, a in self.alternatives))


@dataclass
class QualityReport:
    """``mml check``'s verdict on one assignment.

    Attributes:
        assignment: the assignment id.
        rows: one per autograded question.
        leaks: leak descriptions found in the release.
    """

    assignment: str
    rows: list[TaskRow]
    leaks: list[str]

    @property
    def ok(self) -> bool:
        """Every question meets the bar and nothing leaks."""
        return not self.leaks and bool(self.rows) and all(r.ok for r in self.rows)

    def table(self) -> str:
        """The table printed by ``mml check``."""
        head = f"{'task':28} {'solution':9} {'stub':5} {'wrong caught':13} {'alternatives':13}"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            caught = sum(c for _, c in r.wrong)
            accepted = sum(a for _, a in r.alternatives)
            lines.append(f"{r.grade_id:28} {'full' if r.solution_ok else 'FAIL':9} "
                         f"{'zero' if r.stub_ok else 'FAIL':5} {caught}/{len(r.wrong):<11} "
                         f"{accepted}/{len(r.alternatives):<11}{'' if r.ok else '  <-- FAIL'}")
        lines.append(f"leaks in release: {len(self.leaks)}")
        for r in self.rows:
            lines += [f"  {r.grade_id}: {n}" for n in r.notes]
        lines += [f"  leak: {leak}" for leak in self.leaks]
        lines.append("PASS" if self.ok else "FAIL")
        return "\n".join(lines)


def load_tasks(assignment: str) -> list[Task]:
    """The task modules of an assignment (``graders/content/<assignment>/*.py``)."""
    found = tasks(assignment)
    if not found:
        raise ConfigError(f"no task modules for {assignment}: create "
                          f"graders/content/{assignment}/<answer cell>.py")
    return found


def _variant(source_nb: nbformat.NotebookNode, answer_cell: str,
             code: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(source_nb)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answer_cell]
    if not cells:
        raise ConfigError(f"bank names answer cell {answer_cell!r}, not in the source notebook")
    cells[0].source = code
    return nb


def _variants(course: Course, assignment: str, banks: list[Task]
              ) -> dict[str, nbformat.NotebookNode]:
    """Every notebook to grade: solution, stub, and one per bank entry.

    Their ``{{ name }}`` templates (question text, a value question's data lines) are
    rendered with the shared variant's parameters, the values the shared release shows and
    the variant these runs (students on no roster) are graded on.
    """
    path = course.source_notebook(assignment)
    params = assignment_parameters([s for t in banks for s in t.checks], course.grader.seed,
                                   assignment, None)
    source_nb = render_notebook(nbformat.read(str(path), as_version=4), params, str(path))
    release = course.root / "release" / assignment / f"{assignment}.ipynb"
    if not release.is_file():
        raise ConfigError(f"{release} is missing: run `mml release {assignment}` first")
    variants = {"solution": source_nb, "stub": nbformat.read(str(release), as_version=4)}
    for task in banks:
        for kind, entries in (("wrong", task.wrong), ("alt", task.alternatives)):
            for entry in entries:
                code = render_code(entry.code, params, f"{task.answer_cell}: {entry.name}")
                variants[f"{kind}:{task.checks[0].id}:{entry.name}"] = _variant(
                    source_nb, task.answer_cell, code)
    return variants


def _grade_all(course: Course, assignment: str, variants: dict[str, nbformat.NotebookNode],
               workers: int) -> dict[str, SubmissionResult]:
    with tempfile.TemporaryDirectory(prefix="mml-check-") as tmp, \
            worker_pool(course, workers) as pool:
        futures = {}
        for i, (name, nb) in enumerate(variants.items()):
            path = Path(tmp) / f"v{i}" / f"{assignment}.ipynb"
            path.parent.mkdir()
            nbformat.write(nb, str(path))
            futures[pool.submit(grade_path_task, assignment, f"v{i}", str(path),
                                str(path.parent / "out"))] = name
        return {futures[f]: SubmissionResult.from_json(f.result())
                for f in cf.as_completed(futures)}


def _check_variants(row: TaskRow, banks: list[Task], seed: int, assignment: str) -> None:
    """Prove a parametrised question's per-student variants (:func:`family_problems`)."""
    for task in (t for t in banks if any(s.parameters is not None for s in t.checks)):
        problems = family_problems(task, seed, assignment)
        row.notes += problems or [f"per-student variants proven for {len(CHECK_STUDENTS)} "
                                  "students: reference full, wrong caught, alternatives "
                                  "accepted"]
        row.solution_ok = row.solution_ok and not problems


def check_assignment(course: Course, assignment: str, workers: int | None = None) -> QualityReport:
    """Run the quality bar on ``assignment`` (see module docstring)."""
    spec = load_source(course, assignment)
    banks = load_tasks(assignment)
    results = _grade_all(course, assignment, _variants(course, assignment, banks),
                         workers or course.workers())
    score = {name: {q.grade_id: q for q in r.questions} for name, r in results.items()}
    rows = []
    for q in (q for q in spec.questions if q.kind == "auto"):
        row = TaskRow(q.grade_id)
        sol, stub = score["solution"][q.grade_id], score["stub"][q.grade_id]
        row.solution_ok = sol.points == q.points
        row.stub_ok = stub.points == 0
        if not row.solution_ok:
            row.notes.append(f"solution: {sol.reason}")
        checks = {c for _, c in q.checks}
        for name, res in score.items():
            kind, _, rest = name.partition(":")
            check_id, _, variant = rest.rpartition(":")
            if check_id not in checks:
                continue
            got = res[q.grade_id]
            if kind == "wrong":
                row.wrong.append((variant, (got.points or 0) < q.points))
                if (got.points or 0) >= q.points:
                    row.notes.append(f"wrong answer {variant!r} NOT caught")
            else:
                row.alternatives.append((variant, got.points == q.points))
                if got.points != q.points:
                    row.notes.append(f"alternative {variant!r} rejected: {got.reason}")
        _check_variants(row, [t for t in banks if {s.id for s in t.checks} & checks],
                        course.grader.seed, assignment)
        rows.append(row)
    release = course.root / "release" / assignment / f"{assignment}.ipynb"
    leaks = scan(nbformat.read(str(course.source_notebook(assignment)), as_version=4),
                 nbformat.read(str(release), as_version=4))
    return QualityReport(assignment, rows, [str(leak) for leak in leaks])
