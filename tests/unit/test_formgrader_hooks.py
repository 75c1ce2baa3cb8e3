"""graders/nbgrader_io/formgrader.py through nbgrader's own API, as formgrader's buttons call
it (no server, no browser): the course's nbgrader_config.py makes NbGraderAPI's autograde and
generate_assignment refuse with the mml command to run, before anything is written; nbgrader's
own command-line converters (not children of the API) are left alone."""

from __future__ import annotations

from pathlib import Path

from nbgrader.apps.api import NbGraderAPI
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from notebooks import make_course, source_notebook, submit
from traitlets.config.loader import PyFileConfigLoader

from graders.nbgrader_io.formgrader import RefuseAutograde


def api_for(root: Path) -> NbGraderAPI:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def test_autograde_and_generate_refuse_before_writing(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    submit(root, "alice", source_notebook())
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    api = api_for(root)
    autograde = api.autograde("tiny", "alice")
    assert autograde["success"] is False
    assert "mml grade tiny --student alice --force" in autograde["error"]
    generate = api.generate_assignment("tiny")
    assert generate["success"] is False and "mml release tiny" in generate["error"]
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_only_the_apis_converters_are_routed(tmp_path: Path) -> None:
    root = make_course(tmp_path / "course")
    api = api_for(root)
    assert Autograde(coursedir=api.coursedir, parent=api).exporter_class is RefuseAutograde
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    standalone = Autograde(coursedir=CourseDirectory(config=config), config=config)
    assert standalone.exporter_class is not RefuseAutograde
