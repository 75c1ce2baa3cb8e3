"""Normalise an answer cell into tokens that ignore what copying changes cheaply.

A copied answer is usually disguised by renaming variables, rewriting comments and
docstrings, and reformatting. None of that survives here:

- Python cells are read with :mod:`tokenize`. Comments, blank and continuation lines are
  dropped; a string that stands alone as a statement (a docstring) is dropped; line breaks
  and indentation become the structural tokens ``;``, ``{`` and ``}``, whatever the widths.
- Every name the student chooses becomes ``_`` (one canonical name). Names that carry the
  mathematics stay: keywords, builtins (``len``, ``range``) and attributes after a dot
  (``np.linalg.solve`` becomes ``_ . linalg . solve``). A single canonical name, rather than
  numbering names by first use, keeps the rest of a cell comparable when a copier adds one
  variable at the top.
- Numbers and strings are read as literals (``1.0``, ``1.`` and ``1.00`` are one token).
- A cell that does not tokenize (a syntax error, an IPython magic tokenize rejects, a
  Markdown answer) is read as text: words lower-cased, punctuation kept, spaces ignored.

Each token keeps its character span in the original cell, so that matches can be
highlighted in the text the student wrote.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from dataclasses import dataclass

__all__ = ["Token", "normalise", "python_tokens", "text_tokens"]

_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_DROP = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
_STRUCTURE = {tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}"}
_STATEMENT_EDGE = frozenset({";", "{", "}"})
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Token:
    """One normalised token.

    Attributes:
        text: the normalised form compared between students (``_`` for a chosen name).
        start: offset of the token's first character in the original cell.
        end: offset just past its last character.
    """

    text: str
    start: int
    end: int


def normalise(source: str, *, python: bool = True) -> list[Token]:
    """The cell's tokens: Python's when ``python`` and the cell tokenizes, else words."""
    if python:
        tokens = python_tokens(source)
        if tokens is not None:
            return tokens
    return text_tokens(source)


def text_tokens(source: str) -> list[Token]:
    """Words (lower-cased) and punctuation marks, for cells that are not Python."""
    return [Token(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(source)]


def _raw_tokens(source: str) -> list[tokenize.TokenInfo] | None:
    """tokenize's tokens of ``source``, or None when it does not tokenize cleanly."""
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    if any(t.type == tokenize.ERRORTOKEN and t.string.strip() for t in raw):
        return None
    return raw


def _literal(text: str) -> str:
    """A number's or string's canonical spelling (its value's repr), or the text itself."""
    try:
        return repr(ast.literal_eval(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text  # f-strings and the like: compared as written


def python_tokens(source: str) -> list[Token] | None:
    """Normalised tokens of a Python cell (see the module docstring), None if it does not
    tokenize."""
    raw = _raw_tokens(source)
    if raw is None:
        return None
    starts = [0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def span(t: tokenize.TokenInfo) -> tuple[int, int]:
        return starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1]

    kept = [t for t in raw if t.type not in _DROP]
    out: list[Token] = []
    dropped = False
    for i, t in enumerate(kept):
        if dropped and t.type == tokenize.NEWLINE:
            dropped = False  # the line break of a dropped docstring
            continue
        text = _normal_text(t, out[-1].text if out else ";", kept[i + 1] if i + 1 < len(kept)
                            else None)
        dropped = text is None
        if text is not None:
            out.append(Token(text, *span(t)))
    return out


def _normal_text(t: tokenize.TokenInfo, previous: str,
                 following: tokenize.TokenInfo | None) -> str | None:
    """One raw token's normalised text, or None to drop it (a docstring)."""
    if t.type in _STRUCTURE:
        return _STRUCTURE[t.type]
    if t.type == tokenize.NAME:
        return t.string if t.string in _KEEP or previous == "." else "_"
    if t.type == tokenize.STRING:
        ends = following is None or following.type in _STRUCTURE
        if previous in _STATEMENT_EDGE and ends:
            return None  # a docstring, or a string standing alone as a statement
        return _literal(t.string)
    if t.type == tokenize.NUMBER:
        return _literal(t.string)
    return t.string
