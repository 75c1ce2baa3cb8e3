"""Intake: find a student's notebook, cap it, parse and validate it.

Anything wrong raises :class:`graders.errors.Ungradable` with a reason that
names the file and what to do; it never stops the batch.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import nbformat

from graders.errors import Ungradable

__all__ = ["MAX_DEPTH", "find_notebook", "read_notebook"]

MAX_DEPTH = 64


def find_notebook(submission_dir: Path, name: str) -> Path:
    """The submitted ``<name>.ipynb`` inside ``submitted/<student>/<assignment>/``."""
    if not submission_dir.is_dir():
        raise Ungradable(f"no submission folder {submission_dir}")
    path = submission_dir / f"{name}.ipynb"
    if path.is_symlink():
        raise Ungradable(f"{path.name} is a symbolic link; submit the notebook file itself")
    if not path.is_file():
        found = sorted(p.name for p in submission_dir.glob("*.ipynb"))
        listing = ", ".join(found) or "none"
        raise Ungradable(f"no {path.name} in {submission_dir} (found: {listing}); "
                         "the notebook must keep its released name")
    return path


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, stopping at ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def read_notebook(path: Path, max_bytes: int) -> nbformat.NotebookNode:
    """Read, cap and validate a submitted notebook (nbformat 4 only)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise Ungradable(f"{path.name} is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f}"
                         " MiB limit (clear large outputs and resubmit)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Ungradable(f"invalid notebook: {path.name} is not valid JSON "
                         f"({type(exc).__name__}: {str(exc)[:120]})") from exc
    if not isinstance(data, dict):
        raise Ungradable(f"invalid notebook: {path.name} is not a JSON object")
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise Ungradable(f"invalid notebook: {path.name} is nested deeper than {MAX_DEPTH}")
    if data.get("nbformat") != 4:
        raise Ungradable(f"invalid notebook: {path.name} has nbformat {data.get('nbformat')!r}; "
                         "only version 4 is accepted")
    try:
        with warnings.catch_warnings():  # missing cell ids in nbformat 4.4 notebooks are fine
            warnings.simplefilter("ignore")
            nb: nbformat.NotebookNode = nbformat.reads(text, as_version=4)  # joins line lists
            nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types on invalid documents
        raise Ungradable(f"invalid notebook: {path.name} fails nbformat validation "
                         f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]})") from exc
    return nb
