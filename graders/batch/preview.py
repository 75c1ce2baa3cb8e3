"""Regrade preview: what ``mml grade --force`` would change, before anything is written.

When a reference, a tolerance, a check or a source notebook changes after grading,
``mml grade ASSIGNMENT --dry-run --force`` grades the submissions again through the same
worker pool and pipeline as a real run, but into a scratch folder outside the course (a
:class:`ScratchCourse`, whose ``autograded/`` and ``.mml/results/`` live there), and records
nothing: no gradebook transaction, no ``result.json``, no autograded notebook, no feedback.
Each new result is then compared, question by question, with the one the course has
recorded (``.mml/results/<student>/<assignment>/result.json``), and the scratch folder is
removed. Without ``--force`` the preview covers what a plain ``mml grade`` would grade (new
or resubmitted notebooks). Manually graded cells are the TAs' and are not compared. A late
penalty is set when a result is recorded (:mod:`graders.nbgrader_io.deadline`, which writes
the gradebook), so the preview compares the questions' points before any penalty.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from graders.batch.local import local_results
from graders.batch.runner import _is_fresh, list_students
from graders.config import Course
from graders.pipeline.source import load_sources
from graders.result import SubmissionResult

__all__ = ["PREVIEW_SCHEMA_VERSION", "QuestionChange", "RegradePreview", "ScratchCourse",
           "compare_results", "preview_regrade"]

PREVIEW_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ScratchCourse(Course):
    """The course, except that grading writes its outputs under ``scratch`` instead.

    Sources, submissions and settings are the course's; ``autograded/`` and the results go to
    ``scratch/autograded/`` and ``scratch/results/``, so the course is only read.
    """

    scratch: Path = Path()

    def autograded_dir(self, student: str, assignment: str) -> Path:
        """``<scratch>/autograded/<student>/<assignment>/``."""
        return self.scratch / "autograded" / student / assignment

    def result_path(self, student: str, assignment: str) -> Path:
        """``<scratch>/results/<student>/<assignment>/result.json``."""
        return self.scratch / "results" / student / assignment / "result.json"


@dataclass(frozen=True)
class QuestionChange:
    """A question whose points a regrade would change.

    Attributes:
        student: the student id.
        grade_id: nbgrader's grade_id of the graded cell.
        old: the points recorded now (None: the question has no recorded result).
        new: the points the regrade gives (None: the question is gone from the source).
        old_max, new_max: the points available before and after.
    """

    student: str
    grade_id: str
    old: float | None
    new: float | None
    old_max: float | None = None
    new_max: float | None = None

    @property
    def delta(self) -> float:
        """``new - old``, a missing side counting as 0."""
        return (self.new or 0.0) - (self.old or 0.0)


@dataclass
class RegradePreview:
    """Every change a regrade of ``assignment`` would make, and who would stay the same.

    Attributes:
        assignment: the assignment id.
        changes: per student and question, in student then source order.
        unchanged: students whose every autograded score would stay the same.
        ungraded: students with no recorded result yet (all their questions are changes).
        status_changes: per student whose status would change, ``[old, new]``.
        schema_version: version of the JSON form.
    """

    assignment: str
    changes: list[QuestionChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    ungraded: list[str] = field(default_factory=list)
    status_changes: dict[str, list[str]] = field(default_factory=dict)
    schema_version: int = PREVIEW_SCHEMA_VERSION

    def to_json(self) -> str:
        """The versioned JSON form (each change with its delta)."""
        raw = asdict(self)
        for row, change in zip(raw["changes"], self.changes, strict=True):
            row["delta"] = change.delta
        return json.dumps(raw, indent=1, sort_keys=True)

    def text(self) -> str:
        """The table a TA reads: student, grade_id, old, new, delta; then the counts."""
        head = ["student", "grade_id", "old", "new", "delta"]
        rows = [[c.student, c.grade_id, _pts(c.old, c.old_max), _pts(c.new, c.new_max),
                 f"{c.delta:+g}"] for c in self.changes]
        widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=False)]
        lines = ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip()
                 for r in [head, ["-" * w for w in widths], *rows]] if rows else []
        lines += [f"{s}: status {old} -> {new}" for s, (old, new) in self.status_changes.items()]
        students = len({c.student for c in self.changes})
        lines.append(f"dry run of {self.assignment}: {len(self.changes)} score change(s) for "
                     f"{students} student(s); {len(self.unchanged)} unchanged; nothing written")
        return "\n".join(lines)


def _pts(points: float | None, max_points: float | None) -> str:
    """``points/max`` as the preview's table shows them (``-`` for no points)."""
    if points is None:
        return "-"
    return f"{points:g}/{max_points:g}" if max_points is not None else f"{points:g}"


def compare_results(old: SubmissionResult | None, new: SubmissionResult) -> list[QuestionChange]:
    """The autograded questions whose points or maximum differ between ``old`` and ``new``."""
    before = {q.grade_id: q for q in (old.questions if old else []) if q.kind != "manual"}
    after = {q.grade_id: q for q in new.questions if q.kind != "manual"}
    changes = []
    for grade_id in [*after, *(g for g in before if g not in after)]:
        b, a = before.get(grade_id), after.get(grade_id)
        pair = ((b.points, b.max_points) if b else (None, None),
                (a.points, a.max_points) if a else (None, None))
        if pair[0] != pair[1]:
            changes.append(QuestionChange(new.student, grade_id, pair[0][0], pair[1][0],
                                          pair[0][1], pair[1][1]))
    return changes


def _recorded(course: Course, assignment: str, student: str) -> SubmissionResult | None:
    """The result the course has recorded for ``student``, or None."""
    path = course.result_path(student, assignment)
    try:
        return SubmissionResult.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _add(preview: RegradePreview, old: SubmissionResult | None,
         new: SubmissionResult) -> None:
    """Fold one student's comparison into ``preview``."""
    changes = compare_results(old, new)
    preview.changes.extend(changes)
    if old is None:
        preview.ungraded.append(new.student)
    elif old.status != new.status:
        preview.status_changes[new.student] = [old.status, new.status]
    if not changes and old is not None:
        preview.unchanged.append(new.student)


def preview_regrade(course: Course, assignment: str, *, students: Iterable[str] | None = None,
                    workers: int | None = None, force: bool = True) -> RegradePreview:
    """Grade into a scratch folder and compare with the recorded results; write nothing.

    ``force`` previews a regrade of every (or each named) submission; without it, only of
    those a plain ``mml grade`` would grade (no result yet, or resubmitted since).
    """
    load_sources(course, assignment)  # fail early, naming the file, if a source is broken
    todo = sorted(students) if students is not None else list_students(course, assignment)
    pending = todo if force else [s for s in todo if not _is_fresh(course, assignment, s)]
    preview = RegradePreview(assignment, unchanged=[s for s in todo if s not in pending])
    n = max(1, min(workers or course.workers(), len(pending) or 1))
    new: dict[str, SubmissionResult] = {}
    with tempfile.TemporaryDirectory(prefix="mml-dry-run-") as tmp:
        scratch = ScratchCourse(**{f.name: getattr(course, f.name) for f in fields(course)},
                                scratch=Path(tmp))
        with local_results(scratch, assignment, pending, n) as stream:
            for text in stream:
                result = SubmissionResult.from_json(text).summary()
                new[result.student] = result
    for student in pending:
        _add(preview, _recorded(course, assignment, student), new[student])
    preview.unchanged.sort()
    return preview
