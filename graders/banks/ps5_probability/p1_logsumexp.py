"""Planted wrong answers and alternative correct answers for P1 logsumexp and softmax.

The answer cell defines both functions, so every entry defines both; the question's
test cell runs ``probability.logsumexp`` and ``probability.softmax``.
"""

ANSWER_CELL = "p1_logsumexp"
CHECK = "probability.logsumexp"

_GOOD_SOFTMAX = '''
def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(a - m)
        return e / np.sum(e, axis=axis, keepdims=True)
'''

_GOOD_LOGSUMEXP = '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
'''

WRONG: dict[str, str] = {
    # No shift by the maximum: exp(1000) overflows to inf.
    "naive_overflow": '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    return np.log(np.sum(np.exp(a), axis=axis))
''' + _GOOD_SOFTMAX,
    # Shifts by the maximum but does not guard an all −∞ slice: (−∞) − (−∞) = NaN.
    "unguarded_ninf": '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
''' + _GOOD_SOFTMAX,
    # np.max without `initial`: raises on empty reductions instead of returning −∞.
    "empty_raises": '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
''' + _GOOD_SOFTMAX,
    # Correct logsumexp; softmax always normalises along axis 0.
    "softmax_wrong_axis": _GOOD_LOGSUMEXP + '''
def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=0, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(a - m)
        return e / np.sum(e, axis=0, keepdims=True)
''',
    # Correct logsumexp; softmax without the shift overflows at 1000.
    "softmax_no_shift": _GOOD_LOGSUMEXP + '''
def softmax(a, axis=-1):
    e = np.exp(np.asarray(a, dtype=float))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
    # keepdims=True leaks into the result: shape (3, 1) instead of (3,).
    "keepdims_shape": '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
''' + _GOOD_SOFTMAX,
}

ALTERNATIVES: dict[str, str] = {
    # scipy's implementations (softmax through logsumexp, since scipy's softmax raises
    # on empty input).
    "scipy_special": '''
import scipy.special

def logsumexp(a, axis=None):
    with np.errstate(invalid="ignore", divide="ignore"):
        return scipy.special.logsumexp(np.asarray(a, dtype=float), axis=axis)

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    if a.size == 0:
        return a.copy()
    lse = logsumexp(a, axis=axis)
    with np.errstate(invalid="ignore"):
        return np.exp(a - np.expand_dims(lse, axis))
''',
    # numpy's pairwise log-add ufunc, reduced along the axis (−∞ is its identity).
    "logaddexp_reduce": '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    if axis is None:
        return np.logaddexp.reduce(a.ravel())
    return np.logaddexp.reduce(a, axis=axis)

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    lse = np.logaddexp.reduce(a, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.exp(a - lse)
''',
    # Moves the axis last and loops over the slices with explicit special cases.
    "loop_over_slices": '''
def _lse1(v):
    if v.size == 0 or np.all(v == -np.inf):
        return -np.inf
    m = v.max()
    return m + np.log(np.sum(np.exp(v - m)))

def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    if axis is None:
        return np.float64(_lse1(a.ravel()))
    b = np.moveaxis(a, axis, -1)
    flat = b.reshape(int(np.prod(b.shape[:-1])), b.shape[-1])
    return np.array([_lse1(v) for v in flat]).reshape(b.shape[:-1])

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    b = np.moveaxis(a, axis, -1).copy()
    flat = b.reshape(int(np.prod(b.shape[:-1])), b.shape[-1])
    for i, v in enumerate(flat):
        flat[i] = np.exp(v - _lse1(v)) if np.any(v > -np.inf) else np.nan
    return np.moveaxis(flat.reshape(b.shape), -1, axis)
''',
}
