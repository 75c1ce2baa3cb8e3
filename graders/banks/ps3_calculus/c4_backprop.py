"""Planted wrong answers and alternative correct answers for C4 backprop."""

ANSWER_CELL = "c4_backprop"
CHECK = "calculus.backprop"

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


WRONG: dict[str, str] = {
    # sigma'(a) = sigma(a)(1 - sigma(a)) instead of sigma'(z) = a (1 - a).
    "sigma_prime_of_a": _variant("2 * (a3 - Y) / N", sp="_sig(a) * (1 - _sig(a))"),
    # d/da ||a - y||^2 = 2(a - y): the factor 2 dropped.
    "missing_factor_2": _variant("(a3 - Y) / N"),
    # Sum over examples instead of the mean.
    "missing_1_over_N": _variant("2 * (a3 - Y)"),
    # W instead of W^T in the backward pass (a shape error on the 1-6-7-2 network).
    "W_not_transposed": _variant("2 * (a3 - Y) / N", back="delta @ W.T"),
    # Bias gradients per example, not summed over the batch.
    "bias_not_summed": _variant("2 * (a3 - Y) / N", bias="delta"),
    # Bias gradient averaged although delta already carries the 1/N.
    "bias_mean_twice": _variant("2 * (a3 - Y) / N", bias="delta.mean(axis=0)"),
}

ALTERNATIVES: dict[str, str] = {
    # The Coursera layout: columns are examples, d_sigma = cosh(z/2)^-2 / 4.
    "coursera_columns": '''
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
''',
    # One example at a time, accumulating outer products.
    "per_example_loop": '''
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
''',
    # Generic layer loop with einsum and the mean taken at the end.
    "einsum_mean_last": '''
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
''',
}
