"""``mml similarity``'s result: the flagged pairs of a class, as a table and as JSON.

:func:`find_similar` reads a class's answers, applies the rule of
:mod:`graders.similarity.detect` to every answer cell, runs the cross-variant check on the
kept value answers (:mod:`graders.similarity.crossvariant`), and returns a
:class:`SimilarityReport`; :func:`table` is its terminal form, :meth:`to_dict` its versioned
JSON form. The HTML page is :mod:`graders.similarity.page`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from graders.checks import tasks
from graders.config import Course
from graders.similarity.answers import ClassAnswers, read_class
from graders.similarity.crossvariant import CrossMatch, cross_variant, variant_value_checks
from graders.similarity.detect import FLOOR, MIN_ANSWERS, MIN_TOKENS, CellStats, Pair, Z, flag_cell
from graders.similarity.values import class_values
from graders.variants import DEFAULT_STUDENT, released_students

__all__ = ["PROMPT", "SCHEMA_VERSION", "SimilarityReport", "crossed_answers", "find_similar",
           "matched_names", "table"]

SCHEMA_VERSION = 2
PROMPT = ("A prompt for a person, not a verdict: similar answers have innocent causes (a "
          "study group, the textbook's method, a hint in the question). Read both answers, "
          "and talk with the students, before concluding anything.")


@dataclass
class SimilarityReport:
    """The similarity of one assignment's submissions.

    Attributes:
        assignment: the assignment id.
        students: students whose notebooks were read.
        cells: per answer cell, the class's distribution of pair scores.
        pairs: the flagged pairs, most alike first.
        skipped: student -> why their notebook could not be read.
        crossed: value answers wrong for the student's own exam variant and right for
            another student's (:mod:`graders.similarity.crossvariant`).
        texts: cell key -> student -> answer text, for the page (not in the JSON form).
        schema_version: version of :meth:`to_dict`'s layout.
    """

    assignment: str
    students: list[str]
    cells: list[CellStats]
    pairs: list[Pair]
    skipped: dict[str, str] = field(default_factory=dict)
    crossed: list[CrossMatch] = field(default_factory=list)
    texts: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form (the rule's constants included; no answer text)."""
        return {"schema_version": self.schema_version, "assignment": self.assignment,
                "rule": {"min_tokens": MIN_TOKENS, "min_answers": MIN_ANSWERS,
                         "floor": FLOOR, "z": Z},
                "students": self.students, "skipped": self.skipped,
                "cells": [asdict(c) for c in self.cells],
                "pairs": [{**asdict(p), "spans_a": [list(s) for s in p.spans_a],
                           "spans_b": [list(s) for s in p.spans_b]} for p in self.pairs],
                "cross_variant": [{**asdict(c), "matches": list(c.matches)}
                                  for c in self.crossed]}


def report_of(assignment: str, answers: ClassAnswers) -> SimilarityReport:
    """Apply the rule to every answer cell of ``answers``."""
    cells: list[CellStats] = []
    pairs: list[Pair] = []
    for cell in answers.cells:
        stats, flagged = flag_cell(cell, answers)
        cells.append(stats)
        pairs.extend(flagged)
    pairs.sort(key=lambda p: (-p.score, p.cell, p.student_a, p.student_b))
    students = sorted({s for by_student in answers.texts.values() for s in by_student})
    return SimilarityReport(assignment, students, cells, pairs, dict(answers.skipped),
                            texts=answers.texts)


def find_similar(course: Course, assignment: str) -> SimilarityReport:
    """The flagged pairs of ``assignment``'s submissions (``submitted/*/<assignment>/``),
    and its value answers right for another student's exam variant."""
    report = report_of(assignment, read_class(course, assignment))
    report.crossed = crossed_answers(course, assignment)
    return report


def crossed_answers(course: Course, assignment: str) -> list[CrossMatch]:
    """The cross-variant check on the value answers ``mml grade`` kept (none before)."""
    specs = [spec for task in tasks(assignment) for spec in task.checks]
    if not variant_value_checks(specs):
        return []
    return cross_variant(specs, course.grader.seed, assignment,
                         class_values(course, assignment),
                         released_students(course.root, assignment))


def matched_names(match: CrossMatch) -> str:
    """Whose variant an answer matches, for a person: ids, and "the shared release"."""
    return ", ".join("the shared release" if m == DEFAULT_STUDENT else m
                     for m in match.matches)


def table(report: SimilarityReport) -> str:
    """The terminal table: one line per flagged pair, then the cells left out and why."""
    lines = [f"similarity of {report.assignment}: {len(report.students)} students, "
             f"{len(report.pairs)} pair(s) flagged", PROMPT, ""]
    if report.pairs:
        lines.append(f"{'cell':30} {'student':16} {'student':16} {'score':>6} {'needed':>7}")
        lines += [f"{p.cell:30} {p.student_a:16} {p.student_b:16} {p.score:6.2f} "
                  f"{p.threshold:7.2f}" for p in report.pairs]
        lines.append("")
    for c in report.cells:
        if c.threshold is None:
            lines.append(f"not compared: {c.cell} ({c.telling} of {c.answers} answers long "
                         f"enough to tell; {MIN_ANSWERS} needed)")
    lines += [f"not read: {s}: {why}" for s, why in sorted(report.skipped.items())]
    if report.crossed:
        lines += ["", f"{len(report.crossed)} value answer(s) wrong for the student's own exam "
                  "variant and right for another's (a near-certain sign of a copied result; "
                  "still read both notebooks):"]
        lines += [f"  {c.student}, {c.check_id}: matches {matched_names(c)}'s variant"
                  for c in report.crossed]
    return "\n".join(lines).rstrip() + "\n"
