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
        rows = g[:, xl]
        rows += (g[:, xh] - rows) * xf
        out = rows[yl]
        out += (rows[yh] - out) * yf[:, None]  # in place: one full-size temporary instead of four
        return out


class BandedOverlay:
    """A banded colormap with one colour laid over it at varying opacity, as a single 2D colour lookup."""

    def __init__(self, cmap: Colormap, bands: int, colour, gamma: float, levels: int = 64):
        base = cmap((np.arange(bands) + 0.5) / bands)[:, :3]
        alpha = (np.arange(levels) / (levels - 1)) ** gamma
        lut = base[:, None, :] * (1 - alpha[None, :, None]) + np.asarray(colour)[None, None, :] * alpha[None, :, None]
        self.lut = (lut.reshape(-1, 3) * 255 + 0.5).astype(np.uint8)
        rgba = np.concatenate([self.lut, np.full((len(self.lut), 1), 255, np.uint8)], axis=1)
        self.lut32 = np.ascontiguousarray(rgba).view(np.uint32).ravel()  # one RGBA pixel per lookup
        self.bands, self.levels = bands, levels

    def index(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """LUT rows: base in bands (floor: band i holds [i/bands, (i+1)/bands)), overlay rounded to a level."""
        b = np.multiply(base, self.bands, dtype=np.float32)
        np.clip(b, 0, self.bands - 1, out=b)
        o = np.multiply(overlay, self.levels - 1, dtype=np.float32)
        np.clip(o, 0, self.levels - 1, out=o)
        o += 0.5
        return b.astype(np.int16) * np.int16(self.levels) + o.astype(np.int16)

    def __call__(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """uint8 RGB for base values and overlay opacities, both in [0, 1]."""
        return np.take(self.lut, self.index(base, overlay), axis=0)  # np.take: far cheaper than fancy indexing

    def packed(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """The same colours as packed RGBA uint32, ready to paste into the canvas buffer."""
        return np.take(self.lut32, self.index(base, overlay))
