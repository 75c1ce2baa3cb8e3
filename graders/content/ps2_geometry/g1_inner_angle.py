"""G1 ``inner(x, y, A)``, ``norm(x, A)``, ``dist(x, y, A)``, ``angle(x, y, A)``: geometry under A.

Convention (stated in the notebook): ⟨x, y⟩_A = xᵀAy with A SPD, x and y of shape (n,), any
real dtype. ``norm`` takes ``(x, A)``. ``angle`` is in radians in [0, π] and raises
``ValueError`` when x or y is the zero vector (the angle is undefined); that is a hidden case
with ``Case.raises``. Outputs are scalars (0-d), not arrays of shape ``(1,)`` (rule R1).

Graded against references computed independently of the students' conventions (a
Cholesky-based, atan2 form of the angle): ``inner`` and ``norm`` to a relative 1e-8, ``dist``
to 1e-8·d + 1e-6·max(‖x‖_A, ‖y‖_A) (:data:`DIST_ATOL`, derived there so that the clamped
expansion passes with a margin ≥ 3 in the worst case), angles to atol 1e-7 (arccos is
ill-conditioned near 0 and π). The hidden vectors are made parallel, antiparallel,
A-orthogonal or 10⁻⁹ apart, the (anti)parallel ones chosen by rejection so that an unclipped
cosine really gives NaN on them. Catches: no clip, A⁻¹ in place of A, degrees, the squared
norm, no ValueError for the zero vector, the distance as a difference of norms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.geometry import INT_SPD
from graders.content.units.linear_algebra import orthogonal, spd
from graders.errors import Mismatch

__all__ = [
    "DIST_ATOL",
    "TASK",
    "cases_angle",
    "cases_dist",
    "cases_inner",
    "cases_norm",
    "expansion_error_bound",
    "judge_angle",
    "judge_dist",
    "judge_inner",
    "judge_norm",
    "naive_cosines",
    "reference_angle",
    "reference_dist",
    "reference_inner",
    "reference_norm",
]


def reference_inner(x: Any, y: Any, A: Any) -> float:
    """Reference G1: ⟨x, y⟩_A = xᵀAy."""
    return float(_f(x) @ _f(A) @ _f(y))


def reference_norm(x: Any, A: Any) -> float:
    """Reference G1: ‖x‖_A = √(xᵀAx) (xᵀAx ≥ 0 for SPD A; clamped against rounding)."""
    return float(np.sqrt(max(reference_inner(x, x, A), 0.0)))


def reference_dist(x: Any, y: Any, A: Any) -> float:
    """Reference G1: d_A(x, y) = ‖x − y‖_A."""
    return reference_norm(_f(x) - _f(y), A)


def reference_angle(x: Any, y: Any, A: Any) -> float:
    """Reference G1: the angle under ⟨·,·⟩_A in radians, accurate near 0 and π.

    With A = LLᵀ (Cholesky), ⟨x, y⟩_A = uᵀv for u = Lᵀx, v = Lᵀy; for unit û, v̂ the
    angle is 2·atan2(‖û − v̂‖, ‖û + v̂‖) (Kahan), which needs no arccos.

    Raises:
        ValueError: if x or y is the zero vector.
    """
    L = np.linalg.cholesky(_f(A))
    u, v = L.T @ _f(x), L.T @ _f(y)
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0.0 or nv == 0.0:
        raise ValueError("the angle with the zero vector is undefined")
    u, v = u / nu, v / nv
    return float(2.0 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))


#: ``dist``'s absolute tolerance, relative to R = max(‖x‖_A, ‖y‖_A).
#:
#: Every correct method must pass, the cancelling expansion s = ⟨x,x⟩ + ⟨y,y⟩ − 2⟨x,y⟩
#: (clamped at 0, then rooted) included. With the unit roundoff u = 2⁻⁵³ and
#: γ_m = mu/(1 − mu), each computed xᵀAy, in any summation order (BLAS blocking, FMA), errs
#: by ≤ γ_{2n}|x|ᵀ|A||y| (a matrix-vector product, then a dot product), and the two
#: additions by ≤ 2u more, so |ŝ − d²| ≤ γ_{2n+2}·S with S = (|x| + |y|)ᵀ|A|(|x| + |y|)
#: (:func:`expansion_error_bound`). Since |√a − √b| ≤ √|a − b| for a, b ≥ 0 and clamping
#: only moves ŝ towards d² ≥ 0, the distance errs by ≤ √(γ_{2n+2}·S) (the root's own
#: rounding, u·d, is inside the rtol 1e-8). S ≤ ‖|A|‖₂(‖x‖ + ‖y‖)² ≤ 4μR² with
#: μ = ‖|A|‖₂/λ_min(A) ≤ √n·κ(A), so the error is ≤ 2R·√(γ_{2n+2}·μ). The hidden dist
#: cases have n ≤ 5 and A = I, INT_SPD (μ = 2.8) or ``spd`` at n = 4 (λ ∈ [1, 10], so
#: μ ≤ ‖A‖_F ≤ 20): at most 2R·√(10u·20) = 3.0e-7·R. The former 1e-7·R (G2's syllabus
#: value) sat *below* that worst case, and only 1.06–1.25 times above √(γ_{2n+2}·S) on the
#: actual hidden cases, a margin shrinking as √n grows. 1e-6·R leaves a margin ≥ 3.3 over
#: the worst case of the generator and ≥ 10 over √(γ_{2n+2}·S) on every hidden case
#: (tests/content/test_geometry.py checks both, and the expansion's actual errors, which
#: stay below 1e-9·R). The wrong answers (A⁻¹, A ignored, a difference of norms) err by
#: O(R) on the random cases, ≥ 1e5 times more.
DIST_ATOL = 1e-6


def expansion_error_bound(x: Any, y: Any, A: Any) -> float:
    """√(γ_{2n+2}·(|x| + |y|)ᵀ|A|(|x| + |y|)): a bound on the error of ``dist`` computed by
    the clamped expansion ‖x‖²_A + ‖y‖²_A − 2⟨x, y⟩_A in any summation order (see
    :data:`DIST_ATOL`)."""
    xf, yf, af = _f(x), _f(y), _f(A)
    u, m = 2.0**-53, 2 * xf.size + 2
    s = np.abs(xf) + np.abs(yf)
    return float(np.sqrt(m * u / (1 - m * u) * (s @ np.abs(af) @ s)))


def _scalar(output: Any, name: str) -> float:
    """An untrusted 0-d real number (NaN allowed, so judges can explain it)."""
    arr = as_array(output, name=name, finite=False)
    if arr.ndim != 0:
        raise Mismatch(f"{name}: expected a scalar (a float or 0-d array), got shape "
                       f"{arr.shape}")
    return float(arr)


def _finite(value: float, name: str, hint: str) -> None:
    """Fail on NaN/inf with a hint about where it comes from."""
    if not np.isfinite(value):
        raise Mismatch(f"{name} is NaN or infinite: {hint}")


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


# ---------------------------------------------------------------- hidden inputs


def cases_inner(rng: np.random.Generator) -> list[Case]:
    """G1 inner(x, y, A): A ≠ I and A ≠ A⁻¹ wherever A matters; integer dtype; 1×1."""
    def xy(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.standard_normal(n), rng.standard_normal(n)

    return [
        Case("random 4-dim, SPD A", (*xy(4), spd(rng, 4))),
        Case("random 8-dim, SPD A", (*xy(8), spd(rng, 8))),
        Case("identity A (the dot product)", (*xy(3), np.eye(3))),
        Case("diagonal A with unequal weights", (*xy(3), np.diag([1.0, 4.0, 9.0]))),
        Case("1x1 A", (np.array([rng.uniform(1, 3)]), np.array([rng.uniform(-3, -1)]),
                       np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x, y, A", (rng.integers(-5, 6, 3), rng.integers(-5, 6, 3), INT_SPD)),
        Case("large scale 1e6 vectors", (*(1e6 * v for v in xy(5)), spd(rng, 5))),
    ]


def cases_norm(rng: np.random.Generator) -> list[Case]:
    """G1 norm(x, A): ‖x‖_A ≠ 1 so that ‖x‖² and ‖x‖ differ; zero vector; integer dtype."""
    return [
        Case("random 4-dim, SPD A", (3 * rng.standard_normal(4), spd(rng, 4))),
        Case("random 6-dim, SPD A", (rng.standard_normal(6), spd(rng, 6))),
        Case("identity A (Euclidean norm)", (rng.uniform(1, 3, 3), np.eye(3))),
        Case("zero vector", (np.zeros(3), spd(rng, 3))),
        Case("1x1 A", (np.array([rng.uniform(-3, -1)]), np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x and A", (rng.integers(1, 6, 3), INT_SPD)),
        Case("small scale 1e-3 vector", (1e-3 * rng.standard_normal(5), spd(rng, 5))),
    ]


def cases_dist(rng: np.random.Generator) -> list[Case]:
    """G1 dist(x, y, A): equal points (distance 0), close points, integer dtype, 1×1."""
    x = rng.standard_normal(4)
    close = x + 1e-6 * rng.standard_normal(4)
    return [
        Case("random 4-dim, SPD A", (rng.standard_normal(4), rng.standard_normal(4),
                                     spd(rng, 4))),
        Case("identity A", (rng.standard_normal(5), rng.standard_normal(5), np.eye(5))),
        Case("equal points (distance 0)", (x, x.copy(), spd(rng, 4))),
        Case("close points (distance ~1e-6)", (x, close, spd(rng, 4))),
        Case("1x1 A", (np.array([rng.uniform(1, 3)]), np.array([rng.uniform(-3, -1)]),
                       np.array([[rng.uniform(2, 5)]]))),
        Case("integer dtype x, y, A", (rng.integers(-5, 6, 3), rng.integers(-5, 6, 3), INT_SPD)),
    ]


def naive_cosines(x: np.ndarray, y: np.ndarray, A: np.ndarray) -> list[float]:
    """The cosine as common unguarded formulas compute it (several association orders)."""
    xf, yf, af = (np.asarray(v, dtype=float) for v in (x, y, A))

    def left(u: np.ndarray, v: np.ndarray) -> float:
        return float((u @ af) @ v)

    def right(u: np.ndarray, v: np.ndarray) -> float:
        return float(u @ (af @ v))

    def einsum(u: np.ndarray, v: np.ndarray) -> float:
        return float(np.einsum("i,ij,j->", u, af, v))

    out = []
    for ip in (left, right, einsum):
        xy, xx, yy = ip(xf, yf), ip(xf, xf), ip(yf, yf)
        out += [xy / (np.sqrt(xx) * np.sqrt(yy)), xy / np.sqrt(xx * yy)]
    return [float(c) for c in out]


def _collinear(rng: np.random.Generator, n: int, sign: float) -> tuple[np.ndarray, ...]:
    """(x, c·x, A) with sign(c) = sign, on which every naive cosine leaves [−1, 1].

    For n > 1 the products go through BLAS, whose summation order (and FMA use) can
    differ between the judge and the sandbox; for n = 1 every product is one correctly
    rounded multiplication, so the unclipped arccos gives NaN in any environment.
    """
    for _ in range(10_000):
        x, A = rng.standard_normal(n), spd(rng, n)
        y = sign * rng.uniform(0.5, 3.0) * x
        cos = np.array(naive_cosines(x, y, A))
        if np.all(sign * cos > 1.0):
            return x, y, A
    raise RuntimeError("no collinear case found")  # pragma: no cover (never in practice)


def _at_angle(rng: np.random.Generator, n: int, theta: float) -> tuple[np.ndarray, ...]:
    """(x, y, A) with angle θ between x and y under ⟨·,·⟩_A (up to rounding of x, y)."""
    A = spd(rng, n)
    L = np.linalg.cholesky(A)  # ⟨x, y⟩_A = (Lᵀx)·(Lᵀy)
    q = orthogonal(rng, n)
    u = rng.uniform(0.5, 2.0) * q[:, 0]
    v = rng.uniform(0.5, 2.0) * (np.cos(theta) * q[:, 0] + np.sin(theta) * q[:, 1])
    return np.linalg.solve(L.T, u), np.linalg.solve(L.T, v), A


def cases_angle(rng: np.random.Generator) -> list[Case]:
    """G1 angle(x, y, A): parallel/antiparallel (NaN without clip), A-orthogonal, zero vector."""
    return [
        Case("random 3-dim, SPD A", _at_angle(rng, 3, rng.uniform(0.3, 2.8))),
        Case("orthogonal under A but not in the dot product", _at_angle(rng, 4, np.pi / 2)),
        Case("parallel vectors y = c x, c > 0 (angle 0)", _collinear(rng, 3, 1.0)),
        Case("antiparallel vectors y = -c x (angle pi)", _collinear(rng, 4, -1.0)),
        Case("nearly parallel, true angle 1e-9", _at_angle(rng, 3, 1e-9)),
        Case("identity A (Euclidean angle)", (rng.standard_normal(3), rng.standard_normal(3),
                                              np.eye(3))),
        Case("integer dtype x, y, A", (np.array([1, 0, 2]), np.array([2, 1, -1]), INT_SPD)),
        Case("1x1 A, parallel (angle 0)", _collinear(rng, 1, 1.0)),
        Case("1x1 A, antiparallel (angle pi)", _collinear(rng, 1, -1.0)),
        Case("zero vector x (angle undefined: ValueError)",
             (np.zeros(3), rng.standard_normal(3), spd(rng, 3)), raises=("ValueError",)),
    ]


# ---------------------------------------------------------------- judge


def judge_inner(case: Case, output: Any) -> str | None:
    """G1 inner: xᵀAy to rtol 1e-8 plus atol 1e-10·‖x‖‖A‖‖y‖."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "inner")
    _finite(out, "inner", "xᵀAy of finite inputs is finite")
    # Rounding of xᵀAy is ≤ γ_{2n}|x|ᵀ|A||y| ≤ 2n^{1.5}ε‖x‖‖A‖₂‖y‖ ≈ 1e-14·scale for n ≤ 8,
    # so atol 1e-10·scale (R2) and rtol 1e-8 accept any summation order by ≥ 1e4×.
    tol = 1e-8 * abs(reference_inner(x, y, A)) + 1e-10 * float(np.linalg.norm(x)) * _norm2(A) \
        * float(np.linalg.norm(y))
    if _close(out, reference_inner(x, y, A), tol):
        return None
    if _close(out, float(x @ np.linalg.solve(A, y)), tol):
        raise Mismatch("this is xᵀA⁻¹y: the inner product uses A itself, ⟨x, y⟩_A = xᵀAy")
    if _close(out, float(x @ y), tol):
        raise Mismatch("this is the plain dot product xᵀy: A is ignored")
    raise Mismatch("⟨x, y⟩_A differs from xᵀAy")


def judge_norm(case: Case, output: Any) -> str | None:
    """G1 norm: √(xᵀAx) to rtol 1e-8 plus atol 1e-10·‖A‖^½‖x‖."""
    x, A = (_f(v) for v in case.args)
    out = _scalar(output, "norm")
    _finite(out, "norm", "xᵀAx ≥ 0 for SPD A")
    ref = reference_norm(x, A)
    # √ halves the relative error of xᵀAx (see judge_inner), so the same margins hold.
    tol = 1e-8 * ref + 1e-10 * np.sqrt(_norm2(A)) * float(np.linalg.norm(x))
    if _close(out, ref, tol):
        return None
    if _close(out, ref**2, 1e-8 * ref**2):
        raise Mismatch("this is ‖x‖²_A = xᵀAx: the norm is its square root")
    if _close(out, float(np.sqrt(x @ np.linalg.solve(A, x))), tol):
        raise Mismatch("this is √(xᵀA⁻¹x): use A itself, ‖x‖_A = √(xᵀAx)")
    if _close(out, float(np.linalg.norm(x)), tol):
        raise Mismatch("this is the Euclidean norm: A is ignored")
    raise Mismatch("‖x‖_A differs from √(xᵀAx)")


def judge_dist(case: Case, output: Any) -> str | None:
    """G1 dist: ‖x − y‖_A to rtol 1e-8 plus atol 1e-6·max(‖x‖_A, ‖y‖_A) (DIST_ATOL)."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "dist")
    _finite(out, "dist", "expanding ‖x‖² + ‖y‖² − 2⟨x, y⟩ can go slightly negative; "
                         "compute ‖x − y‖_A, or clamp at 0 before the square root")
    ref = reference_dist(x, y, A)
    # The clamped expansion errs by ≤ 3e-7·R on the hidden cases (DIST_ATOL's derivation);
    # direct forms (‖x − y‖_A, whitening) by ~nε·d, inside rtol 1e-8.
    tol = 1e-8 * ref + DIST_ATOL * max(reference_norm(x, A), reference_norm(y, A))
    if _close(out, ref, tol):
        return None
    if _close(out, ref**2, 1e-8 * ref**2 + 1e-12):
        raise Mismatch("this is the squared distance ‖x − y‖²_A: take the square root")
    if _close(out, float(np.linalg.norm(x - y)), tol):
        raise Mismatch("this is the Euclidean distance: A is ignored")
    raise Mismatch("d_A(x, y) differs from ‖x − y‖_A")


def judge_angle(case: Case, output: Any) -> str | None:
    """G1 angle: radians in [0, π] to atol 1e-7 (arccos loses ~√ε near 0 and π)."""
    x, y, A = (_f(v) for v in case.args)
    out = _scalar(output, "angle")
    _finite(out, "angle", "on (anti)parallel vectors the computed cosine can exceed ±1 by "
                          "rounding; clip it to [−1, 1] before arccos")
    ref = reference_angle(x, y, A)
    # A cosine computed with relative error δ ≤ ~20ε gives arccos an error ≤ √(2δ) ≈ 9e-8 at
    # 0 and π (≈ δ/sin θ elsewhere): atol 1e-7 (syllabus); bugs err by ≥ 0.05 rad here.
    if _close(out, ref, 1e-7):
        return None
    if _close(out, np.degrees(ref), 1e-5):
        raise Mismatch("the angle is in degrees: return radians")
    xa, ya = np.linalg.solve(A, x), np.linalg.solve(A, y)
    cos_inv = float(x @ ya) / np.sqrt(float(x @ xa) * float(y @ ya))
    if _close(out, float(np.arccos(np.clip(cos_inv, -1, 1))), 1e-7):
        raise Mismatch("this is the angle under xᵀA⁻¹y: use A itself")
    raise Mismatch("the angle differs from arccos(⟨x, y⟩_A / (‖x‖_A ‖y‖_A)) in radians")


# ---------------------------------------------------------------- planted answers
# The answer cell defines all four functions, so each entry does too; the question (one
# answer cell, four checks) loses its marks if any of the four checks fails.

_REST = '''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return float(np.sqrt(max(inner(x, x, A), 0.0)))

def dist(x, y, A):
    return norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)
'''

WRONG = (
    # arccos without clip: the parallel and antiparallel cases give NaN.
    Wrong("no_clip",
          hint=("On (anti)parallel vectors the computed cosine can exceed ±1 by rounding and "
                "arccos then returns NaN: clip the cosine to [−1, 1] before arccos."),
          code=_REST + '''
def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(inner(x, y, A) / (nx * ny)))
'''),
    # The inverse of A in the inner product.
    Wrong("inverse_A",
          hint=("Your inner product uses the inverse of A; ⟨x, y⟩_A = xᵀAy uses A itself, and "
                "norm, dist and angle all build on it."),
          code='''
def inner(x, y, A):
    return float(np.asarray(x, dtype=float) @ np.linalg.inv(A) @ np.asarray(y, dtype=float))

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    return norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
'''),
    # Degrees instead of radians.
    Wrong("degrees",
          hint="Your angle is in degrees; angle must return radians in [0, π], as np.arccos does.",
          code=_REST + '''
def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.degrees(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0))))
'''),
    # norm returns ‖x‖² = xᵀAx (no square root); angle divides by the squared norms.
    Wrong("norm_squared",
          hint=("Your norm returns xᵀAx, the squared norm: ‖x‖_A is its square root, and the "
                "cosine in angle divides by the norms, not their squares."),
          code='''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return inner(x, x, A)

def dist(x, y, A):
    return float(np.sqrt(norm(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), A)))

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
'''),
    # No check for the zero vector: 0/0 raises ZeroDivisionError, not the ValueError asked for.
    Wrong("zero_vector_nan",
          hint=("The angle with the zero vector is undefined: test whether x or y is zero and "
                "raise ValueError before dividing by the norms."),
          nameable=False,
          code=_REST + '''
def angle(x, y, A):
    c = inner(x, y, A) / (norm(x, A) * norm(y, A))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))
'''),
    # Distance as the difference of the norms.
    Wrong("dist_difference_of_norms",
          hint=("The difference of the norms, |‖x‖_A − ‖y‖_A|, is not the distance: dist is "
                "the norm of the difference, ‖x − y‖_A."),
          code='''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ A @ y)

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    return abs(norm(x, A) - norm(y, A))

def angle(x, y, A):
    nx, ny = norm(x, A), norm(y, A)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(inner(x, y, A) / (nx * ny), -1.0, 1.0)))
'''),
)

ALTERNATIVES = (
    # einsum inner product, clipped arccos, np.sqrt of the quadratic form.
    Alternative("einsum_clip", code='''
def inner(x, y, A):
    return float(np.einsum("i,ij,j->", np.asarray(x, float), np.asarray(A, float),
                           np.asarray(y, float)))

def norm(x, A):
    return float(np.sqrt(inner(x, x, A)))

def dist(x, y, A):
    d = np.asarray(x, float) - np.asarray(y, float)
    return norm(d, A)

def angle(x, y, A):
    if not np.any(x) or not np.any(y):
        raise ValueError("the angle with the zero vector is undefined")
    c = inner(x, y, A) / np.sqrt(inner(x, x, A) * inner(y, y, A))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))
'''),
    # Whitening by the Cholesky factor: ⟨x, y⟩_A = (Lᵀx)·(Lᵀy); angle by atan2 (Kahan).
    Alternative("cholesky_atan2", code='''
def _w(x, A):
    return np.linalg.cholesky(np.asarray(A, float)).T @ np.asarray(x, float)

def inner(x, y, A):
    return float(_w(x, A) @ _w(y, A))

def norm(x, A):
    return float(np.linalg.norm(_w(x, A)))

def dist(x, y, A):
    return float(np.linalg.norm(_w(np.asarray(x, float) - np.asarray(y, float), A)))

def angle(x, y, A):
    u, v = _w(x, A), _w(y, A)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("the angle with the zero vector is undefined")
    u, v = u / nu, v / nv
    return float(2 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))
'''),
    # Distance by the expansion ‖x‖² + ‖y‖² − 2⟨x, y⟩, clamped; angle by atan2(sin, cos).
    Alternative("expansion_and_atan2", code='''
def inner(x, y, A):
    x, y, A = (np.asarray(v, dtype=float) for v in (x, y, A))
    return float(x @ (A @ y))

def norm(x, A):
    return float(np.sqrt(max(inner(x, x, A), 0.0)))

def dist(x, y, A):
    d2 = inner(x, x, A) + inner(y, y, A) - 2 * inner(x, y, A)
    return float(np.sqrt(max(d2, 0.0)))

def angle(x, y, A):
    xx, yy, xy = inner(x, x, A), inner(y, y, A), inner(x, y, A)
    if xx == 0 or yy == 0:
        raise ValueError("the angle with the zero vector is undefined")
    return float(np.arctan2(np.sqrt(max(xx * yy - xy * xy, 0.0)), xy))
'''),
)

TASK = Task(
    answer_cell="g1_inner_angle",
    checks=(
        CheckSpec(id="geometry.inner", unit="geometry", function="inner",
                  cases=cases_inner, judge=judge_inner, reference=reference_inner),
        CheckSpec(id="geometry.norm", unit="geometry", function="norm",
                  cases=cases_norm, judge=judge_norm, reference=reference_norm),
        CheckSpec(id="geometry.dist", unit="geometry", function="dist",
                  cases=cases_dist, judge=judge_dist, reference=reference_dist),
        CheckSpec(id="geometry.angle", unit="geometry", function="angle",
                  cases=cases_angle, judge=judge_angle, reference=reference_angle),
    ),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
