"""Planted wrong answers and alternative correct answers for O5 is_convex_quadratic."""

ANSWER_CELL = "o5_is_convex_quadratic"
CHECK = "optimisation.is_convex_quadratic"

WRONG: dict[str, str] = {
    # Eigenvalues of Q itself (real parts): wrong for non-symmetric Q.
    "eigvals_of_Q": '''
def is_convex_quadratic(Q, tol=1e-10):
    w = np.linalg.eigvals(np.asarray(Q, dtype=float))
    return bool(np.min(w.real) >= -tol)
''',
    # eigvalsh on the non-symmetric Q: reads only the lower triangle.
    "eigvalsh_of_Q": '''
def is_convex_quadratic(Q, tol=1e-10):
    return bool(np.linalg.eigvalsh(np.asarray(Q, dtype=float))[0] >= -tol)
''',
    # No tolerance: rounding puts the zero eigenvalue of a PSD matrix below 0.
    "no_tolerance": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    return bool(np.linalg.eigvalsh(0.5 * (Q + Q.T))[0] >= 0)
''',
    # Cholesky of the symmetric part: fails on PSD boundary cases.
    "cholesky_test": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    try:
        np.linalg.cholesky(0.5 * (Q + Q.T))
    except np.linalg.LinAlgError:
        return False
    return True
''',
    # Sylvester's leading minors >= 0: a test for PD (with > 0), not for PSD.
    "leading_minors": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    S = 0.5 * (Q + Q.T)
    return bool(all(np.linalg.det(S[:k, :k]) >= -tol for k in range(1, len(S) + 1)))
''',
}

ALTERNATIVES: dict[str, str] = {
    # General eigvals of the symmetric part.
    "eigvals_sym_part": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    w = np.linalg.eigvals((Q + Q.T) / 2)
    return bool(w.real.min() >= -tol)
''',
    # Cholesky of the symmetric part shifted by tol (PD iff λ_min > −tol).
    "shifted_cholesky": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    S = 0.5 * (Q + Q.T) + tol * np.eye(len(Q))
    try:
        np.linalg.cholesky(S)
        return True
    except np.linalg.LinAlgError:
        return False
''',
    # scipy's smallest eigenvalue only.
    "scipy_subset": '''
def is_convex_quadratic(Q, tol=1e-10):
    Q = np.asarray(Q, dtype=float)
    lam_min = scipy.linalg.eigh(0.5 * (Q + Q.T), eigvals_only=True, subset_by_index=[0, 0])[0]
    return bool(lam_min >= -tol)
''',
}
