"""Planted wrong answers and alternative correct answers for P2 posterior, marginal, conditional.

The answer cell defines the three functions, so every entry defines all three; the
question's test cell runs the three checks.
"""

ANSWER_CELL = "p2_posterior"
CHECK = "probability.posterior"

_GOOD_POSTERIOR = '''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    m = np.max(joint)
    m = m if np.isfinite(m) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return joint - (m + np.log(np.sum(np.exp(joint - m))))
'''

_GOOD_MARGINAL = '''
def marginal(P, axis):
    P = np.asarray(P, dtype=float)
    axis = axis % P.ndim
    return P.sum(axis=tuple(i for i in range(P.ndim) if i != axis))
'''

_GOOD_CONDITIONAL = '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    with np.errstate(invalid="ignore"):
        return P / P.sum(axis=1 - given_axis, keepdims=True)
'''

WRONG: dict[str, str] = {
    # Forgets to normalise: returns the log joint.
    "no_normalisation": '''
def posterior(log_prior, log_lik):
    return np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL,
    # Normalises in probability space: exp underflows (−1000) or overflows (+800).
    "probability_space": '''
def posterior(log_prior, log_lik):
    p = np.exp(np.asarray(log_prior, dtype=float)) * np.exp(np.asarray(log_lik, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p / p.sum())
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL,
    # Subtracts the maximum instead of the log-sum-exp (MAP-normalised, not a distribution).
    "normalise_by_max": '''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    return joint - np.max(joint)
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL,
    # marginal sums out `axis` (numpy's meaning) instead of keeping it.
    "marginal_sums_out_axis": _GOOD_POSTERIOR + '''
def marginal(P, axis):
    return np.asarray(P, dtype=float).sum(axis=axis)
''' + _GOOD_CONDITIONAL,
    # conditional normalises over the given axis (columns for given_axis=0).
    "conditional_wrong_axis": _GOOD_POSTERIOR + _GOOD_MARGINAL + '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    with np.errstate(invalid="ignore"):
        return P / P.sum(axis=given_axis, keepdims=True)
''',
    # Zero-probability conditioning events give 0 instead of the specified NaN.
    "conditional_zero_not_nan": _GOOD_POSTERIOR + _GOOD_MARGINAL + '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    total = P.sum(axis=1 - given_axis, keepdims=True)
    return P / np.where(total > 0, total, 1.0)
''',
}

ALTERNATIVES: dict[str, str] = {
    # scipy's logsumexp; marginal by moving the axis first; conditional by transposing.
    "scipy_and_moveaxis": '''
import scipy.special

def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return joint - scipy.special.logsumexp(joint)

def marginal(P, axis):
    P = np.moveaxis(np.asarray(P, dtype=float), axis, 0)
    return P.reshape(P.shape[0], -1).sum(axis=1)

def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    Q = P if given_axis == 0 else P.T
    rows = Q.sum(axis=1)
    out = np.full(Q.shape, np.nan)
    ok = rows > 0
    out[ok] = Q[ok] / rows[ok, None]
    return out if given_axis == 0 else out.T
''',
    # np.logaddexp.reduce; marginal with einsum; conditional from the marginal.
    "einsum_and_logaddexp": '''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    with np.errstate(invalid="ignore"):
        return joint - np.logaddexp.reduce(joint)

def marginal(P, axis):
    P = np.asarray(P, dtype=float)
    letters = "abcdefgh"[:P.ndim]
    return np.einsum(f"{letters}->{letters[axis % P.ndim]}", P)

def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    m = marginal(P, given_axis)
    shape = (-1, 1) if given_axis == 0 else (1, -1)
    with np.errstate(invalid="ignore"):
        return P / m.reshape(shape)
''',
}
