"""Tests of Unit 1 (linear algebra): references, hidden cases, notebook, hostile outputs.

What every task shares (bank shape, planted answers, the notebook solution passing,
generator determinism, each reference passing its own check) is tested for every task by
tests/content/test_tasks.py; this file keeps what is specific to ps1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import contentkit
import numpy as np
import pytest
import scipy.linalg
from contentkit import SEEDS, check_cases, exec_function

from graders.authoring import run_inprocess
from graders.checks import get_check, tasks
from graders.content.ps1_linear_algebra import (
    la1_solve,
    la2_lu,
    la3_gram_schmidt,
    la4_rank_nullspace,
    la5_sym_eig,
    la6_pagerank,
    la7_reflection_matrix,
)

ASSIGNMENT = "ps1_linear_algebra"
TASKS = tasks(ASSIGNMENT)
TASK_IDS = [t.answer_cell for t in TASKS]
CHECK_IDS = [c.id for t in TASKS for c in t.checks]


# ---------------------------------------------------------------- (a) references


def test_ref_solve_matches_numpy_and_solves() -> None:
    for case in check_cases("linear_algebra.solve"):
        A, b = np.asarray(case.args[0], float), np.asarray(case.args[1], float)
        x = la1_solve.reference(A, b)
        assert la1_solve.backward_error(A, b, x) <= 10 * len(b) * np.finfo(float).eps
        if "Hilbert" not in case.label:
            np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-9, atol=1e-12)


def test_backward_error_zero_for_exact_solution() -> None:
    A = np.array([[2.0, 0.0], [0.0, 4.0]])
    assert la1_solve.backward_error(A, np.array([2.0, 4.0]), np.array([1.0, 1.0])) == 0.0


def test_ref_lu_reconstructs_with_unit_lower_l() -> None:
    for case in check_cases("linear_algebra.lu"):
        A = np.asarray(case.args[0], float)
        P, L, U = la2_lu.reference(A)
        np.testing.assert_allclose(P @ L @ U, A, rtol=0, atol=1e-13 * max(1, np.abs(A).max()))
        np.testing.assert_array_equal(np.diag(L), 1.0)
        np.testing.assert_array_equal(np.triu(L, 1), 0.0)
        np.testing.assert_array_equal(np.tril(U, -1), 0.0)
        assert np.abs(L).max() <= 1.0
        np.testing.assert_array_equal(np.sort(P, axis=0), np.sort(np.eye(len(A)), axis=0))


def test_ref_gram_schmidt_against_numpy_qr_and_closed_form() -> None:
    for case in check_cases("linear_algebra.gram_schmidt"):
        Q = la3_gram_schmidt.reference(*case.args)
        np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-12)
        A = np.asarray(case.args[0], float)
        if Q.shape[1] == A.shape[1]:  # full column rank: numpy's QR with diag(R) > 0
            q, r = np.linalg.qr(A)
            np.testing.assert_allclose(Q, q * np.sign(np.diag(r)), atol=1e-12)
    s2 = np.sqrt(2.0)
    np.testing.assert_allclose(la3_gram_schmidt.reference(np.array([[1.0, 2, 0], [1, 2, 1]])),
                               [[1 / s2, -1 / s2], [1 / s2, 1 / s2]], atol=1e-15)
    assert la3_gram_schmidt.reference(np.zeros((3, 2))).shape == (3, 0)


def test_ref_rank_nullspace_against_numpy_rank() -> None:
    for case in check_cases("linear_algebra.rank_nullspace"):
        A, rtol = np.asarray(case.args[0], float), case.args[1]
        r, N = la4_rank_nullspace.reference(A, rtol)
        assert r == np.linalg.matrix_rank(A, rtol=rtol)
        assert N.shape == (A.shape[1], A.shape[1] - r)
        np.testing.assert_allclose(N.T @ N, np.eye(N.shape[1]), atol=1e-12)
        assert np.linalg.norm(A @ N) <= 1e-10 * max(np.linalg.norm(A), 1e-300)


def test_ref_sym_eig_eigen_equation_and_order() -> None:
    for case in check_cases("linear_algebra.sym_eig"):
        S = np.asarray(case.args[0], float)
        w, V = la5_sym_eig.reference(S)
        np.testing.assert_allclose(w, np.sort(np.linalg.eigvalsh(S))[::-1], atol=1e-12)
        assert np.all(np.diff(w) <= 0)
        np.testing.assert_allclose(S @ V, V * w, atol=1e-12 * max(1, np.abs(w).max()))
        np.testing.assert_allclose(V.T @ V, np.eye(len(w)), atol=1e-12)


def test_ref_pagerank_is_fixed_point_of_google_matrix() -> None:
    for case in check_cases("linear_algebra.pagerank"):
        L, d = np.array(case.args[0], float), case.args[1]
        r = la6_pagerank.reference(L, d)
        n = len(r)
        L[:, L.sum(axis=0) == 0] = 1.0 / n
        M = d * L + (1 - d) / n * np.ones((n, n))
        np.testing.assert_allclose(M @ r, r, atol=1e-14)
        assert abs(r.sum() - 1) < 1e-14 and np.all(r > 0)
        w, V = np.linalg.eig(M)  # independent: Perron eigenvector
        v = np.real(V[:, np.argmax(np.abs(w))])
        np.testing.assert_allclose(r, v / v.sum(), atol=1e-12)
    np.testing.assert_allclose(la6_pagerank.reference(np.zeros((4, 4)), 0.85), np.full(4, 0.25))


def test_ref_reflection_is_involution_fixing_b1() -> None:
    for case in check_cases("linear_algebra.reflection_matrix"):
        B = np.asarray(case.args[0], float)
        T = la7_reflection_matrix.reference(B)
        b1 = B[:, 0]
        np.testing.assert_allclose(T @ T, np.eye(2), atol=1e-14)
        np.testing.assert_allclose(T, T.T, atol=0)
        np.testing.assert_allclose(T @ b1, b1, atol=1e-14 * np.linalg.norm(b1))
        normal = np.array([-b1[1], b1[0]]) / np.linalg.norm(b1)  # Householder formula
        np.testing.assert_allclose(T, np.eye(2) - 2 * np.outer(normal, normal), atol=1e-14)


# ---------------------------------------------------------------- (b) hidden cases

#: The edge cases each check's hidden inputs must include (a new check declares its own).
REQUIRED_LABELS = {
    "linear_algebra.solve": ["well-conditioned", "zero leading pivot", "tiny leading pivot 2x2",
                             "1x1", "integer dtype", "permutation", "SPD", "Hilbert"],
    "linear_algebra.lu": ["zero leading pivot", "tiny leading pivot 2x2", "1x1", "integer dtype",
                          "permutation", "tied pivots", "P not symmetric"],
    "linear_algebra.gram_schmidt": ["full column rank", "dependent", "zero matrix",
                                    "integer dtype", "1x1", "wide", "tol=1e-6"],
    "linear_algebra.rank_nullspace": ["square rank", "tall", "wide", "zero matrix",
                                      "large scale", "tiny scale", "integer dtype", "1x1"],
    "linear_algebra.sym_eig": ["distinct", "SPD", "repeated eigenvalue", "identity", "1x1",
                               "integer dtype", "unsorted"],
    "linear_algebra.pagerank": ["dangling", "without in-links", "all pages dangling",
                                "1 page", "integer dtype", "d = 0.5", "d = 0.95"],
    "linear_algebra.reflection_matrix": ["random basis", "integer dtype", "nearly parallel",
                                         "tiny scale", "large scale"],
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_cases_labelled_and_small(check_id: str) -> None:
    cases = check_cases(check_id, 7)
    labels = " | ".join(c.label for c in cases)
    for needed in REQUIRED_LABELS.get(check_id, ()):
        assert needed in labels, f"{check_id}: no case labelled {needed!r}"
    assert 5 <= len(cases) <= 12
    for case in cases:
        assert all(max(np.shape(a), default=0) <= 12 for a in case.args)
        if "integer dtype" in case.label:
            assert np.asarray(case.args[0]).dtype.kind == "i"


def test_lu_cases_make_pa_lu_convention_observable() -> None:
    case = next(c for c in check_cases("linear_algebra.lu") if "P not symmetric" in c.label)
    P = scipy.linalg.lu(case.args[0])[0]
    assert not np.array_equal(P, P.T)


@pytest.mark.parametrize("seed", SEEDS)
def test_rank_cases_have_clean_gaps(seed: int) -> None:
    for case in check_cases("linear_algebra.rank_nullspace", seed):
        A, rtol = np.asarray(case.args[0], float), case.args[1]
        s = scipy.linalg.svdvals(A)
        if s[0] == 0:
            continue
        rel = s / s[0]
        above, below = rel[rel > rtol], rel[rel <= rtol]
        assert above.min() >= 1e3 * rtol
        assert below.size == 0 or below.max() <= 1e-3 * rtol
        assert below.size == 0 or above.min() / below.max() >= 1e8


def test_sym_eig_cases_have_gaps_or_exact_repeats() -> None:
    for case in check_cases("linear_algebra.sym_eig"):
        w = np.linalg.eigvalsh(np.asarray(case.args[0], float))
        gaps = np.diff(w)
        scale = np.abs(w).max()
        assert np.all((gaps <= 1e-12 * scale) | (gaps >= 1e-3 * scale))


# ---------------------------------------------------------------- (c) notebook


def test_inv_times_b_only_warns() -> None:
    fn = exec_function("def solve(A, b):\n    return np.linalg.inv(A) @ b\n", "solve")
    verdicts = run_inprocess(fn, "linear_algebra.solve")
    assert all(v.passed for v in verdicts), [v.message for v in verdicts]
    assert any("inv(A) @ b" in v.warning for v in verdicts)


@pytest.mark.parametrize("answer_cell", TASK_IDS)
def test_notebook_solution_is_warning_free(answer_cell: str) -> None:
    """Stricter than test_tasks: Python warnings left on, and no judge warning either."""
    task = contentkit.get_task(ASSIGNMENT, answer_cell)
    contentkit.assert_solution_passes(ASSIGNMENT, answer_cell, task.functions, SEEDS,
                                      warnings_action=None, warning_free=True)


def test_notebook_structure() -> None:
    nb = contentkit.read_notebook(ASSIGNMENT)
    meta = contentkit.assert_notebook_basics(nb)
    points = contentkit.graded_points(meta)
    assert sum(v for k, v in points.items() if k.endswith("_test")) == 20
    assert points["la_written_qr"] == points["la_written_fredholm"] == 5
    test_cells = {m["grade_id"]: c for c, m in zip(nb.cells, meta, strict=True)
                  if m.get("grade_id", "").endswith("_test")}
    assert sorted(test_cells) == sorted(f"{t.answer_cell}_test" for t in TASKS)
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\nfrom graders\.authoring import check\n"
                        r"check\((\w+), \"(linear_algebra\.\w+)\"\)\n### END HIDDEN TESTS$")
    for task in TASKS:
        test_cell = test_cells[f"{task.answer_cell}_test"]
        match = hidden.search(test_cell.source)
        assert match, f"{task.answer_cell}_test: hidden region is not exactly one check call"
        assert [(match.group(1), match.group(2))] == task.functions
        assert test_cell.metadata["mml"] == {"unit": "linear_algebra"}
        assert "np.allclose" not in test_cell.source


# ---------------------------------------------------------------- (d) hostile outputs


def _replace_last_array(output: Any, fn: Callable[[np.ndarray], Any]) -> Any:
    """Apply fn to the last ndarray of a (possibly tuple) reference output."""
    if isinstance(output, np.ndarray):
        return fn(output)
    items = list(output)
    idx = max(i for i, v in enumerate(items) if isinstance(v, np.ndarray))
    items[idx] = fn(items[idx])
    return tuple(items)


def _with_nan(a: np.ndarray) -> np.ndarray:
    out = a.astype(float)
    out.flat[0] = np.nan
    return out


def _complex(a: np.ndarray) -> np.ndarray:
    return a + 1j * np.ones_like(a)


HOSTILE: dict[str, Callable[[Any], Any]] = {
    "extra dimension": lambda out: _replace_last_array(out, lambda a: a[..., None]),
    "extra row": lambda out: _replace_last_array(out, lambda a: np.concatenate([a, a[:1]])),
    "complex dtype": lambda out: _replace_last_array(out, _complex),
    "object dtype": lambda out: _replace_last_array(out, lambda a: a.astype(object)),
    "NaN entry": lambda out: _replace_last_array(out, _with_nan),
    "wrong tuple length": lambda out: (out, out) if isinstance(out, np.ndarray) else out[:-1],
    "None": lambda out: None,
    "string": lambda out: "42",
}


@pytest.mark.parametrize("check_id", CHECK_IDS)
@pytest.mark.parametrize("attack", list(HOSTILE))
def test_judge_rejects_hostile_output(check_id: str, attack: str) -> None:
    spec = get_check(check_id)
    reference = spec.reference
    assert reference is not None, f"{check_id}: every ps1 check has a reference"
    for case in check_cases(check_id):
        output = reference(*case.args)
        target = output if isinstance(output, np.ndarray) else output[-1]
        if target.size == 0:
            continue
        verdict = spec.decide(case, HOSTILE[attack](output))
        assert not verdict.passed, f"{case.label}: accepted {attack}"
        assert verdict.message
