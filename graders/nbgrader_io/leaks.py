"""Find hidden material in a released (student) notebook.

Pure functions over notebooks and text: :func:`scan` compares an instructor
source notebook with the student version generated from it and returns every
:class:`Leak`; :func:`misplaced_regions` finds the authoring mistakes that make
nbgrader refuse (or, worse, silently keep) a hidden region. Reading files is the
caller's business (``graders.nbgrader_io.release``).

What counts as a leak in a released cell (its source and any output text):

* a region marker: ``BEGIN/END SOLUTION``, ``BEGIN/END HIDDEN TESTS``,
  ``BEGIN/END MARK SCHEME``;
* a *secret line*: a line of at least :data:`MIN_LINE` characters (stripped) from
  a solution, hidden-test or mark-scheme region of the source, or from a
  whole-cell solution, and the whole text of such a cell. A secret line is not a
  leak when it is legitimately public: it also appears outside the hidden regions
  of its *own* source cell (a ``def solve(A, b):`` signature or docstring beside
  a solution region), it is a stub line (``raise NotImplementedError()``), or it
  is a generic line (a comment, an import, or mostly markup such as
  ``\\begin{aligned}``) that appears in a public part of the source anywhere. A
  solution line copied into another cell is therefore a leak;
* a mention of the trusted package (``from graders``, ``import graders``,
  ``graders.x``, and in code cells any ``graders``) or a hidden-check call
  ``check(fn, "unit.name")``;
* a code line of a reference module ``graders/<unit>.py`` longer than
  :data:`MIN_REFERENCE_LINE` characters (docstrings, comments and imports
  excluded; a ``def``/``class`` line the source shows publicly is allowed).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_ALLOWED",
    "MIN_LINE",
    "MIN_REFERENCE_LINE",
    "Leak",
    "misplaced_regions",
    "reference_code_lines",
    "scan",
]

#: Shortest stripped line of a hidden region that is looked for in the release.
MIN_LINE = 12
#: Reference-module lines must be longer than this (stripped) to be looked for.
MIN_REFERENCE_LINE = 20
#: Lines that may appear anywhere: nbgrader's default stubs.
DEFAULT_ALLOWED: tuple[str, ...] = (
    "# YOUR CODE HERE",
    "raise NotImplementedError()",
    "YOUR ANSWER HERE",
)

#: Region kind -> (begin marker, end marker, the metadata flag its cell needs).
_REGIONS: dict[str, tuple[str, str, str]] = {
    "solution": ("BEGIN SOLUTION", "END SOLUTION", "solution"),
    "hidden-test": ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "grade"),
    "mark-scheme": ("BEGIN MARK SCHEME", "END MARK SCHEME", "task"),
}
_MARKER = re.compile(r"\b(?:BEGIN|END) (?:SOLUTION|HIDDEN TESTS|MARK SCHEME)\b")
_TRUSTED = (
    (re.compile(r"\b(?:from|import)\s+graders\b"), "imports the trusted package 'graders'"),
    (re.compile(r"\bgraders\.[A-Za-z_]"), "names the trusted package 'graders'"),
    (re.compile(r"""\bcheck\(\s*[A-Za-z_]\w*\s*,\s*["'][a-z_]+\.[A-Za-z_]\w*["']"""),
     "contains a hidden-check call check(fn, \"unit.name\")"),
)
_GRADERS_WORD = re.compile(r"\bgraders\b")
_IMPORT = re.compile(r"^(?:from\s+\S+\s+)?import\s")


@dataclass(frozen=True)
class Leak:
    """One piece of hidden material found in a notebook.

    Attributes:
        cell: index of the cell in the notebook scanned (the released one for
            :func:`scan`, the source for :func:`misplaced_regions`).
        grade_id: nbgrader's grade_id of that cell ("" if it has none).
        what: what leaked and where it came from, for the instructor.
    """

    cell: int
    grade_id: str
    what: str

    def __str__(self) -> str:
        name = f"grade_id {self.grade_id!r}" if self.grade_id else "no grade_id"
        return f"cell {self.cell} ({name}): {self.what}"


@dataclass(frozen=True)
class _Secret:
    """A line (or whole text) of hidden material, and why it may still be public."""

    text: str
    origin: str
    own_public: str


def _nbgrader_meta(cell: Any) -> dict[str, Any]:
    """The cell's ``nbgrader`` metadata (empty if none)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return dict(meta) if isinstance(meta, Mapping) else {}


def _grade_id(cell: Any) -> str:
    """The cell's grade_id, or ""."""
    return str(_nbgrader_meta(cell).get("grade_id", ""))


def _source(cell: Any) -> str:
    """The cell's source as one string."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _split_regions(source: str) -> tuple[list[str], dict[str, list[str]]]:
    """Split a cell's source into public lines and the lines of each region kind."""
    public: list[str] = []
    hidden: dict[str, list[str]] = {kind: [] for kind in _REGIONS}
    current: str | None = None
    for line in source.split("\n"):
        begins = [k for k, (b, _, _) in _REGIONS.items() if b in line]
        ends = [k for k, (_, e, _) in _REGIONS.items() if e in line]
        if begins:
            current = begins[0]
        elif ends:
            current = None
        elif current is None:
            public.append(line)
        else:
            hidden[current].append(line)
    return public, hidden


def _is_generic(line: str) -> bool:
    """A comment, an import, or a line that is mostly markup (few letters and digits)."""
    if line.startswith("#") or (_IMPORT.match(line) and "graders" not in line):
        return True
    return len(re.sub(r"\\[A-Za-z]+|[^A-Za-z0-9]", "", line)) < 8


def _cell_secrets(index: int, cell: Any) -> list[_Secret]:
    """The secret lines of one source cell (regions, or the whole of a whole-cell solution)."""
    source = _source(cell)
    public, hidden = _split_regions(source)
    gid = _grade_id(cell)
    where = f"source cell {index}" + (f" ({gid!r})" if gid else "")
    own = "\n".join(public)
    whole = _nbgrader_meta(cell).get("solution") and not any(
        _REGIONS["solution"][0] in line for line in source.split("\n"))
    if whole:
        hidden = {**hidden, "solution": source.split("\n")}
        own = ""
    secrets = [
        _Secret(line.strip(), f"{kind} line of {where}", own)
        for kind, lines in hidden.items() for line in lines if len(line.strip()) >= MIN_LINE
    ]
    if whole and len(source.strip()) >= MIN_LINE:
        secrets.append(_Secret(source.strip(), f"whole-cell solution of {where}", own))
    return secrets


def _docstring_lines(module_text: str) -> set[int]:
    """Line numbers (1-based) of the docstrings of a module (none if it does not parse)."""
    try:
        tree = ast.parse(module_text)
    except SyntaxError:
        return set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            skip.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return skip


def reference_code_lines(module_text: str) -> list[str]:
    """The code lines of a reference module worth looking for in a release.

    Stripped lines longer than :data:`MIN_REFERENCE_LINE` characters, without
    docstrings, comments and imports (which students may legitimately share).

    Args:
        module_text: the Python source of ``graders/<unit>.py``.

    Returns:
        The lines, in file order, without duplicates.
    """
    skip = _docstring_lines(module_text)
    lines: dict[str, None] = {}
    for number, raw in enumerate(module_text.split("\n"), start=1):
        line = raw.strip()
        if number in skip or len(line) <= MIN_REFERENCE_LINE or line.startswith("#"):
            continue
        if not _IMPORT.match(line):
            lines[line] = None
    return list(lines)


def _public_text(source_nb: Any, allowed: Iterable[str]) -> str:
    """Everything the source shows publicly, plus the allowed lines, as one text."""
    parts = ["\n".join(_split_regions(_source(c))[0]) for c in source_nb.get("cells", [])
             if not _nbgrader_meta(c).get("solution")
             or any(_REGIONS["solution"][0] in line for line in _source(c).split("\n"))]
    return "\n".join([*parts, *allowed])


def _released_text(cell: Any) -> str:
    """A released cell's source and the text of its outputs."""
    parts = [_source(cell)]
    for output in cell.get("outputs", []):
        text = output.get("text", "")
        parts.append("".join(text) if isinstance(text, list) else str(text))
        parts.extend("\n".join(output.get("traceback", [])).split("\n"))
        for value in output.get("data", {}).values():
            if isinstance(value, str | list):
                parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def _snippet(text: str) -> str:
    """A one-line excerpt of at most 60 characters."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


def _trusted_mentions(cell: Any, text: str) -> list[str]:
    """What the cell says about the trusted package or hidden checks."""
    found = [why for pattern, why in _TRUSTED if pattern.search(text)]
    if not found and cell.get("cell_type") == "code" and _GRADERS_WORD.search(text):
        found.append("mentions the trusted package 'graders'")
    return found


def scan(source_nb: Any, released_nb: Any, *, references: Mapping[str, str] | None = None,
         allowed: Iterable[str] = DEFAULT_ALLOWED) -> list[Leak]:
    """Every leak of hidden material from ``source_nb`` into ``released_nb``.

    Args:
        source_nb: the instructor notebook (an nbformat NotebookNode or plain dict).
        released_nb: the student version generated from it.
        references: reference modules to look for, name (``graders/<unit>.py``) -> text.
        allowed: lines that may appear anywhere (the course's stubs).

    Returns:
        The leaks, by released cell index; empty when the release is clean.
    """
    allowed = tuple(allowed)
    public = _public_text(source_nb, allowed)
    secrets = [s for i, c in enumerate(source_nb.get("cells", [])) for s in _cell_secrets(i, c)]
    secrets = [s for s in secrets if s.text not in s.own_public
               and not any(s.text in a for a in allowed)
               and not (_is_generic(s.text) and s.text in public)]
    for name, text in (references or {}).items():
        secrets.extend(_Secret(line, f"reference code of {name}", "")
                       for line in reference_code_lines(text)
                       if line not in public)
    leaks: list[Leak] = []
    for index, cell in enumerate(released_nb.get("cells", [])):
        text, gid = _released_text(cell), _grade_id(cell)
        leaks.extend(Leak(index, gid, f"marker {m.group(0)!r}") for m in _MARKER.finditer(text))
        leaks.extend(Leak(index, gid, why) for why in _trusted_mentions(cell, text))
        leaks.extend(Leak(index, gid, f"{s.origin}: {_snippet(s.text)}")
                     for s in secrets if s.text in text)
    return leaks


def misplaced_regions(source_nb: Any) -> list[Leak]:
    """Hidden regions in source cells not marked to hold them, and unbalanced markers.

    nbgrader refuses a hidden-test region outside a grade cell (and a solution
    region outside a solution cell, a mark scheme outside a task cell) without
    naming the cell; this names it, so the instructor can fix the metadata.

    Args:
        source_nb: the instructor notebook.

    Returns:
        One :class:`Leak` per misplaced or unbalanced region, by source cell index.
    """
    found: list[Leak] = []
    for index, cell in enumerate(source_nb.get("cells", [])):
        source, meta = _source(cell), _nbgrader_meta(cell)
        for kind, (begin, end, flag) in _REGIONS.items():
            begins, ends = source.count(begin), source.count(end)
            if begins and not meta.get(flag):
                found.append(Leak(index, _grade_id(cell),
                                  f"{kind} region in a cell not marked nbgrader '{flag}'; "
                                  f"nbgrader would refuse or leak it: fix the cell's metadata"))
            if begins != ends:
                found.append(Leak(index, _grade_id(cell),
                                  f"{begins} '{begin}' but {ends} '{end}' markers"))
    return found
