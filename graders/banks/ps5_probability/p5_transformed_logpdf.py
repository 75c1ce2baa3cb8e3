"""Planted wrong answers and alternative correct answers for P5 transformed_logpdf."""

ANSWER_CELL = "p5_transformed_logpdf"
CHECK = "probability.transformed_logpdf"

WRONG: dict[str, str] = {
    # Forgets the Jacobian term.
    "no_jacobian": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    terms = np.array([logp_x(x) for x in g_inv(np.asarray(y, dtype=float))])
    return np.logaddexp.reduce(terms, axis=0)
''',
    # Uses the Jacobian of g instead of g⁻¹ (subtracts log|det|).
    "jacobian_of_g": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) - logabsdet_jac_inv(y)
    return np.logaddexp.reduce(terms, axis=0)
''',
    # Only the first branch of a non-monotone map.
    "one_branch": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    return logp_x(g_inv(y)[0]) + logabsdet_jac_inv(y)[0]
''',
    # First branch doubled: right only when p_X is symmetric.
    "first_branch_twice": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    k = len(g_inv(y))
    return np.log(k) + logp_x(g_inv(y)[0]) + logabsdet_jac_inv(y)[0]
''',
    # Sums the branch densities in probability space: far-tail values underflow to −∞.
    "probability_space": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(terms), axis=0))
''',
    # Adds the log densities of the branches instead of the densities.
    "sum_of_logs": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.array([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    return np.sum(terms, axis=0)
''',
}

ALTERNATIVES: dict[str, str] = {
    # Accumulate with np.logaddexp in a loop.
    "loop_logaddexp": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    xs, lds = g_inv(y), logabsdet_jac_inv(y)
    out = np.full(y.shape[0], -np.inf)
    for x, ld in zip(xs, lds):
        out = np.logaddexp(out, logp_x(x) + ld)
    return out
''',
    # logp_x on the whole (K, M, D) stack, then scipy's logsumexp over branches.
    "scipy_logsumexp": '''
import scipy.special

def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = logp_x(g_inv(y)) + logabsdet_jac_inv(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return scipy.special.logsumexp(terms, axis=0)
''',
    # Manual max shift with a guard for all −∞ columns.
    "max_shift": '''
def transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y):
    y = np.asarray(y, dtype=float)
    terms = np.stack([logp_x(x) for x in g_inv(y)]) + logabsdet_jac_inv(y)
    m = terms.max(axis=0)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = safe + np.log(np.sum(np.exp(terms - safe), axis=0))
    return np.where(np.isneginf(m), -np.inf, out)
''',
}
