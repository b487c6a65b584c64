"""`projection`: real and generated samples on one fixed plane, each coloured by D's score, over the generated density.

High-dimensional samples cannot be drawn as points, but their projection on the real data's first two principal
components (fitted once when recording started, so the plane never moves) shows what the 2D views show: whether
the generated cloud covers the real one or sits on a part of it (mode collapse), and where D tells them apart.
Real samples are circles edged blue, generated ones diamonds edged red, both filled with D's probability that
they are real (white 0 → purple 1, the palette of the 2D views); the generated density is red underneath.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.density import inside
from gananim.recording.game import game_of
from gananim.rendering.drawing import DATA_BLUE, RED
from gananim.rendering.views.base import View, register
from gananim.rendering.views.style import D_CMAP, density_cmap

FAKE_EDGE = "#8a1c1c"


def density_scale(rec) -> float:
    """One colour scale for the whole video: the 99th percentile of the densities of a few snapshots."""
    picks = np.unique(np.linspace(0, len(rec) - 1, min(len(rec), 20)).astype(int))
    values = np.concatenate([rec[int(i)].density.ravel() for i in picks])
    positive = values[values > 0]
    return float(np.quantile(positive, 0.99)) if len(positive) else 1.0


@register
class ProjectionView(View):
    """Real (○) and generated (◇) samples on the PCA plane, filled with D(x); the generated density in red."""

    name = "projection"
    kinds = ("images",)

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.frame_box(ax)
        self.vmax = density_scale(rec)
        self._make_density(ax)
        self.has_d = rec.manifest.get("has_discriminator", False) and rec[0].d_real_each is not None
        self._make_samples(ax)
        # the axes' names inside their ends (below the axes the frame's NaN warning may show), the legend and D's
        # colour bar at the right: beside the panel, where the layout measures and keeps room for them
        self._draw_axis_names(ax)
        self._draw_legend(ax)
        if self.has_d:
            self._draw_colour_bar(ax)
        # moving: how many generated samples are out of view or not finite, above the axes at the left
        self.note = ax.text(
            0.0, 1.01, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=s.fs(0.72), color="#8a1c1c"
        )
        return [self.density, self.real, self.fake, self.note]

    def _make_density(self, ax) -> None:
        """The generated density under everything (moving, empty at first), on the fixed view box."""
        (x0, x1), (y0, y1) = self.rec.view_box
        self.density = ax.imshow(
            np.zeros(self.rec.grid.shape),
            extent=(x0, x1, y0, y1),
            origin="lower",
            cmap=density_cmap(RED),
            vmin=0,
            vmax=1,
            interpolation="bilinear",
            zorder=1,
        )

    def _make_samples(self, ax) -> None:
        """The real samples (fixed places) and the generated ones (moving, empty at first), filled with D(x) where
        the recording has D's scores, hollow where it has not."""
        s = self.style
        size = max(3.2 * s.scale, 2.0) ** 2
        real = self.rec.fixed["real_proj"]
        # D's colours as the points views have them (DScale): a probability as it is, LSGAN's raw score clipped, a
        # critic's score centred at the decision, ±R over the video
        self.d_scale = DScale(self.rec) if self.has_d else None
        colour = dict(cmap=D_CMAP, vmin=0, vmax=1) if self.has_d else {}
        self.real = ax.scatter(
            real[:, 0],
            real[:, 1],
            s=size,
            marker="o",
            linewidths=0.9 * s.scale,
            edgecolors=DATA_BLUE,
            zorder=3,
            **(colour | ({"c": np.full(len(real), 0.5)} if self.has_d else {"facecolors": "none"})),
        )
        self.fake = ax.scatter(
            np.zeros(0),
            np.zeros(0),
            s=size * 1.1,
            marker="D",
            linewidths=0.9 * s.scale,
            edgecolors=FAKE_EDGE,
            zorder=4,
            **(colour | ({"c": np.zeros(0)} if self.has_d else {"facecolors": "none"})),
        )

    def _draw_axis_names(self, ax) -> None:
        """The axes' names, PC 1 → and PC 2 ↑, in grey inside their ends; and the tick labels' size."""
        s = self.style
        grey = dict(transform=ax.transAxes, fontsize=s.fs(0.7), color="#666666")
        ax.text(0.99, 0.01, "PC 1 →", ha="right", va="bottom", **grey)
        ax.text(0.01, 0.99, "PC 2 ↑", ha="left", va="top", **grey)
        ax.tick_params(labelsize=s.fs(0.7))

    def _draw_legend(self, ax) -> None:
        """The legend beside the panel at the top right: real ○, generated ◇ (with their counts), G's density."""
        s = self.style
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor=DATA_BLUE,
                markersize=5 * s.scale,
            ),
            Line2D(
                [],
                [],
                marker="D",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor=FAKE_EDGE,
                markersize=4.5 * s.scale,
            ),
            Patch(facecolor=RED, alpha=0.6, edgecolor="none"),
        ]
        ax.legend(
            handles,
            [
                f"{len(self.rec.fixed['real_proj'])} real",
                f"{len(self.rec.latents)} {'G(z, y)' if self.rec.manifest.get('conditional') else 'G(z)'}",
                "G's density",
            ],
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            fontsize=s.fs(0.72),
            handlelength=1.0,
            borderaxespad=0,
        )

    def _draw_colour_bar(self, ax) -> None:
        """D's colour bar below the legend, inside the axes' own box (a child axes: it travels with the panel)."""
        s = self.style
        bar = ax.inset_axes([1.04, 0.0, 0.035, 0.68])
        cb = ax.figure.colorbar(self.fake, cax=bar)
        d = "D(x, y)" if self.rec.manifest.get("conditional") else "D(x)"
        game = game_of(self.rec.manifest)
        d = f"{d} = l(x), clipped" if game.regression else d  # LSGAN's raw D on the classifier's 0..1
        cb.set_label(f"critic {d}" if game.critic else d, fontsize=s.fs(0.75), labelpad=2)
        if game.critic:  # the distance from the decision, as the points views' scale says it
            cb.set_ticks([0.0, 0.5, 1.0], labels=self.d_scale.ticks)
        cb.ax.tick_params(labelsize=s.fs(0.65))

    def update(self, i: int) -> None:
        snap = self.rec[i]
        self.density.set_data(np.clip(snap.density / self.vmax, 0, 1))
        shown = inside(snap.proj, self.rec.view_box)
        self.fake.set_offsets(snap.proj[shown])
        if self.has_d:
            self.fake.set_array(self.d_scale.unit(snap, snap.d_fake_each[shown]))
            self.real.set_array(self.d_scale.unit(snap, snap.d_real_each))
        finite = np.isfinite(snap.proj).all(axis=1)
        out, bad = int((finite & ~shown).sum()), int((~finite).sum())
        words = ([f"{out} of {len(shown)} outside the view"] if out else []) + (
            [f"{bad} NaN/inf not drawn"] if bad else []
        )
        self.note.set_text(" · ".join(words))
