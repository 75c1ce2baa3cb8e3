"""C3 ``logreg_grad_hess(theta, X, y, lam) -> (g, H)``: the regularised logistic loss.

Convention (stated in the notebook): one example per row of X (N, D), labels y ∈ {0, 1}, the
loss ``ℓ(θ) = (1/N) Σ_i [log(1 + exp(x_iᵀθ)) − y_i x_iᵀθ] + (λ/2)‖θ‖²`` (a mean, and a
penalty contributing λθ and λI); X and y may have integer dtype; σ must stay finite where
``np.exp`` overflows (|x_iᵀθ| ≈ 800).

Graded: symmetric relative errors ‖g − g*‖/(‖g‖ + ‖g*‖) ≤ 1e-8 and the same for H; H must be
symmetric and positive semidefinite. The hidden inputs have |xᵀθ| ≈ 800, λ = 0, N = 1, D = 1,
integer X and y, separable data and θ = 0. Catches: the sum instead of the mean, the sign of
the data term, σ = eᶻ/(1 + eᶻ) overflowing to NaN, the penalty differentiated as λ‖θ‖²,
Hessian weights σ instead of σ(1 − σ).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple, rel_error
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(theta: Any, X: Any, y: Any, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """C3: g = Xᵀ(σ(Xθ) − y)/N + λθ and H = Xᵀ diag(σ(1−σ)) X/N + λI (σ = expit, no overflow)."""
    th, Xm, yv = _f(theta), _f(X), _f(y)
    n = Xm.shape[0]
    z = Xm @ th
    s = scipy.special.expit(z)
    w = scipy.special.expit(z) * scipy.special.expit(-z)
    g = Xm.T @ (s - yv) / n + lam * th
    H = (Xm.T * w) @ Xm / n + lam * np.eye(th.size)
    return g, (H + H.T) / 2


# ---------------------------------------------------------------- hidden inputs


def _logreg_data(rng: np.random.Generator, n: int, d: int,
                 zscale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    theta = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 0.5).astype(float)
    if zscale != 1.0:  # rescale rows so that |x_iᵀθ| = zscale·(1 ± 10%)
        z = X @ theta
        X = X * (zscale * rng.uniform(0.9, 1.1, n) / np.maximum(np.abs(z), 1e-3))[:, None]
    return theta, X, y


def cases(rng: np.random.Generator) -> list[Case]:
    """C3: λ ≠ 0 (λ vs λ/2 shows) and λ = 0; huge margins; integer data; tiny N and D."""
    t1, X1, y1 = _logreg_data(rng, 20, 3)
    t2, X2, y2 = _logreg_data(rng, 12, 4, zscale=800.0)
    t3, X3, y3 = _logreg_data(rng, 15, 2)
    t4, X4, y4 = _logreg_data(rng, 1, 3)
    t5, X5, y5 = _logreg_data(rng, 10, 1)
    Xi = rng.integers(-3, 4, (9, 3))
    yi = rng.integers(0, 2, 9)
    yi[:2] = [0, 1]
    Xs = np.vstack([rng.uniform(1, 2, (5, 2)), -rng.uniform(1, 2, (5, 2))])
    ys = np.r_[np.ones(5), np.zeros(5)]
    return [
        Case("N = 20, D = 3, lam = 0.3", (t1, X1, y1, 0.3)),
        Case("|x^T theta| ~ 800 (overflow of exp), lam = 0.1", (t2, X2, y2, 0.1)),
        Case("lam = 0", (t3, X3, y3, 0.0)),
        Case("N = 1, lam = 0.5", (t4, X4, y4, 0.5)),
        Case("D = 1, lam = 2", (t5, X5, y5, 2.0)),
        Case("integer dtype X and y, lam = 0.25", (rng.standard_normal(3), Xi, yi, 0.25)),
        Case("separable data, large theta, lam = 0.05",
             (np.array([6.0, 5.0]) * rng.uniform(0.8, 1.2), Xs, ys, 0.05)),
        Case("theta = 0, lam = 1", (np.zeros(3), *_logreg_data(rng, 8, 3)[1:], 1.0)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C3: symmetric relative errors ≤ 1e-8; H symmetric and PSD."""
    theta, X, y, lam = _f(case.args[0]), _f(case.args[1]), _f(case.args[2]), float(case.args[3])
    d, n = theta.size, X.shape[0]
    g_out, h_out = as_tuple(output, 2, name="(g, H)")
    g = as_array(g_out, name="g", shape=(d,))
    H = as_array(h_out, name="H", shape=(d, d))
    g_ref, H_ref = reference(theta, X, y, lam)
    # Each entry is a sum of N terms bounded by the inputs: rounding ≤ γ_N·Σ|terms|, and the
    # generators keep Σ|terms| ≤ 1e3·‖g‖, so ≲ 1e-12 relative; 1e-8 is the syllabus bound.
    if rel_error(g, g_ref) > 1e-8:
        g_data = g_ref - lam * theta
        if n > 1 and rel_error(g, n * g_data + lam * theta) <= 1e-8:
            raise Mismatch("g: missing the 1/N factor of the mean")
        if rel_error(g, -g_data + lam * theta) <= 1e-8:
            raise Mismatch("g: sign error in the data term, Xᵀ(σ(Xθ) − y)/N")
        if lam and rel_error(g, g_data + 2 * lam * theta) <= 1e-8:
            raise Mismatch("g: the penalty (λ/2)‖θ‖² has gradient λθ, not 2λθ")
        raise Mismatch("g differs from the gradient beyond the relative tolerance 1e-8")
    scale = float(np.linalg.norm(H_ref))
    # A Gram-type sum Xᵀ diag(w) X is symmetric to ~N·ε‖H‖ in any summation order.
    if np.linalg.norm(H - H.T) > 1e-10 * scale:
        raise Mismatch("H is not symmetric")
    if np.linalg.eigvalsh((H + H.T) / 2)[0] < -1e-10 * scale:
        raise Mismatch("H is not positive semidefinite")
    if rel_error(H, H_ref) > 1e-8:
        if lam and rel_error(H, H_ref + lam * np.eye(d)) <= 1e-8:
            raise Mismatch("H: the penalty (λ/2)‖θ‖² contributes λI, not 2λI")
        raise Mismatch("H differs from the Hessian beyond the relative tolerance 1e-8 "
                       "(the weights are σ(z)(1 − σ(z)), and mind the 1/N)")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Sums instead of averaging over the N examples.
    Wrong("missing_1_over_N",
          hint=("Your data term is a sum over the examples, but the loss averages them: divide "
                "the data parts of g and H by N (the penalty parts stay as they are)."),
          code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) + lam * np.eye(len(theta))
    return g, H
'''),
    # The data term with the opposite sign.
    Wrong("sign_error",
          hint=("The data term of your gradient has the wrong sign: the derivative of log(1 + "
                "exp(z)) − y z is σ(z) − y, so g uses Xᵀ(σ(Xθ) − y)/N."),
          code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (y - s) / N + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + lam * np.eye(len(theta))
    return g, H
'''),
    # sigma(z) = e^z / (1 + e^z): inf/inf = NaN once z > 709.
    Wrong("overflowing_exp",
          hint=("Computing σ(z) as exp(z)/(1 + exp(z)) gives inf/inf = NaN once z is large: use "
                "a form that cannot overflow, such as 0.5 * (1 + tanh(z/2))."),
          code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    ez = np.exp(X @ theta)
    s = ez / (1 + ez)
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + lam * np.eye(len(theta))
    return g, H
'''),
    # Penalty differentiated as if it were lam * ||theta||^2.
    Wrong("lam_instead_of_lam_over_2",
          hint=("The penalty is (λ/2)‖θ‖², so it contributes λθ to the gradient and λI to the "
                "Hessian, not 2λθ and 2λI."),
          code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) / N + 2 * lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + 2 * lam * np.eye(len(theta))
    return g, H
'''),
    # Hessian weights sigma instead of sigma (1 - sigma).
    Wrong("hessian_weights_sigma",
          hint=("The Hessian weights each example by σ'(z) = σ(z)(1 − σ(z)), not by σ(z): check "
                "the diagonal matrix in Xᵀ S X / N."),
          code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ (X * s[:, None]) / N + lam * np.eye(len(theta))
    return g, H
'''),
)

ALTERNATIVES = (
    # A loop over examples with a branch-stable sigmoid.
    Alternative("loop_stable_sigmoid", code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    g = lam * np.asarray(theta, dtype=float)
    H = lam * np.eye(D)
    for xi, yi in zip(X, y):
        z = xi @ theta
        s = 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))
        g = g + (s - yi) * xi / N
        H = H + s * (1 - s) * np.outer(xi, xi) / N
    return g, H
'''),
    # sigma through logaddexp, Hessian by einsum.
    Alternative("logaddexp_einsum", code='''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    z = X @ theta
    s = np.exp(-np.logaddexp(0.0, -z))
    w = np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))
    g = np.mean((s - y)[:, None] * X, axis=0) + lam * theta
    H = np.einsum("n,ni,nj->ij", w, X, X) / len(y) + lam * np.eye(X.shape[1])
    return g, H
'''),
    # scipy's expit, with the diagonal weight matrix written out.
    Alternative("expit_diag", code='''
from scipy.special import expit

def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = len(y)
    s = expit(X @ theta)
    S = np.diag(s * (1 - s))
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ S @ X / N + lam * np.eye(X.shape[1])
    return g, H
'''),
)

TASK = Task(
    answer_cell="c3_logreg_grad_hess",
    checks=(CheckSpec(id="calculus.logreg_grad_hess", unit="calculus", function="logreg_grad_hess",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
