"""The report's one self-contained HTML page: inline CSS, figures as ``data:`` PNGs, no
script, no font, nothing fetched. Every cell of every table is HTML-escaped: student ids,
reasons, flags and exception names come from students' submissions and are untrusted.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from graders.nbgrader_io.export import format_number
from graders.report.tables import Cell, Table, UnitScore

__all__ = ["PageParts", "render_page"]

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { padding: .15rem .6rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; max-width: 36rem; }
th { background: #f3f3f3; overflow-wrap: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.review { background: #fff4d6; border-left: 6px solid #d4a017; padding: .5rem 1rem; }
.note { color: #555; } img { max-width: 100%; border: 1px solid #eee; }
.low { background: #f8d7d3; } .mid { background: #fdf0c8; } .high { background: #d8eedb; }
"""


@dataclass(frozen=True)
class PageParts:
    """What one report page shows.

    Attributes:
        title: the page's heading.
        summary: one line of plain facts under the heading.
        histograms: base64 PNG of the score distributions.
        items_plot: base64 PNG of difficulty and discrimination (empty: no questions).
        tables: review, distribution, scores, items, failures, mistakes, ungradable,
            flagged, late, mastery, by name.
        mastery: per student, per unit scores across the assignments graded so far.
        units: the units, in course order.
        mastery_note: what the mastery table covers.
    """

    title: str
    summary: str
    histograms: str
    items_plot: str
    tables: dict[str, Table]
    mastery: dict[str, dict[str, UnitScore]]
    units: list[str]
    mastery_note: str


def _e(text: object) -> str:
    """HTML-escaped text, quotes included."""
    return html.escape(str(text), quote=True)


def _cell(value: Cell) -> str:
    """One table cell: numbers right-aligned and compact, None as a dash."""
    if value is None:
        return "<td>&mdash;</td>"
    if isinstance(value, float):
        return f'<td class="num">{_e(format_number(value))}</td>'
    return f"<td>{_e(value)}</td>"


def table_html(table: Table, empty: str) -> str:
    """A table with its CSV link, or ``empty`` when it has no rows."""
    link = f'<p class="note">Numbers: <a href="{_e(table.name)}.csv">{_e(table.name)}.csv</a></p>'
    if not table.rows:
        return f'<p class="note">{_e(empty)}</p>{link}'
    head = "".join(f"<th>{_e(h)}</th>" for h in table.header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in table.rows)
    return (f'<table id="{_e(table.name)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{link}")


def _img(png: str, alt: str, ident: str) -> str:
    """An embedded figure."""
    return f'<p><img id="{_e(ident)}" alt="{_e(alt)}" src="data:image/png;base64,{png}"></p>'


def _mastery_cell(score: UnitScore) -> str:
    """One cell of the mastery table: percent, points, pending and missing points."""
    pct = score.percent
    if pct is None:
        return '<td class="note">pending</td>' if score.pending else "<td>&mdash;</td>"
    band = "low" if pct < 50 else "mid" if pct < 75 else "high"
    available = format_number(score.graded + score.missing)
    text = f"{pct:.0f}% ({format_number(score.earned)}/{available})"
    if score.pending:
        text += f", {format_number(score.pending)} pending"
    if score.missing:
        text += f", {format_number(score.missing)} not submitted"
    return f'<td class="{band}">{_e(text)}</td>'


def mastery_html(scores: dict[str, dict[str, UnitScore]], units: Sequence[str]) -> str:
    """The per-student, per-unit table (all units in course order, then the overall)."""
    head = "".join(f"<th>{_e(u.replace('_', ' '))}</th>" for u in units)
    rows = "".join(f"<tr><td>{_e(student)}</td>"
                   + "".join(_mastery_cell(by_unit[u]) for u in units)
                   + _mastery_cell(by_unit[""]) + "</tr>"
                   for student, by_unit in scores.items())
    return (f'<table id="mastery-grid"><thead><tr><th>student</th>{head}<th>overall</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def _review_html(table: Table) -> str:
    """The call-out of items to review."""
    if not table.rows:
        return ('<div class="review" id="review"><b>Items to review:</b> none: every question '
                'separates the class, and none is passed by all or by nobody.</div>')
    items = "".join("<li>" + _e(" / ".join(str(c) for c in row[:-1])) + ": "
                    + _e(row[-1]) + "</li>" for row in table.rows)
    return (f'<div class="review" id="review"><b>Items to review</b> (nobody or everybody '
            f"earns full points, or negative discrimination):<ul>{items}</ul></div>")


def render_page(parts: PageParts) -> str:
    """The whole page.

    Args:
        parts: what it shows.

    Returns:
        The HTML text.
    """
    t = parts.tables
    body = [f"<h1>{_e(parts.title)}</h1>", f'<p class="note">{_e(parts.summary)}</p>',
            _review_html(t["review"]),
            "<h2>Score distribution</h2>",
            '<p class="note">Percent of the points graded so far (written answers not yet '
            "scored are left out, not counted as 0), overall and per unit.</p>",
            _img(parts.histograms, "score histograms", "plot-distribution"),
            table_html(t["distribution"], "no scores"), table_html(t["scores"], "no scores"),
            "<h2>Questions</h2>",
            '<p class="note">Difficulty: mean score over the maximum. Discrimination: the '
            "correlation between a question's scores and the total on the other questions "
            "(undefined when either has no variance: shown as such, never as 0). Ungradable "
            "submissions are left out of this analysis.</p>"]
    if parts.items_plot:
        body.append(_img(parts.items_plot, "difficulty and discrimination per question",
                         "plot-items"))
    body += [table_html(t["items"], "no questions"),
             "<h3>How questions were failed</h3>",
             table_html(t["failures"], "no failed hidden case"),
             "<h3>Named mistakes</h3>", table_html(t["mistakes"], "no named mistake"),
             "<h2>Ungradable and flagged submissions</h2>",
             table_html(t["ungradable"], "every submission was graded"),
             table_html(t["flagged"], "no submission was flagged"),
             "<h3>Late submissions</h3>",
             '<p class="note">Scores above are before late penalties.</p>',
             table_html(t["late"], "no late submission"),
             "<h2>Mastery per unit</h2>", f'<p class="note">{_e(parts.mastery_note)}</p>',
             mastery_html(parts.mastery, parts.units), table_html(t["mastery"], "no students")]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "img-src data:; style-src 'unsafe-inline'\">"
            f"<title>{_e(parts.title)}</title><style>{_STYLE}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
