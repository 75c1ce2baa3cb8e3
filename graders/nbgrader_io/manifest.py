"""The release manifest: the graded cells a released notebook was given, written into it.

A student checking a notebook with ``mml validate`` has that notebook and nothing else.
nbgrader's metadata on each cell shows a locked cell edited (its ``checksum`` covers
the text, the type, the flags, the ``grade_id`` and the points), but not a cell deleted,
nor a ``grade_id`` changed on an answer cell, whose text the student is meant to change.
So :func:`add_manifest` writes into each released notebook's metadata, under
``mml.release``, every cell with a ``grade_id`` in order, with its type, its role and its
points. Nothing in it is hidden (each entry repeats what the cell itself shows). The
grader never reads it: grading takes every cell but the answers from the instructor
source, so an edited manifest can mislead only the student who edited it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["MANIFEST_VERSION", "Manifest", "ManifestCell", "Role", "add_manifest",
           "build_manifest", "read_manifest", "role_of"]

MANIFEST_VERSION = 1

#: answer: the student's cell (nbgrader solution, not graded itself); test: a graded
#: code cell that is not a solution (autograder tests); manual: a graded solution (written
#: answers, graded by hand); locked: everything else (questions, setup).
Role = Literal["answer", "test", "manual", "locked"]


@dataclass(frozen=True)
class ManifestCell:
    """One released cell that has a ``grade_id``.

    Attributes:
        grade_id: its nbgrader grade_id.
        cell_type: "code" or "markdown".
        role: see :data:`Role`.
        points: its points when graded, else None.
    """

    grade_id: str
    cell_type: str
    role: Role
    points: float | None = None


@dataclass(frozen=True)
class Manifest:
    """The released notebook's graded cells, in order.

    Attributes:
        cells: one entry per cell with a grade_id.
        notebook: the released file name without ``.ipynb`` (the grader looks for it).
        version: the manifest's format version.
    """

    cells: tuple[ManifestCell, ...]
    notebook: str = ""
    version: int = MANIFEST_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored in the notebook's metadata (``mml.release``)."""
        return {"version": self.version, "notebook": self.notebook,
                "cells": [{"grade_id": c.grade_id, "cell_type": c.cell_type, "role": c.role,
                           **({"points": c.points} if c.points is not None else {})}
                          for c in self.cells]}


def role_of(nbgrader_meta: dict[str, Any]) -> Role:
    """The role of a cell from its nbgrader metadata (see :data:`Role`)."""
    solution, grade = bool(nbgrader_meta.get("solution")), bool(nbgrader_meta.get("grade"))
    if solution:
        return "manual" if grade else "answer"
    return "test" if grade else "locked"


def _points(value: Any) -> float:
    """A cell's points as a float; 0 when they are not a number (a hand-edited notebook)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        return float(value)
    except ValueError:
        return 0.0


def build_manifest(nb: Any, notebook: str = "") -> Manifest:
    """The manifest of a released notebook: its cells that have a grade_id, in order."""
    cells = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if isinstance(meta, dict) and meta.get("grade_id"):
            role = role_of(meta)
            points = _points(meta.get("points", 0)) if meta.get("grade") else None
            cells.append(ManifestCell(str(meta["grade_id"]), cell.cell_type, role, points))
    return Manifest(tuple(cells), notebook)


def add_manifest(path: Path) -> None:
    """Write the manifest of the released notebook at ``path`` into its metadata."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.setdefault("mml", {})["release"] = build_manifest(nb, path.stem).to_dict()
    nbformat.write(nb, str(path))


def _entry(raw: Any) -> ManifestCell | None:
    """One manifest entry, or None when malformed."""
    if not isinstance(raw, dict):
        return None
    grade_id, cell_type, role = raw.get("grade_id"), raw.get("cell_type"), raw.get("role")
    points = raw.get("points")
    if (not isinstance(grade_id, str) or cell_type not in ("code", "markdown")
            or role not in ("answer", "test", "manual", "locked")
            or not (points is None or isinstance(points, int | float))):
        return None
    return ManifestCell(grade_id, cell_type, role,
                        None if points is None else float(points))


def read_manifest(nb: Any) -> Manifest | None:
    """The manifest stored in a notebook, or None when it is absent or malformed."""
    mml = nb.get("metadata", {}).get("mml", {})
    raw = mml.get("release") if isinstance(mml, dict) else None
    if not isinstance(raw, dict) or raw.get("version") != MANIFEST_VERSION:
        return None
    entries = raw.get("cells")
    if not isinstance(entries, list):
        return None
    cells = [_entry(e) for e in entries]
    name = raw.get("notebook", "")
    if any(c is None for c in cells) or not isinstance(name, str):
        return None
    return Manifest(tuple(c for c in cells if c is not None), name)
