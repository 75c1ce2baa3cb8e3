"""E7 ``answer_e7``: the angle between two vectors under an inner product (a number).

The first exam question whose answer is a value, not a function (``answer="value"``,
:mod:`graders.answers`): the answer cell assigns ``answer_e7``, the angle θ ∈ [0, π], in
radians, between x and y under ⟨u, v⟩_A = uᵀAv, for the SPD matrix A and the vectors given
in the question (:data:`PARAMETERS`, fixed for everyone this term; the judge computes the
reference from them, so per-student values need only :func:`cases` to carry another
student's parameters in the case context).

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

__all__ = ["ATOL", "DATA", "PARAMETERS", "TASK", "cases", "judge", "reference"]

#: The question's data (shown in the notebook's E7 cells; integers, A SPD).
PARAMETERS: Mapping[str, np.ndarray] = {
    "A": np.array([[3, 1, 0], [1, 2, 1], [0, 1, 4]]),
    "x": np.array([1, 2, -1]),
    "y": np.array([2, -1, 1]),
}

#: Absolute tolerance on θ (radians). With integer data every inner product is an exact
#: integer in float64, so cos θ = xᵀAy / √(xᵀAx · yᵀAy) carries ≤ 3 roundings: |Δcos θ| ≤
#: 3ε; then |Δθ| ≤ 3ε / sin θ ≤ 4ε here (sin θ ≥ 0.95). A Cholesky route (‖Lᵀx‖) adds
#: ≈ D·ε·κ(A) ≤ 1e-14; 1e-9 leaves ≥ 1e4 of margin, while the mistakes move θ by ≥ 0.4
#: (degrees: ×57; cos θ: 0.97 off; no A: 0.47; A⁻¹: 0.94).
ATOL = 1e-9


def reference(A: Any, x: Any, y: Any) -> float:
    """Reference E7: θ = arccos(xᵀAy / (‖x‖_A ‖y‖_A)), ‖u‖_A = √(uᵀAu)."""
    a, u, v = _f(A), _f(x), _f(y)
    c = (u @ a @ v) / np.sqrt((u @ a @ u) * (v @ a @ v))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def cases(rng: np.random.Generator) -> list[Case]:
    """E7: one case, no inputs (the answer is a value); the parameters ride in the context."""
    return [Case("the angle between x and y under ⟨u, v⟩ = uᵀAv", (),
                 context={"params": PARAMETERS})]


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
#: the data; every planted answer starts with them, as a student's cell does.
DATA = ("# E7's data (do not change these lines).\n"
        "A_e7 = np.array([[3, 1, 0], [1, 2, 1], [0, 1, 4]])\n"
        "x_e7 = np.array([1, 2, -1])\n"
        "y_e7 = np.array([2, -1, 1])\n")
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
                      cases=cases, judge=judge, reference=reference, answer="value"),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
