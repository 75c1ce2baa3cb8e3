"""Tests of Unit 2 (geometry): references, hidden cases, notebook, hostile outputs.

What every task shares (bank shape, planted answers, the notebook solution passing,
generator determinism, each reference passing its own check) is tested for every task by
tests/content/test_tasks.py; this file keeps what is specific to ps2.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import contentkit
import matplotlib
import numpy as np
import pytest
import scipy.linalg
from contentkit import SEEDS, check_cases

from graders.checks import get_check, tasks
from graders.content.ps2_geometry import (
    g1_inner_angle,
    g2_pairwise_distances,
    g3_projection_matrix,
    g4_projection_matrix_A,
    g5_knn_predict,
    g6_principal_angles,
)

ASSIGNMENT = "ps2_geometry"
TASKS = tasks(ASSIGNMENT)
CHECK_IDS = [c.id for t in TASKS for c in t.checks]


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=float)


def _reference(check_id: str) -> Callable[..., Any]:
    reference = get_check(check_id).reference
    assert reference is not None, f"{check_id}: every ps2 check has a reference"
    return reference


# ---------------------------------------------------------------- (a) references


def test_ref_inner_norm_dist_against_cholesky_whitening() -> None:
    for check_id in ("geometry.inner", "geometry.norm", "geometry.dist"):
        for case in check_cases(check_id):
            A = _f(case.args[-1])
            L = np.linalg.cholesky(A)
            w = [L.T @ _f(v) for v in case.args[:-1]]
            if check_id == "geometry.inner":
                expected = float(np.einsum("i,i->", *w))
                scale = np.linalg.norm(w[0]) * np.linalg.norm(w[1])
                assert abs(g1_inner_angle.reference_inner(*case.args) - expected) <= 1e-13 * scale
            elif check_id == "geometry.norm":
                np.testing.assert_allclose(g1_inner_angle.reference_norm(*case.args),
                                           np.linalg.norm(w[0]), rtol=1e-13, atol=1e-300)
            else:
                np.testing.assert_allclose(g1_inner_angle.reference_dist(*case.args),
                                           np.linalg.norm(w[0] - w[1]), rtol=1e-7, atol=1e-13)


def test_ref_angle_known_values_and_zero_vector() -> None:
    ref_angle = g1_inner_angle.reference_angle
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert ref_angle([1.0, 0.0], [0.0, 1.0], A) == pytest.approx(np.pi / 3, abs=1e-15)
    assert ref_angle([1.0, 3.0], [-2.0, -6.0], A) == pytest.approx(np.pi, abs=1e-15)
    assert ref_angle([1.0, 3.0], [2.0, 6.0], A) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError):
        ref_angle(np.zeros(2), [1.0, 0.0], A)
    zero = next(c for c in check_cases("geometry.angle") if c.raises)  # the hidden zero-vector case
    assert zero.raises == ("ValueError",)
    assert not get_check("geometry.angle").decide(zero, float("nan")).passed
    rng = np.random.default_rng(5)
    for theta in (1e-9, 1e-4, 0.7, np.pi / 2, 3.0):  # prescribed angles, built in R^4
        x, y, A4 = g1_inner_angle._at_angle(rng, 4, theta)
        assert ref_angle(x, y, A4) == pytest.approx(theta, rel=1e-7, abs=1e-15)


def test_ref_pairwise_distances_against_broadcasting() -> None:
    for case in check_cases("geometry.pairwise_distances"):
        X, Y = _f(case.args[0]), _f(case.args[1])
        D = g2_pairwise_distances.reference(X, Y)
        assert D.shape == (len(X), len(Y))
        np.testing.assert_allclose(D, np.linalg.norm(X[:, None] - Y[None], axis=2),
                                   rtol=1e-14, atol=1e-12)


def test_ref_projection_matrix_against_orth_and_fixtures() -> None:
    ref_projection_matrix = g3_projection_matrix.reference_projection_matrix
    for case in check_cases("geometry.projection_matrix"):
        B = _f(case.args[0])
        B = B[:, None] if B.ndim == 1 else B
        P = ref_projection_matrix(B)
        Q = scipy.linalg.orth(B)
        np.testing.assert_allclose(P, Q @ Q.T, atol=1e-13)
        np.testing.assert_allclose(P @ P, P, atol=1e-13)
        np.testing.assert_array_equal(P, P.T)
    b = np.array([1, 2, 2])
    np.testing.assert_allclose(ref_projection_matrix(b), np.outer(b, b) / 9, atol=1e-15)
    B = np.array([[1, 0], [1, 1], [1, 2]])
    np.testing.assert_allclose(ref_projection_matrix(B),
                               np.array([[5, 2, -1], [2, 2, 2], [-1, 2, 5]]) / 6, atol=1e-15)
    for case in check_cases("geometry.project"):  # project against least squares
        x, B = _f(case.args[0]), _f(case.args[1])
        B = B[:, None] if B.ndim == 1 else B
        coef = np.linalg.lstsq(B, x, rcond=None)[0]
        np.testing.assert_allclose(g3_projection_matrix.reference_project(x, B), B @ coef,
                                   atol=1e-12)


def test_ref_projection_matrix_A_properties_and_closed_form() -> None:
    for case in check_cases("geometry.projection_matrix_A"):
        B, A = _f(case.args[0]), _f(case.args[1])
        P = g4_projection_matrix_A.reference(B, A)
        L = np.linalg.cholesky(A)  # independent: whitened Euclidean projection
        C = L.T @ B
        np.testing.assert_allclose(P, np.linalg.solve(L.T, C @ np.linalg.pinv(C) @ L.T),
                                   atol=1e-11)
        np.testing.assert_allclose(P @ P, P, atol=1e-12)
        np.testing.assert_allclose(P @ B, B, atol=1e-12 * np.abs(B).max())
        np.testing.assert_allclose(A @ P, (A @ P).T, atol=1e-11 * np.abs(A).max())
    P2 = g4_projection_matrix_A.reference(np.array([[1.0], [1.0]]), np.diag([1.0, 4.0]))
    np.testing.assert_allclose(P2, [[0.2, 0.8], [0.2, 0.8]], atol=1e-15)


def _brute_knn(k: int, X: Any, y: Any, Xq: Any) -> list[int]:
    out = []
    for q in np.asarray(Xq, dtype=float):
        d = [float(np.sum((np.asarray(x, dtype=float) - q) ** 2)) for x in X]
        order = sorted(range(len(d)), key=lambda i: (d[i], i))[:k]
        counts: dict[int, int] = {}
        for i in order:
            counts[int(y[i])] = counts.get(int(y[i]), 0) + 1
        out.append(min(lab for lab, c in counts.items() if c == max(counts.values())))
    return out


def test_ref_knn_predict_against_brute_force() -> None:
    for seed in SEEDS:
        for case in check_cases("geometry.knn_predict", seed):
            np.testing.assert_array_equal(g5_knn_predict.reference(*case.args),
                                          _brute_knn(*case.args))


def test_ref_principal_angles_against_prescribed_angles() -> None:
    rng = np.random.default_rng(11)
    for angles in ([1e-7, 2e-7, 1.0, 1.3], [1e-6, 0.4], [0.0, 0.0, 0.0], [np.pi / 2] * 2,
                   [0.3], [5e-8, 0.7, 1.5]):
        a = np.array(angles)
        b1, b2 = g6_principal_angles.subspaces_with_angles(rng, 2 * len(a) + 1, len(a),
                                                           len(a), a)
        theta = g6_principal_angles.reference(b1, b2)
        np.testing.assert_allclose(np.sin(theta), np.sin(a), rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(theta, a, atol=1e-8)


def test_ref_principal_angles_agrees_with_scipy_when_angles_do_not_mix() -> None:
    """scipy.linalg.subspace_angles is accurate unless small and large angles mix."""
    rng = np.random.default_rng(3)
    for angles in ([1e-6, 2e-6], [0.9, 1.2], [0.1, 0.5]):
        b1, b2 = g6_principal_angles.subspaces_with_angles(rng, 5, 2, 2, np.array(angles))
        expected = np.sort(scipy.linalg.subspace_angles(b1, b2))
        np.testing.assert_allclose(g6_principal_angles.reference(b1, b2), expected, rtol=1e-8,
                                   atol=1e-13)


def _misaligned() -> Callable[..., Any]:
    """The planted G6 answer that pairs the descending sines with the descending cosines."""
    wrong = next(w for w in g6_principal_angles.WRONG if w.name == "sine_cosine_misaligned")
    ns: dict[str, Any] = {"np": np}
    exec(wrong.code, ns)
    return ns["principal_angles"]  # type: ignore[no-any-return]


def test_misaligned_mask_loses_a_tiny_angle_next_to_a_large_one() -> None:
    """The defect the G6 question warns about, planted in NumPy (independent of SciPy)."""
    b1, b2 = g6_principal_angles.subspaces_with_angles(np.random.default_rng(1), 6, 2, 2,
                                                       np.array([3e-7, 1.3]))
    assert abs(g6_principal_angles.reference(b1, b2)[0] - 3e-7) < 1e-14
    assert abs(_misaligned()(b1, b2)[0] - 3e-7) > 1e-12


def test_scipy_subspace_angles_is_the_misaligned_rule_while_its_defect_lasts() -> None:
    """SciPy ≤ 1.17 computes the planted ``sine_cosine_misaligned`` rule (in descending order,
    with its own orthonormal bases, so the arccos digits differ); a later SciPy may fix it,
    which changes nothing in the bank (the question's reason for not calling it does not
    depend on the defect)."""
    b1, b2 = g6_principal_angles.subspaces_with_angles(np.random.default_rng(1), 6, 2, 2,
                                                       np.array([3e-7, 1.3]))
    theirs = np.sort(scipy.linalg.subspace_angles(b1, b2))
    version = tuple(int(v) for v in scipy.__version__.split(".")[:2])
    if version > (1, 17) and abs(theirs[0] - 3e-7) < 1e-14:
        pytest.skip(f"SciPy {scipy.__version__} no longer has the defect")
    np.testing.assert_allclose(theirs, _misaligned()(b1, b2), rtol=1e-2)
    assert abs(theirs[0] - 3e-7) > 1e-12 and abs(theirs[1] - 1.3) < 1e-14


# ---------------------------------------------------------------- (b) hidden cases

REQUIRED_LABELS = {
    "geometry.inner": ["SPD A", "identity A", "diagonal A", "1x1", "integer dtype", "large"],
    "geometry.norm": ["SPD A", "identity A", "zero vector", "1x1", "integer dtype"],
    "geometry.dist": ["SPD A", "equal points", "close points", "1x1", "integer dtype"],
    "geometry.angle": ["orthogonal under A", "parallel", "antiparallel", "1e-9",
                       "identity A", "integer dtype", "1x1", "zero vector"],
    "geometry.pairwise_distances": ["N=5, M=3", "large norms ~1e4", "same points", "M=1",
                                    "D=1", "integer dtype", "empty"],
    "geometry.projection_matrix": ["1-D vector", "single column", "duplicated column", "wide",
                                   "zero column", "square", "integer dtype", "zero matrix"],
    "geometry.project": ["in the span", "orthogonal to the span", "1-D vector", "1x1",
                         "duplicated column", "integer dtype"],
    "geometry.projection_matrix_A": ["SPD A", "single column", "diagonal A", "A = I",
                                     "integer dtype", "square", "1e6", "1x1"],
    "geometry.knn_predict": ["vote tie", "distance tie", "k-th neighbour", "k+1",
                             "equal to training points", "Manhattan", "tie-heavy", "k = N",
                             "D=1", "integer dtype"],
    "geometry.principal_angles": ["generic", "tiny angles", "k1 = 3 > k2 = 2",
                                  "k1 = 1 < k2 = 3", "identical", "orthogonal", "mixed",
                                  "two vectors", "integer dtype"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_cases_labelled_and_small(check_id: str) -> None:
    first = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in first)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    assert 5 <= len(first) <= 12
    for case in first:
        assert all(max(np.shape(a), default=0) <= 12 for a in case.args)
        if "integer dtype" in case.label:
            assert any(np.asarray(a).dtype.kind == "i" and np.ndim(a) > 0 for a in case.args)


def test_fma_is_single_rounding() -> None:
    a, b = 1 + 2.0**-30, 1 - 2.0**-30
    assert a * b - 1.0 == 0.0  # the plain product rounds to 1
    fma = g2_pairwise_distances._fma
    assert fma(a, b, -1.0) == float(Fraction(a) * Fraction(b) - 1) == -(2.0**-60)


@pytest.mark.parametrize("seed", SEEDS)
def test_unguarded_formulas_really_fail_on_the_planted_cases(seed: int) -> None:
    """NaN without clip/clamp, and arccos off by > 1e-10 at tiny angles, by construction."""
    for case in check_cases("geometry.angle", seed):
        if "parallel vectors" in case.label or "1x1 A, " in case.label:
            sign = -1.0 if "antiparallel" in case.label else 1.0
            assert all(sign * c > 1.0 for c in g1_inner_angle.naive_cosines(*case.args))
    far = next(c for c in check_cases("geometry.pairwise_distances", seed) if "1e4" in c.label)
    X, Y = far.args
    assert X.shape[1] == 2
    assert all((sq < 0).any() for sq in g2_pairwise_distances._naive_sq(X, Y))  # every kernel
    for case in check_cases("geometry.principal_angles", seed):
        if "tiny" in case.label:
            b1, b2 = case.args
            assert g6_principal_angles._arccos_error(
                b1, b2, g6_principal_angles.reference(b1, b2)) > 1e-10


def test_knn_grid_cases_plant_the_ties() -> None:
    cases = {c.label: c.args for c in check_cases("geometry.knn_predict")}
    k, X, y, Xq = cases["distance tie at the k-th neighbour (k=3)"]
    d = np.sum((X - Xq[0]) ** 2, axis=1)
    order = np.argsort(d, kind="stable")
    assert d[order[k - 1]] == d[order[k]] and y[order[k - 1]] != y[order[k]]
    k, X, y, Xq = cases["vote tie broken by the smallest label (k=2)"]
    near = y[np.argsort(np.sum((X - Xq[0]) ** 2, axis=1), kind="stable")[:k]]
    assert len(set(near.tolist())) == k and near[0] > near[1]  # the nearest has the larger label
    k, X, y, Xq = cases["k+1 neighbours would change the vote (k=3)"]
    assert _brute_knn(k, X, y, Xq) != _brute_knn(k + 1, X, y, Xq)
    k, X, y, Xq = cases["queries equal to training points (k=1)"]
    assert _brute_knn(k, X[1:], y[1:], Xq[:1]) != _brute_knn(k, X, y, Xq[:1])


@pytest.mark.parametrize("seed", SEEDS)
def test_knn_float_cases_have_no_near_ties(seed: int) -> None:
    for case in check_cases("geometry.knn_predict", seed):
        k, X, _, Xq = case.args
        if np.asarray(X).dtype.kind != "f" or k == len(X) or "tie-heavy" in case.label:
            continue  # integer grids and the tie-heavy grid have their ties on purpose
        d = np.sort(np.linalg.norm(_f(Xq)[:, None] - _f(X)[None], axis=2), axis=1)
        assert np.all(d[:, k] - d[:, k - 1] >= 1e-3)


def _knn_metric(args: tuple[Any, ...], order: float) -> list[int]:
    """kNN as :func:`_brute_knn` on ``args = (k, X, y, Xq)``, with the Minkowski distance of
    the given order."""
    k, X, y, Xq = args
    out = []
    for q in _f(Xq):
        d = np.linalg.norm(_f(X) - q, ord=order, axis=1)
        near = np.asarray(y)[np.argsort(d, kind="stable")[:k]]
        values, counts = np.unique(near, return_counts=True)
        out.append(int(values[np.argmax(counts)]))
    return out


def test_knn_metric_case_separates_manhattan_and_chebyshev() -> None:
    """Both queries of the diagonal case: L1 and L∞ each change one prediction."""
    case = next(c for c in check_cases("geometry.knn_predict") if "Manhattan" in c.label)
    ref = _brute_knn(*case.args)
    assert _knn_metric(case.args, 2) == ref
    assert _knn_metric(case.args, 1) != ref
    assert _knn_metric(case.args, np.inf) != ref


def _other_tie_choices(k: int, X: Any, y: Any, q: np.ndarray) -> list[int]:
    """The votes of every choice among the points tied at the k-th distance that is not the
    stable one (the smallest indices): exact integer arithmetic, so the same everywhere."""
    d2 = ((np.asarray(X) - q) ** 2).sum(axis=1)
    t = d2[np.argsort(d2, kind="stable")[k - 1]]
    inside, tied = np.flatnonzero(d2 < t), np.flatnonzero(d2 == t)
    m = k - len(inside)
    votes = []
    for choice in itertools.combinations(tied.tolist(), m):
        if list(choice) != tied[:m].tolist():
            labels = np.asarray(y)[np.r_[inside, choice].astype(int)]
            values, counts = np.unique(labels, return_counts=True)
            votes.append(int(values[np.argmax(counts)]))
    return votes


@pytest.mark.parametrize("seed", [*SEEDS, 2, 3, 4, 5])
def test_knn_tie_heavy_cases_punish_every_other_tie_choice(seed: int) -> None:
    """The first query of each tie-heavy case: 6 or 8 points on the k-th distance, and every
    choice among them other than the smallest indices changes the prediction."""
    tie_heavy = [c for c in check_cases("geometry.knn_predict", seed) if "tie-heavy" in c.label]
    assert len(tie_heavy) == len(g5_knn_predict.TIE_PATTERNS)
    for case, (k, pattern) in zip(tie_heavy, g5_knn_predict.TIE_PATTERNS, strict=True):
        kk, X, y, Xq = case.args
        assert kk == k and len(X) == len(pattern) <= 12
        np.testing.assert_array_equal(((X - Xq[0]) ** 2).sum(axis=1), pattern)
        others = _other_tie_choices(k, X, y, Xq[0])
        assert len(others) >= 5
        assert _brute_knn(k, X, y, Xq[:1])[0] not in others


def _argpartition_knn() -> Callable[..., Any]:
    wrong = next(w for w in g5_knn_predict.WRONG if w.name == "argpartition_ties")
    ns: dict[str, Any] = {"np": np}
    exec(wrong.code, ns)
    return ns["knn_predict"]  # type: ignore[no-any-return]


_ARGPARTITION_SEEDS = [*SEEDS, *range(2, 22)]


def _argpartition_misses(seeds: list[int]) -> list[tuple[int, str]]:
    """(seed, label) of every tie-heavy case on which the argpartition answer passes."""
    spec, knn = get_check("geometry.knn_predict"), _argpartition_knn()
    return [(seed, case.label) for seed in seeds
            for case in check_cases("geometry.knn_predict", seed)
            if "tie-heavy" in case.label and spec.decide(case, knn(*case.args)).passed]


def test_knn_argpartition_caught_by_both_tie_heavy_cases_for_every_seed() -> None:
    """NumPy's argpartition, as this machine dispatches it, fails both planted tie cases."""
    assert _argpartition_misses(_ARGPARTITION_SEEDS) == []


def test_knn_argpartition_caught_without_simd_kernels() -> None:
    """The same with NumPy's SIMD kernels disabled (its introselect, not the AVX2 selection):
    the planted tie orders catch both implementations of argpartition."""
    code = ("import sys; sys.path[:0] = sys.argv[1:]\n"
            "import test_geometry as t\n"
            f"print(t._argpartition_misses({_ARGPARTITION_SEEDS!r}))")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512F AVX2"}
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent),
                           str(Path(contentkit.__file__).parent)],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _expansion(module: Any, name: str, function: str) -> Callable[..., Any]:
    alternative = next(a for a in module.ALTERNATIVES if a.name == name)
    ns: dict[str, Any] = {"np": np}
    exec(alternative.code, ns)
    return ns[function]  # type: ignore[no-any-return]


@pytest.mark.parametrize("seed", [*SEEDS, 2, 3])
def test_dist_tolerance_covers_the_expansion_with_margin(seed: int) -> None:
    """G1 dist: the rounding bound of the clamped expansion is ≤ DIST_ATOL·R / 10 on every
    hidden case, and its actual error ≤ DIST_ATOL·R / 100; the generator's worst case
    (n = 4, μ ≤ 20) leaves a margin ≥ 3."""
    atol, u = g1_inner_angle.DIST_ATOL, 2.0**-53
    assert 2 * np.sqrt(10 * u / (1 - 10 * u) * 20) <= atol / 3
    dist = _expansion(g1_inner_angle, "expansion_and_atan2", "dist")
    for case in check_cases("geometry.dist", seed):
        x, y, A = case.args
        R = max(g1_inner_angle.reference_norm(x, A), g1_inner_angle.reference_norm(y, A))
        assert g1_inner_angle.expansion_error_bound(x, y, A) <= atol * R / 10, case.label
        err = abs(dist(x, y, A) - g1_inner_angle.reference_dist(x, y, A))
        assert err <= atol * R / 100, case.label


@pytest.mark.parametrize("seed", [*SEEDS, 2, 3])
def test_pairwise_tolerance_covers_the_expansion_with_margin(seed: int) -> None:
    """G2: the rounding bound of the clamped expansion is ≤ ATOL·R / 17 on every hidden case
    (the largest D is 5), and its actual error ≤ ATOL·R / 20."""
    atol = g2_pairwise_distances.ATOL
    pdist = _expansion(g2_pairwise_distances, "expansion_clamped", "pairwise_distances")
    cases = check_cases("geometry.pairwise_distances", seed)
    assert max(_f(c.args[0]).shape[1] for c in cases) == 5
    for case in cases:
        X, Y = _f(case.args[0]), _f(case.args[1])
        if X.size == 0:
            continue
        R = max(np.linalg.norm(X, axis=1).max(), np.linalg.norm(Y, axis=1).max())
        assert g2_pairwise_distances.expansion_error_bound(X, Y) <= atol * R / 17, case.label
        err = np.abs(pdist(X, Y) - g2_pairwise_distances.reference(X, Y)).max()
        assert err <= atol * R / 20, case.label


def test_pairwise_expansion_at_the_largest_hidden_d_under_cancellation() -> None:
    """Near-duplicate points at norm 1e4 in D = 5 (the largest hidden D), 200 draws: the
    clamped expansion's error stays ≤ ATOL·R / 10, and within its rounding bound."""
    atol = g2_pairwise_distances.ATOL
    pdist = _expansion(g2_pairwise_distances, "expansion_clamped", "pairwise_distances")
    rng, worst = np.random.default_rng(2026), 0.0
    for _ in range(200):
        c = rng.standard_normal(5)
        X = 1e4 * c / np.linalg.norm(c) + 0.01 * rng.standard_normal((6, 5))
        Y = np.vstack([X * (1 + 1e-16 * rng.standard_normal((6, 1))), X[:2] + 1e-3])
        R = max(np.linalg.norm(X, axis=1).max(), np.linalg.norm(Y, axis=1).max())
        err = np.abs(pdist(X, Y) - g2_pairwise_distances.reference(X, Y)).max()
        assert err <= g2_pairwise_distances.expansion_error_bound(X, Y)
        worst = max(worst, err / (atol * R))
    assert worst <= 0.1


def test_rank_deficient_projection_inputs_have_clean_gaps() -> None:
    for seed in SEEDS:
        for case in (check_cases("geometry.projection_matrix", seed)
                     + check_cases("geometry.project", seed)):
            B = _f(case.args[-1])  # (B,) or (x, B)
            s = scipy.linalg.svdvals(B[:, None] if B.ndim == 1 else B)
            if s[0] == 0:
                continue
            rel = s / s[0]
            assert np.all((rel > 1e-3) | (rel < 1e-14))


# ---------------------------------------------------------------- (c) notebook


_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                     r"((?:check\(\w+, \"geometry\.\w+\"\)\n)+)### END HIDDEN TESTS$")


def _question_checks() -> dict[str, list[tuple[str, str]]]:
    """Answer cell grade_id -> the (function, check id) pairs of its test cell.

    G1 and G3 define several functions, each judged by its own check.
    """
    out = {}
    for cell in contentkit.read_notebook(ASSIGNMENT).cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("_test"):
            match = _HIDDEN.search(cell.source)
            assert match, f"{gid}: hidden region is not exactly check calls"
            out[gid[: -len("_test")]] = re.findall(r"check\((\w+), \"([\w.]+)\"\)",
                                                   match.group(1))
    return out


QUESTION_CHECKS = _question_checks()


def test_notebook_runs_top_to_bottom() -> None:
    """Solutions, public checks, hidden checks (in-process) and both plot cells."""
    matplotlib.use("Agg")
    ns: dict[str, Any] = {}
    for cell in contentkit.read_notebook(ASSIGNMENT).cells:
        if cell.cell_type == "code":
            exec(cell.source, ns)


def test_plot_cells_survive_stubs() -> None:
    matplotlib.use("Agg")
    nb = contentkit.read_notebook(ASSIGNMENT)
    ns: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata["nbgrader"]
        if meta["solution"]:
            exec(re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION",
                        "raise NotImplementedError()", cell.source, flags=re.S), ns)
        elif meta["grade_id"].endswith("_plot") or meta["grade_id"] == "setup":
            exec(cell.source, ns)


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    points = contentkit.graded_points(meta)
    assert sum(v for k, v in points.items() if k.endswith("_test")) == 20
    assert all(2 <= v <= 4 for k, v in points.items() if k.endswith("_test"))
    assert points["geo_written_projection"] == points["geo_written_cauchy_schwarz"] == 5
    assert sorted(QUESTION_CHECKS) == sorted(t.answer_cell for t in TASKS)
    for task in TASKS:  # in the order of the test cell, each function with its own check
        assert QUESTION_CHECKS[task.answer_cell] == task.functions
    for cell, m in zip(nb.cells, meta, strict=True):
        if m.get("grade"):
            assert cell.metadata["mml"] == {"unit": "geometry"}
            assert m["locked"] is (cell.cell_type == "code")
        if m["grade_id"].endswith("_test"):
            assert "np.allclose" not in cell.source
        if m["grade_id"].endswith("_plot"):
            assert m["locked"] and not m["grade"] and not m["solution"]
            assert "except Exception" in cell.source


# ---------------------------------------------------------------- (d) hostile outputs


def _with_nan(a: Any) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.flat[0] = np.nan
    return out


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: np.asarray(out)[..., None],
    "complex dtype": lambda out: np.asarray(out) + 1j,
    "object dtype": lambda out: np.asarray(out).astype(object),
    "NaN entry": _with_nan,
    "infinite entry": lambda out: _with_nan(out) * 0 + np.inf,
    "tuple": lambda out: (out, out),
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(check_id: str, attack: str) -> None:
    spec = get_check(check_id)
    for case in check_cases(check_id):
        if case.raises:
            continue
        output = _reference(check_id)(*case.args)
        if np.size(output) == 0:
            continue
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_judge_rejects_wrong_shape(check_id: str) -> None:
    spec = get_check(check_id)
    for case in check_cases(check_id):
        if case.raises:
            continue
        output = np.asarray(_reference(check_id)(*case.args))
        if output.ndim == 0 or output.size == 0:
            continue
        for bad in (output.ravel()[:-1], np.concatenate([output, output[:1]])):
            assert not spec.decide(case, bad).passed, case.label


def test_messages_do_not_reveal_reference_values() -> None:
    for check_id in CHECK_IDS:
        spec, ref = get_check(check_id), _reference(check_id)
        for case in check_cases(check_id):
            if case.raises:
                continue
            out = np.asarray(ref(*case.args), dtype=float)
            verdict = spec.decide(case, out * 1.5 + 0.25)
            for value in np.atleast_1d(out).ravel()[:5]:
                text = f"{value:.6g}"
                if len(text.lstrip("-")) >= 4:  # skip short values such as 0, 1, 0.5
                    assert text not in verdict.message, (check_id, case.label)

