"""Planted wrong answers and alternative correct answers for C2 jacobian."""

ANSWER_CELL = "c2_jacobian"
CHECK = "calculus.jacobian"

WRONG: dict[str, str] = {
    # One row per input variable: the (n, m) transpose.
    "transposed": '''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    rows = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        rows.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(rows)
''',
    # Correct entries, returned as a 1-D array.
    "flattened": '''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.column_stack(cols).ravel()
''',
    # Forward differences with h = 1e-5: error h/2·|f''| ≈ 5e-6·|f''|.
    "forward_differences": '''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-5
    fx = np.asarray(f(x))
    J = np.zeros((fx.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        J[:, j] = (np.asarray(f(x + e)) - fx) / h
    return J
''',
    # Perturbing a copy of an integer x truncates the step: zero columns.
    "integer_truncation": '''
def jacobian(f, x):
    h = 1e-5
    m = np.asarray(f(x)).size
    J = np.zeros((m, len(x)))
    for j in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        J[:, j] = (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * h)
    return J
''',
}

ALTERNATIVES: dict[str, str] = {
    # Central differences with a smaller step (h = 1e-6): accurate to ~1e-10·scale.
    "central_h_1e-6": '''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-6
    E = h * np.eye(x.size)
    return np.stack([(np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h) for e in E],
                    axis=1)
''',
    # The fourth-order five-point stencil.
    "five_point_stencil": '''
def jacobian(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-3
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        F = lambda t: np.asarray(f(x + t * e), dtype=float)
        cols.append((-F(2) + 8 * F(1) - 8 * F(-1) + F(-2)) / (12 * h))
    return np.array(cols).T
''',
    # Row i is num_grad of the scalar function f_i (computed inline).
    "row_by_row": '''
def jacobian(f, x):
    x = np.array(x, dtype=float)
    h = 1e-5
    m = len(np.atleast_1d(f(x)))
    J = np.empty((m, x.size))
    for i in range(m):
        for j in range(x.size):
            xp = x.copy(); xp[j] += h
            xm = x.copy(); xm[j] -= h
            J[i, j] = (np.atleast_1d(f(xp))[i] - np.atleast_1d(f(xm))[i]) / (2 * h)
    return J
''',
}
