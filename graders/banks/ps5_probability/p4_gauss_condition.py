"""Planted wrong answers and alternative correct answers for P4 gauss_condition."""

ANSWER_CELL = "p4_gauss_condition"
CHECK = "probability.gauss_condition"

_BLOCKS = '''
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    a = np.asarray(a, dtype=int)
    b = np.setdiff1d(np.arange(len(mu)), a)
    x_b = np.asarray(x_b, dtype=float)
    S_aa, S_ab, S_ba, S_bb = S[np.ix_(a, a)], S[np.ix_(a, b)], S[np.ix_(b, a)], S[np.ix_(b, b)]
'''

WRONG: dict[str, str] = {
    # Σ_ba where Σ_ab belongs (fails on unequal blocks, wrong values on equal ones).
    "sigma_ba_for_sigma_ab": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ba @ np.linalg.inv(S_bb)
    return mu[a] + K @ (x_b - mu[b]), S_aa - K @ S_ab
''',
    # Sign error in both formulas.
    "sign_error": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ np.linalg.inv(S_bb)
    return mu[a] - K @ (x_b - mu[b]), S_aa + K @ S_ba
''',
    # Σ_bb in place of its inverse.
    "sigma_bb_not_inverse": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ S_bb
    return mu[a] + K @ (x_b - mu[b]), S_aa - K @ S_ba
''',
    # Assumes a is the leading block 0..k-1.
    "leading_block": '''
def gauss_condition(mu, Sigma, a, x_b):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    k = len(a)
    K = S[:k, k:] @ np.linalg.inv(S[k:, k:])
    return mu[:k] + K @ (np.asarray(x_b, float) - mu[k:]), S[:k, :k] - K @ S[k:, :k]
''',
    # Forgets the correction of the covariance (returns the marginal Σ_aa).
    "marginal_covariance": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ np.linalg.inv(S_bb)
    return mu[a] + K @ (x_b - mu[b]), S_aa
''',
}

ALTERNATIVES: dict[str, str] = {
    # Precision form: C = (Λ_aa)⁻¹, m = μ_a − Λ_aa⁻¹ Λ_ab (x_b − μ_b).
    "precision_matrix": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    Lam = np.linalg.inv(S)
    C = np.linalg.inv(Lam[np.ix_(a, a)])
    m = mu[a] - C @ Lam[np.ix_(a, b)] @ (x_b - mu[b])
    return m, (C + C.T) / 2
''',
    # Cholesky solves with scipy.
    "cholesky_solve": "def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    f = scipy.linalg.cho_factor(S_bb)
    m = mu[a] + S_ab @ scipy.linalg.cho_solve(f, x_b - mu[b])
    C = S_aa - S_ab @ scipy.linalg.cho_solve(f, S_ba)
    return m, C
''',
    # Permute to [a, b] order first, then slice the leading blocks.
    "permute_then_slice": '''
def gauss_condition(mu, Sigma, a, x_b):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    a = list(np.asarray(a, dtype=int))
    order = a + [i for i in range(len(mu)) if i not in a]
    k = len(a)
    m2, S2 = mu[order], S[np.ix_(order, order)]
    sol = np.linalg.solve(S2[k:, k:], np.column_stack([np.asarray(x_b, float) - m2[k:],
                                                        S2[k:, :k]]))
    return m2[:k] + S2[:k, k:] @ sol[:, 0], S2[:k, :k] - S2[:k, k:] @ sol[:, 1:]
''',
}
