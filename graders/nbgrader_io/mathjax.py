"""MathJax inlined into a static page, so formulas render with no network.

The feedback pages (:mod:`graders.nbgrader_io.feedback`) are single files that a student
opens from disk or from nbgrader's exchange, often offline. They carry MathJax 2 from the
``jupyter-server-mathjax`` package (the copy the Jupyter server itself serves) as two
``data:`` scripts: the core and the combined TeX configuration. Output goes through the
browser's own MathML (MathJax's NativeMML output), which needs no web fonts; a browser
without MathML still shows the TeX source. ``data:`` URLs keep the script text out of the
HTML parser, so nothing in MathJax's source can end the script element early, and let the
page's Content-Security-Policy forbid inline scripts altogether (``script-src data:``).
"""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path

from graders.errors import ConfigError

__all__ = ["MATH_CLASS", "NO_MATH_CLASS", "mathjax_head"]

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


@functools.lru_cache(maxsize=1)
def mathjax_head() -> str:
    """The ``<head>`` scripts that typeset ``$...$`` inside :data:`MATH_CLASS` elements."""
    static = _static()
    config = f"window.MathJax = {json.dumps(_CONFIG)};".encode()
    return "\n".join([_data_script(config), _data_script((static / "MathJax.js").read_bytes()),
                      _data_script((static / "config" / "TeX-AMS-MML_HTMLorMML-full.js")
                                   .read_bytes())])
