"""Due dates and late penalties, as nbgrader defines them, for ``mml grade``.

nbgrader 0.9.6 keeps one due date per assignment in the gradebook (``Assignment.duedate``,
set by ``nbgrader db assignment add ASSIGNMENT --duedate "2026-03-01 17:00:00 UTC"`` or
formgrader's "Manage Assignments" page; nbgrader_config.py holds none) and a per-student
``SubmittedAssignment.extension``. A submission's time is its ``timestamp.txt``
(nbgrader's submit and collect, or ``mml collect``, write it). Its autograde step
(``AssignLatePenalties``) then asks a late-submission plugin, ``c.AssignLatePenalties.
plugin_class`` (default ``nbgrader.plugins.LateSubmissionPlugin``, whose
``c.LateSubmissionPlugin.penalty_method`` is ``'none'`` or ``'zero'``), for
``late_submission_penalty(student_id, score, total_seconds_late)`` of each notebook, clamps
it to ``[0, notebook score]`` and stores it as ``SubmittedNotebook.late_submission_penalty``;
nbgrader's export then reports ``score = max(0, raw_score - penalty)``.

:func:`record_lateness` does the same inside the recorder's transaction, so ``mml grade``
and ``nbgrader autograde`` give the same penalty. The course's own policies (none, zero, a
percentage of the score per started hour or day, with a cap) are the ``late_*`` settings of
:class:`~graders.config.MMLGrader`; the plugin
:class:`graders.nbgrader_io.late_plugin.CoursePenalty` applies them in ``nbgrader autograde``
too. The policy arithmetic (:func:`penalty`) is pure and has no nbgrader import.

Like nbgrader's, a penalty is a function of the notebook's score *when it is recorded*: a
written answer a TA scores afterwards in formgrader is not yet penalised. Running ``mml grade
ASSIGNMENT`` again records every submission again (without regrading it) and so recomputes
each penalty from the scores then in the gradebook; do it after manual grading, before
``mml export``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from graders.config import CONFIG_FILE, Course, MMLGrader
from graders.errors import ConfigError
from graders.result import SubmissionResult

if TYPE_CHECKING:
    from nbgrader.api import Gradebook, SubmittedAssignment

__all__ = [
    "LATE_METHODS",
    "LateMethod",
    "LatePolicy",
    "Lateness",
    "PenaltyFunction",
    "apply_lateness",
    "course_policy",
    "late_penalties",
    "notebook_penalties",
    "parse_utc",
    "penalty",
    "penalty_function",
    "read_timestamp",
    "record_lateness",
    "save_lateness",
    "seconds_late",
    "submission_time",
    "units_late",
]

LateMethod = Literal["none", "zero", "per_hour", "per_day"]
LATE_METHODS: tuple[LateMethod, ...] = ("none", "zero", "per_hour", "per_day")
_UNIT_SECONDS = {"per_hour": 3600.0, "per_day": 86400.0}

#: nbgrader's plugin interface: (student_id, score, total_seconds_late) -> points or None.
PenaltyFunction = Callable[[str, float, float], "float | None"]

_DEFAULT_PLUGIN = "nbgrader.plugins.latesubmission.LateSubmissionPlugin"
_COURSE_PLUGIN = "graders.nbgrader_io.late_plugin.CoursePenalty"


@dataclass(frozen=True)
class LatePolicy:
    """A late-submission policy of the course (``c.MMLGrader.late_*``).

    Attributes:
        method: "none" (no penalty), "zero" (the whole score), "per_hour" or "per_day"
            (``percent`` of the score for each started hour or day late).
        percent: percent of the score deducted per started unit (per_hour, per_day).
        cap_percent: the most ever deducted, in percent of the score.
    """

    method: LateMethod = "none"
    percent: float = 0.0
    cap_percent: float = 100.0

    def describe(self) -> str:
        """The policy in words, for the feedback page ("10% per started hour, at most 50%")."""
        if self.method == "none":
            return "no penalty"
        if self.method == "zero":
            return "a late submission scores zero"
        unit = "hour" if self.method == "per_hour" else "day"
        cap = "" if self.cap_percent >= 100 else f", at most {self.cap_percent:g}%"
        return f"{self.percent:g}% of the score per started {unit} late{cap}"


@dataclass(frozen=True)
class Lateness:
    """How late one submission was and what it cost (what the result records).

    Attributes:
        submitted_at: the submission time (ISO 8601, UTC), None without ``timestamp.txt``.
        due_at: the student's due date, extension included (ISO 8601, UTC), or None.
        seconds_late: seconds past ``due_at`` (0 when on time or without either time).
        penalty: points deducted, the sum over the submission's notebooks.
        policy: the policy in words ("" when the submission was not late).
    """

    submitted_at: str | None = None
    due_at: str | None = None
    seconds_late: float = 0.0
    penalty: float = 0.0
    policy: str = ""


def units_late(seconds: float, unit_seconds: float) -> int:
    """Started units (hours, days) in ``seconds`` late: 1 s late is one unit, 0 s none.

    Every started unit counts, as Canvas's late policy counts them: rounding to the nearest
    unit would let a submission 29 minutes late go unpunished under a per-hour policy. That
    is deliberately not the rule of the example plugin in nbgrader's documentation
    ("Late submission plugin": ``round(total_seconds_late / 3600, 0)`` points, to the nearest
    hour, halves to even); nbgrader's own plugin has no unit at all ('none' or 'zero'). A
    course that wants nbgrader's example keeps ``c.MMLGrader.late_policy`` unset and names
    its plugin in ``c.AssignLatePenalties.plugin_class``, which ``mml grade`` then calls.
    """
    return math.ceil(seconds / unit_seconds) if seconds > 0 else 0


def penalty(policy: LatePolicy, score: float, seconds: float) -> float:
    """Points deducted from ``score`` for a submission ``seconds`` late, in ``[0, score]``.

    Args:
        policy: the course's policy.
        score: the points the notebook earned (nbgrader passes each notebook's score).
        seconds: seconds past the due date (0 or less: on time).

    Returns:
        The penalty, never more than the score nor less than 0 (nbgrader clamps too).
    """
    if seconds <= 0 or score <= 0 or policy.method == "none":
        return 0.0
    if policy.method == "zero":
        return score
    fraction = min(policy.percent * units_late(seconds, _UNIT_SECONDS[policy.method]),
                   policy.cap_percent) / 100.0
    return min(score, max(0.0, score * fraction))


def seconds_late(submitted: datetime | None, due: datetime | None) -> float:
    """Seconds ``submitted`` is past ``due`` (0 if on time, or if either is unknown)."""
    if submitted is None or due is None:
        return 0.0
    return max(0.0, (submitted - due).total_seconds())


def course_policy(grader: MMLGrader) -> LatePolicy:
    """The policy of the ``late_*`` settings, or a ConfigError naming the setting to fix."""
    method = grader.late_policy
    if method not in LATE_METHODS:
        raise ConfigError(f"{CONFIG_FILE}: c.MMLGrader.late_policy = {method!r} is not one of "
                          f"{', '.join(repr(m) for m in LATE_METHODS)} (or '' to follow "
                          f"nbgrader's c.LateSubmissionPlugin.penalty_method)")
    if not (grader.late_percent >= 0 and 0 <= grader.late_cap_percent <= 100):
        raise ConfigError(f"{CONFIG_FILE}: c.MMLGrader.late_percent must be >= 0 and "
                          f"c.MMLGrader.late_cap_percent between 0 and 100 (got "
                          f"{grader.late_percent!r}, {grader.late_cap_percent!r})")
    if method in _UNIT_SECONDS and grader.late_percent == 0:
        raise ConfigError(f"{CONFIG_FILE}: c.MMLGrader.late_policy = {method!r} needs "
                          f"c.MMLGrader.late_percent, the percent deducted per started unit")
    return LatePolicy(method, grader.late_percent, grader.late_cap_percent)


def _plugin_name(course: Course) -> str:
    """The dotted name of ``c.AssignLatePenalties.plugin_class`` (nbgrader's default if unset)."""
    value = course.config.get("AssignLatePenalties", {}).get("plugin_class", _DEFAULT_PLUGIN)
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return str(value)


def penalty_function(course: Course) -> tuple[PenaltyFunction, str]:
    """The penalty nbgrader's autograde would apply in this course, and its description.

    ``c.MMLGrader.late_policy`` set: the course's policy (nbgrader must then use the
    :class:`~graders.nbgrader_io.late_plugin.CoursePenalty` plugin or its default one). Unset:
    the plugin of ``c.AssignLatePenalties.plugin_class``, configured from nbgrader_config.py,
    exactly as nbgrader instantiates it.

    Raises:
        ConfigError: both a course policy and another plugin are configured, or the plugin
            cannot be imported.
    """
    name = _plugin_name(course)
    if course.grader.late_policy:
        if name not in (_DEFAULT_PLUGIN, _COURSE_PLUGIN, "nbgrader.plugins.LateSubmissionPlugin"):
            raise ConfigError(f"{course.root / CONFIG_FILE}: both c.MMLGrader.late_policy and "
                              f"c.AssignLatePenalties.plugin_class = {name!r} are set; keep "
                              f"one (or set plugin_class = {_COURSE_PLUGIN!r})")
        policy = course_policy(course.grader)
        return (lambda _student, score, late: penalty(policy, score, late)), policy.describe()
    return _nbgrader_plugin(course, name)


def _nbgrader_plugin(course: Course, name: str) -> tuple[PenaltyFunction, str]:
    """Instantiate nbgrader's configured late-submission plugin with the course's config."""
    from traitlets.utils.importstring import import_item

    try:
        cls = import_item(name)
        plugin = cls(config=course.config)
    except Exception as exc:
        raise ConfigError(f"{course.root / CONFIG_FILE}: c.AssignLatePenalties.plugin_class = "
                          f"{name!r} cannot be loaded ({exc}); fix the name or install the "
                          f"module") from exc
    method = getattr(plugin, "penalty_method", None)
    words = {"none": "no penalty", "zero": "a late submission scores zero"}
    described = words.get(str(method), f"nbgrader plugin {name}") if method else (
        f"nbgrader plugin {name}")
    return cast(PenaltyFunction, plugin.late_submission_penalty), described


def parse_utc(text: str) -> datetime:
    """nbgrader's ``nbgrader.utils.parse_utc`` of a string: a time as naive UTC.

    The same steps as nbgrader 0.9.6's (its module imports tornado's logging on the way, a
    twentieth of a regrade's start); ``tests/unit/test_deadline.py`` holds the two equal.
    "DATE TIME ZONE" reads ZONE as an offset in hours and minutes or a zone name.
    """
    import dateutil.parser
    import dateutil.tz

    parts = text.split(" ")
    if len(parts) == 3:
        zone: Any = parts[2]
        try:
            zone = int(zone)
        except ValueError:
            zone = dateutil.tz.gettz(zone)
        moment = dateutil.parser.parse(" ".join([*parts[:2], "TZ"]), tzinfos={"TZ": zone})
    else:
        moment = dateutil.parser.parse(text)
    offset = moment.utcoffset()
    if offset is not None:
        moment = (moment - offset).replace(tzinfo=None)
    return cast(datetime, moment)


def read_timestamp(path: Path) -> datetime | None:
    """The time in nbgrader's ``timestamp.txt`` (naive UTC, as the gradebook stores it).

    Returns None when the file does not exist. Raises ConfigError, naming the file and the
    fix, when it exists but holds no time (nbgrader's autograde refuses it too).
    """
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: unreadable ({exc})") from exc
    try:
        if not text:
            raise ValueError("empty file")
        return parse_utc(text)
    except (ValueError, OverflowError) as exc:
        raise ConfigError(f"{path}: not a submission time ({exc}); write nbgrader's format, "
                          f"e.g. '2026-03-01 17:00:00.000000 UTC', or delete the file") from exc


def submission_time(course: Course, result: SubmissionResult) -> datetime | None:
    """The time of the result's submission in its ``timestamp.txt`` (None without one)."""
    folder = course.submitted_dir(result.assignment) / result.student / result.assignment
    return read_timestamp(folder / "timestamp.txt")


def _iso(moment: datetime | None) -> str | None:
    """A naive-UTC gradebook time as ISO 8601 with its offset."""
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat()


def record_lateness(gb: Gradebook, course: Course, submission: SubmittedAssignment,
                    result: SubmissionResult) -> None:
    """Set the late penalty of each submitted notebook, as nbgrader's AssignLatePenalties does.

    Call inside the recorder's transaction, after the auto scores are written. The
    submission's timestamp is refreshed from ``timestamp.txt`` (a resubmission moves it), each
    notebook's ``late_submission_penalty`` is the plugin's answer for that notebook's score
    (manual scores included) clamped to ``[0, score]``, or None when on time; the result's
    late fields say the same (:func:`notebook_penalties`, :func:`apply_lateness`).
    """
    stamp = submission_time(course, result)
    if stamp is not None:
        submission.timestamp = stamp
    due = submission.duedate if submission.assignment.duedate is not None else None
    late = seconds_late(submission.timestamp, due)
    gb.db.flush()

    def scores() -> list[float]:
        for nb in submission.notebooks:
            gb.db.expire(nb, ["score"])
        return [float(nb.score) for nb in submission.notebooks]

    penalties, words = notebook_penalties(course, result.student, late,
                                          len(submission.notebooks), scores)
    for nb, given in zip(submission.notebooks, penalties, strict=True):
        nb.late_submission_penalty = given
    apply_lateness(result, submission.timestamp, due, late, penalties, words)


def notebook_penalties(course: Course, student: str, late: float, notebooks: int,
                       scores: Callable[[], list[float]]) -> tuple[list[float | None], str]:
    """Each of the ``notebooks``' late penalty, as nbgrader's AssignLatePenalties gives it,
    and the policy in words ("" when on time).

    ``scores`` gives each notebook's score (nbgrader's ``SubmittedNotebook.score``: manual
    scores, extra credit and auto scores), asked only when the submission is late. A
    penalty is the plugin's answer clamped to ``[0, score]``, None when on time or when
    the plugin gives none.
    """
    if late <= 0:
        return [None] * notebooks, ""
    function, words = penalty_function(course)
    penalties: list[float | None] = []
    for score in scores():
        given = function(student, score, late)
        penalties.append(None if given is None else min(max(float(given), 0.0), score))
    return penalties, words


def apply_lateness(result: SubmissionResult, submitted: datetime | None, due: datetime | None,
                   late: float, penalties: list[float | None], words: str) -> None:
    """Copy the recorded lateness onto the result's late fields."""
    total = sum((p for p in penalties if p is not None), 0.0)
    _apply(result, Lateness(_iso(submitted), _iso(due), late, total, words))


def _apply(result: SubmissionResult, late: Lateness) -> None:
    """Copy ``late`` onto the result's fields."""
    result.submitted_at, result.due_at = late.submitted_at, late.due_at
    result.seconds_late, result.late_penalty, result.late_policy = (
        late.seconds_late, late.penalty, late.policy)


_FIELDS = ("submitted_at", "due_at", "seconds_late", "late_penalty", "late_policy")


def save_lateness(course: Course, result: SubmissionResult) -> None:
    """Write the result's late fields into its ``result.json`` when they differ from it.

    The file is the worker's full result (the recorder may hold a summary without cases), so
    only these fields are replaced, atomically. A missing or unreadable file is left alone:
    the recorder is not the writer of results.
    """
    path = course.result_path(result.student, result.assignment)
    try:
        stored = SubmissionResult.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return
    if stored.student != result.student or all(
            getattr(stored, f) == getattr(result, f) for f in _FIELDS):
        return
    for name in _FIELDS:
        setattr(stored, name, getattr(result, name))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(stored.to_json(), encoding="utf-8")
    tmp.replace(path)


def late_penalties(course: Course, assignment: str) -> dict[str, float] | None:
    """Each submission's late penalty in the gradebook, by student; None without a due date.

    nbgrader's export subtracts the same figure (``SubmittedAssignment.late_submission_
    penalty``, the sum over notebooks) from the raw score.
    """
    from nbgrader import api  # lazy: slow import

    from graders.nbgrader_io.env import ensure_tools_on_path

    ensure_tools_on_path()
    with api.Gradebook(course.db_url, course.course_id) as gb:
        try:
            master = gb.find_assignment(assignment)
        except api.MissingEntry:
            return None
        if master.duedate is None:
            return None
        return {s.student.id: float(s.late_submission_penalty or 0.0) for s in master.submissions}
