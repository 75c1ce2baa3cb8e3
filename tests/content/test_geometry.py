"""Tests of Unit 2 (geometry): references, hidden cases, notebook, hostile outputs.

What every task shares (bank shape, planted answers, the notebook solution passing,
generator determinism, each reference passing its own check) is tested for every task by
tests/content/test_tasks.py; this file keeps what is specific to ps2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
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


def test_scipy_subspace_angles_loses_a_tiny_angle_next_to_a_large_one() -> None:
    """The defect the G6 question warns about (scipy 1.17: mask in the reverse order)."""
    b1, b2 = g6_principal_angles.subspaces_with_angles(np.random.default_rng(1), 6, 2, 2,
                                                       np.array([3e-7, 1.3]))
    tiny = np.sort(scipy.linalg.subspace_angles(b1, b2))[0]
    assert abs(g6_principal_angles.reference(b1, b2)[0] - 3e-7) < 1e-14
    assert abs(tiny - 3e-7) > 1e-12


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
                             "equal to training points", "k = N", "D=1", "integer dtype"],
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
        if np.asarray(X).dtype.kind != "f" or k == len(X):
            continue
        d = np.sort(np.linalg.norm(_f(Xq)[:, None] - _f(X)[None], axis=2), axis=1)
        assert np.all(d[:, k] - d[:, k - 1] >= 1e-3)


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

