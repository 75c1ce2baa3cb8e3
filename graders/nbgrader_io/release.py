"""Generate the student version of an assignment, and refuse it if anything hidden leaked.

``release(course, "ps1_linear_algebra")`` runs nbgrader's own ``generate_assignment``
(its :class:`~nbgrader.converters.GenerateAssignment` converter, with the course's
configuration) into a temporary directory, scans every released file against the
instructor source with :mod:`graders.nbgrader_io.leaks`, and only when nothing leaked replaces
``release/<assignment>/`` and records the assignment in the gradebook (through
:func:`graders.nbgrader_io.generate.ensure_assignment`). A refused
release raises :class:`~graders.errors.ReleaseLeak` naming the notebook, the cell and
what leaked, and leaves ``source/`` and the previous ``release/`` untouched.

:func:`graders.nbgrader_io.generate.generate_to` is the same generation into any
directory without a gradebook, so a test can regenerate and compare with the committed
``release/`` (nbgrader's output is byte-for-byte deterministic for a given source and
configuration).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.checks import CheckSpec, tasks
from graders.config import Course, MMLGrader
from graders.errors import ConfigError, ReleaseLeak
from graders.nbgrader_io.generate import ensure_assignment, generate_to
from graders.nbgrader_io.hygiene import is_exam, revealing_checks
from graders.nbgrader_io.leaks import DEFAULT_ALLOWED, Leak, misplaced_regions, scan
from graders.variants import (
    assignment_parameters,
    has_templates,
    read_roster,
    record_students,
    render_notebook,
    secret_strings,
    validate_student_id,
)

__all__ = ["ReleaseReport", "StudentRelease", "generate_shared", "gradebook_students",
           "hygiene_warnings", "release", "release_students", "scan_release"]

#: Released non-notebook files larger than this are not scanned (data files).
_MAX_SCANNED_BYTES = 1_000_000


@dataclass(frozen=True)
class ReleaseReport:
    """What one release produced.

    Attributes:
        assignment: the assignment id.
        notebooks: the released notebooks, under ``release/<assignment>/``.
        leaks: leaks found (always empty: a leaking release raises instead).
        warnings: exam hygiene findings (:mod:`graders.nbgrader_io.hygiene`): public checks
            that state an answer; the release goes ahead, the instructor decides.
    """

    assignment: str
    notebooks: list[Path]
    leaks: list[Leak] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _allowed_lines(course: Course) -> list[str]:
    """Lines that may appear anywhere: nbgrader's default stubs and the course's."""
    clear = course.config.get("ClearSolutions", {})
    stubs = [*dict(clear.get("code_stub", {})).values(), str(clear.get("text_stub", ""))]
    return [*DEFAULT_ALLOWED, *(line.strip() for s in stubs for line in str(s).split("\n")
                                if line.strip())]


def _references() -> dict[str, str]:
    """The course content's modules (``graders/content/**.py``), repository path -> text."""
    import graders.content

    package = Path(graders.content.__file__).parent
    return {f"graders/content/{path.relative_to(package).as_posix()}":
            path.read_text(encoding="utf-8")
            for path in sorted(package.rglob("*.py")) if path.name != "__init__.py"}


def _read_released(path: Path) -> Any | None:
    """A released file as a notebook (a text file as one code cell); None if binary or big."""
    import nbformat

    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    if path.stat().st_size > _MAX_SCANNED_BYTES:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])


def scan_release(course: Course, assignment: str, released_dir: Path) -> list[tuple[Path, Leak]]:
    """Scan every file of a generated student version against the instructor source.

    Args:
        course: the course.
        assignment: the assignment id.
        released_dir: the generated ``<assignment>/`` directory.

    Returns:
        (file as it would be released, ``release/<assignment>/...``, leak) pairs;
        empty when nothing leaked.
    """
    import nbformat

    sources = {p.name: p for p in course.source_notebooks(assignment)}
    main = next(iter(sources.values()))
    references, allowed = _references(), _allowed_lines(course)
    found: list[tuple[Path, Leak]] = []
    for path in sorted(p for p in Path(released_dir).rglob("*") if p.is_file()):
        released = _read_released(path)
        if released is not None:
            source = nbformat.read(sources.get(path.name, main), as_version=4)
            leaks = scan(source, released, references=references, allowed=allowed)
            shown = Path("release") / path.relative_to(Path(released_dir).parent)
            found.extend((shown, leak) for leak in leaks)
    return found


def _refuse(assignment: str, leaks: list[tuple[Path, Leak]], what: str) -> None:
    """Raise ReleaseLeak listing every leak (at most 30) by file and cell."""
    lines = [f"  {path}: {leak}" for path, leak in leaks[:30]]
    more = f"\n  ... and {len(leaks) - 30} more" if len(leaks) > 30 else ""
    raise ReleaseLeak(f"release of {assignment!r} refused: {what}; nothing was released and "
                      f"source/ is unchanged:\n" + "\n".join(lines) + more)


def release(course: Course, assignment: str) -> ReleaseReport:
    """Generate ``release/<assignment>/``, refuse it if anything hidden leaked, record it.

    Args:
        course: the course.
        assignment: the assignment id.

    Returns:
        The report of the release.

    Raises:
        ReleaseLeak: the source misplaces a hidden region, or the generated version
            contains hidden material; the message names each notebook and cell.
        ConfigError: the source notebook is missing or nbgrader refused it.
    """
    import nbformat

    misplaced = [(path.relative_to(course.root), m)
                 for path in course.source_notebooks(assignment)
                 for m in misplaced_regions(nbformat.read(path, as_version=4))]
    if misplaced:
        _refuse(assignment, misplaced, "hidden regions in cells nbgrader would not clear")
    with tempfile.TemporaryDirectory(prefix="mml-release-") as tmp:
        generated = generate_shared(course, assignment, Path(tmp))
        leaks = scan_release(course, assignment, generated)
        if leaks:
            _refuse(assignment, leaks, "the student version contains hidden material")
        target = course.root / "release" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(generated, target)
    ensure_assignment(course, assignment)
    notebooks = sorted(target.rglob("*.ipynb"))
    return ReleaseReport(assignment=assignment, notebooks=notebooks,
                         warnings=hygiene_warnings(course, assignment))


def _assignment_checks(assignment: str) -> list[CheckSpec]:
    """The checks of the assignment's task modules (``graders/content/<assignment>/``)."""
    return [spec for task in tasks(assignment) for spec in task.checks]


def generate_shared(course: Course, assignment: str, dest_dir: Path) -> Path:
    """nbgrader's student version (:func:`generate_to`) with the shared variant's values.

    The ``{{ name }}`` templates (question text, data lines) are rendered with the parameters of
    :data:`graders.variants.DEFAULT_STUDENT`; this is what ``release/<assignment>/`` holds.
    """
    generated = generate_to(course, assignment, dest_dir)
    _render_dir(course, assignment, generated, None)
    return generated


def _render_dir(course: Course, assignment: str, generated: Path, student: str | None) -> None:
    """Render the templates (question text, data lines) of every generated notebook."""
    import nbformat

    params = assignment_parameters(_assignment_checks(assignment), course.grader.seed,
                                   assignment, student)
    for path in sorted(Path(generated).rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(has_templates(c) for c in nb.cells):
            nbformat.write(render_notebook(nb, params, str(path.name)), path)


def hygiene_warnings(course: Course, assignment: str, exam: bool = False) -> list[str]:
    """Public checks that state a reference output, in an exam's source notebooks.

    A notebook is checked when ``exam`` (a per-student release) or when its metadata says
    ``mml.exam: true``; see :mod:`graders.nbgrader_io.hygiene`.
    """
    import nbformat

    refs = {s.function: s.reference for s in _assignment_checks(assignment)
            if s.reference is not None}
    found: list[str] = []
    for path in course.source_notebooks(assignment):
        nb = nbformat.read(path, as_version=4)
        if exam or is_exam(nb):
            found += revealing_checks(nb, refs, str(path.relative_to(course.root)))
    return found


@dataclass(frozen=True)
class StudentRelease:
    """What a per-student release (``mml release ASSIGNMENT --roster``) produced.

    Attributes:
        assignment: the assignment id.
        shared: the shared release (``release/<assignment>/``, the default variant).
        folders: one folder per student, ``variants/<assignment>/<student_id>/``.
        warnings: exam hygiene findings (see :func:`hygiene_warnings`).
    """

    assignment: str
    shared: ReleaseReport
    folders: dict[str, Path]
    warnings: list[str] = field(default_factory=list)


def gradebook_students(course: Course) -> list[str]:
    """The student ids of nbgrader's gradebook (none when there is no gradebook yet)."""
    url = course.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return []  # no gradebook yet (nbgrader would create an empty one)
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        return sorted(s.id for s in gb.students)


def _roster(course: Course, roster: Path | None) -> list[str]:
    """The students of a per-student release: the roster CSV, else the gradebook's."""
    if roster is not None:
        return read_roster(roster)
    ids = gradebook_students(course)
    if not ids:
        raise ConfigError(f"{course.root / 'gradebook.db'}: no roster given and nbgrader's "
                          "gradebook lists no students: pass --roster roster.csv (a CSV with a "
                          "student_id column) or add students (nbgrader db student add)")
    return [validate_student_id(s, f"{course.db_url} (nbgrader's student list)") for s in ids]


def _secrets_in(folder: Path, secrets: list[str]) -> list[tuple[Path, Leak]]:
    """Files of ``folder`` whose text contains the seed or a derived variant key."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for secret in secrets:
            if secret in text:
                found.append((path.relative_to(folder.parent), Leak(
                    -1, "", "the course seed or a derived variant key (not shown)")))
                break
    return found


def release_students(course: Course, assignment: str,
                     roster: Path | None = None) -> StudentRelease:
    """Release the shared version, then one personal notebook per student of the roster.

    Each student's folder ``variants/<assignment>/<student_id>/`` holds nbgrader's generated
    student version with the question text rendered with that student's parameters
    (:mod:`graders.variants`); it lives outside ``release/`` so nbgrader's exchange never
    hands one student another's copy. Every file is scanned for hidden material (as a
    shared release is) and for the course seed and the student's derived keys; the roster
    is recorded in ``.mml/variants/<assignment>.json``, which tells grading to use each
    listed student's own variant.

    Raises:
        ConfigError: the roster is unreadable, lacks a ``student_id`` column or holds an id
            unsafe as a folder name (the message names the file), or no roster is given
            and the gradebook has no students.
        ReleaseLeak: a generated file contains hidden material or a secret.
    """
    students = _roster(course, roster)
    shared = release(course, assignment)
    seed = course.grader.seed
    checks = _assignment_checks(assignment)
    folders: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="mml-variants-") as tmp:
        generated = generate_to(course, assignment, Path(tmp) / "generated")
        out = Path(tmp) / assignment
        for student in students:
            folder = out / student
            shutil.copytree(generated, folder)
            _render_dir(course, assignment, folder, student)
            leaks = scan_release(course, assignment, folder)
            leaks += _secrets_in(folder, secret_strings(checks, seed, assignment, [student]))
            if leaks:
                _refuse(assignment, leaks, f"the version of student {student!r} contains "
                                           "hidden material")
            folders[student] = course.root / "variants" / assignment / student
        target = course.root / "variants" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
    record_students(course.root, assignment, students)
    return StudentRelease(assignment, shared, folders,
                          _seed_warnings(course) + hygiene_warnings(course, assignment, exam=True))


#: Below this a course seed can be found by trying every value (about 3,000 seeds a second
#: on one core through the generators, so 2**32 takes weeks, 2**64 is out of reach).
STRONG_SEED = 2**64


def _seed_warnings(course: Course) -> list[str]:
    """A warning when per-student variants hang on a seed that is public or guessable.

    Anyone holding the question generators (``graders/content``, kept from students) and a
    few released notebooks can try seeds until the released values match, then rebuild
    every student's variant; the default seed is printed in the README. The seed stays a
    warning, not a refusal: keeping the course repository private is what protects it.
    """
    seed, default = course.grader.seed, MMLGrader.seed.default_value
    if seed >= STRONG_SEED and seed != default:
        return []
    which = "the public default" if seed == default else f"{seed}, under 2**64"
    return [f"the course seed ({which}) can be found from released values by anyone with "
            f"the generators: set c.MMLGrader.seed = {secrets.randbits(128)} (a private "
            f"random number) in {course.root / 'nbgrader_config.py'} before releasing"]
