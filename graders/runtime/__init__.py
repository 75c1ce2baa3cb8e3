"""Code that runs inside the sandbox, next to the student's code.

Nothing in this package may import from the rest of ``graders``: the sandbox
mounts only this directory, so the references, the instructor notebooks and the
gradebook are not there to import. It depends on the standard library, numpy
and IPython only.
"""
