"""E8 ``answer_e8``: the matrix of the orthogonal projection onto span(B) (a matrix value).

An answer that is a matrix value (``answer="value"``, :mod:`graders.answers`): the answer
cell assigns ``answer_e8``, the 4×4 matrix P of the orthogonal projection of R⁴ onto the
column space of the 4×2 matrix B at the top of the answer cell. B differs per student
(:func:`parameters`, drawn by :mod:`graders.variants`): the data line is a template
(:data:`DATA`) each student's notebook shows rendered with that student's B, and the judge
computes the reference from the same B (the case's context).

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

__all__ = ["ATOL", "DATA", "MARGIN", "TASK", "cases", "judge", "parameters", "reference",
           "variant_cases"]

#: How far (largest entry) every planted mistake's matrix must lie from P in a variant.
MARGIN = 0.05


def _usable(b: np.ndarray) -> bool:
    """Full column rank, κ(B) ≤ 10, columns not orthogonal, every mistake ≥ MARGIN off."""
    if np.linalg.matrix_rank(b) < 2 or np.linalg.cond(b) > 10 or b[:, 0] @ b[:, 1] == 0:
        return False
    p = reference(b)
    n = b / np.linalg.norm(b, axis=0)
    mistakes = (b @ b.T, np.eye(4) - p, n @ n.T)
    return all(float(np.max(np.abs(m - p))) >= MARGIN for m in mistakes)


def parameters(rng: np.random.Generator) -> dict[str, Any]:
    """One student's B: 4×2 integers in [−2, 2], redrawn until :func:`_usable` holds (full
    column rank, κ(B) ≤ 10, b₁·b₂ ≠ 0, every mistake moved by ≥ :data:`MARGIN`)."""
    while True:
        b = rng.integers(-2, 3, size=(4, 2))
        if _usable(b.astype(float)):
            return {"e8_B": b}


#: Entrywise absolute tolerance. ‖P‖₂ = 1, so every entry is in [−1, 1]; the normal
#: equations B(BᵀB)⁻¹Bᵀ err by ≲ c·n·ε·κ(B)² ≤ 4·100·ε ≈ 1e-13 (every variant has κ(B) ≤
#: 10), QR or the pseudo-inverse by ≲ c·n·ε·κ(B); 1e-9 keeps ≥ 1e4 of margin. Every mistake
#: moves an entry by ≥ :data:`MARGIN` (checked per draw; the 4×2 one fails on its shape).
ATOL = 1e-9


def reference(B: Any) -> np.ndarray:
    """Reference E8: P = Q Qᵀ with B = QR the reduced QR factorisation."""
    q, _ = np.linalg.qr(_f(B))
    return np.asarray(q @ q.T)


def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
    """E8 for one student: one case, no inputs (the answer is a value); the student's B
    rides in the context (``params`` for the reference, ``variant`` for the bank)."""
    return [Case("the projection matrix onto span(B)", (),
                 context={"params": {"B": params["e8_B"]}, "variant": dict(params)})]


def cases(rng: np.random.Generator) -> list[Case]:
    """E8's case for a variant drawn from ``rng`` (``mml check``'s bank, content tests)."""
    return variant_cases(rng, parameters(rng))


def judge(case: Case, output: Any) -> str | None:
    """E8: a finite real (4, 4) matrix within :data:`ATOL` of P, entrywise."""
    judge_array(output, reference(case.context["params"]["B"]), rtol=0.0, atol=ATOL,
                name="answer_e8")
    return None


#: The answer cell's first lines (outside the solution region, so in the student's stub):
#: the data, as a template each student's notebook shows rendered with their own B; every
#: planted answer starts with them, as a student's cell does.
DATA = ("# E8's data (do not change these lines).\n"
        "B_e8 = np.array({{ e8_B }})\n")
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
                      answer="value", parameters=parameters, variant_cases=variant_cases),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
