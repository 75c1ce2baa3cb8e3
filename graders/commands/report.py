"""Plain-text reports of graded results (the class table of ``mml grade`` and ``mml demo``).

A graded submission whose written answers are not all scored yet shows the status
``pending-manual`` and names them in the ``pending`` column: its total is not final (the
same rule as ``mml export``, :mod:`graders.nbgrader_io.scores`). An untouched written answer
is not pending: the recorder scored it 0, "No response.".

When a submission of the batch was late, two columns follow the unit totals: ``late``, the
points the late penalty took (``-`` when on time), and ``net``, the total over every question
scored so far after that penalty, as nbgrader's export and ``mml export`` report it
(:attr:`graders.result.SubmissionResult.net_total`). The ``auto`` and unit columns stay the
points earned, before the penalty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from graders.content.units import UNITS
from graders.result import PENDING_MANUAL, SubmissionResult

__all__ = ["REASON_WIDTH", "class_table", "clip", "printable"]

#: Characters of the reason column; longer reasons are cut at a word, with an ellipsis.
REASON_WIDTH = 110


def _fmt(x: float) -> str:
    """A number of points, compact (``3``, ``2.5``)."""
    return f"{x:g}"


def printable(text: str) -> str:
    """``text`` with every control character shown as ``?``, safe to print to a terminal.

    Reasons and flags can quote a submission (a notebook's cell type, an exception message):
    an escape sequence in them would otherwise act on the TA's terminal.
    """
    return "".join("?" if unicodedata.category(c)[0] == "C" else c for c in text)


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


def _late(r: SubmissionResult) -> list[str]:
    """The ``late`` and ``net`` cells: the penalty and the total after it."""
    penalty = f"-{_fmt(r.late_penalty)}" if r.late_penalty > 0 else "-"
    return [penalty, f"{_fmt(r.net_total)}/{_fmt(r.max_total)}"]


def _row(r: SubmissionResult, units: list[str], late: bool) -> list[str]:
    """One student's cells (with the late penalty's two when ``late``)."""
    auto = [q for q in r.questions if q.kind != "manual"]
    got = sum(q.points or 0 for q in auto)
    avail = sum(q.max_points for q in auto)
    per_unit = r.unit_totals()
    pending = _pending(r)
    status = PENDING_MANUAL if r.status == "graded" and pending else r.status
    cells = [r.student, status, f"{_fmt(got)}/{_fmt(avail)}"]
    cells += [f"{_fmt(per_unit[u][0])}/{_fmt(per_unit[u][1])}" if u in per_unit else "-"
              for u in units]
    cells += _late(r) if late else []
    failed = [q.grade_id for q in auto if (q.points or 0) < q.max_points]
    note = r.reason or (f"lost: {', '.join(failed)}" if failed else "")
    if r.flags:
        note += f" [{len(r.flags)} flag(s): {clip(r.flags[0], 60)}]"
    return [printable(c) for c in [*cells, ", ".join(pending) or "-",
                                   clip(note, REASON_WIDTH)]]


def class_table(results: Sequence[SubmissionResult]) -> str:
    """One row per student: status, autograded total, per-unit totals, the late penalty and
    the net total (when a submission was late), the written answers still to grade, and the
    reason."""
    units = [u for u in UNITS if any(u in r.unit_totals() for r in results)]
    late = any(r.late_penalty > 0 or r.seconds_late > 0 for r in results)
    head = ["student", "status", "auto", *units, *(["late", "net"] if late else []),
            "pending", "reason / flags"]
    rows = [_row(r, units, late) for r in results]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    widths[-1] = 0

    def line(cells: list[str]) -> str:
        """The cells padded to the column widths."""
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])
