"""``mml feedback``: one self-contained HTML page per graded submission, for the student.

Pages go to ``feedback/<student>/<assignment>/<notebook>.html``, nbgrader's layout, so that
a course's ``nbgrader release_feedback`` step publishes them as it would nbgrader's own.
Each page shows, per question: the points (a TA's manual score overriding the grader's, as
nbgrader does), the kinds of hidden input that failed and how, the named mistake where the
judge found one, the TA's comments from the gradebook; then per-unit totals.

What a page never holds: hidden expected values or inputs (the checks' messages are written
without them), check ids, the grading seed, hidden-region text, paths of the course. Every
string that came from the grader's verdicts (which quote student output: exception messages,
shapes, dtypes) is HTML-escaped and kept out of MathJax's reach; only the instructor's
question prompts, from the released notebook, are rendered as Markdown with formulas.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from graders.config import Course
from graders.errors import ConfigError
from graders.explain import failed_cases, mistake_of
from graders.nbgrader_io.env import ensure_tools_on_path
from graders.nbgrader_io.mathjax import MATH_CLASS, NO_MATH_CLASS, mathjax_head
from graders.nbgrader_io.prompts import markdown_html as _markdown
from graders.nbgrader_io.prompts import question_prompts as _prompts
from graders.result import QuestionResult, SubmissionResult

__all__ = ["TAGrades", "feedback_students", "render_page", "write_feedback"]

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.question { border: 1px solid #ccc; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
.full { border-left: 6px solid #2a8a3e; } .lost { border-left: 6px solid #c0392b; }
.open { border-left: 6px solid #999; }
.points { float: right; font-weight: bold; }
.prompt { background: #f6f6f6; padding: .25rem .75rem; border-radius: 4px; }
.why, .case, .comment { white-space: pre-wrap; overflow-wrap: anywhere; }
.mistake { background: #fff4d6; padding: .4rem .75rem; border-radius: 4px; }
.late { background: #fde8e6; padding: .4rem .75rem; border-radius: 4px; }
table { border-collapse: collapse; } td, th { padding: .2rem .8rem; border-bottom: 1px solid #ddd; }
"""


@dataclass(frozen=True)
class TAGrades:
    """What TAs entered in formgrader for one submitted notebook.

    Attributes:
        scores: nbgrader's score per grade cell (the manual score when a TA set one).
        comments: the TA's comment per cell name (answer cells and task cells), when any.
    """

    scores: dict[str, float] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def _e(text: object) -> str:
    """HTML-escaped text, quotes included."""
    return html.escape(str(text), quote=True)


def _ta_grades(course: Course, assignment: str, student: str) -> dict[str, TAGrades]:
    """Per notebook name, the gradebook's scores and TA comments for one submission."""
    from nbgrader import api  # lazy: slow import

    ensure_tools_on_path()
    found: dict[str, TAGrades] = {}
    with api.Gradebook(course.db_url, course.course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except api.MissingEntry:
            return found
        for nb in submission.notebooks:
            scores = {g.name: float(g.score) for g in nb.grades
                      if g.auto_score is not None or g.manual_score is not None}
            comments = {c.name: str(c.manual_comment) for c in nb.comments
                        if c.manual_comment and str(c.manual_comment).strip()}
            found[nb.notebook.name] = TAGrades(scores, comments)
    return found


def _comment_for(question: QuestionResult, comments: dict[str, str]) -> list[str]:
    """The TA comments on a question: on its own cell, or on its answer cell (X of X_test)."""
    answer = question.grade_id.removesuffix("_test")
    return [comments[name] for name in dict.fromkeys((question.grade_id, answer))
            if name in comments]


def _question_html(q: QuestionResult, ta: TAGrades, prompt: str) -> str:
    """One question's box: prompt, points, why, named mistake, TA comments."""
    points = ta.scores.get(q.grade_id, q.points)
    css = "open" if points is None else "full" if points >= q.max_points else "lost"
    shown = "not graded yet" if points is None else f"{points:g} / {q.max_points:g}"
    parts = [f'<section class="question {css}" id="{_e(q.grade_id)}">',
             f'<span class="points">{_e(shown)}</span><h2>{_e(q.grade_id)}</h2>']
    if prompt:
        parts.append(f'<div class="prompt {MATH_CLASS}">{_markdown(prompt)}</div>')
    cases = failed_cases(q)
    if q.kind == "manual":
        parts.append('<p class="why">A written answer, graded by hand.</p>')
    elif cases:
        parts.append(f'<p class="why">{_e(sum(not c.passed for c in q.cases))} of '
                     f'{_e(len(q.cases))} hidden inputs failed:</p><ul>')
        parts += [f'<li class="case">{_e(line)}</li>' for line in cases]
        parts.append("</ul>")
    else:
        parts.append(f'<p class="why">{_e(q.reason)}</p>')
    named = mistake_of(q)
    if named is not None:
        parts.append(f'<p class="mistake">This looks like a known mistake, '
                     f'<b>{_e(named.name)}</b>: {_e(named.hint)}</p>')
    parts += [f'<p class="comment"><b>TA comment:</b> {_e(text)}</p>'
              for text in _comment_for(q, ta.comments)]
    parts.append("</section>")
    return "\n".join(parts)


def _totals_html(questions: list[QuestionResult], ta: dict[str, TAGrades],
                 late_penalty: float = 0.0) -> str:
    """The per-unit totals table, with a TA's scores where set, then any late penalty."""
    totals: dict[str, tuple[float, float]] = {}
    for q in questions:
        score = ta.get(q.notebook, TAGrades()).scores.get(q.grade_id, q.points) or 0.0
        got, avail = totals.get(q.unit or "other", (0.0, 0.0))
        totals[q.unit or "other"] = (got + score, avail + q.max_points)
    rows = [f"<tr><td>{_e(unit.replace('_', ' '))}</td><td>{got:g} / {avail:g}</td></tr>"
            for unit, (got, avail) in totals.items()]
    got = sum(g for g, _ in totals.values())
    avail = sum(a for _, a in totals.values())
    if late_penalty > 0:
        rows.append(f"<tr><td>late penalty</td><td>&minus;{late_penalty:g}</td></tr>")
        got = max(0.0, got - late_penalty)
    rows.append(f"<tr><th>total</th><th>{got:g} / {avail:g}</th></tr>")
    return "<h2>Totals by unit</h2><table>" + "".join(rows) + "</table>"


def _status_html(result: SubmissionResult, root: Path) -> str:
    """Why a submission could not be (fully) graded, with course paths removed."""
    if result.status == "graded":
        return ""
    reason = result.reason.replace(str(root) + "/", "").replace(str(root), "")
    words = {"ungradable": "Your notebook could not be graded",
             "partial": "Part of your notebook could not be graded"}[result.status]
    return f'<p class="why"><b>{words}:</b> {_e(reason)}</p>'


def _late_html(result: SubmissionResult) -> str:
    """How late the submission was and what was deducted (nothing when on time)."""
    if result.seconds_late <= 0:
        return ""
    due = (result.due_at or "")[:16].replace("T", " ")
    sent = (result.submitted_at or "")[:16].replace("T", " ")
    deducted = (f"{result.late_penalty:g} points were deducted ({result.late_policy})"
                if result.late_penalty > 0 else f"nothing was deducted ({result.late_policy})")
    return (f'<p class="late"><b>Submitted late:</b> {_e(sent)} UTC, '
            f'{_e(_duration(result.seconds_late))} after the due date {_e(due)} UTC; '
            f'{_e(deducted)}.</p>')


def _duration(seconds: float) -> str:
    """``3000`` -> "50 min", ``93784`` -> "1 d 2 h 3 min" (seconds under a minute shown)."""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(parts) if parts else f"{secs} s"


def render_page(result: SubmissionResult, notebook: str, ta: dict[str, TAGrades],
                prompts: dict[str, str], root: Path) -> str:
    """The HTML page of one submitted notebook (``notebook`` is its name without .ipynb).

    Args:
        result: the grader's result for the submission.
        notebook: which of the assignment's notebooks this page is for.
        ta: the gradebook's scores and comments per notebook (:func:`_ta_grades`).
        prompts: per grade_id, the Markdown prompt above it.
        root: the course root (removed from any reason that quotes a path).
    """
    questions = [q for q in result.questions if (q.notebook or result.assignment) == notebook]
    body = [f"<h1>Feedback: {_e(result.assignment)}</h1>",
            f"<p>Student <b>{_e(result.student)}</b>, notebook {_e(notebook)}.ipynb</p>",
            _status_html(result, root), _late_html(result)]
    body += [_question_html(q, ta.get(notebook, TAGrades()), prompts.get(q.grade_id, ""))
             for q in questions]
    share = len(questions) == len(result.questions)  # the penalty is per assignment
    body.append(_totals_html(questions, ta, result.late_penalty if share else 0.0))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src data:; style-src 'unsafe-inline'; font-src data:\">"
            f"<title>{_e(result.assignment)}: feedback for {_e(result.student)}</title>"
            f"<style>{_STYLE}</style>\n{mathjax_head()}\n</head>\n"
            f'<body class="{NO_MATH_CLASS}">\n' + "\n".join(body) + "\n</body></html>\n")


def feedback_students(course: Course, assignment: str) -> list[str]:
    """Every student with a grader's result for ``assignment``, sorted."""
    results = course.root / ".mml" / "results"
    if not results.is_dir():
        return []
    return sorted(p.name for p in results.iterdir()
                  if course.result_path(p.name, assignment).is_file())


def write_feedback(course: Course, assignment: str,
                   students: tuple[str, ...] | None = None) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` for every graded student.

    Args:
        course: the course.
        assignment: the assignment id.
        students: only these students (default: every student ``mml grade`` graded).

    Returns:
        The pages written, in student order.

    Raises:
        ConfigError: nothing of ``assignment`` has been graded, or a requested student
            has no result.
    """
    chosen = list(students) if students else feedback_students(course, assignment)
    if not chosen:
        raise ConfigError(f"{course.root}: no graded submission of {assignment!r}; "
                          f"run 'mml grade {assignment}' first")
    notebooks = [p.stem for p in course.source_notebooks(assignment)]
    prompts = {nb: _prompts(course, assignment, nb) for nb in notebooks}
    written: list[Path] = []
    for student in chosen:
        result = _read_result(course, assignment, student)
        ta = _ta_grades(course, assignment, student)
        folder = course.root / "feedback" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            page = folder / f"{nb}.html"
            page.write_text(render_page(result, nb, ta, prompts[nb], course.root),
                            encoding="utf-8")
            written.append(page)
    return written


def _read_result(course: Course, assignment: str, student: str) -> SubmissionResult:
    """The grader's result of one student, or a clear error naming the file and the fix."""
    path = course.result_path(student, assignment)
    try:
        return SubmissionResult.from_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: no result for student {student!r}; run 'mml grade "
                          f"{assignment} --student {student}' first") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: unreadable result ({exc}); regrade with 'mml grade "
                          f"{assignment} --student {student} --force'") from exc
