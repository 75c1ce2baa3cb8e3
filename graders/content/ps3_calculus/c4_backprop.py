"""C4 ``backprop(params, X, Y) -> grads``: backpropagation in the 1-6-7-2 sigmoid network.

Convention (stated in the notebook): the Coursera "Backpropagation" network, 1 input, hidden
layers of 6 and 7 and 2 outputs, all logistic; ``params = (W1, b1, W2, b2, W3, b3)`` a tuple in
this order (a dict cannot cross the sandbox as plain data, so the Coursera dict becomes a
tuple) with W_l of shape (n_l, n_{l−1}); data as (N, D) rows (syllabus layout); the cost
``C = (1/N) Σ_n ‖a3_n − y_n‖²`` (Coursera's convention, factor 2 in the derivative);
``grads = (dW1, db1, dW2, db2, dW3, db3)`` shaped as the parameters, biases summed over
the batch.

Graded: each gradient against the reference at rtol 1e-8 / atol 1e-10, plus a
finite-difference spot check of three entries against the cost itself. The hidden inputs
have N = 1, saturated units, a Coursera-style initialisation and zero biases. Catches: σ'
evaluated at a instead of z, the factor 2 or the 1/N dropped, W instead of Wᵀ in the
backward pass, bias gradients not summed over the batch or averaged twice.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import scipy.special

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["LAYERS", "TASK", "cases", "cost", "judge", "reference"]

#: The network of C4 (Coursera "Backpropagation"): 1 input, hidden 6 and 7, 2 outputs.
LAYERS = (1, 6, 7, 2)


def _forward(params: Any, X: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Activations a0..a3 (rows = examples) and pre-activations z1..z3 of the 1-6-7-2 net."""
    acts, zs = [_f(X)], []
    for W, b in zip(params[0::2], params[1::2], strict=True):
        zs.append(acts[-1] @ _f(W).T + _f(b))
        acts.append(scipy.special.expit(zs[-1]))
    return acts, zs


def cost(params: Any, X: Any, Y: Any) -> float:
    """C4 cost: C = (1/N) Σ_n ‖a3_n − y_n‖² (sum over outputs, mean over examples)."""
    a3 = _forward(params, X)[0][-1]
    return float(np.sum((a3 - _f(Y)) ** 2) / a3.shape[0])


def reference(params: Any, X: Any, Y: Any) -> tuple[np.ndarray, ...]:
    """C4: (dW1, db1, dW2, db2, dW3, db3) of :func:`cost` by the chain rule."""
    acts, zs = _forward(params, X)
    n = acts[0].shape[0]
    delta = 2.0 * (acts[-1] - _f(Y)) / n * scipy.special.expit(zs[-1]) * scipy.special.expit(
        -zs[-1])
    grads: list[np.ndarray] = []
    for layer in range(len(zs) - 1, -1, -1):
        grads[:0] = [delta.T @ acts[layer], delta.sum(axis=0)]
        if layer:
            sp = scipy.special.expit(zs[layer - 1]) * scipy.special.expit(-zs[layer - 1])
            delta = (delta @ _f(params[2 * layer])) * sp
    return tuple(grads)


# ---------------------------------------------------------------- hidden inputs


def _network(rng: np.random.Generator, wscale: float = 0.5) -> tuple[np.ndarray, ...]:
    """(W1, b1, W2, b2, W3, b3) with W_l of shape (n_l, n_{l-1}) and b_l of shape (n_l,)."""
    params: list[np.ndarray] = []
    for n_in, n_out in itertools.pairwise(LAYERS):
        params += [wscale * rng.standard_normal((n_out, n_in)),
                   wscale * rng.standard_normal(n_out)]
    return tuple(params)


def cases(rng: np.random.Generator) -> list[Case]:
    """C4: the 1-6-7-2 sigmoid network, X of shape (N, 1) and Y of shape (N, 2)."""
    def data(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.uniform(0, 1, (n, 1)), rng.uniform(0, 1, (n, 2))

    cases = [
        Case("Coursera-style initialisation, N = 8", (_network(rng), *data(8))),
        Case("N = 1", (_network(rng), *data(1))),
        Case("N = 20, weights of scale 2", (_network(rng, 2.0), *data(20))),
        Case("nearly saturated units (weights of scale 6), N = 5",
             (_network(rng, 6.0), *data(5))),
        Case("zero biases, N = 3", (tuple(p if p.ndim == 2 else np.zeros_like(p)
                                          for p in _network(rng, 1.0)), *data(3))),
        Case("inputs outside [0, 1], N = 6",
             (_network(rng, 1.0), rng.uniform(-3, 3, (6, 1)), rng.uniform(0, 1, (6, 2)))),
    ]
    return [Case(c.label, c.args, context={"spot": rng.integers(0, 2**31)}) for c in cases]


# ---------------------------------------------------------------- judge

_PARAM_NAMES = ("dW1", "db1", "dW2", "db2", "dW3", "db3")


def judge(case: Case, output: Any) -> str | None:
    """C4: every gradient at rtol 1e-8 / atol 1e-10, then a finite-difference spot check."""
    params, X, Y = case.args
    refs = reference(params, X, Y)
    items = as_tuple(output, 6, name="grads (dW1, db1, dW2, db2, dW3, db3)")
    n = _f(X).shape[0]
    grads = []
    for name, item, ref in zip(_PARAM_NAMES, items, refs, strict=True):
        arr = as_array(item, name=name)
        if arr.shape != ref.shape:
            hint = (" (bias gradients must be summed over the batch)" if name[1] == "b"
                    and arr.shape in ((n, ref.size), (ref.size, n)) else "")
            raise Mismatch(f"{name} must have the shape of {name[1:]}, {ref.shape}; got "
                           f"{arr.shape}{hint}")
        grads.append(arr)
    # Each entry sums N terms bounded by ~20 in absolute value (sigmoid' ≤ 1/4, |W| = O(1)):
    # rounding ≤ N·20·ε ≈ 1e-13, so atol 1e-10 (+ rtol 1e-8, R2) leaves ≥ 1000× margin.
    for name, g, ref in zip(_PARAM_NAMES, grads, refs, strict=True):
        if np.all(np.abs(g - ref) <= 1e-10 + 1e-8 * np.abs(ref)):
            continue
        for factor, why in ((0.5, "missing the factor 2 from d/da ‖a − y‖²"),
                            (float(n), "missing the 1/N of the mean over examples"),
                            (1.0 / n, "dividing by N twice (e.g. a mean of an already "
                                      "averaged δ)")):
            if (n > 1 or factor == 0.5) and np.all(
                    np.abs(g - factor * ref) <= 1e-10 + 1e-8 * np.abs(ref)):
                raise Mismatch(f"{name} is off by a constant factor: {why}?")
        raise Mismatch(f"{name} differs from the gradient of the cost (σ'(z) = σ(z)(1 − σ(z)) "
                       "evaluated at z, not at a = σ(z)? Wᵀ in the backward pass?)")
    # Finite-difference spot check of 3 entries against the cost itself (independent of the
    # reference backward pass): h = 1e-5 gives |error| ≤ h²/6·|C'''| + ε·C/h ≲ 1e-9.
    rng = np.random.default_rng(int(case.context.get("spot", 0)))
    for _ in range(3):
        k = int(rng.integers(0, 6))
        idx = tuple(int(rng.integers(0, s)) for s in refs[k].shape)
        plus, minus = [[_f(p).copy() for p in params] for _ in range(2)]
        plus[k][idx] += 1e-5
        minus[k][idx] -= 1e-5
        fd = (cost(plus, X, Y) - cost(minus, X, Y)) / 2e-5
        if abs(grads[k][idx] - fd) > 1e-7:
            raise Mismatch(f"{_PARAM_NAMES[k]} disagrees with a finite-difference check of "
                           "the cost")
    return None


# ---------------------------------------------------------------- planted answers

_FORWARD = '''
def _sig(z):
    return 1 / (1 + np.exp(-z))

def _fwd(params, X):
    W1, b1, W2, b2, W3, b3 = params
    a0 = np.asarray(X, dtype=float)
    z1 = a0 @ W1.T + b1; a1 = _sig(z1)
    z2 = a1 @ W2.T + b2; a2 = _sig(z2)
    z3 = a2 @ W3.T + b3; a3 = _sig(z3)
    return (a0, a1, a2, a3), (z1, z2, z3)
'''


def _variant(delta3: str, sp: str = "a * (1 - a)", back: str = "delta @ W", bias: str =
             "delta.sum(axis=0)") -> str:
    """A row-layout backprop with one piece replaced (keeps the wrong answers comparable)."""
    return _FORWARD + f'''
def backprop(params, X, Y):
    (a0, a1, a2, a3), (z1, z2, z3) = _fwd(params, X)
    W1, b1, W2, b2, W3, b3 = params
    N = a0.shape[0]
    acts = [a0, a1, a2]
    Ws = [W1, W2, W3]
    a = a3
    delta = {delta3} * ({sp})
    grads = []
    for layer in (2, 1, 0):
        grads = [delta.T @ acts[layer], {bias}] + grads
        if layer:
            W = Ws[layer]
            a = acts[layer]
            delta = ({back}) * ({sp})
    return tuple(grads)
'''


WRONG = (
    # sigma'(a) = sigma(a)(1 - sigma(a)) instead of sigma'(z) = a (1 - a).
    Wrong("sigma_prime_of_a",
          hint=("You evaluated σ' at the activation a instead of at z: σ'(z) = σ(z)(1 − σ(z)) "
                "= a(1 − a), so multiply by a(1 − a), not by σ(a)(1 − σ(a))."),
          code=_variant("2 * (a3 - Y) / N", sp="_sig(a) * (1 - _sig(a))")),
    # d/da ||a - y||^2 = 2(a - y): the factor 2 dropped.
    Wrong("missing_factor_2",
          hint=("Your gradients are half the true ones: the cost has no factor ½, so "
                "∂C/∂a3 = 2(a3 − y)/N carries a factor 2."),
          code=_variant("(a3 - Y) / N")),
    # Sum over examples instead of the mean.
    Wrong("missing_1_over_N",
          hint=("The cost averages over the N examples, so ∂C/∂a3 carries 1/N: your gradients "
                "are sums over the batch instead of means."),
          code=_variant("2 * (a3 - Y)")),
    # W instead of W^T in the backward pass (a shape error on the 1-6-7-2 network).
    Wrong("W_not_transposed",
          hint=("Check the backward pass: δ goes back through the transpose of the next "
                "layer's weights, which with one example per row is δ @ W, not δ @ Wᵀ."),
          nameable=False,
          code=_variant("2 * (a3 - Y) / N", back="delta @ W.T")),
    # Bias gradients per example, not summed over the batch.
    Wrong("bias_not_summed",
          hint=("Your bias gradients keep one row per example: each example contributes to "
                "∂C/∂b, so sum δ over the batch to get the shape of b."),
          code=_variant("2 * (a3 - Y) / N", bias="delta")),
    # Bias gradient averaged although delta already carries the 1/N.
    Wrong("bias_mean_twice",
          hint=("Your bias gradients divide by N twice: δ already carries the 1/N of the "
                "cost, so sum it over the batch rather than taking the mean."),
          code=_variant("2 * (a3 - Y) / N", bias="delta.mean(axis=0)")),
)

ALTERNATIVES = (
    # The Coursera layout: columns are examples, d_sigma = cosh(z/2)^-2 / 4.
    Alternative("coursera_columns", code='''
def backprop(params, X, Y):
    W1, b1, W2, b2, W3, b3 = params
    sigma = lambda z: 1 / (1 + np.exp(-z))
    d_sigma = lambda z: np.cosh(z / 2) ** (-2) / 4
    a0 = np.asarray(X, dtype=float).T
    y = np.asarray(Y, dtype=float).T
    z1 = W1 @ a0 + b1[:, None]; a1 = sigma(z1)
    z2 = W2 @ a1 + b2[:, None]; a2 = sigma(z2)
    z3 = W3 @ a2 + b3[:, None]; a3 = sigma(z3)
    n = a0.shape[1]
    J3 = 2 * (a3 - y) * d_sigma(z3)
    J2 = (W3.T @ J3) * d_sigma(z2)
    J1 = (W2.T @ J2) * d_sigma(z1)
    return (J1 @ a0.T / n, J1.sum(axis=1) / n, J2 @ a1.T / n, J2.sum(axis=1) / n,
            J3 @ a2.T / n, J3.sum(axis=1) / n)
'''),
    # One example at a time, accumulating outer products.
    Alternative("per_example_loop", code='''
def backprop(params, X, Y):
    W1, b1, W2, b2, W3, b3 = params
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    N = X.shape[0]
    grads = [np.zeros_like(np.asarray(p, dtype=float)) for p in params]
    s = lambda z: 0.5 * (1 + np.tanh(z / 2))
    for x, y in zip(X, Y):
        a1 = s(W1 @ x + b1); a2 = s(W2 @ a1 + b2); a3 = s(W3 @ a2 + b3)
        d3 = 2 * (a3 - y) * a3 * (1 - a3) / N
        d2 = (W3.T @ d3) * a2 * (1 - a2)
        d1 = (W2.T @ d2) * a1 * (1 - a1)
        for k, (d, a) in enumerate(((d1, x), (d2, a1), (d3, a2))):
            grads[2 * k] += np.outer(d, a)
            grads[2 * k + 1] += d
    return tuple(grads)
'''),
    # Generic layer loop with einsum and the mean taken at the end.
    Alternative("einsum_mean_last", code='''
def backprop(params, X, Y):
    Ws, bs = params[0::2], params[1::2]
    acts, zs = [np.asarray(X, dtype=float)], []
    for W, b in zip(Ws, bs):
        zs.append(acts[-1] @ W.T + b)
        acts.append(1 / (1 + np.exp(-zs[-1])))
    N = len(acts[0])
    delta = 2 * (acts[-1] - Y) * acts[-1] * (1 - acts[-1])
    out = []
    for l in range(len(Ws) - 1, -1, -1):
        out = [np.einsum("ni,nj->ij", delta, acts[l]) / N, delta.sum(axis=0) / N] + out
        delta = (delta @ Ws[l]) * acts[l] * (1 - acts[l])
    return tuple(out)
'''),
)

TASK = Task(
    answer_cell="c4_backprop",
    checks=(CheckSpec(id="calculus.backprop", unit="calculus", function="backprop",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
