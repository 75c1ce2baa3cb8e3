"""Manual grading in nbgrader's formgrader, in a real JupyterLab server and a real browser.

A course graded by ``mml grade`` (alice: correct, with a written derivation; bob: one question
wrong) is served by ``jupyter lab`` on 127.0.0.1 with nbgrader's formgrader extension, and
Debian's chromium, driven by Playwright, grades it as a TA would: the autograded scores show,
a manual score and a comment on the derivation are saved, and they reach the gradebook,
``mml export``, ``mml feedback`` and ``mml report``. No request leaves 127.0.0.1 while a
submission is opened for grading, and its formulas render (MathJax inlined, not from a
CDN). Formgrader's Autograde and Generate buttons refuse, naming the ``mml`` command to
run, and change nothing (graders/nbgrader_io/formgrader.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from notebooks import make_course, source_notebook, submit, with_answer

from graders.commands.cli import main
from graders.config import load_course
from graders.nbgrader_io.scores import read_scores

DERIVATION = ("Since $A$ is invertible, $x = A^{-1}b$ is the unique solution; "
              "a reflection satisfies $H^2 = I$.")
COMMENT = "Good: uniqueness argued. State why A is invertible before using it."
BIN = Path(sys.executable).parent
#: How long the server may take to answer: JupyterLab starts in a few seconds on an idle
#: machine; a loaded CI runner with 2 cores can take ten times that.
SERVER_START_S = 240.0


@pytest.fixture(scope="module")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("formgrader") / "course")
    nb = with_answer(source_notebook(), "written", DERIVATION)
    submit(root, "alice", nb)
    submit(root, "bob", with_answer(nb, "q_solve", "def solve(A, b):\n    return b\n"))
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "2"])
    assert out.exit_code == 0, out.output
    return root


@dataclass(frozen=True)
class Server:
    """A running JupyterLab server: its base URL and its token."""

    url: str
    token: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll ``url`` until the server answers, failing early if it exits."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer within {SERVER_START_S} s:\n"
                f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(course_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("jupyter")
    config_dir = home / "config"
    config_dir.mkdir()
    # formgrader is enabled by nbgrader's install too; say so here so the test needs nothing else
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": True}}}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    port, token = free_port(), secrets.token_hex(16)
    log = home / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--allow-root"],
            cwd=course_root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(proc, f"{url}/api/status?token={token}", log)
        yield Server(url=url, token=token)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A logged-in formgrader page (the token in the URL sets the login cookie)."""
    context = browser.new_context()
    context.set_default_timeout(120_000)
    tab = context.new_page()
    tab.goto(f"{server.url}/formgrader?token={server.token}")
    tab.wait_for_selector("text=Manage Assignments")
    yield tab
    context.close()


def scores(root: Path) -> dict[str, dict[str, float | None]]:
    """Every student's score per grade_id, from the gradebook (graders/nbgrader_io/scores.py)."""
    return {s.student: {c.grade_id: c.score for c in s.cells}
            for s in read_scores(load_course(root), "tiny")}


def open_submission(page: Any, server: Server, student: str) -> None:
    """From the assignment's submissions to ``student``'s notebook, by the links a TA clicks."""
    page.goto(f"{server.url}/formgrader/manage_submissions/tiny")
    page.locator("tr", has_text=student).locator("td.student-name a").click()
    page.wait_for_url(f"**/manage_students/{student}/tiny")
    page.locator("a[href*='/formgrader/submissions/']").first.click()
    page.wait_for_selector("input.score#written")


def save_field(page: Any, selector: str, value: str, api: str) -> None:
    """Type ``value`` into a formgrader field and leave it, waiting for its save (a PUT)."""
    with page.expect_response(lambda r: f"/formgrader/api/{api}/" in r.url
                              and r.request.method == "PUT") as saved:
        page.fill(selector, value)
        page.press(selector, "Tab")
    assert saved.value.ok, saved.value.status


def test_manual_score_and_comment_reach_gradebook_export_and_feedback(
        course_root: Path, server: Server, page: Any) -> None:
    before = scores(course_root)
    assert before["alice"]["q_solve_test"] == 3 and before["bob"]["q_solve_test"] == 0
    open_submission(page, server, "alice")
    # the autograded points mml grade recorded are formgrader's placeholders, its verdicts shown
    # (formgrader's script fills them in after fetching the grades: wait, as a loaded machine
    # can take seconds, rather than read them before it has run)
    from playwright.sync_api import expect

    expect(page.locator("input.score#q_solve_test")).to_have_attribute(
        "placeholder", "3", timeout=120_000)
    expect(page.locator("input.score#q_reflect_test")).to_have_attribute(
        "placeholder", "2", timeout=120_000)
    assert "[mml] 3 / 3 points" in page.inner_text("body")
    assert "is the unique solution" in page.inner_text("body")  # the written derivation
    save_field(page, "input.score#written", "3.5", "grade")
    save_field(page, "textarea#written-comment", COMMENT, "comment")

    after = scores(course_root)
    assert after["alice"] == {**before["alice"], "written": 3.5}
    assert after["bob"] == before["bob"]

    out = CliRunner().invoke(main, ["export", "tiny", "--course", str(course_root)])
    assert out.exit_code == 0, out.output
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(out.output))}
    assert rows["alice"]["written"] == "3.5" and float(rows["alice"]["total"]) == 8.5
    assert rows["alice"]["status"] == "graded"

    out = CliRunner().invoke(main, ["feedback", "tiny", "--course", str(course_root),
                                    "--student", "alice"])
    assert out.exit_code == 0, out.output
    html = (course_root / "feedback" / "alice" / "tiny" / "tiny.html").read_text()
    assert "3.5 / 4" in html and "8.5 / 9" in html
    assert "State why A is invertible before using it." in html

    out = CliRunner().invoke(main, ["report", "tiny", "--course", str(course_root)])
    assert out.exit_code == 0, out.output
    table = (course_root / "reports" / "tiny" / "scores.csv").read_text()
    report = {r["student"]: r for r in csv.DictReader(io.StringIO(table))}
    assert float(report["alice"]["earned"]) == 8.5
    assert float(report["alice"]["pending points"]) == 0  # bob's derivation is still pending
    assert float(report["bob"]["pending points"]) == 4


def test_a_submission_opens_for_grading_with_no_request_leaving_the_machine(
        server: Server, page: Any) -> None:
    """Every request stays on 127.0.0.1 and the formulas render (MathJax inlined by
    nbgrader_config.py, not fetched from a CDN)."""
    requested: list[str] = []
    outside: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("data:") or urllib.parse.urlsplit(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.context.route("**/*", route)
    page.on("request", lambda r: requested.append(r.url))
    open_submission(page, server, "alice")
    page.wait_for_selector("#notebook .MathJax_MathML math", state="attached", timeout=120_000)
    assert "is the unique solution" in page.inner_text("#notebook")
    assert "$A$" not in page.inner_text("#notebook")  # typeset, not raw TeX
    assert outside == []
    assert any("/formgrader/submissions/" in u for u in requested)
    assert all(u.startswith("data:") or urllib.parse.urlsplit(u).hostname == "127.0.0.1"
               for u in requested), requested


def snapshot(root: Path) -> dict[str, Any]:
    """What a stray autograde or generate would change: files the grader wrote, and scores."""
    files = {str(p.relative_to(root)): p.read_bytes()
             for folder in ("autograded", ".mml/results", "release") if (root / folder).exists()
             for p in sorted((root / folder).rglob("*")) if p.is_file()}
    return {"files": files, "scores": scores(root)}


def error_modal(page: Any) -> str:
    page.wait_for_selector(".modal.in, .modal.show, .modal[style*='display: block']")
    return str(page.locator(".modal").last.inner_text())


def test_autograde_button_refuses_and_changes_nothing(course_root: Path, server: Server,
                                                      page: Any) -> None:
    before = snapshot(course_root)
    assert any(name.endswith("result.json") for name in before["files"])
    page.goto(f"{server.url}/formgrader/manage_submissions/tiny")
    with page.expect_response(lambda r: r.url.endswith("/submission/tiny/bob/autograde")) as r:
        page.locator("tr", has_text="bob").locator("td.autograde a").click()
    assert r.value.json()["success"] is False
    message = error_modal(page)
    assert "mml grade tiny --student bob --force" in message
    assert "unsandboxed" in message and "Nothing was changed" in message
    assert snapshot(course_root) == before


def test_generate_button_refuses_and_changes_nothing(course_root: Path, server: Server,
                                                     page: Any) -> None:
    before = snapshot(course_root)
    page.goto(f"{server.url}/formgrader/manage_assignments")
    with page.expect_response(lambda r: r.url.endswith("/assignment/tiny/assign")) as r:
        page.locator("tr", has_text="tiny").locator("td.assign a").click()
    assert r.value.json()["success"] is False
    message = error_modal(page)
    assert "mml release tiny" in message and "leak scan" in message
    assert snapshot(course_root) == before
    assert not (course_root / "release" / "tiny").exists()
