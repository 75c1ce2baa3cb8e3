"""E3 ``mlp_jacobian(W1, b1, W2, x) -> J``: the input Jacobian (``calculus.exam_mlp_jacobian``).

Convention (stated in the notebook): for f(x) = W2 tanh(W1 x + b1) with W1 (h, n), b1 (h,),
W2 (m, h) and x (n,), any real dtype, ``J`` has shape (m, n), J_ij = ∂f_i/∂x_j (a (1, n)
array for m = 1). Hidden units may saturate (|z| up to 800), where tanh′(z) underflows to 0:
no NaN or overflow is acceptable.

Graded entrywise, within the rounding bound of the sum Σ_k W2_ik tanh′(z_k) W1_kj, so forward
mode, reverse mode and sech² through cosh all pass. Catches: the transposed (n, m) layout,
1 − z² for tanh′, no activation derivative (W2 W1), sech instead of sech², the bias left out
of the pre-activation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def _sech2(z: np.ndarray) -> np.ndarray:
    """sech²(z) = 4 e^{−2|z|}/(1 + e^{−2|z|})², without overflow and without 1 − tanh²."""
    e = np.exp(-2.0 * np.abs(z))
    return np.asarray(4.0 * e / (1.0 + e) ** 2)


def reference(W1: Any, b1: Any, W2: Any, x: Any) -> np.ndarray:
    """Reference E3: J = W2 diag(sech²(W1 x + b1)) W1, shape (m, n)."""
    w1 = _f(W1)
    d = _sech2(w1 @ _f(x) + _f(b1))
    return np.asarray(_f(W2) @ (d[:, None] * w1))


# ---------------------------------------------------------------- hidden inputs


def _net(rng: np.random.Generator, n: int, h: int, m: int,
         x_scale: float = 1.0) -> tuple[np.ndarray, ...]:
    """Weights W1 (h, n), b1 (h,), W2 (m, h) and an input x (n,), pre-activations O(1)."""
    w1 = rng.standard_normal((h, n)) / np.sqrt(n)
    return (w1, 0.3 * rng.standard_normal(h), rng.standard_normal((m, h)),
            x_scale * rng.standard_normal(n))


def cases(rng: np.random.Generator) -> list[Case]:
    """E3: m ≠ n, square non-symmetric J, m = 1, n = 1, h = 1, saturated units, int dtype."""
    sat = list(_net(rng, 3, 5, 2))
    sat[1] = np.array([40.0, -35.0, 800.0, 0.2, -0.1])  # three saturated units
    return [
        Case("n = 3 inputs, h = 5 hidden, m = 2 outputs (m ≠ n)", _net(rng, 3, 5, 2)),
        Case("square n = m = 4 (J not symmetric)", _net(rng, 4, 6, 4)),
        Case("m = 1 output (a 1 x n Jacobian)", _net(rng, 5, 4, 1)),
        Case("n = 1 input (an m x 1 Jacobian)", _net(rng, 1, 4, 3)),
        Case("h = 1 hidden unit", _net(rng, 3, 1, 2)),
        Case("saturated hidden units (|z| up to 800)", tuple(sat)),
        Case("integer dtype weights and input",
             (rng.integers(-2, 3, size=(4, 3)), rng.integers(-1, 2, size=4),
              rng.integers(-3, 4, size=(2, 4)), rng.integers(-1, 2, size=3))),
        Case("zero input and zero bias", (*_net(rng, 4, 5, 3)[:1], np.zeros(5),
                                          rng.standard_normal((3, 5)), np.zeros(4))),
        Case("wide hidden layer h = 12, n = 6, m = 5", _net(rng, 6, 12, 5, x_scale=2.0)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E3: J (m, n) entrywise, within the rounding bound of the sum Σ_k W2_ik d_k W1_kj."""
    W1, b1, W2, x = (_f(a) for a in case.args)
    h, n = W1.shape
    m = W2.shape[0]
    J = as_array(output, name="J", ndim=2)
    if J.shape != (m, n):
        if J.shape == (n, m):
            raise Mismatch("J has shape (n, m): this is the transposed Jacobian; the spec "
                           "asks for J[i, j] = ∂f_i/∂x_j, shape (m, n)")
        raise Mismatch("J must have shape (m, n) = (outputs, inputs)")
    # d_k = sech²(z_k) is computed with absolute error ≤ 4ε (via 1 − tanh², cosh, exp), and z_k
    # carries (n + 1)·ε·(|W1||x| + |b1|)_k of rounding, which moves d_k by at most 0.77× that
    # (|d'| ≤ 4/(3√3)); the h-term dot product adds h·ε·Σ_k|W2_ik||W1_kj| (|d_k| ≤ 1). 100× the
    # sum bounds every correct order of evaluation; the bugs (1 − z², no σ', sech) are O(0.1).
    dz = (n + 1) * EPS * (np.abs(W1) @ np.abs(x) + np.abs(b1))
    bound = 100 * np.abs(W2) @ ((h * EPS + 4 * EPS + dz)[:, None] * np.abs(W1))
    J_ref = reference(W1, b1, W2, x)
    if np.all(np.abs(J - J_ref) <= bound):
        return None
    if m == n and np.all(np.abs(J.T - J_ref) <= bound):
        raise Mismatch("J is transposed: J[i, j] must be ∂f_i/∂x_j (row i = output i)")
    if np.all(np.abs(J - W2 @ W1) <= bound + 1e-12):
        raise Mismatch("J = W2 W1 ignores the derivative of tanh (chain rule)")
    raise Mismatch("J is wrong: J = W2 diag(1 − tanh(z)²) W1 with z = W1 x + b1 (chain rule "
                   "through the pre-activation z)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The (n, m) layout (gradients of the outputs as columns).
    Wrong("transposed",
          hint=(
                "You returned the transposed (n, m) Jacobian: J[i, j] = ∂f_i/∂x_j, so row i is "
                "the gradient of output i and J has shape (m, n)."),
          code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return (np.asarray(W2, dtype=float) @ ((1 - np.tanh(z) ** 2)[:, None] * W1)).T
'''),
    # tanh' evaluated on the pre-activation: 1 − z² instead of 1 − tanh(z)².
    Wrong("one_minus_z_squared",
          hint=(
                "You evaluated tanh′ as 1 − z²: the derivative of tanh at z is 1 − tanh(z)², so "
                "apply tanh to the pre-activation before squaring."),
          code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 - z ** 2)[:, None] * W1)
'''),
    # Forgets the activation's derivative: the Jacobian of the linear network.
    Wrong("no_activation_derivative",
          hint=(
                "W2 W1 is the Jacobian of the network without its activation: the chain rule "
                "puts tanh′(z) between them, J = W2 diag(tanh′(z)) W1 with z = W1 x + b1."),
          code='''
def mlp_jacobian(W1, b1, W2, x):
    return np.asarray(W2, dtype=float) @ np.asarray(W1, dtype=float)
'''),
    # sech instead of sech²: tanh'(z) = 1/cosh(z)², not 1/cosh(z).
    Wrong("sech_not_squared",
          hint=(
                "The derivative of tanh is sech²(z) = 1/cosh(z)², not 1/cosh(z): square the "
                "hyperbolic secant, or use 1 − tanh(z)²."),
          code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 / np.cosh(z))[:, None] * W1)
'''),
    # The bias is left out of the pre-activation.
    Wrong("bias_ignored",
          hint=(
                "You left the bias out of the pre-activation: tanh′ must be evaluated at z = W1 "
                "x + b1, including b1."),
          code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 - np.tanh(z) ** 2)[:, None] * W1)
'''),
)

ALTERNATIVES = (
    # einsum with the derivative written through cosh (overflow to inf gives 1/inf = 0).
    Alternative("einsum_cosh", code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    with np.errstate(over="ignore"):
        d = 1.0 / np.cosh(z) ** 2
    return np.einsum("ik,k,kj->ij", np.asarray(W2, dtype=float), d, W1)
'''),
    # Forward mode: one Jacobian-vector product per input direction e_j (column by column).
    Alternative("forward_mode_columns", code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    W2 = np.asarray(W2, dtype=float)
    a = np.tanh(W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float))
    n = W1.shape[1]
    J = np.zeros((W2.shape[0], n))
    for j in range(n):
        J[:, j] = W2 @ ((1 - a * a) * W1[:, j])
    return J
'''),
    # Reverse mode: one vector-Jacobian product per output (row by row).
    Alternative("reverse_mode_rows", code='''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    W2 = np.asarray(W2, dtype=float)
    t = np.tanh(W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float))
    rows = [W1.T @ (W2[i] * (1 - t) * (1 + t)) for i in range(W2.shape[0])]
    return np.array(rows).reshape(W2.shape[0], W1.shape[1])
'''),
)


TASK = Task(
    answer_cell="e3_mlp_jacobian",
    checks=(CheckSpec(id="calculus.exam_mlp_jacobian", unit="calculus", function="mlp_jacobian",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
