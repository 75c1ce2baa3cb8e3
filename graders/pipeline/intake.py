"""Intake: find a student's notebook, cap it, parse and validate it.

Anything wrong raises :class:`graders.errors.Ungradable` with a reason that
names the file and what to do; it never stops the batch. Intake's time is bounded
before the costly step: nbformat's schema validation takes about 60 µs per cell and
80 µs per output (100,000 markdown cells, 7 MiB, take 13 s), so the cells and the
outputs are counted on the parsed JSON first and a notebook with more than
``max_cells`` of either is refused (at the default 5,000, validation stays under 1 s).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import nbformat

from graders.errors import Ungradable

__all__ = ["MAX_CELLS", "MAX_DEPTH", "find_notebook", "read_notebook"]

MAX_DEPTH = 64
MAX_CELLS = 5000  # the default of c.MMLGrader.max_cells
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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


def _check_counts(data: dict[str, Any], name: str, max_cells: int) -> None:
    """Refuse a notebook of more than ``max_cells`` cells, or of outputs, before validation."""
    cells = data.get("cells")
    if not isinstance(cells, list):
        return  # validation reports it
    if len(cells) > max_cells:
        raise Ungradable(f"{name} has {len(cells)} cells, over the limit of {max_cells} cells "
                         "(c.MMLGrader.max_cells): remove the extra cells and resubmit")
    outputs = sum(len(c["outputs"]) for c in cells
                  if isinstance(c, dict) and isinstance(c.get("outputs"), list))
    if outputs > max_cells:
        raise Ungradable(f"{name} holds {outputs} outputs, over the limit of {max_cells} "
                         "outputs (c.MMLGrader.max_cells): clear all outputs and resubmit")


def _check_unicode(data: dict[str, Any], text: str, name: str) -> None:
    """Refuse a lone surrogate (``"\\ud800"`` in the JSON): no UTF-8 file can hold it."""
    if not _SURROGATE_ESCAPE.search(text):  # escaped pairs (emoji) are fine, and rare
        return
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Ungradable(f"invalid notebook: {name} holds text that is not valid Unicode "
                         "(a lone surrogate escape such as \\ud800); remove it and resubmit"
                         ) from exc


def read_notebook(path: Path, max_bytes: int,
                  max_cells: int = MAX_CELLS) -> nbformat.NotebookNode:
    """Read, cap and validate a submitted notebook (nbformat 4 only).

    ``max_bytes`` caps the file, ``max_cells`` its cells and its outputs (see above).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise Ungradable(f"{path.name} is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g}"
                         " MiB limit (clear large outputs and resubmit)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # also an int over Python's 4,300 digits
        raise Ungradable(f"invalid notebook: {path.name} is not valid JSON "
                         f"({type(exc).__name__}: {str(exc)[:120]})") from exc
    if not isinstance(data, dict):
        raise Ungradable(f"invalid notebook: {path.name} is not a JSON object")
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise Ungradable(f"invalid notebook: {path.name} is nested deeper than {MAX_DEPTH}")
    _check_unicode(data, text, path.name)
    if data.get("nbformat") != 4 or not isinstance(data.get("nbformat"), int):  # not 4.0
        raise Ungradable(f"invalid notebook: {path.name} has nbformat {data.get('nbformat')!r}; "
                         "only version 4 is accepted")
    _check_counts(data, path.name, max_cells)
    invalid: dict[str, Exception] = {}
    try:
        with warnings.catch_warnings():  # missing cell ids in nbformat 4.4 notebooks are fine
            warnings.simplefilter("ignore")
            # reads validates (and only logs what it finds): catch that, validating once
            nb: nbformat.NotebookNode = nbformat.reads(text, as_version=4,  # joins line lists
                                                       capture_validation_error=invalid)
        if invalid:
            raise invalid["ValidationError"]
    except Exception as exc:  # nbformat raises several types on invalid documents
        first = next(iter(str(exc).splitlines()), "")  # some have no message at all
        raise Ungradable(f"invalid notebook: {path.name} fails nbformat validation "
                         f"({type(exc).__name__}: {first[:160]})") from exc
    return nb
