"""P2 ``posterior``, ``marginal`` and ``conditional``: discrete Bayes' rule and joint tables.

Convention (stated in the notebook):

* ``posterior(log_prior, log_lik)`` returns the *log* posterior, shape (K,); the prior need
  not be normalised, either term may be −∞ (that hypothesis gets −∞), and the evidence may
  be zero (every term −∞): NaN everywhere;
* ``marginal(P, axis)`` is the 1-D marginal of the variable on ``axis`` (sum over every
  other axis; negative axis allowed);
* ``conditional(P, given_axis)`` divides each slice of a 2-D table along ``given_axis`` by
  its total (rows sum to 1 for ``given_axis=0``, columns for 1), NaN for a
  zero-probability slice.

Graded: the log posterior in log space (:func:`graders.content.units.probability.close_log`,
−∞/NaN patterns exact), the marginal and conditional entrywise to 1e-13 with the NaN
pattern exact. The answer cell defines the three functions, so it is one task with three
checks. Catches: no normalisation, normalising in probability space (exp under/overflows),
normalising by the maximum, ``P.sum(axis=axis)`` (numpy's meaning, the opposite), a
conditional normalised along the wrong axis or with 0 instead of NaN on a zero slice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.probability import NINF, close_log, log_atol, logsumexp
from graders.errors import Mismatch

__all__ = [
    "TASK",
    "cases_conditional",
    "cases_marginal",
    "cases_posterior",
    "judge_conditional",
    "judge_marginal",
    "judge_posterior",
    "reference_conditional",
    "reference_marginal",
    "reference_posterior",
]


def reference_posterior(log_prior: Any, log_lik: Any) -> np.ndarray:
    """Reference P2: ``log_prior + log_lik − logsumexp(log_prior + log_lik)``."""
    joint = _f(log_prior) + _f(log_lik)
    with np.errstate(invalid="ignore"):
        return np.asarray(joint - logsumexp(joint))


def reference_marginal(P: Any, axis: int) -> np.ndarray:
    """Reference P2: sum over every axis except ``axis`` (a 1-D pmf)."""
    p = _f(P)
    others = tuple(i for i in range(p.ndim) if i != axis % p.ndim)
    return np.asarray(p.sum(axis=others))


def reference_conditional(P: Any, given_axis: int) -> np.ndarray:
    """Reference P2: each slice along ``given_axis`` divided by its total (NaN if 0)."""
    p = _f(P)
    total = p.sum(axis=1 - given_axis % 2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, p / np.where(total > 0, total, 1.0), np.nan))


# ---------------------------------------------------------------- hidden inputs


def _log_probs(rng: np.random.Generator, k: int) -> np.ndarray:
    p = rng.dirichlet(np.ones(k))
    return np.asarray(np.log(p))


def cases_posterior(rng: np.random.Generator) -> list[Case]:
    """P2 posterior: unnormalised priors, huge |log-likelihoods|, −∞ patterns, zero evidence."""
    theta = np.linspace(0.0, 1.0, 41)
    heads, flips = int(rng.integers(20, 40)), 50
    with np.errstate(divide="ignore"):
        coin = heads * np.log(theta) + (flips - heads) * np.log1p(-theta)
    zero_prior = _log_probs(rng, 6)
    zero_prior[[1, 4]] = NINF
    impossible = rng.normal(-5, 2, 6)
    impossible[[0, 5]] = NINF
    none_possible = np.full(5, NINF)
    return [
        Case("5 hypotheses, normalised prior", (_log_probs(rng, 5), rng.normal(-3, 2, 5))),
        Case("unnormalised log prior (weights)", (rng.normal(2, 1, 7), rng.normal(-3, 2, 7))),
        Case("log-likelihoods near −1000 (underflow of exp)",
             (_log_probs(rng, 6), -1000.0 + rng.normal(0, 3, 6))),
        Case("log-likelihoods near +800 (overflow of exp)",
             (_log_probs(rng, 4), 800.0 + rng.normal(0, 3, 4))),
        Case("zero prior on some hypotheses (−∞)", (zero_prior, rng.normal(-3, 2, 6))),
        Case("data impossible under some hypotheses (−∞)", (_log_probs(rng, 6), impossible)),
        Case("data impossible under every hypothesis (zero evidence: NaN)",
             (_log_probs(rng, 5), none_possible)),
        Case("a single hypothesis", (np.array([rng.normal()]), np.array([rng.normal(-5, 1)]))),
        Case("coin bias on a 41-point grid, uniform prior, θ=0 and θ=1 impossible",
             (np.zeros(41), coin)),
        Case("integer dtype", (rng.integers(-5, 1, 4), rng.integers(-9, -1, 4))),
    ]


def _pmf(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    p = rng.uniform(0.1, 1.0, shape)
    return np.asarray(p / p.sum())


def cases_marginal(rng: np.random.Generator) -> list[Case]:
    """P2 marginal: 2-D and 3-D tables, every axis, square tables, a negative axis."""
    zero_row = _pmf(rng, (3, 3))
    zero_row[1] = 0.0
    zero_row /= zero_row.sum()
    return [
        Case("(3, 4) table, axis=0", (_pmf(rng, (3, 4)), 0)),
        Case("(3, 4) table, axis=1", (_pmf(rng, (3, 4)), 1)),
        Case("square (4, 4) table, axis=0", (_pmf(rng, (4, 4)), 0)),
        Case("square (4, 4) table, axis=1", (_pmf(rng, (4, 4)), 1)),
        Case("3-D (2, 3, 4) table, axis=2", (_pmf(rng, (2, 3, 4)), 2)),
        Case("3-D (2, 3, 4) table, axis=0", (_pmf(rng, (2, 3, 4)), 0)),
        Case("(3, 5) table, axis=-1", (_pmf(rng, (3, 5)), -1)),
        Case("(3, 3) table with a zero row, axis=0", (zero_row, 0)),
        Case("(1, 5) table, axis=0", (_pmf(rng, (1, 5)), 0)),
    ]


def cases_conditional(rng: np.random.Generator) -> list[Case]:
    """P2 conditional: both given axes, square tables, zero-probability events (NaN)."""
    zero_row = _pmf(rng, (4, 3))
    zero_row[2] = 0.0
    zero_row /= zero_row.sum()
    zero_col = _pmf(rng, (3, 5))
    zero_col[:, 0] = 0.0
    zero_col /= zero_col.sum()
    return [
        Case("(3, 4) table, given_axis=0 (rows sum to 1)", (_pmf(rng, (3, 4)), 0)),
        Case("(3, 4) table, given_axis=1 (columns sum to 1)", (_pmf(rng, (3, 4)), 1)),
        Case("square (4, 4) table, given_axis=0", (_pmf(rng, (4, 4)), 0)),
        Case("square (4, 4) table, given_axis=1", (_pmf(rng, (4, 4)), 1)),
        Case("zero-probability row, given_axis=0 (NaN row)", (zero_row, 0)),
        Case("zero-probability row, given_axis=1 (no NaN)", (zero_row, 1)),
        Case("zero-probability column, given_axis=1 (NaN column)", (zero_col, 1)),
        Case("(1, 5) table, given_axis=0", (_pmf(rng, (1, 5)), 0)),
    ]


# ---------------------------------------------------------------- judge


def judge_posterior(case: Case, output: Any) -> str | None:
    """P2 posterior: log space, −∞/NaN patterns exact, atol from ``log_atol``."""
    joint = _f(case.args[0]) + _f(case.args[1])
    ref = reference_posterior(*case.args)
    out = close_log(output, ref, log_atol(joint), "log posterior",
                    nan_msg="NaN where the posterior is defined: exp underflow/overflow "
                            "in probability space? (normalise with a log-sum-exp)")
    if np.all(np.isfinite(ref) | np.isinf(ref)) and np.any(np.isfinite(ref)):
        total = float(np.sum(np.exp(out)))
        if abs(total - 1.0) > 1e-9:  # implied by the pointwise bound; a clearer message
            raise Mismatch("exp(log posterior) does not sum to 1: not normalised?")
    return None


def judge_marginal(case: Case, output: Any) -> str | None:
    """P2 marginal: 1-D, length P.shape[axis], atol 1e-13 (sums of ≤ 24 entries ≤ 1)."""
    P, axis = _f(case.args[0]), int(case.args[1])
    ref = reference_marginal(P, axis)
    out = as_array(output, name="marginal", ndim=None)
    if out.shape != ref.shape:
        raise Mismatch(f"marginal: expected a 1-D array of length P.shape[axis], got shape "
                       f"{out.shape}: summed over `axis` instead of over the other axes?")
    # Summing ≤ 24 probabilities (each ≤ 1) errs by ≤ 24ε ≈ 5e-15 in any order: atol 1e-13.
    if np.any(np.abs(out - ref) > 1e-13):
        raise Mismatch("marginal: wrong values: sum over every axis except `axis`")
    return None


def judge_conditional(case: Case, output: Any) -> str | None:
    """P2 conditional: NaN pattern exact, entries to 1e-13, slices sum to 1."""
    P, given = _f(case.args[0]), int(case.args[1])
    ref = reference_conditional(P, given)
    out = as_array(output, name="conditional", shape=ref.shape, finite=False)
    if np.any(np.isinf(out)):
        raise Mismatch("conditional: contains ∞")
    if np.any(np.isnan(out) != np.isnan(ref)):
        raise Mismatch("conditional: NaN pattern wrong: a zero-probability conditioning "
                       "event gives NaN for its whole slice, and only there")
    # p/Σp with ≤ 5 terms: relative error ≤ 6ε on values ≤ 1, so atol 1e-13.
    fin = ~np.isnan(ref)
    if np.any(np.abs(out[fin] - ref[fin]) > 1e-13):
        raise Mismatch("conditional: wrong values: each slice along given_axis (row for "
                       "given_axis=0, column for 1) must be divided by its own total")
    return None


# ---------------------------------------------------------------- planted answers
# The answer cell defines the three functions, so every entry defines all three.

_GOOD_POSTERIOR = '''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    m = np.max(joint)
    m = m if np.isfinite(m) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return joint - (m + np.log(np.sum(np.exp(joint - m))))
'''

_GOOD_MARGINAL = '''
def marginal(P, axis):
    P = np.asarray(P, dtype=float)
    axis = axis % P.ndim
    return P.sum(axis=tuple(i for i in range(P.ndim) if i != axis))
'''

_GOOD_CONDITIONAL = '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    with np.errstate(invalid="ignore"):
        return P / P.sum(axis=1 - given_axis, keepdims=True)
'''

WRONG = (
    # Forgets to normalise: returns the log joint.
    Wrong("no_normalisation",
          hint=("Your posterior is the log joint, not normalised: subtract the log "
                "evidence, the log-sum-exp of log_prior + log_lik over the hypotheses."),
          code='''
def posterior(log_prior, log_lik):
    return np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL),
    # Normalises in probability space: exp underflows (−1000) or overflows (+800).
    Wrong("probability_space",
          hint=("Normalising in probability space makes exp underflow or overflow on large "
                "log-likelihoods: stay in log space and subtract a stable log-sum-exp."),
          code='''
def posterior(log_prior, log_lik):
    p = np.exp(np.asarray(log_prior, dtype=float)) * np.exp(np.asarray(log_lik, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p / p.sum())
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL),
    # Subtracts the maximum instead of the log-sum-exp (MAP-normalised, not a distribution).
    Wrong("normalise_by_max",
          hint=("Subtracting the maximum log joint does not make a distribution: subtract "
                "the log-sum-exp of the log joint so that the probabilities sum to 1."),
          code='''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    return joint - np.max(joint)
''' + _GOOD_MARGINAL + _GOOD_CONDITIONAL),
    # marginal sums out `axis` (numpy's meaning) instead of keeping it.
    Wrong("marginal_sums_out_axis",
          hint=("P.sum(axis=axis) sums the variable on `axis` out; its marginal keeps that "
                "axis and sums over all the other axes."),
          code=_GOOD_POSTERIOR + '''
def marginal(P, axis):
    return np.asarray(P, dtype=float).sum(axis=axis)
''' + _GOOD_CONDITIONAL),
    # conditional normalises over the given axis (columns for given_axis=0).
    Wrong("conditional_wrong_axis",
          hint=("Your conditional normalises along the wrong axis: given the variable on "
                "axis 0 each row must sum to 1, given axis 1 each column."),
          code=_GOOD_POSTERIOR + _GOOD_MARGINAL + '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    with np.errstate(invalid="ignore"):
        return P / P.sum(axis=given_axis, keepdims=True)
'''),
    # Zero-probability conditioning events give 0 instead of the specified NaN.
    Wrong("conditional_zero_not_nan",
          hint=("Conditioning on an event of probability zero is undefined: the spec asks "
                "for NaN in that whole row or column, not 0."),
          code=_GOOD_POSTERIOR + _GOOD_MARGINAL + '''
def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    total = P.sum(axis=1 - given_axis, keepdims=True)
    return P / np.where(total > 0, total, 1.0)
'''),
)

ALTERNATIVES = (
    # scipy's logsumexp; marginal by moving the axis first; conditional by transposing.
    Alternative("scipy_and_moveaxis", code='''
import scipy.special

def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return joint - scipy.special.logsumexp(joint)

def marginal(P, axis):
    P = np.moveaxis(np.asarray(P, dtype=float), axis, 0)
    return P.reshape(P.shape[0], -1).sum(axis=1)

def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    Q = P if given_axis == 0 else P.T
    rows = Q.sum(axis=1)
    out = np.full(Q.shape, np.nan)
    ok = rows > 0
    out[ok] = Q[ok] / rows[ok, None]
    return out if given_axis == 0 else out.T
'''),
    # np.logaddexp.reduce; marginal with einsum; conditional from the marginal.
    Alternative("einsum_and_logaddexp", code='''
def posterior(log_prior, log_lik):
    joint = np.asarray(log_prior, dtype=float) + np.asarray(log_lik, dtype=float)
    with np.errstate(invalid="ignore"):
        return joint - np.logaddexp.reduce(joint)

def marginal(P, axis):
    P = np.asarray(P, dtype=float)
    letters = "abcdefgh"[:P.ndim]
    return np.einsum(f"{letters}->{letters[axis % P.ndim]}", P)

def conditional(P, given_axis):
    P = np.asarray(P, dtype=float)
    m = marginal(P, given_axis)
    shape = (-1, 1) if given_axis == 0 else (1, -1)
    with np.errstate(invalid="ignore"):
        return P / m.reshape(shape)
'''),
)

TASK = Task(
    answer_cell="p2_posterior",
    checks=(
        CheckSpec(id="probability.posterior", unit="probability", function="posterior",
                  cases=cases_posterior, judge=judge_posterior, reference=reference_posterior),
        CheckSpec(id="probability.marginal", unit="probability", function="marginal",
                  cases=cases_marginal, judge=judge_marginal, reference=reference_marginal),
        CheckSpec(id="probability.conditional", unit="probability", function="conditional",
                  cases=cases_conditional, judge=judge_conditional,
                  reference=reference_conditional),
    ),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
