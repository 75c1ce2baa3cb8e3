"""The class's numbers for a report: one :class:`AssignmentData` per graded assignment.

Scores come from nbgrader's gradebook (:func:`graders.nbgrader_io.scores.read_scores`), so a
TA's manual score entered in formgrader shows, and a written answer nobody has scored yet is
*pending* (None), never 0. The per-question detail (kind, failed cases, named mistake,
ungradable reason, flags) comes from the grader's versioned ``result.json``, read only
through :meth:`graders.result.SubmissionResult.from_json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.nbgrader_io.scores import grade_cells, graded_cells, read_scores
from graders.result import QuestionResult, SubmissionResult

__all__ = ["AssignmentData", "ReportQuestion", "ReportSubmission", "gather", "gather_all",
           "graded_assignments"]


@dataclass(frozen=True)
class ReportQuestion:
    """One graded cell of the assignment.

    Attributes:
        column: the grade_id (``notebook/grade_id`` where two notebooks share one).
        notebook: the notebook the cell is in (file name without ``.ipynb``).
        grade_id: nbgrader's grade_id.
        unit: the course unit its points count towards.
        max_points: points available.
        kind: "auto", "manual" or "assert" (from the instructor source).
    """

    column: str
    notebook: str
    grade_id: str
    unit: str
    max_points: float
    kind: str


@dataclass(frozen=True)
class ReportSubmission:
    """One student's submission of the assignment.

    Attributes:
        student: the student id (untrusted text: escaped wherever shown).
        status: "graded", "partial", "ungradable" or "missing" (no readable result).
        reason: why the status is not "graded".
        flags: tampering and anomalies noted by the grader.
        scores: the gradebook's score per question, in question order; None = pending.
        result: the grader's result, when readable.
    """

    student: str
    status: str
    reason: str
    flags: tuple[str, ...]
    scores: tuple[float | None, ...]
    result: SubmissionResult | None

    def question(self, q: ReportQuestion) -> QuestionResult | None:
        """This submission's verdict on ``q`` from its result, if any."""
        if self.result is None:
            return None
        return next((r for r in self.result.questions
                     if r.grade_id == q.grade_id and r.notebook in (q.notebook, "")), None)


@dataclass(frozen=True)
class AssignmentData:
    """Everything a report says about one assignment.

    Attributes:
        assignment: the assignment id.
        questions: its graded cells, in notebook order.
        submissions: one per student with a submission in the gradebook, by id.
    """

    assignment: str
    questions: tuple[ReportQuestion, ...]
    submissions: tuple[ReportSubmission, ...]


def _result(course: Course, student: str, assignment: str) -> SubmissionResult | None:
    """The grader's result of one submission, or None when absent or unreadable."""
    try:
        text = course.result_path(student, assignment).read_text(encoding="utf-8")
        return SubmissionResult.from_json(text)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def gather(course: Course, assignment: str) -> AssignmentData:
    """The numbers of one assignment: gradebook scores plus the grader's results.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The assignment's data (no submissions if nothing is in the gradebook yet).
    """
    cells = graded_cells(course, assignment)
    columns = [column for column, _ in grade_cells(course, assignment)]
    submissions = []
    for s in read_scores(course, assignment):
        by_column = {c.grade_id: c.score for c in s.cells}
        submissions.append(ReportSubmission(
            s.student, s.status, s.reason, tuple(s.flags),
            tuple(by_column.get(column) for column in columns),
            _result(course, s.student, assignment)))
    source = _source_questions(course, assignment)
    questions = tuple(
        ReportQuestion(column, nb, gid, unit, *source.get((nb, gid), (0.0, "")))
        for (nb, gid, unit), column in zip(cells, columns, strict=True))
    return AssignmentData(assignment, questions, tuple(submissions))


def _source_questions(course: Course, assignment: str) -> dict[tuple[str, str], tuple[float, str]]:
    """(notebook, grade_id) -> (points available, kind), from the instructor source."""
    from graders.pipeline.source import load_sources

    return {(spec.path.stem, q.grade_id): (float(q.points), str(q.kind))
            for spec in load_sources(course, assignment) for q in spec.questions}


def graded_assignments(course: Course) -> list[str]:
    """Every assignment with at least one submission in the gradebook and a source, by name.

    Args:
        course: the course.

    Returns:
        The assignment ids, sorted.
    """
    from nbgrader import api  # lazy: slow import

    ensure_tools_on_path()
    with api.Gradebook(course.db_url, course.course_id) as gb:
        names = [a.name for a in gb.assignments if a.submissions]
    return sorted(n for n in names if (course.root / "source" / n).is_dir())


def gather_all(course: Course) -> list[AssignmentData]:
    """The numbers of every assignment graded so far (see :func:`graded_assignments`).

    Raises:
        ConfigError: when nothing has been graded yet.
    """
    names = graded_assignments(course)
    if not names:
        raise ConfigError(f"{course.root}: no graded assignment in the "
                          f"gradebook yet; run 'mml grade ASSIGNMENT' first")
    return [gather(course, name) for name in names]
