"""Goodfellow et al. 2014, Fig. 1, moving, as a manim block: the z line, arrows up to G(z) on the x line, the data
and generated densities, and D on its own 0..1 scale (the `goodfellow-1d` view's figure, sharing its geometry)."""

from __future__ import annotations

import numpy as np
from manim import LEFT, ORIGIN, RIGHT, UP, WHITE, DashedLine, Group, Line, PMobject, Rectangle, Text, VGroup, VMobject

from gananim.errors import GananimError
from gananim.rendering.drawing import (
    D_GREEN,
    DATA_BLUE,
    GENERATED_RED,
    HEADROOM,
    density_peak,
    latent_line,
    num,
    prior_label,
    z_extent,
    z_positions,
)
from gananim.rendering.manim.clock import Clock, series
from gananim.rendering.manim.paint import GREY, INK, dot_px, follow, on_top, set_arrows

PROBES = 60  # snapshots read to fix the density scale: fewer than the view reads, a scene starts faster


class Goodfellow1D(Group):
    """Goodfellow et al. 2014, Fig. 1, moving: z line below, arrows up to G(z) on the x line, data density (blue),
    generated density (red histogram), D (green, 0..1 with a dashed ½).

    Static parts are in `self.static` (add them to the scene separately, so they are drawn once); the x tick labels,
    on white chips, are in `self.overlay`, to add after the block: the arrows pass under them, never over them."""

    def __init__(self, rec, clock: Clock, center=ORIGIN, width: float = 11.0, height: float = 5.2, show_d: bool = True):
        super().__init__()
        if rec.manifest["data_dim"] != 1:
            raise GananimError("the 1D figure needs a 1D recording")
        self.rec, self.series = rec, series(rec)
        ((self.x0, self.x1),) = rec.view_box
        self.edges = rec.grid.edges[0]
        self.has_d = show_d and bool(rec.manifest.get("has_discriminator")) and rec[0].d_grid is not None
        self.peak = density_peak(rec, PROBES)
        cx, cy = center[0], center[1]
        # layout: density band [base, base + dh], arrow band below it, z line at its bottom
        self.left, self.w = cx - width / 2, width
        dh = height * 0.58
        self.base = cy + height / 2 - dh
        self.dscale = dh / (HEADROOM * self.peak)
        self.z_y = cy - height / 2 + 0.35
        # static parts in drawing order (later ones over earlier ones)
        static = Group(*self._x_line())
        self.overlay = on_top(self._tick_labels())[0]
        if rec.data_density is not None:
            static.add(self._data_density())
        static.add(*self._z_line(cx))
        static.add(self._legend(cy + height / 2 + 0.05))
        if self.has_d:
            static.add(*self._d_scale())
        self.static = static
        self._make_moving()
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def _x_line(self) -> list:
        """The x line and its name."""
        X, base = self.X, self.base
        return [
            Line([X(self.x0), base, 0], [X(self.x1), base, 0], color=INK, stroke_width=2.5),
            Text("x", font_size=22, color=INK, slant="ITALIC").next_to([X(self.x1), base, 0], UP + LEFT, buff=0.08),
        ]

    def _tick_labels(self) -> VGroup:
        """Five x tick labels under the x line, each on a white chip."""
        ticks = VGroup()
        for xv in np.linspace(self.x0, self.x1, 5):
            label = Text(num(xv), font_size=14, color=GREY).move_to([self.X(xv), self.base - 0.18, 0])
            chip = Rectangle(
                width=label.width + 0.1, height=label.height + 0.08, fill_color=WHITE, fill_opacity=0.9, stroke_width=0
            ).move_to(label)
            ticks.add(chip, label)
        return ticks

    def _data_density(self) -> VMobject:
        """The data density, filled down to the x line."""
        X, centres, data = self.X, self.rec.grid.axes[0], self.rec.data_density
        pts = np.column_stack([[X(x) for x in centres], self.base + data * self.dscale, np.zeros(len(centres))])
        poly = VMobject(stroke_color=DATA_BLUE, stroke_width=3, fill_color=DATA_BLUE, fill_opacity=0.18)
        poly.set_points_as_corners(
            np.concatenate([[[X(centres[0]), self.base, 0]], pts, [[X(centres[-1]), self.base, 0]]])
        )
        return poly

    def _z_line(self, cx: float) -> list:
        """The z line, its points and the prior's name under it; sets self.line_idx and self.tails_x."""
        rec, X = self.rec, self.X
        self.line_idx, z, zname = latent_line(rec)
        self.tails_x = np.array([X(xv) for xv in z_positions(z, *z_extent(rec, z), self.x0, self.x1)])
        line = Line([X(self.x0), self.z_y, 0], [X(self.x1), self.z_y, 0], color="#555555", stroke_width=2)
        dots = PMobject(stroke_width=dot_px(5))
        dots.points = np.column_stack([self.tails_x, np.full(len(z), self.z_y), np.zeros(len(z))])
        dots.rgbas = np.tile([0.23, 0.23, 0.23, 1.0], (len(z), 1))
        name = Text(prior_label(rec) if zname == "z" else zname, font_size=16, color=GREY).move_to(
            [cx, self.z_y - 0.25, 0]
        )
        return [line, dots, name]

    def _legend(self, y: float) -> VGroup:
        """The legend, one row of swatches and names from the left edge at height y."""
        legend = [("data", DATA_BLUE), ("G(z) density", GENERATED_RED)] + ([("D(x)", D_GREEN)] if self.has_d else [])
        row = VGroup()
        for name, colour in legend:
            row.add(
                VGroup(
                    Rectangle(
                        width=0.25,
                        height=0.14,
                        fill_color=colour,
                        fill_opacity=0.5,
                        stroke_color=colour,
                        stroke_width=1.5,
                    ),
                    Text(name, font_size=16, color=INK),
                ).arrange(RIGHT, buff=0.08)
            )
        return row.arrange(RIGHT, buff=0.35).move_to([self.left, y, 0], aligned_edge=LEFT)

    def _d_scale(self) -> list:
        """D's dashed ½ line and its own 0..1 axis on the right; sets self.d_unit (D = 1's height over the x line)."""
        X, base = self.X, self.base
        d1 = base + self.peak * self.dscale  # D = 1 level with the density scale's peak
        self.d_unit = d1 - base
        half = DashedLine(
            [X(self.x0), base + 0.5 * self.d_unit, 0],
            [X(self.x1), base + 0.5 * self.d_unit, 0],
            color=D_GREEN,
            stroke_width=1.5,
            stroke_opacity=0.6,
            dash_length=0.12,
        )
        axis_x = X(self.x1) + 0.15
        parts = [half, Line([axis_x, base, 0], [axis_x, d1, 0], color=D_GREEN, stroke_width=2)]
        for val, label in ((0, "0"), (0.5, "½"), (1, "1")):
            parts.append(Text(label, font_size=15, color=D_GREEN).move_to([axis_x + 0.2, base + val * self.d_unit, 0]))
        return parts

    def _make_moving(self) -> None:
        """The moving parts, empty until `show`: the generated density (fill, outline), the arrows and D's curve."""
        X = self.X
        self.fill = VMobject(stroke_width=0, fill_color=GENERATED_RED, fill_opacity=0.28)
        self.outline = VMobject(stroke_color=GENERATED_RED, stroke_width=3)
        self.arrows = VMobject(stroke_color="#3a3a3a", stroke_width=1.6, stroke_opacity=0.8)
        self.add(self.fill, self.outline, self.arrows)
        self.centres_x = np.array([X(c) for c in self.rec.grid.axes[0]])
        if self.has_d:
            self.d_curve = VMobject(stroke_color=D_GREEN, stroke_width=3.5)
            self.add(self.d_curve)
        self.xs = np.repeat([X(e) for e in self.edges], 2)

    def X(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.w

    def show(self, step: float) -> None:
        density = np.clip(
            np.nan_to_num(self.series.at("density", step), nan=0, posinf=0, neginf=0), 0, HEADROOM * self.peak * 1.02
        )
        ys = self.base + np.repeat(density, 2) * self.dscale
        outline = np.column_stack([self.xs, np.r_[self.base, ys, self.base], np.zeros(len(self.xs))])
        self.outline.set_points_as_corners(outline)
        self.fill.set_points_as_corners(np.vstack([outline, outline[:1]]))
        g = self.series.at("mapping", step)[self.line_idx, 0].astype(float)
        hx = np.array([self.X(v) for v in np.clip(np.nan_to_num(g, nan=self.x0), self.x0 - 1e3, self.x1 + 1e3)])
        n = len(hx)
        t = np.column_stack([self.tails_x, np.full(n, self.z_y), np.zeros(n)])
        h = np.column_stack(
            [np.clip(hx, self.X(self.x0) - 0.5, self.X(self.x1) + 0.5), np.full(n, self.base), np.zeros(n)]
        )
        set_arrows(self.arrows, t, h, 0.12)
        if self.has_d:
            d = np.clip(np.nan_to_num(self.series.at("d_grid", step), nan=0.5), 0, 1)
            self.d_curve.set_points_as_corners(
                np.column_stack([self.centres_x, self.base + d * self.d_unit, np.zeros(len(d))])
            )
