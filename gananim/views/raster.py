"""Images composed in numpy (upsample, band, blend) at the axes' exact pixel size, pasted into the frame.

Matplotlib's own path (float image + norm + data-stage resampling, twice per frame) was the slowest part of
a frame; gathers, lerps and a colour lookup cost a fraction of it, and pasting needs no resampling at all.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Colormap


def _lerp_index(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of n_out cell centres: the two input cells around it and the weight of the second."""
    x = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(x).astype(np.intp)
    return lo, np.minimum(lo + 1, n_in - 1), (x - lo).astype(np.float32)


class Upsampler:
    """Bilinear resize of (ny, nx) grids to (height, width), as two gathers and lerps (no BLAS needed)."""

    def __init__(self, src: tuple[int, int], dst: tuple[int, int]):
        self.y = _lerp_index(dst[0], src[0])
        self.x = _lerp_index(dst[1], src[1])

    def __call__(self, grid: np.ndarray) -> np.ndarray:
        g = np.nan_to_num(np.asarray(grid, np.float32))
        (xl, xh, xf), (yl, yh, yf) = self.x, self.y
        rows = g[:, xl] * (1 - xf) + g[:, xh] * xf
        return rows[yl] * (1 - yf)[:, None] + rows[yh] * yf[:, None]


def quantize(values: np.ndarray, levels: int) -> np.ndarray:
    """Values in [0, 1] as integer levels 0..levels-1 (floor: band i holds [i/levels, (i+1)/levels))."""
    return np.clip((values * levels).astype(np.intp), 0, levels - 1)


class BandedOverlay:
    """A banded colormap with one colour laid over it at varying opacity, as a single 2D colour lookup."""

    def __init__(self, cmap: Colormap, bands: int, colour, gamma: float, levels: int = 64):
        base = cmap((np.arange(bands) + 0.5) / bands)[:, :3]
        alpha = (np.arange(levels) / (levels - 1)) ** gamma
        lut = base[:, None, :] * (1 - alpha[None, :, None]) + np.asarray(colour)[None, None, :] * alpha[None, :, None]
        self.lut = (lut.reshape(-1, 3) * 255 + 0.5).astype(np.uint8)
        self.bands, self.levels = bands, levels

    def __call__(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """uint8 RGB for base values and overlay opacities, both in [0, 1]."""
        index = quantize(base, self.bands) * self.levels + np.rint(np.clip(overlay, 0, 1) * (self.levels - 1)).astype(np.intp)
        return self.lut[index]
