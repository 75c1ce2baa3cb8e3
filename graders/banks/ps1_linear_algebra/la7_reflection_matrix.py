"""Planted wrong answers and alternative correct answers for LA7 reflection_matrix."""

ANSWER_CELL = "la7_reflection_matrix"
CHECK = "linear_algebra.reflection_matrix"

WRONG: dict[str, str] = {
    # Changes basis with B itself: B T_E B^-1 fixes b1 but is neither symmetric nor orthogonal.
    "oblique": '''
def reflection_matrix(B):
    B = np.asarray(B, dtype=float)
    TE = np.array([[1.0, 0.0], [0.0, -1.0]])
    return B @ TE @ np.linalg.inv(B)
''',
    # Projection formula without dividing by |b1|^2.
    "unnormalised_b1": '''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    return 2 * np.outer(b1, b1) - np.eye(2)
''',
    # Negates the b1 component instead of the normal one: the mirror orthogonal to b1.
    "reflect_across_normal": '''
def reflection_matrix(B):
    E, _ = np.linalg.qr(np.asarray(B, dtype=float))
    TE = np.array([[-1.0, 0.0], [0.0, 1.0]])
    return E @ TE @ E.T
''',
    # Coursera's in-place Gram-Schmidt on np.array(B): an integer B truncates E to 0/1.
    "integer_gram_schmidt": '''
def reflection_matrix(B):
    E = np.array(B)
    E[:, 0] = E[:, 0] / np.linalg.norm(E[:, 0])
    E[:, 1] = E[:, 1] - (E[:, 1] @ E[:, 0]) * E[:, 0]
    E[:, 1] = E[:, 1] / np.linalg.norm(E[:, 1])
    TE = np.array([[1, 0], [0, -1]])
    return E @ TE @ E.T
''',
}

ALTERNATIVES: dict[str, str] = {
    # T = 2P - I with P = b1 b1ᵀ / (b1ᵀ b1), the projection onto the mirror line.
    "projection_formula": '''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    P = np.outer(b1, b1) / (b1 @ b1)
    return 2 * P - np.eye(len(b1))
''',
    # Householder: I - 2 n nᵀ with n the unit normal of the mirror line.
    "householder_normal": '''
def reflection_matrix(B):
    b1 = np.asarray(B, dtype=float)[:, 0]
    n = np.array([-b1[1], b1[0]]) / np.hypot(b1[0], b1[1])
    return np.eye(2) - 2 * np.outer(n, n)
''',
    # Coursera's construction on a float copy: E = GS(B), T = E T_E Eᵀ.
    "coursera_gram_schmidt": '''
def reflection_matrix(B):
    E = np.array(B, dtype=float)
    E[:, 0] = E[:, 0] / np.linalg.norm(E[:, 0])
    E[:, 1] = E[:, 1] - (E[:, 1] @ E[:, 0]) * E[:, 0]
    E[:, 1] = E[:, 1] / np.linalg.norm(E[:, 1])
    TE = np.array([[1, 0], [0, -1]])
    return E @ TE @ E.T
''',
    # E from numpy's Householder QR (column signs are irrelevant in E T_E Eᵀ).
    "qr_basis": '''
def reflection_matrix(B):
    E, _ = np.linalg.qr(np.asarray(B, dtype=float))
    return E @ np.diag([1.0, -1.0]) @ E.T
''',
}
