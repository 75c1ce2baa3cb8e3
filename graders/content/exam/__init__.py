"""The exam (all six units): tasks E1–E6, one module per answer cell.

The exam's tasks are new (not copies of the problem sets); each is graded under its unit's
learning outcome, with check id ``"<unit>.exam_<name>"``, and states its conventions in the
notebook (``source/exam/exam.ipynb``). Every hidden input is a plain array or number (the
exam has no function-valued or random inputs). Sizes stay ≤ 12 except the deliberately large
KL case (D = 200, where a determinant overflows), so each check's reference runs in well
under 0.2 s. Each judge recomputes its reference from ``case.args``, coerces the untrusted
output with :mod:`graders.compare` first, and raises :class:`~graders.errors.Mismatch` with a
message naming the kind of error, never a hidden value.
"""
