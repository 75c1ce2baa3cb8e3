"""O1 ``gd(grad, x0, lr, T) -> traj``: gradient descent with a fixed step size.

Convention (stated in the notebook): ``grad`` maps x of shape (d,) to ∇f(x); ``x0`` has shape
(d,) and any real dtype; ``traj`` is a float array of shape (T+1, d) whose row k is x_k, row 0
being x0 itself (T = 0 gives shape (1, d)). No safeguards: no stopping test, no step-size
changes, no clipping.

Graded by comparing the whole trajectory (rtol 1e-10, relative to the largest iterate so far)
on strongly convex quadratics and a logistic loss (``grad`` crosses the sandbox as a
``FunctionSpec`` and is built with :func:`graders.runtime.factories.build`, exactly as the
sandbox builds it); on one case lr = 2.5/L > 2/L and the check requires the reference's
trajectory, which grows: ‖x_T − x*‖ ≥ 10³‖x_0 − x*‖ (no safeguards, no early stop, still
finite). Catches: gradient ascent, T or T+2 rows, a transposed trajectory, rows aliasing one
array updated in place, an in-place update of an integer x0, a safeguard hiding divergence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import spd, sym_with_eigs
from graders.content.units.optimisation import build_input as _arg
from graders.content.units.optimisation import fspec as _fs
from graders.content.units.optimisation import quadratic_spec as _quad
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(grad: Callable[[np.ndarray], Any], x0: Any, lr: float, T: int) -> np.ndarray:
    """Reference O1: rows x_0 = x0, x_{k+1} = x_k − lr·∇f(x_k); shape (T+1, d)."""
    x = _f(x0).copy()
    traj = [x]
    for _ in range(int(T)):
        x = x - lr * _f(grad(x))
        traj.append(x)
    return np.array(traj)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O1: strongly convex quadratics (x* ≠ 0), a logistic loss, T = 0, int x0, lr > 2/L."""
    def quad_case(label: str, Q: np.ndarray, lr_times_L: float, T: int,
                  x0: np.ndarray | None = None, **ctx: Any) -> Case:
        d = Q.shape[0]
        c = np.asarray(rng.standard_normal(d))
        L = float(np.linalg.eigvalsh(Q)[-1])
        x0 = np.asarray(rng.standard_normal(d)) if x0 is None else x0
        xstar = np.linalg.solve(Q, -c)
        return Case(label, (_quad("grad", Q, c), x0, lr_times_L / L, T),
                    context={"xstar": xstar, **ctx})

    Qd = sym_with_eigs(rng, np.array([1.0, 4.0, 10.0]))
    vtop = np.linalg.eigh(Qd)[1][:, -1]
    cd = rng.standard_normal(3)
    x0d = np.linalg.solve(Qd, -cd) + vtop + 0.1 * rng.standard_normal(3)
    A = rng.standard_normal((12, 4))
    t = (rng.random(12) < 0.5).astype(float)
    mu = 0.1
    L_log = float(np.linalg.norm(A, 2) ** 2 / (4 * 12) + mu)  # σ' ≤ 1/4
    return [
        quad_case("SPD 2x2, lr = 1/L, T = 20", spd(rng, 2), 1.0, 20),
        quad_case("SPD 5x5, lr = 1.9/L (oscillating), T = 40", spd(rng, 5), 1.9, 40),
        quad_case("ill-conditioned 3x3 (κ = 100), lr = 1/L, T = 50",
                  sym_with_eigs(rng, np.array([1.0, 10.0, 100.0])), 1.0, 50),
        quad_case("d = 1, lr = 0.5/L, T = 10", np.array([[rng.uniform(1, 10)]]), 0.5, 10),
        quad_case("T = 0 (trajectory is x0 only), d = 3", spd(rng, 3), 1.0, 0),
        quad_case("integer dtype x0, d = 4, T = 15", spd(rng, 4), 1.0, 15,
                  x0=rng.integers(-5, 6, size=4)),
        Case("logistic loss + ridge (non-quadratic), d = 4, lr = 1/L, T = 30",
             (_fs("logistic_ridge_grad", A=A, t=t, mu=mu), rng.standard_normal(4),
              1.0 / L_log, 30)),
        Case("lr = 2.5/L > 2/L (must diverge), 3x3, T = 30",
             (_quad("grad", Qd, cd), x0d, 2.5 / 10.0, 30),
             context={"xstar": np.linalg.solve(Qd, -cd), "diverge": True}),
    ]


# ---------------------------------------------------------------- judge


def _rows_close(out: np.ndarray, ref: np.ndarray, rtol: float = 1e-10) -> bool:
    """Row k within rtol·|ref| + rtol·max_{j≤k}‖ref_j‖∞ (errors carried from earlier rows)."""
    scale = np.maximum.accumulate(np.max(np.abs(ref), axis=1))[:, None]
    return bool(np.all(np.abs(out - ref) <= rtol * (np.abs(ref) + scale)))


def judge(case: Case, output: Any) -> str | None:
    """O1: shape (T+1, d); divergence when required; the whole trajectory at rtol 1e-10."""
    grad, x0, lr, T = _arg(case.args[0]), _f(case.args[1]), float(case.args[2]), case.args[3]
    d, rows = x0.shape[0], int(T) + 1
    out = as_array(output, name="traj", ndim=2)
    if out.shape != (rows, d):
        if out.shape == (rows - 1, d):
            raise Mismatch("traj has T rows: include x0 as row 0 (T+1 rows in all)")
        if out.shape == (rows + 1, d):
            raise Mismatch("traj has T+2 rows: one iteration too many")
        if out.shape == (d, rows) and d != rows:
            raise Mismatch("traj is transposed: one row per iterate, shape (T+1, d)")
        raise Mismatch("traj must have shape (T+1, d)")
    if case.context.get("diverge"):
        xstar = _f(case.context["xstar"])
        if not np.linalg.norm(out[-1] - xstar) >= 1e3 * np.linalg.norm(out[0] - xstar):
            raise Mismatch("with lr > 2/L gradient descent must diverge, and your iterates do "
                           "not grow: no step-size safeguards, clipping or early stopping")
    ref = reference(grad, x0, lr, T)
    # Each step rounds at ~d·ε relative to the magnitudes involved; for lr ≤ 2/L the GD map of
    # a convex L-smooth f is non-expansive, so errors add up: ≤ T·d·ε·max‖x_j‖ ≈ 50·5·2.2e-16
    # ≈ 6e-14 relative. With lr > 2/L the error grows at the same rate as the iterates, so
    # relative to max_{j≤k}‖x_j‖ it is again ≤ T·d·ε. rtol 1e-10 (syllabus) leaves > 1000×.
    if _rows_close(out, ref):
        return None
    with np.errstate(all="ignore"):
        if _rows_close(out, reference(grad, x0, -lr, T)):
            raise Mismatch("this is gradient ascent: the update is x − lr·∇f(x), not x + lr·∇f(x)")
    if rows > 2 and np.all(out == out[-1]):
        raise Mismatch("every row is the same iterate: are you appending an array that is later "
                       "updated in place? append a copy")
    if not np.array_equal(out[0], x0):
        raise Mismatch("row 0 must be x0 itself")
    raise Mismatch("the trajectory differs from x_{k+1} = x_k − lr·∇f(x_k)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # +∇ instead of −∇: gradient ascent.
    Wrong("gradient_ascent",
          hint=("Your iterates climb instead of descending: the update is x − lr·∇f(x), so "
                "subtract the gradient rather than add it."),
          code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x = x + lr * grad(x)
        traj.append(x.copy())
    return np.array(traj)
'''),
    # Off by one: records the iterates after each step but not x0 (T rows).
    Wrong("missing_x0",
          hint=("Your trajectory has T rows: row 0 must be x0 itself, followed by the T "
                "iterates, so T+1 rows in all."),
          code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = []
    for _ in range(T):
        x = x - lr * grad(x)
        traj.append(x.copy())
    return np.array(traj).reshape(T, len(x))
'''),
    # Off by one the other way: T + 1 steps, T + 2 rows.
    Wrong("extra_iteration",
          hint=("Your trajectory has T+2 rows: run exactly T steps, so that together with x0 "
                "there are T+1 rows."),
          code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T + 1):
        x = x - lr * grad(x)
        traj.append(x.copy())
    return np.array(traj)
'''),
    # Appends the same array object that is then updated in place: every row is the last iterate.
    Wrong("inplace_aliasing",
          hint=("Every row of your trajectory is the last iterate: you append an array that is "
                "later updated in place, so append a copy of x."),
          code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x)
    return np.array(traj)
'''),
    # Copies x0 without converting: the in-place update of an integer array raises.
    Wrong("integer_inplace",
          hint=("An in-place update of an integer copy of x0 cannot hold floats and raises: "
                "start from a float array, np.array(x0, dtype=float)."),
          nameable=False,
          code='''
def gd(grad, x0, lr, T):
    x = x0.copy()
    traj = [x.copy()]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x.copy())
    return np.array(traj, dtype=float)
'''),
    # A "safeguard": freezes the iterate once it starts to blow up (hides divergence).
    Wrong("freeze_when_diverging",
          hint=("Your iterates stop growing when the step size is too large: remove every "
                "safeguard, clipping or early stop, since with lr > 2/L gradient descent must "
                "diverge."),
          code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x_new = x - lr * grad(x)
        if np.linalg.norm(x_new) > 10 * np.linalg.norm(traj[0]) + 10:
            x_new = x
        x = x_new
        traj.append(x.copy())
    return np.array(traj)
'''),
)

ALTERNATIVES = (
    # Preallocated trajectory, rows updated from the previous row.
    Alternative("preallocated", code='''
def gd(grad, x0, lr, T):
    x0 = np.asarray(x0, dtype=float)
    traj = np.empty((T + 1, x0.shape[0]))
    traj[0] = x0
    for k in range(T):
        traj[k + 1] = traj[k] - lr * np.asarray(grad(traj[k]))
    return traj
'''),
    # In-place update of a float copy, appending copies, stacked at the end.
    Alternative("inplace_with_copies", code='''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x.copy())
    return np.vstack(traj)
'''),
    # Functional style with np.subtract and a list comprehension-free recursion on a list.
    Alternative("subtract_stack", code='''
def gd(grad, x0, lr, T):
    xs = [np.asarray(x0, dtype=float)]
    while len(xs) < T + 1:
        xs.append(np.subtract(xs[-1], np.multiply(lr, grad(xs[-1]))))
    return np.stack(xs, axis=0)
'''),
)

TASK = Task(
    answer_cell="o1_gd",
    checks=(CheckSpec(id="optimisation.gd", unit="optimisation",
                      function="gd", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
