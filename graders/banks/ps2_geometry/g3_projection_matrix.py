"""Planted wrong answers and alternative correct answers for G3 projection_matrix, project.

The answer cell defines both functions; ``project`` is checked by its own id in the
same test cell, so a wrong ``project`` also loses the question's marks.
"""

ANSWER_CELL = "g3_projection_matrix"
CHECK = "geometry.projection_matrix"

_PROJECT = '''
def project(x, B):
    return projection_matrix(B) @ np.asarray(x, dtype=float)
'''

WRONG: dict[str, str] = {
    # B Bᵀ without the inverse in the middle.
    "bbT_without_inverse": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ B.T
''' + _PROJECT,
    # Coursera's bug: on a 1-D b, b @ b.T is the scalar bᵀb, so P = 1.
    "one_d_dot_product": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    return B @ np.linalg.pinv(B.T @ B) @ B.T if B.ndim == 2 else (B @ B.T) / (B @ B)
''' + _PROJECT,
    # The inverse in the wrong position: Bᵀ (B Bᵀ)⁺ B is (K, K).
    "inverse_wrong_position": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B.T @ np.linalg.pinv(B @ B.T) @ B
''' + _PROJECT,
    # B (BᵀB)⁻¹ Bᵀ for every B: singular BᵀB when the columns are dependent.
    "normal_equations_inverse": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.inv(B.T @ B) @ B.T
''' + _PROJECT,
    # Q Qᵀ from a reduced QR without rank detection: too large a span when rank-deficient.
    "qr_without_rank_check": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    Q = np.linalg.qr(B)[0]
    return Q @ Q.T
''' + _PROJECT,
    # projection_matrix is right, but project returns the residual x − P x.
    "project_returns_residual": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.pinv(B)

def project(x, B):
    x = np.asarray(x, dtype=float)
    return x - projection_matrix(B) @ x
''',
}

ALTERNATIVES: dict[str, str] = {
    # P = B B⁺ with numpy's pseudo-inverse.
    "pinv": '''
def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B[:, None]
    return B @ np.linalg.pinv(B)
''' + _PROJECT,
    # Orthonormal basis of the column space from the SVD with a relative rank threshold.
    "svd_rank": '''
def _basis(B):
    B = np.asarray(B, dtype=float)
    if B.ndim == 1:
        B = B.reshape(-1, 1)
    U, s, _ = np.linalg.svd(B, full_matrices=False)
    r = int(np.sum(s > max(B.shape) * np.finfo(float).eps * s[0])) if s.size and s[0] > 0 else 0
    return U[:, :r]

def projection_matrix(B):
    U = _basis(B)
    return U @ U.T

def project(x, B):
    U = _basis(B)
    return U @ (U.T @ np.asarray(x, dtype=float))
''',
    # Least squares: P = B · lstsq(B, I); project(x) = B · lstsq(B, x).
    "lstsq": '''
def projection_matrix(B):
    B = np.atleast_2d(np.asarray(B, dtype=float).T).T
    return B @ np.linalg.lstsq(B, np.eye(B.shape[0]), rcond=None)[0]

def project(x, B):
    B = np.atleast_2d(np.asarray(B, dtype=float).T).T
    return B @ np.linalg.lstsq(B, np.asarray(x, dtype=float), rcond=None)[0]
''',
    # scipy.linalg.orth gives an orthonormal basis of the range (rank by the SVD).
    "scipy_orth": '''
import scipy.linalg

def projection_matrix(B):
    B = np.asarray(B, dtype=float)
    Q = scipy.linalg.orth(B[:, None] if B.ndim == 1 else B)
    return Q @ Q.T
''' + _PROJECT,
}
