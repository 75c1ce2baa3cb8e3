"""Planted wrong answers and alternative correct answers for G4 projection_matrix_A."""

ANSWER_CELL = "g4_projection_matrix_A"
CHECK = "geometry.projection_matrix_A"

WRONG: dict[str, str] = {
    # The Euclidean projection B (BᵀB)⁻¹ Bᵀ: A ignored.
    "euclidean": '''
def projection_matrix_A(B, A):
    B = np.asarray(B, dtype=float)
    return B @ np.linalg.solve(B.T @ B, B.T)
''',
    # The correct P, symmetrised (P + Pᵀ)/2 "for stability".
    "symmetrised": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    P = B @ np.linalg.solve(B.T @ A @ B, B.T @ A)
    return (P + P.T) / 2
''',
    # A on the left: A B (BᵀAB)⁻¹ Bᵀ = Pᵀ.
    "A_on_the_left": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return A @ B @ np.linalg.inv(B.T @ A @ B) @ B.T
''',
    # The trailing A forgotten: B (BᵀAB)⁻¹ Bᵀ is not idempotent.
    "missing_trailing_A": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return B @ np.linalg.inv(B.T @ A @ B) @ B.T
''',
    # A⁻¹ in place of A.
    "inverse_A": '''
def projection_matrix_A(B, A):
    B, Ai = np.asarray(B, dtype=float), np.linalg.inv(A)
    return B @ np.linalg.inv(B.T @ Ai @ B) @ B.T @ Ai
''',
}

ALTERNATIVES: dict[str, str] = {
    # A linear solve instead of the inverse.
    "solve": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    return B @ np.linalg.solve(B.T @ A @ B, B.T @ A)
''',
    # Whitening: with A = L Lᵀ and C = Lᵀ B, P = L⁻ᵀ (C C⁺) Lᵀ.
    "cholesky_whitening": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    L = np.linalg.cholesky(A)
    C = L.T @ B
    return np.linalg.solve(L.T, C @ np.linalg.pinv(C) @ L.T)
''',
    # An A-orthonormal basis by Gram–Schmidt in ⟨·,·⟩_A, then P = Q Qᵀ A.
    "A_gram_schmidt": '''
def projection_matrix_A(B, A):
    B, A = np.asarray(B, dtype=float), np.asarray(A, dtype=float)
    Q = np.zeros((B.shape[0], 0))
    for j in range(B.shape[1]):
        v = B[:, j].copy()
        for _ in range(2):                      # twice is enough (re-orthogonalisation)
            v = v - Q @ (Q.T @ (A @ v))
        Q = np.column_stack([Q, v / np.sqrt(v @ A @ v)])
    return Q @ Q.T @ A
''',
    # The textbook formula with explicit inverse.
    "inverse_formula": '''
def projection_matrix_A(B, A):
    B = np.asarray(B, dtype=float)
    A = np.asarray(A, dtype=float)
    return B @ np.linalg.inv(B.T @ A @ B) @ B.T @ A
''',
}
