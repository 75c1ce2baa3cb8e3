"""Planted wrong answers and alternative correct answers for O3 eq_qp."""

ANSWER_CELL = "o3_eq_qp"
CHECK = "optimisation.eq_qp"

WRONG: dict[str, str] = {
    # The other sign convention, L = ... − λᵀ(Ax − b): x is right, λ has the opposite sign.
    "opposite_sign": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, -A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, b]), rcond=None)[0]
    return z[:n], z[n:]
''',
    # Ignores feasibility: the unconstrained minimiser, λ = 0.
    "unconstrained": '''
def eq_qp(Q, c, A, b):
    Q, c = np.asarray(Q, dtype=float), np.asarray(c, dtype=float)
    x = np.linalg.lstsq(Q, -c, rcond=None)[0]
    return x, np.zeros(np.shape(A)[0])
''',
    # np.linalg.solve on the KKT matrix: singular when A has redundant rows.
    "kkt_solve": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.solve(K, np.concatenate([-c, b]))
    return z[:n], z[n:]
''',
    # Drops the ½: uses 2Q as the Hessian.
    "missing_half": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[2 * Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, b]), rcond=None)[0]
    return z[:n], z[n:]
''',
    # Right-hand side with 0 instead of b: solves Ax = 0.
    "ignores_b": '''
def eq_qp(Q, c, A, b):
    Q, c, A = (np.asarray(v, dtype=float) for v in (Q, c, A))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, np.zeros(m)]), rcond=None)[0]
    return z[:n], z[n:]
''',
}

ALTERNATIVES: dict[str, str] = {
    # Minimum-norm least squares on the KKT system with scipy.
    "kkt_scipy_lstsq": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = scipy.linalg.lstsq(K, np.concatenate([-c, b]))[0]
    return z[:n], z[n:]
''',
    # Null-space method: particular solution plus a reduced solve; λ by least squares.
    "null_space_method": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    xp = np.linalg.lstsq(A, b, rcond=None)[0]
    Z = scipy.linalg.null_space(A)
    if Z.shape[1]:
        z = np.linalg.solve(Z.T @ Q @ Z, -Z.T @ (Q @ xp + c))
        x = xp + Z @ z
    else:
        x = xp
    lam = np.linalg.lstsq(A.T, -(Q @ x + c), rcond=None)[0]
    return x, lam
''',
    # Pseudo-inverse of the KKT matrix.
    "kkt_pinv": '''
def eq_qp(Q, c, A, b):
    Q, c, A, b = (np.asarray(v, dtype=float) for v in (Q, c, A, b))
    n, m = Q.shape[0], A.shape[0]
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    z = np.linalg.pinv(K) @ np.concatenate([-c, b])
    return z[:n], z[n:]
''',
}
