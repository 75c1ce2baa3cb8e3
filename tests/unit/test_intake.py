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
    # found by tests/e2e/test_fuzz.py: each used to escape intake as another exception
    (b'{"nbformat": 4, "points": ' + b"9" * 5000 + b"}", "not valid JSON"),  # ValueError
    (json.dumps({"nbformat": 4.0, "nbformat_minor": 5, "cells": [], "metadata": {}}).encode(),
     "nbformat 4.0"),
    (json.dumps({"nbformat": 4, "nbformat_minor": "5", "cells": [], "metadata": {}}).encode(),
     "validation \\(AssertionError"),  # nbformat's message is empty: it was an IndexError
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "\ud800"}]}).encode(),
     "lone surrogate"),  # passed intake, then writing the autograded notebook raised
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


def many_cells_notebook(cells: int, outputs: int = 0) -> bytes:
    """A valid nbformat 4 notebook of ``cells`` markdown cells and one code cell of outputs."""
    out = [{"output_type": "stream", "name": "stdout", "text": "x"}] * outputs
    body = [{"cell_type": "markdown", "id": f"m{i}", "metadata": {}, "source": "x"}
            for i in range(cells)]
    body.append({"cell_type": "code", "id": "c", "metadata": {}, "source": "",
                 "execution_count": None, "outputs": out})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": body}).encode()


def test_a_notebook_of_100000_cells_is_refused_before_validation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_validation(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated a notebook over the cell limit")

    monkeypatch.setattr(nbformat, "validate", no_validation)
    path = write(tmp_path, many_cells_notebook(100_000))
    assert path.stat().st_size > 7 * 2**20
    with pytest.raises(Ungradable, match=r"100001 cells, over the limit of 5000 cells "
                                         r"\(c\.MMLGrader\.max_cells\)"):
        read_notebook(path, 20 * 2**20)


def test_the_cell_and_output_limits_are_the_callers(tmp_path: Path) -> None:
    assert len(read_notebook(write(tmp_path, many_cells_notebook(9)), 2**20, 10).cells) == 10
    with pytest.raises(Ungradable, match="11 cells, over the limit of 10 cells"):
        read_notebook(write(tmp_path, many_cells_notebook(10)), 2**20, 10)
    with pytest.raises(Ungradable, match=r"11 outputs, over the limit of 10 outputs.*clear"):
        read_notebook(write(tmp_path, many_cells_notebook(1, outputs=11)), 2**20, 10)
