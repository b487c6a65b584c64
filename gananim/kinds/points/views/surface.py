"""`surface`: the generated density (red patches) over D's decision surface (purple = real, white = fake), with the
stored real samples as blue dots where the data came as samples (gananim.kinds.points.views.real).

A critic's scores are coloured on a symmetric scale centred at the real/fake decision (views.d_scale), and the colour
bar says so: no "real 1 / fake 0" for scores that have no such bounds.

Beside the plot, its legend: D's colour bar, the generated density's scale (a ▲ over it lights up while the
density's peak exceeds the scale's top, so a spike clipped to plain red is never silent) and what the marks are.
The data modes are × marks numbered 0…K−1 in the recording's order: the numbers the dashboard's bars and the event
captions use. A target whose support is a curve (the circle) is drawn as its exact outline instead.
"""

from __future__ import annotations

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox, offset_copy

from gananim.kinds.points.outline import data_outline
from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.real import draw_real, real_key, shows_real
from gananim.rendering.drawing import (
    D_RAMP,
    DENSITY_GAMMA,
    RED,
    BandedOverlay,
    Upsampler,
    density_vmax,
    mode_label_offsets,
    peak_ratio,
)
from gananim.rendering.views.base import View, register
from gananim.rendering.views.style import D_CMAP, density_cmap
from gananim.rendering.views.tween import Tweening

D_BANDS = 10  # D drawn in bands, like a contour plot, but composed as one image: far cheaper per frame
LABEL_OFFSET = 7.0  # points between a mode's × and its number
KEY_X, KEY_W = 1.03, 0.035  # the legend column's colour bars, in axes units
FOOT_LINES = 2.6  # room for the marks' legend under the density key (two lines), in lines of its text
CLIP_MARK = 1.1  # the density key's top turns into "▲ peak r× top" once the peak is r ≥ this times the scale's top


def clip_text(ratio: float) -> str:
    """The density key's top while the density's peak is `ratio` times it: "▲ peak 3.2× top", "▲ peak 12× top"."""
    return f"▲ peak {ratio:.0f}× top" if ratio >= 9.5 else f"▲ peak {ratio:.1f}× top"


def image_extent(rec) -> tuple[float, float, float, float]:
    (x0, x1), (y0, y1) = rec.view_box
    return x0, x1, y0, y1


def mark_modes(ax, rec, style):
    """The data modes as small crosses (a moving layer draws over static ones, so this one moves too)."""
    modes = rec.modes
    return ax.scatter(
        modes[:, 0],
        modes[:, 1],
        marker="x",
        s=40 * style.scale**2,
        linewidths=1.5 * style.scale,
        color=style.mode_marker,
        zorder=5,
    )


def label_modes(ax, rec, style) -> PathCollection | None:
    """Each mode's number beside its × mark, set away from the modes' centre: ONE collection of glyph outlines
    (moving, like the marks: drawn over the bitmap each frame, where 25 text artists would cost a frame's time).
    Too many modes to number legibly (over 64) get none."""
    modes = rec.modes
    if not 0 < len(modes) <= 64 or modes.shape[1] != 2:
        return None
    size = style.fs(0.8 if len(modes) <= 12 else 0.62)
    font = FontProperties(size=size, weight="bold")
    # clear of the × (half its width, 3.2 points at scale 1) by half a digit and a little: readable type is larger
    away = max(LABEL_OFFSET * style.scale, 3.2 * style.scale + 0.5 * size + 1.5) if style.readable else None
    paths = []
    for k, (dx, dy) in enumerate(mode_label_offsets(modes)):
        glyphs = TextPath((0, 0), str(k), prop=font)
        box = glyphs.get_extents()
        reach = away or LABEL_OFFSET * style.scale
        shift = Affine2D().translate(
            -(box.x0 + box.x1) / 2 + reach * dx,
            -(box.y0 + box.y1) / 2 + reach * dy,
        )
        paths.append(shift.transform_path(glyphs))  # in points, centred LABEL_OFFSET points from the mode
    labels = PathCollection(
        paths, offsets=modes, offset_transform=ax.transData, facecolors=style.mode_marker, edgecolors="none", zorder=6
    )
    labels.set_transform(Affine2D().scale(ax.figure.dpi / 72))
    labels.texts = [str(k) for k in range(len(modes))]  # what each outline says
    ax.add_collection(labels, autolim=False)
    return labels


def outline_data(ax, rec, style) -> list:
    """The data's exact outline where its support is a curve (gananim.kinds.points.outline.data_outline), as moving lines."""
    return [
        ax.plot(
            line[:, 0],
            line[:, 1],
            color="#1b1b1b",
            linewidth=0.9 * style.scale,
            linestyle=(0, (4, 3)),
            alpha=0.7,
            zorder=5,
        )[0]
        for line in data_outline(rec)
    ]


class LegendColumn:
    """Where the legend column's two colour bars go beside a panel, worked out in pixels when the frame is drawn
    (after its layout): D's bar on top, its title inside the axes' height (above it the frame's title bar may be
    near), the density key below it with room for its title and tick labels, which are sized in points, and for
    the marks' legend under it; at any panel size nothing runs into anything."""

    def __init__(self, ax, style, view=None):
        self.ax, self.style, self.view = ax, style, view  # the view's foot_lines: the marks' legend lines

    def axes(self, which: int):
        cax = self.ax.inset_axes([KEY_X, 0.5 if which == 0 else 0.1, KEY_W, 0.4 if which == 0 else 0.2])
        cax.set_axes_locator(lambda _, renderer: self.box(which))
        return cax

    def box(self, which: int):
        p = self.ax.get_window_extent()
        pt = self.ax.figure.dpi / 72
        fs = self.style.fs
        title = (0.6 * fs(0.75) + 2 + 1.2 * fs(0.8)) * pt  # D's title over its bar, inside the axes' height
        gap = (0.6 * fs(0.75) + 1.3 * fs(0.72) + 0.6 * fs(0.7) + 6) * pt  # "fake 0", the key's title, its "top"
        lines = getattr(self.view, "foot_lines", FOOT_LINES)
        foot = (lines * fs(0.72) + 0.6 * fs(0.7) + 4) * pt  # the marks' legend lines and the key's "0"
        least_key = max(0.2 * p.height, 18 * pt, 2.4 * fs(0.7) * pt)  # room for the key's "top" and "0" apart
        d_height = max(0.3 * p.height, p.height - title - gap - foot - least_key)
        d_height = min(d_height, 0.62 * p.height)
        d_top = p.y1 - title
        key_top = d_top - d_height - gap
        key = max(key_top - (p.y0 + foot), 6 * pt)
        x = p.x0 + KEY_X * p.width
        bounds = (
            (x, d_top - d_height, KEY_W * p.width, d_height) if which == 0 else (x, key_top - key, KEY_W * p.width, key)
        )
        return Bbox.from_bounds(*bounds).transformed(self.ax.figure.transSubfigure.inverted())


@register
class SurfaceView(Tweening, View):
    """D as a banded purple/white image, generated density as red patches over it, data modes marked and numbered.
    Between snapshots D and the density cross-fade (gananim.rendering.views.tween): held, one frame in six repeated
    the one before and the next jumped (issue 19)."""

    name = "surface"
    kinds = ("points",)
    data_dims = (2,)
    needs_discriminator = True

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.colours = BandedOverlay(D_RAMP, D_BANDS, RED, DENSITY_GAMMA)
        self.vmax = density_vmax(rec)
        self.upsamplers: dict[tuple[int, int], Upsampler] = {}
        self.raster_ax = ax
        self.foot_lines = FOOT_LINES
        column = LegendColumn(ax, s, self)
        self.d_scale = DScale(
            rec
        )  # a critic's scores centred at the decision, a classifier's probabilities as they are
        scale = ax.figure.colorbar(
            ScalarMappable(BoundaryNorm(np.linspace(0, 1, D_BANDS + 1), D_CMAP.N), D_CMAP),
            cax=column.axes(0),
            ticks=[0, 0.5, 1],
        )
        scale.ax.set_yticklabels(self.d_scale.ticks, fontsize=s.fs(0.75))
        # clear of the top label
        scale.ax.set_title(self.d_scale.title, fontsize=s.fs(0.8), loc="left", pad=0.6 * s.fs(0.75) + 2)
        if self.d_scale.note:  # under the panel's tick labels, where no sample is drawn: what the bar's middle is
            under = offset_copy(ax.transAxes, ax.figure, y=-(1.3 * s.fs(0.75) + 5), units="points")
            ax.text(0.0, 0.0, self.d_scale.note, transform=under, ha="left", va="top", fontsize=s.fs(0.7), color=s.text)
        moving = self._density_key(ax, column.axes(1))
        self.frame_box(ax)
        outline = outline_data(ax, rec, s)
        if outline:
            ax.text(
                KEY_X, 0.0, "┄ data", transform=ax.transAxes, ha="left", va="bottom", fontsize=s.fs(0.72), color=s.text
            )
        self.mode_labels = label_modes(ax, rec, s) if len(rec.modes) else None
        if len(rec.modes):
            ax.text(
                KEY_X,
                0.0,
                "× data\n   modes",
                transform=ax.transAxes,
                ha="left",
                va="bottom",
                fontsize=s.fs(0.72),
                color=s.text,
                linespacing=1.0,
            )
            moving = [mark_modes(ax, rec, s)] + ([self.mode_labels] if self.mode_labels else []) + moving
        if shows_real(rec, self.data_points):  # over D and the density, under the modes' marks
            moving.insert(0, draw_real(ax, rec, s, zorder=4.5))
            self._real_key(ax, above=2.2 if outline or len(rec.modes) else 0.0)
        return outline + moving

    def _real_key(self, ax, above: float) -> None:
        """The real samples' mark and words at the foot of the legend column, `above` lines over the foot (over
        the modes' or the outline's words)."""
        size = self.style.fs(0.72)
        real_key(ax, self.style, KEY_X, size, above * size)
        self.foot_lines += above

    def _density_key(self, ax, cax) -> list:
        """The generated density's colour scale (transparent to red, over white) and its clipping mark."""
        s = self.style
        key = ax.figure.colorbar(ScalarMappable(Normalize(0, 1), density_cmap()), cax=cax, ticks=[0, 1])
        key.ax.set_yticklabels(["0", ""], fontsize=s.fs(0.7))
        # its title a line above its top label, in points, so it never meets D's bar above at any panel size
        above = offset_copy(key.ax.transAxes, ax.figure, y=0.7 * s.fs(0.7) + 2, units="points")
        key.ax.text(
            0.0, 1.0, "G(z) density", transform=above, ha="left", va="bottom", fontsize=s.fs(0.72), color=s.text
        )
        # the scale's top, moving: "top", or "▲ peak 12× top" in red while the density's peak is over it (clipped to
        # plain red), saying in words how far; set to its widest now so the frame's layout leaves room for it; the
        # first frame sets the real text
        tick = offset_copy(key.ax.transAxes, ax.figure, x=3.5 * s.scale + s.fs(0.7) * 0.35, units="points")
        self.clip = key.ax.text(
            1.0,
            1.0,
            clip_text(888),
            transform=tick,
            ha="left",
            va="center",
            fontsize=s.fs(0.7),
            zorder=6,
            clip_on=False,
        )
        return [self.clip]

    def draw(self, snap, at: float) -> None:
        self.snap = snap
        ratio = peak_ratio(self.snap.density, self.vmax)
        clipped = ratio >= CLIP_MARK
        self.clip.set_text(clip_text(ratio) if clipped else "top")
        self.clip.set_color(self.style.generated if clipped else self.style.text)
        self.clip.set_weight("bold" if clipped else "normal")

    def raster(self, height: int, width: int) -> np.ndarray:
        """D's bands with the generated density blended over them in red, top row first."""
        up = self.upsamplers.get((height, width)) or self.upsamplers.setdefault(
            (height, width), Upsampler(self.rec.grid.shape, (height, width))
        )
        d = self.d_scale.unit(self.snap)
        return self.colours.packed(up(d[::-1]), up(self.snap.density[::-1] / self.vmax))
