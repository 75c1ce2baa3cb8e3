"""``mml similarity``: copying made visible, as a prompt for a person, never a verdict.

Lists pairs of submissions whose answer cells are unusually alike for the class, after
normalisation (names, comments, docstrings, formatting), with the released stub discounted:

- :mod:`~graders.similarity.normalise`: cells to tokens that ignore cheap disguises;
- :mod:`~graders.similarity.fingerprint`: winnowing fingerprints and the overlap of two
  answers (why not a library: its docstring);
- :mod:`~graders.similarity.answers`: the class's answer cells and their stubs;
- :mod:`~graders.similarity.detect`: the rule that flags a pair, relative to the class;
- :mod:`~graders.similarity.report`: the result, its table and its JSON form;
- :mod:`~graders.similarity.page`: the HTML page with the pairs side by side;
- :mod:`~graders.similarity.values` and :mod:`~graders.similarity.crossvariant`: with
  per-student exam variants, the value answers ``mml grade`` kept, and those wrong for the
  student's own variant and right for another student's;
- :mod:`~graders.similarity.command`: the command's work, the pairs found and their page.

The package itself imports nothing: every grading worker keeps value answers
(:mod:`~graders.similarity.values`) after each job, on the path of a regrade, and needs none
of the rest.
"""

