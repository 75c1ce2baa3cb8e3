"""The warm server does once, after its first job, what every job would do again.

Each job is a fresh fork of the server: whatever a job initialises, every job paid again.
IPython's first traceback imports its formatting libraries and maps every loaded module to
its file (``inspect.getmodule``'s cache): ``runtime.capture.warm_tracebacks`` does both.
A job's first cell compiles the tokenizer's regular expressions (IPython tokenizes a cell
that may hold its syntax), imports ``bdb`` (IPython's ``run_code``) and builds the shell's
session logger: ``runtime.capture.warm_first_cell`` does those. Then
``runtime.server.settle_heap`` collects and freezes the heap, so that a job's collections
walk only its own objects. Each case runs in a fresh interpreter, as the sandbox's server
does, so that nothing of pytest's is cached.
"""

from __future__ import annotations

from fresh import run_fresh

_PREAMBLE = (
    "import inspect, linecache, sys, tokenize\n"
    "from runtime.capture import CellCapture, make_shell, warm_first_cell, warm_tracebacks\n"
    "import json\n"  # a module loaded before the warm-up, as the server's preloads are
    "shell = make_shell()\n"
    "CELL = 'def f(x):\\n    return 1 / x\\nf(0)\\n'\n"
    "linecache.cache['<cell>'] = (len(CELL), None, CELL.splitlines(True), '<cell>')\n"
    "def error_text():\n"  # as IPython's compiler does, the cell's source is in linecache
    "    capture = CellCapture(shell, 10_000)\n"
    "    try:\n"
    "        exec(compile(CELL, '<cell>', 'exec'), {})\n"
    "    except ZeroDivisionError:\n"
    "        capture.add_error(*sys.exc_info())\n"
    "    return '\\n'.join(capture.outputs[0]['traceback'])\n"
)


def _run(code: str) -> list[str]:
    return run_fresh(_PREAMBLE + code, runtime=True).splitlines()


def test_the_warm_up_loads_the_formatter_and_maps_the_loaded_modules_once() -> None:
    out = _run(
        "print('stack_data' in sys.modules, 'json' in inspect._filesbymodname)\n"
        "warm_tracebacks(shell)\n"
        "print('stack_data' in sys.modules, 'json' in inspect._filesbymodname)\n"
        "print(shell.InteractiveTB.tb is None)\n")  # the warm-up's traceback is not kept
    assert out == ["False False", "True True", "True"]


def test_a_job_s_traceback_reads_the_same_with_or_without_the_warm_up() -> None:
    out = _run(
        "import os\n"
        "cold = error_text()\n"
        "warm_tracebacks(shell)\n"
        "warm = error_text()\n"
        "print(cold == warm, 'ZeroDivisionError' in warm, 'return 1 / x' in warm)\n")
    assert out == ["True True True"]


_FIRST_CELL = ("def state():\n"
               "    return (tokenize._compile.cache_info().currsize > 0, 'bdb' in sys.modules,\n"
               "            shell._logger is not None)\n")


def test_the_first_cell_s_warm_up_compiles_the_tokenizer_imports_bdb_builds_the_logger(
) -> None:
    assert _run(_FIRST_CELL + "print(state())\nwarm_first_cell(shell)\nprint(state())") == [
        "(False, False, False)", "(True, True, True)"]


def test_the_first_cell_s_warm_up_leaves_the_shell_as_a_job_finds_it() -> None:
    out = _run(
        "before = (shell.execution_count, dict(shell.user_ns), shell.logger.log_active)\n"
        "warm_first_cell(shell)\n"
        "after = (shell.execution_count, dict(shell.user_ns), shell.logger.log_active)\n"
        "print(before == after, after[2])\n"
        "print(repr(shell.transform_cell('%time x = 1\\n')))\n")  # IPython syntax still works
    assert out == ["True False", repr("get_ipython().run_line_magic('time', 'x = 1')\n")]


def test_after_the_warm_ups_a_forked_job_s_collections_walk_only_its_own_objects() -> None:
    out = _run(
        "import gc, os\n"
        "from runtime.server import settle_heap\n"
        "warm_tracebacks(shell)\n"
        "warm_first_cell(shell)\n"
        "before = len(gc.get_objects())\n"
        "settle_heap()\n"
        "r, w = os.pipe()\n"
        "if os.fork() == 0:\n"  # a job: what its collections would walk
        "    mine = [[i] for i in range(100)]\n"
        "    os.write(w, str(len(gc.get_objects())).encode())\n"
        "    os._exit(0)\n"
        "os.wait()\n"
        "walked = int(os.read(r, 100))\n"
        "print(before > 20_000, 100 <= walked < 1_000, gc.get_freeze_count() >= before // 2)\n")
    assert out == ["True True True"]
