"""The points kind's metrics: mode coverage by the published protocol, where the samples are, and every metric of one
snapshot (`Reference.measure`), from plain arrays (gananim.analysis.metrics holds the divergences they use).

Published protocols followed here (design.md §4):
- Mode coverage (VEEGAN 2017, PacGAN 2018): a sample is *high quality* if it lies within 3σ of its nearest
  mode; *modes captured* is the number of modes nearest to at least one high-quality sample. The papers
  score 2,500 generator samples; gananim scores every sample a snapshot stores (`scored_samples` says how
  many: 2,500 with the Recorder's defaults), so anyone can recompute the number from the recording.
- The 3σ protocol only means something where the 3σ windows are small, separate islands in the view. Where they
  overlap, or together cover more than WINDOW_VIEW_SHARE of the view box (five-clusters: σ 1 at radius 5 in
  [-10, 10]²; mixture-1d), a diffuse cloud passes as "high quality" and one stray sample "captures" a mode:
  `protocol_fit` says so, and the stated alternative is the share of samples within CORE_SIGMA (1σ) of their
  nearest mode, per mode and summed (`core_share`), read beside the data's own share (a Gaussian holds 68% of
  its mass within 1σ in 1D, 39% in 2D).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.analysis.metrics import (
    CHUNK,
    MMD_BANDWIDTH_FRACTIONS,
    MMD_SAMPLES,
    finite_sample_rows,
    grid_divergences,
    kernel_mean,
    mmd2,
    sample_rows,
    sq_dists,
    view_size,
    w1_1d,
)
from gananim.errors import GananimError
from gananim.recording.grid import Grid

PROTOCOL_SAMPLES = 2_500  # generator samples the VEEGAN/PacGAN protocol scores
K_SIGMA = 3.0  # a sample within K_SIGMA·σ of its nearest mode is high quality
EMPTY_FRACTION = 1e-3  # a grid cell is "between modes" where the data density is below this × its maximum
WINDOW_VIEW_SHARE = 0.1  # the 3σ protocol applies only where the windows cover at most this share of the view box:
# beyond it a sample thrown at random into the view passes as high quality more than one time in ten
WINDOW_RESOLUTION = 1024  # points per axis on which the windows' share of the view is measured
CORE_SIGMA = 1.0  # the alternative where the protocol does not apply: samples within 1σ of their nearest mode
MODE_SHARE = "mode_share_{}"  # scalar name of mode k's share: samples that are high quality and nearest mode k
CORE_SHARE = "core_share_{}"  # scalar name of mode k's share of samples within CORE_SIGMA of it (and nearest it)
CENTROID = ("centroid_x", "centroid_y")  # scalar names of the finite samples' mean, per axis


@dataclass
class ModeCoverage:
    """VEEGAN/PacGAN mode coverage of one batch of samples."""

    captured: int  # modes nearest to at least one high-quality sample
    hq_share: float  # share of ALL samples that are high quality (non-finite samples count as not)
    per_mode: np.ndarray  # (K,) share of ALL samples that are high quality and nearest that mode; sums to hq_share


def mode_coverage(samples, modes, scales, k_sigma: float = K_SIGMA, chunk: int = CHUNK) -> ModeCoverage:
    """Modes captured and high-quality shares (VEEGAN/PacGAN), a block of samples at a time to bound memory."""
    modes = sample_rows(modes, "modes")
    samples = sample_rows(samples, "samples", modes.shape[1])
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
        d2 = sq_dists(block, modes)
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
    modes = sample_rows(modes, "modes")
    scales = np.asarray(scales, dtype=np.float64).reshape(-1)
    if len(modes) == 0 or len(scales) != len(modes) or len(bounds) != modes.shape[1]:
        raise GananimError(
            f"the protocol needs modes, one scale per mode and a view box of their dimension; got {len(modes)} "
            f"modes, {len(scales)} scales, a {len(bounds)}D box"
        )
    radius = k_sigma * scales
    d2 = sq_dists(modes, modes)
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


def d_between_modes(d_grid, data_density, threshold: float = EMPTY_FRACTION) -> float:
    """Mean D over cells where the data density is below threshold × its max: D should be ~0 there (seeds/003)."""
    d = np.asarray(d_grid, dtype=np.float64)
    p = np.asarray(data_density, dtype=np.float64)
    if d.shape != p.shape:
        raise GananimError(f"D and the data density must share a grid; got shapes {d.shape} and {p.shape}")
    empty = p < threshold * p.max()
    return float(d[empty].mean()) if empty.any() else float("nan")


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
        self.real = None if real is None else finite_sample_rows(real, "real", grid.dim)
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
        x = sample_rows(samples, "samples", self.grid.dim)
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
