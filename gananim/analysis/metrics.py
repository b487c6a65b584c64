"""How close a generator is to its data, from samples and grid densities: pure numpy functions on arrays.

Published protocols followed here (design.md §4):
- Mode coverage (VEEGAN 2017, PacGAN 2018): a sample is *high quality* if it lies within 3σ of its nearest
  mode; *modes captured* is the number of modes nearest to at least one high-quality sample. The papers
  score 2,500 generator samples; gananim scores every sample a snapshot stores (`scored_samples` says how
  many: 2,500 with the Recorder's defaults), so anyone can recompute the number from the recording.
- Divergences on a grid: each histogram is normalised to sum to 1 before comparing (GAN Lab's "KL/JS by
  grid" counts only about a third of the true mass; normalising both sides fixes that).
- The 3σ protocol only means something where the 3σ windows are small, separate islands in the view. Where they
  overlap, or together cover more than WINDOW_VIEW_SHARE of the view box (five-clusters: σ 1 at radius 5 in
  [-10, 10]²; mixture-1d), a diffuse cloud passes as "high quality" and one stray sample "captures" a mode:
  `protocol_fit` says so, and the stated alternative is the share of samples within CORE_SIGMA (1σ) of their
  nearest mode, per mode and summed (`core_share`), read beside the data's own share (a Gaussian holds 68% of
  its mass within 1σ in 1D, 39% in 2D).
- MMD scores the first MMD_SAMPLES (1,000) samples against the first 1,000 real ones: a fixed subset (the same
  latents every snapshot, themselves i.i.d. draws), because its cost grows with the square of the count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.errors import GananimError
from gananim.recording.grid import Grid

PROTOCOL_SAMPLES = 2_500  # generator samples the VEEGAN/PacGAN protocol scores
K_SIGMA = 3.0  # a sample within K_SIGMA·σ of its nearest mode is high quality
EPS = 1e-10  # smoothing added to every cell of a normalised histogram before renormalising (keeps KL finite)
EMPTY_FRACTION = 1e-3  # a grid cell is "between modes" where the data density is below this × its maximum
WINDOW_VIEW_SHARE = 0.1  # the 3σ protocol applies only where the windows cover at most this share of the view box:
# beyond it a sample thrown at random into the view passes as high quality more than one time in ten
WINDOW_RESOLUTION = 1024  # points per axis on which the windows' share of the view is measured
CORE_SIGMA = 1.0  # the alternative where the protocol does not apply: samples within 1σ of their nearest mode
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

MODE_SHARE = "mode_share_{}"  # scalar name of mode k's share: samples that are high quality and nearest mode k
CORE_SHARE = "core_share_{}"  # scalar name of mode k's share of samples within CORE_SIGMA of it (and nearest it)
CENTROID = ("centroid_x", "centroid_y")  # scalar names of the finite samples' mean, per axis


@dataclass
class ModeCoverage:
    """VEEGAN/PacGAN mode coverage of one batch of samples."""

    captured: int  # modes nearest to at least one high-quality sample
    hq_share: float  # share of ALL samples that are high quality (non-finite samples count as not)
    per_mode: np.ndarray  # (K,) share of ALL samples that are high quality and nearest that mode; sums to hq_share


def _rows(x, name: str, dim: int | None = None) -> np.ndarray:
    """Points as an (n, dim) float64 array; a flat array is n points of a 1D space."""
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    if x.ndim != 2 or (dim is not None and x.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, dim)"
        raise GananimError(f"{name} must be shaped {want}; got shape {x.shape}")
    return x


def _finite_rows(x, name: str, dim: int | None = None) -> np.ndarray:
    """Points with non-finite rows dropped: sample metrics score what the generator put somewhere."""
    x = _rows(x, name, dim)
    return x[np.isfinite(x).all(axis=1)]


def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise squared distances (len(a), len(b)), summed coordinate by coordinate: exact, and fast for 1D/2D."""
    d2 = np.square(np.subtract.outer(a[:, 0], b[:, 0]))
    for k in range(1, a.shape[1]):
        d2 += np.square(np.subtract.outer(a[:, k], b[:, k]))
    return d2


def mode_coverage(samples, modes, scales, k_sigma: float = K_SIGMA, chunk: int = CHUNK) -> ModeCoverage:
    """Modes captured and high-quality shares (VEEGAN/PacGAN), a block of samples at a time to bound memory."""
    modes = _rows(modes, "modes")
    samples = _rows(samples, "samples", modes.shape[1])
    scales = np.asarray(scales, dtype=np.float64).reshape(-1)
    if len(modes) == 0 or len(scales) != len(modes):
        raise GananimError(
            f"mode coverage needs at least one mode and one scale per mode; got {len(modes)} modes, {len(scales)} scales"
        )
    counts = np.zeros(len(modes), dtype=np.int64)
    rows = max(1, chunk // len(modes))
    for start in range(0, len(samples), rows):
        block = samples[start : start + rows]
        block = block[np.isfinite(block).all(axis=1)]
        d2 = _sq_dists(block, modes)
        nearest = d2.argmin(axis=1)
        hq = d2[np.arange(len(block)), nearest] <= (k_sigma * scales[nearest]) ** 2
        counts += np.bincount(nearest[hq], minlength=len(modes))
    n = len(samples)
    if not n:
        return ModeCoverage(captured=0, hq_share=float("nan"), per_mode=np.full(len(modes), np.nan))
    return ModeCoverage(captured=int((counts > 0).sum()), hq_share=float(counts.sum() / n), per_mode=counts / n)


@dataclass
class ProtocolFit:
    """Whether the 3σ mode protocol means something for these modes in this view box, and if not, why."""

    applies: bool
    overlap: bool  # some two windows overlap: mass between those modes passes as high quality for either
    view_share: float  # share of the view box inside at least one window
    reason: str  # "" where it applies, else one phrase: "3σ windows overlap", "3σ windows cover 54% of the view"


def protocol_fit(
    modes,
    scales,
    bounds,
    k_sigma: float = K_SIGMA,
    max_share: float = WINDOW_VIEW_SHARE,
    resolution: int = WINDOW_RESOLUTION,
) -> ProtocolFit:
    """The rule: the protocol applies where no two k_sigma windows overlap (‖mᵢ − mⱼ‖ ≥ k(σᵢ + σⱼ)) and together
    they cover at most max_share of the view box (measured on a resolution-per-axis grid of cell centres)."""
    modes = _rows(modes, "modes")
    scales = np.asarray(scales, dtype=np.float64).reshape(-1)
    if len(modes) == 0 or len(scales) != len(modes) or len(bounds) != modes.shape[1]:
        raise GananimError(
            f"the protocol needs modes, one scale per mode and a view box of their dimension; got {len(modes)} "
            f"modes, {len(scales)} scales, a {len(bounds)}D box"
        )
    radius = k_sigma * scales
    d2 = _sq_dists(modes, modes)
    reach = np.add.outer(radius, radius) ** 2
    overlap = bool((d2 < reach)[~np.eye(len(modes), dtype=bool)].any())
    axes = [lo + (np.arange(resolution) + 0.5) * (hi - lo) / resolution for lo, hi in bounds]
    inside = np.zeros((resolution,) * len(axes), dtype=bool)
    for m, r in zip(modes, radius):  # each window marks only the grid block around it
        cut = [slice(*np.searchsorted(a, [c - r, c + r])) for a, c in zip(axes, m)]
        dist2 = sum(
            np.square(a[s] - c).reshape([-1 if k == j else 1 for j in range(len(axes))])
            for k, (a, s, c) in enumerate(zip(axes, cut, m))
        )
        inside[tuple(cut)] |= dist2 <= r * r
    share = float(inside.mean())
    reason = (
        f"{k_sigma:g}σ windows overlap"
        if overlap
        else f"{k_sigma:g}σ windows cover {share:.0%} of the view"
        if share > max_share
        else ""
    )
    return ProtocolFit(applies=not reason, overlap=overlap, view_share=share, reason=reason)


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
    x = np.sort(_finite_rows(x, "x", 1)[:, 0])
    y = np.sort(_finite_rows(y, "y", 1)[:, 0])
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
        d2 = _sq_dists(a[start : start + rows], b)
        total += sum(float(k.sum(dtype=np.float64)) for k in _kernel_block(d2, bandwidths, np.empty_like(d2)))
    return total


def _self_kernel_sum(a: np.ndarray, bandwidths: tuple[float, ...], chunk: int) -> float:
    """_kernel_sum(a, a): k is symmetric, so each block of rows meets only the columns from its own first row on,
    and the pairs right of its square are counted twice (half the work)."""
    a = a.astype(np.float32)
    rows = max(1, chunk // max(len(a), 1))
    total = 0.0
    for start in range(0, len(a), rows):
        d2 = _sq_dists(a[start : start + rows], a[start:])
        w = len(d2)
        total += sum(
            float(k[:, :w].sum(dtype=np.float64)) + 2 * float(k[:, w:].sum(dtype=np.float64))
            for k in _kernel_block(d2, bandwidths, np.empty_like(d2))
        )
    return total


def kernel_mean(y, bandwidths: tuple[float, ...] = MMD_BANDWIDTHS, chunk: int = CHUNK) -> float:
    """The unbiased mean of k(y_i, y_j) over i ≠ j: MMD's term of one set alone (compute it once for a fixed set)."""
    y = _finite_rows(y, "y")
    n = len(y)
    return (_self_kernel_sum(y, bandwidths, chunk) - n * len(bandwidths)) / (n * (n - 1)) if n >= 2 else float("nan")


def mmd2(x, y, bandwidths: tuple[float, ...] = MMD_BANDWIDTHS, chunk: int = CHUNK, yy: float | None = None) -> float:
    """Unbiased squared MMD with k = Σ_s exp(−|u−v|²/2s²): off-diagonal means, so it can dip slightly below 0.
    `yy` is y's own term, `kernel_mean(y, bandwidths)`, when the caller has it already (a fixed real batch)."""
    x = _finite_rows(x, "x")
    y = _finite_rows(y, "y", x.shape[1])
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        return float("nan")
    kyy = kernel_mean(y, bandwidths, chunk) if yy is None else yy
    return kernel_mean(x, bandwidths, chunk) + kyy - 2 * _kernel_sum(x, y, bandwidths, chunk) / (m * n)


def d_between_modes(d_grid, data_density, threshold: float = EMPTY_FRACTION) -> float:
    """Mean D over cells where the data density is below threshold × its max: D should be ~0 there (seeds/003)."""
    d = np.asarray(d_grid, dtype=np.float64)
    p = np.asarray(data_density, dtype=np.float64)
    if d.shape != p.shape:
        raise GananimError(f"D and the data density must share a grid; got shapes {d.shape} and {p.shape}")
    empty = p < threshold * p.max()
    return float(d[empty].mean()) if empty.any() else float("nan")


def view_size(grid: Grid) -> float:
    """The view box's largest side: the yardstick of kernel widths and of motion amplitudes."""
    return max(hi - lo for lo, hi in grid.bounds)


def _placement(samples: np.ndarray, grid: Grid) -> dict[str, float]:
    """Where the samples are: the finite ones' centroid and the share of all that are finite but outside the view."""
    finite = samples[np.isfinite(samples).all(axis=1)]
    lo, hi = np.array(grid.bounds).T
    outside = ((finite < lo) | (finite > hi)).any(axis=1).sum()
    centroid = finite.mean(axis=0) if len(finite) else np.full(grid.dim, np.nan)
    return {
        "outside_share": float(outside / max(len(samples), 1)),
        **{CENTROID[k]: float(c) for k, c in enumerate(centroid)},
    }


class Reference:
    """What a run's snapshots are measured against, fixed for the whole run (the view grid, the data density, the
    modes and their scales, a real batch); what derives from them alone (MMD's real term) is computed once."""

    def __init__(
        self,
        grid: Grid,
        *,
        data_density: np.ndarray | None = None,
        modes: np.ndarray | None = None,
        scales: np.ndarray | None = None,
        real: np.ndarray | None = None,
    ):
        self.grid, self.data_density = grid, data_density
        self.modes, self.scales = (modes, scales) if modes is not None and len(modes) else (None, None)
        self.real = None if real is None else _finite_rows(real, "real", grid.dim)
        self.bandwidths = tuple(f * view_size(grid) for f in MMD_BANDWIDTH_FRACTIONS)
        self._real_term: float | None = None

    def measure(
        self, samples: np.ndarray, density: np.ndarray | None = None, d_grid: np.ndarray | None = None
    ) -> dict[str, float]:
        """Every metric that applies to one snapshot, by plain scalar name.

        Names: `scored_samples` (how many samples mode coverage scored: all given), `outside_share`, `centroid_x`
        (, `centroid_y`); with modes: `modes_captured`, `hq_share`, `mode_share_<k>`; with a data density: `kl`
        (data ‖ generator), `reverse_kl`, `js` from the generated density; `d_between_modes` with D on the grid;
        with a real batch: `mmd` (the squared MMD of the first MMD_SAMPLES samples against the first MMD_SAMPLES
        real ones, kernel widths set by the view box) and, in 1D, `w1` (all samples, exact).
        """
        x = _rows(samples, "samples", self.grid.dim)
        out = {"scored_samples": float(len(x)), **_placement(x, self.grid)}
        if self.modes is not None:
            cov = mode_coverage(x, self.modes, self.scales)
            out |= {"modes_captured": float(cov.captured), "hq_share": cov.hq_share}
            out |= {MODE_SHARE.format(k): float(s) for k, s in enumerate(cov.per_mode)}
            core = mode_coverage(x, self.modes, self.scales, k_sigma=CORE_SIGMA)
            out |= {
                "core_share": core.hq_share,
                **{CORE_SHARE.format(k): float(s) for k, s in enumerate(core.per_mode)},
            }
        if self.data_density is not None and density is not None:
            out |= grid_divergences(self.data_density, density)
        if self.data_density is not None and d_grid is not None:
            out["d_between_modes"] = d_between_modes(d_grid, self.data_density)
        if self.real is not None:
            real = self.real[:MMD_SAMPLES]
            if self._real_term is None:
                self._real_term = kernel_mean(real, self.bandwidths)
            out["mmd"] = mmd2(x[:MMD_SAMPLES], real, self.bandwidths, yy=self._real_term)
            if self.grid.dim == 1:
                out["w1"] = w1_1d(x, self.real)
        return out


def metrics(
    samples: np.ndarray,
    density: np.ndarray | None,
    d_grid: np.ndarray | None,
    *,
    grid: Grid,
    data_density: np.ndarray | None = None,
    modes: np.ndarray | None = None,
    scales: np.ndarray | None = None,
    real: np.ndarray | None = None,
) -> dict[str, float]:
    """`Reference.measure` of one snapshot: every metric that applies, by plain scalar name (names there)."""
    ref = Reference(grid, data_density=data_density, modes=modes, scales=scales, real=real)
    return ref.measure(samples, density, d_grid)
