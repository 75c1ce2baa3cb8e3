"""The test folders' own layout: pytest imports test files by basename (rootdir-relative
"rootdir" mode without packages), so two files of one name in different folders stop the
whole run at collection. This fails fast, in the unit run, instead."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_two_test_files_share_a_basename() -> None:
    names = Counter(p.name for p in TESTS.rglob("test_*.py"))
    assert [n for n, k in names.items() if k > 1] == [], "rename one of each pair"
