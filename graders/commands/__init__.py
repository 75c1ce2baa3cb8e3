"""The ``mml`` verbs that are not pipeline steps: the click CLI, ``mml check`` (``quality.py``),
``mml demo`` and the plain-text class table."""
