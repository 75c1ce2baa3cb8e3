"""``mml pdf``: one PDF per submission of its written answers, printed by Debian's chromium.

A real course (the tiny helper course, with a prompt above its written answer), two real
submissions, the real command; the PDFs' text is read back with pypdf. One answer carries
markup that would run a script and fetch an image from a local server if it were rendered as
HTML: the server must see no request, and the markup must appear as plain text.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import nbformat
import pypdf
import pytest
from notebooks import make_course, md, source_notebook, submit, with_answer

MML = Path(sys.executable).parent / "mml"
PROMPT = "Explain why the reflection PROMPT_MARK is orthogonal."


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every request it gets."""
    _Counting.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], _Counting.hits
    httpd.shutdown()


def _course(root: Path) -> Path:
    """The tiny course, with a Markdown prompt right above its written answer."""
    make_course(root)
    nb = source_notebook()
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "written")
    prompt = md(PROMPT, grade_id="written_prompt", locked=True)
    prompt["id"] = "prompt"
    nb.cells.insert(index, prompt)
    nbformat.write(nb, str(root / "source" / "tiny" / "tiny.ipynb"))
    return root


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_pdf_holds_each_students_written_answer_only(tmp_path: Path,
                                                     server: tuple[int, list[str]]) -> None:
    port, hits = server
    root = _course(tmp_path / "course")
    nb = nbformat.read(str(root / "source" / "tiny" / "tiny.ipynb"), as_version=4)
    hostile = (f"ALICE_ANSWER because $Q^T Q = I$.\n<script>document.body.innerHTML = "
               f"'SCRIPT_RAN';</script>\n<img src=\"http://127.0.0.1:{port}/img.png\">\n"
               f"![x](http://127.0.0.1:{port}/md.png)")
    submit(root, "alice", with_answer(nb, "written", hostile))
    submit(root, "bob", with_answer(nb, "written", "BOB_ANSWER: the columns are orthonormal."))

    run = subprocess.run([str(MML), "pdf", "tiny", "--course", str(root)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "wrote 2 PDF(s)" in run.stdout

    alice, bob = (_text(root / "pdf" / "tiny" / f"{s}.pdf") for s in ("alice", "bob"))
    assert "ALICE_ANSWER" in alice and "BOB_ANSWER" not in alice
    assert "BOB_ANSWER" in bob and "ALICE_ANSWER" not in bob
    for text, student in ((alice, "alice"), (bob, "bob")):
        assert "tiny" in text and student in text  # the header
        assert "PROMPT_MARK" in text  # the question above the answer
        # no autograded answer or test cell, no hidden region
        for absent in ("def solve", "scipy.linalg", "reflection_matrix", "HIDDEN", "check("):
            assert absent not in text, (student, absent)
    # the markup is shown as text, never run or fetched
    assert "<script>" in alice and "SCRIPT_RAN" in alice
    assert f"127.0.0.1:{port}/img.png" in alice
    assert hits == []


def test_pdf_one_student_and_a_clear_error_for_an_unknown_one(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    nb = nbformat.read(str(root / "source" / "tiny" / "tiny.ipynb"), as_version=4)
    submit(root, "alice", with_answer(nb, "written", "ALICE_ANSWER"))
    submit(root, "bob", with_answer(nb, "written", "BOB_ANSWER"))

    run = subprocess.run([str(MML), "pdf", "tiny", "--course", str(root), "--student", "bob"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (root / "pdf" / "tiny").iterdir()) == ["bob.pdf"]

    run = subprocess.run([str(MML), "pdf", "tiny", "--course", str(root), "--student", "carol"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 2
    assert "carol" in run.stderr and "no submission" in run.stderr
