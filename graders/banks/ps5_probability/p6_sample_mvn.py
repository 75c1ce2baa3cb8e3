"""Planted wrong answers and alternative correct answers for P6 sample_mvn.

A 1% scale error (1.01·L z) is not planted here: no statistical test at N = 20,000
catches it for every grading seed. Its measured power is reported in the module
docstring of graders/probability.py and tested in tests/test_probability.py.
"""

ANSWER_CELL = "p6_sample_mvn"
CHECK = "probability.sample_mvn"

WRONG: dict[str, str] = {
    # μ + Lᵀz: covariance LᵀL instead of LLᵀ.
    "L_transpose": '''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    return mu + rng.standard_normal((n, len(mu))) @ L
''',
    # μ + Σz: covariance Σ².
    "sigma_times_z": '''
def sample_mvn(mu, Sigma, n, rng):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    return mu + rng.standard_normal((n, len(mu))) @ S.T
''',
    # Independent coordinates with the right variances (correlations lost).
    "diagonal_only": '''
def sample_mvn(mu, Sigma, n, rng):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    return mu + rng.standard_normal((n, len(mu))) * np.sqrt(np.diag(S))
''',
    # Right mean and covariance, but uniform (not Gaussian) coordinates: only the
    # Mahalanobis KS test sees it.
    "moment_matched_uniform": '''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    z = (rng.random((n, len(mu))) - 0.5) * np.sqrt(12.0)
    return mu + z @ L.T
''',
    # Forgets to add the mean.
    "missing_mean": '''
def sample_mvn(mu, Sigma, n, rng):
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    return rng.standard_normal((n, L.shape[0])) @ L.T
''',
}

ALTERNATIVES: dict[str, str] = {
    # Any square root A with A Aᵀ = Σ works: the symmetric one from eigh.
    "eigh_sqrt": '''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    w, V = np.linalg.eigh(np.asarray(Sigma, dtype=float))
    A = V * np.sqrt(np.clip(w, 0, None))
    return mu + rng.standard_normal((n, len(mu))) @ A.T
''',
    # numpy's own sampler (consumes the generator differently).
    "rng_multivariate_normal": '''
def sample_mvn(mu, Sigma, n, rng):
    return rng.multivariate_normal(np.asarray(mu, float), np.asarray(Sigma, float), size=n)
''',
    # Column-vector form: Z is (D, n), x = μ + L z per column.
    "column_form": '''
def sample_mvn(mu, Sigma, n, rng):
    mu = np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = rng.standard_normal((len(mu), n))
    return (mu[:, None] + L @ Z).T
''',
}
