"""E9 ``answer_e9``: the Gaussian negative log-likelihood as a formula in μ and σ.

An answer that is a formula (``answer="formula"``, :mod:`graders.answers`): for the data
x₁..x₅ at the top of the answer cell (different per student: :func:`parameters`, drawn by
:mod:`graders.variants`; the data line is a template, :data:`DATA`, each student's notebook
shows rendered with their own x, and the judge uses the same x), the answer cell defines
``answer_e9``, the negative log-likelihood of N(μ, σ²),

    NLL(μ, σ) = n log σ + (n/2) log 2π + Σᵢ (xᵢ − μ)² / (2σ²),

**exactly** (the constant (n/2) log 2π included), as a Python function ``answer_e9(mu,
sigma)`` or as a string in Python syntax in ``mu`` and ``sigma`` (``"5*log(sigma) +
..."``). The sandbox evaluates it at the judge's points (:func:`cases`); the judge compares
numbers only. Catches: the constant dropped (a wrong constant), the log-likelihood instead of
its negative (a wrong sign), log σ counted once per pair (n/2 · log σ: the variance/standard
deviation slip), and the missing ½ in the quadratic term.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from graders.answers import formula_case, formula_points, judge_formula
from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import trusted_array as _f

__all__ = ["DATA", "EXAMPLE_X", "NAMES", "RTOL", "TASK", "cases", "judge", "parameters",
           "reference", "variant_cases"]

#: An example of the question's data (one variant; the content tests' fixed data).
EXAMPLE_X = np.array([2.1, 3.4, 1.7, 2.9, 4.0])


def parameters(rng: np.random.Generator) -> dict[str, Any]:
    """One student's x: five values with one decimal in [1.0, 4.0], not all equal (then
    the quadratic term, and so the missing ½, shows at every point but one μ)."""
    while True:
        x = rng.integers(10, 41, size=5) / 10
        if np.ptp(x) >= 0.5:
            return {"e9_x": x}

#: The formula's variables, in the order of the evaluation points' columns.
NAMES = ("mu", "sigma")

#: Relative tolerance, against M = max |NLL| over the points (M ≥ 5 log 2.2 + 2.5 log 2π
#: ≈ 8.5 for any data, at the fixed point σ = 2.2 where every term is positive). Any form
#: (factored, expanded Σx² − 2μΣx + nμ², scipy's logpdf) evaluates ≤ 3n + 10 operations on
#: terms of size ≤ 800 (σ ≥ 0.5, |xᵢ − μ| ≤ 5), so its rounding is ≤ 25·ε·800 ≈ 5e-12 ≪
#: 1e-9·M ≥ 8e-9 (≥ 1e3 margin). The mistakes move the value by ≥ 0.3 somewhere:
#: the dropped constant by (n/2) log 2π ≈ 4.59 everywhere, the sign by 2M at the anchor,
#: n/2·log σ by (n/2)|log σ| ≥ 0.8 at σ = 0.5, the lost ½ by the whole quadratic term.
RTOL = 1e-9


def reference(mu: Any, sigma: Any, x: Any = EXAMPLE_X) -> float:
    """Reference E9: −Σᵢ log N(xᵢ; μ, σ²), from the density's definition."""
    xs, m, s = _f(x), float(mu), float(sigma)
    dens = np.exp(-((xs - m) ** 2) / (2 * s * s)) / (s * np.sqrt(2 * np.pi))
    return float(-np.sum(np.log(dens)))


def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
    """E9 for one student: one formula case, points in μ ∈ [0, 5], σ ∈ [0.5, 3].

    The fixed points have μ ≠ x̄ and σ ≠ 1 (where log σ = 0 would hide the log σ slips),
    and σ = 0.5 (a large |NLL|); the random ones are uniform in the box. The student's x
    rides in the context (``params`` for the reference, ``variant`` for the bank).
    """
    points = formula_points(rng, (0.0, 0.5), (5.0, 3.0),
                            fixed=((1.3, 0.5), (4.6, 2.2), (2.8, 0.7), (0.4, 2.9)))
    return [formula_case(f"the NLL at {len(points)} points (μ, σ)", points, NAMES,
                         params={"x": params["e9_x"]}, variant=dict(params))]


def cases(rng: np.random.Generator) -> list[Case]:
    """E9's case for a variant drawn from ``rng`` (``mml check``'s bank, content tests)."""
    return variant_cases(rng, parameters(rng))


def judge(case: Case, output: Any) -> str | None:
    """E9: one finite value per point, each within RTOL·M of the reference (exact mode)."""
    x = case.context["params"]["x"]
    ref = np.array([reference(m, s, x) for m, s in case.args[0]])
    judge_formula(output, ref, mode="exact", rtol=RTOL, name="answer_e9")
    return None


#: The answer cell's first lines (outside the solution region, so in the student's stub):
#: the data, as a template each student's notebook shows rendered with their own x; every
#: planted answer starts with them, as a student's cell does.
DATA = ("# E9's data (do not change this line).\n"
        "x_e9 = np.array({{ e9_x }}, dtype=float)\n")

WRONG = (
    Wrong("dropped_constant", hint=(
        "The constant (n/2)·log 2π is part of the negative log-likelihood asked for: keep "
        "it."), code=DATA + '''
def answer_e9(mu, sigma):
    return len(x_e9) * np.log(sigma) + np.sum((x_e9 - mu) ** 2) / (2 * sigma**2)
'''),
    Wrong("log_likelihood_sign", hint=(
        "This is the log-likelihood; the question asks for its negative."), code=DATA + '''
def answer_e9(mu, sigma):
    n = len(x_e9)
    return -(n * np.log(sigma) + n / 2 * np.log(2 * np.pi)
             + np.sum((x_e9 - mu) ** 2) / (2 * sigma**2))
'''),
    Wrong("half_log_sigma", hint=(
        "The normaliser is 1/√(2πσ²): each observation contributes log σ (= ½ log σ²), "
        "n log σ in all."), code=DATA + '''
def answer_e9(mu, sigma):
    n = len(x_e9)
    return (n / 2 * np.log(sigma) + n / 2 * np.log(2 * np.pi)
            + np.sum((x_e9 - mu) ** 2) / (2 * sigma**2))
'''),
    Wrong("no_half_quadratic", hint=(
        "The exponent of the Gaussian is −(x − μ)²/(2σ²): keep the factor ½."), code=DATA + '''
def answer_e9(mu, sigma):
    n = len(x_e9)
    return n * np.log(sigma) + n / 2 * np.log(2 * np.pi) + np.sum((x_e9 - mu) ** 2) / sigma**2
'''),
)

ALTERNATIVES = (
    # Expanded: Σ(x − μ)² = Σx² − 2μΣx + nμ², and log σ² / 2.
    Alternative("expanded", code=DATA + '''
def answer_e9(mu, sigma):
    n, s1, s2 = len(x_e9), float(np.sum(x_e9)), float(np.sum(x_e9**2))
    return n / 2 * np.log(2 * np.pi * sigma**2) + (s2 - 2 * mu * s1 + n * mu**2) / (2 * sigma**2)
'''),
    # A string formula with the numbers written out, evaluated in the sandbox.
    Alternative("string_formula", code=DATA + '''
squares = " + ".join(f"({float(v)!r}-mu)^2" for v in x_e9)
answer_e9 = f"5*log(sigma) + 2.5*log(2*pi) + ({squares}) / (2*sigma^2)"
'''),
    # scipy's log-density, summed and negated.
    Alternative("scipy_logpdf", code=DATA + '''
from scipy.stats import norm

def answer_e9(mu, sigma):
    return -float(np.sum(norm.logpdf(x_e9, loc=mu, scale=sigma)))
'''),
)

TASK = Task(
    answer_cell="e9_gauss_nll_formula",
    checks=(CheckSpec(id="probability.exam_gauss_nll_formula", unit="probability",
                      function="answer_e9", cases=cases, judge=judge, reference=reference,
                      answer="formula", parameters=parameters, variant_cases=variant_cases),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
