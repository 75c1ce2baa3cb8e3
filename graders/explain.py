"""What a student and a TA read about one graded question, in plain words.

The judge's :class:`~graders.result.QuestionResult` holds the verdict of every hidden case.
This module turns it into short lines (points, which kind of input failed and how, the named
mistake where the judge found one) for two readers: the autograded notebook that a TA opens
in formgrader (:func:`notebook_text`, wrapped so it can be read) and the feedback page
(:mod:`graders.nbgrader_io.feedback`). It shows case labels and messages, which the checks
write without hidden expected values, and never the check ids or the seed.
"""

from __future__ import annotations

import textwrap

from graders.result import Mistake, QuestionResult

__all__ = ["HIDDEN_PLACEHOLDER", "MAX_CASES_SHOWN", "failed_cases", "mistake_of",
           "notebook_text", "points_text"]

#: Failed cases listed per question (the rest are counted).
MAX_CASES_SHOWN = 5
#: What the autograded notebook shows where the instructor's hidden region was.
HIDDEN_PLACEHOLDER = "# (hidden tests: run by the grader; the verdict is printed below)\n"
_WIDTH = 88


def mistake_of(question: QuestionResult) -> Mistake | None:
    """The named mistake of a question, when the judge found one with a name."""
    mistake = question.mistake
    return mistake if mistake is not None and mistake.name else None


def failed_cases(question: QuestionResult) -> list[str]:
    """One line per failed hidden case: its kind of input, then how it failed."""
    lines = []
    for case in question.cases:
        if case.passed:
            continue
        message = case.message or "failed"
        prefix = f"{case.label}: "
        lines.append(message if message.startswith(prefix) else prefix + message)
    return lines


def points_text(question: QuestionResult) -> str:
    """``"2 / 3 points"``, or ``"ungraded / 4 points"`` for a written answer not yet graded."""
    got = "ungraded" if question.points is None else f"{question.points:g}"
    return f"{got} / {question.max_points:g} points"


def _summary(question: QuestionResult) -> str:
    """The reason's first clause, without the case messages the lines below list."""
    if question.cases and any(not c.passed for c in question.cases):
        failed = sum(not c.passed for c in question.cases)
        return f"{failed} of {len(question.cases)} hidden cases failed"
    return question.reason


def notebook_text(question: QuestionResult, width: int = _WIDTH) -> str:
    """The ``[mml]`` verdict printed under a test cell of the autograded notebook.

    Every line is wrapped at ``width`` characters (continuations indented), so that the
    verdict reads in formgrader without scrolling sideways.
    """
    lines = [f"[mml] {points_text(question)}: {_summary(question)}"]
    cases = failed_cases(question)
    lines += [f"  - {case}" for case in cases[:MAX_CASES_SHOWN]]
    if len(cases) > MAX_CASES_SHOWN:
        lines.append(f"  ... and {len(cases) - MAX_CASES_SHOWN} more failed cases")
    named = mistake_of(question)
    if named is not None:
        lines.append(f"  Looks like a known mistake, {named.name}: {named.hint}")
    wrapped = [textwrap.fill(line, width, subsequent_indent="      ",
                             break_long_words=True, break_on_hyphens=False) for line in lines]
    return "\n".join(wrapped) + "\n"
