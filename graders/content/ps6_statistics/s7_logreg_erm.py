"""S7 ``logreg_erm(X, y, lam) -> theta``: regularised logistic regression by risk minimisation.

Convention (stated in the notebook): labels in {0, 1}, no separate intercept (X carries its own
column of ones where wanted), and the regularised empirical risk
R(θ) = (1/N) Σ [log(1 + exp(xᵢᵀθ)) − yᵢ xᵢᵀθ] + (λ/2)‖θ‖², which ``theta`` (shape (D,))
minimises.

Graded by ‖∇R(θ)‖ ≤ 1e-6 and R(θ) ≤ R(θ*) + 1e-9, never by θ's digits, so Newton (with {0, 1}
or correctly converted {−1, 1} labels), L-BFGS and gradient descent stopped on the gradient
norm all pass. The hidden inputs include separable data (no minimiser without λ) and small λ
(slow gradient descent), integer data, all labels 1, N < D and float labels. Catches: no
regularisation, the {−1, 1} loss applied to {0, 1} labels, a fixed number of gradient steps,
λ‖θ‖² without the ½, the sum of the losses instead of their mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design
from graders.errors import Mismatch

__all__ = [
    "TASK",
    "cases",
    "judge",
    "logreg_grad",
    "logreg_grad_floor",
    "logreg_objective",
    "logreg_objective_floor",
    "reference",
]


def logreg_objective(theta: Any, X: Any, y: Any, lam: float) -> float:
    """R(θ) = mean(log(1 + exp(Xθ)) − y·Xθ) + λ/2‖θ‖², evaluated stably."""
    th = _f(theta)
    z = _f(X) @ th
    return float(np.mean(np.logaddexp(0.0, z) - _f(y) * z) + 0.5 * float(lam) * (th @ th))


def logreg_grad(theta: Any, X: Any, y: Any, lam: float) -> np.ndarray:
    """∇R(θ) = Xᵀ(σ(Xθ) − y)/N + λθ."""
    x, th = _f(X), _f(theta)
    p = 0.5 * (1.0 + np.tanh(0.5 * (x @ th)))  # σ(z) without overflow
    return np.asarray(x.T @ (p - _f(y)) / x.shape[0] + float(lam) * th)


def logreg_grad_floor(theta: Any, X: Any, lam: float) -> float:
    """A bound on the rounding error of :func:`logreg_grad` at θ (its noise floor).

    Each gradient entry is a length-N dot product of x_ij with r_i = σ(z_i) − y_i
    (|r_i| ≤ 1), divided by N, plus λθ_j. A dot product of length N errs by at most
    γ_N·Σ|x_ij||r_i| ≤ N·ε·Σ|x_ij|; r_i itself inherits z_i = x_i·θ's error
    γ_D·Σ_j|x_ij||θ_j| through σ' ≤ 1/4. So entry j errs by at most
    (N + D)·ε·(Σ_i |x_ij|(1 + ¼|x_i||θ|))/N + ε·λ|θ_j|, and the vector by its 2-norm.
    """
    x, th = np.abs(_f(X)), np.abs(_f(theta))
    n, d = x.shape
    per_entry = x.T @ (1.0 + 0.25 * (x @ th)) / n
    return float((n + d) * EPS * (np.linalg.norm(per_entry) + float(lam) * np.linalg.norm(th)))


def logreg_objective_floor(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    """A bound on the rounding error of :func:`logreg_objective` at θ.

    Each of the N terms log(1 + e^z) − y·z has magnitude ≤ log(1 + e^|z|) + |y||z| and errs
    by a few ε of it plus z's error (≤ D·ε·|x||θ|); the mean of N of them adds γ_N. So
    (N + D + 4)·ε times the mean magnitude, plus the same relative error of λ/2‖θ‖².
    """
    z = np.abs(X) @ np.abs(theta)
    n, d = X.shape
    size = np.mean(np.logaddexp(0.0, z) + np.abs(y) * z) + 0.5 * lam * float(theta @ theta)
    return float((n + d + 4) * EPS * size)


def reference(X: Any, y: Any, lam: float) -> np.ndarray:
    """Reference S7: damped Newton from θ = 0 down to the gradient's rounding floor.

    R is λ-strongly convex, so Newton converges quadratically once near θ*. The Armijo test
    allows the objective's own rounding error (:func:`logreg_objective_floor`): without it, near θ*
    the true decrease falls below R's rounding and the line search would shrink the step to
    nothing, leaving ‖∇R‖ far above its floor. The loop stops once ‖∇R‖ is within twice
    :func:`logreg_grad_floor` (no computed gradient can be told from zero below that).
    """
    x, yv, lam_f = _f(X), _f(y), float(lam)
    n, d = x.shape
    th = np.zeros(d)
    for _ in range(200):
        g = logreg_grad(th, x, yv, lam_f)
        if np.linalg.norm(g) <= 2 * logreg_grad_floor(th, x, lam_f):
            break
        p = 0.5 * (1.0 + np.tanh(0.5 * (x @ th)))
        H = (x.T * (p * (1 - p))) @ x / n + lam_f * np.eye(d)
        step = scipy.linalg.solve(H, g, assume_a="pos")
        t, r0 = 1.0, logreg_objective(th, x, yv, lam_f)
        slack = 2 * logreg_objective_floor(th, x, yv, lam_f)
        while logreg_objective(th - t * step, x, yv, lam_f) > r0 - 1e-4 * t * (g @ step) + slack \
                and t > 1e-10:
            t /= 2
        th = th - t * step
    return th


# ---------------------------------------------------------------- hidden inputs


def _classes(rng: np.random.Generator, n: int, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 2-D, centres ±gap/2 along a random direction; X = [1, x1, x2]."""
    y = np.zeros(n, dtype=np.int64)
    y[rng.permutation(n)[: n // 2]] = 1
    t = rng.uniform(0, 2 * np.pi)
    u = np.array([np.cos(t), np.sin(t)])
    pts = rng.standard_normal((n, 2)) * 0.5 + np.outer(y - 0.5, u) * gap
    return np.column_stack([np.ones(n), pts]), y


def _separable(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Linearly separable 2-D classes (redrawn until a margin exists along the centre line)."""
    while True:
        X, y = _classes(rng, n, 4.0)
        w = np.linalg.lstsq(X, 2.0 * y - 1.0, rcond=None)[0]
        if np.all((X @ w) * (2 * y - 1) > 0):
            return X, y


def cases(rng: np.random.Generator) -> list[Case]:
    """S7: separable data (no minimiser without λ), small λ (slow gradient descent)."""
    X_sep, y_sep = _separable(rng, 12)
    X_ov, y_ov = _classes(rng, 12, 1.0)
    X_int = np.column_stack([np.ones(8, dtype=np.int64), rng.integers(-3, 4, size=(8, 2))])
    y_int = (X_int[:, 1] + rng.integers(-1, 2, size=8) > 0).astype(np.int64)
    X_w, y_w = design(rng, 4, 6), np.array([0, 1, 1, 0])
    return [
        Case("separable 2-D classes with intercept, lam = 1e-3", (X_sep, y_sep, 1e-3)),
        Case("overlapping classes, lam = 0.1", (X_ov, y_ov, 0.1)),
        Case("integer dtype X and y, lam = 0.5", (X_int, y_int, 0.5)),
        Case("all labels 1, lam = 0.05", (design(rng, 6, 2), np.ones(6, dtype=np.int64), 0.05)),
        Case("high-dimensional N = 4 < D = 6 (separable), lam = 0.01", (X_w, y_w, 0.01)),
        Case("one feature, no intercept, float labels, lam = 1",
             (rng.standard_normal((9, 1)), (rng.random(9) < 0.5).astype(float), 1.0)),
        Case("large lam = 10 (theta near 0)", (X_ov, y_ov, 10.0)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S7: ‖∇R(θ)‖ ≤ 1e-6 and R(θ) ≤ R(θ*) + 1e-9 (R is λ-strongly convex)."""
    X, y, lam = _f(case.args[0]), _f(case.args[1]), float(case.args[2])
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (X.shape[1],):
        raise Mismatch("theta must have shape (D,), one weight per column of X")
    # Strong convexity: R(θ) − R* ≤ ‖∇R(θ)‖²/(2λ) ≤ 1e-12/(2·1e-3) = 5e-10 for λ ≥ 1e-3, so
    # the two syllabus bounds agree; both are far above the rounding of R and ∇R (~1e-15).
    gnorm = float(np.linalg.norm(logreg_grad(th, X, y, lam)))
    if gnorm > 1e-6:
        raise Mismatch(f"‖∇R(theta)‖ = {gnorm:.1e} > 1e-6: not the minimiser of the "
                       "regularised risk (is λ/2‖θ‖² included, are the labels used as "
                       "{0, 1}, and does the loop stop on the gradient norm?)")
    if logreg_objective(th, X, y, lam) > logreg_objective(reference(X, y, lam), X, y,
                                                           lam) + 1e-9:
        raise Mismatch("R(theta) exceeds the minimum by more than 1e-9")
    return None


# ---------------------------------------------------------------- planted answers

# Newton's method on a loss given by (grad, hess) functions of z = Xθ and θ.
_NEWTON = '''
def _newton(X, grad, hess, D, iters=100):
    theta = np.zeros(D)
    for _ in range(iters):
        g = grad(theta)
        if np.linalg.norm(g) <= 1e-12:
            break
        step = np.linalg.lstsq(hess(theta), g, rcond=None)[0]
        theta = theta - step
    return theta
'''

WRONG = (
    # No regularisation: diverges on separable data, wrong minimiser otherwise.
    Wrong("unregularised",
          hint=("The risk to minimise includes the penalty (λ/2)‖theta‖²: add λ·theta to the "
                "gradient and λ·I to the Hessian (without it, separable data have no minimiser)."),
          code=_NEWTON + '''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    def grad(t):
        return X.T @ (1 / (1 + np.exp(-np.clip(X @ t, -30, 30))) - y) / N
    def hess(t):
        p = 1 / (1 + np.exp(-np.clip(X @ t, -30, 30)))
        return (X.T * (p * (1 - p))) @ X / N
    return _newton(X, grad, hess, D, iters=30)
'''),
    # The {-1, 1} loss log(1 + exp(-y z)) applied to {0, 1} labels.
    Wrong("pm1_loss_on_01_labels",
          hint=("log(1 + exp(−y·z)) is the loss for labels in {−1, 1}; the labels here are in "
                "{0, 1}: use log(1 + exp(z)) − y·z, or convert the labels with 2y − 1 first."),
          code=_NEWTON + '''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    def grad(t):
        z = X @ t
        return -X.T @ (y / (1 + np.exp(y * z))) / N + lam * t
    def hess(t):
        q = 1 / (1 + np.exp(y * (X @ t)))
        return (X.T * (y**2 * q * (1 - q))) @ X / N + lam * np.eye(D)
    return _newton(X, grad, hess, D)
'''),
    # Gradient descent for a fixed number of iterations, no convergence test.
    Wrong("fixed_iterations_gd",
          hint=("A fixed number of gradient steps stops short of the minimiser when λ is small: "
                "iterate until the gradient norm is tiny, or use Newton's method."),
          code='''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    L = np.linalg.norm(X, 2) ** 2 / (4 * N) + lam
    theta = np.zeros(D)
    for _ in range(500):
        p = 1 / (1 + np.exp(-(X @ theta)))
        theta -= (X.T @ (p - y) / N + lam * theta) / L
    return theta
'''),
    # λ‖θ‖² instead of λ/2‖θ‖².
    Wrong("no_half",
          hint=("The penalty is (λ/2)‖theta‖², whose gradient is λ·theta; you minimised "
                "λ‖theta‖², which doubles the regularisation."),
          code=_NEWTON + '''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    def grad(t):
        return X.T @ (1 / (1 + np.exp(-(X @ t))) - y) / N + 2 * lam * t
    def hess(t):
        p = 1 / (1 + np.exp(-(X @ t)))
        return (X.T * (p * (1 - p))) @ X / N + 2 * lam * np.eye(D)
    return _newton(X, grad, hess, D)
'''),
    # Sum of the losses instead of their mean.
    Wrong("sum_not_mean",
          hint=("The empirical risk averages the losses over the N points (a 1/N factor); "
                "summing them weakens the penalty by a factor N."),
          code=_NEWTON + '''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    def grad(t):
        return X.T @ (1 / (1 + np.exp(-(X @ t))) - y) + lam * t
    def hess(t):
        p = 1 / (1 + np.exp(-(X @ t)))
        return (X.T * (p * (1 - p))) @ X + lam * np.eye(D)
    return _newton(X, grad, hess, D)
'''),
)

ALTERNATIVES = (
    # Newton with {-1, 1} labels, converted correctly: s = 2y - 1, loss log(1 + exp(-s z)).
    Alternative("newton_pm1_labels", code='''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    s = 2.0 * np.asarray(y, dtype=float) - 1.0
    N, D = X.shape
    theta = np.zeros(D)
    for _ in range(100):
        q = 1 / (1 + np.exp(s * (X @ theta)))     # sigma(-s z)
        g = -X.T @ (s * q) / N + lam * theta
        if np.linalg.norm(g) <= 1e-10:
            break
        H = (X.T * (q * (1 - q))) @ X / N + lam * np.eye(D)
        theta = theta - np.linalg.solve(H, g)
    return theta
'''),
    # scipy's L-BFGS with a tight gradient tolerance.
    Alternative("scipy_lbfgs", code='''
import scipy.optimize

def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    def fun(t):
        z = X @ t
        f = np.mean(np.logaddexp(0, z) - y * z) + lam / 2 * t @ t
        g = X.T @ (0.5 * (1 + np.tanh(z / 2)) - y) / N + lam * t
        return f, g
    res = scipy.optimize.minimize(fun, np.zeros(D), jac=True, method="L-BFGS-B",
                                  options={"gtol": 1e-11, "ftol": 0.0, "maxiter": 20000})
    return res.x
'''),
    # Plain gradient descent with step 1/L, stopped on the gradient norm.
    Alternative("gd_gradient_stop", code='''
def logreg_erm(X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N, D = X.shape
    L = np.linalg.norm(X, 2) ** 2 / (4 * N) + lam
    theta = np.zeros(D)
    for _ in range(1_000_000):
        g = X.T @ (1 / (1 + np.exp(-(X @ theta))) - y) / N + lam * theta
        if np.linalg.norm(g) <= 1e-8:
            break
        theta -= g / L
    return theta
'''),
)

TASK = Task(
    answer_cell="s7_logreg_erm",
    checks=(CheckSpec(id="statistics.logreg_erm", unit="statistics", function="logreg_erm",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
