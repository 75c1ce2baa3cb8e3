"""Test layout and markers: one folder per kind of test, a marker per folder.

- ``tests/unit/``: fast tests of the engine's steps, no real sandbox (``-m unit``; the
  README's quick command runs these in well under a minute);
- ``tests/content/``: the course content: references against independent computations,
  hidden-input generators, and every task's planted answers (``-m content``);
- ``tests/e2e/``: real bubblewrap sandboxes, real gradebooks, the CLI and the demo class
  (``-m e2e``).

``tests/helpers/`` (cell factories, a tiny course, the content tests' machinery) is put on
``sys.path`` so that tests import it as ``notebooks`` and ``contentkit``.
"""

from __future__ import annotations

import pathlib
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE / "helpers"))

KINDS = ("unit", "content", "e2e")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-goldens``: rewrite the golden files instead of comparing with them."""
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/e2e/goldens/ from this run (review the diff)")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the golden files (``--update-goldens``)."""
    return bool(request.config.getoption("--update-goldens"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the kind of the folder it lives in."""
    for item in items:
        kind = pathlib.Path(str(item.fspath)).relative_to(HERE).parts[0]
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (its own browser download is not
    available here): the browser tests of the feedback, report, similarity and formgrader
    pages share it."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: run 'make bootstrap' (scripts/bootstrap.sh "
                    "installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(params=["sqlite", "nbgrader"])
def gradebook_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with each of the recorder's stores: ``sqlite`` (the default for a
    SQLite gradebook nbgrader made, graders/nbgrader_io/gradebook_sqlite.py) and ``nbgrader``
    (nbgrader's own API, as for any other database)."""
    if request.param == "nbgrader":
        import graders.nbgrader_io.gradebook as gradebook

        monkeypatch.setattr(gradebook, "open_sqlite", lambda course: None)
    return str(request.param)
