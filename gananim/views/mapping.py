"""`mapping`: arrows from the latent grid to G(z) over the data density (seeds/003, video 1)."""

from __future__ import annotations

import numpy as np

from gananim.drawing import grid_colours, latent_tails
from gananim.views.base import View, register
from gananim.views.surface import image_extent
from gananim.views.style import density_cmap


@register
class MappingView(View):
    """Thin semi-transparent arrows z → G(z), coloured by z's place in the latent grid."""

    name = "mapping"
    data_dims = (2,)

    def setup(self, ax):
        rec, s = self.rec, self.style
        if rec.data_density is not None:
            ax.imshow(rec.data_density, origin="lower", extent=image_extent(rec), cmap=density_cmap((0.42, 0.24, 0.6)),
                      interpolation="bilinear", vmin=0, vmax=float(np.quantile(rec.data_density[rec.data_density > 0], 0.99)))
        self.tails = latent_tails(rec)
        u, v = self._uv(0)
        self.quiver = ax.quiver(self.tails[:, 0], self.tails[:, 1], u, v, color=grid_colours(rec.fixed["latent_grid_coords"]),
                                angles="xy", scale_units="xy", scale=1, width=0.0016 * s.scale, headwidth=4, headlength=5,
                                alpha=0.6, zorder=3)
        self.frame_box(ax)
        ax.set_xlabel("z ↦ G(z)", fontsize=s.fs(0.9))
        return [self.quiver]

    def _uv(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Arrow vectors head − tail; a non-finite head becomes a zero-length (invisible) arrow."""
        d = self.rec[i].mapping - self.tails
        d[~np.isfinite(d).all(axis=1)] = 0
        return d[:, 0], d[:, 1]

    def update(self, i: int) -> None:
        self.quiver.set_UVC(*self._uv(i))
