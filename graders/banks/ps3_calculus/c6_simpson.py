"""Planted wrong answers and alternative correct answers for C6 simpson."""

ANSWER_CELL = "c6_simpson"
CHECK = "calculus.simpson"

WRONG: dict[str, str] = {
    # Weights 2 on odd nodes and 4 on even interior nodes.
    "weights_swapped": '''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    y = np.array([f(a + i * h) for i in range(n + 1)])
    return h / 3 * (y[0] + 2 * y[1:-1:2].sum() + 4 * y[2:-1:2].sum() + y[-1])
''',
    # n nodes instead of n + 1.
    "n_points": '''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    x = np.linspace(a, b, n)
    h = x[1] - x[0]
    y = np.array([f(t) for t in x])
    w = np.ones(n)
    w[1:-1:2] = 4
    w[2:-1:2] = 2
    return h / 3 * float(w @ y)
''',
    # Never raises: scipy's simpson silently handles an odd number of intervals.
    "no_error_for_odd_n": '''
from scipy.integrate import simpson as _simpson

def simpson(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    return float(_simpson(np.array([f(t) for t in x]), x=x))
''',
    # h/6 instead of h/3.
    "factor_h_over_6": '''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    y = np.array([f(a + i * h) for i in range(n + 1)])
    return h / 6 * (y[0] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum() + y[-1])
''',
}

ALTERNATIVES: dict[str, str] = {
    # Richardson extrapolation of the trapezoid rule: (4 T_n - T_{n/2}) / 3.
    "richardson_of_trapezoid": '''
def simpson(f, a, b, n):
    if n % 2 != 0:
        raise ValueError("Simpson's rule needs an even n")
    def trap(m):
        x = np.linspace(a, b, m + 1)
        y = np.array([f(t) for t in x])
        return (b - a) / m * (y.sum() - (y[0] + y[-1]) / 2)
    return (4 * trap(n) - trap(n // 2)) / 3
''',
    # scipy's composite Simpson on n + 1 nodes, after the parity check.
    "scipy_even_n": '''
from scipy.integrate import simpson as _simpson

def simpson(f, a, b, n):
    if n % 2 == 1:
        raise ValueError("odd n")
    x = np.linspace(a, b, n + 1)
    return float(_simpson(f(x), x=x))
''',
    # Panel by panel: h/3 (f0 + 4 f1 + f2) on each pair of intervals.
    "panel_loop": '''
def simpson(f, a, b, n):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    total = 0.0
    for i in range(0, n, 2):
        x = a + i * h
        total += h / 3 * (f(x) + 4 * f(x + h) + f(x + 2 * h))
    return total
''',
}
