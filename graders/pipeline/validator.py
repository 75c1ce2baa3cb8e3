"""nbformat's notebook validator, generated once per install instead of once per process.

nbformat validates every notebook it reads or writes against its JSON schema with
fastjsonschema, which first turns the schema into Python source and compiles it: about
0.05 to 0.07 s of CPU, in every process, before its first notebook (the coordinator's
``load_sources`` of a one-student regrade was almost nothing else). fastjsonschema can
write that source out instead (``compile_to_code``), the use its documentation gives for
saving the cost, so :func:`cached_compile` keeps the compiled code of each schema in
``__pycache__`` beside this module, keyed by the schema, fastjsonschema's version and the
interpreter's bytecode version, and later processes load it in well under a millisecond.
:func:`use_cached_validators` makes fastjsonschema's ``compile`` this one for the
process (``mml`` does it at its start; the workers it forks inherit it).

Only a matter of speed, never of what is valid: the code is fastjsonschema's own for the
same schema and options, and whatever goes wrong with the cache (a folder that cannot be
written, a damaged file) falls back to compiling as before. The cache sits beside the
package's own bytecode, with the same owner: nothing a student runs can write there.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema

__all__ = ["CACHE_DIR", "cached_compile", "use_cached_validators"]

#: Where the compiled validators are kept: this package's own bytecode folder.
CACHE_DIR = Path(__file__).resolve().parent / "__pycache__"

Validate = Callable[..., Any]

#: fastjsonschema's own ``compile``, before :func:`use_cached_validators` replaced it.
_ORIGINAL = fastjsonschema.compile


def _key(definition: Any) -> str:
    """The cache file's name: what the compiled code depends on, hashed."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(
        f"{text}|{fastjsonschema.VERSION}|{importlib.util.MAGIC_NUMBER.hex()}".encode())
    return f"jsonschema-{digest.hexdigest()[:32]}.marshal"


def _define(code: Any) -> Any:
    """Run the compiled validator module ``code``; its ``validate`` function."""
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # fastjsonschema's code, or the package's own cache of it
    return namespace["validate"]


def _load(path: Path) -> Validate | None:
    """The ``validate`` function of the code cached at ``path``; None if absent or damaged."""
    try:
        validate = _define(marshal.loads(path.read_bytes()))
    except Exception:  # absent, truncated, from another interpreter: compile again
        return None
    return validate if callable(validate) else None


def _store(path: Path, code: Any) -> None:
    """Write ``code`` to ``path`` atomically; nothing if the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(code))
        os.replace(tmp, path)
    except OSError:
        return


def cached_compile(definition: Any, cache_dir: Path | None = None) -> Validate:
    """fastjsonschema's ``compile(definition)`` (default options), its code cached in
    ``cache_dir`` (by default :data:`CACHE_DIR`)."""
    path = (cache_dir or CACHE_DIR) / _key(definition)
    validate = _load(path)
    if validate is None:
        code = compile(fastjsonschema.compile_to_code(definition), str(path), "exec")
        _store(path, code)
        validate = _define(code)
    return validate


def _compile(definition: Any, *args: Any, **kwargs: Any) -> Validate:
    """fastjsonschema's ``compile`` as :func:`use_cached_validators` installs it: cached
    with the default options (nbformat passes none), its own otherwise."""
    if args or kwargs:
        return _ORIGINAL(definition, *args, **kwargs)
    return cached_compile(definition)


def use_cached_validators() -> None:
    """Make fastjsonschema's ``compile`` keep its code (:func:`cached_compile`) in this
    process, when called with the default options (nbformat passes none).

    nbformat looks the function up on fastjsonschema's module at each new schema, so
    every notebook it reads or writes from now on is validated by the cached code.
    """
    fastjsonschema.compile = _compile
