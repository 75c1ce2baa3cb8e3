"""Planted wrong answers and alternative correct answers for G5 knn_predict."""

ANSWER_CELL = "g5_knn_predict"
CHECK = "geometry.knn_predict"

_VOTE = '''
def _vote(labels):
    values, counts = np.unique(labels, return_counts=True)
    return values[np.argmax(counts)]
'''

WRONG: dict[str, str] = {
    # k + 1 neighbours.
    "k_plus_one": _VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([_vote(y[np.argsort(row, kind="stable")[:k + 1]]) for row in d])
''',
    # Skips the nearest neighbour, assuming it is the query itself (leave-one-out habit).
    "skip_nearest": _VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([_vote(y[np.argsort(row, kind="stable")[1:k + 1]]) for row in d])
''',
    # Counter.most_common: a vote tie goes to the label met first (the nearest), not the smallest.
    "counter_most_common": '''
from collections import Counter

def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    return np.array([Counter(y[np.argsort(row, kind="stable")[:k]].tolist()).most_common(1)[0][0]
                     for row in d])
''',
    # Distance ties go to the larger index.
    "distance_ties_last_index": _VOTE + '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    idx = -np.arange(len(X))
    return np.array([_vote(y[np.lexsort((idx, row))[:k]]) for row in d])
''',
    # Vote ties go to the largest label.
    "largest_label_on_tie": '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d = np.linalg.norm(Xq[:, None, :] - X[None, :, :], axis=2)
    out = []
    for row in d:
        values, counts = np.unique(y[np.argsort(row, kind="stable")[:k]], return_counts=True)
        out.append(values[::-1][np.argmax(counts[::-1])])
    return np.array(out)
''',
}

ALTERNATIVES: dict[str, str] = {
    # lexsort by (distance, index) and bincount (argmax takes the smallest label on ties).
    "lexsort_bincount": '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d2 = ((Xq[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    idx = np.arange(len(X))
    return np.array([np.argmax(np.bincount(y[np.lexsort((idx, row))[:k]])) for row in d2])
''',
    # Pure Python: sort by (distance, index), count votes, smallest label among the maxima.
    "python_sorted": '''
def knn_predict(k, X, y, Xq):
    out = []
    for q in np.asarray(Xq, float):
        d = [float(np.sum((np.asarray(x, float) - q) ** 2)) for x in X]
        nearest = sorted(range(len(d)), key=lambda i: (d[i], i))[:k]
        votes = {}
        for i in nearest:
            votes[int(y[i])] = votes.get(int(y[i]), 0) + 1
        best = max(votes.values())
        out.append(min(lab for lab, c in votes.items() if c == best))
    return np.array(out)
''',
    # Squared distances by the expansion (exact on integer inputs), stable argsort, np.unique.
    "expansion_stable_argsort": '''
def knn_predict(k, X, y, Xq):
    X, Xq, y = np.asarray(X, float), np.asarray(Xq, float), np.asarray(y)
    d2 = (Xq ** 2).sum(1)[:, None] + (X ** 2).sum(1)[None, :] - 2 * Xq @ X.T
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
    preds = []
    for labels in y[nearest]:
        values, counts = np.unique(labels, return_counts=True)
        preds.append(values[counts == counts.max()].min())
    return np.array(preds)
''',
}
