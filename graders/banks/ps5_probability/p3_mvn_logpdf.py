"""Planted wrong answers and alternative correct answers for P3 mvn_logpdf."""

ANSWER_CELL = "p3_mvn_logpdf"
CHECK = "probability.mvn_logpdf"

WRONG: dict[str, str] = {
    # Drops the −½ log|Σ| term.
    "missing_logdet": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, dtype=float), np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = scipy.linalg.solve_triangular(L, (X - mu).T, lower=True)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + np.sum(Z**2, axis=0))
''',
    # Mahalanobis distance with Σ instead of Σ⁻¹.
    "sigma_not_inverse": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    logdet = np.linalg.slogdet(S)[1]
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + np.einsum("ij,jk,ik->i", d, S, d))
''',
    # log(det Σ): det overflows to inf (or underflows to 0) at D = 200.
    "det_overflow": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    maha = np.einsum("ij,ij->i", d, np.linalg.solve(S, d.T).T)
    with np.errstate(divide="ignore"):
        return -0.5 * (len(mu) * np.log(2 * np.pi) + np.log(np.linalg.det(S)) + maha)
''',
    # Evaluates the density itself, then takes the log: underflows to log(0) = −∞.
    "probability_space": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    maha = np.einsum("ij,ij->i", d, np.linalg.solve(S, d.T).T)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        dens = np.exp(-0.5 * maha) / np.sqrt((2 * np.pi) ** len(mu) * np.linalg.det(S))
        return np.log(dens)
''',
    # Solves with Lᵀ instead of L: ‖L⁻ᵀ(x − μ)‖² is not the Mahalanobis distance.
    "transposed_factor": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, dtype=float), np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = scipy.linalg.solve_triangular(L.T, (X - mu).T, lower=False)
    logdet = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + np.sum(Z**2, axis=0))
''',
}

ALTERNATIVES: dict[str, str] = {
    # slogdet and a general solve.
    "slogdet_solve": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    sign, logdet = np.linalg.slogdet(S)
    maha = np.sum(d * np.linalg.solve(S, d.T).T, axis=1)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + maha)
''',
    # Eigendecomposition Σ = V Λ Vᵀ.
    "eigh": '''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, float), np.asarray(mu, float)
    w, V = np.linalg.eigh(np.asarray(Sigma, float))
    Z = (X - mu) @ V / np.sqrt(w)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + np.sum(np.log(w)) + np.sum(Z**2, axis=1))
''',
    # scipy.stats, reshaped because it returns a scalar for a single point.
    "scipy_stats": '''
import scipy.stats

def mvn_logpdf(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    out = scipy.stats.multivariate_normal(np.asarray(mu, float), np.asarray(Sigma, float))
    return np.asarray(out.logpdf(X), dtype=float).reshape(X.shape[0])
''',
}
