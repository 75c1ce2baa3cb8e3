"""Plain-text reports of graded results (the class table of ``mml grade`` and ``mml demo``)."""

from __future__ import annotations

from collections.abc import Sequence

from graders.checks import UNITS
from graders.result import SubmissionResult

__all__ = ["class_table"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def class_table(results: Sequence[SubmissionResult]) -> str:
    """One row per student: status, autograded total, per-unit totals, and the reason."""
    units = [u for u in UNITS if any(u in r.unit_totals() for r in results)]
    head = ["student", "status", "auto", *units, "reason / flags"]
    rows = []
    for r in results:
        auto = [q for q in r.questions if q.kind != "manual"]
        got = sum(q.points or 0 for q in auto)
        avail = sum(q.max_points for q in auto)
        per_unit = r.unit_totals()
        cells = [r.student, r.status, f"{_fmt(got)}/{_fmt(avail)}"]
        cells += [f"{_fmt(per_unit[u][0])}/{_fmt(per_unit[u][1])}" if u in per_unit else "-"
                  for u in units]
        failed = [q.grade_id for q in auto if (q.points or 0) < q.max_points]
        note = r.reason or (f"lost: {', '.join(failed)}" if failed else "")
        if r.flags:
            note += f" [{len(r.flags)} flag(s): {r.flags[0][:60]}]"
        rows.append([*cells, note[:110]])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    widths[-1] = 0
    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])
