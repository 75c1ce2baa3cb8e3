"""Unit 4 — Optimisation: references, judges and registrations of tasks O1–O6.

Registers seven checks at import (ids ``optimisation.<function>``), following
SYLLABUS.md "Unit 4 — Optimisation" and rules R1–R7:

* ``gd(grad, x0, lr, T) -> traj`` of shape (T+1, d), row 0 = x0: the whole trajectory is
  compared (rtol 1e-10) on strongly convex quadratics and a logistic loss; on one case
  lr = 2.5/L > 2/L and the check requires the reference's trajectory, which grows:
  ‖x_T − x*‖ ≥ 10³‖x_0 − x*‖ (no safeguards, no early stop, still finite).
* ``armijo(f, g, x, p, a0=1, rho=.5, c=1e-4) -> a``: the first a0·ρᵏ with
  f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp (non-strict), compared to 1e-12; ValueError when
  ∇f(x)ᵀp ≥ 0. Inputs are either exact dyadic boundaries or have every trial decided
  by a relative margin ≥ 1e-8 (see :func:`graders.optimisation_generators.armijo_margin`).
* ``eq_qp(Q, c, A, b) -> (x, lam)`` for L = ½xᵀQx + cᵀx + λᵀ(Ax − b): x to 1e-8, λ only
  through the stationarity residual Qx + c + Aᵀλ (λ is not unique with redundant rows).
  The opposite sign of λ is diagnosed by name, and fails, because the spec pins the sign.
* ``project_simplex(v)``: unique answer; sum 1, x ≥ 0, the variational inequality, and
  direct comparison.
* ``is_convex_quadratic(Q, tol) -> bool``: λ_min(½(Q + Qᵀ)) ≥ −tol. No case sits on the
  boundary itself (it cannot be decided reproducibly in floating point); the boundary
  cases are at −tol/2 and −2·tol.
* ``sgd_step(theta, X, y, idx, lr)``: θ − (lr/B)·X_Bᵀ(X_B θ − y_B), B = len(idx).
* ``sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None)``: the fixed protocol
  (``rng.permutation(N)`` once per epoch, minibatches perm[0:B], perm[B:2B], ..., the last
  one possibly smaller, the update of ``step``). The hidden cases pass the reference step
  as ``step`` (rule R3: an error in ``sgd_step`` is not punished twice) and the rng as
  ``FunctionSpec("rng", {"seed": s})`` with s drawn from the grading seed, so the check
  is exact and deterministic: its false-failure probability is 0, and regrading with
  the same seed gives the same verdict.

Function-valued inputs are built with :func:`graders.runtime.factories.build`, exactly
as the sandbox builds them. Each judge coerces the untrusted output with
:mod:`graders.compare` first and never reveals a hidden value in its messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graders import optimisation_generators as gen
from graders.checks import Case, CheckSpec, FunctionSpec, register
from graders.compare import as_array, as_float, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = [
    "ref_armijo",
    "ref_eq_qp",
    "ref_gd",
    "ref_is_convex_quadratic",
    "ref_project_simplex",
    "ref_sgd",
    "ref_sgd_step",
]


def _arg(value: Any) -> Any:
    """A trusted input: FunctionSpecs are built exactly as in the sandbox."""
    return build(value.factory, dict(value.params)) if isinstance(value, FunctionSpec) else value


# ---------------------------------------------------------------- references


def ref_gd(grad: Callable[[np.ndarray], Any], x0: Any, lr: float, T: int) -> np.ndarray:
    """Reference O1: rows x_0 = x0, x_{k+1} = x_k − lr·∇f(x_k); shape (T+1, d)."""
    x = _f(x0).copy()
    traj = [x]
    for _ in range(int(T)):
        x = x - lr * _f(grad(x))
        traj.append(x)
    return np.array(traj)


def ref_armijo(f: Callable[[np.ndarray], Any], g: Callable[[np.ndarray], Any], x: Any, p: Any,
               a0: float = 1.0, rho: float = 0.5, c: float = 1e-4) -> float:
    """Reference O2: first a = a0·ρᵏ with f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp."""
    xv, pv = _f(x), _f(p)
    fx, slope = float(f(xv)), float(_f(g(xv)) @ pv)
    if not slope < 0:
        raise ValueError("p is not a descent direction")
    a = float(a0)
    while float(f(xv + a * pv)) > fx + c * a * slope:
        a *= rho
    return a


def ref_eq_qp(Q: Any, c: Any, A: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference O3: minimum-norm least-squares solution of the KKT system.

    [[Q, Aᵀ], [A, 0]] [x; λ] = [−c; b]. With redundant rows the KKT matrix is singular;
    its null space is {(0, μ): Aᵀμ = 0}, so x is still unique and λ is the min-norm one.
    """
    Qm, cv, Am, bv = _f(Q), _f(c), _f(A), _f(b)
    n, m = Qm.shape[0], Am.shape[0]
    K = np.block([[Qm, Am.T], [Am, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.r_[-cv, bv], rcond=None)[0]
    return z[:n], z[n:]


def ref_project_simplex(v: Any) -> np.ndarray:
    """Reference O4: sort-based projection (Held–Wolfe–Crowder; Duchi et al. 2008)."""
    vv = _f(v)
    u = np.sort(vv)[::-1]
    css = np.cumsum(u) - 1.0
    k = np.arange(1, len(vv) + 1)
    r = int(k[u - css / k > 0][-1])
    return np.asarray(np.maximum(vv - css[r - 1] / r, 0.0))


def ref_is_convex_quadratic(Q: Any, tol: float = 1e-10) -> bool:
    """Reference O5: λ_min(½(Q + Qᵀ)) ≥ −tol."""
    Qm = _f(Q)
    return bool(np.linalg.eigvalsh(0.5 * (Qm + Qm.T))[0] >= -tol)


def ref_sgd_step(theta: Any, X: Any, y: Any, idx: Any, lr: float) -> np.ndarray:
    """Reference O6a: θ − (lr/B)·X_Bᵀ(X_B θ − y_B), B = len(idx), repeats counted."""
    ib = np.asarray(idx, dtype=np.int64)
    Xb, yb, th = _f(X)[ib], _f(y)[ib], _f(theta)
    return np.asarray(th - lr / len(ib) * (Xb.T @ (Xb @ th - yb)))


def ref_sgd(theta0: Any, X: Any, y: Any, lr: float, epochs: int, batch_size: int,
            rng: np.random.Generator, step: Callable[..., Any] | None = None,
            order: str = "fresh") -> np.ndarray:
    """Reference O6b: per epoch ``perm = rng.permutation(N)``, then batches perm[s:s+B] in order.

    ``order`` is for the judge's diagnostics only: "same" reuses the first epoch's
    permutation, "none" never shuffles, "drop" drops the last incomplete minibatch.
    """
    update = ref_sgd_step if step is None else step
    theta, N, B = _f(theta0).copy(), len(_f(y)), int(batch_size)
    perm = np.arange(N)
    for epoch in range(int(epochs)):
        if order == "fresh" or (order == "same" and epoch == 0) or order == "drop":
            perm = rng.permutation(N)
        stop = N - N % B if order == "drop" else N
        for s in range(0, stop, B):
            theta = _f(update(theta, X, y, perm[s:s + B], lr))
    return theta


# ---------------------------------------------------------------- judges


def _rows_close(out: np.ndarray, ref: np.ndarray, rtol: float = 1e-10) -> bool:
    """Row k within rtol·|ref| + rtol·max_{j≤k}‖ref_j‖∞ (errors carried from earlier rows)."""
    scale = np.maximum.accumulate(np.max(np.abs(ref), axis=1))[:, None]
    return bool(np.all(np.abs(out - ref) <= rtol * (np.abs(ref) + scale)))


def judge_gd(case: Case, output: Any) -> str | None:
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
    ref = ref_gd(grad, x0, lr, T)
    # Each step rounds at ~d·ε relative to the magnitudes involved; for lr ≤ 2/L the GD map of
    # a convex L-smooth f is non-expansive, so errors add up: ≤ T·d·ε·max‖x_j‖ ≈ 50·5·2.2e-16
    # ≈ 6e-14 relative. With lr > 2/L the error grows at the same rate as the iterates, so
    # relative to max_{j≤k}‖x_j‖ it is again ≤ T·d·ε. rtol 1e-10 (syllabus) leaves > 1000×.
    if _rows_close(out, ref):
        return None
    with np.errstate(all="ignore"):
        if _rows_close(out, ref_gd(grad, x0, -lr, T)):
            raise Mismatch("this is gradient ascent: the update is x − lr·∇f(x), not x + lr·∇f(x)")
    if rows > 2 and np.all(out == out[-1]):
        raise Mismatch("every row is the same iterate: are you appending an array that is later "
                       "updated in place? append a copy")
    if not np.array_equal(out[0], x0):
        raise Mismatch("row 0 must be x0 itself")
    raise Mismatch("the trajectory differs from x_{k+1} = x_k − lr·∇f(x_k)")


def judge_armijo(case: Case, output: Any) -> str | None:
    """O2: the accepted step to 1e-12, with the boundary decided by ≤."""
    f, g = _arg(case.args[0]), _arg(case.args[1])
    x, p = _f(case.args[2]), _f(case.args[3])
    kw = {"a0": 1.0, "rho": 0.5, "c": 1e-4, **case.kwargs}
    a = as_float(output, name="a")
    ref = ref_armijo(f, g, x, p, **kw)
    # a = a0·ρᵏ by k ≤ 200 multiplications (or a0*rho**k) carries ≤ k·ε/2 ≤ 3e-14 relative
    # error; the margin of the inputs makes k the same for every correct evaluation order, and
    # neighbouring candidates differ by a factor ρ ≤ 0.8: 1e-12 separates them with room.
    if abs(a - ref) <= 1e-12 * ref:
        return None
    rho, c = kw["rho"], kw["c"]
    if abs(a - ref * rho) <= 1e-12 * ref:
        raise Mismatch("one backtracking step too many: the first step with f(x+ap) ≤ "
                       "f(x) + c·a·∇fᵀp must be accepted, equality included (≤, not <)")
    if a > 0 and float(f(x + a * p)) > float(f(x)) + c * a * float(_f(g(x)) @ p):
        raise Mismatch("the returned step does not satisfy the sufficient-decrease condition "
                       "f(x + a p) ≤ f(x) + c·a·∇f(x)ᵀp: missing c, or a wrong slope term?")
    raise Mismatch("not the first step a0·ρᵏ (k = 0, 1, 2, ...) that satisfies the condition: "
                   "start at a0 and use the given rho and c")


def judge_eq_qp(case: Case, output: Any) -> str | None:
    """O3: feasibility, x to 1e-8, and λ through the stationarity residual."""
    Q, c, A, b = (_f(v) for v in case.args)
    n, m = Q.shape[0], A.shape[0]
    x_ref, lam_ref = ref_eq_qp(Q, c, A, b)
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


def judge_project_simplex(case: Case, output: Any) -> str | None:
    """O4: sums to 1, non-negative, variational inequality, then the unique answer."""
    v = _f(case.args[0])
    n = v.shape[0]
    x = as_array(output, name="x", shape=(n,))
    ref = ref_project_simplex(v)
    # The sort-based τ = (Σ_{i≤k} u_i − 1)/k has error ≤ n²·ε·s with s = max(1, ‖v‖∞)
    # (n ≤ 10: ≤ 2.2e-14·s), and x = max(v − τ, 0) inherits it; atol δ = 1e-10·s (R2).
    # The property tests use bounds implied by it: |Σx − 1| ≤ n·δ, x ≥ −δ, and the VI value
    # max_j (v − x)_j − (v − x)ᵀx (0 at the projection) moves by ≤ δ(2 + 2n·s) ≤ 4n·s·δ.
    s = max(1.0, float(np.max(np.abs(v))))
    delta = 1e-10 * s
    if abs(float(x.sum()) - 1.0) > n * delta:
        raise Mismatch("x does not sum to 1")
    if np.min(x) < -delta:
        raise Mismatch("x has negative entries")
    r = v - x
    if float(np.max(r) - r @ x) > 4 * n * s * delta:
        raise Mismatch("x is in the simplex but is not the closest point to v (the variational "
                       "inequality (v − x)ᵀ(y − x) ≤ 0 fails): clipping then renormalising?")
    if np.max(np.abs(x - ref)) > delta:
        raise Mismatch("x differs from the Euclidean projection of v onto the simplex")
    return None


def judge_is_convex_quadratic(case: Case, output: Any) -> str | None:
    """O5: exact boolean; inputs keep |λ_min + tol| ≥ tol/2 ≫ rounding (≤ 1e-14·‖Q‖)."""
    arr = as_array(output, name="is_convex", kinds="b")
    if arr.shape != ():
        raise Mismatch("return a single bool, not an array")
    if bool(arr) == ref_is_convex_quadratic(*case.args):
        return None
    raise Mismatch("wrong answer: decide by λ_min(½(Q + Qᵀ)) ≥ −tol (the eigenvalues of a "
                   "non-symmetric Q say nothing about convexity; eigvalsh reads one triangle)")


def _close(out: np.ndarray, ref: np.ndarray, scale: float) -> bool:
    return bool(np.all(np.abs(out - ref) <= 1e-10 * (np.abs(ref) + scale)))


def judge_sgd_step(case: Case, output: Any) -> str | None:
    """O6a: the update exactly (rtol 1e-10), with diagnostics for 1/N, no mean, +, 2/B."""
    theta, X, y, idx, lr = case.args
    th, Xb, yb = _f(theta), _f(X)[np.asarray(idx)], _f(y)[np.asarray(idx)]
    out = as_array(output, name="theta", shape=th.shape)
    ref = ref_sgd_step(theta, X, y, idx, lr)
    # One step: the sum over B rows rounds at ≤ B·d·ε relative to the magnitudes
    # |θ| + lr/B·|X_B|ᵀ|X_B θ − y_B| ≤ 12·5·2.2e-16 ≈ 1e-14: rtol 1e-10 (R2) with that scale.
    gsum = Xb.T @ (Xb @ th - yb)
    scale = float(np.max(np.abs(th)) + lr / len(yb) * np.max(np.abs(Xb).T @ np.abs(Xb @ th - yb)))
    if _close(out, ref, scale):
        return None
    for wrong, msg in ((th - lr / len(_f(y)) * gsum, "dividing by N instead of the batch size B"),
                       (th - lr * gsum, "the gradient is summed, not averaged over the batch"),
                       (th + lr / len(yb) * gsum, "the step goes uphill (+ instead of −)"),
                       (th - 2 * lr / len(yb) * gsum, "the gradient is twice too large (the "
                                                      "loss has a factor ½)")):
        if _close(out, wrong, scale):
            raise Mismatch(f"looks like {msg}")
    raise Mismatch("theta differs from θ − (lr/B)·X_Bᵀ(X_B θ − y_B) with B = len(idx) "
                   "(repeated indices count every time)")


def judge_sgd(case: Case, output: Any) -> str | None:
    """O6b: exact protocol, so the final θ matches the reference for the same seed."""
    theta0, X, y, lr, epochs, B, rng_spec = case.args
    step = _arg(case.kwargs["step"])
    th0 = _f(theta0)
    out = as_array(output, name="theta", shape=th0.shape)

    def run(order: str) -> np.ndarray:
        return ref_sgd(theta0, X, y, lr, epochs, B, _arg(rng_spec), step, order=order)

    ref = run("fresh")
    # lr·‖xᵢ‖² ≤ ½ makes every step non-expansive, so the rounding of ≤ 40 steps adds up:
    # ≤ 40·B·d·ε ≈ 4e-13 relative to max(|θ|) along the path; rtol 1e-10 leaves > 100×.
    ls = np.linalg.lstsq(_f(X), _f(y), rcond=None)[0]
    scale = float(max(np.max(np.abs(th0)), np.max(np.abs(ref)), np.max(np.abs(ls))))
    if _close(out, ref, scale):
        return None
    for order, msg in (("same", "the same permutation is reused every epoch: call "
                                "rng.permutation(N) at the start of each epoch"),
                       ("none", "the data are not shuffled"),
                       ("drop", "the last, smaller minibatch is dropped: keep it")):
        if _close(out, run(order), scale):
            raise Mismatch(f"looks like {msg}")
    raise Mismatch("theta differs from the specified protocol (rng.permutation(N) once per "
                   "epoch and no other use of rng, minibatches in order, the update of step)")


# ---------------------------------------------------------------- registration

_SPECS = [
    ("gd", gen.cases_gd, judge_gd),
    ("armijo", gen.cases_armijo, judge_armijo),
    ("eq_qp", gen.cases_eq_qp, judge_eq_qp),
    ("project_simplex", gen.cases_project_simplex, judge_project_simplex),
    ("is_convex_quadratic", gen.cases_is_convex_quadratic, judge_is_convex_quadratic),
    ("sgd_step", gen.cases_sgd_step, judge_sgd_step),
    ("sgd", gen.cases_sgd, judge_sgd),
]

for _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"optimisation.{_name}", unit="optimisation", function=_name,
                       cases=_cases, judge=_judge))
