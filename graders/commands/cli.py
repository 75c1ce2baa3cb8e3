"""``mml``: the thin command-line face of the library (one verb, one library call).

    mml release ASSIGNMENT     generate the student version into release/, refuse leaks
    mml grade ASSIGNMENT       grade submitted/*/ASSIGNMENT in sandboxes, record the gradebook
    mml serve ASSIGNMENT       keep a warm grading worker, so that regrades skip start-up
    mml export ASSIGNMENT      CSV of scores per student, unit, grade_id (--format canvas|moodle)
    mml collect ASSIGNMENT ZIP import an LMS bulk download (Canvas, Moodle) into submitted/
    mml feedback ASSIGNMENT    one HTML page per submission in feedback/, for the student
    mml similarity ASSIGNMENT  pairs of unusually alike answers, for a person to read
    mml report ASSIGNMENT      the class report: one HTML page + CSV in reports/ (--all: course)
    mml pdf ASSIGNMENT         one PDF per submission of its written answers, for hand grading
    mml check ASSIGNMENT       the content quality bar (solution, stub, wrong, alternatives, leaks)
    mml preview ASSIGNMENT     the source rendered with one exam variant, runnable in Jupyter
    mml demo                   a whole class released, submitted, graded and reported
    mml validate NOTEBOOK      a student's check before submitting (no course needed)
    mml config                 every grader setting in effect (limits included), with its help
    mml exchange               nbgrader's exchange for the course (release, fetch, submit, collect)
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from graders.batch.service import IDLE_SECONDS
from graders.batch.startup import collector_paused
from graders.config import load_course
from graders.errors import GraderError
from graders.nbgrader_io.env import defer_nbgrader_init, ensure_tools_on_path
from graders.pipeline.validator import use_cached_validators

__all__ = ["main"]

course_option = click.option("--course", "course_dir", type=click.Path(file_okay=False),
                             default=".", show_default=True, help="Course root directory.")


@click.group()
def main() -> None:
    """Assessment system of the Mathematics for Machine Learning course."""
    ensure_tools_on_path()


@main.command()
@click.argument("assignment")
@course_option
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="Also write one personal notebook per student of this CSV (a student_id "
                   "column) into variants/ASSIGNMENT/<student_id>/ (exam mode).")
@click.option("--per-student", is_flag=True,
              help="Exam mode with nbgrader's student list from the gradebook (no --roster).")
def release(assignment: str, course_dir: str, roster: str | None, per_student: bool) -> None:
    """Generate release/ASSIGNMENT with nbgrader, then refuse it if anything hidden leaked."""
    from graders.nbgrader_io.release import release as do_release
    from graders.nbgrader_io.release import release_students

    course = load_course(course_dir)
    if roster or per_student:
        done = release_students(course, assignment, Path(roster) if roster else None)
        report, warnings = done.shared, done.warnings
        click.echo(f"released {len(done.folders)} personal notebooks of {assignment} into "
                   f"variants/{assignment}/<student_id>/")
    else:
        report = do_release(course, assignment)
        warnings = report.warnings
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"released {assignment}: {', '.join(str(p) for p in report.notebooks)}")


@main.command()
@click.argument("assignment")
@course_option
@click.option("--student", "students", multiple=True, help="Grade only this student (repeatable).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--force", is_flag=True, help="Regrade submissions already graded.")
@click.option("--sandbox", type=click.Choice(["bwrap", "docker", "unsafe"]), default=None,
              help="Override c.MMLGrader.sandbox.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Grade on this Dask cluster's workers (they need the course at the same path).")
@click.option("--dry-run", is_flag=True,
              help="Grade into a scratch folder and print whose scores would change (with "
                   "--force: a regrade preview); nothing in the course is written.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: print the preview's JSON.")
def grade(assignment: str, course_dir: str, students: tuple[str, ...], workers: int | None,
          force: bool, sandbox: str | None, scheduler: str | None, dry_run: bool,
          as_json: bool) -> None:
    """Grade every submission of ASSIGNMENT (nbgrader's submitted/<student>/<assignment>/)."""
    overrides: dict[str, object] = {"sandbox": sandbox} if sandbox else {}
    if dry_run or as_json:
        from graders.batch.preview import preview_regrade

        if scheduler or not dry_run:
            raise click.UsageError("--dry-run grades locally (no --scheduler); --json needs it")
        preview = preview_regrade(load_course(course_dir, **overrides), assignment,
                                  students=students or None, workers=workers, force=force)
        click.echo(preview.to_json() if as_json else preview.text())
        return
    summary: list[str] = []
    with collector_paused():  # until the batch has started (graders/batch/startup.py)
        from graders.batch.runner import grade_batch
        from graders.commands.report import class_table

        results = grade_batch(load_course(course_dir, **overrides), assignment,
                              students=students or None, workers=workers, force=force,
                              overrides=overrides, progress=sys.stderr.isatty(),
                              scheduler=scheduler, echo=summary.append)
    click.echo(class_table(results))
    click.echo("\n".join(summary))


@main.command()
@click.argument("assignment")
@course_option
@click.option("--sandbox", type=click.Choice(["bwrap", "docker", "unsafe"]), default=None,
              help="Override c.MMLGrader.sandbox (`mml grade` uses this service only with "
                   "the same override).")
@click.option("--idle", type=float, default=IDLE_SECONDS, show_default=True,
              help="Stop after this many seconds without a submission to grade (0: never).")
def serve(assignment: str, course_dir: str, sandbox: str | None, idle: float) -> None:
    """Keep a grading worker and its warm sandbox for ASSIGNMENT until Ctrl-C.

    `mml grade ASSIGNMENT --student ID` (a few students at most) then hands the
    submissions to it instead of starting a sandbox, and records the results as usual.
    It stops by itself when the course's configuration, the assignment's source or the
    grader's code changes, and `mml grade` then grades without it.
    """
    from graders.batch.service import serve as do_serve
    from graders.pipeline.source import load_sources
    from graders.sandbox import preflight

    overrides: dict[str, object] = {"sandbox": sandbox} if sandbox else {}
    course = load_course(course_dir, **overrides)
    load_sources(course, assignment)  # a broken source fails now, naming the file
    preflight(course)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stops as Ctrl-C does, cleaned up
    try:
        do_serve(course, assignment, overrides, idle, on_ready=lambda path: click.echo(
            f"mml serve: grading {assignment} on request at {path}; `mml grade {assignment} "
            "--student ID` uses it; Ctrl-C stops", err=True),
            log=lambda line: click.echo(f"mml serve: {line}", err=True))
    except KeyboardInterrupt:
        click.echo("mml serve: stopped (Ctrl-C)", err=True)


@main.command()
@click.argument("assignments", nargs=-1, required=True)
@course_option
@click.option("--format", "fmt", type=click.Choice(["csv", "canvas", "moodle"]), default="csv",
              show_default=True, help="csv: every column of one assignment; canvas, moodle: "
              "the grade-import CSV of that LMS, one column per assignment.")
@click.option("--id-column", default=None, help="canvas: 'SIS Login ID' (default) or 'SIS User "
              "ID'; moodle: 'ID number' (default), 'Username' or 'Email address'.")
def export(assignments: tuple[str, ...], course_dir: str, fmt: str,
           id_column: str | None) -> None:
    """Print the gradebook's scores of ASSIGNMENT(S) as CSV (manual scores included)."""
    course = load_course(course_dir)
    if fmt == "csv":
        from graders.nbgrader_io.export import export_csv

        if len(assignments) != 1:
            raise click.UsageError("--format csv exports one assignment; canvas and moodle "
                                   "take several")
        click.echo(export_csv(course, assignments[0]), nl=False)
        return
    from graders.nbgrader_io.lms import export_lms

    done = export_lms(course, assignments, fmt, id_column=id_column)
    click.echo(done.csv, nl=False)
    for line in done.held:
        click.echo(f"mml export: {line}", err=True)


@main.command()
@click.argument("assignment")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@course_option
@click.option("--pattern", default="canvas", show_default=True,
              help="A preset (canvas, canvas-id, moodle) or a regular expression with a named "
                   "group (?P<student>...) matched against each entry's path.")
@click.option("--time", "when", default=None, metavar="ISO-TIME",
              help="Submission time of every entry (default: each entry's time in the zip).")
@click.option("--timezone", "zone", default="UTC", show_default=True,
              help="Zone of the zip's entry times when they carry no UTC timestamp.")
@click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON report.")
def collect(assignment: str, archive: Path, course_dir: str, pattern: str, when: str | None,
            zone: str, as_json: bool) -> None:
    """Import ARCHIVE, an LMS bulk download, into submitted/<student>/ASSIGNMENT/."""
    from graders.nbgrader_io.collect import collect as do_collect
    from graders.nbgrader_io.collect import parse_time, parse_zone

    report = do_collect(load_course(course_dir), assignment, archive, pattern=pattern,
                        time=parse_time(when) if when else None, zone=parse_zone(zone))
    click.echo(report.to_json() if as_json else report.text())


@main.command()
@click.argument("assignment")
@course_option
@click.option("--student", "students", multiple=True,
              help="Only this student (repeatable; default: every graded student).")
def feedback(assignment: str, course_dir: str, students: tuple[str, ...]) -> None:
    """Write feedback/<student>/ASSIGNMENT/*.html: points, reasons, TA comments, unit totals."""
    from graders.nbgrader_io.feedback import write_feedback

    pages = write_feedback(load_course(course_dir), assignment, students or None)
    click.echo(f"wrote {len(pages)} feedback page(s) under "
               f"{pages[0].parents[2] if pages else 'feedback/'}")


@main.command()
@click.argument("assignment", required=False)
@course_option
@click.option("--all", "whole_course", is_flag=True,
              help="Report the course so far (every graded assignment) instead.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the page and its CSV files (default: reports/ASSIGNMENT/ or "
                   "reports/course/ under the course).")
def report(assignment: str | None, course_dir: str, whole_course: bool, out: Path | None) -> None:
    """Write the class report of ASSIGNMENT (or --all): one HTML page plus CSV; print its path."""
    from graders.report import write_assignment_report, write_course_report

    if bool(assignment) == whole_course:
        raise click.UsageError("give either an ASSIGNMENT or --all")
    course = load_course(course_dir)
    files = (write_course_report(course, out) if assignment is None
             else write_assignment_report(course, assignment, out))
    click.echo(f"wrote {files.page} ({len(files.csv)} CSV file(s) beside it)")


@main.command()
@click.argument("assignment")
@course_option
@click.option("--student", "students", multiple=True,
              help="Only this student (repeatable; default: every submission).")
def pdf(assignment: str, course_dir: str, students: tuple[str, ...]) -> None:
    """Write pdf/ASSIGNMENT/<student>.pdf: each submission's written answers, for hand grading."""
    from graders.nbgrader_io.pdf import write_pdfs

    report = write_pdfs(load_course(course_dir), assignment, students or None)
    click.echo(f"wrote {len(report.files)} PDF(s) under "
               f"{report.files[0].parent if report.files else 'pdf/'}")


@main.command()
@click.argument("assignment")
@course_option
def similarity(assignment: str, course_dir: str) -> None:
    """List pairs of unusually alike answers (a prompt for a person, not a verdict); write
    reports/ASSIGNMENT/similarity.html with their cells side by side."""
    from graders.similarity.command import similarity as find_pairs
    from graders.similarity.page import page_path
    from graders.similarity.report import table

    course = load_course(course_dir)
    click.echo(table(find_pairs(course, assignment)), nl=False)
    click.echo(f"page: {page_path(course, assignment)}")


@main.command()
@click.argument("assignment")
@course_option
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
def check(assignment: str, course_dir: str, workers: int | None) -> None:
    """Prove ASSIGNMENT's questions: solution full, stub zero, wrong caught, alternatives pass."""
    from graders.commands.quality import check_assignment

    report = check_assignment(load_course(course_dir), assignment, workers)
    click.echo(report.table())
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("assignment")
@course_option
@click.option("--student", default=None, help="Render this student's variant (default: the "
              "shared one, which release/ shows).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the copy (default: .mml/preview/ASSIGNMENT/<student or shared>/; "
                   "never under source/, release/ or variants/).")
def preview(assignment: str, course_dir: str, student: str | None, out: Path | None) -> None:
    """Write the instructor's source of ASSIGNMENT rendered with one exam variant (solutions
    and hidden checks kept), to run top to bottom in JupyterLab; instructors only."""
    from graders.preview import write_preview

    click.echo(write_preview(load_course(course_dir), assignment, student, out).text())


@main.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None,
              help="Scratch course directory (default: a new temporary one, kept).")
@click.option("--students", type=int, default=10, show_default=True,
              help="Class size (at least 8: the synthetic cases).")
def demo(directory: str | None, students: int) -> None:
    """Release ps1, submit a synthetic class, grade it and print the class table."""
    from graders.commands.demo import run_demo

    run_demo(Path(directory) if directory else None, students, echo=click.echo)


@main.command()
@click.argument("notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the versioned JSON report instead.")
def validate(notebook: Path, as_json: bool) -> None:
    """Check NOTEBOOK before submitting: will it be graded, and do its public checks pass.

    Needs only the notebook (no course directory). Exit code 0: it will be graded (failing
    public checks are reported as warnings about marks); 1: it will be graded, but fix the
    problems listed first (a deleted or renamed cell, a cell that never ends...); 2: it
    will not be graded (the grader refuses the file), or no sandbox can run here.
    """
    from graders.pipeline.validate import validate as do_validate

    report = do_validate(notebook)
    click.echo(report.to_json() if as_json else report.text())
    sys.exit(report.exit_code())


@main.command()
@course_option
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Exchange root (default: c.Exchange.root, else nbgrader's default).")
def exchange(course_dir: str, root: Path | None) -> None:
    """Create nbgrader's exchange for the course (root, inbound, outbound) with its modes."""
    from graders.nbgrader_io.exchange import setup_exchange

    done = setup_exchange(load_course(course_dir), root=root)
    for path, mode in done.modes.items():
        click.echo(f"{oct(mode)[2:]:>5}  {path}{'  (set)' if path in done.changed else ''}")
    if root is not None:
        click.echo(f'set c.Exchange.root = "{done.root}" in nbgrader_config.py (the course\'s '
                   "and the students') so that nbgrader finds it")


@main.command()
@course_option
def config(course_dir: str) -> None:
    """List the grader's settings (c.MMLGrader.<name> in nbgrader_config.py) as in effect."""
    click.echo(load_course(course_dir).grader.listing())


#: jsonschema's optional format-checker packages, by the import each costs this process.
#: ``rfc3987_syntax`` builds a Lark parser at import (about 2 s of CPU); ``isoduration``
#: imports ``arrow`` (80 ms); the others 2 to 12 ms each (``python -X importtime``).
SKIPPED_FORMAT_MODULES = ("rfc3987_syntax", "isoduration", "rfc3986_validator",
                          "rfc3339_validator", "uri_template", "webcolors", "jsonpointer")


def _skip_format_checkers() -> None:
    """Keep jsonschema from importing its optional format checkers in this command's process.

    ``import nbformat`` imports jsonschema, whose ``_format`` module imports each optional
    format-checker package that is installed (Jupyter's own dependencies install them) to
    register the formats it checks: together about a tenth of a small ``mml grade``, on
    the path before its first submission starts. nbformat's schemas use no ``format``
    keyword and nbformat validates without a format checker, so the command (and the
    workers it forks) marks those packages as absent, and jsonschema simply does not
    register those checkers. JupyterLab and nbgrader's own commands run in their own
    processes and are unaffected.
    """
    for name in SKIPPED_FORMAT_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


#: Commands whose process ends at once when they succeed (see :func:`_quick_exit`).
_QUICK_EXIT = ("grade",)


def _quick_exit() -> None:
    """End the process now, skipping Python's teardown of its modules (about 0.13 s of CPU).

    Only for :data:`_QUICK_EXIT`, after the command returned: everything it opened is
    closed by then (the worker pool shut down, the gradebook closed, scratch folders
    removed by their ``with`` blocks), so the teardown only frees memory. ``atexit``
    handlers are skipped, so a command that relies on one must not be listed.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        os._exit(1)
    os._exit(0)


def run() -> None:
    """Entry point that turns the grader's own errors into one clear line and exit code 2."""
    _skip_format_checkers()
    defer_nbgrader_init()
    use_cached_validators()  # nbformat's schema compiled once per install
    try:
        main(standalone_mode=False)
        if sys.argv[1:2] and sys.argv[1] in _QUICK_EXIT:
            _quick_exit()
    except GraderError as exc:
        click.echo(f"mml: error: {exc}", err=True)
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("mml: interrupted; every result recorded so far is kept, and running the "
                   "same command again grades only what is missing", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
