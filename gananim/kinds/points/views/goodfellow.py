"""`goodfellow-1d`: Goodfellow et al. 2014, Fig. 1, moving (seeds/003, seeds/004).

One axes, three bands from the bottom up:
    the z line      the latent grid's points, spread affinely over the x range (the prior's extent end to end);
    arrows          from each z up to G(z) on the x line: where they bunch up G's slope is small (mass piles
                    up there), where they fan out it is large; crossing arrows are a non-monotone mapping;
    the x line      with the data density (blue, static), the generator's density (red histogram) and D(x)
                    (green) on a right-hand [0, 1] axis with a dashed line at D = ½, where D ends up at the
                    optimum p_g = p_data.
Every limit is fixed for the whole video (computed once in `setup`), so a peak that grows really grows.
"""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from gananim.kinds.points.views.d_scale import DScale
from gananim.recording.game import game_of
from gananim.rendering.drawing import (
    HEADROOM,
    INSET,
    LOG4,
    density_peak,
    latent_line,
    num,
    prior_label,
    z_extent,
    z_positions,
)
from gananim.rendering.views.base import View, register
from gananim.rendering.views.tween import Tweening

BAND = 0.62  # height of the arrow band below the x line, as a share of the density band's height
Z_LEVEL = 0.80  # the z line's depth in the arrow band (its lower 20% holds the z labels)
ARROW = "#3a3a3a"
HEADROOM_LINES = 3.3  # above the peak: the legend's row, and V(G, D) over its optimum at the right


def step_outline(edges: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A histogram's outline: x at every edge twice, y at every bin twice.

    Runs of empty bins are NaN (a gap) except for the end points that close the drop from a filled bin, so
    the outline does not paint red over the x line where there is no generated mass.
    """
    ys = np.repeat(values, 2).astype(float)
    empty = values <= 0
    if empty.any():
        filled = ~empty
        left = np.r_[False, filled[:-1]]  # the bin to the left holds mass: keep this bin's left point (the drop)
        right = np.r_[filled[1:], False]  # the bin to the right holds mass: keep this bin's right point (the rise)
        ys[0::2][empty & ~left] = np.nan
        ys[1::2][empty & ~right] = np.nan
    return np.repeat(edges, 2)[1:-1], ys


def room_for_right_labels(ax, style, ems: float = 2.2) -> None:
    """Pull the axes' right edge in by a few ems, so a right-hand D axis keeps its tick labels inside the frame."""
    pos = ax.get_position()
    cut = ems * style.fs(0.8) * style.dpi / 72 / ax.figure.bbox.width
    ax.set_position([pos.x0, pos.y0, pos.width - cut, pos.height])


def d_axis(ax, s, low: float, high: float, xs: tuple[float, float], centres, half_zorder: float = 2, ticks=None):
    """D's own axis on the right (0, ½, 1 in D's colour; `ticks` names them otherwise: a critic's, views.d_scale)
    spanning low..high, the dashed ½ line, and D's curve (empty, filled per frame); returns (twin axes, D's line)."""
    twin = ax.twinx()
    twin.set_ylim(low, high)  # D = 0 on the x line, D = 1 level with the density scale's peak
    twin.set_yticks([0, 0.5, 1], ticks or ["0", "½", "1"])
    twin.tick_params(labelsize=s.fs(0.8), colors=s.discriminator)
    twin.spines["right"].set_bounds(0, 1)
    twin.spines["right"].set_color(s.discriminator)
    for side in ("top", "left", "bottom"):
        twin.spines[side].set_visible(False)
    twin.plot(
        list(xs),
        [0.5, 0.5],
        color=s.discriminator,
        alpha=0.55,
        linestyle=(0, (5, 4)),
        linewidth=1.0 * s.scale,
        zorder=half_zorder,
    )
    (line,) = twin.plot(
        centres, np.full(len(centres), np.nan), color=s.discriminator, linewidth=1.8 * s.scale, zorder=6
    )
    return twin, line


def peak_mark(ax, style):
    """The label that marks a generated density peak cut off by the top of the band (moving, hidden at first)."""
    return ax.text(
        0,
        0,
        "",
        ha="center",
        va="top",
        fontsize=style.fs(0.75),
        color=style.generated,
        visible=False,
        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8),
        zorder=7,
    )


def legend_row(ax, style, legend: list) -> None:
    """The legend as one row at the top left, inside the axes: `legend` is (handle, label) pairs, in order."""
    handles, labels = [h for h, _ in legend], [name for _, name in legend]
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0, 1.0),
        ncol=len(labels),
        frameon=False,
        fontsize=style.fs(0.8),
        borderaxespad=0.3,
        handlelength=1.6,
        columnspacing=1.4,
    )


def show_peak(mark, centres: np.ndarray, density: np.ndarray, peak: float) -> np.ndarray:
    """Cut the generated density at the band's peak (fixed for the video: above it the legend lives) and say how high
    it rises where it is cut, on the spike just under the cut; returns the density as drawn."""
    k = int(np.argmax(density))
    over = density[k] > peak
    mark.set_visible(bool(over))
    if over:
        mark.set_position((centres[k], peak))
        mark.set_text(f"▲ peak {density[k]:.3g}")
    return np.minimum(density, peak)


def headroom(ax, style, peak: float, below: float, lines: float) -> float:
    """The density band's top: HEADROOM times the peak it is scaled for, or more where the legend and texts above
    the peak (`lines` of them) need it: readable text on a small frame is tall against the band. The axes spans
    (1 + below) times the top (the band under the x line is `below` times it)."""
    need = style.px(style.fs(0.8)) * 1.3 * lines * (1 + below) / ax.get_window_extent().height  # share of the top
    return peak * max(HEADROOM, 1 / max(1 - need, 0.5))


def halo_ticks(ax, style, zorder: float = 5.5) -> None:
    """The x line's tick labels over what runs under them (arrows to G(z)), each on a halo of the background: the
    axis is drawn above the arrows, which pass beneath its labels and stay whole elsewhere."""
    ax.xaxis.set_zorder(zorder)
    halo = [patheffects.withStroke(linewidth=max(3 * style.scale, 2.5), foreground=style.background)]
    for tick in ax.xaxis.get_major_ticks():
        tick.label1.set_path_effects(halo)


@register
class GoodfellowView(Tweening, View):
    """z line below, arrows up to G(z), data (blue) / generated (red) densities and D (green) above the x line."""

    name = "goodfellow-1d"
    kinds = ("points",)
    data_dims = (1,)

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.ax = ax
        if rec.manifest.get("has_discriminator"):
            room_for_right_labels(ax, s)
        self.edges = rec.grid.edges[0]
        self.has_d = bool(rec.manifest.get("has_discriminator")) and rec[0].d_grid is not None
        band = self._draw_axes(ax)
        # static parts first, then the moving ones: artists of equal z-order are drawn in the order they are added
        legend = self._draw_data(ax)
        self._draw_z_line(ax, band)
        legend.append(self._make_density(ax))
        self._make_arrows(ax)
        self.peak_label = peak_mark(ax, s)
        moving = [self.fill, self.outline, self.quiver, self.peak_label]
        if self.has_d:
            legend.append(self._make_d(ax, band))
            moving.append(self.d_line)
        # legend and V(G, D) inside the headroom above D = 1, so panels side by side keep their titles clear
        legend_row(ax, s, legend)
        if self._make_value_text(ax) is not None:
            moving.append(self.value_text)
        return moving

    def _draw_axes(self, ax) -> float:
        """The fixed vertical layout, density band [0, top] over arrow band [-band, 0], and the x line as the x axis;
        sets self.peak, self.top and self.z_y and returns band."""
        s = self.style
        ((x0, x1),) = self.rec.view_box
        self.peak = density_peak(self.rec)
        self.top = top = headroom(ax, s, self.peak, BAND, HEADROOM_LINES)
        band = BAND * top
        self.z_y = -Z_LEVEL * band
        ax.set_xlim(x0, x1)
        ax.set_ylim(-band, top)
        ticks = [t for t in MaxNLocator(4).tick_values(0, self.peak) if 0 <= t <= top]
        ax.set_yticks(ticks)
        ax.spines["left"].set_bounds(0, top)
        ax.spines["bottom"].set_position(("data", 0))  # the x axis is the x line; its ticks label x
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_linewidth(1.4 * s.scale)
        ax.tick_params(axis="x", direction="inout", length=5 * s.scale, pad=1.5 * s.scale)
        halo_ticks(ax, s)
        ax.text(x1, 0, "x ", ha="right", va="bottom", fontsize=s.fs(1.0), style="italic", color=s.text)
        return band

    def _draw_data(self, ax) -> list:
        """The data density (static), if the recording has one; returns its (legend handle, label) pairs."""
        s, data, centres = self.style, self.rec.data_density, self.rec.grid.axes[0]
        if data is None:
            return []
        ax.fill_between(centres, data, color=s.data, alpha=0.18, linewidth=0, zorder=1)
        ax.plot(centres, data, color=s.data, linewidth=1.6 * s.scale, zorder=2)
        return [(Patch(facecolor=to_rgba(s.data, 0.18), edgecolor=s.data, linewidth=1.2 * s.scale), "data")]

    def _draw_z_line(self, ax, band: float) -> None:
        """The z line (static): the latent grid's points spread over the x range, its two end values and its name;
        sets self.line_idx and self.tails (the arrows' tails)."""
        rec, s = self.rec, self.style
        ((x0, x1),) = rec.view_box
        self.line_idx, z, zname = latent_line(rec)
        lo, hi = z_extent(rec, z)
        self.tails = z_positions(z, lo, hi, x0, x1)
        ax.plot(
            [x0 + (x1 - x0) * INSET * 0.5, x1 - (x1 - x0) * INSET * 0.5],
            [self.z_y, self.z_y],
            color="#555555",
            linewidth=1.2 * s.scale,
            zorder=2,
            solid_capstyle="butt",
        )
        ax.scatter(
            self.tails, np.full_like(self.tails, self.z_y), s=(3.2 * s.scale) ** 2, color=ARROW, zorder=3, linewidths=0
        )
        label_y = self.z_y - 0.08 * band
        for zv, xv in zip((lo, hi), z_positions([lo, hi], lo, hi, x0, x1)):  # the z line's scale: its two ends
            ax.text(xv, label_y, num(zv), ha="center", va="top", fontsize=s.fs(0.75), color="#555555")
        ax.text(
            (x0 + x1) / 2,
            label_y,
            prior_label(rec) if zname == "z" else zname,
            ha="center",
            va="top",
            fontsize=s.fs(0.8),
            color="#555555",
        )

    def _make_density(self, ax) -> tuple:
        """The generator's density, a fill and a step outline (moving, empty at first); returns its
        (legend handle, label)."""
        s = self.style
        xs, ys = step_outline(self.edges, np.zeros(len(self.rec.grid.axes[0])))
        self.outline_x = xs
        self.fill = Polygon(
            np.zeros((len(xs) + 2, 2)), closed=True, facecolor=to_rgba(s.generated, 0.28), edgecolor="none", zorder=3
        )
        ax.add_patch(self.fill)
        (self.outline,) = ax.plot(xs, ys, color=s.generated, linewidth=1.5 * s.scale, zorder=4)
        handle = Patch(facecolor=to_rgba(s.generated, 0.28), edgecolor=s.generated, linewidth=1.2 * s.scale)
        return handle, "G(z) density"

    def _make_arrows(self, ax) -> None:
        """The arrows from each z up to G(z) on the x line (moving), at the first snapshot's G."""
        s = self.style
        u, v = self._uv(self.rec[0])
        self.quiver = ax.quiver(
            self.tails,
            np.full_like(self.tails, self.z_y),
            u,
            v,
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
            alpha=0.75,
            zorder=5,
        )

    def _make_d(self, ax, band: float) -> tuple:
        """D's right-hand axis and curve (moving), D = 1 level with the density scale's peak;
        returns its (legend handle, label)."""
        s = self.style
        ((x0, x1),) = self.rec.view_box
        low, high = -band / self.peak, self.top / self.peak
        self.d_scale = DScale(self.rec)
        # LSGAN's regression, clipped: its axis says so where the legend has no room (beside the value at 720 px)
        ticks = self.d_scale.ticks if self.d_scale.critic else ["≤ 0", "½", "≥ 1"] if self.d_scale.regression else None
        self.twin, self.d_line = d_axis(ax, s, low, high, (x0, x1), self.rec.grid.axes[0], half_zorder=1, ticks=ticks)
        return Line2D(
            [], [], color=s.discriminator, linewidth=1.8 * s.scale
        ), "D(x)"  # l(x) for LSGAN: its axis and value say so

    def _make_value_text(self, ax):
        """V(G, D) at the top right (moving) over the static optimum −2 log 2, where the recording has values;
        sets self.values and self.value_text (None without them) and returns the latter."""
        s = self.style
        game = game_of(self.rec.manifest)
        # the game's value: V(G, D) against −2 log 2 where that is its optimum, else a critic's E D(real) − E D(fake)
        # LSGAN with raw scores: its D objective `ls_value` against ¼ (gananim.recording.game)
        self.value_name = game.value_name or "critic_gap"
        self.values = self.rec.scalars.get(self.value_name) if self.has_d else None
        self.value_text = None
        if self.values is None or not np.isfinite(self.values).any():
            return None
        if game.value_name is None:
            self.value_label = "E D(real) − E D(fake)"
            self.value_text = ax.text(
                0.995, 0.99, "", transform=ax.transAxes, ha="right", va="top", fontsize=s.fs(0.8), color=s.text
            )
            return self.value_text
        self.value_label = "L_D" if game.regression else "V(G, D)"  # as short: the legend is beside it at 720 px
        optimum = "LSGAN's optimum ¼" if game.regression else f"optimum −2 log 2 = {num(round(LOG4, 3))}"
        # two lines: only "V(G, D) = …" is redrawn each frame (glyphs are most of a frame's cost); the optimum is static
        self.value_text = ax.text(
            0.995, 0.99, "", transform=ax.transAxes, ha="right", va="top", fontsize=s.fs(0.8), color=s.text
        )
        ax.text(
            0.995,
            0.99,
            optimum,
            ha="right",
            va="top",
            fontsize=s.fs(0.75),
            color="#666666",
            transform=offset_copy(ax.transAxes, ax.figure, y=-1.45 * s.fs(0.8), units="points"),
        )
        return self.value_text

    def _uv(self, snap) -> tuple[np.ndarray, np.ndarray]:
        """Arrow vectors from each z to (G(z), 0); NaN/inf heads become masked (not drawn)."""
        g = snap.mapping[self.line_idx, 0].astype(float)
        u = np.ma.masked_invalid(g - self.tails)
        v = np.ma.array(np.full(len(g), -self.z_y), mask=np.ma.getmaskarray(u))
        return u, v

    def draw(self, snap, at: float) -> None:
        self.snap = snap
        density = np.clip(np.nan_to_num(snap.density, nan=0.0, posinf=0.0, neginf=0.0), 0, None)
        density = show_peak(self.peak_label, self.rec.grid.axes[0], density, self.peak)  # cut under the legend
        _, ys = step_outline(self.edges, density)
        self.outline.set_ydata(ys)
        xs = self.outline_x
        self.fill.set_xy(np.column_stack([np.r_[xs[0], xs, xs[-1]], np.r_[0.0, np.repeat(density, 2), 0.0]]))
        self.quiver.set_UVC(*self._uv(snap))
        if self.has_d:
            self.d_line.set_ydata(self.d_scale.unit(snap))
        if self.value_text is not None:
            v = snap.scalars.get(self.value_name, np.nan)
            self.value_text.set_text(f"{self.value_label} = {v:.3f}".replace("-", "−") if np.isfinite(v) else "")
