"""The demo class (``mml demo``'s ten students) graded through the docker backend, for real:
a warm-container batch gives every student bubblewrap's per-question scores, and so does
the strict mode (one container per submission) for a few of them.

Bubblewrap's scores are the demo goldens (tests/e2e/goldens/demo/), which test_demo.py
checks against a live bubblewrap batch of the same class. The batch's pre-flight refuses
an image built from another ``graders/runtime`` before grading anything. Skipped, with the
reason, only where no engine can run a container (test_docker.py's check); the image is
built by its fixture.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from goldens import read_golden
from test_docker import ENGINE, IMAGE, NO_ENGINE
from test_docker import docker as docker

from graders.batch.runner import grade_batch
from graders.commands.demo import ASSIGNMENT, REPO, _submit, build_class
from graders.config import Course, load_course
from graders.errors import SandboxUnavailable
from graders.nbgrader_io.release import release
from graders.sandbox.docker import RUNTIME_LABEL, DockerSandbox

pytestmark = pytest.mark.skipif(bool(NO_ENGINE), reason=NO_ENGINE)

STRICT_FEW = ("s01_solution", "s02_partial", "s04_crash", "s06_monkeypatch")
STALE = "mml-grader:r6-stale-runtime"


def _docker_config(image: str = IMAGE) -> str:
    """The demo's settings (short limits) with the docker backend on ``image``."""
    return ((REPO / "nbgrader_config.py").read_text()
            + "\nc.MMLGrader.cell_timeout = 5.0\nc.MMLGrader.case_timeout = 3.0\n"
            + "c.MMLGrader.sandbox = 'docker'\nc.MMLGrader.docker_mode = 'warm'\n"
            + f"c.MMLGrader.docker_image = {image!r}\n"
            + f"c.MMLGrader.docker_command = {shlex.join(ENGINE)!r}\n")


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory, docker: DockerSandbox) -> Course:
    """The demo's course and its ten submissions, as ``mml demo`` makes them (not graded)."""
    root = tmp_path_factory.mktemp("docker-demo")
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    (root / "nbgrader_config.py").write_text(_docker_config())
    course = load_course(root)
    release(course, ASSIGNMENT)
    source_nb = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    release_nb = nbformat.read(str(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                               as_version=4)
    for student, content in build_class(source_nb, release_nb, 10).items():
        _submit(root, student, content)
    return course


def _outcome(result: dict[str, Any]) -> tuple[str, dict[str, float | None]]:
    """A result's status and per-question points."""
    return result["status"], {q["grade_id"]: q["points"] for q in result["questions"]}


def _graded(course: Course, student: str) -> dict[str, Any]:
    path = course.root / ".mml" / "results" / student / ASSIGNMENT / "result.json"
    parsed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return parsed


def test_a_warm_container_batch_scores_the_demo_class_as_bubblewrap(klass: Course) -> None:
    results = grade_batch(klass, ASSIGNMENT, force=True, progress=False)
    assert len(results) == 10
    for student in sorted(r.student for r in results):
        got = _graded(klass, student)
        assert _outcome(got) == _outcome(read_golden("demo", student)), student
        if got["status"] == "graded":
            assert got["sandbox"] == "docker", student
    assert _graded(klass, "s09_tampered")["flags"]  # the edited test cells are reported


def test_the_strict_mode_scores_a_few_students_as_bubblewrap(klass: Course) -> None:
    """One container per submission (a worker's sandbox is the strict one)."""
    strict = load_course(klass.root, docker_mode="strict")
    grade_batch(strict, ASSIGNMENT, students=STRICT_FEW, force=True, progress=False)
    for student in STRICT_FEW:
        got = _graded(strict, student)
        assert got["sandbox"] == "docker", student
        assert _outcome(got) == _outcome(read_golden("demo", student)), student


@pytest.fixture
def stale_image(tmp_path: Path, docker: DockerSandbox) -> Iterator[str]:
    """The grading image with another runtime label (as after an edit of graders/runtime)."""
    (tmp_path / "Dockerfile").write_text(f"FROM {IMAGE}\n")
    build = subprocess.run([*ENGINE, "build", "--network", "none", "--label",
                            f"{RUNTIME_LABEL}={'0' * 32}", "-t", STALE, str(tmp_path)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    yield STALE
    subprocess.run([*ENGINE, "rmi", "--force", STALE], capture_output=True, timeout=300)


def test_the_preflight_refuses_an_image_of_another_runtime(klass: Course,
                                                           stale_image: str) -> None:
    """Before any worker starts: one error that says to run `make image`, no result."""
    (klass.root / "nbgrader_config.py").write_text(_docker_config(stale_image))
    try:
        course = load_course(klass.root)
        before = {p: p.stat().st_mtime_ns
                  for p in (klass.root / ".mml" / "results").rglob("result.json")}
        with pytest.raises(SandboxUnavailable) as err:
            grade_batch(course, ASSIGNMENT, force=True, progress=False)
        message = str(err.value)
        assert "make image" in message and stale_image in message and "0" * 32 in message
        after = {p: p.stat().st_mtime_ns
                 for p in (klass.root / ".mml" / "results").rglob("result.json")}
        assert after == before  # nothing was graded
    finally:
        (klass.root / "nbgrader_config.py").write_text(_docker_config())
