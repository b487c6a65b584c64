"""`mapping`: arrows from the latent grid to G(z) over the data density (seeds/003, video 1)."""

from __future__ import annotations

import colorsys

import numpy as np

from gananim.views.base import View, register
from gananim.views.surface import image_extent
from gananim.views.style import density_cmap


def grid_colours(coords: np.ndarray) -> np.ndarray:
    """Colour each latent grid point by its position (hue = angle, saturation = radius): a fold shows as colours crossing."""
    c = coords - coords.mean(axis=0)
    if c.shape[1] == 1:
        c = np.concatenate([c, np.zeros_like(c)], axis=1)
    radius = np.hypot(c[:, 0], c[:, 1])
    radius = radius / (radius.max() or 1)
    hue = (np.arctan2(c[:, 1], c[:, 0]) / (2 * np.pi)) % 1
    return np.array([colorsys.hsv_to_rgb(h, 0.25 + 0.75 * r, 0.8) for h, r in zip(hue, radius)])


def tails(rec) -> np.ndarray:
    """The arrows' tails in the data plane: the latent grid's coordinates (its plane's, for latent dim > 2)."""
    coords = rec.fixed["latent_grid_coords"]
    return coords if coords.shape[1] == 2 else np.concatenate([coords, np.zeros_like(coords)], axis=1)


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
        self.tails = tails(rec)
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
