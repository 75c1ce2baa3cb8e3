"""requirements/student.lock pins the students' environment: the .venv (and so the
bubblewrap sandbox, which runs its interpreter), the image and the README agree."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements" / "student.lock"


def pins() -> dict[str, str]:
    lines = [line.strip() for line in LOCK.read_text().splitlines()]
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    assert all(len(p) == 2 for p in pairs), f"{LOCK}: every line must be name==version"
    return {name.lower(): ver for name, ver in pairs}


def test_the_lock_pins_what_a_notebook_imports() -> None:
    assert {"numpy", "scipy", "ipython", "matplotlib", "sympy", "traitlets"} <= set(pins())


def test_the_venv_runs_the_locked_versions() -> None:
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong[name] = (installed, pinned)
    assert not wrong, f"{wrong}: run `make bootstrap` (it installs with {LOCK.name} as constraints)"


def test_the_readme_states_the_locked_versions() -> None:
    readme = (REPO / "README.md").read_text()
    pattern = r"^\| `(numpy|scipy|ipython|matplotlib|sympy)` \| `([^`]+)` \|"
    stated = dict(re.findall(pattern, readme, re.M))
    assert len(stated) == 5, "README.md: the table of pinned versions is missing"
    assert stated == {k: pins()[k] for k in stated}
