"""Grading a class: the worker pool, the resumable batch runner, Dask, and ``mml serve``.

Each worker grades one submission at a time with :func:`graders.pipeline.grade.grade_notebook`;
the coordinator (``runner.py``) is the gradebook's only writer. Its results come from a
local pool (``local.py``, workers in ``pool.py``), a Dask cluster (``cluster.py``) or a
grading service kept between commands (``service.py``).
"""
