"""Answers to the tiny course's ``solve`` question for the similarity tests: five honest,
different algorithms, one disguised copy of the first, and the one-liner everyone writes."""

from __future__ import annotations

STUB = ('def solve(A, b):\n    """Solve Ax = b."""\n    # YOUR CODE HERE\n'
        "    raise NotImplementedError()\n")

ELIMINATION = '''def solve(A, b):
    """Solve Ax = b."""
    n = len(b)
    M = [row[:] + [b[i]] for i, row in enumerate(A.tolist())]
    for k in range(n):
        p = max(range(k, n), key=lambda r: abs(M[r][k]))
        M[k], M[p] = M[p], M[k]
        for r in range(k + 1, n):
            f = M[r][k] / M[k][k]
            for c in range(k, n + 1):
                M[r][c] -= f * M[k][c]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum(M[i][j] * x[j] for j in range(i + 1, n))) / M[i][i]
    return np.array(x)
'''
# The same answer with every name changed, comments added, the docstring rewritten,
# spacing, line breaks and a literal's spelling changed.
DISGUISED = '''def solve(A, b):
    """Gaussian elimination, my own."""
    # size of the system
    size = len(b)
    aug = [line[:] + [b[idx]]
           for idx, line in enumerate(A.tolist())]
    for col in range(size):
        piv = max(range(col, size), key=lambda q: abs(aug[q][col]))   # pivot row
        aug[col], aug[piv] = aug[piv], aug[col]
        for q in range(col+1, size):
            fac = aug[q][col]/aug[col][col]
            for c2 in range(col, size+1):
                aug[q][c2] -= fac*aug[col][c2]
    sol = [0.] * size
    for t in reversed(range(size)):
        sol[t] = (aug[t][size]
                  - sum(aug[t][j]*sol[j] for j in range(t+1, size))) / aug[t][t]
    return np.array(sol)
'''
QR = '''def solve(A, b):
    Q, R = np.linalg.qr(A)
    y = Q.T @ b
    n = R.shape[0]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (y[i] - R[i, i + 1:] @ x[i + 1:]) / R[i, i]
    return x
'''
CRAMER = '''def solve(A, b):
    d = np.linalg.det(A)
    out = np.empty(len(b))
    for j in range(len(b)):
        Aj = np.array(A, dtype=float, copy=True)
        Aj[:, j] = b
        out[j] = np.linalg.det(Aj) / d
    return out
'''
JACOBI = '''def solve(A, b):
    D = np.diag(A)
    x = np.zeros_like(b, dtype=float)
    for _ in range(500):
        x_new = (b - (A @ x - D * x)) / D
        if np.max(np.abs(x_new - x)) < 1e-12:
            return x_new
        x = x_new
    return x
'''
NORMAL = '''def solve(A, b):
    L = np.linalg.cholesky(A.T @ A)
    z = np.linalg.solve(L, A.T @ b)
    return np.linalg.solve(L.T, z)
'''
ONE_LINE = "def solve(A, b):\n    return np.linalg.solve(A, b)\n"

HONEST = {"s1": ELIMINATION, "s2": QR, "s3": CRAMER, "s4": JACOBI, "s5": NORMAL}
