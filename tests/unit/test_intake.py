"""Intake: malformed and hostile notebook files become 'ungradable' with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from notebooks import source_notebook

from graders.errors import Ungradable
from graders.pipeline.intake import find_notebook, read_notebook


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "a.ipynb"
    path.write_bytes(content)
    return path


def test_valid_notebook_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    nbformat.write(source_notebook(), str(path))
    assert len(read_notebook(path, 2**20).cells) == 7


@pytest.mark.parametrize(("content", "reason"), [
    (b"this is not json", "not valid JSON"),
    (b"\xef\xbb\xbf{}", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON|nested"),
    (json.dumps({"nbformat": 99, "nbformat_minor": 0, "cells": [], "metadata": {}}).encode(),
     "nbformat 99"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                 "cells": [{"cell_type": "alien", "source": "", "metadata": {}}]}).encode(),
     "validation"),
])
def test_malformed_notebooks_are_ungradable(tmp_path: Path, content: bytes, reason: str) -> None:
    with pytest.raises(Ungradable, match=reason):
        read_notebook(write(tmp_path, content), 2**30)


def test_deep_nesting_inside_metadata_is_refused(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    deep: dict[str, object] = {}
    node = deep
    for _ in range(200):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    nb.metadata["deep"] = deep
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(Ungradable, match="nested deeper"):
        read_notebook(path, 2**30)


def test_size_cap(tmp_path: Path) -> None:
    with pytest.raises(Ungradable, match="over the"):
        read_notebook(write(tmp_path, b" " * 2000), 1000)


def test_missing_renamed_and_symlinked_notebooks(tmp_path: Path) -> None:
    with pytest.raises(Ungradable, match="no submission folder"):
        find_notebook(tmp_path / "nope", "ps1")
    (tmp_path / "other.ipynb").write_text("{}")
    with pytest.raises(Ungradable, match=r"found: other\.ipynb"):
        find_notebook(tmp_path, "ps1")
    (tmp_path / "ps1.ipynb").symlink_to("/etc/passwd")
    with pytest.raises(Ungradable, match="symbolic link"):
        find_notebook(tmp_path, "ps1")
