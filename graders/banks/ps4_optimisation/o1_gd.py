"""Planted wrong answers and alternative correct answers for O1 gd."""

ANSWER_CELL = "o1_gd"
CHECK = "optimisation.gd"

WRONG: dict[str, str] = {
    # +∇ instead of −∇: gradient ascent.
    "gradient_ascent": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x = x + lr * grad(x)
        traj.append(x.copy())
    return np.array(traj)
''',
    # Off by one: records the iterates after each step but not x0 (T rows).
    "missing_x0": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = []
    for _ in range(T):
        x = x - lr * grad(x)
        traj.append(x.copy())
    return np.array(traj).reshape(T, len(x))
''',
    # Off by one the other way: T + 1 steps, T + 2 rows.
    "extra_iteration": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T + 1):
        x = x - lr * grad(x)
        traj.append(x.copy())
    return np.array(traj)
''',
    # Appends the same array object that is then updated in place: every row is the last iterate.
    "inplace_aliasing": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x)
    return np.array(traj)
''',
    # Copies x0 without converting: the in-place update of an integer array raises.
    "integer_inplace": '''
def gd(grad, x0, lr, T):
    x = x0.copy()
    traj = [x.copy()]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x.copy())
    return np.array(traj, dtype=float)
''',
    # A "safeguard": freezes the iterate once it starts to blow up (hides divergence).
    "freeze_when_diverging": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x_new = x - lr * grad(x)
        if np.linalg.norm(x_new) > 10 * np.linalg.norm(traj[0]) + 10:
            x_new = x
        x = x_new
        traj.append(x.copy())
    return np.array(traj)
''',
}

ALTERNATIVES: dict[str, str] = {
    # Preallocated trajectory, rows updated from the previous row.
    "preallocated": '''
def gd(grad, x0, lr, T):
    x0 = np.asarray(x0, dtype=float)
    traj = np.empty((T + 1, x0.shape[0]))
    traj[0] = x0
    for k in range(T):
        traj[k + 1] = traj[k] - lr * np.asarray(grad(traj[k]))
    return traj
''',
    # In-place update of a float copy, appending copies, stacked at the end.
    "inplace_with_copies": '''
def gd(grad, x0, lr, T):
    x = np.array(x0, dtype=float)
    traj = [x.copy()]
    for _ in range(T):
        x -= lr * grad(x)
        traj.append(x.copy())
    return np.vstack(traj)
''',
    # Functional style with np.subtract and a list comprehension-free recursion on a list.
    "subtract_stack": '''
def gd(grad, x0, lr, T):
    xs = [np.asarray(x0, dtype=float)]
    while len(xs) < T + 1:
        xs.append(np.subtract(xs[-1], np.multiply(lr, grad(xs[-1]))))
    return np.stack(xs, axis=0)
''',
}
