"""Planted wrong answers and alternative correct answers for G2 pairwise_distances."""

ANSWER_CELL = "g2_pairwise_distances"
CHECK = "geometry.pairwise_distances"

WRONG: dict[str, str] = {
    # (M, N): the roles of X and Y swapped.
    "transposed": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.sqrt(((Y[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
''',
    # Squared distances (no square root).
    "squared": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(axis=2)
''',
    # The expansion without clamping: tiny negative values give NaN for equal points.
    "expansion_no_clamp": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    sq = (X ** 2).sum(axis=1)[:, None] + (Y ** 2).sum(axis=1)[None, :] - 2 * X @ Y.T
    return np.sqrt(sq)
''',
    # Output allocated with X's dtype: integer inputs truncate the distances.
    "output_dtype_of_X": '''
def pairwise_distances(X, Y):
    D = np.zeros((X.shape[0], Y.shape[0]), dtype=X.dtype)
    for i in range(X.shape[0]):
        D[i] = np.sqrt(((Y - X[i]) ** 2).sum(axis=1))
    return D
''',
}

ALTERNATIVES: dict[str, str] = {
    # Broadcast differences (N, M, D), then the norm along the last axis.
    "broadcast_norm": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=-1)
''',
    # The expansion ‖x‖² + ‖y‖² − 2xᵀy, clamped at 0 (the syllabus's 1e-7·max‖x‖ tolerance).
    "expansion_clamped": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    sq = np.einsum("ij,ij->i", X, X)[:, None] + np.einsum("ij,ij->i", Y, Y)[None, :]
    sq -= 2.0 * X @ Y.T
    return np.sqrt(np.maximum(sq, 0.0))
''',
    # scipy's cdist.
    "scipy_cdist": '''
from scipy.spatial.distance import cdist

def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if len(X) == 0 or len(Y) == 0:
        return np.zeros((len(X), len(Y)))
    return cdist(X, Y)
''',
    # A loop over the rows of X with a float output.
    "row_loop": '''
def pairwise_distances(X, Y):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    D = np.empty((X.shape[0], Y.shape[0]))
    for i, x in enumerate(X):
        D[i] = np.sqrt(((Y - x) ** 2).sum(axis=1))
    return D
''',
}
