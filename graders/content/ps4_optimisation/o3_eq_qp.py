"""O3 ``eq_qp(Q, c, A, b) -> (x, lam)``: an equality-constrained quadratic program.

Convention (stated in the notebook): minimise ½xᵀQx + cᵀx subject to Ax = b, with Q PSD and
positive definite on null(A) (Q itself may be singular), A possibly with redundant rows; the
Lagrangian is L = ½xᵀQx + cᵀx + λᵀ(Ax − b), so the KKT conditions are Qx + c + Aᵀλ = 0 and
Ax = b.

Graded by feasibility and x to 1e-8, and λ only through the stationarity residual
Qx + c + Aᵀλ (λ is not unique with redundant rows). The opposite sign of λ is diagnosed by
name, and fails, because the spec pins the sign. Catches: the opposite sign convention, the
unconstrained minimiser, ``np.linalg.solve`` on the exactly singular KKT matrix, 2Q as the
Hessian, Ax = 0 instead of Ax = b.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal, spd, well_conditioned
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(Q: Any, c: Any, A: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference O3: minimum-norm least-squares solution of the KKT system.

    [[Q, Aᵀ], [A, 0]] [x; λ] = [−c; b]. With redundant rows the KKT matrix is singular;
    its null space is {(0, μ): Aᵀμ = 0}, so x is still unique and λ is the min-norm one.
    """
    Qm, cv, Am, bv = _f(Q), _f(c), _f(A), _f(b)
    n, m = Qm.shape[0], Am.shape[0]
    K = np.block([[Qm, Am.T], [Am, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.r_[-cv, bv], rcond=None)[0]
    return z[:n], z[n:]


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O3: full-row-rank and redundant A, m = n, singular Q (PD on null A), int dtype, λ = 0.

    The random redundant case is singular only up to rounding (LAPACK's solve may or may
    not raise on it, depending on the draw); the integer one is exactly singular, so a
    plain ``solve`` of the KKT system fails it for every grading seed.
    """
    def problem(Q: np.ndarray, A: np.ndarray) -> tuple[Any, ...]:
        n = Q.shape[0]
        return Q, rng.standard_normal(n), A, A @ rng.standard_normal(n)

    A0 = well_conditioned(rng, 2, 5) / 10.0
    redundant = np.vstack([A0, A0[0] + A0[1], A0[1]])
    U = orthogonal(rng, 3)
    Qz = U @ np.diag([2.0, 1.0, 0.0]) @ U.T
    Qz = (Qz + Qz.T) / 2  # null(Q) = U e₃ is not in null(A) = U·span(1, −1, 0)
    Az = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]) @ U.T
    Qi = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
    Qf, cf = spd(rng, 4), rng.standard_normal(4)
    Af = well_conditioned(rng, 2, 4) / 10.0
    return [
        Case("one constraint, n = 4", problem(spd(rng, 4), well_conditioned(rng, 1, 4) / 10.0)),
        Case("three constraints, n = 6", problem(spd(rng, 6), well_conditioned(rng, 3, 6) / 10.0)),
        Case("redundant rows (4 constraints of rank 2, n = 5): λ not unique",
             problem(spd(rng, 5), redundant)),
        Case("exactly redundant rows (row 2 = 2·row 1), integer dtype: the KKT matrix is "
             "exactly singular", (np.array([[2, 1, 0], [1, 2, 0], [0, 0, 4]]),
                                  np.array([1, 0, -1]), np.array([[1, 1, 1], [2, 2, 2]]),
                                  np.array([3, 6]))),
        Case("m = n = 3 (x fixed by the constraints)", problem(spd(rng, 3),
                                                               well_conditioned(rng, 3) / 10.0)),
        Case("singular Q, positive definite on null(A), n = 3", problem(Qz, Az)),
        Case("integer dtype Q, c, A, b", (Qi, np.array([1, -2, 3]), np.array([[1, 1, 1]]),
                                          np.array([2]))),
        Case("n = m = 1", (np.array([[rng.uniform(1, 5)]]), np.array([rng.uniform(-2, 2)]),
                           np.array([[rng.uniform(1, 3)]]), np.array([rng.uniform(-2, 2)]))),
        Case("unconstrained minimiser already feasible (λ = 0)",
             (Qf, cf, Af, Af @ np.linalg.solve(Qf, -cf))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O3: feasibility, x to 1e-8, and λ through the stationarity residual."""
    Q, c, A, b = (_f(v) for v in case.args)
    n, m = Q.shape[0], A.shape[0]
    x_ref, lam_ref = reference(Q, c, A, b)
    x_out, lam_out = as_tuple(output, 2, name="(x, lam)")
    x = as_array(x_out, name="x", shape=(n,))
    lam = as_array(lam_out, name="lam", shape=(m,))
    sx = float(np.linalg.norm(x_ref))
    # The inputs' KKT matrices (restricted to the complement of their null space) have
    # κ ≤ ~1e4, so a backward-stable solve has forward error ≤ κ·c·n·ε ≈ 1e-11; 1e-8
    # (syllabus) leaves ≥ 100×. Residuals are measured at the same relative level.
    tol_feas = 1e-8 * (_norm2(A) * sx + float(np.linalg.norm(b)))
    if np.linalg.norm(A @ x - b) > tol_feas:
        raise Mismatch("x is not feasible (Ax ≠ b): the constraints are ignored or mis-solved")
    if np.linalg.norm(x - x_ref) > 1e-8 * max(sx, 1e-300):
        raise Mismatch("x is feasible but not the minimiser: check the stationarity row "
                       "Qx + c + Aᵀλ = 0 (f has the ½, so its gradient is Qx + c)")
    tol = 1e-8 * (_norm2(Q) * sx + float(np.linalg.norm(c)) + _norm2(A)
                  * float(np.linalg.norm(lam_ref)))
    if np.linalg.norm(Q @ x_ref + c + A.T @ lam) <= tol:
        return None
    if np.linalg.norm(Q @ x_ref + c - A.T @ lam) <= tol:
        raise Mismatch("λ has the opposite sign: with L = ½xᵀQx + cᵀx + λᵀ(Ax − b) "
                       "stationarity is Qx + c + Aᵀλ = 0")
    raise Mismatch("λ does not satisfy stationarity Qx + c + Aᵀλ = 0 (with redundant rows "
                   "the KKT matrix is singular: use a least-squares solve)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The other sign convention, L = ... − λᵀ(Ax − b): x is right, λ has the opposite sign.
    Wrong("opposite_sign",
          hint=("Your multiplier has the opposite sign: with L = ½xᵀQx + cᵀx + λᵀ(Ax − b) "
                "stationarity reads Qx + c + Aᵀλ = 0, so the KKT block is +Aᵀ."),
          code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, -A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, b]), rcond=None)[0]
    return z[:n], z[n:]
'''),
    # Ignores feasibility: the unconstrained minimiser, λ = 0.
    Wrong("unconstrained",
          hint=("Your x ignores the constraints Ax = b: solve the KKT system, which couples "
                "stationarity with feasibility."),
          code='''
def eq_qp(Q, c, A, b):
    Q, c = np.asarray(Q, dtype=float), np.asarray(c, dtype=float)
    x = np.linalg.lstsq(Q, -c, rcond=None)[0]
    return x, np.zeros(np.shape(A)[0])
'''),
    # np.linalg.solve on the KKT matrix: singular when A has redundant rows.
    Wrong("kkt_solve",
          hint=("np.linalg.solve raises on the singular KKT matrix of redundant constraints: use "
                "a least-squares solve such as np.linalg.lstsq."),
          nameable=False,
          code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.solve(K, np.concatenate([-c, b]))
    return z[:n], z[n:]
'''),
    # Drops the ½: uses 2Q as the Hessian.
    Wrong("missing_half",
          hint=("You used 2Q as the Hessian: f = ½xᵀQx + cᵀx has gradient Qx + c, so the "
                "top-left KKT block is Q."),
          code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[2 * Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, b]), rcond=None)[0]
    return z[:n], z[n:]
'''),
    # Right-hand side with 0 instead of b: solves Ax = 0.
    Wrong("ignores_b",
          hint=("Your x satisfies Ax = 0 rather than Ax = b: the right-hand side of the KKT "
                "system is (−c, b)."),
          code='''
def eq_qp(Q, c, A, b):
    Q, c, A = (np.asarray(v, dtype=float) for v in (Q, c, A))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, np.zeros(m)]), rcond=None)[0]
    return z[:n], z[n:]
'''),
)

ALTERNATIVES = (
    # Minimum-norm least squares on the KKT system with scipy.
    Alternative("kkt_scipy_lstsq", code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = scipy.linalg.lstsq(K, np.concatenate([-c, b]))[0]
    return z[:n], z[n:]
'''),
    # Null-space method: particular solution plus a reduced solve; λ by least squares.
    Alternative("null_space_method", code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    xp = np.linalg.lstsq(A, b, rcond=None)[0]
    Z = scipy.linalg.null_space(A)
    if Z.shape[1]:
        z = np.linalg.solve(Z.T @ Q @ Z, -Z.T @ (Q @ xp + c))
        x = xp + Z @ z
    else:
        x = xp
    lam = np.linalg.lstsq(A.T, -(Q @ x + c), rcond=None)[0]
    return x, lam
'''),
    # Pseudo-inverse of the KKT matrix.
    Alternative("kkt_pinv", code='''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.pinv(K) @ np.concatenate([-c, b])
    return z[:n], z[n:]
'''),
)

TASK = Task(
    answer_cell="o3_eq_qp",
    checks=(CheckSpec(id="optimisation.eq_qp", unit="optimisation",
                      function="eq_qp", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
