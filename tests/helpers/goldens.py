"""Golden ``result.json`` files: normalise what may differ between runs, compare, update.

A result is compared without what depends on the machine or the run: stage timings, the
course's temporary path, and the digits of measured floating-point errors in messages (the
last digits of a rounding error differ between CPUs' BLAS kernels; the verdict does not).
Everything else (statuses, points, per-case verdicts, reasons, flags, seed) must be equal.

Update the goldens after an intended change with ``pytest tests/e2e/test_demo.py
--update-goldens`` and review the diff like code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

GOLDENS = Path(__file__).resolve().parents[1] / "e2e" / "goldens"
_FLOAT = re.compile(r"[-+]?\d+(?:\.\d+)?e[-+]?\d+")


def _scrub(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return _FLOAT.sub("<float>", value.replace(root, "<course>"))
    if isinstance(value, list):
        return [_scrub(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, root) for k, v in value.items()}
    return value


def normalise(result_json: str, root: Path) -> dict[str, Any]:
    """A result's JSON without timings, with the course path and error digits masked."""
    raw = json.loads(result_json)
    raw.pop("timings", None)
    scrubbed: dict[str, Any] = _scrub(raw, str(root))
    return scrubbed


def golden_path(name: str, student: str) -> Path:
    """Where the golden result of ``student`` in the golden set ``name`` lives."""
    return GOLDENS / name / f"{student}.json"


def write_golden(name: str, student: str, result: dict[str, Any]) -> None:
    """Write one golden (sorted keys, one field per line, for reviewable diffs)."""
    path = golden_path(name, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def read_golden(name: str, student: str) -> dict[str, Any]:
    """The golden result of ``student`` (KeyError-free: a missing file fails the comparison)."""
    path = golden_path(name, student)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
