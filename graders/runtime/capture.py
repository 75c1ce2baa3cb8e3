"""An in-process IPython shell whose cell outputs are captured as nbformat-style dicts.

Outputs are capped (``output_cap`` bytes per cell): a student printing 10⁸ lines
or displaying a 500 MB image keeps only the first bytes and a note. Nothing here
decides a grade: outputs are only shown to the TA in the autograded notebook.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config


class _CappedStream:
    """A text stream that keeps at most ``cap`` characters and counts the rest."""

    def __init__(self, name: str, sink: CellCapture) -> None:
        self.name = name
        self.sink = sink

    def write(self, text: Any) -> int:
        self.sink.add_text(self.name, str(text))
        return len(str(text))

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class CellCapture:
    """Collects one cell's outputs; a context manager that swaps the streams and hooks."""

    current: CellCapture | None = None

    def __init__(self, shell: InteractiveShell, cap: int) -> None:
        self.shell = shell
        self.cap = cap
        self.used = 0
        self.truncated = False
        self.outputs: list[dict[str, Any]] = []
        self.error = False

    def _room(self, size: int) -> bool:
        if self.used + size > self.cap:
            self.truncated = True
            return False
        self.used += size
        return True

    def add_text(self, name: str, text: str) -> None:
        """Append stream text, merged with the previous chunk of the same stream, capped."""
        room = self.cap - self.used
        if room <= 0:
            self.truncated = True
            return
        text = text[:room]
        self.used += len(text)
        if self.outputs and self.outputs[-1].get("name") == name:
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def add_data(self, kind: str, data: dict[str, Any], count: int | None = None) -> None:
        """Append a display_data or execute_result output if it fits in the cap."""
        data = {k: v for k, v in data.items() if isinstance(k, str)}
        size = sum(len(str(v)) for v in data.values())
        if not self._room(size):
            return
        out: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            out["execution_count"] = count
        self.outputs.append(out)

    def add_error(self, etype: Any, value: Any, tb: Any) -> None:
        """Append the traceback of an exception raised by the cell and mark the cell failed."""
        self.error = True
        try:
            lines = self.shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=1)
        except Exception:
            lines = traceback.format_exception(etype, value, tb)
        text = "\n".join(line.rstrip("\n") for line in lines)[-4000:]
        if self._room(len(text)):
            self.outputs.append({"output_type": "error", "ename": getattr(etype, "__name__", "?"),
                                 "evalue": str(value)[:500], "traceback": text.splitlines()})

    def __enter__(self) -> CellCapture:
        self.saved = (sys.stdout, sys.stderr)
        sys.stdout = _CappedStream("stdout", self)
        sys.stderr = _CappedStream("stderr", self)
        CellCapture.current = self
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self.saved
        CellCapture.current = None
        if self.truncated:
            self.outputs.append({"output_type": "stream", "name": "stderr",
                                 "text": f"\n[output truncated: the output limit of "
                                         f"{self.cap / 1024:g} KiB per cell was reached "
                                         "(c.MMLGrader.output_cap_kb)]\n"})


class _Publisher(DisplayPublisher):
    def publish(self, data: Any, metadata: Any = None, source: Any = None, *,
                transient: Any = None, update: Any = None, **kwargs: Any) -> None:
        """Keep a rich display (images, HTML) as a display_data output of the current cell."""
        if CellCapture.current is not None and isinstance(data, dict):
            CellCapture.current.add_data("display_data", data)


class _Hook(DisplayHook):
    def __call__(self, result: Any = None) -> None:
        if result is None or CellCapture.current is None:
            return
        try:
            text = repr(result)[:10000]
        except Exception as exc:
            text = f"<repr failed: {type(exc).__name__}>"
        count = self.shell.execution_count if self.shell is not None else None
        CellCapture.current.add_data("execute_result", {"text/plain": text}, count)


def _no_history() -> Config:
    """Configuration of a shell that never opens a history database.

    Set through the configuration, not on the built shell: ``instance()`` opens
    ``history.sqlite`` while it builds the shell, and the warm server's children would
    all inherit that descriptor (one student wrote to it, the next read it back).
    """
    config = Config()
    config.HistoryManager.enabled = False
    config.HistoryManager.hist_file = ":memory:"
    return config


#: What each of IPython's token transforms needs in a cell: a ``%`` (magics), a ``!``
#: (shell escapes), a ``?`` (help), or a line opening with ``,``, ``;`` or ``/`` (autocall
#: escapes). ``IPython/core/inputtransformer2.py``: MagicAssign, SystemAssign, HelpEnd and
#: EscapedCommand (``ESCAPE_SINGLES``) find nothing else.
_ESCAPES = frozenset("%!?")
_LINE_ESCAPE = re.compile(r"\s*[,;/]")


def may_transform(lines: list[str]) -> bool:
    """Whether IPython's token transforms could change ``lines`` (a cell split by line).

    False only when no transform can find its syntax: no ``%``, ``!`` or ``?`` anywhere,
    and no line (as the tokenizer is given them) whose first character after any
    whitespace is ``,``, ``;`` or ``/``. A superset of what the transforms look for: a
    ``!=`` or a ``?`` inside a string says True, and the transforms then look properly.
    """
    return (any(not _ESCAPES.isdisjoint(line) for line in lines)
            or any(_LINE_ESCAPE.match(line) for line in lines))


def skip_plain_python(manager: TransformerManager) -> None:
    """Let ``manager`` (a shell's) transform a cell without IPython syntax untokenized.

    IPython tokenizes every cell, whole, to look for its own syntax (``%magic``,
    ``!cmd``, ``obj?``): about 0.4 ms of CPU per cell, a fifth of a small cell's run.
    Where :func:`may_transform` says no transform can apply, the lines are returned
    as the transforms would return them: unchanged. Any other cell goes through
    IPython's own transforms, as before (``tests/unit/test_cell_shortcuts.py``
    compares both on every notebook of the course).
    """
    transform: Callable[[list[str]], list[str]] = manager.do_token_transforms

    def do_token_transforms(lines: list[str]) -> list[str]:
        return transform(lines) if may_transform(lines) else lines

    manager.do_token_transforms = do_token_transforms  # type: ignore[method-assign]


def skip_async_check(shell: InteractiveShell) -> None:
    """Let ``shell`` run a cell without ``await`` or ``async`` without compiling it first.

    Before each cell IPython compiles it whole, allowing top-level ``await``, only to
    learn whether it needs an event loop (``should_run_async``): about 0.12 ms of CPU per
    cell, then it compiles the cell again to run it. Only ``await``, ``async for`` and
    ``async with`` make a cell a coroutine, so a cell with neither word needs none, and
    IPython's own check would say so; any other cell is checked by IPython as before.
    """
    check = shell.should_run_async

    def should_run_async(raw_cell: str, *, transformed_cell: str | None = None,
                         preprocessing_exc_tuple: Any = None) -> bool:
        if (transformed_cell is not None and "await" not in transformed_cell
                and "async" not in transformed_cell):
            return False
        return bool(check(raw_cell, transformed_cell=transformed_cell,
                          preprocessing_exc_tuple=preprocessing_exc_tuple))

    shell.should_run_async = should_run_async  # type: ignore[method-assign]


def make_shell() -> InteractiveShell:
    """Create the shell the notebook runs in, with capturing hooks and no history file."""
    shell = InteractiveShell.instance(config=_no_history(), history_length=0,
                                      colors="NoColor")
    skip_plain_python(shell.input_transformer_manager)
    skip_async_check(shell)
    shell.display_pub = _Publisher(shell=shell)  # type: ignore[no-untyped-call]
    shell.displayhook = _Hook(shell=shell)  # type: ignore[no-untyped-call]
    shell.display_trap.hook = shell.displayhook

    def showtraceback(*args: Any, **kwargs: Any) -> None:
        if CellCapture.current is not None:
            CellCapture.current.add_error(*sys.exc_info())

    shell.showtraceback = showtraceback  # type: ignore[method-assign]
    shell.showsyntaxerror = showtraceback  # type: ignore[method-assign]
    return shell


def warm_tracebacks(shell: InteractiveShell) -> None:
    """Format one traceback with ``shell`` now, so that the jobs forked later need not.

    IPython's first traceback imports its formatting libraries (stack_data, executing)
    and maps every loaded module to its file (``inspect.getmodule`` resolves the path of
    each module of ``sys.modules``, then caches the map). The warm server calls this once
    after its preloads, before any job: each job inherits both, and maps only the modules
    it imports itself. Nothing of the warm-up is kept (the formatter's last traceback is
    dropped), so a job's shell is as it was.
    """
    try:
        exec(compile("1 / 0", "<warm-up>", "exec"), {})
    except ZeroDivisionError as exc:
        shell.InteractiveTB.structured_traceback(type(exc), exc, exc.__traceback__)
        exc.__traceback__ = None
    shell.InteractiveTB.tb = None


#: Tokenized whole by :func:`warm_first_cell` (its ``!=`` says it may hold IPython syntax):
#: the tokenizer's patterns for any token, and for each kind of triple-quoted string.
_WARM_CELL = 'x = 1 != 2\ny = """\n"""\nz = \'\'\'\n\'\'\'\n'


def warm_first_cell(shell: InteractiveShell) -> None:
    """Do once, in the server, what every job's first cell would otherwise do again.

    IPython tokenizes a cell that may hold its syntax to transform it (one with a ``!=``,
    say: :func:`may_transform`), and the standard library's tokenizer compiles its
    regular expressions at their first use (a triple-quoted string, a docstring, has its
    own); the first cell also imports ``bdb`` (``run_code``) and builds the shell's
    session logger (``shell.logger``). Each job, a fresh fork of the server, paid all
    three: about 4 ms of CPU, a third of a one-cell job's executor (10.3 against 6.3 ms,
    median of 25, outside the sandbox). None of it is the student's: transforming a cell
    changes no state of the shell, and the logger stays off (``%logstart`` turns it on),
    as it would in the job.
    """
    shell.transform_cell(_WARM_CELL)
    import bdb  # noqa: F401  (IPython's run_code imports it at every cell)

    shell.logger  # noqa: B018  (a property that builds it once)
