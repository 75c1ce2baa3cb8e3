"""Planted wrong answers and alternative correct answers for C1 num_grad."""

ANSWER_CELL = "c1_num_grad"
CHECK = "calculus.num_grad"

WRONG: dict[str, str] = {
    # Forward differences: error h/2·|f_ii| ≈ 5e-6, the syllabus's 4.2e-6 for sin at x = 1.
    "forward_differences": '''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    fx = f(x)
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (f(x + e) - fx) / h
    return g
''',
    # Central differences divided by h instead of 2h: twice the gradient.
    "denominator_h": '''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / h
    return g
''',
    # x.copy() keeps an integer dtype: x[i] + h is truncated back to x[i], the gradient is 0.
    "integer_truncation": '''
def num_grad(f, x, h=1e-5):
    g = np.zeros(len(x))
    for i in range(len(x)):
        xp = x.copy()
        xm = x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (f(xp) - f(xm)) / (2 * h)
    return g
''',
    # A hard-coded step: right on the default h, wrong when the caller chooses h.
    "ignores_h": '''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    step = 1e-6
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = step
        g[i] = (f(x + e) - f(x - e)) / (2 * step)
    return g
''',
}

ALTERNATIVES: dict[str, str] = {
    # Vectorised over the rows of h·I.
    "identity_rows": '''
def num_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    E = h * np.eye(x.size)
    return np.array([f(x + e) - f(x - e) for e in E]) / (2 * h)
''',
    # In-place perturbation of a float copy, restored after each coordinate.
    "perturb_in_place": '''
def num_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.empty_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) * (0.5 / h)
    return g
''',
    # List comprehension with np.float64 arithmetic and a multiplication by 1/(2h).
    "comprehension": '''
def num_grad(f, x, h=1e-5):
    x = x.astype(np.float64)
    n = x.shape[0]
    unit = lambda i: np.eye(n)[i]
    return np.array([(f(x + h * unit(i)) - f(x - h * unit(i))) for i in range(n)]) / (2.0 * h)
''',
}
