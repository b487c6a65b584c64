"""`interp`: G along a few fixed straight lines in latent space, one row per line, over training.

Early on the rows are noise; as G learns, neighbouring latents give similar images and each row morphs smoothly
from one kind of sample into another: the latent space organising itself (the DCGAN paper's "walking in the
latent space"). Same pixels and crossed tiles as the `grid` view.
"""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import offset_copy

from gananim.kinds.images.views.sample_grid import GAP, label, mosaic_axes
from gananim.rendering.tiles import mosaic
from gananim.rendering.views.base import View, register


@register
class InterpView(View):
    """One row of images per latent path, from its start z₀ (left) to its end z₁ (right)."""

    name = "interp"
    kinds = ("images",)
    pictures = True
    nonfinite_drawn = "crossed out"

    def setup(self, ax):
        rec, s = self.rec, self.style
        first = rec[0].interp
        self.paths, self.points, _, h, w = first.shape
        width = self.points * (w + GAP) - GAP
        height = self.paths * (h + GAP) - GAP
        mosaic_axes(ax)
        self.image = ax.imshow(self._picture(rec[0]), extent=(0, width, height, 0), interpolation="nearest")
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        # the line's ends and what it is, just above the mosaic (in points: clear of the title bar at any size)
        above = offset_copy(ax.get_xaxis_transform(), ax.figure, y=0.15 * s.fs(0.8), units="points")
        label(ax, 0, 1.0, "z₀", s, ha="left", va="bottom", transform=above)
        cond = rec.manifest.get("conditional")
        g = "G(z, y)" if cond else "G(z)"  # a conditional path keeps its class y while z moves
        name = f"{g} at {self.points} points on a straight line in latent space"
        label(ax, width / 2, 1.0, name, s, ha="center", va="bottom", transform=above)
        label(ax, width, 1.0, "z₁", s, ha="right", va="bottom", transform=above)
        for p in range(self.paths):
            y = rec.fixed.get("interp_labels") if cond else None
            what = f"path {p + 1}" + (f", y = {cond['names'][int(y[p])]}" if y is not None and p < len(y) else "")
            label(ax, -0.6, p * (h + GAP) + h / 2, what, s, ha="right", va="center")
        self.note = label(ax, width, height + 0.6, "", s, ha="right", va="top", color="#b00020")
        return [self.image, self.note]

    def _picture(self, snap) -> np.ndarray:
        flat = snap.interp.reshape(-1, *snap.interp.shape[2:])
        bad = None if snap.interp_nonfinite is None else snap.interp_nonfinite.reshape(-1)
        return mosaic(flat, self.paths, self.points, GAP, bad)

    def update(self, i: int) -> None:
        snap = self.rec[i]
        self.image.set_data(self._picture(snap))
        count = int(np.sum(snap.interp_nonfinite)) if snap.interp_nonfinite is not None else 0
        self.note.set_text(f"{count} NaN/inf, crossed out" if count else "")
