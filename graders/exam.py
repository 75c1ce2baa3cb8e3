"""The exam's autograded tasks, one per unit: references, judges and registration.

Registers six checks at import, with ids ``"<unit>.exam_<name>"`` (the registry,
:data:`graders.checks.SHARED_MODULES`, looks every unit's ``exam_*`` ids up here).
The exam's tasks are new (not copies of the problem sets), their inputs are plain
arrays and numbers only, and each states its conventions in the notebook
(``source/exam/exam.ipynb``):

* E1 ``linear_algebra.exam_qr_solve`` — ``qr_solve(A, b) -> x``: least squares by
  QR for a full-column-rank (m, n) A, m ≥ n, b of shape (m,) or (m, k); raise
  ``LinAlgError`` on rank deficiency. Graded by the forward-error bound of a
  backward-stable least-squares solver (Higham, Thm 20.3), which the normal
  equations (κ² ε) violate at κ = 10⁷.
* E2 ``geometry.exam_mahalanobis`` — ``mahalanobis(X, mu, Sigma) -> d`` (N,):
  distances (not squared) of the rows of X (N, D) under ⟨u, v⟩ = uᵀΣ⁻¹v.
* E3 ``calculus.exam_mlp_jacobian`` — ``mlp_jacobian(W1, b1, W2, x) -> J`` (m, n),
  J_ij = ∂f_i/∂x_j for f(x) = W2 tanh(W1 x + b1).
* E4 ``optimisation.exam_ista`` — ``ista(A, b, lam, step, T) -> x_T``: exactly T
  proximal-gradient steps from x₀ = 0 on ½‖Ax − b‖² + λ‖x‖₁; compared with the
  reference trajectory (syllabus §4.5: fix the iteration count).
* E5 ``probability.exam_kl_gauss`` — ``kl_gauss(mu0, S0, mu1, S1) -> float``:
  KL(N(μ₀, Σ₀) ‖ N(μ₁, Σ₁)) in nats; D = 200 makes det overflow.
* E6 ``statistics.exam_pca`` — ``pca(X, k) -> (W, lam)``: top-k principal
  directions (D, k) and variances (k,) of the 1/N covariance, descending; graded
  through projectors and residuals (sign and basis freedom, syllabus §4.1).

Each judge coerces the untrusted output with :mod:`graders.compare` first and raises
:class:`Mismatch` with a message naming the kind of error, never a hidden value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders import exam_generators as gen
from graders.checks import Case, CheckSpec, register
from graders.compare import EPS, as_array, as_float, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = [
    "kl_terms",
    "ref_ista",
    "ref_kl_gauss",
    "ref_mahalanobis",
    "ref_mlp_jacobian",
    "ref_pca",
    "ref_qr_solve",
]


#: E1's numerical rank rule: rank-deficient iff σ_min ≤ RANK_RTOL·σ_max. The hidden
#: inputs have σ_min/σ_max ≥ 1e-7 (full rank) or ≤ 1e-14 (deficient), so any relative
#: test with a threshold in between (e.g. on |r_kk| of R, which lies in [σ_min, σ_max])
#: gives the same verdict.
RANK_RTOL = 1e-10


# ---------------------------------------------------------------- references


def ref_qr_solve(A: Any, b: Any) -> np.ndarray:
    """Reference E1: Householder QR (``scipy.linalg.qr``, economic), then R x = Qᵀ b.

    Raises:
        numpy.linalg.LinAlgError: if σ_min(A) ≤ RANK_RTOL·σ_max(A).
    """
    a, rhs = _f(A), _f(b)
    s = scipy.linalg.svdvals(a)
    if s[-1] <= RANK_RTOL * s[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    q, r = scipy.linalg.qr(a, mode="economic")
    return np.asarray(scipy.linalg.solve_triangular(r, q.T @ rhs))


def ref_mahalanobis(X: Any, mu: Any, Sigma: Any) -> np.ndarray:
    """Reference E2: with Σ = L Lᵀ (Cholesky), d_i = ‖L⁻¹(x_i − μ)‖₂."""
    z = (_f(X) - _f(mu)).T
    chol = scipy.linalg.cholesky(_f(Sigma), lower=True)
    w = scipy.linalg.solve_triangular(chol, z, lower=True)
    return np.asarray(np.sqrt(np.sum(w * w, axis=0)))


def _sech2(z: np.ndarray) -> np.ndarray:
    """sech²(z) = 4 e^{−2|z|}/(1 + e^{−2|z|})², without overflow and without 1 − tanh²."""
    e = np.exp(-2.0 * np.abs(z))
    return np.asarray(4.0 * e / (1.0 + e) ** 2)


def ref_mlp_jacobian(W1: Any, b1: Any, W2: Any, x: Any) -> np.ndarray:
    """Reference E3: J = W2 diag(sech²(W1 x + b1)) W1, shape (m, n)."""
    w1 = _f(W1)
    d = _sech2(w1 @ _f(x) + _f(b1))
    return np.asarray(_f(W2) @ (d[:, None] * w1))


def ref_ista(A: Any, b: Any, lam: float, step: float, T: int) -> np.ndarray:
    """Reference E4: the trajectory x₀ = 0, x_{t+1} = S_{step·λ}(x_t − step·Aᵀ(A x_t − b)).

    Returns all T + 1 iterates as a (T + 1, n) array (the task returns the last row).
    """
    a, rhs = _f(A), _f(b)
    tau = float(step) * float(lam)
    x = np.zeros(a.shape[1])
    traj = [x]
    for _ in range(int(T)):
        u = x - float(step) * (a.T @ (a @ x - rhs))
        x = np.sign(u) * np.maximum(np.abs(u) - tau, 0.0)
        traj.append(x)
    return np.array(traj)


def kl_terms(mu0: Any, S0: Any, mu1: Any, S1: Any) -> dict[str, float]:
    """The four terms of E5's KL, by Cholesky: tr(Σ₁⁻¹Σ₀), Mahalanobis², log|Σ₁|, log|Σ₀|."""
    l0 = scipy.linalg.cholesky(_f(S0), lower=True)
    l1 = scipy.linalg.cholesky(_f(S1), lower=True)
    m = scipy.linalg.solve_triangular(l1, l0, lower=True)
    v = scipy.linalg.solve_triangular(l1, _f(mu1) - _f(mu0), lower=True)
    return {"trace": float(np.sum(m * m)), "quad": float(v @ v),
            "logdet1": float(2 * np.sum(np.log(np.diag(l1)))),
            "logdet0": float(2 * np.sum(np.log(np.diag(l0)))), "dim": float(len(v))}


def ref_kl_gauss(mu0: Any, S0: Any, mu1: Any, S1: Any) -> float:
    """Reference E5: ½[tr(Σ₁⁻¹Σ₀) + (μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − D + log|Σ₁| − log|Σ₀|]."""
    t = kl_terms(mu0, S0, mu1, S1)
    return 0.5 * (t["trace"] + t["quad"] - t["dim"] + t["logdet1"] - t["logdet0"])


def ref_pca(X: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference E6: SVD of the centred data; W = first k right singular vectors, λ = s²/N."""
    x = _f(X)
    xc = x - x.mean(axis=0)
    _, s, vt = scipy.linalg.svd(xc, full_matrices=False)
    return np.asarray(vt[:k].T), np.asarray(s[:k] ** 2 / x.shape[0])


# ---------------------------------------------------------------- judges


def judge_qr_solve(case: Case, output: Any) -> str | None:
    """E1: per right-hand side, ‖x − x_ref‖/‖x_ref‖ within the LS forward-error bound."""
    A, b = _f(case.args[0]), _f(case.args[1])
    x_ref = ref_qr_solve(A, b)
    out = as_array(output, name="x")
    if out.shape != x_ref.shape:
        hint = (" (b has shape (m, k): return one column of x per column of b)"
                if b.ndim == 2 else "")
        raise Mismatch(f"x must have shape (n,) for b of shape (m,), (n, k) for (m, k){hint}")
    m, n = A.shape
    s = scipy.linalg.svdvals(A)
    kappa, norm_a = float(s[0] / s[-1]), float(s[0])
    xs, xr = out.reshape(n, -1), x_ref.reshape(n, -1)
    for j in range(xs.shape[1]):
        xn = max(float(np.linalg.norm(xr[:, j])), 1e-300)
        eta = float(np.linalg.norm(b.reshape(m, -1)[:, j] - A @ xr[:, j])) / (norm_a * xn)
        # Higham (2002), Thm 20.3: a backward-stable LS solver (Householder QR, SVD) has
        # ‖Δx‖/‖x‖ ≤ γ_{cmn}·κ·(2 + (κ + 1)·‖r‖/(‖A‖‖x‖)). The reference obeys the same bound, so
        # with c = 10 (and m·n floored at 10 for the 1x1 and m x 1 cases) the difference of two
        # such solutions is within it: scaling ε down 100× still passes every alternative in the
        # bank. The normal equations have error ~κ²ε = 2e-2 at κ = 1e7, ≫ this bound (≈ 2e-6).
        tol = 10 * max(m * n, 10) * EPS * kappa * (2 + (kappa + 1) * eta)
        if float(np.linalg.norm(xs[:, j] - xr[:, j])) > tol * xn:
            if kappa > 1e6:
                raise Mismatch("x is far less accurate than a QR solve gives on this "
                               "ill-conditioned A: forming AᵀA (normal equations) squares "
                               "the condition number")
            raise Mismatch("x does not minimise ‖Ax − b‖₂ (is the triangular system R x = Qᵀ b "
                           "solved with the upper triangle of R?)")
    return None


def judge_mahalanobis(case: Case, output: Any) -> str | None:
    """E2: distances to rtol 1e-8 plus an absolute allowance for the rounding of the inputs."""
    X, mu, S = _f(case.args[0]), _f(case.args[1]), _f(case.args[2])
    n_pts, dim = X.shape
    d_ref = ref_mahalanobis(X, mu, S)
    d = as_array(output, name="d", ndim=1)
    if d.shape != (n_pts,):
        raise Mismatch("d must have shape (N,): one distance per row of X (rows are points)")
    # Cholesky route: relative error ≲ c·D·ε·κ(L) = c·D·ε·√κ(Σ) ≤ 1e-13 (κ(Σ) ≤ 1e3); the inv(Σ)
    # route ≲ c·D·ε·κ(Σ) ≤ 1e-11 (measured ≤ 6e-14 here): rtol 1e-8 keeps ≥ 1e3 margin.
    # Absolute part: each coordinate of x_i − μ may carry ε·(|x| + |μ|) of rounding, which
    # moves d by ≤ √D·ε·(max|X| + max|μ|)/√λ_min(Σ); 100× that. The expanded form
    # xᵀΣ⁻¹x − 2xᵀΣ⁻¹μ + μᵀΣ⁻¹μ loses ε·‖x‖²/λ_min ≈ 1e-4 at ‖μ‖ ≈ 1e6, far above.
    lam_min = float(np.linalg.eigvalsh(S)[0])
    atol = 100 * np.sqrt(dim) * EPS * (np.max(np.abs(X)) + np.max(np.abs(mu))) / np.sqrt(lam_min)
    if np.all(np.abs(d - d_ref) <= atol + 1e-8 * d_ref):
        return None
    if np.all(np.abs(d - d_ref**2) <= atol + 1e-8 * d_ref**2):
        raise Mismatch("these are squared distances: return d_i = sqrt((x_i − μ)ᵀ Σ⁻¹ (x_i − μ))")
    if np.abs(np.max(np.abs(mu))) > 1e5:
        raise Mismatch("distances are inaccurate for points far from the origin: compute "
                       "x_i − μ first (expanding the quadratic form cancels catastrophically)")
    raise Mismatch("the distances are wrong: d_i² = (x_i − μ)ᵀ Σ⁻¹ (x_i − μ); with Σ = L Lᵀ "
                   "this is ‖L⁻¹(x_i − μ)‖² (solve with L, not Lᵀ)")


def judge_mlp_jacobian(case: Case, output: Any) -> str | None:
    """E3: J (m, n) entrywise, within the rounding bound of the sum Σ_k W2_ik d_k W1_kj."""
    W1, b1, W2, x = (_f(a) for a in case.args)
    h, n = W1.shape
    m = W2.shape[0]
    J = as_array(output, name="J", ndim=2)
    if J.shape != (m, n):
        if J.shape == (n, m):
            raise Mismatch("J has shape (n, m): this is the transposed Jacobian; the spec "
                           "asks for J[i, j] = ∂f_i/∂x_j, shape (m, n)")
        raise Mismatch("J must have shape (m, n) = (outputs, inputs)")
    # d_k = sech²(z_k) is computed with absolute error ≤ 4ε (via 1 − tanh², cosh, exp), and z_k
    # carries (n + 1)·ε·(|W1||x| + |b1|)_k of rounding, which moves d_k by at most 0.77× that
    # (|d'| ≤ 4/(3√3)); the h-term dot product adds h·ε·Σ_k|W2_ik||W1_kj| (|d_k| ≤ 1). 100× the
    # sum bounds every correct order of evaluation; the bugs (1 − z², no σ', sech) are O(0.1).
    dz = (n + 1) * EPS * (np.abs(W1) @ np.abs(x) + np.abs(b1))
    bound = 100 * np.abs(W2) @ ((h * EPS + 4 * EPS + dz)[:, None] * np.abs(W1))
    J_ref = ref_mlp_jacobian(W1, b1, W2, x)
    if np.all(np.abs(J - J_ref) <= bound):
        return None
    if m == n and np.all(np.abs(J.T - J_ref) <= bound):
        raise Mismatch("J is transposed: J[i, j] must be ∂f_i/∂x_j (row i = output i)")
    if np.all(np.abs(J - W2 @ W1) <= bound + 1e-12):
        raise Mismatch("J = W2 W1 ignores the derivative of tanh (chain rule)")
    raise Mismatch("J is wrong: J = W2 diag(1 − tanh(z)²) W1 with z = W1 x + b1 (chain rule "
                   "through the pre-activation z)")


def judge_ista(case: Case, output: Any) -> str | None:
    """E4: x_T compared with the reference trajectory's last iterate."""
    A, b = _f(case.args[0]), _f(case.args[1])
    lam, step, T = float(case.args[2]), float(case.args[3]), int(case.args[4])
    m, n = A.shape
    traj = ref_ista(A, b, lam, step, T)
    x = as_array(output, name="x", ndim=1)
    if x.shape != (n,):
        raise Mismatch("x must have shape (n,): return only the last iterate x_T, not the "
                       "trajectory")
    # The step x ↦ S(x − s∇f(x)) is nonexpansive for s ≤ 2/L (prox: firmly nonexpansive;
    # gradient step: ‖I − sAᵀA‖ ≤ 1), so rounding does not grow: each step adds at most
    # (m + n + 2)·ε·S per entry, S = max‖x_t‖∞ + s·‖|A|ᵀ(|A|·max‖x_t‖∞ + |b|)‖∞, i.e.
    # ‖error‖₂ ≤ √n·T·(m + n + 2)·ε·S. 100× that (+ T + 1 for T = 0); one more or one fewer
    # step moves x by the un-converged step length, ≥ 1e-4·S on these inputs.
    xmax = float(np.max(np.abs(traj)))
    scale = xmax + step * float(np.max(np.abs(A).T @ (np.abs(A).sum(axis=1) * xmax + np.abs(b))))
    atol = 100 * np.sqrt(n) * (T + 1) * (m + n + 2) * EPS * max(scale, 1e-300)
    err = float(np.linalg.norm(x - traj[-1]))
    if err <= atol:
        return None
    if T >= 1 and float(np.linalg.norm(x - traj[-2])) <= atol:
        raise Mismatch("x is the iterate one step before x_T: run exactly T iterations from "
                       "x_0 = 0")
    if float(np.linalg.norm(x - ref_ista(A, b, lam, step, T + 1)[-1])) <= atol:
        raise Mismatch("x is the iterate one step after x_T: run exactly T iterations from "
                       "x_0 = 0")
    if lam > 0 and float(np.linalg.norm(x - ref_ista(A, b, lam / step, step, T)[-1])) <= atol:
        raise Mismatch("the soft-threshold level must be step·λ (the prox of step·λ‖·‖₁), "
                       "not λ")
    raise Mismatch("x_T differs from the proximal-gradient iterate: take the gradient step "
                   "u = x − step·Aᵀ(Ax − b), then soft-threshold u at step·λ")


def judge_kl_gauss(case: Case, output: Any) -> str | None:
    """E5: |KL − KL_ref| ≤ 1e-10 × (sum of the magnitudes of the formula's terms)."""
    kl = as_float(output, name="KL", finite=False)
    if not np.isfinite(kl):
        raise Mismatch("KL is NaN or infinite: for large D, det(Σ) overflows or underflows; "
                       "compute log-determinants from a Cholesky factor or slogdet")
    t = kl_terms(*case.args)
    ref = 0.5 * (t["trace"] + t["quad"] - t["dim"] + t["logdet1"] - t["logdet0"])
    # Each term comes from a backward-stable factorisation (Cholesky, LU, eigh, solve) with
    # relative error ≤ c·D·ε·κ(Σ) ≤ 5e-12 at the extremes here (D = 200 with κ = 10, D = 6
    # with κ = 100; measured ≤ 3e-16 of the scale), so 1e-10 of the sum of the terms' magnitudes.
    scale = t["trace"] + t["quad"] + t["dim"] + abs(t["logdet1"]) + abs(t["logdet0"])
    tol = 1e-10 * scale
    if abs(kl - ref) <= tol:
        return None
    if abs(kl - ref_kl_gauss(*case.args[2:], *case.args[:2])) <= tol:
        raise Mismatch("this is KL(p₁ ‖ p₀): the spec asks for KL(p₀ ‖ p₁) (the expectation "
                       "is under the first distribution)")
    if abs(kl - 2 * ref) <= tol:
        raise Mismatch("the result is twice the KL divergence: missing the factor ½")
    if abs(kl - (ref + t["dim"] / 2)) <= tol:
        raise Mismatch("missing the − D term")
    raise Mismatch("the KL divergence is wrong: check each term of ½[tr(Σ₁⁻¹Σ₀) + "
                   "(μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − D + log|Σ₁| − log|Σ₀|]")


def judge_pca(case: Case, output: Any) -> str | None:
    """E6: λ to 1e-10·λ₁; W orthonormal, C W = W diag(λ), and the reference's projector."""
    X, k = _f(case.args[0]), int(case.args[1])
    N, D = X.shape
    W_ref, lam_ref = ref_pca(X, k)
    w_out, l_out = as_tuple(output, 2, name="(W, lam)")
    W = as_array(w_out, name="W", ndim=2)
    lam = as_array(l_out, name="lam", shape=(k,))
    if W.shape != (D, k):
        raise Mismatch("W must have shape (D, k): one principal direction per column"
                       + (" (got (k, D): rows instead of columns?)" if W.shape == (k, D) else "")
                       + (" (got (N, k): eigenvectors of X̄X̄ᵀ must be mapped back with X̄ᵀ)"
                          if W.shape == (N, k) else ""))
    xc = X - X.mean(axis=0)
    C = xc.T @ xc / N
    top = max(float(lam_ref[0]) if k else 0.0, 1e-300)
    # Weyl: a backward-stable eigen/SVD solver moves each variance by ≤ c·N·D·ε·λ₁ ≈ 1e-13·λ₁
    # (centring adds ≤ ε·|offset|·max|x̄| ≈ 1e-12 at offset 1e3, λ₁ ≥ 1), so atol 1e-10·λ₁ (R2).
    # Inputs have a gap λ_k − λ_{k+1} ≥ 0.05·λ₁, so by Davis–Kahan the projector of any such
    # solver is within ~c·N·D·ε/0.05 ≤ 1e-11 of the reference, and the residual C W − W Λ ≈ ε·λ₁:
    # both to 1e-8 (syllabus LA5).
    atol = 1e-10 * top
    if np.max(np.abs(lam - lam_ref), initial=0.0) > atol:
        if N > 1 and np.max(np.abs(lam - lam_ref * N / (N - 1)), initial=0.0) <= atol:
            raise Mismatch("the variances use 1/(N − 1); the spec asks for 1/N")
        if np.max(np.abs(np.sort(lam)[::-1] - lam_ref), initial=0.0) <= atol:
            raise Mismatch("the variances are not in descending order")
        raise Mismatch("the variances are wrong: eigenvalues of the covariance X̄ᵀX̄/N of the "
                       "centred data (subtract the column means)")
    if k == 0:
        return None
    if _norm2(W.T @ W - np.eye(k)) > 1e-8:
        raise Mismatch("the columns of W are not orthonormal (unit length, mutually "
                       "orthogonal)")
    if _norm2(C @ W - W * lam) > 1e-8 * top:
        raise Mismatch("C W ≠ W diag(lam): column j of W must be a principal direction for "
                       "lam[j] (reorder W's columns together with lam)")
    if _norm2(W @ W.T - W_ref @ W_ref.T) > 1e-8:
        raise Mismatch("W spans a different subspace than the top-k principal directions")
    return None


# ---------------------------------------------------------------- registration

_SPECS = [
    ("linear_algebra", "qr_solve", gen.cases_qr_solve, judge_qr_solve),
    ("geometry", "mahalanobis", gen.cases_mahalanobis, judge_mahalanobis),
    ("calculus", "mlp_jacobian", gen.cases_mlp_jacobian, judge_mlp_jacobian),
    ("optimisation", "ista", gen.cases_ista, judge_ista),
    ("probability", "kl_gauss", gen.cases_kl_gauss, judge_kl_gauss),
    ("statistics", "pca", gen.cases_pca, judge_pca),
]

for _unit, _name, _cases, _judge in _SPECS:
    register(CheckSpec(id=f"{_unit}.exam_{_name}", unit=_unit, function=_name,
                       cases=_cases, judge=_judge))
