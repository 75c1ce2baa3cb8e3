"""The similarity page: flagged pairs' answers side by side, shared runs highlighted.

One self-contained HTML file (inline style, no script, no font or image, nothing fetched),
``reports/<assignment>/similarity.html`` under the course directory. Every piece of student
text is HTML-escaped (a cell holding ``<script>`` shows as text); spans are cut on the
original text and escaped piece by piece, so highlighting never splits an entity.
"""

from __future__ import annotations

import html
from pathlib import Path

from graders.config import Course
from graders.similarity.detect import FLOOR, MIN_ANSWERS, MIN_TOKENS, Pair, Z
from graders.similarity.report import PROMPT, SimilarityReport, matched_names

__all__ = ["page_path", "render_page", "write_page"]

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 90rem; padding: 0 1rem;
       color: #222; }
.prompt { background: #fff4d6; padding: .6rem 1rem; border-radius: 6px; }
.pair { border: 1px solid #ccc; border-radius: 6px; margin: 1.5rem 0; padding: .5rem 1rem; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
pre { background: #f6f6f6; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere;
      margin: 0; }
mark { background: #ffd36b; }
table { border-collapse: collapse; } td, th { padding: .2rem .8rem; border-bottom: 1px solid #ddd; }
"""


def _e(text: object) -> str:
    """HTML-escaped text (quotes too)."""
    return html.escape(str(text), quote=True)


def highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` escaped, with ``spans`` (character offsets) wrapped in ``<mark>``."""
    out: list[str] = []
    done = 0
    for start, end in sorted(spans):
        start = max(start, done)
        if end <= start:
            continue
        out += [_e(text[done:start]), "<mark>", _e(text[start:end]), "</mark>"]
        done = end
    out.append(_e(text[done:]))
    return "".join(out)


def _pair_html(pair: Pair, texts: dict[str, dict[str, str]]) -> str:
    """One flagged pair: its scores and the two answers side by side."""
    cell = texts.get(pair.cell, {})
    sides = [(pair.student_a, pair.spans_a), (pair.student_b, pair.spans_b)]
    columns = "".join(
        f'<div><h3 class="student">{_e(s)}</h3>'
        f'<pre class="answer">{highlighted(cell.get(s, ""), spans)}</pre></div>'
        for s, spans in sides)
    return (f'<section class="pair"><h2>{_e(pair.cell)}: {_e(pair.student_a)} and '
            f"{_e(pair.student_b)}</h2><p>shared: {pair.score:.2f} of both answers' telling "
            f"tokens (this cell's rule asked for {pair.threshold:.2f})</p>"
            f'<div class="side">{columns}</div></section>')


def _cells_html(report: SimilarityReport) -> str:
    """The class's distribution per cell."""
    rows = "".join(
        f"<tr><td>{_e(c.cell)}</td><td>{c.answers}</td><td>{c.telling}</td>"
        f"<td>{c.median:.2f}</td><td>{c.spread:.2f}</td>"
        f"<td>{'not compared' if c.threshold is None else f'{c.threshold:.2f}'}</td></tr>"
        for c in report.cells)
    return ("<table><tr><th>cell</th><th>answers</th><th>long enough</th><th>median</th>"
            f"<th>spread</th><th>flag at</th></tr>{rows}</table>")


def _crossed_html(report: SimilarityReport) -> str:
    """The value answers right for another student's exam variant (none: a short note)."""
    if not report.crossed:
        return ("<p>No value answer is wrong for its student's own variant and right for "
                "another's (or the exam has no per-student value questions, or it has not "
                "been graded with <code>mml grade</code> yet).</p>")
    rows = "".join(f'<tr class="crossed"><td>{_e(c.student)}</td><td>{_e(c.check_id)}</td>'
                   f"<td>matches {_e(matched_names(c))}&#x27;s variant</td></tr>"
                   for c in report.crossed)
    return ("<p>Each answer below fails the reference computed from its student's own "
            "parameters and passes the reference of another student's: a near-certain sign "
            "of a copied result, and still a prompt: two students' parameters can coincide, "
            "so read both notebooks and talk with the students first.</p>"
            f"<table><tr><th>student</th><th>check</th><th>answer</th></tr>{rows}</table>")


def render_page(report: SimilarityReport) -> str:
    """The whole page as a string."""
    rule = (f"Answers are compared after renaming every chosen name, dropping comments and "
            f"docstrings and ignoring formatting; the released stub's code is discounted. "
            f"Answers with fewer than {MIN_TOKENS} telling tokens are left out, and a cell "
            f"needs {MIN_ANSWERS} answers to compare. A pair is listed when it shares at least "
            f"{FLOOR:.0%} of both answers and its score is {Z:g} robust standard deviations "
            f"above the class's median for that cell.")
    pairs = "".join(_pair_html(p, report.texts) for p in report.pairs) or (
        "<p>No pair stands out from the class.</p>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Similarity: {_e(report.assignment)}</title><style>{_STYLE}</style>"
            f"</head><body><h1>Similar answers in {_e(report.assignment)}</h1>"
            f'<p class="prompt">{_e(PROMPT)}</p><p>{_e(rule)}</p>'
            f"<p>{len(report.students)} students, {len(report.pairs)} pair(s) listed.</p>"
            f"{pairs}<h2>Answers right for another student's variant</h2>"
            f"{_crossed_html(report)}<h2>Cells</h2>{_cells_html(report)}</body></html>\n")


def page_path(course: Course, assignment: str) -> Path:
    """``reports/<assignment>/similarity.html`` under the course directory."""
    return course.root / "reports" / assignment / "similarity.html"


def write_page(course: Course, report: SimilarityReport) -> Path:
    """Write the page for ``report`` and return its path."""
    path = page_path(course, report.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(report), encoding="utf-8")
    return path
