"""``mml preview``: the instructor's source notebook rendered with one exam variant, runnable.

An exam's source holds ``{{ name }}`` templates in its question text and data lines
(:mod:`graders.variants`), so the raw source cannot run top to bottom: Python stops at the
first templated data line. :func:`write_preview` writes a copy of ``source/<assignment>/``
whose templates are rendered with one variant's values (the shared one, or one student's),
solutions and hidden checks kept, and whose first cell calls
:func:`graders.authoring.use_variant`, so every hidden ``check()`` judges exactly the hidden
cases grading uses for that variant. The instructor runs it in JupyterLab and sees the
public and hidden checks pass on the numbers that student sees.

The copy goes to ``.mml/preview/<assignment>/<student or "shared">/`` by default: under
``.mml/`` (the course's private records, git-ignored and never released), outside
``source/`` (nbgrader's input), ``release/`` and ``variants/`` (what students receive), which
it refuses. It holds the solutions: it is for instructors only, like ``source/``. It holds
no seed: the first cell finds the course by a path relative to the notebook and reads the
seed from ``nbgrader_config.py``. This is not the regrade preview of ``mml grade --dry-run``
(:mod:`graders.batch.preview`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders.checks import tasks
from graders.config import Course
from graders.errors import ConfigError
from graders.variants import (
    DEFAULT_STUDENT,
    assignment_parameters,
    released_students,
    render_notebook,
    validate_student_id,
)

__all__ = ["PREVIEW_VERSION", "Preview", "default_folder", "write_preview"]

#: Version of the ``mml.preview`` record in a preview notebook's metadata.
PREVIEW_VERSION = 1

#: Course folders a preview must not be written into: nbgrader's input and what students get.
_REFUSED = ("source", "release", "variants")


@dataclass(frozen=True)
class Preview:
    """What :func:`write_preview` wrote.

    Attributes:
        assignment: the assignment id.
        student: the variant's student id (:data:`graders.variants.DEFAULT_STUDENT`: shared).
        folder: the preview's folder (a copy of ``source/<assignment>/``).
        notebooks: the rendered notebooks in it.
        personal: whether this student received a personal notebook (is in the recorded
            roster of ``mml release --roster``); a student who did not is graded on the
            shared variant, not on this one.
    """

    assignment: str
    student: str
    folder: Path
    notebooks: list[Path]
    personal: bool

    def text(self) -> str:
        """The command's report: the files, and which variant grading would use."""
        lines = [f"wrote {path}" for path in self.notebooks]
        if self.student == DEFAULT_STUDENT:
            lines.append("variant: shared (what release/ shows; grading uses it for every "
                         "student without a personal notebook)")
        elif self.personal:
            lines.append(f"variant: student {self.student} (their personal notebook's values)")
        else:
            lines.append(f"variant: student {self.student}, who received no personal notebook "
                         f"of {self.assignment} (not in .mml/variants/{self.assignment}.json): "
                         "grading uses the shared variant for them, not this one")
        lines.append("instructors only: it holds the solutions and hidden checks; open it in "
                     "JupyterLab and run all cells")
        return "\n".join(lines)


def default_folder(course: Course, assignment: str, student: str | None) -> Path:
    """``.mml/preview/<assignment>/<student or "shared">/`` under the course root."""
    name = "shared" if student in (None, DEFAULT_STUDENT) else str(student)
    return course.root / ".mml" / "preview" / assignment / name


def _check_target(course: Course, folder: Path) -> Path:
    """``folder`` resolved; refuse the course's source/, release/ and variants/ folders."""
    target = folder.resolve()
    for name in _REFUSED:
        refused = (course.root / name).resolve()
        if target == refused or refused in target.parents:
            raise ConfigError(f"{folder}: a preview may not be written under {name}/ (nbgrader's "
                              "input and the students' copies); choose another --out or omit "
                              "it for .mml/preview/")
    if target == course.root.resolve():
        raise ConfigError(f"{folder}: the course root itself; choose a folder of its own")
    if target.exists() and not (target.is_dir() and _is_preview(target)):
        raise ConfigError(f"{folder}: exists and holds no earlier preview, so it would be "
                          "replaced: choose a new or empty folder for --out")
    return target


def _is_preview(folder: Path) -> bool:
    """Whether ``folder`` is empty or holds an earlier preview (safe to replace)."""
    import json

    if not any(folder.iterdir()):
        return True
    for path in folder.glob("*.ipynb"):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(meta, dict) and "preview" in (meta.get("mml") or {}):
            return True
    return False


def variant_cell(assignment: str, student: str, course_path: str) -> Any:
    """The preview's first cell: it tells ``check()`` which variant to judge."""
    import nbformat

    shown = "the shared variant" if student == DEFAULT_STUDENT else f"student {student}'s variant"
    source = (f"# mml preview of {assignment}, rendered with {shown}: the instructor's source\n"
              "# (solutions and hidden checks kept), for instructors only. check() below judges\n"
              "# this variant's hidden cases. Edit source/, not this copy, and run\n"
              f"# `mml preview {assignment}` again.\n"
              "from graders.authoring import use_variant\n"
              f"use_variant({assignment!r}, student={student!r}, course={course_path!r})")
    return nbformat.v4.new_code_cell(source, metadata={"mml": {"preview": True}})


def _render_copy(folder: Path, assignment: str, student: str, params: dict[str, Any],
                 course_path: str) -> list[Path]:
    """Render every notebook of the copied ``folder`` and prepend its variant cell."""
    import nbformat

    notebooks = sorted(folder.glob("*.ipynb"))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        render_notebook(nb, params, f"source/{assignment}/{path.name}")
        nb.cells.insert(0, variant_cell(assignment, student, course_path))
        nb.metadata.setdefault("mml", {})["preview"] = {
            "version": PREVIEW_VERSION, "assignment": assignment, "student": student}
        nbformat.write(nb, path)
    return notebooks


def write_preview(course: Course, assignment: str, student: str | None = None,
                  out: Path | None = None) -> Preview:
    """Write ``source/<assignment>/`` rendered with one variant into ``out`` (replaced).

    Args:
        course: the course.
        assignment: the assignment id.
        student: the student whose variant to render; None for the shared variant.
        out: the preview's folder (default :func:`default_folder`).

    Raises:
        ConfigError: no source notebook, an unusable student id, ``out`` under source/,
            release/ or variants/, or a template naming no parameter (the message names
            the notebook and cell).
    """
    sources = course.source_notebooks(assignment)
    who = DEFAULT_STUDENT if student is None else validate_student_id(student, "--student")
    target = _check_target(course, out if out is not None else
                           default_folder(course, assignment, student))
    specs = [spec for task in tasks(assignment) for spec in task.checks]
    params = assignment_parameters(specs, course.grader.seed, assignment, student)
    course_path = os.path.relpath(course.root.resolve(), target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mml-preview-", dir=target.parent) as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(sources[0].parent, copy,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        names = [p.name for p in _render_copy(copy, assignment, who, params, course_path)]
        if target.exists():
            shutil.rmtree(target)
        copy.rename(target)
    personal = student is not None and student in released_students(course.root, assignment)
    return Preview(assignment, who, target, [target / n for n in names], personal)
