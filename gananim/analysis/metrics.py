"""How close a generator is to its data: divergences and distances as pure numpy functions on arrays, for every
kind of data (each kind's own metrics, e.g. the points kind's mode coverage, are in its folder under gananim.kinds).

Published protocols followed here (design.md §4):
- Divergences on a grid: each histogram is normalised to sum to 1 before comparing (GAN Lab's "KL/JS by
  grid" counts only about a third of the true mass; normalising both sides fixes that).
- MMD scores the first MMD_SAMPLES (1,000) samples against the first 1,000 real ones: a fixed subset (the same
  latents every snapshot, themselves i.i.d. draws), because its cost grows with the square of the count.
"""

from __future__ import annotations

import numpy as np

from gananim.errors import GananimError
from gananim.recording.grid import Grid

EPS = 1e-10  # smoothing added to every cell of a normalised histogram before renormalising (keeps KL finite)
MMD_BANDWIDTHS = (0.1, 0.3, 1.0, 3.0)  # Gaussian kernel widths (data units) when no view box sets the scale
MMD_BANDWIDTH_FRACTIONS = (0.01, 0.03, 0.1, 0.3)  # kernel widths as fractions of the view box's largest side
MMD_SAMPLES = 1_000  # generated and real samples MMD scores: the first ones, the same subset every snapshot
DEFINITE_RTOL = (
    1e-6  # an eigenvalue within this × the largest |λ| of 0 counts as 0 when naming a Hessian's definiteness
)
# (the Hessian is computed in float64: round-off is ~1e-15 relative; seeds/004's λmax ≈ −0.001 beside λmin ≈ −20 is
# 5e-5 of it, clearly negative)
CHUNK = 1 << 17  # most pairwise entries (sample × mode, sample × sample) held at once: a block this size stays in
# the CPU cache, which makes MMD several times faster than one big matrix


def sample_rows(x, name: str, dim: int | None = None) -> np.ndarray:
    """Points as an (n, dim) float64 array; a flat array is n points of a 1D space."""
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    if x.ndim != 2 or (dim is not None and x.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, dim)"
        raise GananimError(f"{name} must be shaped {want}; got shape {x.shape}")
    return x


def finite_sample_rows(x, name: str, dim: int | None = None) -> np.ndarray:
    """Points with non-finite rows dropped: sample metrics score what the generator put somewhere."""
    x = sample_rows(x, name, dim)
    return x[np.isfinite(x).all(axis=1)]


def sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise squared distances (len(a), len(b)), summed coordinate by coordinate: exact, and fast for 1D/2D."""
    d2 = np.square(np.subtract.outer(a[:, 0], b[:, 0]))
    for k in range(1, a.shape[1]):
        d2 += np.square(np.subtract.outer(a[:, k], b[:, k]))
    return d2


def definiteness(eig_min: float, eig_max: float, rtol: float = DEFINITE_RTOL) -> str:
    """A symmetric matrix's definiteness from its extreme eigenvalues' signs: "negative definite", "positive
    definite", "indefinite" (a saddle), "negative/positive semidefinite" or "zero"; "" where either is not finite.
    An eigenvalue within rtol × max(|λmin|, |λmax|) of 0 counts as 0."""
    if not (np.isfinite(eig_min) and np.isfinite(eig_max)):
        return ""
    eig_min, eig_max = float(eig_min), float(eig_max)
    tol = rtol * max(abs(eig_min), abs(eig_max))
    low, high = (eig_min > tol) - (eig_min < -tol), (eig_max > tol) - (eig_max < -tol)  # signs, 0 within tol
    if low < 0 < high:
        return "indefinite"
    if high < 0:
        return "negative definite"
    if low > 0:
        return "positive definite"
    return {(-1, 0): "negative semidefinite", (0, 1): "positive semidefinite"}.get((low, high), "zero")


def _distribution(p, eps: float) -> np.ndarray:
    """A histogram or density as cell probabilities: scaled to sum 1, plus eps per cell, renormalised; NaN if massless."""
    p = np.asarray(p, dtype=np.float64).ravel()
    if not np.isfinite(p).all() or (p < 0).any():
        raise GananimError("a histogram or density must be finite and non-negative")
    total = p.sum()
    if total <= 0:
        return np.full_like(p, np.nan)
    p = p / total + eps
    return p / p.sum()


def _pair(p, q, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Two histograms on the same grid, each normalised by _distribution."""
    if np.shape(p) != np.shape(q):
        raise GananimError(
            f"divergences compare histograms on the same grid; got shapes {np.shape(p)} and {np.shape(q)}"
        )
    return _distribution(p, eps), _distribution(q, eps)


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p ‖ q) of normalised distributions in nats, with 0·log 0 = 0; +inf where q = 0 < p."""
    if np.isnan(p).any() or np.isnan(q).any():
        return float("nan")
    mass = p > 0
    with np.errstate(divide="ignore"):
        return max(float(np.sum(p[mass] * np.log(p[mass] / q[mass]))), 0.0)


def kl(p, q, eps: float = EPS) -> float:
    """KL(p ‖ q) in nats between two histograms/densities on one grid, each normalised to sum 1 and eps-smoothed."""
    return _kl(*_pair(p, q, eps))


def reverse_kl(p, q, eps: float = EPS) -> float:
    """KL(q ‖ p): with p the data and q the generator, the mode-seeking direction PacGAN reports."""
    return kl(q, p, eps)


def js(p, q, eps: float = 0.0) -> float:
    """Jensen-Shannon divergence in nats (0 ≤ JS ≤ log 2); finite without smoothing, so eps defaults to 0."""
    p, q = _pair(p, q, eps)
    m = (p + q) / 2
    return min((_kl(p, m) + _kl(q, m)) / 2, float(np.log(2)))


def grid_divergences(data_density, gen_density, eps: float = EPS) -> dict[str, float]:
    """kl = KL(data ‖ generator), reverse_kl = KL(generator ‖ data), js, from two densities on one grid."""
    return {
        "kl": kl(data_density, gen_density, eps),
        "reverse_kl": reverse_kl(data_density, gen_density, eps),
        "js": js(data_density, gen_density),
    }


def w1_1d(x, y) -> float:
    """Exact 1D Wasserstein-1 of two empirical samples (any sizes): ∫|F_x − F_y| over the merged sorted support."""
    x = np.sort(finite_sample_rows(x, "x", 1)[:, 0])
    y = np.sort(finite_sample_rows(y, "y", 1)[:, 0])
    if not len(x) or not len(y):
        return float("nan")
    support = np.sort(np.concatenate([x, y]))
    fx = np.searchsorted(x, support[:-1], side="right") / len(x)
    fy = np.searchsorted(y, support[:-1], side="right") / len(y)
    return float(np.sum(np.abs(fx - fy) * np.diff(support)))


def _kernel_block(d2: np.ndarray, bandwidths: tuple[float, ...], out: np.ndarray):
    """exp(−d2 / 2s²) for each bandwidth s in turn, written into one reused buffer (MMD's whole cost is here)."""
    for s in bandwidths:
        yield np.exp(np.multiply(d2, np.float32(-0.5 / (s * s)), out=out), out=out)


def _kernel_sum(a: np.ndarray, b: np.ndarray, bandwidths: tuple[float, ...], chunk: int) -> float:
    """Σ_i Σ_j Σ_s exp(−|a_i − b_j|² / 2s²), a block of rows of a at a time; kernel values in float32 (half the
    time of float64, 1e-7 relative error per entry) summed in float64, so the total does not depend on the blocks."""
    a, b = a.astype(np.float32), b.astype(np.float32)
    rows = max(1, chunk // max(len(b), 1))
    total = 0.0
    for start in range(0, len(a), rows):
        d2 = sq_dists(a[start : start + rows], b)
        total += sum(float(k.sum(dtype=np.float64)) for k in _kernel_block(d2, bandwidths, np.empty_like(d2)))
    return total


def _self_kernel_sum(a: np.ndarray, bandwidths: tuple[float, ...], chunk: int) -> float:
    """_kernel_sum(a, a): k is symmetric, so each block of rows meets only the columns from its own first row on,
    and the pairs right of its square are counted twice (half the work)."""
    a = a.astype(np.float32)
    rows = max(1, chunk // max(len(a), 1))
    total = 0.0
    for start in range(0, len(a), rows):
        d2 = sq_dists(a[start : start + rows], a[start:])
        w = len(d2)
        total += sum(
            float(k[:, :w].sum(dtype=np.float64)) + 2 * float(k[:, w:].sum(dtype=np.float64))
            for k in _kernel_block(d2, bandwidths, np.empty_like(d2))
        )
    return total


def kernel_mean(y, bandwidths: tuple[float, ...] = MMD_BANDWIDTHS, chunk: int = CHUNK) -> float:
    """The unbiased mean of k(y_i, y_j) over i ≠ j: MMD's term of one set alone (compute it once for a fixed set)."""
    y = finite_sample_rows(y, "y")
    n = len(y)
    return (_self_kernel_sum(y, bandwidths, chunk) - n * len(bandwidths)) / (n * (n - 1)) if n >= 2 else float("nan")


def mmd2(x, y, bandwidths: tuple[float, ...] = MMD_BANDWIDTHS, chunk: int = CHUNK, yy: float | None = None) -> float:
    """Unbiased squared MMD with k = Σ_s exp(−|u−v|²/2s²): off-diagonal means, so it can dip slightly below 0.
    `yy` is y's own term, `kernel_mean(y, bandwidths)`, when the caller has it already (a fixed real batch)."""
    x = finite_sample_rows(x, "x")
    y = finite_sample_rows(y, "y", x.shape[1])
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        return float("nan")
    kyy = kernel_mean(y, bandwidths, chunk) if yy is None else yy
    return kernel_mean(x, bandwidths, chunk) + kyy - 2 * _kernel_sum(x, y, bandwidths, chunk) / (m * n)


def view_size(grid: Grid) -> float:
    """The view box's largest side: the yardstick of kernel widths and of motion amplitudes."""
    return max(hi - lo for lo, hi in grid.bounds)
