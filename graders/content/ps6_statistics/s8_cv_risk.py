"""S8 ``cv_risk(fit, predict, X, y, folds) -> risk``: the cross-validated squared-error risk.

Convention (stated in the notebook): ``model = fit(X_train, y_train)`` and
``y_hat = predict(model, X_test)``; the folds partition range(N) (and have unequal sizes in
the hidden cases); each point is predicted by a model fitted on the other folds, and the risk
is the squared error averaged over all N points (not over folds).

Graded at rtol 1e-10 against a reference that uses the same learners, so boolean masks, fold
means weighted by fold size and a point-by-point loop pass. The learners are built in the
sandbox from :mod:`graders.runtime.factories.statistics`: ridge, the mean predictor and
1-nearest neighbour (a memorising model, so a leaked test fold shows at once); the folds are
shuffled and of unequal sizes. Catches: the mean of the per-fold means, training on the test
fold, ignoring the given folds, the sum instead of the mean, absolute instead of squared error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_float
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design
from graders.errors import Mismatch
from graders.runtime.factories import build

__all__ = ["TASK", "cases", "judge", "reference", "unequal_folds"]


def _folds(folds: Sequence[Any]) -> list[np.ndarray]:
    return [np.asarray(f, dtype=np.int64) for f in folds]


def reference(fit: Callable[..., Any], predict: Callable[..., Any], X: Any, y: Any,
              folds: Sequence[Any], per_fold: bool = False, leak: bool = False) -> float:
    """Reference S8: mean over all points of (y − ŷ)², ŷ from a model trained without the fold.

    ``per_fold`` (mean of the fold means) and ``leak`` (train on everything) give the two
    planted mistakes' values, which the judge uses for its diagnostics.
    """
    x, yv = _f(X), _f(y)
    n = len(yv)
    sq, means = np.zeros(n), []
    for test in _folds(folds):
        train = np.arange(n) if leak else np.setdiff1d(np.arange(n), test)
        model = fit(x[train], yv[train])
        err = (yv[test] - np.asarray(predict(model, x[test]), dtype=np.float64)) ** 2
        sq[test] = err
        means.append(err.mean())
    return float(np.mean(means)) if per_fold else float(sq.mean())


# ---------------------------------------------------------------- hidden inputs


def unequal_folds(rng: np.random.Generator, sizes: list[int]) -> tuple[np.ndarray, ...]:
    """A shuffled partition of range(sum(sizes)) into folds of the given sizes (int64)."""
    perm = rng.permutation(sum(sizes)).astype(np.int64)
    return tuple(np.sort(part) for part in np.split(perm, np.cumsum(sizes)[:-1]))


def cases(rng: np.random.Generator) -> list[Case]:
    """S8: unequal shuffled folds; ridge, mean and 1-nearest-neighbour learners."""
    def ridge(lam: float) -> tuple[FunctionSpec, FunctionSpec]:
        return (FunctionSpec("statistics.ridge_fit", {"lam": lam}),
                FunctionSpec("statistics.linear_predict", {}))

    mean = (FunctionSpec("statistics.mean_fit", {}), FunctionSpec("statistics.mean_predict", {}))
    nn = (FunctionSpec("statistics.nn_fit", {}), FunctionSpec("statistics.nn_predict", {}))

    def data(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
        X = design(rng, n, d)
        return X, X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n)

    X_int = np.column_stack([np.ones(12, dtype=np.int64), rng.integers(-4, 5, size=(12, 2))])
    y_int = X_int @ np.array([1.0, -0.5, 2.0]) + rng.standard_normal(12)
    return [
        Case("ridge lam = 0.5, folds of sizes 2, 4, 6", (*ridge(0.5), *data(12, 3),
                                                          unequal_folds(rng, [2, 4, 6]))),
        Case("mean predictor, folds of sizes 1, 3, 5", (*mean, *data(9, 2),
                                                         unequal_folds(rng, [1, 3, 5]))),
        Case("1-nearest neighbour, folds of sizes 3, 7", (*nn, *data(10, 2),
                                                          unequal_folds(rng, [3, 7]))),
        Case("leave-one-out, ridge lam = 0.1, N = 6", (*ridge(0.1), *data(6, 2),
                                                       unequal_folds(rng, [1] * 6))),
        Case("integer dtype X, ridge lam = 2, folds of sizes 3, 9",
             (*ridge(2.0), X_int, y_int, unequal_folds(rng, [3, 9]))),
        Case("mean predictor, folds of sizes 4, 3, 2, 1", (*mean, *data(10, 1),
                                                           unequal_folds(rng, [4, 3, 2, 1]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S8: the per-point squared-error risk, to rtol 1e-10."""
    fit, predict = (build(s.factory, dict(s.params)) for s in case.args[:2]
                    if isinstance(s, FunctionSpec))
    X, y, folds = case.args[2], case.args[3], case.args[4]
    risk = as_float(output, name="risk")
    ref = reference(fit, predict, X, y, folds)
    # The models are ridge solves with κ ≤ 1e3, means, or exact nearest-neighbour lookups;
    # a different order of the training rows changes θ by ≤ κ·N·ε ≈ 3e-12 relative, and the
    # mean of ≤ 15 squares adds ≤ 15ε; rtol 1e-10 ("exact match") leaves ≥ 30× margin.
    if abs(risk - ref) <= 1e-10 * ref:
        return None
    if abs(risk - reference(fit, predict, X, y, folds, per_fold=True)) <= 1e-10 * ref:
        raise Mismatch("risk is the mean of the per-fold means; the spec averages the "
                       "squared errors over all N points (the folds have unequal sizes)")
    if abs(risk - reference(fit, predict, X, y, folds, leak=True)) <= 1e-10 * ref:
        raise Mismatch("the model was trained on data that include the test fold "
                       "(train on the other folds only)")
    raise Mismatch("risk is not the mean over all points of (y − ŷ)², with each ŷ predicted "
                   "by a model fitted on the other folds")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Mean of the per-fold risks: wrong weights when the folds have unequal sizes.
    Wrong("per_fold_average",
          hint=("Averaging the per-fold risks weights the points of small folds more when the "
                "folds have unequal sizes: average the squared errors over all N points."),
          code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    risks = []
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        risks.append(np.mean((y[test] - predict(model, X[test])) ** 2))
    return float(np.mean(risks))
'''),
    # Trains on all the data, test fold included.
    Wrong("leak_test_fold",
          hint=("Each fold must be predicted by a model fitted without it: train on the other "
                "folds only, never on data that include the test fold."),
          code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    model = fit(X, y)
    errs = [(y[test] - predict(model, X[test])) ** 2 for test in folds]
    return float(np.concatenate(errs).mean())
'''),
    # Ignores the given folds and makes contiguous ones.
    Wrong("ignores_given_folds",
          hint=("Use the folds you are given (arrays of indices, shuffled and of unequal "
                "sizes) rather than splitting range(N) into contiguous blocks yourself."),
          code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    N = len(y)
    errs = []
    for test in np.array_split(np.arange(N), len(folds)):
        train = np.setdiff1d(np.arange(N), test)
        model = fit(X[train], y[train])
        errs.append((y[test] - predict(model, X[test])) ** 2)
    return float(np.concatenate(errs).mean())
'''),
    # Sum of squared errors, not their mean.
    Wrong("sum_not_mean",
          hint=("The risk is the mean of the squared errors over the N points, not their sum: "
                "divide the total by N."),
          code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    total = 0.0
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        total += np.sum((y[test] - predict(model, X[test])) ** 2)
    return float(total)
'''),
    # Absolute error instead of squared error.
    Wrong("absolute_error",
          hint=("The loss here is the squared error (y − ŷ)², not the absolute error |y − ŷ|."),
          code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    errs = []
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        errs.append(np.abs(y[test] - predict(model, X[test])))
    return float(np.concatenate(errs).mean())
'''),
)

ALTERNATIVES = (
    # Boolean masks; errors stored per point.
    Alternative("boolean_masks", code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    sq = np.empty(len(y))
    for test in folds:
        mask = np.ones(len(y), dtype=bool)
        mask[test] = False
        model = fit(X[mask], y[mask])
        sq[test] = (y[test] - predict(model, X[test])) ** 2
    return float(sq.mean())
'''),
    # Fold means weighted by fold sizes.
    Alternative("size_weighted_fold_means", code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    total, count = 0.0, 0
    for k, test in enumerate(folds):
        train = np.concatenate([f for j, f in enumerate(folds) if j != k])
        model = fit(X[train], y[train])
        total += len(test) * np.mean((y[test] - predict(model, X[test])) ** 2)
        count += len(test)
    return total / count
'''),
    # One prediction per point, point by point.
    Alternative("point_by_point", code='''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    errs = []
    for test in folds:
        test = list(test)
        train = [i for i in range(len(y)) if i not in test]
        model = fit(X[train], y[train])
        for i in test:
            errs.append(float((y[i] - predict(model, X[i:i + 1])[0]) ** 2))
    return sum(errs) / len(errs)
'''),
)

TASK = Task(
    answer_cell="s8_cv_risk",
    checks=(CheckSpec(id="statistics.cv_risk", unit="statistics", function="cv_risk",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
