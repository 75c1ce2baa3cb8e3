"""Planted wrong answers and alternative correct answers for O6b sgd."""

ANSWER_CELL = "o6_sgd"
CHECK = "optimisation.sgd"

WRONG: dict[str, str] = {
    # One permutation drawn before the loop: the same indices every epoch.
    "same_permutation_every_epoch": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    perm = rng.permutation(N)
    for _ in range(epochs):
        for s in range(0, N, batch_size):
            theta = step(theta, X, y, perm[s:s + batch_size], lr)
    return theta
''',
    # No shuffling at all.
    "no_shuffle": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        for s in range(0, N, batch_size):
            theta = step(theta, X, y, np.arange(s, min(s + batch_size, N)), lr)
    return theta
''',
    # Drops the last, incomplete minibatch.
    "drop_last_batch": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        perm = rng.permutation(N)
        for s in range(0, N - batch_size + 1, batch_size):
            theta = step(theta, X, y, perm[s:s + batch_size], lr)
    return theta
''',
    # Minibatches sampled with replacement: a different protocol.
    "sample_with_replacement": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        for _ in range(int(np.ceil(N / batch_size))):
            theta = step(theta, X, y, rng.integers(0, N, batch_size), lr)
    return theta
''',
    # np.array_split makes near-equal chunks, not chunks of size batch_size.
    "array_split_batches": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        perm = rng.permutation(N)
        for idx in np.array_split(perm, int(np.ceil(N / batch_size))):
            theta = step(theta, X, y, idx, lr)
    return theta
''',
}

ALTERNATIVES: dict[str, str] = {
    # Ignores step and writes the least-squares update inline.
    "inline_update": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    theta = np.array(theta0, dtype=float)
    N = X.shape[0]
    for _ in range(epochs):
        perm = rng.permutation(N)
        for s in range(0, N, batch_size):
            b = perm[s:s + batch_size]
            theta = theta - lr / len(b) * X[b].T @ (X[b] @ theta - y[b])
    return theta
''',
    # Shuffles an index array in place (same random stream as permutation) and uses np.split.
    "shuffle_and_split": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    if step is None:
        step = sgd_step
    theta = np.asarray(theta0, dtype=float).copy()
    N = np.shape(X)[0]
    for epoch in range(epochs):
        order = np.arange(N)
        rng.shuffle(order)
        for idx in np.split(order, np.arange(batch_size, N, batch_size)):
            theta = step(theta, X, y, idx, lr)
    return theta
''',
    # Permutes the rows of X and y, then takes consecutive slices (indices into the copies).
    "permuted_copies": '''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = step or sgd_step
    theta = np.array(theta0, dtype=float)
    X, y = np.asarray(X), np.asarray(y)
    N = len(y)
    for _ in range(epochs):
        perm = rng.permutation(N)
        Xp, yp = X[perm], y[perm]
        start = 0
        while start < N:
            idx = np.arange(start, min(start + batch_size, N))
            theta = step(theta, Xp, yp, idx, lr)
            start += batch_size
    return theta
''',
}
