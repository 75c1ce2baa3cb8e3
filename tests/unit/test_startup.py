"""What `mml grade` skips at start-up, and that skipping it changes nothing but the time.

A regrade of one student is mostly start-up: nbgrader's import in the coordinator, the
task modules and the warm sandbox's imports in the worker. These tests hold the
shortcuts to their contracts: nbgrader's package ``__init__`` (and its JupyterHub plugin)
deferred yet complete on demand, one assignment's checks discovered without the others yet
every other check still found, the grading pipeline (and numpy) left to a single worker,
the warm server preloading only what the notebooks import,
jsonschema's format checkers left out where nbformat's schemas use none, numpy's tool
submodules left out of scipy's import yet imported on demand, and ``mml grade`` ending
without Python's teardown yet with all its output delivered.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from fresh import run_fresh

from graders.batch.pool import notebook_imports
from graders.commands.cli import SKIPPED_FORMAT_MODULES
from graders.pipeline.source import SourceCell, SourceSpec
from graders.sandbox.base import Limits
from graders.sandbox.warm import WarmBwrapSandbox

#: What ``mml`` does first in its own processes (``_skip_format_checkers`` in
#: graders/commands/cli.py): jsonschema's optional format checkers are marked absent. Without
#: it, a fresh interpreter's ``import nbformat`` spends 1.6 s building their parsers.
_AS_MML = ("import sys\n"
           f"for _name in {SKIPPED_FORMAT_MODULES!r}:\n"
           "    sys.modules.setdefault(_name, None)\n")


def _run(code: str, *, as_mml: bool = True) -> str:
    """Run ``code`` in a fresh interpreter (the registries and sys.modules start empty), as
    in ``mml``'s processes unless ``as_mml`` is False (see :data:`_AS_MML`)."""
    return run_fresh((_AS_MML if as_mml else "") + code).strip()


def test_deferred_nbgrader_init_imports_the_api_without_the_server_extensions() -> None:
    out = _run(
        "import sys\n"
        "from graders.nbgrader_io.env import defer_nbgrader_init\n"
        "defer_nbgrader_init()\n"
        "from nbgrader import api\n"
        "from nbgrader.api import Gradebook\n"
        "assert Gradebook is api.Gradebook\n"
        "print('extensions' if 'nbgrader.server_extensions' in sys.modules else 'none')\n"
        "import nbgrader\n"
        "from nbgrader._version import __version__\n"
        "assert nbgrader.__version__ == __version__\n"  # the real __init__, run on demand
        "assert nbgrader._jupyter_server_extension_points() == [{'module': 'nbgrader'}]\n"
        "print('extensions' if 'nbgrader.server_extensions' in sys.modules else 'none')\n")
    assert out.split() == ["none", "extensions"]


def test_nbgrader_unzips_through_the_deferred_archive_util(tmp_path: Path) -> None:
    archive, dest = tmp_path / "a.zip", tmp_path / "out"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("x/y.txt", "hello")
    dest.mkdir()
    out = _run(
        "import sys\n"
        "from graders.nbgrader_io.env import defer_nbgrader_init\n"
        "defer_nbgrader_init()\n"
        "import nbgrader.api, nbgrader.utils\n"
        "print('pkg_resources' in sys.modules)\n"  # setuptools' scan of distributions
        f"nbgrader.utils.unzip({str(archive)!r}, {str(dest)!r})\n"  # the real one, on use
        "print('pkg_resources' in sys.modules)\n")
    assert out.split() == ["False", "True"]
    assert (dest / "x" / "y.txt").read_text() == "hello"


def test_the_gradebook_imports_without_the_jupyterhub_plugin_which_still_loads_on_demand() -> None:
    out = _run(
        "import sys\n"
        "from graders.nbgrader_io.env import defer_nbgrader_init\n"
        "defer_nbgrader_init()\n"
        "from nbgrader import api\n"
        "import nbgrader.auth.base as base\n"
        "assert api.Authenticator is base.Authenticator\n"
        "print('requests' in sys.modules, 'nbgrader.auth.jupyterhub' in sys.modules)\n"
        "from traitlets.utils.importstring import import_item\n"  # how a config names it
        "plugin = import_item('nbgrader.auth.JupyterHubAuthPlugin')\n"
        "assert issubclass(plugin, base.BaseAuthPlugin)\n"
        "import nbgrader.auth\n"
        "assert nbgrader.auth.NoAuthPlugin is base.NoAuthPlugin\n"
        "print(sorted(nbgrader.auth.__all__))\n")  # the real __init__ ran
    assert out.splitlines() == ["False False", "['Authenticator', 'BaseAuthPlugin', "
                                "'JupyterHubAuthPlugin', 'NoAuthPlugin']"]


def test_a_quick_exit_delivers_everything_printed_before_it() -> None:
    # Through a pipe (block-buffered): what a TA's shell or a CI log captures.
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys\n"
         "from graders.commands.cli import _quick_exit\n"
         "print('x' * 100_000)\n"
         "print('last line', file=sys.stderr)\n"
         "_quick_exit()\n"
         "print('never')\n"],
        capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "x" * 100_000 + "\n"
    assert proc.stderr == "last line\n"


def test_one_assignments_discovery_registers_its_checks_and_still_finds_the_others() -> None:
    out = _run(
        "from graders import checks\n"
        "checks.discover_assignment('ps1_linear_algebra')\n"
        "print(sorted({i.split('.')[0] for i in checks._REGISTRY}))\n"
        "print(checks.get_check('linear_algebra.solve').id)\n"
        "print(checks.get_check('statistics.gaussian_mle').id)\n")  # ps6's: full discovery
    assert out.splitlines() == ["['linear_algebra']", "linear_algebra.solve",
                                "statistics.gaussian_mle"]


def test_discovering_an_assignment_without_content_registers_nothing() -> None:
    assert _run("from graders import checks\n"
                "checks.discover_assignment('ps1')\n"  # nbgrader's quickstart: plain asserts
                "print(len(checks._REGISTRY))") == "0"


_DEFERRED_LOADED = ("import sys\n"
                    "from graders.runtime.lazy import DEFERRED, defer_numpy_tools\n"
                    "def loaded():\n"
                    "    return [n for n in DEFERRED if n in sys.modules]\n")


def test_scipy_imports_numpy_s_tool_submodules_unless_they_are_deferred() -> None:
    out = _run(_DEFERRED_LOADED + "import scipy.linalg\nprint(len(loaded()))")
    assert out == "3"  # why deferring pays: scipy's `from numpy import *` imports them all
    out = _run(_DEFERRED_LOADED + "import numpy\ndefer_numpy_tools()\n"
                                  "import scipy.linalg\nprint(loaded())")
    assert out == "[]"


def test_a_worker_s_discovery_defers_them_before_its_task_modules_import_scipy() -> None:
    out = _run(_DEFERRED_LOADED + "from graders import checks\n"
                                  "checks.discover_assignment('ps1_linear_algebra')\n"
                                  "print('scipy.linalg' in sys.modules, loaded())")
    assert out == "True []"


_JUDGE_EVERY_CHECK = """
import numpy
defer_numpy_tools()
from graders import checks
from graders.authoring import run_inprocess
verdicts = [v for assignment in checks.task_modules() for task in checks.tasks(assignment)
            for spec in task.checks if spec.reference and spec.answer == "function"
            for v in run_inprocess(spec.reference, spec.id)]
print(len(verdicts) > 400 and all(v.passed for v in verdicts), loaded())
"""


def test_grading_uses_none_of_the_deferred_modules() -> None:
    """Every check's reference output judged: a deferred module used here would be
    imported in the first judge, after the job, on a regrade's path (runtime/lazy.py)."""
    assert _run(_DEFERRED_LOADED + _JUDGE_EVERY_CHECK) == "True []"


def test_a_deferred_module_is_the_real_one_at_its_first_use_however_it_is_reached() -> None:
    out = _run(
        _DEFERRED_LOADED + "import numpy as np\n"
        "defer_numpy_tools(('numpy.polynomial', 'numpy.ma', 'numpy.testing', "
        "'numpy.ctypeslib'))\n"
        "stand_in = np.polynomial\n"
        "import numpy.polynomial.polynomial as P\n"  # a submodule first: its package runs
        "print(P.polyval(2.0, [1.0, 1.0]), np.polynomial is sys.modules['numpy.polynomial'])\n"
        "print(stand_in.Polynomial is np.polynomial.Polynomial)\n"  # one module, not two
        "print(int(np.ma.masked_array([1, 2], [0, 1]).sum()), np.ma is sys.modules['numpy.ma'])\n"
        "from numpy.testing import assert_allclose\n"
        "assert_allclose(1.0, 1.0)\n"
        "try:\n"
        "    np.ctypeslib.no_such_name\n"
        "except AttributeError as exc:\n"
        "    print(exc)\n")
    assert out.splitlines() == ["3.0 True", "True", "1 True",
                                "module 'numpy.ctypeslib' has no attribute 'no_such_name'"]


def test_deferring_imports_nothing_and_leaves_imported_modules_alone() -> None:
    out = _run(_DEFERRED_LOADED + "defer_numpy_tools()\n"
                                  "print('numpy' in sys.modules)\n"  # numpy is not imported
                                  "import numpy.testing\n"
                                  "real = numpy.testing\n"
                                  "defer_numpy_tools()\n"
                                  "stand_in = numpy.f2py\n"
                                  "defer_numpy_tools()\n"  # again: the same stand-in
                                  "print(numpy.testing is real, numpy.f2py is stand_in, "
                                  "loaded())")
    assert out.splitlines() == ["False", "True True ['numpy.testing']"]


_POOL = f"""
import sys
from graders.batch.pool import WORKER_MODULES, worker_pool
from graders.config import load_course
course = load_course({str(Path(__file__).resolve().parents[2])!r})
def loaded():
    return [name in sys.modules for name in ("numpy", *WORKER_MODULES)]
"""


def test_the_coordinator_of_one_worker_imports_neither_the_pipeline_nor_numpy() -> None:
    """A regrade of one student: the worker imports them while its sandbox boots."""
    out = _run(_POOL + "import graders.commands.cli, graders.batch.runner\n"
                       "worker_pool(course, 1, 'ps1_linear_algebra').shutdown()\n"
                       "print(loaded())")
    assert out == "[False, False, False]"


def test_several_workers_share_the_pipeline_imported_before_they_are_forked() -> None:
    assert _run(_POOL + "worker_pool(course, 2).shutdown()\nprint(loaded())") == \
        "[True, True, True]"


def test_a_single_worker_imports_its_checks_as_it_starts_and_its_pipeline_to_grade() -> None:
    # the unsafe backend: a unit test starts no sandbox
    out = _run(_POOL + "from graders.config import load_course\n"
                       "course = load_course(course.root, sandbox='unsafe', allow_unsafe=True)\n"
                       "pool = worker_pool(course, 1, 'ps1_linear_algebra')\n"
                       "print(pool.submit(loaded).result(timeout=120), loaded())\n"
                       "pool.shutdown()")
    # in the worker: numpy and the checks (its start), not yet the pipeline (its first task)
    assert out == "[True, False, True] [False, False, False]"


def test_a_worker_keeps_value_answers_without_the_similarity_command() -> None:
    """Every job ends with the worker keeping its value answers (graders/similarity/values.py,
    on a regrade's path); the package around it imports nothing of ``mml similarity``'s
    detection, report or page (12 ms of the worker's work after the job)."""
    out = _run("import sys\n"
               "from graders.similarity.values import value_answers\n"
               "print(sorted(m for m in sys.modules if m.startswith('graders.similarity')))\n"
               "from graders.similarity.command import similarity\n"
               "print('graders.similarity.page' in sys.modules)\n")
    assert out.splitlines() == ["['graders.similarity', 'graders.similarity.values']", "True"]


def _spec(*sources: str) -> SourceSpec:
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    cells.append(nbformat.v4.new_markdown_cell("import matplotlib  # prose, not code"))
    return SourceSpec(Path("x.ipynb"), tuple(SourceCell(i, c, "", False, c.source, c.source)
                                             for i, c in enumerate(cells)))


def test_notebook_imports_names_the_top_level_packages_of_code_cells() -> None:
    spec = _spec("import numpy as np, scipy.linalg\n%matplotlib inline",
                 "def f():\n    from sklearn.linear_model import Ridge\n    import os.path",
                 "x = 'import this'  # not an import statement")
    assert notebook_imports([spec]) == ("numpy", "os", "scipy", "sklearn")
    assert notebook_imports([_spec("print(1)")]) == ()


def test_warm_server_is_told_the_imports_only_when_known() -> None:
    sandbox = WarmBwrapSandbox(Limits())
    root = Path("/nonexistent/mml-warm-1-x")
    base = sandbox._command(root)
    assert base[-1].isdigit()  # the CPU seconds: the server preloads all it knows
    sandbox.imports = ("numpy", "scipy")
    assert sandbox._command(root) == [*base, "numpy,scipy"]
    sandbox.imports = ()
    assert sandbox._command(root) == [*base, ""]  # no heavy module preloaded at all


def test_the_runtime_s_bytecode_is_written_where_the_sandbox_reads_it() -> None:
    import importlib.util

    from graders.sandbox.base import runtime_dir
    from graders.sandbox.warm import _compile_runtime

    _compile_runtime()
    for source in runtime_dir().rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.is_file(), cached
        # a timestamp .pyc records its source's mtime and size: the import takes it as is
        header = cached.read_bytes()[:16]
        flags = int.from_bytes(header[4:8], "little")
        if flags == 0:
            stat = source.stat()
            assert int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
            assert int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF


@pytest.mark.parametrize(("imports", "expected"), [
    (None, ["scipy.linalg", "matplotlib.pyplot"]),
    ("numpy,scipy", ["scipy.linalg"]),
    ("numpy,matplotlib,graders", ["matplotlib.pyplot"]),
    ("", []),
])
def test_server_preloads_only_modules_of_the_imported_packages(
        monkeypatch: pytest.MonkeyPatch, imports: str | None, expected: list[str]) -> None:
    from graders.runtime import server

    loaded: list[str] = []
    monkeypatch.setattr(server, "defer_numpy_tools", lambda names: loaded.append(str(names)))
    monkeypatch.setattr(server.importlib, "import_module", loaded.append)
    server._preload(imports)
    assert loaded == [str(server.SANDBOX_DEFERRED), *expected]  # deferred before scipy


def _format_keywords(schema: object, in_properties: bool = False) -> list[str]:
    """The ``format`` keywords of a JSON schema (a property *named* format is not one)."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "format" and not in_properties and isinstance(value, str):
                found.append(value)
            found += _format_keywords(value, in_properties=key in ("properties",
                                                                    "patternProperties"))
    elif isinstance(schema, list):
        for item in schema:
            found += _format_keywords(item)
    return found


def test_nbformat_s_schemas_check_no_format_so_skipping_the_checkers_changes_nothing() -> None:
    import json

    schemas = sorted(Path(nbformat.__file__).parent.rglob("*.schema.json"))
    assert len(schemas) >= 5  # v3 and every v4.x
    for path in schemas:
        assert _format_keywords(json.loads(path.read_text())) == [], path


def test_skipped_format_checkers_stay_unimported_and_notebooks_still_validate() -> None:
    out = _run(as_mml=False, code=
        "import sys\n"
        "from graders.commands.cli import SKIPPED_FORMAT_MODULES, _skip_format_checkers\n"
        "_skip_format_checkers()\n"
        "import nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid refused')\n"
        "print([m for m in SKIPPED_FORMAT_MODULES if sys.modules.get(m) is not None])\n")
    assert out.splitlines() == ["invalid refused", "[]"]


def test_the_batch_runner_imports_tqdm_only_for_a_bar_that_is_shown() -> None:
    out = _run(
        "import sys\n"
        "from graders.batch import runner\n"
        "print('tqdm' in sys.modules)\n"
        "runner._progress_bar(3, 'a', False).update(1)\n"
        "print('tqdm' in sys.modules)\n"
        "bar = runner._progress_bar(3, 'a', True)\n"
        "bar.update(3)\n"
        "bar.close()\n"
        "print('tqdm' in sys.modules, bar.n)\n")
    assert out.splitlines() == ["False", "False", "True 3"]
