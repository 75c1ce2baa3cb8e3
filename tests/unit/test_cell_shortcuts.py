"""Two shortcuts of the sandbox's shell, each giving IPython's own answer for less work.

``runtime.capture.skip_plain_python`` returns a cell's lines untouched, untokenized, when
``may_transform`` says that none of IPython's token transforms (magics, shell escapes,
help, autocall escapes) can find its syntax in them. ``skip_async_check`` says that a cell
without ``await`` or ``async`` needs no event loop, without compiling it. These tests
compare each shortcut with IPython on every code cell of the course's notebooks and on
cells made to sit on the boundary, and check that the shortcut is taken where it should be.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fresh import run_fresh
from IPython.core.async_helpers import _should_be_async
from IPython.core.inputtransformer2 import TransformerManager

from graders.runtime.capture import may_transform, skip_async_check, skip_plain_python

REPO = Path(__file__).resolve().parents[2]

#: Cells on the boundary: IPython syntax in every position it is found, and plain Python
#: that looks like it (an operator ``%``, a ``!=``, a ``?`` in a string or a comment, a
#: ``/`` opening a continued line, separators that ``str.splitlines`` splits on).
_EDGE_CELLS = [
    "%time x = 1\n", "%%timeit\nx = 1\n", "!ls\n", "!!ls\n", "files = !ls\n",
    "a = %who_ls\n", "x?\n", "np.linalg??\n", "%time?\n", ",f a b\n", ";f a b\n",
    "/f 1 2\n", "  %time x = 1\n", "if True:\n    !echo hi\n", "def f():\n    x?\n",
    "\t/f 1\n", "\u00a0/f 1\n", "x = 1\x0c/f 2\n", "x = 1\r/f 2\n", "x = 1\\\n/f 2\n",
    "x = (1\n/ 2)\n", "x = (1\n, 2)\n", "s = '''\n/abc\n'''\n", "x = 1; /f 2\n",
    "x = 1 != 2\n", "s = 'what?'\n", "s = '%d' % 3\n", "y = 10 % 3\n", "# why?\nx = 1\n",
    "def f():\n    '''Docs?'''\n    return 1\n", ">>> x = 1\n", "In [1]: x = 1\n",
    "   x = 1\n   y = 2\n", "\n\nx = 1\n", "", "\n", "x = [1,\n,2]\n", "x = (\n",
    "def f(x):\n    return x @ x.T\n", "import numpy as np\nA = np.eye(3) / 2\n",
]


def _course_cells() -> list[str]:
    """Every code cell of the instructor's and the released notebooks."""
    cells = []
    for path in sorted([*REPO.glob("source/*/*.ipynb"), *REPO.glob("release/*/*.ipynb")]):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = cell["source"]
                cells.append(source if isinstance(source, str) else "".join(source))
    return cells


def _shortcut() -> TransformerManager:
    manager = TransformerManager()
    skip_plain_python(manager)
    return manager


def test_the_course_has_cells_of_both_kinds() -> None:
    cells = _course_cells()
    plain = [c for c in cells if not may_transform(c.splitlines(keepends=True))]
    assert len(cells) > 100 and 0 < len(plain) < len(cells)


@pytest.mark.parametrize("cell", [*_EDGE_CELLS, *_course_cells()])
def test_the_shortcut_transforms_every_cell_as_ipython_does(cell: str) -> None:
    assert _shortcut().transform_cell(cell) == TransformerManager().transform_cell(cell)


@pytest.mark.parametrize("cell", _EDGE_CELLS)
def test_a_cell_that_ipython_changes_is_never_called_plain(cell: str) -> None:
    lines = (cell if cell.endswith("\n") else cell + "\n").splitlines(keepends=True)
    if TransformerManager().do_token_transforms(list(lines)) != lines:
        assert may_transform(lines)


def test_ipython_syntax_is_still_transformed() -> None:
    manager = _shortcut()
    assert manager.transform_cell("%time x = 1\n") == (
        "get_ipython().run_line_magic('time', 'x = 1')\n")
    assert manager.transform_cell("files = !ls\n") == "files = get_ipython().getoutput('ls')\n"
    assert "pinfo" in manager.transform_cell("x?\n")


def test_a_plain_cell_is_not_tokenized_and_one_that_may_not_be_plain_is() -> None:
    manager, seen = TransformerManager(), []
    transform = manager.do_token_transforms
    manager.do_token_transforms = (  # type: ignore[method-assign]
        lambda lines: seen.append(lines) or transform(lines))
    skip_plain_python(manager)
    manager.transform_cell("def f(x):\n    return 2 * x\n")
    assert seen == []
    manager.transform_cell("x = 1 != 2\n")
    assert seen == [["x = 1 != 2\n"]]


def test_the_sandbox_s_shell_takes_the_shortcut() -> None:
    out = run_fresh(
        "import tokenize\n"
        "from runtime.capture import make_shell\n"
        "shell = make_shell()\n"
        "shell.transform_cell('x = 1\\n')\n"
        "print(tokenize._compile.cache_info().currsize)\n"
        "shell.transform_cell('x = 1 != 2\\n')\n"
        "print(tokenize._compile.cache_info().currsize > 0)\n", runtime=True)
    assert out.splitlines() == ["0", "True"]


#: Cells a coroutine or not, around the words the shortcut looks for.
_ASYNC_CELLS = [
    "import asyncio\nawait asyncio.sleep(0)\n", "async with lock:\n    pass\n",
    "async for x in xs:\n    pass\n", "async def f():\n    await g()\n",
    "def f():\n    await g()\n", "x = [await g() for g in gs]\n", "await = 1\n",
    "\uff41\uff57\uff41\uff49\uff54 g()\n", "s = 'await'\n", "return 1\n", "x = (\n", "",
]


class _Shell:
    """IPython's check (``should_run_async`` with autoawait on), counting its calls."""

    def __init__(self) -> None:
        self.checked: list[str | None] = []

    def should_run_async(self, raw_cell: str, *, transformed_cell: str | None = None,
                         preprocessing_exc_tuple: object = None) -> bool:
        self.checked.append(transformed_cell)
        return _should_be_async(transformed_cell or "")


@pytest.mark.parametrize("cell", [*_ASYNC_CELLS, *_course_cells()])
def test_the_async_shortcut_answers_as_ipython_does(cell: str) -> None:
    shell = _Shell()
    skip_async_check(shell)  # type: ignore[arg-type]
    assert shell.should_run_async(cell, transformed_cell=cell) == _should_be_async(cell)


def test_only_a_cell_with_await_or_async_is_compiled_to_check() -> None:
    shell = _Shell()
    skip_async_check(shell)  # type: ignore[arg-type]
    for cell in ("x = 1\n", "s = 'await'\n", "async def f():\n    pass\n"):
        shell.should_run_async(cell, transformed_cell=cell)
    assert shell.checked == ["s = 'await'\n", "async def f():\n    pass\n"]


def test_the_sandbox_s_shell_still_runs_top_level_await() -> None:
    out = run_fresh(
        "from runtime.capture import make_shell\n"
        "shell = make_shell()\n"
        "shell.run_cell('import asyncio\\nawait asyncio.sleep(0)\\nx = 2\\n')\n"
        "shell.run_cell('y = x + 1\\n')\n"
        "print(shell.user_ns['y'])\n", runtime=True)
    assert out.splitlines() == ["3"]
