"""Due dates and late penalties: ``mml grade`` deducts what ``nbgrader autograde`` deducts.

The issue's finding, reproduced: nbgrader's quickstart course, a due date set with
``nbgrader db assignment add ps1 --duedate``, ``c.LateSubmissionPlugin.penalty_method =
"zero"``; a submission 50 minutes late scored full marks from ``mml grade`` and 0 from
``nbgrader autograde``. Both tools now grade the same submissions, in two copies of the course,
and must record the same per-notebook penalty; then a percentage policy (the course's
``c.MMLGrader.late_*`` settings, with its nbgrader plugin) is compared the same way, and the
export and the feedback page show the penalty.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders.commands.cli import main
from graders.config import Course, load_course
from graders.errors import ConfigError
from graders.nbgrader_io.generate import ensure_assignment
from graders.nbgrader_io.gradebook import Recorder
from graders.nbgrader_io.quickstart import (
    copy_course,
    make_quickstart,
    quickstart_class,
    run_nbgrader_autograde,
)
from graders.result import QuestionResult, SubmissionResult

A = "ps1"
DUE = "2026-11-20 11:10:00.000000 UTC"  # the class's timestamps say 12:00: 50 min late
LATE, ON_TIME = "correct_0000", "correct_ontime"
ZERO = 'c.LateSubmissionPlugin.penalty_method = "zero"\n'
PER_HOUR = ('c.MMLGrader.late_policy = "per_hour"\nc.MMLGrader.late_percent = 10\n'
            'c.AssignLatePenalties.plugin_class = '
            '"graders.nbgrader_io.late_plugin.CoursePenalty"\n')


def nbgrader(root: Path, *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=root, check=True,
                   capture_output=True)


def penalties(root: Path) -> dict[str, dict[str, float | None]]:
    """Per student, each notebook's late_submission_penalty and the raw score, from nbgrader."""
    from nbgrader.api import Gradebook

    found: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "default_course") as gb:
        for sub in gb.find_assignment(A).submissions:
            found[sub.student.id] = {nb.notebook.name: nb.late_submission_penalty
                                     for nb in sub.notebooks} | {"raw": float(sub.score)}
    return found


def configure(root: Path, lines: str) -> None:
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write(lines)


def mml(*args: str) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.output
    return out.output


@pytest.fixture(scope="module")
def courses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = make_quickstart(tmp_path_factory.mktemp("late") / "base")
    quickstart_class(base, 2)  # correct_0000, wrong_0001
    shutil.copytree(base / "submitted" / LATE, base / "submitted" / ON_TIME)
    (base / "submitted" / ON_TIME / A / "timestamp.txt").write_text(DUE)  # exactly on time
    both = copy_course(base, base.parent / "nbgrader"), copy_course(base, base.parent / "mml")
    for root in both:
        nbgrader(root, "db", "assignment", "add", A, "--duedate", DUE)
        configure(root, ZERO)
    run_nbgrader_autograde(both[0])
    mml("grade", A, "--course", str(both[1]), "--workers", "2")
    return both


def test_zero_policy_late_submission_scores_zero_like_nbgrader(courses: tuple[Path, Path]
                                                               ) -> None:
    theirs, ours = (penalties(root) for root in courses)
    assert ours == theirs
    raw = ours[LATE]["raw"]
    assert raw and raw == ours[ON_TIME]["raw"]  # the same answers earn points when on time
    assert ours[LATE]["problem1"] + ours[LATE]["problem2"] == raw  # type: ignore[operator]
    assert ours[ON_TIME]["problem1"] is None is ours[ON_TIME]["problem2"]
    result = SubmissionResult.from_json(
        load_course(courses[1]).result_path(LATE, A).read_text())
    assert (result.seconds_late, result.late_penalty, result.net_total) == (3000.0, raw, 0.0)
    assert result.due_at == "2026-11-20T11:10:00+00:00"
    assert result.submitted_at == "2026-11-20T12:00:00+00:00"


def test_export_shows_raw_total_and_penalty(courses: tuple[Path, Path]) -> None:
    raw = f'{penalties(courses[1])[LATE]["raw"]:g}'
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(
        mml("export", A, "--course", str(courses[1]))))}
    assert list(rows[LATE])[:5] == ["student_id", "status", "total", "raw_total", "late_penalty"]
    assert (rows[LATE]["total"], rows[LATE]["raw_total"], rows[LATE]["late_penalty"]) == \
        ("0", raw, raw)
    assert (rows[ON_TIME]["total"], rows[ON_TIME]["late_penalty"]) == (raw, "0")


def test_feedback_says_how_late_and_what_was_deducted(courses: tuple[Path, Path]) -> None:
    raw = penalties(courses[1])[LATE]["raw"]
    mml("feedback", A, "--course", str(courses[1]))
    page = (courses[1] / "feedback" / LATE / A / "problem1.html").read_text()
    assert "Submitted late:" in page and "50 min after the due date 2026-11-20 11:10" in page
    assert f"{raw:g} points were deducted (a late submission scores zero)" in page
    on_time = (courses[1] / "feedback" / ON_TIME / A / "problem1.html").read_text()
    assert "Submitted late" not in on_time


def test_percentage_policy_deducts_as_configured_in_both_tools(courses: tuple[Path, Path]
                                                               ) -> None:
    """10% per started hour: 50 minutes is one started hour, so 10% of each notebook's score."""
    for root in courses:
        configure(root, PER_HOUR)
    run_nbgrader_autograde(courses[0])
    mml("grade", A, "--course", str(courses[1]))  # no regrade: recording recomputes penalties
    theirs, ours = (penalties(root) for root in courses)
    assert ours == theirs
    raw = ours[LATE]["raw"]
    assert raw
    # 0.1 * score, one rounding each: a relative 1e-12 covers it with room to spare
    assert ours[LATE]["problem1"] + ours[LATE]["problem2"] == pytest.approx(  # type: ignore[operator]
        0.1 * raw, rel=1e-12)
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(
        mml("export", A, "--course", str(courses[1]))))}
    assert (rows[LATE]["total"], rows[LATE]["late_penalty"]) == (f"{0.9 * raw:g}", f"{0.1 * raw:g}")
    assert rows[ON_TIME]["late_penalty"] == "0"


def tiny_result(student: str) -> SubmissionResult:
    return SubmissionResult(student, "tiny", "graded", questions=[
        QuestionResult("q_solve_test", "linear_algebra", 3, 3.0),
        QuestionResult("q_reflect_test", "linear_algebra", 2, 2.0),
        QuestionResult("written", "linear_algebra", 4, None, "manual")])



def late_course(tmp_path: Path, policy: str) -> tuple[Course, Path]:
    """A tiny course under ``policy``, due 2026-03-01 17:00 UTC, and student s1's
    ``timestamp.txt`` saying 17:50 (50 min late)."""
    from nbgrader.api import Gradebook
    from notebooks import make_course

    root = make_course(tmp_path / "c")
    configure(root, policy)
    course = load_course(root)
    ensure_assignment(course, "tiny")
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_assignment("tiny", duedate="2026-03-01 17:00:00 UTC")
    stamp = root / "submitted" / "s1" / "tiny" / "timestamp.txt"
    stamp.parent.mkdir(parents=True)
    stamp.write_text("2026-03-01 17:50:00.000000 UTC")
    return course, stamp


@pytest.mark.usefixtures("gradebook_store")
def test_extension_bad_timestamp_and_per_day_policy_in_the_gradebook(tmp_path: Path) -> None:
    """Recorded without a sandbox: 20% per started day; a 1 h extension; a broken timestamp."""
    from datetime import timedelta

    from nbgrader.api import Gradebook

    course, stamp = late_course(tmp_path, 'c.MMLGrader.late_policy = "per_day"\n'
                                          'c.MMLGrader.late_percent = 20\n')
    with Recorder(course) as recorder:
        late = recorder.record(tiny_result("s1"))
    assert (late.seconds_late, late.late_penalty, late.net_total) == (3000.0, 1.0, 4.0)
    assert late.late_policy == "20% of the score per started day late"
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_submission("tiny", "s1").extension = timedelta(hours=1)
        gb.db.commit()
    with Recorder(course) as recorder:
        on_time = recorder.record(tiny_result("s1"))
    assert (on_time.seconds_late, on_time.late_penalty) == (0.0, 0.0)
    assert on_time.due_at == "2026-03-01T18:00:00+00:00"
    stamp.write_text("last Tuesday")
    with Recorder(course) as recorder, pytest.raises(
            ConfigError, match=r"timestamp\.txt: not a submission time"):
        recorder.record(tiny_result("s1"))


@pytest.mark.usefixtures("gradebook_store")
def test_a_score_a_ta_enters_later_is_penalised_when_grade_runs_again(tmp_path: Path) -> None:
    """nbgrader sets a penalty only when it autogrades, on the notebook's score of that moment:
    a written answer scored later escapes a "zero" policy until the next recording. Running
    ``mml grade`` again re-records (without regrading) and takes the TA's score in; the class
    table then shows the whole score deducted."""
    from nbgrader.api import Gradebook

    from graders.commands.report import class_table

    course, _ = late_course(tmp_path, 'c.MMLGrader.late_policy = "zero"\n')
    with Recorder(course) as recorder:
        assert recorder.record(tiny_result("s1")).late_penalty == 5.0  # written: not scored
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_grade("written", "tiny", "tiny", "s1").manual_score = 3.0
        gb.db.commit()
    with Recorder(course) as recorder:
        again = recorder.record(tiny_result("s1"))
    assert again.late_penalty == 8.0
    row = next(line for line in class_table([again]).splitlines() if line.startswith("s1"))
    assert "-8" in row.split() and "0/9" in row.split()
