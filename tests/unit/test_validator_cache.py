"""nbformat's validator is generated once per install (``graders/pipeline/validator.py``).

The cached code must judge every notebook exactly as fastjsonschema's freshly compiled
validator does, be loaded instead of generated once it exists, and fall back to
compiling when the cache cannot be read or written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastjsonschema
import nbformat.v4
import pytest
from fresh import run_fresh
from nbformat.validator import _get_schema_json

from graders.pipeline import validator
from graders.pipeline.validator import cached_compile

REPO = Path(__file__).resolve().parents[2]
SCHEMA = _get_schema_json(nbformat.v4, version=4, version_minor=5)
NOTEBOOK = json.loads(next(REPO.glob("source/ps1_linear_algebra/*.ipynb")).read_text())


def _broken() -> list[dict[str, Any]]:
    """Notebooks the schema rejects, each in its own way."""
    no_source = {**NOTEBOOK, "cells": [{"cell_type": "code"}]}
    bad_type = {**NOTEBOOK, "cells": [{**NOTEBOOK["cells"][0], "cell_type": "picture"}]}
    no_metadata = {k: v for k, v in NOTEBOOK.items() if k != "metadata"}
    return [no_source, bad_type, no_metadata, {**NOTEBOOK, "nbformat": "4"}]


def _verdict(validate: Any, notebook: Any) -> tuple[str, str]:
    try:
        validate(notebook)
    except fastjsonschema.JsonSchemaValueException as exc:
        return type(exc).__name__, f"{exc.message} at {exc.path}"
    return "valid", ""


@pytest.mark.parametrize("notebook", [NOTEBOOK, *_broken()])
def test_the_cached_validator_judges_as_fastjsonschema_does(tmp_path: Path,
                                                            notebook: Any) -> None:
    fresh = fastjsonschema.compile(SCHEMA)
    first, loaded = cached_compile(SCHEMA, tmp_path), cached_compile(SCHEMA, tmp_path)
    expected = _verdict(fresh, notebook)
    assert _verdict(first, notebook) == expected == _verdict(loaded, notebook)
    assert (expected[0] == "valid") == (notebook is NOTEBOOK)


def test_once_cached_the_validator_is_loaded_not_generated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached_compile(SCHEMA, tmp_path)
    assert len(list(tmp_path.iterdir())) == 1

    def generate(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("generated again")

    monkeypatch.setattr(fastjsonschema, "compile_to_code", generate)
    assert _verdict(cached_compile(SCHEMA, tmp_path), NOTEBOOK) == ("valid", "")


def test_a_damaged_cache_file_is_replaced(tmp_path: Path) -> None:
    cached_compile(SCHEMA, tmp_path)
    [path] = tmp_path.iterdir()
    path.write_bytes(path.read_bytes()[:100])
    assert _verdict(cached_compile(SCHEMA, tmp_path), NOTEBOOK) == ("valid", "")
    assert _verdict(cached_compile(SCHEMA, tmp_path), _broken()[0])[0] != "valid"
    assert len(path.read_bytes()) > 100


def test_a_cache_that_cannot_be_written_still_validates(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _verdict(cached_compile(SCHEMA, blocked / "cache"), NOTEBOOK) == ("valid", "")
    assert _verdict(cached_compile(SCHEMA, blocked / "cache"), _broken()[1])[0] != "valid"


def test_other_options_compile_as_fastjsonschema_does(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validator, "CACHE_DIR", tmp_path)
    validate = validator._compile(SCHEMA, fast_fail=False)
    assert _verdict(validate, NOTEBOOK) == ("valid", "")
    assert list(tmp_path.iterdir()) == []


def _use(cache: Path, notebook: Path, *, generating: bool) -> str:
    """A new process that installs the cache, reads ``notebook`` and rejects a bad one."""
    return run_fresh(
        "from graders.commands.cli import _skip_format_checkers\n"
        "_skip_format_checkers()\n"  # as mml does: jsonschema's format checkers cost seconds
        "import nbformat, fastjsonschema, pathlib\n"
        "from graders.pipeline import validator\n"
        f"validator.CACHE_DIR = pathlib.Path({str(cache)!r})\n"
        + ("" if generating else "fastjsonschema.compile_to_code = None\n")
        + "validator.use_cached_validators()\n"
        "print(fastjsonschema.compile is validator._compile)\n"
        f"nbformat.read({str(notebook)!r}, as_version=4)\n"
        "try:\n"
        "    nbformat.validate(nbformat.from_dict({'nbformat': 4, 'nbformat_minor': 5,\n"
        "                                          'metadata': {}, 'cells': [{}]}))\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n")


def test_nbformat_validates_with_the_cached_code_once_installed(tmp_path: Path) -> None:
    notebook = next(REPO.glob("source/ps1_linear_algebra/*.ipynb"))
    assert _use(tmp_path, notebook, generating=True).split() == ["True", "rejected"]
    assert len(list(tmp_path.iterdir())) == 1
    # a second process, which could not generate the code, loads it
    assert _use(tmp_path, notebook, generating=False).split() == ["True", "rejected"]
