"""`density`: the generated density (red patches) and the samples over the data density (light purple), with the
stored real samples as blue dots where the data came as samples (gananim.kinds.points.views.real).

The view for any generator, with or without a discriminator (a VAE's decoder, an MMD generator): it draws only
what every recording has, so `gananim render runs/circle runs/vae-circle` compares a GAN with a VAE on the same
picture, as seeds/000 does (the GAN's samples sharp on the circle, the VAE's blurred around it).

The interior is one bitmap per frame: the data density's light purple (fixed for the video, made once per pixel
size) with the generated density laid over it in red at opacity (density / vmax) ** DENSITY_GAMMA, the `surface`
view's red on the `DATA_TINT` ramp the manim scenes use where there is no D. The fixed samples are dark red dots
on top, so single samples show where the density is thin.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from gananim.errors import GananimError
from gananim.kinds.points.targets import Empirical, make_target
from gananim.kinds.points.views.real import draw_real, real_handle, real_label, shows_real
from gananim.kinds.points.views.surface import mark_modes
from gananim.recording.grid import Grid
from gananim.rendering.drawing import DENSITY_GAMMA, RED, BandedOverlay, Ramp, Upsampler, density_vmax
from gananim.rendering.views.base import View, finite_rows, register
from gananim.rendering.views.tween import Tweening

TINT_LEVELS = 32  # the data density's shades of purple
FINE = 4  # the data density is drawn on a grid this many times finer than the recording's
# white to a mid purple (D's "real" purple, lighter): the reference every sample is judged against, visible
# but light enough that red over it still reads as red
DATA_TINT = Ramp(("#ffffff", "#e4daef", "#b8a2d2"))
DOT = "#6b0d0d"  # a darker red than the density's, so dots show on the red patches


def smooth(grid: np.ndarray) -> np.ndarray:
    """A grid blurred by about 1.2 cells (binomial 1-6-15-20-15-6-1 along each axis)."""
    kernel = np.array([1.0, 6.0, 15.0, 20.0, 15.0, 6.0, 1.0]) / 64
    out = np.apply_along_axis(np.convolve, 0, np.asarray(grid, float), kernel, mode="same")
    return np.apply_along_axis(np.convolve, 1, out, kernel, mode="same")


def display_density(rec) -> np.ndarray | None:
    """The data density to draw: the target's own on a FINE times finer grid where the manifest can rebuild it,
    else the recorded grid's; blurred by about a cell of that grid. For display only (metrics use the stored grid).

    A thin target (the circle) has its mass in the cells the curve crosses: on the recording's grid each arc
    within one row or column of cells is drawn flat, and the ring comes out an octagon. Finer and blurred, it is round.
    """
    data, cfg = rec.data_density, rec.manifest.get("target")
    fine = Grid(rec.grid.bounds, rec.grid.size * FINE)
    if cfg:
        try:
            data = make_target(cfg).density(fine)
        except (GananimError, OSError, ValueError):  # samples given in memory, a file that is gone: the stored samples
            data = sample_density(rec, fine, data)
    return None if data is None else smooth(data)


def sample_density(rec, grid: Grid, stored: np.ndarray | None) -> np.ndarray | None:
    """The density of the recording's stored real samples (a KDE, gananim.kinds.points.targets.Empirical) on a fine
    grid, for data given as samples, whose target the manifest cannot rebuild; the stored grid's where there are none.
    On the recording's own grid a thin shape (two moons, a swiss roll) is a few cells wide: drawn from the samples on
    a finer grid its edges are as sharp as the samples say."""
    samples = rec.fixed.get("data_samples")
    if samples is None or len(samples) < 2:
        return stored
    try:
        return Empirical(samples.astype(np.float64)).density(grid)
    except GananimError:  # samples that do not spread in every direction: no density of their own
        return stored


def inside(samples: np.ndarray, box) -> np.ndarray:
    """Finite samples inside a 2D view box."""
    (x0, x1), (y0, y1) = box
    with np.errstate(invalid="ignore"):
        return (
            finite_rows(samples)
            & (samples[:, 0] >= x0)
            & (samples[:, 0] <= x1)
            & (samples[:, 1] >= y0)
            & (samples[:, 1] <= y1)
        )


@register
class DensityView(Tweening, View):
    """Data density (light purple), generated density (red) and the fixed samples (dots); modes marked."""

    name = "density"
    kinds = ("points",)
    data_dims = (2,)

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.raster_ax = ax
        self.colours = BandedOverlay(DATA_TINT, TINT_LEVELS, RED, DENSITY_GAMMA)
        self.vmax = density_vmax(rec)
        data = display_density(rec)
        positive = data[data > 0] if data is not None else np.zeros(0)
        # the data's shades with the red's gamma (thin mass shows as thin red does), on their own robust scale:
        # the data is the shape to match, and a thin target's blurred peak is far below the generated scale's
        ref = float(np.quantile(positive, 0.99)) if len(positive) else 1.0
        self.data = np.clip(data / ref, 0, 1) ** DENSITY_GAMMA if len(positive) else np.zeros(rec.grid.shape)
        self.sized: dict[
            tuple[int, int], tuple[Upsampler, np.ndarray]
        ] = {}  # per pixel size: density resizer, data image
        self.frame_box(ax)
        self.dots = ax.scatter(
            np.zeros(0), np.zeros(0), s=max(2.2 * s.scale, 1.6) ** 2, color=DOT, edgecolors="none", alpha=0.75, zorder=4
        )
        self.outside = ax.text(
            0.0, 1.0, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=s.fs(0.8), color="#8a1c1c"
        )
        tint = DATA_TINT.colours[1]
        handles = [
            Patch(facecolor=tint, edgecolor="#9e8ab8", linewidth=0.8 * s.scale),
            Patch(facecolor=RED, alpha=0.7, edgecolor="none"),
            Line2D([], [], marker="o", linestyle="none", color=DOT, markersize=2.6 * s.scale),
        ]
        labels = ["data density", "generated density", f"{len(rec.latents)} samples G(z)"]
        moving = [self.dots, self.outside]
        if shows_real(rec, self.data_points):  # under the generated samples: G's dots land on the data's
            moving.insert(0, draw_real(ax, rec, s, zorder=3.5))
            handles.insert(1, real_handle(s))
            labels.insert(1, real_label(rec))
        if len(rec.modes):  # the × marks, as the surface view's legend names them
            handles.append(Line2D([], [], marker="x", linestyle="none", color=s.mode_marker, markersize=5 * s.scale))
            labels.append("data modes")
        # beside the axes at the right, one entry a line: the interior is repainted every frame, above it a compare
        # puts the panel's title, and below it the tick labels leave no room for a readable line
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            fontsize=s.fs(0.75),
            handlelength=1.2,
            borderaxespad=0,
        )
        if len(rec.modes):
            moving.insert(0, mark_modes(ax, rec, s))
        return moving

    def draw(self, snap, at: float) -> None:
        self.snap = snap
        shown = inside(snap.samples, self.rec.view_box)
        self.dots.set_offsets(snap.samples[shown])
        out = int((finite_rows(snap.samples) & ~shown).sum())
        self.outside.set_text(f"{out} of {len(snap.samples)} samples outside the view" if out else "")

    def raster(self, height: int, width: int) -> np.ndarray:
        """The data's purple with the generated density in red over it, packed RGBA, top row first."""
        if (height, width) not in self.sized:
            up = Upsampler(self.rec.grid.shape, (height, width))
            self.sized[(height, width)] = (up, Upsampler(self.data.shape, (height, width))(self.data[::-1]))
        up, base = self.sized[(height, width)]
        return self.colours.packed(base, up(self.snap.density[::-1] / self.vmax))
