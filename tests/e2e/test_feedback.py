"""``mml feedback`` over a graded class, nbgrader's own ``generate_feedback`` on the same
course, and the pages in a real browser (Debian's chromium driven by Playwright).

The class: alice (correct, with a TA's manual score and comment), bob (one question wrong),
carol (a function that loops: timed out), dave (not JSON: ungradable), eve (outputs that
carry ``<script>``, an SVG ``onload`` and a ``javascript:`` link into the verdicts).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook
from notebooks import make_course, source_notebook, submit, with_answer

from graders.checks import case_rng, get_check
from graders.commands.cli import main
from graders.config import load_course
from graders.nbgrader_io.mathjax import mathjax_head

CHECKS = ("linear_algebra.solve", "linear_algebra.reflection_matrix")
FORMULA = r"The inner product $\langle x, y\rangle_A = x^\top A y$ appears in both questions."
HOSTILE = ("<script>window.pwned = 1</script>"
           "<svg onload=\"window.pwned = 2\"></svg>"
           "<a id=\"evil\" href=\"javascript:window.pwned = 3\">click</a>")
NBGRADER = Path(sys.executable).parent / "nbgrader"


@pytest.fixture(scope="module")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("fb"))
    src = root / "source" / "tiny" / "tiny.ipynb"
    text = src.read_text().replace("Solve and reflect.", FORMULA.replace("\\", "\\\\"))
    src.write_text(text)
    nb = source_notebook()
    submit(root, "alice", nb)
    submit(root, "bob", with_answer(nb, "q_solve", "def solve(A, b):\n    return b\n"))
    submit(root, "carol", with_answer(nb, "q_reflect", "def reflection_matrix(B):\n"
                                                       "    while True:\n        pass\n"))
    (root / "submitted" / "dave" / "tiny").mkdir(parents=True)
    (root / "submitted" / "dave" / "tiny" / "tiny.ipynb").write_text("{ not json")
    submit(root, "eve", with_answer(nb, "q_solve", f"def solve(A, b):\n    raise ValueError("
                                                   f"{HOSTILE!r})\n"))
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "2"])
    assert out.exit_code == 0, out.output
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        gb.find_grade("written", "tiny", "tiny", "alice").manual_score = 3.5
        gb.find_comment("written", "tiny", "tiny", "alice").manual_comment = \
            "Good argument; <b>state</b> the rank condition."
        gb.db.commit()
    return root


@pytest.fixture(scope="module")
def pages(course_root: Path) -> dict[str, str]:
    out = CliRunner().invoke(main, ["feedback", "tiny", "--course", str(course_root)])
    assert out.exit_code == 0, out.output
    found = {p.parts[-3]: p.read_text(encoding="utf-8")
             for p in (course_root / "feedback").glob("*/tiny/tiny.html")}
    assert sorted(found) == ["alice", "bob", "carol", "dave", "eve"]
    return found


def hidden_strings(seed: int) -> set[str]:
    """Hidden inputs and reference outputs of the tiny course's checks, as a page would print
    them (6 and 4 significant digits, and repr), skipping values too short to be telling."""
    found: set[str] = set()
    for check_id in CHECKS:
        check = get_check(check_id)
        for case in check.cases(case_rng(seed, check_id)):
            values = [np.asarray(a, dtype=float).ravel() for a in case.args
                      if np.asarray(a).dtype.kind in "fi"]
            if check.reference is not None:
                values.append(np.asarray(check.reference(*case.args), dtype=float).ravel())
            for x in np.concatenate(values) if values else ():
                if abs(x) > 1e-3 and abs(x - round(x)) > 1e-3:
                    found |= {s for s in (f"{x:.6g}", f"{x:.4g}", repr(float(x)))
                              if len(s.lstrip("-")) >= 6}
    return found


def visible(page: str) -> str:
    """The page without the inlined MathJax (constant bytes of a package, base64)."""
    assert page.count(mathjax_head()) == 1
    return page.replace(mathjax_head(), "")


def test_pages_say_points_reasons_and_totals(pages: dict[str, str]) -> None:
    alice, bob, carol, dave = (visible(pages[s]) for s in ("alice", "bob", "carol", "dave"))
    assert "3 / 3" in alice and "2 / 2" in alice and "3.5 / 4" in alice
    assert "state</b>" not in alice and "&lt;b&gt;state&lt;/b&gt; the rank condition" in alice
    assert "linear algebra" in alice and "8.5 / 9" in alice
    assert "0 / 3" in bob and "hidden inputs failed" in bob and "2 / 9" in bob
    assert "0 / 2" in carol and "timeout" in carol and "case_timeout" in carol
    assert "could not be graded" in dave and "not valid JSON" in dave and "0 / 9" in dave
    assert "not graded yet" in dave


def test_pages_hold_nothing_of_the_grader(course_root: Path, pages: dict[str, str]) -> None:
    seed = load_course(course_root).grader.seed
    hidden = hidden_strings(seed)
    assert len(hidden) > 50  # the check has material to look for
    banned = [str(seed), "graders", "BEGIN HIDDEN", "check(", "result.json", *CHECKS,
              str(course_root)]
    for student, page in pages.items():
        text = visible(page)
        assert not [b for b in banned if b in text], student
        assert not [h for h in hidden if h in text], student
    assert not list((course_root / "feedback").rglob("*.json"))


def test_autograded_notebook_reads_without_hidden_regions(course_root: Path) -> None:
    text = (course_root / "autograded" / "bob" / "tiny" / "tiny.ipynb").read_text()
    assert "BEGIN HIDDEN" not in text and "graders.authoring" not in text
    assert not [c for c in CHECKS if c in text]
    assert "hidden tests: run by the grader" in text
    assert not (course_root / "autograded" / "bob" / "tiny" / "result.json").exists()


@pytest.fixture(scope="module")
def nbgrader_feedback(course_root: Path) -> Path:
    """The class's feedback as nbgrader's own ``generate_feedback`` writes it (its folder)."""
    out = subprocess.run([str(NBGRADER), "generate_feedback", "tiny", "--force",
                          "--CourseDirectory.feedback_directory=nbgrader_feedback"],
                         cwd=course_root, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return course_root / "nbgrader_feedback"


def test_nbgrader_generate_feedback_leaks_nothing(course_root: Path,
                                                  nbgrader_feedback: Path) -> None:
    files = [p for p in nbgrader_feedback.rglob("*") if p.is_file()]
    assert {p.parts[-3] for p in files if p.suffix == ".html"} >= {"alice", "bob", "eve"}
    seed = str(load_course(course_root).grader.seed)
    for path in files:
        assert path.suffix == ".html", path
        text = path.read_text(encoding="utf-8")
        assert not [b for b in ("BEGIN HIDDEN", "graders.authoring", *CHECKS) if b in text]
        assert not re.search(rf"\b{seed}\b", text), path


def offline_page(browser: Any, path: Path,
                 requested: list[str] | None = None) -> tuple[Any, list[str]]:
    """A page loaded from disk with every non-file request aborted (the network cut);
    every request's address is appended to ``requested``."""
    page = browser.new_page()
    aborted: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if requested is not None else None)

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            aborted.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, aborted


def test_student_output_is_inert_in_the_browser(course_root: Path, pages: dict[str, str],
                                                browser: Any) -> None:
    page, _ = offline_page(browser, course_root / "feedback" / "eve" / "tiny" / "tiny.html")
    page.wait_for_timeout(1500)  # time for an onload or a script to have run, were one live
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('svg, #evil, [onload]').length") == 0
    assert page.evaluate("[...document.links].every(a => a.getAttribute('href').startsWith('#'))")
    # executable scripts are the page's inlined MathJax only (MathJax keeps each formula's
    # TeX in a <script type="math/tex">, which a browser does not run)
    assert page.evaluate("[...document.scripts].filter(s => !s.type.startsWith('math/'))"
                         ".every(s => s.src.startsWith('data:'))")
    text = page.inner_text("body")
    assert "<script>window.pwned = 1</script>" in text and "javascript:window.pwned" in text
    page.close()


def test_nbgrader_feedback_renders_formulas_with_the_network_cut(nbgrader_feedback: Path,
                                                                browser: Any) -> None:
    """nbgrader's own feedback page: MathJax inlined (nbgrader_config.py), nothing remote."""
    path = nbgrader_feedback / "alice" / "tiny" / "tiny.html"
    html = path.read_text(encoding="utf-8")
    assert "cdnjs" not in html and not re.search(r"<(script|link)[^>]+(src|href)=.https?:", html)
    requested: list[str] = []
    page, aborted = offline_page(browser, path, requested)
    page.wait_for_selector(".MathJax_MathML math", state="attached", timeout=60_000)
    assert page.locator(".rendered_html .MathJax_MathML").count() >= 1  # the prompt's
    assert "\\langle" not in page.inner_text("body")  # typeset, not raw TeX
    assert aborted == [] and all(u.startswith(("file:", "data:")) for u in requested)
    page.close()


def test_formulas_render_with_the_network_cut(course_root: Path, pages: dict[str, str],
                                              browser: Any) -> None:
    page, aborted = offline_page(browser, course_root / "feedback" / "alice" / "tiny" /
                                 "tiny.html")
    page.wait_for_selector(".prompt .MathJax_MathML math", state="attached", timeout=60_000)
    assert page.locator(".prompt .MathJax_MathML").count() >= 1
    assert "\\langle" not in page.inner_text(".prompt")
    assert aborted == []
    page.close()
