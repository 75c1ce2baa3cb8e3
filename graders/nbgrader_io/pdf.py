"""Written answers as PDF, one file per submission, for hand grading outside JupyterLab.

``mml pdf ASSIGNMENT`` writes ``pdf/<assignment>/<student>.pdf`` for every submission (or the
named ones): a header with the assignment and the student id, then, for each manually graded
cell of the instructor source in order, the Markdown prompt above it (the instructor's, from the
release, as in the feedback pages) and the student's answer. Autograded code and test cells are
left out.

**Which exporter, and why.** Neither ready-made exporter runs offline here. otter-grader's
``otter.export`` has two: ``via_html`` calls nbconvert's ``WebPDFExporter``, which launches
Playwright's own downloaded Chromium (it cannot be pointed at the system's browser, and no
browser download is available), and ``via_latex`` needs pandoc and XeLaTeX (a TeX Live of about
a gigabyte). nbconvert's ``WebPDFExporter`` is the same launch, and it renders a student's
Markdown as live HTML and waits for the network to go idle. So the page is built here with
nbconvert's Markdown renderer for the instructor's prompts only, and printed by Debian's
``chromium`` driven by Playwright (``executable_path``), the browser the feedback pages are
tested in.

**Student text is untrusted.** An answer is HTML-escaped and shown as text (line breaks kept),
so ``<script>`` or ``<img src=...>`` in it is printed as characters, never parsed as markup.
Formulas in prompts and answers are typeset by the inlined MathJax of the feedback pages
(:mod:`graders.nbgrader_io.mathjax`; ``data:`` scripts only). On top of that the page's
Content-Security-Policy forbids every fetch but ``data:``, and every request the browser
still makes is aborted by a route before it leaves the process (counted in
:attr:`PdfExport.blocked`).
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graders.config import Course
from graders.errors import ConfigError, Ungradable
from graders.nbgrader_io.mathjax import MATH_CLASS, NO_MATH_CLASS, mathjax_head
from graders.nbgrader_io.prompts import markdown_html, question_prompts
from graders.pipeline.intake import find_notebook, read_notebook
from graders.pipeline.source import SourceSpec

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

__all__ = ["PDF_SCHEMA_VERSION", "PdfExport", "WrittenAnswer", "render_html",
           "submission_answers", "write_pdfs"]

PDF_SCHEMA_VERSION = 1

#: Milliseconds MathJax may take to typeset one page before it is printed as it stands.
MATHJAX_WAIT_MS = 20_000

_STYLE = """
body { font: 12pt/1.45 serif; margin: 0; color: #111; }
header { border-bottom: 2px solid #333; margin-bottom: 1rem; padding-bottom: .4rem; }
header h1 { font-size: 16pt; margin: 0; } header p { margin: .2rem 0 0; }
section { margin: 1rem 0 1.5rem; page-break-inside: auto; }
h2 { font-size: 13pt; margin: 0 0 .4rem; } .points { float: right; font-weight: normal; }
.prompt { background: #f3f3f3; padding: .2rem .7rem; border-radius: 4px; }
.answer { border: 1px solid #999; padding: .5rem .7rem; white-space: pre-wrap;
          overflow-wrap: anywhere; min-height: 2rem; }
.missing { color: #a00; font-style: italic; } .anchor-link { display: none; }
"""


@dataclass(frozen=True)
class WrittenAnswer:
    """One manually graded cell of one submission.

    Attributes:
        notebook: the notebook's name without ``.ipynb``.
        grade_id: nbgrader's grade_id of the answer cell.
        points: points available (from the instructor source).
        prompt: the instructor's Markdown above the cell ("" if none).
        answer: the student's text, or None when the cell or the notebook is missing.
        note: why ``answer`` is None ("" otherwise).
    """

    notebook: str
    grade_id: str
    points: float
    prompt: str
    answer: str | None
    note: str = ""


@dataclass
class PdfExport:
    """What ``mml pdf`` wrote.

    Attributes:
        assignment: the assignment id.
        files: one PDF per submission, in student order.
        blocked: requests the browser attempted while rendering and that were aborted
            (0 for pages that need nothing outside themselves, as they all should).
        schema_version: version of the JSON form.
    """

    assignment: str
    files: list[Path] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    schema_version: int = PDF_SCHEMA_VERSION

    def to_json(self) -> str:
        """The versioned JSON form (paths as strings)."""
        raw = asdict(self)
        raw["files"] = [str(p) for p in self.files]
        return json.dumps(raw, indent=1, sort_keys=True)


def _student_cells(path: Path | None, course: Course) -> tuple[dict[str, str], str]:
    """The submitted notebook's cell sources by grade_id, or ({}, why it cannot be read)."""
    if path is None:
        return {}, "notebook not submitted"
    try:
        nb = read_notebook(path, int(course.grader.max_notebook_mb * 2**20),
                           course.grader.max_cells)
    except Ungradable as exc:
        return {}, f"notebook not readable: {exc}"
    cells: dict[str, str] = {}
    for cell in nb.cells:
        grade_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        if grade_id and grade_id not in cells:
            cells[grade_id] = str(cell.get("source", ""))
    return cells, ""


def _notebook_answers(course: Course, spec: SourceSpec, folder: Path,
                      prompts: dict[str, str]) -> list[WrittenAnswer]:
    """The written answers of one of the submission's notebooks, in source order."""
    manual = [q for q in spec.questions if q.kind == "manual"]
    if not manual:
        return []
    try:
        path: Path | None = find_notebook(folder, spec.path.stem)
    except Ungradable:
        path = None
    cells, why = _student_cells(path, course)
    out = []
    for q in manual:
        text = cells.get(q.grade_id)
        note = why or ("" if text is not None else "answer cell deleted or renamed")
        out.append(WrittenAnswer(spec.path.stem, q.grade_id, q.points,
                                 prompts.get(q.grade_id, ""), text, note))
    return out


def submission_answers(course: Course, assignment: str, student: str) -> list[WrittenAnswer]:
    """Every manually graded cell of ``student``'s submission, in the source's order."""
    from graders.pipeline.source import load_sources

    folder = course.submitted_dir(assignment) / student / assignment
    return [a for spec in load_sources(course, assignment)
            for a in _notebook_answers(course, spec, folder,
                                       question_prompts(course, assignment, spec.path.stem))]


def _section(a: WrittenAnswer, several: bool) -> str:
    """One written answer as HTML: the trusted prompt rendered, the answer escaped as text."""
    where = f" ({html.escape(a.notebook)}.ipynb)" if several else ""
    head = (f"<h2>{html.escape(a.grade_id)}{where}"
            f'<span class="points">{a.points:g} points</span></h2>')
    prompt = f'<div class="prompt">{markdown_html(a.prompt)}</div>' if a.prompt else ""
    body = (f'<div class="answer">{html.escape(a.answer)}</div>' if a.answer is not None
            else f'<div class="answer missing">{html.escape(a.note)}</div>')
    return f"<section>{head}{prompt}{body}</section>"


def render_html(assignment: str, student: str, answers: list[WrittenAnswer]) -> str:
    """The printable page of one submission's written answers (no script but MathJax's)."""
    several = len({a.notebook for a in answers}) > 1
    sections = [_section(a, several) for a in answers] or [
        "<p class=\"missing\">This assignment has no manually graded cell.</p>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src data:; style-src 'unsafe-inline'; font-src data:\">"
            f"<title>{html.escape(assignment)}: {html.escape(student)}</title>"
            f"<style>{_STYLE}</style>\n{mathjax_head()}\n</head>\n"
            f'<body class="{MATH_CLASS}">\n<header class="{NO_MATH_CLASS}">'
            f"<h1>{html.escape(assignment)}: written answers</h1>"
            f"<p>Student <b>{html.escape(student)}</b></p></header>\n"
            + "\n".join(sections) + "\n</body></html>\n")


def _chromium() -> str:
    """Debian's chromium, or a clear error saying how to install it."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise ConfigError("chromium is not installed: 'mml pdf' prints the pages with it; run "
                          "'make bootstrap' (scripts/bootstrap.sh installs Debian's chromium)")
    return executable


def _print_page(browser: Browser, page_html: str, blocked: list[str]) -> bytes:
    """Print one page to PDF with every request but ``data:`` aborted."""
    context = browser.new_context(offline=True)

    def route(r: Route) -> None:
        """Let ``data:`` URLs load; abort and note every other request."""
        if r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.set_content(page_html, wait_until="load")
        page.evaluate("() => new Promise(done => { if (!window.MathJax || !MathJax.Hub) done(); "
                      "else { MathJax.Hub.Queue(done); "
                      f"setTimeout(done, {MATHJAX_WAIT_MS}); }} }})")
        pdf: bytes = page.pdf(format="A4", print_background=True,
                              margin={"top": "18mm", "bottom": "18mm",
                                      "left": "16mm", "right": "16mm"})
        return pdf
    finally:
        context.close()


def _students(course: Course, assignment: str, students: Iterable[str] | None) -> list[str]:
    """The named students (each must have a submission folder), or every submitter."""
    from graders.batch.runner import list_students

    everyone = list_students(course, assignment)
    if students is None:
        return everyone
    chosen = sorted(set(students))
    for student in chosen:
        if student not in everyone:
            raise ConfigError(f"{course.submitted_dir(assignment) / student / assignment}: no "
                              f"submission of {assignment!r} for student {student!r}")
    return chosen


def write_pdfs(course: Course, assignment: str,
               students: Iterable[str] | None = None) -> PdfExport:
    """Write ``pdf/<assignment>/<student>.pdf`` for every (or each named) submission.

    Raises:
        ConfigError: no submission, an unknown student, or no chromium to print with.
    """
    chosen = _students(course, assignment, students)
    if not chosen:
        raise ConfigError(f"{course.submitted_dir(assignment)}: no submission of "
                          f"{assignment!r} to print")
    from playwright.sync_api import sync_playwright

    out = course.root / "pdf" / assignment
    out.mkdir(parents=True, exist_ok=True)
    report = PdfExport(assignment)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium())
        try:
            for student in chosen:
                page_html = render_html(assignment, student,
                                        submission_answers(course, assignment, student))
                target = out / f"{student}.pdf"
                target.write_bytes(_print_page(browser, page_html, report.blocked))
                report.files.append(target)
        finally:
            browser.close()
    return report
