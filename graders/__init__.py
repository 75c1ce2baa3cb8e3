"""graders: the assessment system of the Mathematics for Machine Learning course.

Where things live (each folder is a layer of the architecture):

- ``graders/content/``: the course. ``<assignment>/<answer cell>.py`` is one module per
  autograded question (check id, hidden cases, reference, judge, named wrong answers with
  hints, alternatives); ``units/<unit>.py`` holds what several tasks of a unit share.
- ``graders/checks.py``: the types a task declares and the registry that discovers them.
- ``graders/runtime/``: the only code that runs inside the sandbox, beside student code.
- ``graders/sandbox/``: the sandbox backends (bubblewrap, warm bubblewrap, docker, unsafe).
- ``graders/pipeline/``: the steps of grading one submission (intake, source, assemble,
  plan, execute, judge, grade).
- ``graders/batch/``: a class: the worker pool, resumable batches, the Dask cluster.
- ``graders/nbgrader_io/``: everything that speaks nbgrader (generate, release, leaks,
  gradebook writer, scores reader, export, quickstart).
- ``graders/commands/``: the ``mml`` CLI and the verbs that are not pipeline steps.
"""

__version__ = "0.1.0"
