"""nbgrader's ``generate_assignment``, run for the release and for the gradebook, and cached.

:func:`generate_to` runs nbgrader's own converter (:class:`~nbgrader.converters.GenerateAssignment`,
with the course's configuration) into any directory, optionally recording the assignment and
its cells in the gradebook exactly as ``nbgrader generate_assignment`` does.

:func:`ensure_assignment` is what every ``mml grade`` needs first: the assignment and its
cells in the gradebook. Generating costs about a second, so it is done once and remembered
until the source changes: a stamp in ``.mml/generated/<assignment>.key`` under the course
root holds a hash of the source notebooks, the course's configuration and the gradebook's
URL, and the generation is skipped while the stamp matches and the gradebook still has the
assignment. Without a stamp (a gradebook made by ``nbgrader generate_assignment``), it is
skipped when the gradebook already has every graded cell of the source by notebook, name
and points: that is all grading records. nbgrader's own copies of the cells' text and
checksums are then refreshed by the next ``mml release``.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Any, cast

from graders.config import Course
from graders.errors import ConfigError
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.nbgrader_io.manifest import add_manifest
from graders.nbgrader_io.writes import graded_cells_in

__all__ = ["ensure_assignment", "generate_to", "source_key"]


class _Collect(logging.Handler):
    """Keeps the messages of warnings and errors nbgrader logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one record's message."""
        self.messages.append(record.getMessage())


def _converter(course: Course, assignment: str, dest_dir: Path, db_url: str | None,
               log: logging.Logger) -> Any:
    """nbgrader's GenerateAssignment set up for ``dest_dir``, writing ``db_url`` or nothing."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import SaveCells

    config = copy.deepcopy(course.config)
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.release_directory = str(dest_dir)
    config.CourseDirectory.assignment_id = assignment
    if db_url is not None:
        config.CourseDirectory.db_url = db_url
    coursedir = CourseDirectory(config=config, log=log)
    app = GenerateAssignment(coursedir=coursedir, config=config, log=log)
    app.force = True
    app.create_assignment = db_url is not None
    app.no_database = db_url is None
    if db_url is None:
        app.preprocessors = [p for p in app.preprocessors if p is not SaveCells]
    return app


def generate_to(course: Course, assignment: str, dest_dir: Path, *,
                db_url: str | None = None) -> Path:
    """Run nbgrader's generate_assignment for ``assignment`` into ``dest_dir/<assignment>/``.

    nbgrader changes the working directory to the course root while it converts
    and restores it afterwards (``BaseConverter.start``).

    Args:
        course: the course.
        assignment: the assignment id (``source/<assignment>/``).
        dest_dir: where to write; any existing ``dest_dir/<assignment>/`` is replaced.
        db_url: the gradebook nbgrader records the assignment in; None (the default)
            writes no gradebook at all. Only :mod:`graders.nbgrader_io.gradebook` passes one.

    Returns:
        The directory of the generated student version; each notebook in it carries
        its release manifest (:mod:`graders.nbgrader_io.manifest`).

    Raises:
        ConfigError: nbgrader refused the source notebook (its messages are included).
    """
    from nbgrader.converters.base import NbGraderException

    source = course.root / "source" / assignment
    course.source_notebooks(assignment)  # ConfigError naming the folder if there is none
    ensure_tools_on_path()
    log = logging.Logger(f"nbgrader.generate_assignment.{assignment}")
    collect = _Collect()
    log.addHandler(collect)
    app = _converter(course, assignment, Path(dest_dir).resolve(), db_url, log)
    try:
        app.start()
    except NbGraderException as exc:
        detail = "\n".join(collect.messages) or str(exc)
        raise ConfigError(f"{source}: nbgrader generate_assignment failed:\n{detail}") from exc
    generated = Path(dest_dir).resolve() / assignment
    for notebook in sorted(generated.rglob("*.ipynb")):
        add_manifest(notebook)  # what `mml validate` checks a student's copy against
    return generated


def source_key(course: Course, assignment: str) -> str:
    """A hash of what generation depends on: the source notebooks, the configuration, the db."""
    digest = hashlib.sha256()
    for path in course.source_notebooks(assignment):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr(sorted(course.config.items(), key=str)).encode())
    digest.update(f"{course.db_url}\0{course.course_id}".encode())
    return digest.hexdigest()


def _stamp(course: Course, assignment: str) -> Path:
    return course.root / ".mml" / "generated" / f"{assignment}.key"


def _graded_cells(course: Course, assignment: str) -> set[tuple[str, str, float]]:
    """(notebook, grade_id, points) of every graded cell of the source notebooks."""
    from graders.pipeline.source import load_sources

    return {(spec.path.stem, q.grade_id, q.points) for spec in load_sources(course, assignment)
            for q in spec.questions}


def _in_gradebook(course: Course, assignment: str,
                  gradebook: Any | None = None) -> set[tuple[str, str, float]] | None:
    """(notebook, grade_id, points) of the assignment's graded cells in the gradebook, or None
    when there is no gradebook or it does not have the assignment.

    ``gradebook``, an open :class:`~graders.nbgrader_io.gradebook.Recorder`, is read instead
    of opening the gradebook again (opening costs tens of milliseconds).
    """
    if gradebook is not None:
        return cast(set[tuple[str, str, float]] | None, gradebook.graded_cells(assignment))
    from nbgrader import api  # lazy: slow import

    if course.db_url.startswith("sqlite:///") and not Path(
            course.db_url.removeprefix("sqlite:///")).is_file():
        return None
    ensure_tools_on_path()
    with api.Gradebook(course.db_url, course.course_id) as gb:
        return graded_cells_in(gb, assignment)


def ensure_assignment(course: Course, assignment: str, *,
                      gradebook: Any | None = None) -> None:
    """Record the assignment and its cells in the gradebook, as generate_assignment does.

    Creates the gradebook if needed. Skipped while the source, the configuration and the
    gradebook are as they were at the last generation (see the module docstring). nbgrader
    refuses (ConfigError) to add or remove cells of a notebook that already has submissions.

    Args:
        course: the course (its ``db_url`` and ``course_id`` name the gradebook).
        assignment: the assignment id (``source/<assignment>/<assignment>.ipynb``).
        gradebook: the course's gradebook when it is open already (a batch's
            :class:`~graders.nbgrader_io.gradebook.Recorder`): read instead of opening
            another.
    """
    key, stamp = source_key(course, assignment), _stamp(course, assignment)
    try:
        fresh = stamp.read_text(encoding="utf-8") == key
    except OSError:
        fresh = False
    recorded = _in_gradebook(course, assignment, gradebook)
    if recorded is not None and fresh:
        return
    if recorded is None or recorded != _graded_cells(course, assignment):
        with tempfile.TemporaryDirectory(prefix="mml-gradebook-") as tmp:
            generate_to(course, assignment, Path(tmp), db_url=course.db_url)
    # stamped also when the gradebook already had these cells (a course folder moved, a
    # gradebook made by nbgrader): the next command need not parse the source to know
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key, encoding="utf-8")
