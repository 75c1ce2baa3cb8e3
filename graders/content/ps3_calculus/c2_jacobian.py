"""C2 ``jacobian(f, x) -> J``: the Jacobian of a vector field by central differences.

Convention (stated in the notebook): ``f`` takes an (n,) array and returns an (m,) array
(possibly m = 1); ``x`` has shape (n,) and any real dtype (integers included); ``J`` has
shape (m, n) with ``J_ij = ∂f_i/∂x_j``, one row per output (numerator layout), also for
m = 1 and n = 1; central differences with h = 1e-5, written out (not calling num_grad).

Graded: shape (m, n) exactly, then values against the analytic Jacobian at 1e-8 × scale
(the derivation of C1). ``f`` is ``calculus.vector_field``, built in the sandbox by
``graders/runtime/factories/calculus.py``; the hidden inputs have m > n, m < n (so Jᵀ fails on
shape), a square non-symmetric J (so Jᵀ fails on values), m = 1, n = 1 and an integer x.
Catches: the transposed (n, m) layout, a flattened J, forward differences, an integer copy of
x truncating x + h.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.calculus import Fn
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference", "vector_field_jac", "vector_field_params"]


def reference(f: Fn, x: Any, h: float = 1e-5) -> np.ndarray:
    """C2: central differences column by column, J of shape (m, n), J_ij = ∂f_i/∂x_j."""
    x = _f(x)
    cols = []
    for j in range(x.size):
        e = np.zeros(x.shape)
        e[j] = h
        cols.append((_f(f(x + e)) - _f(f(x - e))) / (2.0 * h))
    return np.column_stack(cols)


def vector_field_jac(p: Any, x: Any) -> tuple[np.ndarray, float]:
    """J of ``calculus.vector_field`` and a scale: max(1, Σ|terms|, max|J|, M3 bound)."""
    x = _f(x)
    A, B, c, D, e, G = (_f(p[k]) for k in ("A", "B", "c", "D", "e", "G"))
    ex = e * np.exp(G @ x)
    J = (A * np.cos(B @ x + c)) @ B + D + ex[:, None] * G
    m3 = float(np.max(np.abs(A) @ np.abs(B) ** 3 + math.e * np.abs(ex)[:, None] * np.abs(G) ** 3))
    terms = float(np.max(np.abs(A).sum(axis=1) + np.abs(D) @ np.abs(x) + np.abs(ex)))
    return J, max(1.0, terms, float(np.max(np.abs(J))), m3)


# ---------------------------------------------------------------- hidden inputs


def vector_field_params(rng: np.random.Generator, m: int, n: int,
                        k: int = 3) -> dict[str, object]:
    """Parameters of ``calculus.vector_field`` (|B|, |G| ≤ 1, so derivatives stay moderate)."""
    return {"A": rng.uniform(-2, 2, (m, k)), "B": rng.uniform(-1, 1, (k, n)),
            "c": rng.uniform(-np.pi, np.pi, k), "D": rng.uniform(-2, 2, (m, n)),
            "e": rng.uniform(-1, 1, m), "G": rng.uniform(-0.5, 0.5, (m, n))}


def _non_symmetric(rng: np.random.Generator, n: int) -> dict[str, object]:
    """Square vector-field params whose Jacobian is far from symmetric (D antisymmetric part)."""
    params = vector_field_params(rng, n, n)
    skew = rng.uniform(1.0, 2.0, (n, n)) * np.triu(np.ones((n, n)), 1)
    params["D"] = np.asarray(params["D"]) + 3.0 * (skew - skew.T)
    return params


def cases(rng: np.random.Generator) -> list[Case]:
    """C2: m ≠ n so Jᵀ fails on shape; square non-symmetric so Jᵀ fails on values."""
    def case(label: str, params: dict[str, object], x: np.ndarray) -> Case:
        return Case(label, (FunctionSpec("calculus.vector_field", params), x))

    return [
        case("m = 3 > n = 2", vector_field_params(rng, 3, 2), rng.uniform(-1, 1, 2)),
        case("m = 2 < n = 4", vector_field_params(rng, 2, 4), rng.uniform(-1, 1, 4)),
        case("square non-symmetric 3x3", _non_symmetric(rng, 3), rng.uniform(-1, 1, 3)),
        case("m = 1 (a scalar field as a vector), n = 3", vector_field_params(rng, 1, 3),
             rng.uniform(-1, 1, 3)),
        case("n = 1, m = 4", vector_field_params(rng, 4, 1), rng.uniform(-1, 1, 1)),
        case("integer dtype x, m = 2, n = 3", vector_field_params(rng, 2, 3),
             rng.integers(-2, 3, 3)),
        case("m = 5, n = 6", vector_field_params(rng, 5, 6, k=4), rng.uniform(-1, 1, 6)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C2: shape (m, n) exactly; values vs the analytic Jacobian at 1e-8·scale."""
    J_exact, scale = vector_field_jac(case.args[0].params, case.args[1])
    m, n = J_exact.shape
    J = as_array(output, name="J")
    if J.shape != (m, n):
        if J.shape == (n, m):
            raise Mismatch(f"J has shape {J.shape} = (n, m): transposed? J_ij = ∂f_i/∂x_j "
                           "has one row per output")
        if J.size == m * n:
            raise Mismatch(f"J has shape {J.shape}: flattened? return a 2-D (m, n) array")
        raise Mismatch(f"J must have shape (m, n) = (len(f(x)), len(x)), got {J.shape}")
    # Same derivation as C1: central differences with h ≈ 1e-5 err by ≤ 2.5e-10·scale.
    tol = 1e-8 * scale
    if np.max(np.abs(J - J_exact)) <= tol:
        return None
    if m == n and np.max(np.abs(J - J_exact.T)) <= tol:
        raise Mismatch("J is transposed: row i must hold the partial derivatives of f_i")
    raise Mismatch("J differs from the exact Jacobian beyond the tolerance (forward "
                   "differences? an integer x truncated when h is added?)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # One row per input variable: the (n, m) transpose.
    Wrong("transposed",
          hint=("Your J has one row per input variable: J_ij = ∂f_i/∂x_j needs one row per "
                "output f_i and one column per input x_j, shape (m, n)."),
          code='''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    rows = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        rows.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(rows)
'''),
    # Correct entries, returned as a 1-D array.
    Wrong("flattened",
          hint=("Your entries are flattened into a 1-D array: return a 2-D array of shape "
                "(m, n), also when m = 1 or n = 1."),
          code='''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.column_stack(cols).ravel()
'''),
    # Forward differences with h = 1e-5: error h/2·|f''| ≈ 5e-6·|f''|.
    Wrong("forward_differences",
          hint=("Forward differences (f(x + h e_j) − f(x))/h are not accurate enough: use "
                "central differences (f(x + h e_j) − f(x − h e_j))/(2h) for each column."),
          code='''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    fx = np.asarray(f(x))
    J = np.zeros((fx.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        J[:, j] = (np.asarray(f(x + e)) - fx) / h
    return J
'''),
    # Perturbing a copy of an integer x truncates the step: zero columns.
    Wrong("integer_truncation",
          hint=("A copy of an integer x stays integer, so adding h to an entry is truncated "
                "away: convert x to a float array before perturbing it."),
          code='''
def jacobian(f, x):
    h = 1e-5
    m = np.asarray(f(x)).size
    J = np.zeros((m, len(x)))
    for j in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        J[:, j] = (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * h)
    return J
'''),
)

ALTERNATIVES = (
    # Central differences with a smaller step (h = 1e-6): accurate to ~1e-10·scale.
    Alternative("central_h_1e-6", code='''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-6
    E = h * np.eye(x.size)
    return np.stack([(np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h) for e in E],
                    axis=1)
'''),
    # The fourth-order five-point stencil.
    Alternative("five_point_stencil", code='''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-3
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        F = lambda t: np.asarray(f(x + t * e), dtype=float)
        cols.append((-F(2) + 8 * F(1) - 8 * F(-1) + F(-2)) / (12 * h))
    return np.array(cols).T
'''),
    # Row i is num_grad of the scalar function f_i (computed inline).
    Alternative("row_by_row", code='''
def jacobian(f, x):
    x = np.array(x, dtype=float)
    h = 1e-5
    m = len(np.atleast_1d(f(x)))
    J = np.empty((m, x.size))
    for i in range(m):
        for j in range(x.size):
            xp = x.copy(); xp[j] += h
            xm = x.copy(); xm[j] -= h
            J[i, j] = (np.atleast_1d(f(xp))[i] - np.atleast_1d(f(xm))[i]) / (2 * h)
    return J
'''),
)

TASK = Task(
    answer_cell="c2_jacobian",
    checks=(CheckSpec(id="calculus.jacobian", unit="calculus", function="jacobian",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
