"""Everything that speaks nbgrader: its tools on PATH, release, leak scanning, the gradebook
(written by ``gradebook.py``, read by ``scores.py``), export, and nbgrader's quickstart course.

The rest of the package reaches nbgrader only through this folder.
"""
