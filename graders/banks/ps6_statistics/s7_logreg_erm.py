"""Planted wrong answers and alternative correct answers for S7 logreg_erm."""

ANSWER_CELL = "s7_logreg_erm"
CHECK = "statistics.logreg_erm"

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

WRONG: dict[str, str] = {
    # No regularisation: diverges on separable data, wrong minimiser otherwise.
    "unregularised": _NEWTON + '''
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
''',
    # The {-1, 1} loss log(1 + exp(-y z)) applied to {0, 1} labels.
    "pm1_loss_on_01_labels": _NEWTON + '''
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
''',
    # Gradient descent for a fixed number of iterations, no convergence test.
    "fixed_iterations_gd": '''
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
''',
    # λ‖θ‖² instead of λ/2‖θ‖².
    "no_half": _NEWTON + '''
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
''',
    # Sum of the losses instead of their mean.
    "sum_not_mean": _NEWTON + '''
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
''',
}

ALTERNATIVES: dict[str, str] = {
    # Newton with {-1, 1} labels, converted correctly: s = 2y - 1, loss log(1 + exp(-s z)).
    "newton_pm1_labels": '''
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
''',
    # scipy's L-BFGS with a tight gradient tolerance.
    "scipy_lbfgs": '''
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
''',
    # Plain gradient descent with step 1/L, stopped on the gradient norm.
    "gd_gradient_stop": '''
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
''',
}
