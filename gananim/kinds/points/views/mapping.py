"""`mapping`: arrows from latent points z to G(z) over the data density (seeds/003, video 1).

Latent dimension 1 or 2: the tails are the recorded latent grid (drawn in the data plane at their z
coordinates), the heads G(z) from the snapshot's `mapping`.

Latent dimension > 2: the recorded grid lies on a random 2D plane through latent space, at norms up to 2√2,
while z ~ N(0, I_d) has norm about √d (√15 ≈ 3.9 for the circle presets): the grid's images are G at latents
the generator almost never sees, and land where no sample is (inside vae-circle's circle, its samples on it).
Those arrows would contradict the samples, so the view draws instead the fixed samples' own latents, projected
on the same plane (a 2D N(0, I) cloud), each with its arrow to its sample G(z): every head is a dot of the
other views. A note on the frame says so. Projected tails that lie close may come from far-apart latents, so
arrows cross more than in 2D; the colours (by the tail's angle and radius) still show which region goes where.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gananim.kinds.points.views.density import display_density
from gananim.kinds.points.views.real import draw_real, real_handle, real_label, shows_real
from gananim.kinds.points.views.surface import image_extent
from gananim.rendering.drawing import grid_colours, latent_tails
from gananim.rendering.views.base import View, register
from gananim.rendering.views.style import density_cmap
from gananim.rendering.views.tween import Tweening

DATA_PURPLE = (0.42, 0.24, 0.6)  # the data density's colour
KEY_CHARS = 22  # the key's lines, in characters at most
KEY_SIZE = 0.3  # the colour key's side, a share of the axes' (square) side
MAX_SAMPLE_ARROWS = 100  # latent dim > 2: arrows for this many of the fixed samples at most (more is a tangle)


def sample_tails(rec) -> tuple[np.ndarray, np.ndarray]:
    """For latent dim > 2: indices of the fixed samples drawn and their latents projected on the grid's plane."""
    latents = rec.latents.astype(float)
    idx = np.unique(np.linspace(0, len(latents) - 1, min(len(latents), MAX_SAMPLE_ARROWS)).round().astype(int))
    plane = rec.fixed.get("latent_plane")
    if plane is None:  # a recording without the plane: the first two coordinates (also a 2D N(0, I) cloud)
        return idx, latents[idx, :2]
    return idx, latents[idx] @ plane.astype(float).T


@register
class MappingView(Tweening, View):
    """Thin semi-transparent arrows z → G(z), coloured by z's place in the latent grid (or its projection)."""

    name = "mapping"
    kinds = ("points",)
    needs = ("mapping",)
    data_dims = (2,)

    def setup(self, ax):
        has_data = self._draw_data(ax)
        colours = self._pick_tails()
        self._make_arrows(ax, colours)
        self.frame_box(ax)
        real = [draw_real(ax, self.rec, self.style, zorder=2.5)] if shows_real(self.rec, self.data_points) else []
        self._draw_key(ax, colours, has_data, bool(real))
        if not self.projected:
            return real + [self.quiver]
        self._make_head_dots(ax, colours)
        return real + [self.quiver, self.heads_dots]

    def _draw_data(self, ax) -> bool:
        """The data density underneath (static), where the recording has one; says whether it has."""
        rec = self.rec
        data = display_density(rec)  # a thin target drawn round, not as the cells it crosses
        if data is None:
            return False
        ax.imshow(
            data,
            origin="lower",
            extent=image_extent(rec),
            cmap=density_cmap(DATA_PURPLE),
            interpolation="bilinear",
            vmin=0,
            vmax=float(np.quantile(data[data > 0], 0.99)),
        )
        return True

    def _draw_key(self, ax, colours: np.ndarray, has_data: bool, real: bool = False) -> None:
        """Beside the axes at the right: what the arrows are (the legend) and what their colours say, the arrows'
        tails drawn small in their own colours and places (hue the angle around the middle, paler towards it)."""
        s = self.style
        handles = [Line2D([], [], color="#777777", linewidth=1.2 * s.scale, marker=">", markersize=4 * s.scale)]
        labels = [textwrap.fill(self.ax_label, KEY_CHARS)]
        if real:  # under the arrows: where G's grid lands against the data
            handles.insert(0, real_handle(s))
            labels.insert(0, real_label(self.rec))
        if has_data:
            handles.insert(0, Patch(facecolor=DATA_PURPLE, alpha=0.6, edgecolor="none"))
            labels.insert(0, "data density")
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.03, 1.0),
            frameon=False,
            fontsize=s.fs(0.75),
            handlelength=1.2,
            borderaxespad=0,
        )
        key = ax.inset_axes([1.06, 0.0, KEY_SIZE, KEY_SIZE])
        # dots about half their spacing wide, so the key reads as a field of colour, not specks
        side = KEY_SIZE * ax.get_window_extent().width * 72 / ax.figure.dpi
        dot = float(np.clip(0.55 * side / np.sqrt(len(self.tails)), 2.0, 8.0))
        key.scatter(*self.tails.T, c=colours, s=dot**2, linewidths=0)
        key.margins(0.12)  # the dots at the edge whole        key.set_aspect("equal", adjustable="datalim")
        key.set_xticks([])
        key.set_yticks([])
        where = "on the plane" if self.projected else "in the latent grid"
        key.set_title(f"arrow colour:\nz's place {where}", fontsize=s.fs(0.75), loc="left", linespacing=1.1)

    def _pick_tails(self) -> np.ndarray:
        """The arrows' tails: the latent grid, or (latent dim > 2) the drawn samples' latents projected on its plane;
        sets self.projected, self.idx, self.tails and self.ax_label (which says which) and returns the arrows' colours."""
        rec = self.rec
        self.projected = rec.manifest["latent_dim"] > 2
        if self.projected:
            self.idx, self.tails = sample_tails(rec)
            self.ax_label = (
                f"z ({rec.manifest['latent_dim']}-D, projected on a plane) ↦ G(z), {len(self.idx)} of the samples"
            )
            return grid_colours(self.tails)
        self.idx, self.tails = None, latent_tails(rec)
        self.ax_label = "z ↦ G(z)"
        return grid_colours(rec.fixed["latent_grid_coords"])

    def _make_arrows(self, ax, colours: np.ndarray) -> None:
        """The arrows z → G(z) (moving), at the first snapshot's G."""
        s = self.style
        u, v = self._uv(self.rec[0])
        self.quiver = ax.quiver(
            self.tails[:, 0],
            self.tails[:, 1],
            u,
            v,
            color=colours,
            angles="xy",
            scale_units="xy",
            scale=1,
            width=0.0016 * s.scale,
            headwidth=4,
            headlength=5,
            alpha=0.6,
            zorder=3,
        )

    def _make_head_dots(self, ax, colours: np.ndarray) -> None:
        """Latent dim > 2: the heads as dots in the arrows' colours (moving), so where each z lands reads even where
        the arrows tangle."""
        s = self.style
        self.heads_dots = ax.scatter(
            *self.heads(self.rec[0]).T,
            s=(3.4 * s.scale) ** 2,
            c=colours,
            edgecolors="white",
            linewidths=0.5 * s.scale,
            zorder=4,
        )

    def heads(self, snap) -> np.ndarray:
        """Where the arrows end: G at the latent grid, or (latent dim > 2) the drawn samples themselves."""
        return snap.samples[self.idx] if self.projected else snap.mapping

    def _uv(self, snap) -> tuple[np.ndarray, np.ndarray]:
        """Arrow vectors head − tail; a non-finite head becomes a zero-length (invisible) arrow."""
        d = self.heads(snap) - self.tails
        d[~np.isfinite(d).all(axis=1)] = 0
        return d[:, 0], d[:, 1]

    def draw(self, snap, at: float) -> None:
        self.quiver.set_UVC(*self._uv(snap))
        if self.projected:
            self.heads_dots.set_offsets(self.heads(snap))
