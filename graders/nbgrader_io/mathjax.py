"""MathJax inlined into a static page, so formulas render with no network.

The feedback pages (:mod:`graders.nbgrader_io.feedback`) are single files that a student
opens from disk or from nbgrader's exchange, often offline. They carry MathJax 2 from the
``jupyter-server-mathjax`` package (the copy the Jupyter server itself serves) as two
``data:`` scripts: the core and the combined TeX configuration. Output goes through the
browser's own MathML (MathJax's NativeMML output), which needs no web fonts; a browser
without MathML still shows the TeX source. ``data:`` URLs keep the script text out of the
HTML parser, so nothing in MathJax's source can end the script element early, and let the
page's Content-Security-Policy forbid inline scripts altogether (``script-src data:``).

nbgrader's own pages (``nbgrader generate_feedback``'s feedback files, formgrader's page of
a submission) call nbconvert's ``mathjax()`` template macro, which loads MathJax from a CDN
whatever ``HTMLExporter.mathjax_url`` says. The course's ``nbgrader_config.py`` puts
:data:`NBCONVERT_TEMPLATES` first among nbconvert's template folders, whose
``base/mathjax.html.j2`` replaces that macro with :func:`notebook_mathjax` (registered as
the ``mml_offline_mathjax`` filter): the same inlined copy, typesetting the whole page as
nbconvert's configuration does (with MathJax's Safe extension), so that no page a student
or a TA opens fetches anything from the network.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import json
from pathlib import Path

from graders.errors import ConfigError

__all__ = ["MATH_CLASS", "NBCONVERT_TEMPLATES", "NO_MATH_CLASS", "mathjax_head",
           "notebook_mathjax"]

#: Elements whose TeX MathJax typesets (the instructor's prompts).
MATH_CLASS = "tex2jax_process"
#: Elements MathJax must leave alone (everything derived from student output).
NO_MATH_CLASS = "tex2jax_ignore"

_CONFIG = {
    "root": "mathjax-inline",  # never fetched: every component the page needs is inlined
    "config": [], "jax": ["input/TeX", "output/NativeMML"], "extensions": ["tex2jax.js"],
    "tex2jax": {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "processEscapes": True,
                "ignoreClass": NO_MATH_CLASS, "processClass": MATH_CLASS},
    "menuSettings": {"renderer": "NativeMML"}, "showMathMenu": False, "messageStyle": "none",
    "MMLorHTML": {"prefer": dict.fromkeys(
        ("MSIE", "Firefox", "Opera", "Safari", "Chrome", "other"), "MML")},
}


#: nbconvert's configuration of nbgrader's pages (the CDN's ``TeX-AMS_CHTML-full,Safe``),
#: but inlined and with the browser's MathML as output, like :data:`_CONFIG`.
_NOTEBOOK_CONFIG = {
    **{k: v for k, v in _CONFIG.items() if k != "tex2jax"},
    "extensions": ["tex2jax.js", "Safe.js"],
    "TeX": {"equationNumbers": {"autoNumber": "AMS", "useLabelIds": True}},
    "tex2jax": {"inlineMath": [["$", "$"], ["\\(", "\\)"]],
                "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
                "processEscapes": True, "processEnvironments": True},
}


def _nbgrader_templates() -> str:
    """nbgrader's own template folder (formgrader's and the feedback's), found without import."""
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("nbgrader is not installed; reinstall the project (pip install -e .)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return str(root / "server_extensions" / "formgrader" / "templates")


#: ``c.HTMLExporter.extra_template_basedirs`` of the course: this package's templates (an
#: offline ``mathjax()`` macro) before nbgrader's, which formgrader and ``generate_feedback``
#: would otherwise set alone.
NBCONVERT_TEMPLATES = [str(Path(__file__).parent / "templates"), _nbgrader_templates()]


def _static() -> Path:
    """The MathJax files of the installed ``jupyter-server-mathjax`` package."""
    try:
        import jupyter_server_mathjax
    except ImportError as exc:
        raise ConfigError("the jupyter-server-mathjax package is missing; reinstall the project "
                          "(pip install -e .) to render formulas offline") from exc
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _data_script(source: bytes) -> str:
    """A ``<script>`` whose source is ``source``, as a base64 ``data:`` URL."""
    encoded = base64.b64encode(source).decode("ascii")
    return f'<script src="data:text/javascript;base64,{encoded}"></script>'


def _inlined(config: dict[str, object], *extensions: str) -> str:
    """The ``<head>`` scripts: ``config``, MathJax's core, ``extensions``, the TeX config."""
    static = _static()
    sources = [f"window.MathJax = {json.dumps(config)};".encode(),
               (static / "MathJax.js").read_bytes(),
               *((static / "extensions" / name).read_bytes() for name in extensions),
               (static / "config" / "TeX-AMS-MML_HTMLorMML-full.js").read_bytes()]
    return "\n".join(_data_script(source) for source in sources)


@functools.lru_cache(maxsize=1)
def notebook_mathjax(_: object = None) -> str:
    """The ``<head>`` scripts that typeset a whole nbconvert page offline (module docstring).

    A Jinja filter (``mml_offline_mathjax``) for ``templates/base/mathjax.html.j2``; its
    argument is ignored.
    """
    return _inlined(_NOTEBOOK_CONFIG, "Safe.js")


@functools.lru_cache(maxsize=1)
def mathjax_head() -> str:
    """The ``<head>`` scripts that typeset ``$...$`` inside :data:`MATH_CLASS` elements."""
    return _inlined(_CONFIG)
