"""Planted wrong answers and alternative correct answers for LA6 pagerank."""

ANSWER_CELL = "la6_pagerank"
CHECK = "linear_algebra.pagerank"

WRONG: dict[str, str] = {
    # Power iteration with L itself (dangling columns fixed) instead of M: no damping.
    "iterate_L": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = L @ r
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
''',
    # Treats L as row-stochastic (L[i, j] = link i -> j): iterates with Lᵀ.
    "transposed_L": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float).T
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = M @ r
        r_new = r_new / r_new.sum()
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
''',
    # Finds dangling pages along the wrong axis (rows: pages without in-links).
    "dangling_rows": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=1) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(1000):
        r_new = M @ r
        if np.linalg.norm(r_new - r) <= tol:
            return r_new
        r = r_new
    return r
''',
    # A fixed number of iterations, ignoring tol.
    "fixed_10_iterations": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    r = np.ones(n) / n
    for _ in range(10):
        r = M @ r
    return r
''',
}

ALTERNATIVES: dict[str, str] = {
    # The stationary vector directly: (I - d L_hat) r = (1 - d)/n 1.
    "linear_solve": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    r = np.linalg.solve(np.eye(n) - d * L, np.full(n, (1 - d) / n))
    return r / r.sum()
''',
    # Coursera's loop: r sums to 100, so the stopping threshold is scaled by 100 too.
    "coursera_scale_100": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones([n, n])
    r = 100 * np.ones(n) / n
    lastR = r
    r = M @ r
    while np.linalg.norm(lastR - r) > 100 * tol:
        lastR = r
        r = M @ r
    return r
''',
    # The Perron eigenvector of M (eigenvalue 1), scaled to sum 1.
    "perron_eigvec": '''
def pagerank(L, d, tol):
    L = np.array(L, dtype=float)
    n = L.shape[0]
    L[:, L.sum(axis=0) == 0] = 1.0 / n
    M = d * L + (1 - d) / n * np.ones((n, n))
    w, V = np.linalg.eig(M)
    v = np.real(V[:, np.argmax(np.abs(w))])
    return v / v.sum()
''',
}
