"""Planted wrong answers and alternative correct answers for C7 newton."""

ANSWER_CELL = "c7_newton"
CHECK = "calculus.newton"

WRONG: dict[str, str] = {
    # The step inverted: x - df/f.
    "df_over_f": '''
def newton(f, df, x0, tol, maxit):
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        if k == maxit:
            break
        x = x - df(x) / f(x)
    raise RuntimeError("no convergence")
''',
    # Secant steps after a first Newton step (superlinear, not quadratic).
    "secant": '''
def newton(f, df, x0, tol, maxit):
    x_old, f_old = x0, f(x0)
    if abs(f_old) <= tol:
        return x0, 0
    d = df(x0)
    if d == 0:
        raise ZeroDivisionError("df(x0) = 0")
    x = x0 - f_old / d
    for k in range(1, maxit + 1):
        fx = f(x)
        if abs(fx) <= tol:
            return x, k
        x, x_old, f_old = x - fx * (x - x_old) / (fx - f_old), x, fx
    raise RuntimeError("no convergence")
''',
    # Chord method: the slope df(x0) for every step (linear convergence).
    "chord": '''
def newton(f, df, x0, tol, maxit):
    d = df(x0)
    if d == 0:
        raise ZeroDivisionError("df(x0) = 0")
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        x = x - f(x) / d
    raise RuntimeError("no convergence")
''',
    # Returns the last iterate after maxit steps without flagging failure.
    "silent_maxit": '''
def newton(f, df, x0, tol, maxit):
    x = x0
    k = 0
    while abs(f(x)) > tol and k < maxit:
        x = x - f(x) / df(x)
        k += 1
    return x, k
''',
    # Swallows df = 0 and returns x0 as if it were a root.
    "swallow_df_zero": '''
def newton(f, df, x0, tol, maxit):
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        if k == maxit:
            raise RuntimeError("no convergence")
        try:
            x = x - f(x) / df(x)
        except ZeroDivisionError:
            return x, k
''',
}

ALTERNATIVES: dict[str, str] = {
    # Update first, then test: n_iter = 1 when x0 is already a root (within the ±1 slack).
    "update_then_test": '''
def newton(f, df, x0, tol, maxit):
    x = float(x0)
    for k in range(1, maxit + 1):
        d = df(x)
        if d == 0:
            raise ZeroDivisionError("zero derivative")
        x = x - f(x) / d
        if abs(f(x)) <= tol:
            return x, k
    raise RuntimeError("Newton did not converge in maxit steps")
''',
    # While loop with numpy floats and a ValueError on a zero slope.
    "while_numpy": '''
def newton(f, df, x0, tol, maxit):
    x = np.float64(x0)
    n_iter = 0
    fx = f(x)
    while abs(fx) > tol:
        if n_iter >= maxit:
            raise RuntimeError("maximum number of iterations reached")
        slope = df(x)
        if slope == 0:
            raise ValueError("df(x) = 0: Newton step undefined")
        x = x - fx * (1.0 / slope)
        n_iter += 1
        fx = f(x)
    return float(x), n_iter
''',
    # Recursive formulation.
    "recursive": '''
def newton(f, df, x0, tol, maxit):
    def step(x, k):
        fx = f(x)
        if abs(fx) <= tol:
            return x, k
        if k >= maxit:
            raise RuntimeError("not converged")
        return step(x - fx / df(x), k + 1)
    return step(x0, 0)
''',
}
