"""``mml``: the thin command-line face of the library (one verb, one library call).

    mml release ASSIGNMENT     generate the student version into release/, refuse leaks
    mml grade ASSIGNMENT       grade submitted/*/ASSIGNMENT in sandboxes, record the gradebook
    mml export ASSIGNMENT      CSV of scores per student, per unit, per grade_id
    mml feedback ASSIGNMENT    one HTML page per submission in feedback/, for the student
    mml check ASSIGNMENT       the content quality bar (solution, stub, wrong, alternatives, leaks)
    mml demo                   a whole class released, submitted, graded and reported
    mml validate NOTEBOOK      a student's check before submitting (no course needed)
    mml config                 every grader setting in effect (limits included), with its help
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graders.config import load_course
from graders.errors import GraderError
from graders.nbgrader_io.env import defer_nbgrader_init, ensure_tools_on_path

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
def release(assignment: str, course_dir: str) -> None:
    """Generate release/ASSIGNMENT with nbgrader, then refuse it if anything hidden leaked."""
    from graders.nbgrader_io.release import release as do_release

    report = do_release(load_course(course_dir), assignment)
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
def grade(assignment: str, course_dir: str, students: tuple[str, ...], workers: int | None,
          force: bool, sandbox: str | None, scheduler: str | None) -> None:
    """Grade every submission of ASSIGNMENT (nbgrader's submitted/<student>/<assignment>/)."""
    from graders.batch.runner import grade_batch
    from graders.commands.report import class_table

    overrides: dict[str, object] = {"sandbox": sandbox} if sandbox else {}
    course = load_course(course_dir, **overrides)
    results = grade_batch(course, assignment, students=students or None, workers=workers,
                          force=force, overrides=overrides, progress=sys.stderr.isatty(),
                          scheduler=scheduler)
    click.echo(class_table(results))


@main.command()
@click.argument("assignment")
@course_option
def export(assignment: str, course_dir: str) -> None:
    """Print the gradebook's scores of ASSIGNMENT as CSV (manual scores included)."""
    from graders.nbgrader_io.export import export_csv

    click.echo(export_csv(load_course(course_dir), assignment), nl=False)


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
def config(course_dir: str) -> None:
    """List the grader's settings (c.MMLGrader.<name> in nbgrader_config.py) as in effect."""
    click.echo(load_course(course_dir).grader.listing())


def _skip_iri_grammar() -> None:
    """Keep jsonschema from compiling its IRI grammar in this command's process.

    ``import nbformat`` imports jsonschema, whose format checkers import the optional
    ``rfc3987_syntax`` package when it is installed (Jupyter's own dependencies install
    it), and that package builds a Lark parser at import: about 2 s of CPU, a third of
    a small ``mml grade``. Notebook validation checks no ``iri`` format, so the command
    (and the workers it forks) marks the module as absent, and jsonschema simply does not
    register those two format checkers. JupyterLab and nbgrader's own commands run in
    their own processes and are unaffected.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def run() -> None:
    """Entry point that turns the grader's own errors into one clear line and exit code 2."""
    _skip_iri_grammar()
    defer_nbgrader_init()
    try:
        main(standalone_mode=False)
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
