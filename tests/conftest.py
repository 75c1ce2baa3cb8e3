"""Make tests/notebooks.py (cell factories, tiny course) importable by the tests."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
