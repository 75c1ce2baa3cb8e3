"""Formgrader's Autograde and Generate buttons, turned into a refusal that says what to run.

Formgrader (nbgrader's grading pages in JupyterLab) has two buttons that bypass the project:

- **Autograde** runs nbgrader's own ``autograde``: the hidden regions execute inside the
  notebook's kernel, unsandboxed, where the reference implementations are importable; it
  deletes the autograded folder ``mml grade`` wrote and overwrites the gradebook's scores.
- **Generate** runs nbgrader's ``generate_assignment`` without ``mml release``'s leak scan,
  so a student version that shows hidden material could be released.

Both buttons call :class:`nbgrader.apps.api.NbGraderAPI`, which builds nbgrader's converter
(``Autograde``, ``GenerateAssignment``) as its child. The converter's ``exporter_class`` is a
configurable trait, and traitlets scopes configuration by parent, so ``nbgrader_config.py``
sets, for those converters only when formgrader's API runs them::

    c.NbGraderAPI.Autograde.exporter_class = "graders.nbgrader_io.formgrader.RefuseAutograde"
    c.NbGraderAPI.GenerateAssignment.exporter_class = \
        "graders.nbgrader_io.formgrader.RefuseGenerate"

The converter instantiates its exporter in ``start()`` after only listing the notebooks and
before it touches any folder or the gradebook (``nbgrader/converters/base.py``), so the
exporter's constructor raising :class:`FormgraderRefusal` stops the button with nothing
changed; formgrader shows the error, whose last line is the command to run instead. The
command-line ``nbgrader autograde`` and ``generate_assignment`` (not children of the API) are
left as they are: ``benchmarks/throughput.py`` compares ``nbgrader autograde`` with ``mml grade``.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import NotebookExporter

__all__ = ["FormgraderRefusal", "RefuseAutograde", "RefuseGenerate", "autograde_refusal",
           "generate_refusal"]


class FormgraderRefusal(RuntimeError):
    """A formgrader button that this course routes through ``mml`` instead."""


def autograde_refusal(assignment: str, student: str) -> str:
    """The message formgrader's Autograde button shows for ``student``'s ``assignment``."""
    return (f"Formgrader's Autograde is turned off in this course: nbgrader's autograde would "
            f"run the hidden checks unsandboxed in the notebook's kernel and replace what "
            f"mml grade recorded. Nothing was changed. Grade this submission from the course "
            f"root with: mml grade {assignment} --student {student} --force")


def generate_refusal(assignment: str) -> str:
    """The message formgrader's Generate button shows for ``assignment``."""
    return (f"Formgrader's Generate is turned off in this course: nbgrader's generate_assignment "
            f"skips the leak scan of the student version. Nothing was changed. Generate it from "
            f"the course root with: mml release {assignment}")


def _ids(parent: Any) -> tuple[str, str]:
    """(assignment, student) the converter ``parent`` was started for (``?`` if unknown)."""
    coursedir = getattr(parent, "coursedir", None)
    return (str(getattr(coursedir, "assignment_id", "?")),
            str(getattr(coursedir, "student_id", "?")))


class RefuseAutograde(NotebookExporter):
    """An exporter that refuses to be made: nbgrader's ``Autograde`` stops before any change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        assignment, student = _ids(kwargs.get("parent"))
        raise FormgraderRefusal(autograde_refusal(assignment, student))


class RefuseGenerate(NotebookExporter):
    """An exporter that refuses to be made: ``GenerateAssignment`` stops before any change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        assignment, _ = _ids(kwargs.get("parent"))
        raise FormgraderRefusal(generate_refusal(assignment))
