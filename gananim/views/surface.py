"""`surface`: the generated density (red patches) over D's decision surface (purple = real, white = fake)."""

from __future__ import annotations

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm

from gananim.drawing import D_RAMP, DENSITY_GAMMA, RED, BandedOverlay, Upsampler, density_vmax
from gananim.views.base import View, register
from gananim.views.style import D_CMAP

D_BANDS = 10  # D drawn in bands, like a contour plot, but composed as one image: far cheaper per frame


def image_extent(rec) -> tuple[float, float, float, float]:
    (x0, x1), (y0, y1) = rec.view_box
    return x0, x1, y0, y1


def mark_modes(ax, rec, style):
    """The data modes as small crosses (a moving layer draws over static ones, so this one moves too)."""
    modes = rec.modes
    return ax.scatter(modes[:, 0], modes[:, 1], marker="x", s=40 * style.scale**2, linewidths=1.5 * style.scale,
                      color=style.mode_marker, zorder=5)


@register
class SurfaceView(View):
    """D as a banded purple/white image, generated density as red patches over it, data modes marked."""

    name = "surface"
    data_dims = (2,)
    needs_discriminator = True

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.colours = BandedOverlay(D_RAMP, D_BANDS, RED, DENSITY_GAMMA)
        self.vmax = density_vmax(rec)
        self.upsamplers: dict[tuple[int, int], Upsampler] = {}
        self.raster_ax = ax
        scale = ax.figure.colorbar(ScalarMappable(BoundaryNorm(np.linspace(0, 1, D_BANDS + 1), D_CMAP.N), D_CMAP),
                                   cax=ax.inset_axes([1.03, 0, 0.035, 1]), ticks=[0, 0.5, 1])
        scale.ax.set_yticklabels(["fake 0", "½", "real 1"], fontsize=s.fs(0.8))
        scale.set_label("D(x)", fontsize=s.fs(0.9))
        self.frame_box(ax)
        return [mark_modes(ax, rec, s)] if len(rec.modes) else []

    def update(self, i: int) -> None:
        self.snap = self.rec[i]

    def raster(self, height: int, width: int) -> np.ndarray:
        """D's bands with the generated density blended over them in red, top row first."""
        up = self.upsamplers.get((height, width)) or self.upsamplers.setdefault((height, width), Upsampler(self.rec.grid.shape, (height, width)))
        return self.colours.packed(up(self.snap.d_grid[::-1]), up(self.snap.density[::-1] / self.vmax))
