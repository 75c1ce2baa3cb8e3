"""Planted wrong answers and alternative correct answers for C3 logreg_grad_hess."""

ANSWER_CELL = "c3_logreg_grad_hess"
CHECK = "calculus.logreg_grad_hess"

WRONG: dict[str, str] = {
    # Sums instead of averaging over the N examples.
    "missing_1_over_N": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) + lam * np.eye(len(theta))
    return g, H
''',
    # The data term with the opposite sign.
    "sign_error": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (y - s) / N + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + lam * np.eye(len(theta))
    return g, H
''',
    # sigma(z) = e^z / (1 + e^z): inf/inf = NaN once z > 709.
    "overflowing_exp": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    ez = np.exp(X @ theta)
    s = ez / (1 + ez)
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + lam * np.eye(len(theta))
    return g, H
''',
    # Penalty differentiated as if it were lam * ||theta||^2.
    "lam_instead_of_lam_over_2": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) / N + 2 * lam * theta
    H = X.T @ (X * (s * (1 - s))[:, None]) / N + 2 * lam * np.eye(len(theta))
    return g, H
''',
    # Hessian weights sigma instead of sigma (1 - sigma).
    "hessian_weights_sigma": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    s = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ (X * s[:, None]) / N + lam * np.eye(len(theta))
    return g, H
''',
}

ALTERNATIVES: dict[str, str] = {
    # A loop over examples with a branch-stable sigmoid.
    "loop_stable_sigmoid": '''
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
''',
    # sigma through logaddexp, Hessian by einsum.
    "logaddexp_einsum": '''
def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    z = X @ theta
    s = np.exp(-np.logaddexp(0.0, -z))
    w = np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))
    g = np.mean((s - y)[:, None] * X, axis=0) + lam * theta
    H = np.einsum("n,ni,nj->ij", w, X, X) / len(y) + lam * np.eye(X.shape[1])
    return g, H
''',
    # scipy's expit, with the diagonal weight matrix written out.
    "expit_diag": '''
from scipy.special import expit

def logreg_grad_hess(theta, X, y, lam):
    X = np.asarray(X, dtype=float)
    N = len(y)
    s = expit(X @ theta)
    S = np.diag(s * (1 - s))
    g = X.T @ (s - y) / N + lam * theta
    H = X.T @ S @ X / N + lam * np.eye(X.shape[1])
    return g, H
''',
}
