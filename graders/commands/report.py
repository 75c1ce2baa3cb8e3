"""Plain-text reports of graded results (the class table of ``mml grade`` and ``mml demo``).

A graded submission whose written answers are not all scored yet shows the status
``pending-manual`` and names them in the ``pending`` column: its total is not final (the
same rule as ``mml export``, :mod:`graders.nbgrader_io.scores`). An untouched written answer
is not pending: the recorder scored it 0, "No response.".
"""

from __future__ import annotations

from collections.abc import Sequence

from graders.checks import UNITS
from graders.nbgrader_io.scores import PENDING_MANUAL
from graders.result import SubmissionResult

__all__ = ["REASON_WIDTH", "class_table", "clip"]

#: Characters of the reason column; longer reasons are cut at a word, with an ellipsis.
REASON_WIDTH = 110


def _fmt(x: float) -> str:
    return f"{x:g}"


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters at a word boundary, ending in "…".

    Args:
        text: the text.
        width: the most characters kept, the ellipsis included (at least 2).

    Returns:
        The text unchanged when it fits, else its longest prefix ending at a word that
        fits with "…" after it (a single over-long word is cut inside it).
    """
    if len(text) <= width:
        return text
    head = text[:width - 1]
    cut = head.rfind(" ")
    if cut > 0 and not text[width - 1].isspace():
        head = head[:cut]
    return head.rstrip(" ,;:") + "…"


def _pending(r: SubmissionResult) -> list[str]:
    """The written answers of a result not scored yet."""
    return [q.grade_id for q in r.questions if q.kind == "manual" and q.points is None]


def _row(r: SubmissionResult, units: list[str]) -> list[str]:
    """One student's cells."""
    auto = [q for q in r.questions if q.kind != "manual"]
    got = sum(q.points or 0 for q in auto)
    avail = sum(q.max_points for q in auto)
    per_unit = r.unit_totals()
    pending = _pending(r)
    status = PENDING_MANUAL if r.status == "graded" and pending else r.status
    cells = [r.student, status, f"{_fmt(got)}/{_fmt(avail)}"]
    cells += [f"{_fmt(per_unit[u][0])}/{_fmt(per_unit[u][1])}" if u in per_unit else "-"
              for u in units]
    failed = [q.grade_id for q in auto if (q.points or 0) < q.max_points]
    note = r.reason or (f"lost: {', '.join(failed)}" if failed else "")
    if r.flags:
        note += f" [{len(r.flags)} flag(s): {clip(r.flags[0], 60)}]"
    return [*cells, ", ".join(pending) or "-", clip(note, REASON_WIDTH)]


def class_table(results: Sequence[SubmissionResult]) -> str:
    """One row per student: status, autograded total, per-unit totals, the written answers
    still to grade, and the reason."""
    units = [u for u in UNITS if any(u in r.unit_totals() for r in results)]
    head = ["student", "status", "auto", *units, "pending", "reason / flags"]
    rows = [_row(r, units) for r in results]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    widths[-1] = 0

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])
