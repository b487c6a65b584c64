"""`gradients`: GAN Lab's "generator gradients": each fixed sample with an arrow along ∇ₓ log D(x), over a faint D.

The arrow at a sample x points where D rises fastest: where the discriminator pushes that generated point.
Lengths keep their ratios, on ONE scale for the whole video (the 95th-percentile arrow over all snapshots is
TARGET of the view's width), so vanishing gradients look short and a gradient that grows really grows; only
outliers longer than MAX_LENGTH are cut to it.

The arrows are polygons computed in data coordinates (the axes have equal aspect, so shapes are not
distorted): one PolyCollection for all of them, rebuilt with numpy each frame.
"""

from __future__ import annotations

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm, ListedColormap

from gananim.drawing import D_RAMP, Upsampler, probe_indices
from gananim.views.base import View, finite_rows, register
from gananim.views.surface import D_BANDS, mark_modes

TARGET = 0.08        # the 95th-percentile arrow is this share of the view's width
MAX_LENGTH = 0.20    # no arrow is drawn longer than this share of the width
FADE = 0.55          # D's bands are mixed this much toward white: a backdrop, not the subject
SHAFT = 0.0035       # shaft width, head width and head length as shares of the view's width
HEAD_WIDTH = 0.014
HEAD_LENGTH = 0.018
ARROW = "#1b1b1b"

# one arrow, pointing along +x from the origin: tail (0, ±½ shaft), shaft end, head corners, tip
_UNIT = np.array([[0, -0.5], [-1, -0.5], [-1, -1], [0, 0], [-1, 1], [-1, 0.5], [0, 0.5]], float)


def arrow_polygons(tails: np.ndarray, vectors: np.ndarray, shaft: float, head_w: float, head_l: float) -> np.ndarray:
    """(n, 7, 2) arrow outlines from tails along vectors; an arrow shorter than its head shrinks as a whole."""
    length = np.hypot(vectors[:, 0], vectors[:, 1])
    safe = np.where(length > 0, length, 1.0)
    ux, uy = vectors[:, 0] / safe, vectors[:, 1] / safe
    shrink = np.minimum(1.0, length / (1.5 * head_l))  # short arrows: smaller heads, so they still read as short
    hl, hw, sw = head_l * shrink, head_w * shrink / 2, shaft * shrink
    # along-axis (a) and across-axis (c) coordinates of the 7 corners
    a = np.stack([np.zeros_like(length), length - hl, length - hl, length, length - hl, length - hl, np.zeros_like(length)], axis=1)
    c = np.stack([-sw / 2, -sw / 2, -hw, np.zeros_like(length), hw, sw / 2, sw / 2], axis=1)
    x = tails[:, :1] + a * ux[:, None] - c * uy[:, None]
    y = tails[:, 1:] + a * uy[:, None] + c * ux[:, None]
    return np.stack([x, y], axis=2)


def faint_colours(levels: int = D_BANDS) -> np.ndarray:
    """D's band colours mixed toward white, (levels, 3) floats."""
    base = D_RAMP((np.arange(levels) + 0.5) / levels)
    return base * (1 - FADE) + FADE


@register
class GradientsView(View):
    """Fixed samples (red dots) with arrows along the generator's gradient ∇ₓ log D, over a faint D and the modes."""

    name = "gradients"
    data_dims = (2,)
    needs_discriminator = True

    def setup(self, ax):
        rec, s = self.rec, self.style
        (x0, x1), (y0, y1) = rec.view_box
        self.box = (x0, x1, y0, y1)
        self.width = x1 - x0
        self.raster_ax = ax
        colours = faint_colours()
        self.lut = (colours * 255 + 0.5).astype(np.uint8)
        self.upsamplers: dict[tuple[int, int], Upsampler] = {}
        self._raster = None
        scale = ax.figure.colorbar(ScalarMappable(BoundaryNorm(np.linspace(0, 1, D_BANDS + 1), D_BANDS), ListedColormap(colours)),
                                   cax=ax.inset_axes([1.03, 0, 0.035, 1]), ticks=[0, 0.5, 1])
        scale.ax.set_yticklabels(["fake 0", "½", "real 1"], fontsize=s.fs(0.8))
        scale.set_label("D(x)", fontsize=s.fs(0.9))
        self.frame_box(ax)
        # pixels per data unit once the equal aspect is applied (the box shrinks to fit its longer side)
        fig_w, fig_h = ax.figure.bbox.width, ax.figure.bbox.height
        pos = ax.get_position(original=True)
        px = min(pos.width * fig_w / (x1 - x0), pos.height * fig_h / (y1 - y0))
        w = self.width
        self.sizes = (max(SHAFT * w, 1.0 / px), max(HEAD_WIDTH * w, 4.0 / px), max(HEAD_LENGTH * w, 5.0 / px))

        self.gain = self._gain()
        ax.set_title(f"arrows: ∇ₓ log D(x) × {self.gain:.3g}", loc="right", fontsize=s.fs(0.8), color=s.text)
        self.arrows = PolyCollection(np.zeros((0, 7, 2)), closed=True, facecolors=ARROW, edgecolors="none", alpha=0.8, zorder=4)
        ax.add_collection(self.arrows, autolim=False)
        self.dots = ax.scatter(np.zeros(0), np.zeros(0), s=max(3.6 * s.scale, 2.4) ** 2, color=s.generated, edgecolors="white",
                               linewidths=0.4 * s.scale, zorder=5)
        self.outside = ax.text(0.0, 1.0, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=s.fs(0.8), color="#8a1c1c")
        moving = [self.arrows, self.dots, self.outside]
        if len(rec.modes):
            moving.insert(0, mark_modes(ax, rec, s))
        self.ax = ax
        return moving

    def _gain(self) -> float:
        """Data units of arrow per unit of ∇ log D, fixed for the whole video from the 95th percentile of all lengths."""
        lengths = []
        for i in probe_indices(len(self.rec)):
            snap = self.rec[i]
            if snap.g_grad is None:
                continue
            keep = self._visible(snap.samples) & finite_rows(snap.g_grad)
            lengths.append(np.hypot(*snap.g_grad[keep].T.astype(float)))
        lengths = np.concatenate(lengths) if lengths else np.zeros(0)
        p95 = float(np.quantile(lengths, 0.95)) if len(lengths) else 0.0
        return TARGET * self.width / p95 if p95 > 0 else 0.0

    def _visible(self, samples: np.ndarray) -> np.ndarray:
        """Finite samples inside the view box."""
        x0, x1, y0, y1 = self.box
        with np.errstate(invalid="ignore"):
            return finite_rows(samples) & (samples[:, 0] >= x0) & (samples[:, 0] <= x1) & (samples[:, 1] >= y0) & (samples[:, 1] <= y1)

    def vectors(self, snap) -> tuple[np.ndarray, np.ndarray]:
        """The drawn arrows' tails and vectors (data units) for a snapshot: visible samples with finite gradients."""
        keep = self._visible(snap.samples)
        if snap.g_grad is not None:
            keep &= finite_rows(snap.g_grad)
            vec = snap.g_grad[keep].astype(float) * self.gain
        else:
            vec = np.zeros((int(keep.sum()), 2))
        length = np.hypot(vec[:, 0], vec[:, 1])
        cap = MAX_LENGTH * self.width
        vec *= np.where(length > cap, cap / np.where(length > 0, length, 1), 1.0)[:, None]
        return snap.samples[keep].astype(float), vec

    def update(self, i: int) -> None:
        snap = self.snap = self.rec[i]
        visible = self._visible(snap.samples)
        self.dots.set_offsets(snap.samples[visible])
        tails, vec = self.vectors(snap)
        self.arrows.set_verts(arrow_polygons(tails, vec, *self.sizes))
        out = int((finite_rows(snap.samples) & ~visible).sum())
        self.outside.set_text(f"{out} of {len(snap.samples)} samples outside the view" if out else "")

    def raster(self, height: int, width: int) -> np.ndarray:
        """D's faint bands at the axes' pixel size, top row first (kept while the snapshot and size stay the same)."""
        key = (self.snap.step, height, width)
        if self._raster is not None and self._raster[0] == key:
            return self._raster[1]
        up = self.upsamplers.get((height, width)) or self.upsamplers.setdefault((height, width), Upsampler(self.rec.grid.shape, (height, width)))
        d = up(self.snap.d_grid[::-1])  # probabilities in [0, 1] (NaN already 0), so a uint8 cast bands them
        band = (d * D_BANDS).astype(np.uint8)
        np.minimum(band, D_BANDS - 1, out=band)
        image = np.take(self.lut, band, axis=0)  # far cheaper than fancy indexing for a small table
        self._raster = (key, image)
        return image
