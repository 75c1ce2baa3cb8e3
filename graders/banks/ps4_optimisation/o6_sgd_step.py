"""Planted wrong answers and alternative correct answers for O6a sgd_step."""

ANSWER_CELL = "o6_sgd_step"
CHECK = "optimisation.sgd_step"

WRONG: dict[str, str] = {
    # Divides by N instead of the batch size B.
    "divide_by_N": '''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - lr / len(y) * Xb.T @ (Xb @ theta - yb)
''',
    # Sums the per-example gradients (no mean).
    "sum_not_mean": '''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - lr * Xb.T @ (Xb @ theta - yb)
''',
    # Uphill step.
    "plus_sign": '''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta + lr / len(idx) * Xb.T @ (Xb @ theta - yb)
''',
    # Gradient of the mean squared error without the ½: twice too large.
    "missing_half": '''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    Xb, yb = X[idx], y[idx]
    return theta - 2 * lr / len(idx) * Xb.T @ (Xb @ theta - yb)
''',
    # De-duplicates the indices: repeated indices must count every time.
    "unique_indices": '''
def sgd_step(theta, X, y, idx, lr):
    X, y, theta = (np.asarray(v, dtype=float) for v in (X, y, theta))
    idx = np.unique(idx)
    Xb, yb = X[idx], y[idx]
    return theta - lr / len(idx) * Xb.T @ (Xb @ theta - yb)
''',
}

ALTERNATIVES: dict[str, str] = {
    # Loop over the minibatch, accumulating per-example gradients.
    "per_example_loop": '''
def sgd_step(theta, X, y, idx, lr):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for i in idx:
        xi = np.asarray(X[i], dtype=float)
        grad += (xi @ theta - y[i]) * xi
    return theta - lr * grad / len(idx)
''',
    # Mean of the per-example gradients with broadcasting.
    "mean_of_gradients": '''
def sgd_step(theta, X, y, idx, lr):
    theta = np.asarray(theta, dtype=float)
    Xb = np.take(np.asarray(X, dtype=float), idx, axis=0)
    r = Xb @ theta - np.take(np.asarray(y, dtype=float), idx)
    return theta - lr * np.mean(r[:, None] * Xb, axis=0)
''',
    # einsum.
    "einsum": '''
def sgd_step(theta, X, y, idx, lr):
    theta = np.asarray(theta, dtype=float)
    Xb = np.asarray(X, dtype=float)[idx]
    r = np.einsum("ij,j->i", Xb, theta) - np.asarray(y, dtype=float)[idx]
    return theta - (lr / Xb.shape[0]) * np.einsum("ij,i->j", Xb, r)
''',
}
