"""P4 ``gauss_condition(mu, Sigma, a, x_b) -> (m, C)``: conditioning a Gaussian (Schur complement).

Convention (stated in the notebook): ``a`` is a sorted 1-D integer array of distinct indices,
``b`` is its complement in increasing order (never empty), ``x_b`` has shape (D − len(a),);
the output is ``(m, C)`` with ``m = μ_a + Σ_ab Σ_bb⁻¹ (x_b − μ_b)``,
``C = Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba``, shapes (len(a),) and (len(a), len(a)).

Graded against a Cholesky-solve reference to rtol 1e-8 and atol 1e-10·scale; ``C`` must be
symmetric and positive semi-definite. Blocks of unequal sizes and non-contiguous ``a`` are
tested. Catches: Σ_ba where Σ_ab belongs, a sign error, Σ_bb in place of its inverse,
assuming ``a`` is the leading block, the marginal covariance Σ_aa.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(mu: Any, Sigma: Any, a: Any, x_b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference P4: Schur complement with a Cholesky solve of Σ_bb."""
    m, s = _f(mu), _f(Sigma)
    ia = np.asarray(a, dtype=np.int64)
    ib = np.setdiff1d(np.arange(len(m)), ia)
    s_ab = s[np.ix_(ia, ib)]
    factor = scipy.linalg.cho_factor(s[np.ix_(ib, ib)], lower=True)
    mean = m[ia] + s_ab @ scipy.linalg.cho_solve(factor, _f(x_b) - m[ib])
    cov = s[np.ix_(ia, ia)] - s_ab @ scipy.linalg.cho_solve(factor, s_ab.T)
    return np.asarray(mean), np.asarray((cov + cov.T) / 2)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """P4: unequal and equal block sizes, non-contiguous a, x_b = μ_b, int dtype."""
    def case(label: str, d: int, a: list[int], at_mean: bool = False,
             cov: np.ndarray | None = None) -> Case:
        mu = rng.normal(0, 3, d)
        sigma = spd(rng, d) if cov is None else cov
        b = np.setdiff1d(np.arange(d), a)
        x_b = mu[b] if at_mean else mu[b] + rng.normal(0, 3, len(b))
        return Case(label, (mu, sigma, np.array(a, dtype=np.int64), x_b))

    corr = 0.9 ** np.abs(np.subtract.outer(np.arange(8), np.arange(8)))
    return [
        case("leading block a = [0, 1] of D = 5 (2 | 3)", 5, [0, 1]),
        case("non-contiguous a = [1, 4, 5] of D = 6 (equal blocks 3 | 3)", 6, [1, 4, 5]),
        case("single variable a = [3] of D = 4 (1 | 3)", 4, [3]),
        case("a = [0, 1, 2] of D = 4, one observed variable (3 | 1)", 4, [0, 1, 2]),
        case("non-contiguous a = [2, 5] of D = 8, AR(1) correlations 0.9", 8, [2, 5], cov=corr),
        case("x_b at its mean, a = [0, 2] of D = 5", 5, [0, 2], at_mean=True),
        case("a = [1, 2, 4, 6] of D = 7", 7, [1, 2, 4, 6]),
        Case("integer dtype, D = 3, a = [1]",
             (np.array([1, 0, -2]), np.array([[4, 2, 1], [2, 3, 1], [1, 1, 2]]),
              np.array([1]), np.array([2, -1]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P4: m and C to rtol 1e-8 / atol 1e-10·scale; C symmetric PSD."""
    m_ref, c_ref = reference(*case.args)
    k = len(m_ref)
    m_out, c_out = as_tuple(output, 2, name="(m, C)")
    m = as_array(m_out, name="m", shape=(k,))
    C = as_array(c_out, name="C", shape=(k, k))
    # κ(Σ_bb) ≤ 10³ (AR case ≈ 40, else ≤ 10): solve errors ≲ κ·n·ε ≤ 1e-12 relative to
    # scale = max|μ|, |Σ|, |x_b| ≤ ~15, so atol 1e-10·scale and rtol 1e-8 (R2) hold easily.
    scale = max(1.0, *(float(np.max(np.abs(_f(v)))) for v in (case.args[0], case.args[1],
                                                               case.args[3])))
    if np.max(np.abs(C - C.T)) > 1e-10 * scale:
        raise Mismatch("C is not symmetric: Σ_ba used where Σ_ab belongs?")
    if np.any(np.abs(m - m_ref) > 1e-10 * scale + 1e-8 * np.abs(m_ref)):
        raise Mismatch("m is wrong: m = μ_a + Σ_ab Σ_bb⁻¹ (x_b − μ_b), with b the indices "
                       "not in a, in increasing order")
    if np.linalg.eigvalsh((C + C.T) / 2).min() < -1e-10 * scale:
        raise Mismatch("C is not positive semi-definite: sign error in the Schur complement?")
    if np.any(np.abs(C - c_ref) > 1e-10 * scale + 1e-8 * np.abs(c_ref)):
        raise Mismatch("C is wrong: C = Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba")
    return None


# ---------------------------------------------------------------- planted answers

_BLOCKS = '''
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    a = np.asarray(a, dtype=int)
    b = np.setdiff1d(np.arange(len(mu)), a)
    x_b = np.asarray(x_b, dtype=float)
    S_aa, S_ab, S_ba, S_bb = S[np.ix_(a, a)], S[np.ix_(a, b)], S[np.ix_(b, a)], S[np.ix_(b, b)]
'''

WRONG = (
    # Σ_ba where Σ_ab belongs (fails on unequal blocks, wrong values on equal ones).
    Wrong("sigma_ba_for_sigma_ab",
          hint=("The gain is Σ_ab Σ_bb⁻¹, with Σ_ab the rows of a and the columns of b: "
                "check which off-diagonal block you use in m and in C."),
          code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ba @ np.linalg.inv(S_bb)
    return mu[a] + K @ (x_b - mu[b]), S_aa - K @ S_ab
'''),
    # Sign error in both formulas.
    Wrong("sign_error",
          hint=("Check the signs: m = μ_a + Σ_ab Σ_bb⁻¹(x_b − μ_b) and "
                "C = Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba (observing x_b reduces the covariance)."),
          code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ np.linalg.inv(S_bb)
    return mu[a] - K @ (x_b - mu[b]), S_aa + K @ S_ba
'''),
    # Σ_bb in place of its inverse.
    Wrong("sigma_bb_not_inverse",
          hint=("The gain uses the inverse of Σ_bb, not Σ_bb itself: solve a linear system "
                "with Σ_bb instead of multiplying by it."),
          code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ S_bb
    return mu[a] + K @ (x_b - mu[b]), S_aa - K @ S_ba
'''),
    # Assumes a is the leading block 0..k-1.
    Wrong("leading_block",
          hint=("The indices in a need not be the first ones: extract the blocks with "
                "np.ix_(a, b), b being the other indices in increasing order."),
          code='''
def gauss_condition(mu, Sigma, a, x_b):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    k = len(a)
    K = S[:k, k:] @ np.linalg.inv(S[k:, k:])
    return mu[:k] + K @ (np.asarray(x_b, float) - mu[k:]), S[:k, :k] - K @ S[k:, :k]
'''),
    # Forgets the correction of the covariance (returns the marginal Σ_aa).
    Wrong("marginal_covariance",
          hint=("Your C is the marginal covariance Σ_aa: conditioning subtracts the Schur "
                "complement term Σ_ab Σ_bb⁻¹ Σ_ba."),
          code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    K = S_ab @ np.linalg.inv(S_bb)
    return mu[a] + K @ (x_b - mu[b]), S_aa
'''),
)

ALTERNATIVES = (
    # Precision form: C = (Λ_aa)⁻¹, m = μ_a − Λ_aa⁻¹ Λ_ab (x_b − μ_b).
    Alternative("precision_matrix", code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    Lam = np.linalg.inv(S)
    C = np.linalg.inv(Lam[np.ix_(a, a)])
    m = mu[a] - C @ Lam[np.ix_(a, b)] @ (x_b - mu[b])
    return m, (C + C.T) / 2
'''),
    # Cholesky solves with scipy.
    Alternative("cholesky_solve", code="def gauss_condition(mu, Sigma, a, x_b):" + _BLOCKS + '''
    f = scipy.linalg.cho_factor(S_bb)
    m = mu[a] + S_ab @ scipy.linalg.cho_solve(f, x_b - mu[b])
    C = S_aa - S_ab @ scipy.linalg.cho_solve(f, S_ba)
    return m, C
'''),
    # Permute to [a, b] order first, then slice the leading blocks.
    Alternative("permute_then_slice", code='''
def gauss_condition(mu, Sigma, a, x_b):
    mu, S = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    a = list(np.asarray(a, dtype=int))
    order = a + [i for i in range(len(mu)) if i not in a]
    k = len(a)
    m2, S2 = mu[order], S[np.ix_(order, order)]
    sol = np.linalg.solve(S2[k:, k:], np.column_stack([np.asarray(x_b, float) - m2[k:],
                                                        S2[k:, :k]]))
    return m2[:k] + S2[:k, k:] @ sol[:, 0], S2[:k, :k] - S2[:k, k:] @ sol[:, 1:]
'''),
)

TASK = Task(
    answer_cell="p4_gauss_condition",
    checks=(CheckSpec(id="probability.gauss_condition", unit="probability",
                      function="gauss_condition", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
