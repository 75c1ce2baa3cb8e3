"""Unit 2 — Geometry: the mathematics that several tasks of the unit share.

* ``INT_SPD``: a fixed integer SPD matrix, the "integer dtype" input of G1 and G4;
* ``basis``: bases ``B = Q₁ diag(s) Q₂ᵀ`` with s log-spaced in [1, κ] (full rank), the
  input family of G3, G4 and G6;
* ``check_projector_shape``: the first step of the G3 and G4 judges (a (D, D) finite
  projection matrix, with the diagnostic for ``b @ b.T`` on a 1-D ``b``).

Every generator draws from the rng it is given, in a fixed order, so the same check's stream
(:func:`graders.checks.case_rng`) always gives the same inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.compare import as_array
from graders.content.units.linear_algebra import with_singular_values
from graders.errors import Mismatch

__all__ = ["INT_SPD", "basis", "check_projector_shape"]

#: A fixed integer SPD matrix, tridiag(1, 3, 1), with eigenvalues 3 − √2, 3, 3 + √2.
INT_SPD = np.array([[3, 1, 0], [1, 3, 1], [0, 1, 3]])


def basis(rng: np.random.Generator, m: int, n: int, kappa: float = 10.0) -> np.ndarray:
    """An m×n matrix with singular values log-spaced in [1, kappa] (full rank min(m, n))."""
    k = min(m, n)
    s = np.logspace(np.log10(kappa), 0, k) if k > 1 else np.array([2.0])
    return with_singular_values(rng, m, n, s)


def check_projector_shape(P_out: Any, d: int) -> np.ndarray:
    """P as a (d, d) array, with the diagnostic for a scalar from ``b @ b.T`` on 1-D b."""
    P = as_array(P_out, name="P", finite=False)
    if P.ndim == 0 or (P.size == 1 and d > 1):
        raise Mismatch("P is a scalar: for a 1-D array b, b @ b.T is the dot product bᵀb; "
                       "use np.outer(b, b), or reshape b to a (D, 1) column")
    if P.shape != (d, d):
        raise Mismatch("P must have shape (D, D), D = number of rows of B: is the inverse "
                       "in the wrong position (P = B (BᵀB)⁻¹ Bᵀ)?")
    if not np.all(np.isfinite(P)):
        raise Mismatch("P contains NaN or infinity: BᵀB is singular for rank-deficient B; "
                       "use the pseudo-inverse (P = B B⁺)")
    return P
