"""The process environment nbgrader expects, made explicit.

nbgrader's :class:`~nbgrader.api.Gradebook` shells out to the ``alembic`` command
when it creates a new database. When ``mml`` is run by path (``.venv/bin/mml``)
without activating the virtual environment, the environment's ``bin/`` is not on
``PATH`` and that call fails. :func:`ensure_tools_on_path` fixes this; the CLI
calls it at start, and every module that touches nbgrader calls it first.

:func:`defer_nbgrader_init`, also called by the CLI at start, keeps the gradebook's
import from paying for nbgrader's Jupyter server extensions and setuptools' archive
helpers, which no ``mml`` command uses (about 1 s of CPU in a one-student regrade), nor
for its JupyterHub authentication plugin (``requests``, about 0.13 s), which only a course
configured for JupyterHub uses.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

__all__ = ["defer_nbgrader_init", "ensure_tools_on_path"]


def ensure_tools_on_path() -> None:
    """Prepend the running interpreter's directory to ``PATH`` if it is missing.

    Idempotent: calling it again leaves ``PATH`` unchanged.
    """
    tools = os.path.dirname(sys.executable)
    entries = os.environ.get("PATH", "").split(os.pathsep)
    if tools not in entries:
        os.environ["PATH"] = os.pathsep.join([tools, *[e for e in entries if e]])


def defer_nbgrader_init() -> None:
    """Let ``import nbgrader.api`` (and its siblings) skip nbgrader's package ``__init__``.

    nbgrader's ``__init__`` imports its four Jupyter server extensions (jupyter_server,
    nbconvert, the exchange, formgrader's handlers): about 1 s of CPU in every ``mml``
    command that touches the gradebook, for code the command never runs. This registers
    the package's module object without running its ``__init__``, so ``nbgrader.api``,
    ``nbgrader.converters`` and the rest import as usual (a submodule needs only the
    package's ``__path__``). The first access to any other attribute of the package
    (``nbgrader.__version__``, a server extension's hook) runs the real ``__init__`` on
    that same module object, so nothing is ever missing. Does nothing when nbgrader is
    already imported or not installed; the CLI calls it first, before any import of it.
    """
    if "nbgrader" in sys.modules:
        return
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def complete(name: str) -> Any:
        """A submodule (``from nbgrader import api``), else run the real ``__init__`` once."""
        if importlib.util.find_spec(f"nbgrader.{name}") is not None:
            return importlib.import_module(f"nbgrader.{name}")
        del module.__dict__["__getattr__"]
        loader.exec_module(module)
        return getattr(module, name)

    module.__dict__["__getattr__"] = complete
    sys.modules["nbgrader"] = module
    _defer_archive_util()
    _defer_auth_init(module)


#: What ``nbgrader.auth`` exports from its ``base`` module (the rest needs its ``__init__``).
_AUTH_BASE = ("Authenticator", "BaseAuthPlugin", "NoAuthPlugin")


def _defer_auth_init(parent: ModuleType) -> None:
    """Let ``nbgrader.api`` import ``nbgrader.auth.Authenticator`` without the JupyterHub plugin.

    ``nbgrader.auth``'s ``__init__`` imports ``JupyterHubAuthPlugin``, and with it
    ``requests`` (about 0.13 s of CPU), although ``nbgrader.api`` only takes
    ``Authenticator`` from it. As for the package (:func:`defer_nbgrader_init`), the module
    is registered without running its ``__init__``: the three names of ``auth.base`` come
    from there (the same class objects), a submodule imports as usual, and any other name
    (``JupyterHubAuthPlugin``, named by a course configured for JupyterHub, ``__all__``)
    runs the real ``__init__`` on that same module object first.
    """
    name = "nbgrader.auth"
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def complete(attr: str) -> Any:
        """A name of ``auth.base``, a submodule, else run the real ``__init__`` once."""
        if attr in _AUTH_BASE:
            return getattr(importlib.import_module(f"{name}.base"), attr)
        if not attr.startswith("__") and importlib.util.find_spec(f"{name}.{attr}") is not None:
            return importlib.import_module(f"{name}.{attr}")
        module.__dict__.pop("__getattr__", None)
        loader.exec_module(module)
        return getattr(module, attr)

    module.__dict__["__getattr__"] = complete
    sys.modules[name] = module
    parent.__dict__["auth"] = module


_ARCHIVE_UTIL = "setuptools.archive_util"


def _defer_archive_util() -> None:
    """Let ``nbgrader.utils`` import without setuptools' ``archive_util`` until it unzips.

    ``nbgrader.utils`` (which ``nbgrader.api`` imports) takes three functions from
    ``setuptools.archive_util`` at import, for ``nbgrader zip_collect`` only; that module
    imports ``pkg_resources``, which scans every installed distribution (about 0.2 s).
    A stand-in module provides the three names; the first call, or any other attribute,
    imports the real module in its place and delegates to it.
    """
    if _ARCHIVE_UTIL in sys.modules or importlib.util.find_spec("setuptools") is None:
        return
    stand_in = ModuleType(_ARCHIVE_UTIL)

    def real() -> ModuleType:
        if sys.modules.get(_ARCHIVE_UTIL) is stand_in:
            del sys.modules[_ARCHIVE_UTIL]
        return importlib.import_module(_ARCHIVE_UTIL)

    def delegate(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(real(), name)(*args, **kwargs)
        return call

    def other(name: str) -> Any:
        if name.startswith("__"):  # the import system probes __path__: not a use
            raise AttributeError(name)
        return getattr(real(), name)

    for name in ("unpack_archive", "unpack_tarfile", "unpack_zipfile"):
        setattr(stand_in, name, delegate(name))
    stand_in.__dict__["__getattr__"] = other
    sys.modules[_ARCHIVE_UTIL] = stand_in
