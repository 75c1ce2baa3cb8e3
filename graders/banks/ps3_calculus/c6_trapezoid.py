"""Planted wrong answers and alternative correct answers for C6 trapezoid."""

ANSWER_CELL = "c6_trapezoid"
CHECK = "calculus.trapezoid"

WRONG: dict[str, str] = {
    # n nodes (n - 1 intervals): the syllabus's off-by-one, close to the integral at n = 8.
    "n_points": '''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n)
    y = np.array([f(t) for t in x])
    h = x[1] - x[0] if n > 1 else 0.0
    return h * (y.sum() - (y[0] + y[-1]) / 2)
''',
    # Every node with weight h (endpoints not halved).
    "endpoint_weights": '''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    x = a + h * np.arange(n + 1)
    return h * sum(f(t) for t in x)
''',
    # Left Riemann sum.
    "left_riemann": '''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    return h * sum(f(a + i * h) for i in range(n))
''',
    # Step (b - a) / (n + 1) with n + 1 nodes from a: misses the right endpoint.
    "wrong_step": '''
def trapezoid(f, a, b, n):
    h = (b - a) / (n + 1)
    y = [f(a + i * h) for i in range(n + 1)]
    return h * (sum(y) - (y[0] + y[-1]) / 2)
''',
}

ALTERNATIVES: dict[str, str] = {
    # numpy's trapezoid on n + 1 equally spaced nodes.
    "numpy_trapezoid": '''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    y = np.array([f(t) for t in x], dtype=float)
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)
''',
    # Weight vector (1/2, 1, ..., 1, 1/2) and a vectorised call of f.
    "weights_vector": '''
def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    w = np.ones(n + 1)
    w[0] = w[-1] = 0.5
    return (b - a) / n * float(w @ f(x))
''',
    # Interval by interval.
    "panel_loop": '''
def trapezoid(f, a, b, n):
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        total += (f(a + i * h) + f(a + (i + 1) * h)) * h / 2
    return total
''',
}
