"""Code that runs inside the sandbox, next to the student's code.

Nothing in this package may import from the rest of ``graders``: the sandbox
mounts only this directory, so the references, the instructor notebooks and the
gradebook are not there to import. It depends on the standard library, numpy
and IPython only.

``protocol.py`` (with ``args.py`` and ``fields.py``) is the typed contract of the
files the host and the sandbox exchange; the host imports it too, as
``graders.runtime.protocol``, so both sides read and write the same records.
``executor.py`` runs a notebook's cells in order and, after each test cell, that
cell's hidden calls in a snapshot (``snapshot.py``) forked into a private pid
namespace (``isolation.py``); ``server.py`` is the warm server that forks one
executor per submission; ``capture.py``, ``encode.py``, ``outbox.py``, ``lazy.py`` and
``factories/`` are their helpers.
"""
