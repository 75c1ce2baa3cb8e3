"""Planted wrong answers and alternative correct answers for G1 inner, norm, dist, angle.

The answer cell defines all four functions, so each entry does too; the question (one
answer cell, four checks) loses its marks if any of the four checks fails.
"""

ANSWER_CELL = "g1_inner_angle"
CHECK = "geometry.angle"

_REST = '''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return float(np.sqrt(max(inner(x, x, A), 0.0)))

def dist(x, y, A):
    return norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)
'''

WRONG: dict[str, str] = {
    # arccos without clip: the parallel and antiparallel cases give NaN.
    "no_clip": _REST + '''
def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(inner(x, y, A) / (nx * ny)))
''',
    # The inverse of A in the inner product.
    "inverse_A": '''
def inner(x, y, A):
    return float(np.asarray(x, dtype=float) @ np.linalg.inv(A) @ np.asarray(y, dtype=float))

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    return norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
''',
    # Degrees instead of radians.
    "degrees": _REST + '''
def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.degrees(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0))))
''',
    # norm returns ‖x‖² = xᵀAx (no square root); angle divides by the squared norms.
    "norm_squared": '''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return inner(x, x, A)

def dist(x, y, A):
    return float(np.sqrt(norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)))

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
''',
    # No check for the zero vector: 0/0 raises ZeroDivisionError, not the ValueError asked for.
    "zero_vector_nan": _REST + '''
def angle(x, y, A):
    c = inner(x, y, A) / (norm(x, A) * norm(y, A))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))
''',
    # Distance as the difference of the norms.
    "dist_difference_of_norms": '''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    return abs(norm(x, A) - norm(y, A))

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
''',
}

ALTERNATIVES: dict[str, str] = {
    # einsum inner product, clipped arccos, np.sqrt of the quadratic form.
    "einsum_clip": '''
def inner(x, y, A):
    return float(np.einsum("i,ij,j->", np.asarray(x, float), np.asarray(A, float),
                           np.asarray(y, float)))

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    d = np.asarray(x, float) - np.asarray(y, float)
    return norm(d, A)

def angle(x, y, A):
    if not np.any(x) or not np.any(y):
        raise ValueError("the angle with the zero vector is undefined")
    c = inner(x, y, A) / np.sqrt(inner(x, x, A) * inner(y, y, A))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))
''',
    # Whitening by the Cholesky factor: ⟨x, y⟩_A = (Lᵀx)·(Lᵀy); angle by atan2 (Kahan).
    "cholesky_atan2": '''
def _w(x, A):
    return np.linalg.cholesky(np.asarray(A, float)).T @ np.asarray(x, float)

def inner(x, y, A):
    return float(_w(x, A) @ _w(y, A))

def norm(x, A):
    return float(np.linalg.norm(_w(x, A)))

def dist(x, y, A):
    return float(np.linalg.norm(_w(np.asarray(x, float) - np.asarray(y, float), A)))

def angle(x, y, A):
    u, v = _w(x, A), _w(y, A)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("the angle with the zero vector is undefined")
    u, v = u / nu, v / nv
    return float(2 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))
''',
    # Distance by the expansion ‖x‖² + ‖y‖² − 2⟨x, y⟩, clamped; angle by atan2(sin, cos).
    "expansion_and_atan2": '''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ (A @ y))

def norm(x, A):
    return float(np.sqrt(max(inner(x, x, A), 0.0)))

def dist(x, y, A):
    d2 = inner(x, x, A) + inner(y, y, A) - 2 * inner(x, y, A)
    return float(np.sqrt(max(d2, 0.0)))

def angle(x, y, A):
    xx, yy, xy = inner(x, x, A), inner(y, y, A), inner(x, y, A)
    if xx == 0 or yy == 0:
        raise ValueError("the angle with the zero vector is undefined")
    return float(np.arctan2(np.sqrt(max(xx * yy - xy * xy, 0.0)), xy))
''',
}
