"""Late penalties: each policy's arithmetic at its boundaries, and how the course picks one.

The figures below are worked by hand from the policy's definition (percent of the score per
started hour or day, capped, clamped to [0, score]); a score of 40 keeps every product exact
in binary floating point, so the comparisons are exact.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from graders.config import MMLGrader, load_course
from graders.errors import ConfigError
from graders.nbgrader_io.deadline import (
    LatePolicy,
    course_policy,
    parse_utc,
    penalty,
    penalty_function,
    read_timestamp,
    seconds_late,
    units_late,
)
from graders.result import SCHEMA_VERSION, SubmissionResult

HOUR, DAY = 3600.0, 86400.0
PER_HOUR = LatePolicy("per_hour", percent=10.0, cap_percent=50.0)
PER_DAY = LatePolicy("per_day", percent=25.0)


def test_no_penalty_policy_never_deducts() -> None:
    assert penalty(LatePolicy("none"), 40.0, 10 * DAY) == 0.0


@pytest.mark.parametrize("policy", [LatePolicy("zero"), PER_HOUR, PER_DAY])
def test_exactly_on_time_costs_nothing(policy: LatePolicy) -> None:
    assert penalty(policy, 40.0, 0.0) == 0.0


def test_zero_policy_takes_the_whole_score_one_second_late() -> None:
    assert penalty(LatePolicy("zero"), 40.0, 1.0) == 40.0


@pytest.mark.parametrize(("late", "expected"), [
    (1.0, 4.0),              # 1 s late: one started hour, 10% of 40
    (HOUR, 4.0),             # exactly one hour: still one
    (HOUR + 1.0, 8.0),       # one second more: a second hour started
    (50 * 60.0, 4.0),        # the 50 minutes
    (5 * HOUR, 20.0),        # 50%: the cap reached exactly
    (30 * HOUR, 20.0),       # past the cap: never more than 50%
])
def test_per_hour_counts_started_hours_up_to_the_cap(late: float, expected: float) -> None:
    assert penalty(PER_HOUR, 40.0, late) == expected


@pytest.mark.parametrize(("late", "expected"), [
    (1.0, 10.0), (DAY, 10.0), (DAY + 1.0, 20.0), (4 * DAY, 40.0), (9 * DAY, 40.0)])
def test_per_day_without_cap_stops_at_the_score(late: float, expected: float) -> None:
    assert penalty(PER_DAY, 40.0, late) == expected


def test_nothing_earned_nothing_deducted() -> None:
    assert penalty(LatePolicy("zero"), 0.0, DAY) == 0.0
    assert penalty(PER_HOUR, 0.0, DAY) == 0.0


def test_units_and_seconds_late() -> None:
    assert [units_late(s, HOUR) for s in (0.0, -5.0, 0.5, HOUR, HOUR + 0.5)] == [0, 0, 1, 1, 2]
    due = datetime(2026, 3, 1, 17, 0, 0)
    assert seconds_late(datetime(2026, 3, 1, 17, 50, 0), due) == 3000.0
    assert seconds_late(datetime(2026, 3, 1, 16, 0, 0), due) == 0.0
    assert seconds_late(None, due) == 0.0 and seconds_late(due, None) == 0.0


def test_policy_in_words() -> None:
    assert PER_HOUR.describe() == "10% of the score per started hour late, at most 50%"
    assert PER_DAY.describe() == "25% of the score per started day late"
    assert LatePolicy("zero").describe() == "a late submission scores zero"


@pytest.mark.parametrize(("settings", "needle"), [
    ({"late_policy": "weekly"}, "late_policy = 'weekly' is not one of"),
    ({"late_policy": "per_hour"}, "needs c.MMLGrader.late_percent"),
    ({"late_policy": "per_day", "late_percent": 5.0, "late_cap_percent": 150.0},
     "between 0 and 100"),
    ({"late_policy": "per_day", "late_percent": -5.0}, "must be >= 0"),
])
def test_bad_settings_name_the_setting(settings: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=r"nbgrader_config\.py") as info:
        course_policy(MMLGrader(**settings))
    assert needle in str(info.value)


def course_with(tmp_path: Path, config: str) -> Path:
    (tmp_path / "nbgrader_config.py").write_text(textwrap.dedent(config))
    return tmp_path


def test_unset_follows_nbgrader_default_plugin_none(tmp_path: Path) -> None:
    fn, words = penalty_function(load_course(course_with(tmp_path, "c = get_config()\n")))
    assert fn("s1", 40.0, DAY) is None and words == "no penalty"


def test_unset_follows_nbgrader_penalty_method_zero(tmp_path: Path) -> None:
    root = course_with(tmp_path, """\
        c = get_config()
        c.LateSubmissionPlugin.penalty_method = "zero"
    """)
    fn, words = penalty_function(load_course(root))
    assert fn("s1", 40.0, 3000.0) == 40.0 and words == "a late submission scores zero"


def test_a_custom_nbgrader_plugin_class_is_honoured(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mylate.py").write_text(textwrap.dedent("""\
        from nbgrader.plugins import BasePlugin

        class OnePerHour(BasePlugin):
            def late_submission_penalty(self, student_id, score, total_seconds_late):
                return round(total_seconds_late / 3600)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    root = course_with(tmp_path, """\
        c = get_config()
        c.AssignLatePenalties.plugin_class = "mylate.OnePerHour"
    """)
    fn, words = penalty_function(load_course(root))
    assert fn("s1", 40.0, 3 * HOUR) == 3 and words == "nbgrader plugin mylate.OnePerHour"


def test_course_policy_and_its_nbgrader_plugin_agree(tmp_path: Path) -> None:
    from graders.nbgrader_io.late_plugin import CoursePenalty

    root = course_with(tmp_path, """\
        c = get_config()
        c.MMLGrader.late_policy = "per_hour"
        c.MMLGrader.late_percent = 10
        c.MMLGrader.late_cap_percent = 50
        c.AssignLatePenalties.plugin_class = "graders.nbgrader_io.late_plugin.CoursePenalty"
    """)
    course = load_course(root)
    fn, words = penalty_function(course)
    plugin = CoursePenalty(config=course.config)  # as nbgrader autograde instantiates it
    for late in (1.0, HOUR + 1.0, 30 * HOUR):
        assert fn("s1", 40.0, late) == plugin.late_submission_penalty("s1", 40.0, late)
    assert words == PER_HOUR.describe()


def test_course_policy_and_another_plugin_conflict(tmp_path: Path) -> None:
    root = course_with(tmp_path, """\
        c = get_config()
        c.MMLGrader.late_policy = "zero"
        c.AssignLatePenalties.plugin_class = "mylate.Other"
    """)
    with pytest.raises(ConfigError, match="keep one"):
        penalty_function(load_course(root))


def test_unloadable_plugin_names_the_file(tmp_path: Path) -> None:
    root = course_with(tmp_path, """\
        c = get_config()
        c.AssignLatePenalties.plugin_class = "no_such_module.Plugin"
    """)
    with pytest.raises(ConfigError, match=r"nbgrader_config\.py: c\.AssignLatePenalties"):
        penalty_function(load_course(root))


def test_timestamp_file(tmp_path: Path) -> None:
    path = tmp_path / "timestamp.txt"
    assert read_timestamp(path) is None
    path.write_text("2026-03-01 17:50:00.000000 UTC\n")
    assert read_timestamp(path) == datetime(2026, 3, 1, 17, 50)
    path.write_text("yesterday-ish")
    with pytest.raises(ConfigError, match=r"timestamp\.txt: not a submission time"):
        read_timestamp(path)
    path.write_text("")
    with pytest.raises(ConfigError, match="or delete the file"):
        read_timestamp(path)


@pytest.mark.parametrize("text", [
    "2026-03-01 17:50:00.000000 UTC",  # nbgrader's own format
    "2026-03-01 17:50:00.123456 America/New_York",
    "2026-03-01 17:50:00 Europe/Paris",
    "2026-03-01 17:50:00 +0100",  # an int zone: nbgrader reads it as seconds
    "2026-03-01 17:50:00 NOWHERE",  # an unknown zone: naive, as written
    "2026-03-01T17:50:00+05:30",
    "2026-03-01 17:50",
    "March 1 2026 5:50pm",
    "2026-03-01 17:50:00 UTC extra",
    "yesterday-ish",
    "2026-02-30 17:50:00 UTC",
])
def test_parse_utc_is_nbgrader_s(text: str) -> None:
    """The copy of nbgrader's ``parse_utc`` (which spares a regrade tornado's import) gives
    nbgrader's answer, or fails where nbgrader's fails."""
    from nbgrader.utils import parse_utc as nbgrader_s

    def outcome(parse: Any) -> Any:
        try:
            return parse(text)
        except (ValueError, OverflowError) as exc:
            return type(exc)

    assert outcome(parse_utc) == outcome(nbgrader_s)


def test_result_late_fields_round_trip_and_old_versions_read() -> None:
    res = SubmissionResult("s1", "a", "graded", submitted_at="2026-03-01T17:50:00+00:00",
                           due_at="2026-03-01T17:00:00+00:00", seconds_late=3000.0,
                           late_penalty=4.0, late_policy=PER_HOUR.describe())
    back = SubmissionResult.from_json(res.to_json())
    assert back == res and back.schema_version == SCHEMA_VERSION == 4
    old = SubmissionResult.from_json('{"student": "s1", "assignment": "a", "status": "graded",'
                                     ' "questions": [], "schema_version": 3}')
    assert (old.submitted_at, old.seconds_late, old.late_penalty, old.net_total) == \
        (None, 0.0, 0.0, 0.0)
