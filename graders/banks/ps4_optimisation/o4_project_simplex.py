"""Planted wrong answers and alternative correct answers for O4 project_simplex."""

ANSWER_CELL = "o4_project_simplex"
CHECK = "optimisation.project_simplex"

WRONG: dict[str, str] = {
    # Feasible but not the projection (and NaN when every entry is negative).
    "clip_renormalise": '''
def project_simplex(v):
    x = np.maximum(np.asarray(v, dtype=float), 0.0)
    return x / x.sum()
''',
    # Softmax: in the simplex, never the Euclidean projection.
    "softmax": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    e = np.exp(v - v.max())
    return e / e.sum()
''',
    # One shift to sum 1, then clipping (a single Michelot step): sum ≠ 1 after clipping.
    "shift_then_clip": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    return np.maximum(v - (v.sum() - 1.0) / len(v), 0.0)
''',
    # Sort-based, but the threshold divides by the 0-based index.
    "off_by_one_threshold": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    j = np.arange(1, len(v) + 1)
    r = np.nonzero(u - (css - 1) / j > 0)[0][-1]
    tau = (css[r] - 1) / max(r, 1)
    return np.maximum(v - tau, 0.0)
''',
    # Sorts ascending instead of descending.
    "ascending_sort": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = np.sort(v)
    css = np.cumsum(u)
    j = np.arange(1, len(v) + 1)
    r = np.nonzero(u - (css - 1) / j > 0)[0][-1]
    tau = (css[r] - 1) / (r + 1)
    return np.maximum(v - tau, 0.0)
''',
}

ALTERNATIVES: dict[str, str] = {
    # Bisection on τ in Σ max(v − τ, 0) = 1, to machine precision.
    "bisection": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    lo, hi = v.min() - 1.0, v.max()
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.maximum(v - mid, 0.0).sum() > 1.0:
            lo = mid
        else:
            hi = mid
    tau = 0.5 * (lo + hi)
    return np.maximum(v - tau, 0.0)
''',
    # Michelot's algorithm: shift, drop the non-positive entries, repeat.
    "michelot": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    active = np.ones(len(v), dtype=bool)
    while True:
        tau = (v[active].sum() - 1.0) / active.sum()
        keep = active & (v - tau > 0)
        if keep.sum() == active.sum():
            break
        active = keep
    return np.maximum(v - tau, 0.0)
''',
    # Sort-based with an explicit loop over the sorted entries.
    "sort_loop": '''
def project_simplex(v):
    v = np.asarray(v, dtype=float)
    u = sorted(v, reverse=True)
    total, tau = 0.0, 0.0
    for k, uk in enumerate(u, start=1):
        total += uk
        t = (total - 1.0) / k
        if uk - t > 0:
            tau = t
    return np.maximum(v - tau, 0.0)
''',
}
