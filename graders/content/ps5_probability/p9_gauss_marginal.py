"""P9 ``gauss_marginal(mu, Sigma, idx) -> (m, C)``: the marginal of a joint Gaussian.

Convention (stated in the notebook): x ~ N(μ, Σ) in R^D; ``idx`` is a 1-D integer array of
distinct indices **in the order given** (not necessarily sorted, possibly all D indices in
another order); the output is the mean and covariance of (x[idx[0]], x[idx[1]], …):
``m = μ[idx]`` (shape (k,)) and ``C = Σ[idx][:, idx]`` (shape (k, k)), k = len(idx). Unlike
conditioning (P4), marginalising needs no inverse (MML §6.5.1).

Graded against the reference: selecting entries is exact, and so are the correct
alternatives (a 0/1 selection matrix multiplies each entry by 1 and adds exact zeros), so
the allowance is a few roundings, 4ε relative. Catches: ``Sigma[idx, idx]`` (numpy pairs the
two index arrays: the variances only, shape (k,)), a boolean mask or sorted indices (loses
the order given), the conditional covariance Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba, and assuming ``idx`` is
the leading block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_tuple, assert_shape
from graders.compare import trusted_array as _f
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(mu: Any, Sigma: Any, idx: Any) -> tuple[np.ndarray, np.ndarray]:
    """μ[idx] and Σ[np.ix_(idx, idx)], in the order of ``idx``."""
    i = np.asarray(idx, dtype=np.int64)
    return np.asarray(_f(mu)[i]), np.asarray(_f(Sigma)[np.ix_(i, i)])


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """P9: unsorted and sorted idx, k = 1, k = D permuted, correlated Σ, int dtype."""
    def case(label: str, d: int, idx: list[int], cov: np.ndarray | None = None) -> Case:
        sigma = spd(rng, d) if cov is None else cov
        return Case(label, (rng.normal(0, 3, d), sigma, np.array(idx, dtype=np.int64)))

    corr = 0.8 ** np.abs(np.subtract.outer(np.arange(6), np.arange(6)))
    perm = [int(v) for v in rng.permutation(4)]
    while perm == sorted(perm):
        perm = [int(v) for v in rng.permutation(4)]
    return [
        case("sorted non-contiguous idx = [1, 3, 4] of D = 6", 6, [1, 3, 4]),
        case("unsorted idx = [4, 0, 2] of D = 5 (order as given)", 5, [4, 0, 2]),
        case("single variable idx = [2] of D = 4 (k = 1)", 4, [2]),
        case("every index, permuted (k = D = 4)", 4, perm),
        case("leading block idx = [0, 1] of D = 5", 5, [0, 1]),
        case("unsorted idx = [5, 2] of D = 6, AR(1) correlations 0.8", 6, [5, 2], cov=corr),
        case("trailing pair idx = [6, 7] of D = 8", 8, [6, 7]),
        Case("integer dtype, D = 3, idx = [2, 0]",
             (np.array([1, 0, -2]), np.array([[4, 2, 1], [2, 3, 1], [1, 1, 2]]),
              np.array([2, 0]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P9: m and C equal to the selected entries up to 4ε relative."""
    m_ref, c_ref = reference(*case.args)
    k = len(m_ref)
    m_out, c_out = as_tuple(output, 2, name="(m, C)")
    m = as_array(m_out, name="m", shape=(k,))
    C = as_array(c_out, name="C")
    if C.ndim == 1:
        raise Mismatch("C is 1-D: Sigma[idx, idx] pairs the two index arrays and gives the "
                       "variances only; select rows and columns with np.ix_(idx, idx)")
    assert_shape(C, (k, k), name="C")
    if np.any(np.abs(m - m_ref) > 4 * EPS * np.abs(m_ref)):
        raise Mismatch("m is not μ[idx], in the order of idx")
    if np.any(np.abs(C - c_ref) > 4 * EPS * np.abs(c_ref)):
        raise Mismatch("C is not the block of Σ with rows and columns idx, in the order of "
                       "idx (marginalising needs no inverse)")
    return None


# ---------------------------------------------------------------- planted answers

_HEAD = '''
def gauss_marginal(mu, Sigma, idx):
    mu, Sigma = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    idx = np.asarray(idx, dtype=int)
'''

WRONG = (
    Wrong("paired_fancy_index",
          hint=("Sigma[idx, idx] pairs the two index arrays and returns the variances only: "
                "select whole rows and columns, for example with np.ix_."),
          code=_HEAD + '''
    return mu[idx], Sigma[idx, idx]
'''),
    Wrong("mask_loses_order",
          hint=("A boolean mask keeps the variables in increasing index order: the marginal "
                "of x[idx] lists them in the order idx gives."),
          code=_HEAD + '''
    keep = np.isin(np.arange(len(mu)), idx)
    return mu[keep], Sigma[np.ix_(keep, keep)]
'''),
    Wrong("conditional_covariance",
          hint=("Subtracting Σ_ab Σ_bb⁻¹ Σ_ba conditions on the other variables; "
                "marginalising them out keeps the block Σ_aa as it is."),
          code=_HEAD + '''
    rest = np.setdiff1d(np.arange(len(mu)), idx)
    S_ab = Sigma[np.ix_(idx, rest)]
    C = Sigma[np.ix_(idx, idx)]
    if len(rest):
        C = C - S_ab @ np.linalg.solve(Sigma[np.ix_(rest, rest)], S_ab.T)
    return mu[idx], C
'''),
    Wrong("leading_block",
          hint=("The indices in idx need not be the first ones: select the entries idx, "
                "not the first len(idx) entries."),
          code=_HEAD + '''
    k = len(idx)
    return mu[:k], Sigma[:k, :k]
'''),
)

ALTERNATIVES = (
    # Marginalisation as the linear map y = Ex with a 0/1 selection matrix E (k, D).
    Alternative("selection_matrix", code=_HEAD + '''
    E = np.eye(len(mu))[idx]
    return E @ mu, E @ Sigma @ E.T
'''),
    # np.take along each axis in turn.
    Alternative("take_twice", code=_HEAD + '''
    return np.take(mu, idx), np.take(np.take(Sigma, idx, axis=0), idx, axis=1)
'''),
    # Python loops over the index list.
    Alternative("loops", code='''
def gauss_marginal(mu, Sigma, idx):
    idx = [int(i) for i in idx]
    m = np.array([float(mu[i]) for i in idx])
    C = np.array([[float(Sigma[i][j]) for j in idx] for i in idx]).reshape(len(idx), len(idx))
    return m, C
'''),
)

TASK = Task(
    answer_cell="p9_gauss_marginal",
    checks=(CheckSpec(id="probability.gauss_marginal", unit="probability",
                      function="gauss_marginal", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
