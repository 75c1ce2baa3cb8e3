"""The versioned JSON result of grading one submission.

One :class:`SubmissionResult` is written per graded submission as
``.mml/results/<student>/<assignment>/result.json`` (``Course.result_path``; kept out of
``autograded/``, which nbgrader's feedback step copies to students) and is what the recorder
puts into nbgrader's gradebook. ``schema_version`` changes whenever a field's
meaning changes; readers refuse versions they do not know.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

__all__ = ["PENDING_MANUAL", "SCHEMA_VERSION", "CaseResult", "Mistake", "QuestionKind",
           "QuestionResult", "Status", "SubmissionResult"]

SCHEMA_VERSION = 4
#: Versions this code reads: 1 had no ``notebook`` on questions (one notebook per assignment),
#: 2 no ``mistake`` (no named mistakes), 3 no late fields (``submitted_at``, ``due_at``,
#: ``seconds_late``, ``late_penalty``, ``late_policy``); all read as None/the assignment/0/""
#: where absent.
READABLE_VERSIONS = (1, 2, 3, 4)

#: graded: every question was judged; partial: some questions could not run
#: (time-out of the notebook, sandbox killed); ungradable: nothing could be graded.
Status = Literal["graded", "partial", "ungradable"]

#: The export status of a graded submission whose written answers are not all scored yet.
PENDING_MANUAL = "pending-manual"

#: auto: judged against references; manual: graded by hand; assert: an ordinary
#: nbgrader test cell run inside the student's process (forgeable).
QuestionKind = Literal["auto", "manual", "assert"]


@dataclass
class CaseResult:
    """The verdict on one hidden case.

    Attributes:
        label: the kind of input ("zero leading pivot, 3x3").
        passed: whether the judge accepted the output.
        message: why it failed, or a warning; never a hidden expected value.
    """

    label: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class Mistake:
    """A planted wrong answer of the task's bank that a failed question's outputs match.

    Named only when the match is unambiguous (see :mod:`graders.mistakes`); the name and
    hint come from the bank (:class:`graders.checks.Wrong`), never from student output.

    Attributes:
        name: the bank entry's identifier (``"no_pivoting"``).
        hint: its one sentence for the student: what the mistake is and where to look.
    """

    name: str
    hint: str


@dataclass
class QuestionResult:
    """One graded cell of the notebook.

    Attributes:
        grade_id: nbgrader's grade_id of the cell.
        unit: the course unit the points count towards.
        max_points: points available (from the instructor source, never the submission).
        points: points earned; None for a manually graded cell not yet graded.
        kind: "auto" (judged against a reference), "manual" (a written answer),
            or "assert" (an ordinary nbgrader test cell run inside the student's process).
        checks: the check ids this cell names.
        cases: per-case verdicts.
        reason: a short summary shown to the student and the TA.
        notebook: the notebook the cell is in (its file name without .ipynb).
        mistake: the typical mistake the failed question's outputs match, if one does
            unambiguously (auto questions only); its hint is also in ``reason``.
    """

    grade_id: str
    unit: str
    max_points: float
    points: float | None
    kind: QuestionKind = "auto"
    checks: list[str] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    reason: str = ""
    notebook: str = ""
    mistake: Mistake | None = None


@dataclass
class SubmissionResult:
    """Everything the grader decided about one submission.

    Attributes:
        student: the student id (the folder name under ``submitted/``).
        assignment: the assignment id.
        status: see :data:`Status`.
        reason: why the status is not "graded" (empty otherwise).
        questions: one entry per graded cell of the instructor source, in notebook order.
        flags: tampering and anomalies noted at intake and assembly (edited locked cells...).
        timings: seconds spent per pipeline stage (intake, assemble, sandbox, execute, judge...).
        sandbox: the backend that ran the code ("bwrap", "docker", "unsafe").
        seed: the grading seed of the hidden inputs.
        submitted_at: the submission time from nbgrader's ``timestamp.txt`` (ISO 8601, UTC),
            None without one.
        due_at: the student's due date from the gradebook, extension included (ISO 8601,
            UTC), None when the assignment has none.
        seconds_late: seconds past ``due_at`` (0 when on time).
        late_penalty: points deducted for lateness, as recorded in the gradebook
            (``SubmittedAssignment.late_submission_penalty``; see
            :mod:`graders.nbgrader_io.deadline`).
        late_policy: the policy that set ``late_penalty``, in words ("" when on time).
        schema_version: version of this JSON form.
    """

    student: str
    assignment: str
    status: Status
    reason: str = ""
    questions: list[QuestionResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    sandbox: str = ""
    seed: int = 0
    submitted_at: str | None = None
    due_at: str | None = None
    seconds_late: float = 0.0
    late_penalty: float = 0.0
    late_policy: str = ""
    schema_version: int = SCHEMA_VERSION

    @property
    def total(self) -> float:
        """Points earned on every question graded so far (manual ones count once graded),
        before any late penalty (:attr:`net_total` is after it)."""
        return sum(q.points or 0.0 for q in self.questions)

    @property
    def net_total(self) -> float:
        """``total`` minus the late penalty, never below 0 (nbgrader export's ``score``)."""
        return max(0.0, self.total - self.late_penalty)

    @property
    def max_total(self) -> float:
        """Points available in the assignment."""
        return sum(q.max_points for q in self.questions)

    def unit_totals(self) -> dict[str, tuple[float, float]]:
        """(earned, available) per unit, in first-seen order."""
        totals: dict[str, tuple[float, float]] = {}
        for q in self.questions:
            got, avail = totals.get(q.unit, (0.0, 0.0))
            totals[q.unit] = (got + (q.points or 0.0), avail + q.max_points)
        return totals

    def summary(self) -> SubmissionResult:
        """A copy without per-case verdicts (what a batch keeps in memory per student)."""
        questions = [replace(q, cases=[]) for q in self.questions]
        return replace(self, questions=questions)

    def to_json(self) -> str:
        """Serialise to the versioned JSON form."""
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        """Parse the JSON form; refuses unknown schema versions."""
        raw: dict[str, Any] = json.loads(text)
        version = raw.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise ValueError(f"result schema_version {version!r} is not one of "
                             f"{READABLE_VERSIONS}; regrade with this version of mml")
        questions = [
            QuestionResult(**{"notebook": raw["assignment"], **q,
                              "cases": [CaseResult(**c) for c in q["cases"]],
                              "mistake": Mistake(**q["mistake"]) if q.get("mistake") else None})
            for q in raw.pop("questions")
        ]
        raw["schema_version"] = SCHEMA_VERSION
        return cls(questions=questions, **raw)
