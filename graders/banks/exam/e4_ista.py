"""Planted wrong answers and alternative correct answers for E4 ista."""

ANSWER_CELL = "e4_ista"
CHECK = "optimisation.exam_ista"

WRONG: dict[str, str] = {
    # Thresholds at λ instead of step·λ (the prox of λ‖·‖₁, not of step·λ‖·‖₁).
    "threshold_lam": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - lam, 0.0)
    return x
''',
    # Gradient of ‖Ax − b‖² (no ½): twice the step along the gradient.
    "gradient_without_half": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * 2 * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - step * lam, 0.0)
    return x
''',
    # One iteration too many (counts x_0 as not being an iterate).
    "off_by_one": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T + 1):
        u = x - step * A.T @ (A @ x - b)
        x = np.sign(u) * np.maximum(np.abs(u) - step * lam, 0.0)
    return x
''',
    # Prox first, then the gradient step: x ← S(x) − step·∇f(S(x)).
    "prox_then_gradient": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        v = np.sign(x) * np.maximum(np.abs(x) - step * lam, 0.0)
        x = v - step * A.T @ (A @ v - b)
    return x
''',
    # Hard thresholding: keeps u_i when |u_i| > step·λ instead of shrinking it.
    "hard_threshold": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * A.T @ (A @ x - b)
        x = np.where(np.abs(u) > step * lam, u, 0.0)
    return x
''',
}

ALTERNATIVES: dict[str, str] = {
    # Soft thresholding as u − clip(u, −τ, τ).
    "clip_form": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    tau = step * lam
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * (A.T @ (A @ x) - A.T @ b)
        x = u - np.clip(u, -tau, tau)
    return x
''',
    # Precomputed Gram matrix AᵀA and Aᵀb, thresholding with maximum/minimum.
    "gram_matrix": '''
def ista(A, b, lam, step, T):
    A = np.asarray(A, dtype=float)
    G = A.T @ A
    c = A.T @ np.asarray(b, dtype=float)
    tau = step * lam
    x = np.zeros(A.shape[1])
    for _ in range(T):
        u = x - step * (G @ x - c)
        x = np.maximum(u - tau, 0.0) + np.minimum(u + tau, 0.0)
    return x
''',
    # Coordinate-wise soft thresholding in plain Python.
    "coordinate_loop": '''
def ista(A, b, lam, step, T):
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    x = np.zeros(A.shape[1])
    for _ in range(int(T)):
        u = x - step * (A.T @ (A @ x - b))
        x = np.zeros_like(u)
        for i, ui in enumerate(u):
            if ui > step * lam:
                x[i] = ui - step * lam
            elif ui < -step * lam:
                x[i] = ui + step * lam
    return x
''',
}
