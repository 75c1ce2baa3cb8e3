"""Planted wrong answers and alternative correct answers for E5 kl_gauss."""

ANSWER_CELL = "e5_kl_gauss"
CHECK = "probability.exam_kl_gauss"

WRONG: dict[str, str] = {
    # The reverse direction KL(p1 ‖ p0).
    "reversed_direction": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu0 - mu1
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(np.linalg.solve(S0, S1)) + d @ np.linalg.solve(S0, d)
                  - len(d) + ld0 - ld1)
''',
    # log(det(·)) overflows (D = 200: det(S1) = inf, det(S0) = 0).
    "log_det_overflow": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    return 0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d)
                  - len(d) + np.log(np.linalg.det(S1)) - np.log(np.linalg.det(S0)))
''',
    # Forgets the − D term.
    "missing_minus_d": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d) + ld1 - ld0)
''',
    # tr(Σ₁Σ₀) instead of tr(Σ₁⁻¹Σ₀).
    "trace_without_inverse": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(S1 @ S0) + d @ np.linalg.solve(S1, d) - len(d) + ld1 - ld0)
''',
    # Drops the factor ½.
    "missing_half": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d) - len(d) + ld1 - ld0
''',
}

ALTERNATIVES: dict[str, str] = {
    # slogdet and solve.
    "slogdet_solve": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return float(0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d)
                        - len(d) + ld1 - ld0))
''',
    # Eigenvalues for the log-determinants, an explicit inverse for the rest.
    "eigvalsh_inverse": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    P1 = np.linalg.inv(S1)
    d = mu1 - mu0
    ld0 = np.sum(np.log(np.linalg.eigvalsh(S0)))
    ld1 = np.sum(np.log(np.linalg.eigvalsh(S1)))
    return 0.5 * (np.sum(P1 * S0) + d @ P1 @ d - len(d) + ld1 - ld0)
''',
    # Whitening by the Cholesky factor of S1: KL = ½ Σ (λ_i − 1 − log λ_i) + ½‖L1⁻¹d‖²,
    # with λ_i the eigenvalues of L1⁻¹ S0 L1⁻ᵀ.
    "whitened_eigenvalues": '''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    L1 = np.linalg.cholesky(S1)
    M = scipy.linalg.solve_triangular(L1, S0, lower=True)
    M = scipy.linalg.solve_triangular(L1, M.T, lower=True)
    lam = np.linalg.eigvalsh((M + M.T) / 2)
    v = scipy.linalg.solve_triangular(L1, mu1 - mu0, lower=True)
    return 0.5 * (np.sum(lam - 1 - np.log(lam)) + v @ v)
''',
}
