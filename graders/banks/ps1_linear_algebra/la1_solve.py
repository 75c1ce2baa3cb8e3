"""Planted wrong answers and alternative correct answers for LA1 solve."""

ANSWER_CELL = "la1_solve"
CHECK = "linear_algebra.solve"

WRONG: dict[str, str] = {
    # Textbook elimination without row exchanges: divides by the zero/tiny leading pivot.
    "no_pivoting": '''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n - 1):
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
''',
    # Swaps the rows of A when pivoting but forgets to swap b.
    "rows_swapped_not_b": '''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(A[k:, k]))
        A[[k, p]] = A[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
''',
    # Copies the inputs without converting: an integer A truncates every elimination step.
    "integer_truncation": '''
def solve(A, b):
    A = A.copy()
    b = b.copy()
    n = len(b)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(A[k:, k]))
        A[[k, p]] = A[[p, k]]
        b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] = A[i, k:] - m * A[k, k:]
            b[i] = b[i] - m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
''',
    # An absolute singularity threshold: a well-conditioned but tiny-scale matrix "is singular".
    "absolute_pivot_threshold": '''
def solve(A, b):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n):
        p = k + np.argmax(np.abs(A[k:, k]))
        if abs(A[p, k]) < 1e-10:
            raise np.linalg.LinAlgError("matrix is singular")
        A[[k, p]] = A[[p, k]]
        b[[k, p]] = b[[p, k]]
        for i in range(k + 1, n):
            m = A[i, k] / A[k, k]
            A[i, k:] -= m * A[k, k:]
            b[i] -= m * b[k]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (b[k] - A[k, k + 1:] @ x[k + 1:]) / A[k, k]
    return x
''',
}

ALTERNATIVES: dict[str, str] = {
    # Householder QR (backward stable, no pivoting needed): R x = Qᵀ b.
    "householder_qr": '''
def solve(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    n = A.shape[0]
    Q, R = np.linalg.qr(A)
    if np.min(np.abs(np.diag(R))) <= n * np.finfo(float).eps * np.linalg.norm(A, np.inf):
        raise np.linalg.LinAlgError("matrix is singular to working precision")
    return scipy.linalg.solve_triangular(R, Q.T @ b)
''',
    # Gaussian elimination with complete pivoting (row and column exchanges).
    "complete_pivoting": '''
def solve(A, b):
    U = np.array(A, dtype=float)
    c = np.array(b, dtype=float)
    n = len(c)
    cols = np.arange(n)
    thresh = n * np.finfo(float).eps * np.linalg.norm(U, np.inf)
    for k in range(n):
        i, j = np.unravel_index(np.argmax(np.abs(U[k:, k:])), (n - k, n - k))
        i, j = i + k, j + k
        if abs(U[i, j]) <= thresh:
            raise np.linalg.LinAlgError("matrix is singular to working precision")
        U[[k, i]] = U[[i, k]]
        c[[k, i]] = c[[i, k]]
        U[:, [k, j]] = U[:, [j, k]]
        cols[[k, j]] = cols[[j, k]]
        m = U[k + 1:, k] / U[k, k]
        U[k + 1:, k:] -= np.outer(m, U[k, k:])
        c[k + 1:] -= m * c[k]
    y = np.zeros(n)
    for k in range(n - 1, -1, -1):
        y[k] = (c[k] - U[k, k + 1:] @ y[k + 1:]) / U[k, k]
    x = np.zeros(n)
    x[cols] = y
    return x
''',
    # LAPACK's GEPP through lu_factor/lu_solve, with the spec's pivot test on the factor.
    "lu_factor_solve": '''
import scipy.linalg as sla

def solve(A, b):
    A = np.asarray(A, dtype=float)
    lu_piv = sla.lu_factor(A)
    thresh = A.shape[0] * np.finfo(float).eps * np.linalg.norm(A, np.inf)
    if np.min(np.abs(np.diag(lu_piv[0]))) <= thresh:
        raise np.linalg.LinAlgError("matrix is singular to working precision")
    return sla.lu_solve(lu_piv, np.asarray(b, dtype=float))
''',
}
