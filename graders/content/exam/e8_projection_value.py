"""E8 ``answer_e8``: the matrix of the orthogonal projection onto span(B) (a matrix value).

An answer that is a matrix value (``answer="value"``, :mod:`graders.answers`): the answer
cell assigns ``answer_e8``, the 4×4 matrix P of the orthogonal projection of R⁴ onto the
column space of the 4×2 matrix B given in the question (:data:`PARAMETERS`, fixed for
everyone this term; the judge computes the reference from them).

Rules (stated in the notebook): a NumPy array or a nested list of numbers, of shape exactly
(4, 4) (no broadcasting, no transposed or (2, 2) matrix), real dtype (not bool), every entry
finite. Catches: BBᵀ (no (BᵀB)⁻¹), the complement I − P, summing the outer products of the
normalised columns (right only for orthogonal columns; B's are not), and the 4×2 B(BᵀB)⁻¹.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graders.answers import judge_array
from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import trusted_array as _f

__all__ = ["ATOL", "DATA", "PARAMETERS", "TASK", "cases", "judge", "reference"]

#: The question's data (shown in the notebook's E8 cells): full column rank, columns not
#: orthogonal (b₁·b₂ = 2), κ(B) ≈ 2.6.
PARAMETERS: Mapping[str, np.ndarray] = {
    "B": np.array([[1, 1], [1, 2], [0, 1], [1, -1]]),
}

#: Entrywise absolute tolerance. ‖P‖₂ = 1, so every entry is in [−1, 1]; the normal
#: equations B(BᵀB)⁻¹Bᵀ err by ≲ c·n·ε·κ(B)² ≈ 1e-14 here, QR or the pseudo-inverse by
#: ≲ c·n·ε·κ(B); 1e-9 keeps ≥ 1e4 of margin. Every mistake below moves an entry by ≥ 0.1.
ATOL = 1e-9


def reference(B: Any) -> np.ndarray:
    """Reference E8: P = Q Qᵀ with B = QR the reduced QR factorisation."""
    q, _ = np.linalg.qr(_f(B))
    return np.asarray(q @ q.T)


def cases(rng: np.random.Generator) -> list[Case]:
    """E8: one case, no inputs (the answer is a value); the parameters ride in the context."""
    return [Case("the projection matrix onto span(B)", (), context={"params": PARAMETERS})]


def judge(case: Case, output: Any) -> str | None:
    """E8: a finite real (4, 4) matrix within :data:`ATOL` of P, entrywise."""
    judge_array(output, reference(case.context["params"]["B"]), rtol=0.0, atol=ATOL,
                name="answer_e8")
    return None


#: The answer cell's first lines (outside the solution region, so in the student's stub):
#: the data; every planted answer starts with them, as a student's cell does.
DATA = ("# E8's data (do not change these lines).\n"
        "B_e8 = np.array([[1, 1], [1, 2], [0, 1], [1, -1]])\n")
_ALIAS = "B = np.asarray(B_e8, dtype=float)\n"

WRONG = (
    Wrong("no_gram_inverse", hint=(
        "BBᵀ is not a projection unless the columns of B are orthonormal: P = B(BᵀB)⁻¹Bᵀ."),
        code=DATA + _ALIAS + "answer_e8 = B @ B.T\n"),
    Wrong("complement", hint=(
        "You projected onto the orthogonal complement (I − P): project onto the column "
        "space of B itself."), code=DATA + _ALIAS + '''
answer_e8 = np.eye(4) - B @ np.linalg.solve(B.T @ B, B.T)
'''),
    Wrong("normalised_columns", hint=(
        "Summing b̂ b̂ᵀ over the normalised columns is a projection only when the columns are "
        "orthogonal; B's are not: orthonormalise them first (QR) or use B(BᵀB)⁻¹Bᵀ."),
        code=DATA + _ALIAS + '''
N = B / np.linalg.norm(B, axis=0)
answer_e8 = N @ N.T
'''),
    Wrong("missing_transpose", hint=(
        "P maps R⁴ to R⁴, so it is 4×4: P = B(BᵀB)⁻¹Bᵀ (you stopped before the last Bᵀ)."),
        code=DATA + _ALIAS + "answer_e8 = B @ np.linalg.inv(B.T @ B)\n"),
)

ALTERNATIVES = (
    # The normal equations, with an explicit inverse.
    Alternative("normal_equations", code=DATA + _ALIAS + '''
answer_e8 = B @ np.linalg.inv(B.T @ B) @ B.T
'''),
    # The pseudo-inverse: P = B B⁺.
    Alternative("pinv", code=DATA + _ALIAS + "answer_e8 = B @ np.linalg.pinv(B)\n"),
    # A nested list of floats is a matrix too.
    Alternative("nested_list", code=DATA + _ALIAS + '''
Q, _ = np.linalg.qr(B)
answer_e8 = (Q @ Q.T).tolist()
'''),
)

TASK = Task(
    answer_cell="e8_projection_value",
    checks=(CheckSpec(id="geometry.exam_projection_value", unit="geometry",
                      function="answer_e8", cases=cases, judge=judge, reference=reference,
                      answer="value"),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
