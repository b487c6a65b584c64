"""`gradients` for 1D data: where G's loss pushes each sample, as arrows along the x line (seeds/004).

One axes, two bands:
    above the x line   the data density (blue), the generator's density (red outline) and D(x) (green, on a
                       right-hand [0, 1] axis with a dashed line at ½), for context;
    below it           a strip of ROWS fixed samples, one per row, ordered by their latent z (the lowest z at the
                       bottom): a red dot at G(z) and a horizontal arrow along −∇ₓ of G's loss there.
With the minimax loss and a too-strong D, D(G(z)) ≈ 0 at every sample and the arrows shrink to nothing while the
samples sit far from the data: the vanishing gradient. The arrows' scale is fixed for the whole video (as in 2D:
gradients.TARGET of the width for the 95th-percentile arrow), and the mean push is printed each frame.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.goodfellow import (
    d_axis,
    headroom,
    legend_row,
    peak_mark,
    room_for_right_labels,
    show_peak,
    step_outline,
)
from gananim.kinds.points.views.gradients import ARROW, MAX_LENGTH, GradientsView
from gananim.rendering.drawing import density_peak

ROWS = 40  # samples in the strip (evenly spread over the fixed samples ordered by z)
STRIP = 0.85  # the strip's height against the density band's
TICK_GAP = 0.1  # share of the strip left empty under the x line for its tick labels


class LineGradients(GradientsView):
    """The 1D form of the `gradients` view (GradientsView hands 1D recordings to this class)."""

    def setup(self, ax):
        self.ax = ax
        self.d_scale = DScale(self.rec)  # a critic's scores centred at the decision (views.d_scale)
        room_for_right_labels(ax, self.style)
        ((x0, x1),) = self.rec.view_box
        self.width = x1 - x0  # the arrows' scale and cap are shares of it
        self.edges = self.rec.grid.edges[0]
        band = self._draw_axes(ax)
        self._pick_rows(band, self._label_room(ax))
        self._draw_context(ax, band)
        self._make_strip(ax)
        self.peak_label = peak_mark(ax, self.style)
        return [self.outline, self.d_line, self.quiver, self.dots, self.mean, self.outside, self.peak_label]

    def _draw_axes(self, ax) -> float:
        """The fixed layout, density band [0, top] over the sample strip [-band, 0], with the x line as the x axis
        and the strip's label; sets self.peak and self.top and returns band."""
        s = self.style
        ((x0, x1),) = self.rec.view_box
        self.peak = density_peak(self.rec)
        self.top = top = headroom(ax, s, self.peak, STRIP, 1.6)  # the legend's row above the peak
        band = STRIP * top
        ax.set_xlim(x0, x1)
        ax.set_ylim(-band, top)
        ax.set_yticks([])
        ax.spines["bottom"].set_position(("data", 0))  # the x axis is the x line
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_linewidth(1.4 * s.scale)
        ax.text(
            -0.005,
            -band / 2,
            "samples, by z →",
            transform=blended_transform_factory(ax.transAxes, ax.transData),
            rotation=90,
            ha="right",
            va="center",
            fontsize=s.fs(0.75),
            color="#555555",
        )
        return band

    def _label_room(self, ax) -> float:
        """The x line's tick labels' height under it (tick, pad, a line of text), in data units."""
        s = self.style
        points = 3.5 + 3.5 + 1.3 * s.fs(0.8)  # matplotlib's tick length and pad, then the label
        lo, hi = ax.get_ylim()
        return s.px(points) * (hi - lo) / ax.get_window_extent().height

    def _pick_rows(self, band: float, labels: float) -> None:
        """Up to ROWS samples, evenly spread over those ordered by z (self.idx), and their heights in the strip
        (self.rows) under the x line's `labels` (their height in data units), the lowest z at the bottom."""
        rec = self.rec
        # only the first g_grad_rows samples carry arrows (the Recorder's arrow_samples; older recordings: all)
        rows = int(rec.manifest.get("g_grad_rows", len(rec.latents)))
        z = rec.latents[:rows, 0].astype(float)
        order = np.argsort(z, kind="stable")
        self.idx = order[np.unique(np.linspace(0, len(z) - 1, min(len(z), ROWS)).round().astype(int))]
        gap = max(TICK_GAP * band, labels)  # the x line's tick labels sit in this gap, above the first row
        self.rows = -gap - (band - gap) * (np.arange(len(self.idx)) + 0.5) / len(self.idx)
        self.rows = self.rows[::-1]  # the lowest z at the bottom of the strip

    def _draw_context(self, ax, band: float) -> None:
        """The context above the x line, with its legend: the data density (static), the generated density's
        outline and D with its ½ line (moving)."""
        rec, s = self.rec, self.style
        ((x0, x1),) = rec.view_box
        centres = rec.grid.axes[0]
        legend = []
        if rec.data_density is not None:
            ax.fill_between(centres, rec.data_density, color=s.data, alpha=0.18, linewidth=0, zorder=1)
            ax.plot(centres, rec.data_density, color=s.data, linewidth=1.4 * s.scale, zorder=2)
            legend.append((Patch(facecolor=to_rgba(s.data, 0.18), edgecolor=s.data), "data"))
        xs, ys = step_outline(self.edges, np.zeros(len(centres)))
        (self.outline,) = ax.plot(xs, ys, color=s.generated, linewidth=1.2 * s.scale, alpha=0.8, zorder=3)
        legend.append((Line2D([], [], color=s.generated, linewidth=1.2 * s.scale), "G(z) density"))
        ticks = self.d_scale.ticks if self.d_scale.critic else None
        _, self.d_line = d_axis(ax, s, -band / self.peak, self.top / self.peak, (x0, x1), centres, ticks=ticks)
        legend.append((Line2D([], [], color=s.discriminator, linewidth=1.8 * s.scale), self.d_scale.legend))
        arrow = Line2D([], [], color=ARROW, marker=">", markersize=4 * s.scale, linewidth=1.0 * s.scale)
        legend.append((arrow, "push on G(z)"))
        legend_row(ax, s, legend)

    def _make_strip(self, ax) -> None:
        """The strip's moving parts: arrows and dots (empty at first), the mean push and the count of samples out
        of view, under a title that gives the arrows' fixed scale."""
        s = self.style
        self.gain = self._gain()
        ax.set_title(f"arrows: {self.named} × {self.gain:.3g}", loc="right", fontsize=s.fs(0.8), color=s.text)
        zeros = np.zeros(len(self.idx))
        self.quiver = ax.quiver(
            zeros,
            self.rows,
            zeros,
            zeros,
            angles="xy",
            scale_units="xy",
            scale=1,
            units="dots",
            width=max(1.0, 1.1 * s.scale),
            headwidth=4.5,
            headlength=6,
            headaxislength=5.5,
            minlength=0,
            color=ARROW,
            alpha=0.8,
            zorder=5,
        )
        self.dots = ax.scatter(
            zeros,
            self.rows,
            s=max(3.0 * s.scale, 2.0) ** 2,
            color=s.generated,
            edgecolors="white",
            linewidths=0.3 * s.scale,
            zorder=6,
        )
        self.mean = ax.text(
            1.0, -0.01, "", transform=ax.transAxes, ha="right", va="top", fontsize=s.fs(0.8), color=s.text
        )
        self.outside = ax.text(
            0.0, -0.01, "", transform=ax.transAxes, ha="left", va="top", fontsize=s.fs(0.8), color="#8a1c1c"
        )

    def _visible(self, samples: np.ndarray) -> np.ndarray:
        """Finite samples inside the x range."""
        ((x0, x1),) = self.rec.view_box
        x = samples[:, 0]
        with np.errstate(invalid="ignore"):
            return np.isfinite(x) & (x >= x0) & (x <= x1)

    def draw(self, snap, at: float) -> None:
        self.snap, self.at = snap, at
        density = np.clip(np.nan_to_num(snap.density, nan=0.0, posinf=0.0, neginf=0.0), 0, None)
        density = show_peak(self.peak_label, self.rec.grid.axes[0], density, self.peak)  # cut under the legend
        self.outline.set_ydata(step_outline(self.edges, density)[1])
        self.d_line.set_ydata(self.d_scale.unit(snap))
        keep, p = self.pushes(snap)
        u = np.zeros(len(snap.samples))
        u[keep] = np.clip(p[:, 0] * self.gain, -MAX_LENGTH * self.width, MAX_LENGTH * self.width)
        x = snap.samples[self.idx, 0].astype(float)
        shown = keep[self.idx]
        self.quiver.set_offsets(
            np.column_stack([np.where(shown, x, self.rec.view_box[0][0]), self.rows])
        )  # masked below
        self.quiver.set_UVC(np.ma.masked_where(~shown, u[self.idx]), np.zeros(len(self.idx)))
        self.dots.set_offsets(np.column_stack([np.where(shown, x, np.nan), self.rows]))
        self.mean.set_text(self.mean_text(snap))
        out = int((np.isfinite(snap.samples[:, 0]) & ~self._visible(snap.samples)).sum())
        self.outside.set_text(f"{out} of {len(snap.samples)} samples outside the view" if out else "")


GradientsView.line_form = LineGradients  # `gradients` on a 1D recording draws this form
