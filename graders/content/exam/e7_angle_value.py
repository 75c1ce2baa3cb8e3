"""E7 ``answer_e7``: the angle between two vectors under an inner product (a number).

The first exam question whose answer is a value, not a function (``answer="value"``,
:mod:`graders.answers`): the answer cell assigns ``answer_e7``, the angle θ ∈ [0, π], in
radians, between x and y under ⟨u, v⟩_A = uᵀAv, for the SPD matrix A and the vectors at the
top of the answer cell. They differ per student (:func:`parameters`, drawn by
:mod:`graders.variants`): the answer cell's data lines are templates (:data:`DATA`) that
each student's notebook shows rendered with that student's values, and the judge computes
the reference from the same values (the case's context).

Rules (stated in the notebook): one real number (a Python or NumPy float, or a 0-d array),
finite; a list, a 1-element array, a complex number or a string is refused. Catches: the
standard dot product (A ignored), degrees, cos θ instead of θ, A⁻¹ in place of A.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graders.answers import judge_number
from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["ATOL", "DATA", "MARGIN", "TASK", "cases", "judge", "parameters", "reference",
           "variant_cases"]

#: How far every planted mistake's angle must lie from θ in a variant (radians): far above
#: :data:`ATOL`, so each mistake is caught for every student, not only on average.
MARGIN = 0.05


def _angle(a: np.ndarray, u: np.ndarray, v: np.ndarray) -> float:
    c = (u @ a @ v) / np.sqrt((u @ a @ u) * (v @ a @ v))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def _usable(a: np.ndarray, x: np.ndarray, y: np.ndarray) -> bool:
    """Whether a draw keeps the tolerance's derivation and separates every mistake."""
    if np.linalg.cond(a) > 50 or not (x.any() and y.any()):
        return False
    theta = _angle(a, x, y)
    mistakes = (_angle(np.eye(3), x, y), _angle(np.linalg.inv(a), x, y), np.cos(theta))
    return bool(np.sin(theta) >= 0.3 and all(abs(m - theta) >= MARGIN for m in mistakes))


def parameters(rng: np.random.Generator) -> dict[str, Any]:
    """One student's E7 data: A = LLᵀ + I (L unit lower triangular, entries in [−1, 1]:
    integer, SPD, λ_min ≥ 1), x and y integer in [−3, 3]; redrawn until κ(A) ≤ 50,
    sin θ ≥ 0.3 and every mistake moves θ by ≥ :data:`MARGIN` (most draws qualify)."""
    while True:
        low = np.tril(rng.integers(-1, 2, size=(3, 3)), -1) + np.eye(3, dtype=np.int64)
        a = low @ low.T + np.eye(3, dtype=np.int64)
        x, y = rng.integers(-3, 4, size=3), rng.integers(-3, 4, size=3)
        if _usable(a.astype(float), x.astype(float), y.astype(float)):
            return {"e7_A": a, "e7_x": x, "e7_y": y}


#: Absolute tolerance on θ (radians). With integer data every inner product is an exact
#: integer in float64, so cos θ = xᵀAy / √(xᵀAx · yᵀAy) carries ≤ 3 roundings: |Δcos θ| ≤
#: 3ε; then |Δθ| ≤ 3ε / sin θ ≤ 10ε (every variant has sin θ ≥ 0.3). A Cholesky route
#: (‖Lᵀx‖) adds ≈ D·ε·κ(A) ≤ 3·50·ε ≈ 3e-14; 1e-9 leaves ≥ 1e4 of margin, while every
#: mistake moves θ by ≥ :data:`MARGIN` = 0.05 (degrees: ×57, sin θ ≥ 0.3 keeps θ ≥ 0.3;
#: cos θ, no A, A⁻¹: checked per draw by :func:`parameters`).
ATOL = 1e-9


def reference(A: Any, x: Any, y: Any) -> float:
    """Reference E7: θ = arccos(xᵀAy / (‖x‖_A ‖y‖_A)), ‖u‖_A = √(uᵀAu)."""
    a, u, v = _f(A), _f(x), _f(y)
    c = (u @ a @ v) / np.sqrt((u @ a @ u) * (v @ a @ v))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
    """E7 for one student: one case, no inputs (the answer is a value); the student's data
    ride in the context (``params`` for the reference, ``variant`` for the bank's templates)."""
    ref = {"A": params["e7_A"], "x": params["e7_x"], "y": params["e7_y"]}
    return [Case("the angle between x and y under ⟨u, v⟩ = uᵀAv", (),
                 context={"params": ref, "variant": dict(params)})]


def cases(rng: np.random.Generator) -> list[Case]:
    """E7's case for a variant drawn from ``rng`` (``mml check``'s bank, content tests)."""
    return variant_cases(rng, parameters(rng))


def judge(case: Case, output: Any) -> str | None:
    """E7: one finite real number within :data:`ATOL` of the reference angle."""
    p = case.context["params"]
    theta = reference(p["A"], p["x"], p["y"])
    try:
        judge_number(output, theta, rtol=0.0, atol=ATOL, name="answer_e7")
    except Mismatch as exc:
        value = float(output) if isinstance(output, float | int) else None
        if value is not None and abs(value - np.degrees(theta)) <= 1e-6 * np.degrees(theta):
            raise Mismatch("answer_e7 is in degrees: give the angle in radians") from exc
        if value is not None and abs(value - np.cos(theta)) <= ATOL:
            raise Mismatch("answer_e7 is cos θ: take the arccos to get the angle") from exc
        raise
    return None


#: The answer cell's first lines (outside the solution region, so in the student's stub):
#: the data, as templates each student's notebook shows rendered with their own values;
#: every planted answer starts with them, as a student's cell does.
DATA = ("# E7's data (do not change these lines).\n"
        "A_e7 = np.array({{ e7_A }})\n"
        "x_e7 = np.array({{ e7_x }})\n"
        "y_e7 = np.array({{ e7_y }})\n")
_ALIAS = "A, x, y = A_e7, x_e7, y_e7\n"

WRONG = (
    Wrong("standard_dot", hint=(
        "You used the standard dot product: under ⟨u, v⟩ = uᵀAv both the inner product and "
        "the norms use A."), code=DATA + _ALIAS + '''
answer_e7 = float(np.arccos(x @ y / (np.linalg.norm(x) * np.linalg.norm(y))))
'''),
    Wrong("degrees", hint="The angle is asked in radians: do not convert to degrees.",
          code=DATA + _ALIAS + '''
c = (x @ A @ y) / np.sqrt((x @ A @ x) * (y @ A @ y))
answer_e7 = float(np.degrees(np.arccos(c)))
'''),
    Wrong("cosine", hint="You gave cos θ: the answer is the angle θ = arccos(...).",
          code=DATA + _ALIAS + '''
answer_e7 = float((x @ A @ y) / np.sqrt((x @ A @ x) * (y @ A @ y)))
'''),
    Wrong("inverse_metric", hint=(
        "You used A⁻¹ where A belongs: the inner product is uᵀAv, not uᵀA⁻¹v."),
        code=DATA + _ALIAS + '''
P = np.linalg.inv(A)
answer_e7 = float(np.arccos((x @ P @ y) / np.sqrt((x @ P @ x) * (y @ P @ y))))
'''),
)

ALTERNATIVES = (
    # Cholesky: ⟨u, v⟩_A = (Lᵀu)·(Lᵀv); the angle by arctan2 of |cross| and dot (3-D).
    Alternative("cholesky_arctan2", code=DATA + _ALIAS + '''
L = np.linalg.cholesky(A)
u, v = L.T @ x, L.T @ y
answer_e7 = np.arctan2(np.linalg.norm(np.cross(u, v)), u @ v)
'''),
    # A hand-written inner product, the arccos from the math module.
    Alternative("math_arccos", code=DATA + _ALIAS + '''
import math

def ip(u, v):
    return sum(u[i] * A[i, j] * v[j] for i in range(3) for j in range(3))

answer_e7 = math.acos(ip(x, y) / math.sqrt(ip(x, x) * ip(y, y)))
'''),
    # A 0-d NumPy array is a number too.
    Alternative("zero_d_array", code=DATA + _ALIAS + '''
answer_e7 = np.arccos(np.einsum("i,ij,j->", x, A, y)
                      / np.sqrt(np.einsum("i,ij,j->", x, A, x) * np.einsum("i,ij,j->", y, A, y)))
answer_e7 = np.asarray(answer_e7)
'''),
)

TASK = Task(
    answer_cell="e7_angle_value",
    checks=(CheckSpec(id="geometry.exam_angle_value", unit="geometry", function="answer_e7",
                      cases=cases, judge=judge, reference=reference, answer="value",
                      parameters=parameters, variant_cases=variant_cases),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
