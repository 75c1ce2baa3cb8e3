"""Planted wrong answers and alternative correct answers for S8 cv_risk."""

ANSWER_CELL = "s8_cv_risk"
CHECK = "statistics.cv_risk"

WRONG: dict[str, str] = {
    # Mean of the per-fold risks: wrong weights when the folds have unequal sizes.
    "per_fold_average": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    risks = []
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        risks.append(np.mean((y[test] - predict(model, X[test])) ** 2))
    return float(np.mean(risks))
''',
    # Trains on all the data, test fold included.
    "leak_test_fold": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    model = fit(X, y)
    errs = [(y[test] - predict(model, X[test])) ** 2 for test in folds]
    return float(np.concatenate(errs).mean())
''',
    # Ignores the given folds and makes contiguous ones.
    "ignores_given_folds": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    N = len(y)
    errs = []
    for test in np.array_split(np.arange(N), len(folds)):
        train = np.setdiff1d(np.arange(N), test)
        model = fit(X[train], y[train])
        errs.append((y[test] - predict(model, X[test])) ** 2)
    return float(np.concatenate(errs).mean())
''',
    # Sum of squared errors, not their mean.
    "sum_not_mean": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    total = 0.0
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        total += np.sum((y[test] - predict(model, X[test])) ** 2)
    return float(total)
''',
    # Absolute error instead of squared error.
    "absolute_error": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    errs = []
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train])
        errs.append(np.abs(y[test] - predict(model, X[test])))
    return float(np.concatenate(errs).mean())
''',
}

ALTERNATIVES: dict[str, str] = {
    # Boolean masks; errors stored per point.
    "boolean_masks": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    sq = np.empty(len(y))
    for test in folds:
        mask = np.ones(len(y), dtype=bool)
        mask[test] = False
        model = fit(X[mask], y[mask])
        sq[test] = (y[test] - predict(model, X[test])) ** 2
    return float(sq.mean())
''',
    # Fold means weighted by fold sizes.
    "size_weighted_fold_means": '''
def cv_risk(fit, predict, X, y, folds):
    X, y = np.asarray(X), np.asarray(y, dtype=float)
    total, count = 0.0, 0
    for k, test in enumerate(folds):
        train = np.concatenate([f for j, f in enumerate(folds) if j != k])
        model = fit(X[train], y[train])
        total += len(test) * np.mean((y[test] - predict(model, X[test])) ** 2)
        count += len(test)
    return total / count
''',
    # One prediction per point, point by point.
    "point_by_point": '''
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
''',
}
