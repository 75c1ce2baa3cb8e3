"""``mml demo``: a whole class of ps1, released, submitted, graded and reported.

In a scratch course directory it releases ``ps1_linear_algebra`` with nbgrader,
writes synthetic submissions (the solution, partial solutions drawn from the
wrong-answer bank, a crash, an infinite loop, a monkeypatched ``np.allclose``,
a fork bomb, a tampered notebook, a malformed file, an untouched stub), grades
them in sandboxes, prints the class table and the CSV export, writes the class report
(``reports/ps1_linear_algebra/index.html``, ``mml report``) and every student's feedback
page (``feedback/<student>/ps1_linear_algebra/``).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

from graders.authoring import strip_solution_markers
from graders.batch.runner import grade_batch
from graders.commands.quality import load_tasks
from graders.commands.report import class_table
from graders.config import load_course
from graders.nbgrader_io.export import export_csv
from graders.nbgrader_io.feedback import write_feedback
from graders.nbgrader_io.release import release
from graders.report import write_assignment_report

__all__ = ["ASSIGNMENT", "build_class", "run_demo"]

ASSIGNMENT = "ps1_linear_algebra"
REPO = Path(__file__).resolve().parents[2]

CRASH_LU = "import sys\n\ndef lu(A):\n    sys.exit(0)\n"
CRASH_TOP = "raise ValueError('student cell crashed before defining its function')\n"
LOOP = "def pagerank(L, d, tol):\n    while True:\n        pass\n"
TOP_LOOP_SUFFIX = "\nwhile True:  # a forgotten debugging loop at top level\n    pass\n"
MONKEYPATCH = (
    "import builtins\nimport numpy as np\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n"
    "builtins.abs = lambda v: 0\n\n"
    "def solve(A, b):\n    return np.zeros(len(b))\n"
)
FORK_BOMB_SUFFIX = "\nimport os\nwhile True:\n    os.fork()\n"


def _answers(source_nb: Any) -> dict[str, str]:
    """The solution body of every answer cell, marker lines removed (as a student writes it)."""
    return {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source)
            for c in source_nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}


def _fill(release_nb: Any, answers: dict[str, str]) -> Any:
    nb = nbformat.from_dict(release_nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def build_class(source_nb: Any, release_nb: Any, size: int) -> dict[str, Any]:
    """Synthetic submissions by student id: notebooks, or bytes for a malformed file."""
    sol = _answers(source_nb)
    wrong = {t.answer_cell: [w.code for w in t.wrong] for t in load_tasks(ASSIGNMENT)}
    tampered = _fill(release_nb, sol)
    for cell in tampered.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # edited test cell\n"
            cell.metadata["nbgrader"]["points"] = 100
    klass: dict[str, Any] = {
        "s01_solution": _fill(release_nb, sol),
        "s02_partial": _fill(release_nb, {**sol, "la1_solve": wrong["la1_solve"][0],
                                          "la2_lu": wrong["la2_lu"][0]}),
        "s03_partial": _fill(release_nb, {**sol, "la3_gram_schmidt": wrong["la3_gram_schmidt"][0],
                                          "la5_sym_eig": wrong["la5_sym_eig"][0],
                                          "la6_pagerank": wrong["la6_pagerank"][0]}),
        "s04_crash": _fill(release_nb, {**sol, "la2_lu": CRASH_LU,
                                        "la4_rank_nullspace": CRASH_TOP}),
        "s05_loop": _fill(release_nb, {**sol, "la6_pagerank": LOOP,
                                       "la7_reflection_matrix": sol["la7_reflection_matrix"]
                                       + TOP_LOOP_SUFFIX}),
        "s06_monkeypatch": _fill(release_nb, {**sol, "la1_solve": MONKEYPATCH}),
        "s07_forkbomb": _fill(release_nb, {**sol, "la3_gram_schmidt": sol["la3_gram_schmidt"]
                                           + FORK_BOMB_SUFFIX}),
        "s08_malformed": b'{"cells": [ this is not json',
        "s09_tampered": tampered,
        "s10_stub": release_nb,
    }
    for i in range(len(klass) + 1, size + 1):
        klass[f"s{i:02d}_solution"] = _fill(release_nb, sol)
    return klass


def _submit(root: Path, student: str, content: Any) -> None:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        nbformat.write(content, str(path))


def run_demo(directory: Path | None, size: int, echo: Callable[[str], None] = print) -> Path:
    """Run the whole demo in ``directory`` (a new temporary one if None); returns it."""
    root = directory or Path(tempfile.mkdtemp(prefix="mml-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT, dirs_exist_ok=True)
    config = (REPO / "nbgrader_config.py").read_text()
    config += "\n# demo: short limits so the looping students cost seconds, not minutes\n"
    config += "c.MMLGrader.cell_timeout = 5.0\nc.MMLGrader.case_timeout = 3.0\n"
    (root / "nbgrader_config.py").write_text(config)
    course = load_course(root)
    echo(f"course directory: {root}")
    report = release(course, ASSIGNMENT)
    echo(f"released {ASSIGNMENT} with nbgrader: {len(report.notebooks)} notebook(s), no leaks")
    source_nb = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    release_nb = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                               as_version=4)
    klass = build_class(source_nb, release_nb, max(size, 10))
    for student, content in klass.items():
        _submit(root, student, content)
    echo(f"submitted {len(klass)} synthetic students; grading in bubblewrap sandboxes...")
    results = grade_batch(course, ASSIGNMENT, progress=True)
    echo(class_table(results))
    echo("\nexport (mml export ps1_linear_algebra):")
    echo(export_csv(course, ASSIGNMENT))
    echo(f"autograded notebooks (formgrader's view): {root / 'autograded'}")
    class_report = write_assignment_report(course, ASSIGNMENT)
    echo(f"class report (mml report {ASSIGNMENT}): open {class_report.page} in a browser "
         f"({len(class_report.csv)} CSV files beside it)")
    pages = write_feedback(course, ASSIGNMENT)
    echo(f"feedback for the students (mml feedback {ASSIGNMENT}): {len(pages)} pages, open "
         f"{pages[0].parents[2] / '<student>' / ASSIGNMENT / (ASSIGNMENT + '.html')} in a "
         f"browser, e.g. {pages[1] if len(pages) > 1 else pages[0]}")
    return root
