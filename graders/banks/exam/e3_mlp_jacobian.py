"""Planted wrong answers and alternative correct answers for E3 mlp_jacobian."""

ANSWER_CELL = "e3_mlp_jacobian"
CHECK = "calculus.exam_mlp_jacobian"

WRONG: dict[str, str] = {
    # The (n, m) layout (gradients of the outputs as columns).
    "transposed": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return (np.asarray(W2, dtype=float) @ ((1 - np.tanh(z) ** 2)[:, None] * W1)).T
''',
    # tanh' evaluated on the pre-activation: 1 − z² instead of 1 − tanh(z)².
    "one_minus_z_squared": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 - z ** 2)[:, None] * W1)
''',
    # Forgets the activation's derivative: the Jacobian of the linear network.
    "no_activation_derivative": '''
def mlp_jacobian(W1, b1, W2, x):
    return np.asarray(W2, dtype=float) @ np.asarray(W1, dtype=float)
''',
    # sech instead of sech²: tanh'(z) = 1/cosh(z)², not 1/cosh(z).
    "sech_not_squared": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 / np.cosh(z))[:, None] * W1)
''',
    # The bias is left out of the pre-activation.
    "bias_ignored": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float)
    return np.asarray(W2, dtype=float) @ ((1 - np.tanh(z) ** 2)[:, None] * W1)
''',
}

ALTERNATIVES: dict[str, str] = {
    # einsum with the derivative written through cosh (overflow to inf gives 1/inf = 0).
    "einsum_cosh": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    z = W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float)
    with np.errstate(over="ignore"):
        d = 1.0 / np.cosh(z) ** 2
    return np.einsum("ik,k,kj->ij", np.asarray(W2, dtype=float), d, W1)
''',
    # Forward mode: one Jacobian-vector product per input direction e_j (column by column).
    "forward_mode_columns": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    W2 = np.asarray(W2, dtype=float)
    a = np.tanh(W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float))
    n = W1.shape[1]
    J = np.zeros((W2.shape[0], n))
    for j in range(n):
        J[:, j] = W2 @ ((1 - a * a) * W1[:, j])
    return J
''',
    # Reverse mode: one vector-Jacobian product per output (row by row).
    "reverse_mode_rows": '''
def mlp_jacobian(W1, b1, W2, x):
    W1 = np.asarray(W1, dtype=float)
    W2 = np.asarray(W2, dtype=float)
    t = np.tanh(W1 @ np.asarray(x, dtype=float) + np.asarray(b1, dtype=float))
    rows = [W1.T @ (W2[i] * (1 - t) * (1 + t)) for i in range(W2.shape[0])]
    return np.array(rows).reshape(W2.shape[0], W1.shape[1])
''',
}
