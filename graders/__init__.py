"""graders: the assessment system of the Mathematics for Machine Learning course.

Where things live:

- ``graders/<unit>.py`` (``linear_algebra``, ...): a unit's reference implementations,
  hidden-input generators and comparisons, registered as checks (``graders.checks``).
- ``graders/banks/<assignment>/``: planted wrong answers and alternative correct
  answers per task, used by ``mml check``.
- ``graders/runtime/``: the only code that runs inside the sandbox, beside student code.
- ``graders/sandbox/``: the sandbox backends (bubblewrap, docker, unsafe).
- ``graders/pipeline/``: the steps of grading one submission (intake, assemble,
  plan, execute, judge) and the batch runner.
- ``graders/nbgrader_io/release.py``, ``gradebook.py``, ``export.py``, ``quality.py``, ``demo.py``:
  the verbs of the ``mml`` command (``graders/commands/cli.py``).
"""

__version__ = "0.1.0"
