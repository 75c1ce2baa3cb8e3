"""E4 ``ista(A, b, lam, step, T) -> x``: ISTA for the lasso (check ``optimisation.exam_ista``).

Convention (stated in the notebook): exactly T proximal-gradient steps from x₀ = 0 on
½‖Ax − b‖² + λ‖x‖₁ (no 1/m factor), u = x_t − step·Aᵀ(Ax_t − b), x_{t+1} = S_{step·λ}(u);
``A`` (m, n) tall or wide, any real dtype, ``b`` (m,), λ ≥ 0, step ∈ (0, 2/‖A‖₂²), T ≥ 0.
Returns x_T of shape (n,) (x₀ = 0 for T = 0), not the trajectory.

Graded against the reference trajectory's last iterate (syllabus §4.5: fix the iteration
count), to a rounding bound that cannot grow because each step is nonexpansive. Catches:
thresholding at λ instead of step·λ, the gradient of ‖Ax − b‖² (no ½), one iteration too
many, the prox before the gradient step, hard thresholding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference", "trajectory"]


def reference(A: Any, b: Any, lam: float, step: float, T: int) -> np.ndarray:
    """Reference E4: the last iterate x_T of :func:`trajectory`."""
    return np.asarray(trajectory(A, b, lam, step, T)[-1])


def trajectory(A: Any, b: Any, lam: float, step: float, T: int) -> np.ndarray:
    """The trajectory x₀ = 0, x_{t+1} = S_{step·λ}(x_t − step·Aᵀ(A x_t − b)).

    Returns all T + 1 iterates as a (T + 1, n) array (the task returns the last row).
    """
    a, rhs = _f(A), _f(b)
    tau = float(step) * float(lam)
    x = np.zeros(a.shape[1])
    traj = [x]
    for _ in range(int(T)):
        u = x - float(step) * (a.T @ (a @ x - rhs))
        x = np.sign(u) * np.maximum(np.abs(u) - tau, 0.0)
        traj.append(x)
    return np.array(traj)


# ---------------------------------------------------------------- hidden inputs


def _lasso(rng: np.random.Generator, m: int, n: int, lam_frac: float, t: int,
           step_factor: float = 1.0) -> tuple[np.ndarray, np.ndarray, float, float, int]:
    """(A, b, λ, step, T) with λ = lam_frac·‖Aᵀb‖∞ and step = step_factor/‖A‖₂²."""
    a = rng.standard_normal((m, n))
    b = a @ (rng.standard_normal(n) * (rng.random(n) < 0.5)) + 0.1 * rng.standard_normal(m)
    lam = lam_frac * float(np.max(np.abs(a.T @ b)))
    return a, b, lam, step_factor / float(np.linalg.norm(a, 2) ** 2), t


def cases(rng: np.random.Generator) -> list[Case]:
    """E4: tall and wide A, λ = 0, λ above ‖Aᵀb‖∞, T = 0 and 1, int dtype, step near 2/L."""
    ai = rng.integers(-3, 4, size=(6, 4))
    bi = rng.integers(-5, 6, size=6)
    return [
        Case("tall 8x5, T = 10", _lasso(rng, 8, 5, 0.2, 10)),
        Case("wide 4x8 (more unknowns than equations), T = 20", _lasso(rng, 4, 8, 0.1, 20)),
        Case("λ = 0 (plain gradient descent), T = 5", _lasso(rng, 6, 4, 0.0, 5)),
        Case("λ = 1.5‖Aᵀb‖∞ (the iterates stay at 0), T = 8", _lasso(rng, 6, 4, 1.5, 8)),
        Case("T = 0 (return x0 = 0)", _lasso(rng, 5, 3, 0.2, 0)),
        Case("T = 1 (a single step)", _lasso(rng, 5, 6, 0.3, 1)),
        Case("integer dtype A and b, T = 6",
             (ai, bi, 2.0, 0.5 / float(np.linalg.norm(ai, 2) ** 2), 6)),
        Case("step 1.8/L (oscillating iterates), T = 12", _lasso(rng, 7, 5, 0.15, 12, 1.8)),
        Case("1x1, step = 0.25, T = 3", (np.array([[2.0]]), np.array([3.0]), 1.0, 0.25, 3)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E4: x_T compared with the reference trajectory's last iterate."""
    A, b = _f(case.args[0]), _f(case.args[1])
    lam, step, T = float(case.args[2]), float(case.args[3]), int(case.args[4])
    m, n = A.shape
    traj = trajectory(A, b, lam, step, T)
    x = as_array(output, name="x", ndim=1)
    if x.shape != (n,):
        raise Mismatch("x must have shape (n,): return only the last iterate x_T, not the "
                       "trajectory")
    # The step x ↦ S(x − s∇f(x)) is nonexpansive for s ≤ 2/L (prox: firmly nonexpansive;
    # gradient step: ‖I − sAᵀA‖ ≤ 1), so rounding does not grow: each step adds at most
    # (m + n + 2)·ε·S per entry, S = max‖x_t‖∞ + s·‖|A|ᵀ(|A|·max‖x_t‖∞ + |b|)‖∞, i.e.
    # ‖error‖₂ ≤ √n·T·(m + n + 2)·ε·S. 100× that (+ T + 1 for T = 0); one more or one fewer
    # step moves x by the un-converged step length, ≥ 1e-4·S on these inputs.
    xmax = float(np.max(np.abs(traj)))
    scale = xmax + step * float(np.max(np.abs(A).T @ (np.abs(A).sum(axis=1) * xmax + np.abs(b))))
    atol = 100 * np.sqrt(n) * (T + 1) * (m + n + 2) * EPS * max(scale, 1e-300)
    err = float(np.linalg.norm(x - traj[-1]))
    if err <= atol:
        return None
    if T >= 1 and float(np.linalg.norm(x - traj[-2])) <= atol:
        raise Mismatch("x is the iterate one step before x_T: run exactly T iterations from "
                       "x_0 = 0")
    if float(np.linalg.norm(x - trajectory(A, b, lam, step, T + 1)[-1])) <= atol:
        raise Mismatch("x is the iterate one step after x_T: run exactly T iterations from "
                       "x_0 = 0")
    if lam > 0 and float(np.linalg.norm(x - trajectory(A, b, lam / step, step, T)[-1])) <= atol:
        raise Mismatch("the soft-threshold level must be step·λ (the prox of step·λ‖·‖₁), "
                       "not λ")
    raise Mismatch("x_T differs from the proximal-gradient iterate: take the gradient step "
                   "u = x − step·Aᵀ(Ax − b), then soft-threshold u at step·λ")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Thresholds at λ instead of step·λ (the prox of λ‖·‖₁, not of step·λ‖·‖₁).
    Wrong("threshold_lam",
          hint=(
                "You soft-thresholded at λ: the proximal operator of step·λ‖x‖₁ thresholds at "
                "step·λ, so multiply λ by the step size."),
          code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - lam, 0.0)
    return x
'''),
    # Gradient of ‖Ax − b‖² (no ½): twice the step along the gradient.
    Wrong("gradient_without_half",
          hint=(
                "Your gradient step is twice too long: the objective is ½‖Ax − b‖², whose "
                "gradient is Aᵀ(Ax − b) with no factor 2."),
          code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * 2 * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - step * lam, 0.0)
    return x
'''),
    # One iteration too many (counts x_0 as not being an iterate).
    Wrong("off_by_one",
          hint=(
                "You ran one iteration too many: starting from x_0 = 0, return x_T after "
                "exactly T proximal-gradient steps (T = 0 returns x_0)."),
          code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T + 1):
        u = x - step * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - step * lam, 0.0)
    return x
'''),
    # Prox first, then the gradient step: x ← S(x) − step·∇f(S(x)).
    Wrong("prox_then_gradient",
          hint=(
                "You soft-thresholded before the gradient step: each iteration first takes u = "
                "x − step·Aᵀ(Ax − b), then soft-thresholds u."),
          code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        v = np.sign(x) * np.maximum(np.abs(x) - step * lam, 0.0)
        x = v - step * A.T @ (A @ v - b)
    return x
'''),
    # Hard thresholding: keeps u_i when |u_i| > step·λ instead of shrinking it.
    Wrong("hard_threshold",
          hint=(
                "You kept the entries above the threshold unchanged (hard thresholding): the "
                "soft-threshold also shrinks them towards 0 by step·λ."),
          code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * A.T @ (A @ x - b)
        x = np.where(np.abs(u) > step * lam, u, 0.0)
    return x
'''),
)

ALTERNATIVES = (
    # Soft thresholding as u − clip(u, −τ, τ).
    Alternative("clip_form", code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    tau = step * lam
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * (A.T @ (A @ x) - A.T @ b)
        x = u - np.clip(u, -tau, tau)
    return x
'''),
    # Precomputed Gram matrix AᵀA and Aᵀb, thresholding with maximum/minimum.
    Alternative("gram_matrix", code='''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    G = A.T @ A
    c = A.T @ np.asarray(b, dtype=float)
    tau = step * lam
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * (G @ x - c)
        x = np.maximum(u - tau, 0.0) + np.minimum(u + tau, 0.0)
    return x
'''),
    # Coordinate-wise soft thresholding in plain Python.
    Alternative("coordinate_loop", code='''
def ista(A, b, lam, step, T):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(int(T)):
        u = x - step * (A.T @ (A @ x - b))
        x = np.zeros_like(u)
        for i, ui in enumerate(u):
            if ui > step * lam:
                x[i] = ui - step * lam
            elif ui < -step * lam:
                x[i] = ui + step * lam
    return x
'''),
)


TASK = Task(
    answer_cell="e4_ista",
    checks=(CheckSpec(id="optimisation.exam_ista", unit="optimisation", function="ista",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
