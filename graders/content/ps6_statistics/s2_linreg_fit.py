"""S2 ``linreg_fit(Phi, y) -> theta``: least-squares linear regression.

Convention (stated in the notebook): ``Phi`` is the (N, D) design and ``y`` has shape (N,);
``theta`` has shape (D,) and is the minimum-norm least-squares solution when Φ is
rank-deficient or wide (singular values ≤ 1e-10·σ₁ count as zero).

Graded on the fitted values Φθ first (unique for any least-squares solution), then on θ itself
(unique by the spec), both normwise to 1e-8, so pinv, numpy's and scipy's lstsq and a
thresholded SVD pass. The hidden inputs include rank-deficient designs (a duplicate or an
all-zero column) and wide ones, whose minimum-norm solution differs from other exact
solutions, with a clean singular-value gap. Catches: the normal equations by inverse or solve
(singular ΦᵀΦ), a pivoted-QR basic solution (right fit, not minimum norm), jitter on ΦᵀΦ.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, duplicate_column_design, poly_design
from graders.content.units.statistics import near as _near
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(Phi: Any, y: Any) -> np.ndarray:
    """Reference S2: minimum-norm least squares, singular values ≤ 1e-10·σ₁ taken as zero."""
    return np.asarray(scipy.linalg.lstsq(_f(Phi), _f(y), cond=1e-10)[0])


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S2: full rank, polynomial, rank-deficient (duplicate / zero column), wide, integer."""
    zero_col = design(rng, 8, 3)
    zero_col = np.column_stack([zero_col[:, :2], np.zeros(8), zero_col[:, 2:]])
    int_phi = np.column_stack([np.ones(6, dtype=np.int64), rng.integers(-4, 5, size=(6, 2))])
    while np.linalg.matrix_rank(int_phi) < 3:
        int_phi[:, 1:] = rng.integers(-4, 5, size=(6, 2))
    square = design(rng, 5, 5)
    return [
        Case("full column rank 12x4", (design(rng, 12, 4), rng.standard_normal(12))),
        Case("polynomial features of degree 5, 12 points",
             (poly_design(rng, 12, 5), rng.standard_normal(12))),
        Case("rank-deficient: duplicate feature column 10x4 (min-norm)",
             (duplicate_column_design(rng, 10, 3), rng.standard_normal(10))),
        Case("rank-deficient: all-zero feature column 8x4 (min-norm)",
             (zero_col, rng.standard_normal(8))),
        Case("wide N = 3 < D = 6 (min-norm interpolation)",
             (design(rng, 3, 6), rng.standard_normal(3))),
        Case("square 5x5 (exact interpolation)", (square, rng.standard_normal(5))),
        Case("integer dtype Phi and y 6x3", (int_phi, rng.integers(-5, 6, size=6))),
        Case("single feature 7x1", (rng.uniform(0.5, 2.0, (7, 1)), rng.standard_normal(7))),
        Case("zero targets y = 0", (design(rng, 6, 3), np.zeros(6))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S2: fitted values Φθ first (unique), then θ itself (the minimum-norm solution)."""
    Phi, y = _f(case.args[0]), _f(case.args[1])
    D = Phi.shape[1]
    th_ref = reference(Phi, y)
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (D,):
        raise Mismatch("theta must have shape (D,), one weight per column of Phi")
    # Inputs have κ(Φ) ≤ ~1e3 on the kept singular values and a clean gap below: a
    # backward-stable solver (or the normal equations on full-rank Φ) has forward error
    # ≲ κ²ε ≈ 2e-10 in θ and in Φθ; 1e-8 (syllabus) leaves a 50× margin, and the planted
    # bugs are off by O(1) (or by λ‖θ‖/σ_min² ≈ 1e-6 for jitter λ = 1e-6).
    fit_scale = float(np.linalg.norm(Phi, 2) * np.linalg.norm(th_ref) + np.linalg.norm(y))
    if not _near(Phi @ th, Phi @ th_ref, 0.0, 1e-8 * fit_scale + 1e-14):
        raise Mismatch("the fitted values Phi @ theta are not the least-squares fit "
                       "(inverting a singular PhiᵀPhi, or regularisation/jitter added?)")
    if not _near(th, th_ref, 1e-8, 1e-12 * max(fit_scale, 1.0)):
        raise Mismatch("theta gives the least-squares fitted values but is not the "
                       "minimum-norm solution (Phi is rank-deficient or wide here: the "
                       "spec asks for the solution of smallest ‖theta‖, as pinv gives)")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Textbook normal equations with an explicit inverse: breaks on a singular PhiᵀPhi.
    Wrong("normal_equations_inv",
          hint=("The normal equations need an invertible PhiᵀPhi, which fails when Phi is "
                "rank-deficient or wide: use the pseudo-inverse or a least-squares solver."),
          nameable=False,
          code='''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    return np.linalg.inv(Phi.T @ Phi) @ Phi.T @ np.asarray(y, dtype=float)
'''),
    # Pivoted QR "basic" solution: right fitted values, but not the minimum norm.
    Wrong("basic_solution_pivoted_qr",
          hint=("Your theta fits the data but is not the minimum-norm solution: when Phi is "
                "rank-deficient, take the solution of smallest norm, as the pseudo-inverse "
                "gives."),
          code='''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    Q, R, piv = scipy.linalg.qr(Phi, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    r = int(np.sum(d > 1e-10 * d[0])) if d.size else 0
    theta = np.zeros(Phi.shape[1])
    theta[piv[:r]] = scipy.linalg.solve_triangular(R[:r, :r], Q[:, :r].T @ y)
    return theta
'''),
    # Jitter "for stability" changes the answer.
    Wrong("jitter_1e_6",
          hint=("Adding a small multiple of the identity to PhiᵀPhi is ridge regression, not "
                "least squares, and shifts the fit: solve the unregularised problem."),
          code='''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    A = Phi.T @ Phi + 1e-6 * np.eye(Phi.shape[1])
    return np.linalg.solve(A, Phi.T @ np.asarray(y, dtype=float))
'''),
    # Normal equations solved with solve(): same failure as the inverse.
    Wrong("normal_equations_solve",
          hint=("Solving PhiᵀPhi theta = Phiᵀy fails when PhiᵀPhi is singular (duplicate or "
                "zero columns, fewer points than features): use a minimum-norm least-squares "
                "solver."),
          nameable=False,
          code='''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    return np.linalg.solve(Phi.T @ Phi, Phi.T @ np.asarray(y, dtype=float))
'''),
)

ALTERNATIVES = (
    Alternative("pinv", code='''
def linreg_fit(Phi, y):
    return np.linalg.pinv(np.asarray(Phi, dtype=float)) @ np.asarray(y, dtype=float)
'''),
    Alternative("numpy_lstsq", code='''
def linreg_fit(Phi, y):
    return np.linalg.lstsq(np.asarray(Phi, dtype=float), np.asarray(y, dtype=float),
                           rcond=None)[0]
'''),
    # scipy's default cut-off (machine epsilon): the generators keep a clean gap below it.
    Alternative("scipy_lstsq_default", code='''
def linreg_fit(Phi, y):
    return scipy.linalg.lstsq(np.asarray(Phi, dtype=float), np.asarray(y, dtype=float))[0]
'''),
    # Thin SVD with the spec's relative threshold.
    Alternative("svd_threshold", code='''
def linreg_fit(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    keep = s > 1e-10 * s[0] if s.size else s > 0
    return Vt[keep].T @ ((U[:, keep].T @ np.asarray(y, dtype=float)) / s[keep])
'''),
)

TASK = Task(
    answer_cell="s2_linreg_fit",
    checks=(CheckSpec(id="statistics.linreg_fit", unit="statistics", function="linreg_fit",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
