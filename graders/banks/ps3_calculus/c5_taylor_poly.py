"""Planted wrong answers and alternative correct answers for C5 taylor_poly."""

ANSWER_CELL = "c5_taylor_poly"
CHECK = "calculus.taylor_poly"

WRONG: dict[str, str] = {
    # n terms (degree n - 1): drops f^(n)(x0)(x - x0)^n / n!, 1/120 for exp at n = 5.
    "n_terms": '''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    return sum(derivs[k] * t ** k / math.factorial(k) for k in range(n)) + 0 * t
''',
    # 1/k instead of 1/k!.
    "one_over_k": '''
def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    out = np.zeros_like(t) + derivs[0]
    for k in range(1, n + 1):
        out = out + derivs[k] * t ** k / k
    return out
''',
    # Powers of x instead of (x - x0).
    "about_zero": '''
import math

def taylor_poly(derivs, x0, x, n):
    x = np.asarray(x, dtype=float)
    return sum(derivs[k] * x ** k / math.factorial(k) for k in range(n + 1)) + 0 * x
''',
    # Uses every derivative supplied, ignoring n.
    "uses_len_derivs": '''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    return sum(d * t ** k / math.factorial(k) for k, d in enumerate(derivs)) + 0 * t
''',
    # np.zeros_like of an integer x accumulates in integers (truncation).
    "integer_accumulator": '''
import math

def taylor_poly(derivs, x0, x, n):
    out = np.zeros_like(x)
    for k in range(n + 1):
        out += derivs[k] * (x - x0) ** k / math.factorial(k)
    return out
''',
}

ALTERNATIVES: dict[str, str] = {
    # Horner's rule in t = x - x0.
    "horner": '''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    out = np.zeros_like(t)
    for k in range(n, -1, -1):
        out = out * t + derivs[k] / math.factorial(k)
    return out
''',
    # Running term t^k / k! updated multiplicatively.
    "running_term": '''
def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - float(x0)
    term = np.ones_like(t)
    out = derivs[0] * term
    for k in range(1, n + 1):
        term = term * t / k
        out = out + derivs[k] * term
    return out
''',
    # np.polyval on the coefficient vector (highest degree first).
    "polyval": '''
from scipy.special import factorial

def taylor_poly(derivs, x0, x, n):
    k = np.arange(n + 1)
    coeffs = np.asarray(derivs[: n + 1], dtype=float) / factorial(k)
    return np.polyval(coeffs[::-1], np.asarray(x, dtype=float) - x0)
''',
}
