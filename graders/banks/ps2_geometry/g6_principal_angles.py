"""Planted wrong answers and alternative correct answers for G6 principal_angles."""

ANSWER_CELL = "g6_principal_angles"
CHECK = "geometry.principal_angles"

WRONG: dict[str, str] = {
    # Singular values of B1ᵀB2 without orthonormalising the bases.
    "no_orthonormalisation": '''
def principal_angles(B1, B2):
    s = np.linalg.svd(np.asarray(B1, float).T @ np.asarray(B2, float), compute_uv=False)
    return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))
''',
    # arccos of the cosines: angles below ~1e-7 are lost, small ones lose digits.
    "arccos_cosines": '''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    s = np.linalg.svd(Q1.T @ Q2, compute_uv=False)
    return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))
''',
    # scipy's subspace_angles as is: descending order.
    "descending": '''
import scipy.linalg

def principal_angles(B1, B2):
    return scipy.linalg.subspace_angles(np.asarray(B1, float), np.asarray(B2, float))
''',
    # scipy's subspace_angles sorted: its cos² ≥ ½ mask is applied in reverse order (scipy
    # 1.17), so a tiny angle next to a large one comes from arccos and loses digits.
    "scipy_subspace_angles_sorted": '''
import scipy.linalg

def principal_angles(B1, B2):
    return np.sort(scipy.linalg.subspace_angles(np.asarray(B1, float), np.asarray(B2, float)))
''',
    # Degrees.
    "degrees": '''
import scipy.linalg

def principal_angles(B1, B2):
    return np.degrees(np.sort(scipy.linalg.subspace_angles(np.asarray(B1, float),
                                                           np.asarray(B2, float))))
''',
}

ALTERNATIVES: dict[str, str] = {
    # Knyazev–Argentati: arcsin of the sines for small angles, arccos of the cosines for large.
    "sine_cosine_mixed": '''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    cos = np.sort(np.linalg.svd(Q1.T @ Q2, compute_uv=False))[::-1]
    sin = np.sort(np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False))
    theta = np.where(cos ** 2 >= 0.5, np.arcsin(np.clip(sin, 0.0, 1.0)),
                     np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.sort(theta)
''',
    # Sines only: arcsin of the singular values of (I − Q1Q1ᵀ)Q2 (Q2 the smaller basis).
    "sines_only": '''
def principal_angles(B1, B2):
    Q1 = np.linalg.qr(np.asarray(B1, float))[0]
    Q2 = np.linalg.qr(np.asarray(B2, float))[0]
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    s = np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False)
    return np.sort(np.arcsin(np.clip(s, 0.0, 1.0)))
''',
    # SVD-based orthonormal bases; θ = atan2(sin, cos), pairing the i-th largest cosine
    # with the i-th smallest sine.
    "atan2_sine_cosine": '''
def principal_angles(B1, B2):
    def orth(B):
        U, s, _ = np.linalg.svd(np.asarray(B, float), full_matrices=False)
        return U[:, s > max(np.shape(B)) * np.finfo(float).eps * s[0]]
    Q1, Q2 = orth(B1), orth(B2)
    if Q1.shape[1] < Q2.shape[1]:
        Q1, Q2 = Q2, Q1
    cos = np.sort(np.linalg.svd(Q1.T @ Q2, compute_uv=False))[::-1]
    sin = np.sort(np.linalg.svd(Q2 - Q1 @ (Q1.T @ Q2), compute_uv=False))
    return np.sort(np.arctan2(sin, cos))
''',
}
