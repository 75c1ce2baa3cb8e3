"""Planted wrong answers and alternative correct answers for O2 armijo."""

ANSWER_CELL = "o2_armijo"
CHECK = "optimisation.armijo"

WRONG: dict[str, str] = {
    # Strict inequality: the exact boundary step is rejected.
    "strict_inequality": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while not f(x + a * p) < fx + c * a * slope:
        a *= rho
    return a
''',
    # Missing c: accepts any decrease f(x + a p) <= f(x).
    "missing_c": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > fx:
        a *= rho
    return a
''',
    # Starts at a0 * rho: a0 itself is never tried.
    "skips_a0": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while True:
        a *= rho
        if f(x + a * p) <= fx + c * a * slope:
            return a
''',
    # Uses -||p||^2 as the slope: right only when p = -grad f.
    "slope_from_p_norm": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    if g(x) @ p >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > f(x) - c * a * (p @ p):
        a *= rho
    return a
''',
    # Ignores the rho and c arguments (hard-coded defaults).
    "hardcoded_defaults": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    if slope >= 0:
        raise ValueError("p is not a descent direction")
    a = a0
    while f(x + a * p) > fx + 1e-4 * a * slope:
        a *= 0.5
    return a
''',
    # No descent check: on an ascent direction the loop runs until a underflows to 0.
    "no_descent_check": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx, slope = f(x), g(x) @ p
    a = a0
    while f(x + a * p) > fx + c * a * slope:
        a *= rho
    return a
''',
}

ALTERNATIVES: dict[str, str] = {
    # a = a0 * rho**k computed by a power, not by repeated multiplication.
    "power_form": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    slope = float(np.dot(g(x), p))
    if not slope < 0:
        raise ValueError("p must be a descent direction")
    fx = float(f(x))
    k = 0
    while True:
        a = a0 * rho ** k
        if f(x + a * p) - fx <= c * a * slope:
            return a
        k += 1
''',
    # Recursive backtracking.
    "recursive": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.array(x, dtype=float)
    p = np.array(p, dtype=float)
    gp = g(x) @ p
    if gp >= 0:
        raise ValueError("not a descent direction")
    fx = f(x)

    def attempt(a, depth=0):
        if f(x + a * p) <= fx + c * a * gp or depth > 900:
            return a
        return attempt(a * rho, depth + 1)

    return attempt(a0)
''',
    # for-loop with a large cap and the condition written with p scaled first.
    "for_loop": '''
def armijo(f, g, x, p, a0=1.0, rho=0.5, c=1e-4):
    x = np.asarray(x, dtype=float)
    p = np.asarray(p, dtype=float)
    fx = f(x)
    gx = g(x)
    if np.sum(gx * p) >= 0:
        raise ValueError("p is not a descent direction")
    a = float(a0)
    for _ in range(10000):
        if f(x + a * p) <= fx + c * a * np.sum(gx * p):
            break
        a = a * rho
    return a
''',
}
