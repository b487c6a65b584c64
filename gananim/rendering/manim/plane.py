"""The recording's 2D data plane on screen, and D's decision surface drawn on it as one image rewritten in place."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, ImageMobject, Rectangle, Text, VGroup, VMobject, config

from gananim.rendering.drawing import (
    D_RAMP,
    DATA_TINT_RAMP,
    DENSITY_GAMMA,
    RED,
    BandedOverlay,
    Upsampler,
    density_vmax,
    latent_tails,
)
from gananim.rendering.manim.clock import Clock, series
from gananim.rendering.manim.paint import GREY, INK, follow, px_per_unit, set_segments


class Plane:
    """The recording's 2D view box placed on screen: data coordinates → scene points."""

    def __init__(self, view_box, center=ORIGIN, height: float = 6.0, width: float | None = None):
        (self.x0, self.x1), (self.y0, self.y1) = view_box[0], view_box[1] if len(view_box) > 1 else (0.0, 1.0)
        self.height = height
        self.scale = height / (self.y1 - self.y0)
        self.width = width if width is not None else (self.x1 - self.x0) * self.scale
        self.xscale = self.width / (self.x1 - self.x0)
        self.center = np.array(center, dtype=float)

    def to_scene(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        out = np.zeros((len(xy), 3))
        out[:, 0] = self.center[0] + (xy[:, 0] - (self.x0 + self.x1) / 2) * self.xscale
        out[:, 1] = self.center[1] + (xy[:, 1] - (self.y0 + self.y1) / 2) * self.scale
        return out

    def bounds(self) -> tuple[float, float, float, float]:
        """The panel's edges in scene coordinates: (left, right, bottom, top)."""
        cx, cy = self.center[0], self.center[1]
        return cx - self.width / 2, cx + self.width / 2, cy - self.height / 2, cy + self.height / 2

    def inside(self, pts: np.ndarray) -> np.ndarray:
        """Which scene points lie in the panel."""
        x0, x1, y0, y1 = self.bounds()
        return (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)

    def below(self, gap: float = 0.42) -> np.ndarray:
        """A point centred under the panel, clear of its corner coordinates: where a panel's note goes."""
        return np.array([self.center[0], self.center[1] - self.height / 2 - gap, 0.0])

    def box(self, stroke=GREY) -> VGroup:
        """The frame around the plane with its corner coordinates (static)."""
        rect = Rectangle(width=self.width, height=self.height, stroke_color=stroke, stroke_width=1.5).move_to(
            self.center
        )
        fs = 14
        num = lambda v: f"{v:.3g}".replace("-", "−")  # noqa: E731
        lo = Text(num(self.x0), font_size=fs, color=GREY).next_to(rect.get_corner(DOWN + LEFT), DOWN, buff=0.08)
        hi = Text(num(self.x1), font_size=fs, color=GREY).next_to(rect.get_corner(DOWN + RIGHT), DOWN, buff=0.08)
        ylo = Text(num(self.y0), font_size=fs, color=GREY).next_to(rect.get_corner(DOWN + LEFT), LEFT, buff=0.08)
        yhi = Text(num(self.y1), font_size=fs, color=GREY).next_to(rect.get_corner(UP + LEFT), LEFT, buff=0.08)
        return VGroup(rect, lo, hi, ylo, yhi)

    def pixel_size(self) -> tuple[int, int]:
        """(height, width) in output pixels: images drawn at this size need no resampling."""
        k = px_per_unit()
        return max(8, int(round(self.height * k))), max(8, int(round(self.width * k)))


def mapping_box(rec) -> tuple[tuple[float, float], tuple[float, float]]:
    """A view box holding both the data's view box and the latent grid's tails (so no arrow leaves the panel)."""
    (x0, x1), (y0, y1) = rec.view_box
    t = latent_tails(rec)
    return (min(x0, float(t[:, 0].min())), max(x1, float(t[:, 0].max()))), (
        min(y0, float(t[:, 1].min())),
        max(y1, float(t[:, 1].max())),
    )


def modes_marker(rec, plane: Plane, size: float = 0.09, color=INK, numbered: bool = False):
    """The data modes as small crosses: ONE VMobject, static. numbered: each cross with its number beside it (the
    number captions use: mode 0 is the recording's first mode), pushed away from the modes' middle; a VGroup."""
    m = VMobject(stroke_color=color, stroke_width=2.5)
    pts = plane.to_scene(rec.modes) if len(rec.modes) else np.zeros((0, 3))
    arms = np.array([[1, 1, 0], [1, -1, 0]]) * size  # the two strokes of each cross
    set_segments(m, (pts[:, None] - arms).reshape(-1, 3), (pts[:, None] + arms).reshape(-1, 3))
    if not numbered:
        return m
    labels = VGroup()
    middle = pts.mean(axis=0) if len(pts) else ORIGIN
    for k, p in enumerate(pts):
        away = p - middle
        norm = np.linalg.norm(away)
        away = away / norm if norm > 1e-6 else (UP + RIGHT) / np.sqrt(2)
        labels.add(Text(str(k), font_size=15, color=color).move_to(p + away * size * 2.6))
    return VGroup(m, labels)


class DSurface(ImageMobject):
    """D's decision surface (purple = real, white = fake, in bands) with the generated density in red over it:
    ONE ImageMobject whose pixels are rewritten in place, at the plane's output pixel size.

    base='data' draws the data density in light purple instead of D (for recordings without a discriminator)."""

    def __init__(self, rec, plane: Plane, clock: Clock, bands: int = 10, density: bool = True, base: str = "d"):
        self.rec, self.plane, self.clock = rec, plane, clock
        self.series = series(rec)
        if base == "d" and self.rec[0].d_grid is None:
            base = "data"
        self.base, self.show_density = base, density
        h, w = plane.pixel_size()
        self.up = Upsampler(rec.grid.shape, (h, w))
        self.vmax = density_vmax(rec)
        if base == "d":
            self.colours = BandedOverlay(D_RAMP, bands, RED, DENSITY_GAMMA)
        else:
            self.colours = BandedOverlay(DATA_TINT_RAMP, 32, RED, DENSITY_GAMMA)
            dd = rec.data_density
            ref = float(np.quantile(dd[dd > 0], 0.99)) if dd is not None and (dd > 0).any() else 1.0
            self.static_base = self.up((dd if dd is not None else np.zeros(rec.grid.shape))[::-1] / ref)
        pixels = np.full((h, w, 4), 255, np.uint8)
        super().__init__(pixels, scale_to_resolution=config.pixel_height)
        self.stretch_to_fit_width(plane.width)
        self.stretch_to_fit_height(plane.height)
        self.move_to(plane.center)
        self.set_resampling_algorithm(0)  # nearest: the image is already at output size
        self.paste_direct = True  # FastCamera copies it into the frame without resampling
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def show(self, step: float) -> None:
        if self.base == "d":
            base = self.up(np.clip(self.series.at("d_grid", step)[::-1], 0, 1))
        else:
            base = self.static_base
        if self.show_density:
            over = self.up(np.clip(np.nan_to_num(self.series.at("density", step)[::-1]) / self.vmax, 0, 1))
        else:
            over = np.zeros_like(base)
        self.pixel_array[..., :3] = self.colours(base, over)
