"""numpy's tool submodules, imported when first used rather than with scipy.

``import scipy.linalg`` runs ``from numpy import *`` (in scipy's array-API layer), and
numpy's ``__all__`` names its submodules, so that one line imports every one of them:
the Fortran wrapper generator ``numpy.f2py`` (its parser, and charset_normalizer),
``numpy.testing`` (unittest), ``numpy.ma``, ``numpy.polynomial`` and ``numpy.ctypeslib``.
``import scipy.linalg`` after numpy took 0.34 s of CPU here (median of 5), 0.28 s with
f2py and testing deferred. Every grading worker imports scipy (the references use it),
and so does a warm server whose notebooks import it, on the path of a one-student regrade.

Where a process is to import scipy, :func:`defer_numpy_tools` first sets numpy's attribute
for each module it defers to a stand-in: an empty module whose ``__getattr__`` (PEP 562)
imports the real one at the first name asked of it and answers from there. Nothing is
in ``sys.modules`` until then, so ``import numpy.ma``, ``import numpy.polynomial.polynomial``
or ``from numpy.testing import assert_allclose`` import the real module the usual way (which
also makes it numpy's attribute again), and ``np.ma.masked_array(...)`` reached through a
stand-in gets the same real module: there is only ever one. Used inside the sandbox too
(by ``server.py``), so standard library only.

Only what is never used is deferred; a deferred module that is used costs the same import
later, on a worse path. scipy's functions use ``np.ma`` (every ``scipy.linalg`` call checks
for masked arrays) and ``np.polynomial`` when called, so the judge would import them after
the job: the grading worker defers f2py, testing and ctypeslib (:data:`DEFERRED`), and
``tests/unit/test_startup.py`` judges every check to hold it to that. The course's
notebooks use ``np.testing`` in their visible test cells, which run in the sandbox, where
each job would import it again: the server defers f2py alone (:data:`SANDBOX_DEFERRED`).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

__all__ = ["DEFERRED", "SANDBOX_DEFERRED", "defer_numpy_tools"]

#: numpy's submodules that ``from numpy import *`` imports and grading never uses.
DEFERRED = ("numpy.f2py", "numpy.testing", "numpy.ctypeslib")
#: Those that no student's notebook is expected to use either.
SANDBOX_DEFERRED = ("numpy.f2py",)


def defer_numpy_tools(names: tuple[str, ...] = DEFERRED) -> None:
    """Give numpy a stand-in for each module of ``names`` not yet imported.

    Does nothing before ``import numpy`` (a process that never imports it pays nothing)
    and leaves alone a module already imported, already given a stand-in (the worker calls
    this before each task module) or missing from this numpy.
    """
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return
    for name in names:
        attribute = name.rpartition(".")[2]
        if (name not in sys.modules and attribute not in vars(numpy)
                and importlib.util.find_spec(name) is not None):
            setattr(numpy, attribute, _stand_in(name))


def _stand_in(name: str) -> ModuleType:
    """An empty module that imports module ``name`` when asked for a name and answers from it."""
    module = ModuleType(name, f"Stands for {name}, imported at its first use (runtime/lazy.py).")

    def forward(attr: str) -> Any:
        return getattr(importlib.import_module(name), attr)

    module.__dict__["__getattr__"] = forward
    return module
