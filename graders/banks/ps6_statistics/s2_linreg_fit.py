"""Planted wrong answers and alternative correct answers for S2 linreg_fit."""

ANSWER_CELL = "s2_linreg_fit"
CHECK = "statistics.linreg_fit"

WRONG: dict[str, str] = {
    # Textbook normal equations with an explicit inverse: breaks on a singular PhiᵀPhi.
    "normal_equations_inv": '''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ np.asarray(y, dtype=float)
''',
    # Pivoted QR "basic" solution: right fitted values, but not the minimum norm.
    "basic_solution_pivoted_qr": '''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    Q, R, piv = scipy.linalg.qr(Phi, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    r = int(np.sum(d > 1e-10 * d[0])) if d.size else 0
    theta = np.zeros(Phi.shape[1])
    theta[piv[:r]] = scipy.linalg.solve_triangular(R[:r, :r], Q[:, :r].T @ y)
    return theta
''',
    # Jitter "for stability" changes the answer.
    "jitter_1e-6": '''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    A = Phi.T @ Phi + 1e-6 * np.eye(Phi.shape[1])
    return np.linalg.solve(A, Phi.T @ np.asarray(y, dtype=float))
''',
    # Normal equations solved with solve(): same failure as the inverse.
    "normal_equations_solve": '''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    return np.linalg.solve(Phi.T @ Phi, Phi.T @ np.asarray(y, dtype=float))
''',
}

ALTERNATIVES: dict[str, str] = {
    "pinv": '''
def linreg_fit(Phi, y):
    return np.linalg.pinv(np.asarray(Phi, dtype=float)) @ np.asarray(y, dtype=float)
''',
    "numpy_lstsq": '''
def linreg_fit(Phi, y):
    return np.linalg.lstsq(np.asarray(Phi, dtype=float), np.asarray(y, dtype=float),
                           rcond=None)[0]
''',
    # scipy's default cut-off (machine epsilon): the generators keep a clean gap below it.
    "scipy_lstsq_default": '''
def linreg_fit(Phi, y):
    return scipy.linalg.lstsq(np.asarray(Phi, dtype=float), np.asarray(y, dtype=float))[0]
''',
    # Thin SVD with the spec's relative threshold.
    "svd_threshold": '''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    keep = s > 1e-10 * s[0] if s.size else s > 0
    return Vt[keep].T @ ((U[:, keep].T @ np.asarray(y, dtype=float)) / s[keep])
''',
}
