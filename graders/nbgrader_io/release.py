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

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graders.config import Course
from graders.errors import ReleaseLeak
from graders.nbgrader_io.generate import ensure_assignment, generate_to
from graders.nbgrader_io.leaks import DEFAULT_ALLOWED, Leak, misplaced_regions, scan

__all__ = ["ReleaseReport", "release", "scan_release"]

#: Released non-notebook files larger than this are not scanned (data files).
_MAX_SCANNED_BYTES = 1_000_000


@dataclass(frozen=True)
class ReleaseReport:
    """What one release produced.

    Attributes:
        assignment: the assignment id.
        notebooks: the released notebooks, under ``release/<assignment>/``.
        leaks: leaks found (always empty: a leaking release raises instead).
    """

    assignment: str
    notebooks: list[Path]
    leaks: list[Leak] = field(default_factory=list)


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
        generated = generate_to(course, assignment, Path(tmp))
        leaks = scan_release(course, assignment, generated)
        if leaks:
            _refuse(assignment, leaks, "the student version contains hidden material")
        target = course.root / "release" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(generated, target)
    ensure_assignment(course, assignment)
    notebooks = sorted(target.rglob("*.ipynb"))
    return ReleaseReport(assignment=assignment, notebooks=notebooks)
