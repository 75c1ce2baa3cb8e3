"""The course content: one module per autograded task, and each unit's shared mathematics.

- ``graders/content/<assignment>/<answer cell>.py``: everything about one question, found
  by discovery (:func:`graders.checks.tasks`): the check id(s), the seeded hidden inputs,
  the reference, the judge with its tolerance derivation, and the planted wrong answers
  (each with a name and a hint) and correct alternatives that ``mml check`` grades.
- ``graders/content/units/<unit>.py``: mathematics several tasks share (input families,
  objectives, helpers of the judges).

Function-valued hidden inputs are built inside the sandbox, which mounts only
``graders/runtime/``: their factories live in ``graders/runtime/factories/<unit>.py`` and a
task names them in a :class:`graders.checks.FunctionSpec`.

Nothing here is ever mounted in the sandbox or released to students.
"""
