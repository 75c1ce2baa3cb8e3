"""O6b ``sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None) -> theta``: minibatch SGD.

Convention (stated in the notebook): the fixed protocol, ``rng.permutation(N)`` once per
epoch and no other use of ``rng``, minibatches perm[0:B], perm[B:2B], ..., the last one
possibly smaller (kept), the update of ``step`` (``sgd_step`` when None); epochs = 0 returns
theta0 as floats.

Graded by the final θ at rtol 1e-10. The hidden cases pass the reference step as ``step``
(rule R3: an error in ``sgd_step`` is not punished twice) and the rng as
``FunctionSpec("rng", {"seed": s})`` with s drawn from the grading seed, so the check is
exact and deterministic: its false-failure probability is 0, and regrading with the same
seed gives the same verdict. Catches: one permutation reused every epoch, no shuffling, the
last minibatch dropped, sampling with replacement, ``np.array_split`` chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.optimisation import build_input as _arg
from graders.content.units.optimisation import close as _close
from graders.content.units.optimisation import fspec as _fs
from graders.content.units.optimisation import least_squares_step
from graders.content.units.optimisation import regression as _regression
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(theta0: Any, X: Any, y: Any, lr: float, epochs: int, batch_size: int,
              rng: np.random.Generator, step: Callable[..., Any] | None = None,
              order: str = "fresh") -> np.ndarray:
    """Reference O6b: per epoch ``perm = rng.permutation(N)``, then batches perm[s:s+B] in order.

    ``order`` is for the judge's diagnostics only: "same" reuses the first epoch's
    permutation, "none" never shuffles, "drop" drops the last incomplete minibatch.
    """
    update = least_squares_step if step is None else step
    theta, N, B = _f(theta0).copy(), len(_f(y)), int(batch_size)
    perm = np.arange(N)
    for epoch in range(int(epochs)):
        if order == "fresh" or (order == "same" and epoch == 0) or order == "drop":
            perm = rng.permutation(N)
        stop = N - N % B if order == "drop" else N
        for s in range(0, stop, B):
            theta = _f(update(theta, X, y, perm[s:s + B], lr))
    return theta


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O6b: exact protocol; epochs ≥ 2 (a fresh permutation per epoch shows), B ∤ N."""
    def case(label: str, N: int, d: int, epochs: int, B: int,
             theta0: np.ndarray | None = None) -> Case:
        X, y = _regression(rng, N, d)
        lr = 0.5 / float(np.max(np.sum(X ** 2, axis=1)))  # lr·‖xᵢ‖² ≤ ½: non-expansive steps
        th0 = rng.standard_normal(d) if theta0 is None else theta0
        seed = int(rng.integers(2 ** 31))
        return Case(label, (th0, X, y, lr, epochs, B, FunctionSpec("rng", {"seed": seed})),
                    kwargs={"step": _fs("least_squares_step")})

    Xi = rng.integers(-2, 3, size=(8, 2))
    seed_i = int(rng.integers(2 ** 31))
    return [
        case("N = 20, d = 3, B = 5, 3 epochs", 20, 3, 3, 5),
        case("B = 1 (plain SGD), N = 8, 2 epochs", 8, 3, 2, 1),
        case("full batch B = N = 6, 4 epochs", 6, 2, 4, 6),
        case("B does not divide N (10 = 4 + 4 + 2), 3 epochs", 10, 3, 3, 4),
        case("epochs = 0 (returns theta0)", 6, 2, 0, 2),
        Case("integer dtype theta0, X, y; N = 8, B = 3, 2 epochs",
             (rng.integers(-2, 3, size=2), Xi, Xi @ np.array([2, -1]), 0.02, 2, 3,
              FunctionSpec("rng", {"seed": seed_i})),
             kwargs={"step": _fs("least_squares_step")}),
        case("d = 1, N = 9, B = 2, 3 epochs", 9, 1, 3, 2),
        case("N = 40, d = 5, B = 8, 5 epochs", 40, 5, 5, 8),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O6b: exact protocol, so the final θ matches the reference for the same seed."""
    theta0, X, y, lr, epochs, B, rng_spec = case.args
    step = _arg(case.kwargs["step"])
    th0 = _f(theta0)
    out = as_array(output, name="theta", shape=th0.shape)

    def run(order: str) -> np.ndarray:
        return reference(theta0, X, y, lr, epochs, B, _arg(rng_spec), step, order=order)

    ref = run("fresh")
    # lr·‖xᵢ‖² ≤ ½ makes every step non-expansive, so the rounding of ≤ 40 steps adds up:
    # ≤ 40·B·d·ε ≈ 4e-13 relative to max(|θ|) along the path; rtol 1e-10 leaves > 100×.
    ls = np.linalg.lstsq(_f(X), _f(y), rcond=None)[0]
    scale = float(max(np.max(np.abs(th0)), np.max(np.abs(ref)), np.max(np.abs(ls))))
    if _close(out, ref, scale):
        return None
    for order, msg in (("same", "the same permutation is reused every epoch: call "
                                "rng.permutation(N) at the start of each epoch"),
                       ("none", "the data are not shuffled"),
                       ("drop", "the last, smaller minibatch is dropped: keep it")):
        if _close(out, run(order), scale):
            raise Mismatch(f"looks like {msg}")
    raise Mismatch("theta differs from the specified protocol (rng.permutation(N) once per "
                   "epoch and no other use of rng, minibatches in order, the update of step)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # One permutation drawn before the loop: the same indices every epoch.
    Wrong("same_permutation_every_epoch",
          hint=("You reuse one permutation for every epoch: call rng.permutation(N) once at the "
                "start of each epoch."),
          code='''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    perm = rng.permutation(N)
    for _ in range(epochs):
        for s in range(0, N, batch_size):
            theta = step(theta, X, y, perm[s:s + batch_size], lr)
    return theta
'''),
    # No shuffling at all.
    Wrong("no_shuffle",
          hint=("You never shuffle: at the start of each epoch draw perm = rng.permutation(N) "
                "and take the minibatches from it."),
          code='''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        for s in range(0, N, batch_size):
            theta = step(theta, X, y, np.arange(s, min(s + batch_size, N)), lr)
    return theta
'''),
    # Drops the last, incomplete minibatch.
    Wrong("drop_last_batch",
          hint=("You drop the last, smaller minibatch when B does not divide N: keep it, so that "
                "every example is used once per epoch."),
          code='''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        perm = rng.permutation(N)
        for s in range(0, N - batch_size + 1, batch_size):
            theta = step(theta, X, y, perm[s:s + batch_size], lr)
    return theta
'''),
    # Minibatches sampled with replacement: a different protocol.
    Wrong("sample_with_replacement",
          hint=("You sample minibatches with replacement: the protocol is one rng.permutation(N) "
                "per epoch, split into consecutive slices."),
          code='''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        for _ in range(int(np.ceil(N / batch_size))):
            theta = step(theta, X, y, rng.integers(0, N, batch_size), lr)
    return theta
'''),
    # np.array_split makes near-equal chunks, not chunks of size batch_size.
    Wrong("array_split_batches",
          hint=("np.array_split makes chunks of nearly equal size: the minibatches are "
                "perm[0:B], perm[B:2B], …, with only the last one smaller."),
          code='''
def sgd(theta0, X, y, lr, epochs, batch_size, rng, step=None):
    step = sgd_step if step is None else step
    theta = np.array(theta0, dtype=float)
    N = len(y)
    for _ in range(epochs):
        perm = rng.permutation(N)
        for idx in np.array_split(perm, int(np.ceil(N / batch_size))):
            theta = step(theta, X, y, idx, lr)
    return theta
'''),
)

ALTERNATIVES = (
    # Ignores step and writes the least-squares update inline.
    Alternative("inline_update", code='''
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
'''),
    # Shuffles an index array in place (same random stream as permutation) and uses np.split.
    Alternative("shuffle_and_split", code='''
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
'''),
    # Permutes the rows of X and y, then takes consecutive slices (indices into the copies).
    Alternative("permuted_copies", code='''
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
'''),
)

TASK = Task(
    answer_cell="o6_sgd",
    checks=(CheckSpec(id="optimisation.sgd", unit="optimisation",
                      function="sgd", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
