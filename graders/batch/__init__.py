"""Grading a class: the worker pool, the resumable batch runner, and the Dask cluster.

Each worker grades one submission at a time with :func:`graders.pipeline.grade.grade_notebook`;
the coordinator (``runner.py``) is the gradebook's only writer.
"""
