"""Assemble: rebuild the notebook to run from the instructor source, by grade_id.

Only the bodies of the student's answer cells are taken from the submission;
every other cell, its metadata and its points come from the source. This is how
hidden checks come back and how edited tests or points are undone. Tampering is
noted as flags, never an error: a deleted answer cell runs as the empty stub, a
duplicated one uses its first copy, an edited locked cell is replaced.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import nbformat

from graders.pipeline.source import SourceSpec

__all__ = ["Assembled", "assemble"]

MISSING_ANSWER = "# (answer cell missing from the submission)\n"


@dataclass
class Assembled:
    """The notebook rebuilt for one submission.

    Attributes:
        notebook: the full notebook (instructor cells + student answers), for autograded/.
        code: (source cell index, code to run) for every code cell, in order.
        flags: tampering and anomalies found while assembling.
    """

    notebook: Any
    code: list[tuple[int, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _index_submission(sub: Any) -> tuple[dict[str, list[Any]], int]:
    """Submitted cells by grade_id, and the number of cells without a usable grade_id."""
    by_id: dict[str, list[Any]] = defaultdict(list)
    extra = 0
    for cell in sub.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(grade_id, str) and grade_id:
            by_id[grade_id].append(cell)
        else:
            extra += 1
    return by_id, extra


def _student_body(spec_cell: Any, copies: list[Any], flags: list[str], grade_id: str) -> str:
    if not copies:
        flags.append(f"answer cell {grade_id} deleted: graded as unanswered")
        return MISSING_ANSWER if spec_cell.cell_type == "code" else ""
    if len(copies) > 1:
        flags.append(f"answer cell {grade_id} duplicated {len(copies)} times: first copy used")
    cell = copies[0]
    if cell.get("cell_type") != spec_cell.cell_type:
        flags.append(f"answer cell {grade_id} changed type to {cell.get('cell_type')}: ignored")
        return MISSING_ANSWER if spec_cell.cell_type == "code" else ""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _check_locked(sc: Any, copies: list[Any], flags: list[str]) -> None:
    """Flag a locked cell that was deleted, duplicated, edited, or had its points changed."""
    if not copies:
        flags.append(f"locked cell {sc.grade_id} deleted: restored from the source")
        return
    if len(copies) > 1:
        flags.append(f"locked cell {sc.grade_id} duplicated: the source's one copy used")
    sub = copies[0]
    if _norm(str(sub.get("source", ""))) != _norm(sc.public):
        flags.append(f"locked cell {sc.grade_id} edited: restored from the source")
    sub_meta = sub.get("metadata", {}).get("nbgrader", {})
    src_meta = sc.cell.metadata.get("nbgrader", {})
    if isinstance(sub_meta, dict) and sub_meta.get("points") != src_meta.get("points"):
        flags.append(f"points of {sc.grade_id} edited: the source's points used")


def assemble(spec: SourceSpec, submission: Any) -> Assembled:
    """Rebuild the notebook for one submission (see module docstring)."""
    by_id, no_meta = _index_submission(submission)
    extra = no_meta - sum(1 for sc in spec.cells if not sc.grade_id)
    flags: list[str] = []
    if extra > 0:
        flags.append(f"{extra} cell(s) without nbgrader metadata ignored "
                     "(only answer cells are graded)")
    known = {sc.grade_id for sc in spec.cells if sc.grade_id}
    unknown = sorted(set(by_id) - known)
    if unknown:
        flags.append(f"cells with unknown grade_id ignored: {', '.join(unknown[:5])}")
    cells: list[Any] = []
    code: list[tuple[int, str]] = []
    for sc in spec.cells:
        cell = copy.deepcopy(sc.cell)
        cell.setdefault("id", f"cell-{sc.index}")  # nbformat 4.5 wants ids; 4.4 sources lack them
        if sc.answer:
            cell.source = _student_body(sc.cell, by_id.get(sc.grade_id, []), flags, sc.grade_id)
            run = cell.source
        else:
            if sc.grade_id and sc.cell.metadata.get("nbgrader", {}).get("locked"):
                _check_locked(sc, by_id.get(sc.grade_id, []), flags)
            run = sc.run_source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            code.append((sc.index, run))
        cells.append(cell)
    # valid by construction (validated source and submission cells): new_notebook would
    # validate it all again; nbformat.write checks what the sandbox adds
    nb = nbformat.from_dict({"nbformat": 4, "nbformat_minor": nbformat.v4.nbformat_minor,
                             "metadata": copy.deepcopy(spec.metadata), "cells": cells})
    return Assembled(nb, code, flags)
