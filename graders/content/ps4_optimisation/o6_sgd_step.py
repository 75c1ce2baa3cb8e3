"""O6a ``sgd_step(theta, X, y, idx, lr) -> theta_new``: one minibatch SGD step for least squares.

Convention (stated in the notebook): the minibatch loss is (1/2B)·Σ_{i∈idx}(x_iᵀθ − y_i)²
with B = len(idx) (a repeated index counts every time), so the step is
θ − (lr/B)·X_Bᵀ(X_B θ − y_B); inputs may have integer dtype; a new float array of shape (d,)
is returned.

Graded by comparison with the reference at rtol 1e-10, with diagnostics by name. B ≠ N on
every case but the full-batch one, so 1/N and 1/B differ. Catches: dividing by N, a sum
instead of a mean, an uphill step, a missing ½ (twice the gradient), de-duplicated indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.optimisation import close as _close
from graders.content.units.optimisation import least_squares_step
from graders.content.units.optimisation import regression as _regression
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(theta: Any, X: Any, y: Any, idx: Any, lr: float) -> np.ndarray:
    """Reference O6a: θ − (lr/B)·X_Bᵀ(X_B θ − y_B), B = len(idx), repeats counted."""
    return least_squares_step(theta, X, y, idx, lr)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O6a: B ≠ N everywhere but the full-batch case, so 1/N vs 1/B shows."""
    def case(label: str, N: int, d: int, idx: np.ndarray, lr: float) -> Case:
        X, y = _regression(rng, N, d)
        return Case(label, (rng.standard_normal(d), X, y, idx, lr))

    Xi = rng.integers(-3, 4, size=(6, 2))
    return [
        case("N = 10, B = 4, d = 3", 10, 3, rng.choice(10, 4, replace=False), 0.1),
        case("B = 1", 8, 3, np.array([int(rng.integers(8))]), 0.05),
        case("full batch B = N = 7 (shuffled)", 7, 2, rng.permutation(7), 0.2),
        case("repeated indices, B = 6 > N = 5", 5, 3, np.array([0, 3, 3, 1, 0, 3]), 0.1),
        case("d = 1, B = 3", 9, 1, rng.choice(9, 3, replace=False), 0.3),
        Case("integer dtype theta, X, y", (rng.integers(-2, 3, size=2), Xi,
                                            Xi @ np.array([1, -2]) + 1,
                                            np.array([4, 0, 2]), 0.01)),
        case("N = 12, B = 3, unsorted indices, d = 5", 12, 5, np.array([9, 2, 7]), 0.05),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O6a: the update exactly (rtol 1e-10), with diagnostics for 1/N, no mean, +, 2/B."""
    theta, X, y, idx, lr = case.args
    th, Xb, yb = _f(theta), _f(X)[np.asarray(idx)], _f(y)[np.asarray(idx)]
    out = as_array(output, name="theta", shape=th.shape)
    ref = reference(theta, X, y, idx, lr)
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


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Divides by N instead of the batch size B.
    Wrong("divide_by_N",
          hint=("You divide by N, the number of examples: the minibatch gradient averages over "
                "the batch, so divide by B = len(idx)."),
          code='''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - lr / len(y) * Xb.T @ (Xb @ theta - yb)
'''),
    # Sums the per-example gradients (no mean).
    Wrong("sum_not_mean",
          hint=("You sum the per-example gradients: the minibatch gradient is their mean, so "
                "divide by B = len(idx)."),
          code='''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - lr * Xb.T @ (Xb @ theta - yb)
'''),
    # Uphill step.
    Wrong("plus_sign",
          hint="Your step goes uphill: the update is θ − lr·∇L_B(θ), subtracting the gradient.",
          code='''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta + lr / len(idx) * Xb.T @ (Xb @ theta - yb)
'''),
    # Gradient of the mean squared error without the ½: twice too large.
    Wrong("missing_half",
          hint=("Your step is twice too large: the loss carries a factor ½, so its gradient is "
                "(1/B)·X_Bᵀ(X_Bθ − y_B) with no 2."),
          code='''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - 2 * lr / len(idx) * Xb.T @ (Xb @ theta - yb)
'''),
    # De-duplicates the indices: repeated indices must count every time.
    Wrong("unique_indices",
          hint=("You drop repeated indices: an index that occurs several times in idx counts "
                "every time, and B = len(idx)."),
          code='''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    idx = np.unique(idx)
    Xb, yb = X[idx], y[idx]
    return theta - lr / len(idx) * Xb.T @ (Xb @ theta - yb)
'''),
)

ALTERNATIVES = (
    # Loop over the minibatch, accumulating per-example gradients.
    Alternative("per_example_loop", code='''
def sgd_step(theta, X, y, idx, lr):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in idx:
        xi = np.asarray(X[i], dtype=float)
        grad += (xi @ theta - y[i]) * xi
    return theta - lr * grad / len(idx)
'''),
    # Mean of the per-example gradients with broadcasting.
    Alternative("mean_of_gradients", code='''
def sgd_step(theta, X, y, idx, lr):
    theta = np.asarray(theta, dtype=float)
    Xb = np.take(np.asarray(X, dtype=float), idx, axis=0)
    r = Xb @ theta - np.take(np.asarray(y, dtype=float), idx)
    return theta - lr * np.mean(r[:, None] * Xb, axis=0)
'''),
    # einsum.
    Alternative("einsum", code='''
def sgd_step(theta, X, y, idx, lr):
    theta = np.asarray(theta, dtype=float)
    Xb = np.asarray(X, dtype=float)[idx]
    r = np.einsum("ij,j->i", Xb, theta) - np.asarray(y, dtype=float)[idx]
    return theta - (lr / Xb.shape[0]) * np.einsum("ij,i->j", Xb, r)
'''),
)

TASK = Task(
    answer_cell="o6_sgd_step",
    checks=(CheckSpec(id="optimisation.sgd_step", unit="optimisation",
                      function="sgd_step", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
