"""D as mountains in a manim scene: height = D on a fixed 0..1 scale, the generated density painted red on it, seen
from a camera orbiting slowly; drawn by a small painter's-algorithm rasteriser into one image rewritten in place."""

from __future__ import annotations

import math

import numpy as np
from manim import ORIGIN, ImageMobject, config

from gananim.rendering.drawing import (
    D_RAMP,
    DENSITY_GAMMA,
    ELEVATION,
    RED,
    BandedOverlay,
    Mesh,
    density_vmax,
    face_shading,
)
from gananim.rendering.manim.clock import Clock, series
from gananim.rendering.manim.paint import follow, px_per_unit


class Mountains(ImageMobject):
    """D as a 3D surface (height = D on a fixed 0..1 scale) with the generated density painted red on it,
    seen from a camera orbiting around it. Drawn by a small painter's-algorithm rasteriser (pycairo, faces
    sorted back to front) into ONE ImageMobject rewritten in place: a manim Surface of ~1600 faces would be
    1600 mobjects to sort and draw each frame."""

    def __init__(
        self,
        rec,
        clock: Clock,
        center=ORIGIN,
        width: float = 9.0,
        height: float = 6.5,
        azimuth=(-115.0, -15.0),
        elevation: float = ELEVATION,
        z_aspect: float = 0.55,
    ):
        import cairo

        self.rec, self.series, self.clock = rec, series(rec), clock
        self.azimuth, self.elevation, self.z_aspect = azimuth, elevation, z_aspect
        mesh = self.mesh = Mesh(rec.grid.shape)
        (x0, x1), (y0, y1) = rec.view_box
        self.box = (x0, x1, y0, y1)
        aspect = (y1 - y0) / (x1 - x0)
        gx, gy = np.meshgrid(np.linspace(-1, 1, mesh.mx + 1), np.linspace(-aspect, aspect, mesh.my + 1))
        self.gx, self.gy = gx.ravel(), gy.ravel()
        self.corners = mesh.corners
        self.colours = BandedOverlay(D_RAMP, 64, RED, DENSITY_GAMMA)
        self.vmax = density_vmax(rec)
        self.aspect = aspect
        self.modes = rec.modes
        self.pw, self.ph = int(round(width * px_per_unit())), int(round(height * px_per_unit()))
        self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, self.pw, self.ph)
        self.ctx = cairo.Context(self.surface)
        super().__init__(np.full((self.ph, self.pw, 4), 255, np.uint8), scale_to_resolution=config.pixel_height)
        self.stretch_to_fit_width(width)
        self.stretch_to_fit_height(height)
        self.move_to(center)
        self.set_resampling_algorithm(0)
        self.paste_direct = True
        self.sweep = 0.0
        # one scale for every azimuth: the box's footprint radius and height decide it
        r = math.hypot(1.0, aspect)
        e = math.radians(elevation)
        lo, hi = -r * math.sin(e), 2 * z_aspect * math.cos(e) + r * math.sin(e)
        self._fit = (min(self.pw / (2 * r) * 0.9, self.ph / (hi - lo) * 0.86), (lo + hi) / 2)
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def __deepcopy__(self, memo):
        """Copies (as animations make them) are plain images of the current frame: cairo objects do not copy."""
        copy = ImageMobject(self.pixel_array.copy(), scale_to_resolution=config.pixel_height)
        copy.points = self.points.copy()
        copy.set_resampling_algorithm(0)
        return copy

    def camera(self, step: float) -> float:
        """The azimuth at a step: one slow sweep over the training, pure in the step."""
        s0, s1 = float(self.rec.steps[0]), float(self.rec.steps[-1])
        share = (step - s0) / ((s1 - s0) or 1.0)
        return self.azimuth[0] + (self.azimuth[1] - self.azimuth[0]) * share + self.sweep

    def project(self, x, y, z, az):
        a, e = math.radians(az), math.radians(self.elevation)
        xr = x * math.cos(a) - y * math.sin(a)
        yr = x * math.sin(a) + y * math.cos(a)
        up = z * math.cos(e) + yr * math.sin(e)
        depth = yr * math.cos(e) - z * math.sin(e)
        s, mid = self._fit
        return self.pw / 2 + xr * s, self.ph / 2 - (up - mid) * s, depth

    def show(self, step: float) -> None:
        ctx = self.ctx
        d = np.nan_to_num(self.series.at("d_grid", step).astype(np.float64), nan=0.0)
        dens = np.nan_to_num(self.series.at("density", step).astype(np.float64), nan=0.0, posinf=0.0)
        heights = np.clip(self.mesh.vertices(d), 0, 1).ravel()
        z = heights * self.z_aspect * 2
        face_d = self.mesh.faces(d)
        face_dens = self.mesh.faces(dens) / self.vmax
        rgb = self.colours(np.clip(face_d, 0, 1), np.clip(face_dens, 0, 1)).astype(np.float64) / 255
        rgb *= face_shading(np.stack([self.gx, self.gy, z], axis=1)[self.corners])[:, None]
        az = self.camera(step)
        sx, sy, depth = self.project(self.gx, self.gy, z, az)
        order = np.argsort(-depth[self.corners].mean(axis=1))
        ctx.set_source_rgb(1, 1, 1)
        ctx.paint()
        self._floor(ctx, az)
        ctx.set_line_width(0.8)
        ctx.set_line_join(1)  # cairo.LINE_JOIN_ROUND
        fx, fy = sx[self.corners], sy[self.corners]
        for k in order:
            xs, ys = fx[k], fy[k]
            ctx.move_to(xs[0], ys[0])
            ctx.line_to(xs[1], ys[1])
            ctx.line_to(xs[2], ys[2])
            ctx.line_to(xs[3], ys[3])
            ctx.close_path()
            r, g, b = rgb[k]
            ctx.set_source_rgb(r, g, b)
            ctx.fill_preserve()
            ctx.stroke()
        self._modes(ctx, d, az)
        self._axis(ctx, az)
        self.surface.flush()
        buf = np.ndarray((self.ph, self.surface.get_stride() // 4, 4), np.uint8, self.surface.get_data())[:, : self.pw]
        self.pixel_array[..., 0] = buf[..., 2]
        self.pixel_array[..., 1] = buf[..., 1]
        self.pixel_array[..., 2] = buf[..., 0]

    def _floor(self, ctx, az) -> None:
        """The floor's outline (under the surface)."""
        a = self.aspect
        corners = np.array([[-1, -a], [1, -a], [1, a], [-1, a]], float)
        sx, sy, _ = self.project(corners[:, 0], corners[:, 1], np.zeros(4), az)
        ctx.set_source_rgb(0.55, 0.55, 0.55)
        ctx.set_line_width(1.2)
        ctx.move_to(sx[0], sy[0])
        for k in (1, 2, 3, 0):
            ctx.line_to(sx[k], sy[k])
        ctx.stroke()

    def axis(self, az: float) -> tuple[float, np.ndarray]:
        """Where the D axis stands at azimuth az: its screen x and the screen y of D = 0, ½, 1. It stands just left of
        the floor's leftmost corner on screen, its 0 at that corner's height: the projection's screen x does not
        depend on height, so no part of the surface lies left of that corner, and the axis is never covered."""
        a = self.aspect
        corners = np.array([[-1, -a], [1, -a], [1, a], [-1, a]], float)
        sx, _, _ = self.project(corners[:, 0], corners[:, 1], np.zeros(4), az)
        cx, cy = corners[int(np.argmin(sx))]
        px, py, _ = self.project(np.full(3, cx), np.full(3, cy), np.array([0.0, 0.5, 1.0]) * 2 * self.z_aspect, az)
        return float(px[0]) - self.ph * 0.012, py

    def _axis(self, ctx, az) -> None:
        """The D axis 0..1 with ticks, labels centred on them to its left (drawn after the surface)."""
        x, py = self.axis(az)
        tick = self.ph * 0.012
        ctx.set_source_rgb(0.45, 0.45, 0.45)
        ctx.set_line_width(1.2)
        ctx.move_to(x, py[0])
        ctx.line_to(x, py[2])
        for y in py:
            ctx.move_to(x - tick, y)
            ctx.line_to(x, y)
        ctx.stroke()
        ctx.set_font_size(max(9, self.ph * 0.03))
        for y, label in zip(py, ("0", "1/2", "1")):
            xb, yb, w, h, _, _ = ctx.text_extents(label)
            ctx.move_to(x - tick - 3 - w - xb, y - yb - h / 2)  # right-aligned, centred on its tick
            ctx.show_text(label)
        xb, yb, w, h, _, _ = ctx.text_extents("D(x)")
        ctx.move_to(x - w / 2 - xb, py[2] - tick - h - yb)
        ctx.show_text("D(x)")

    def _modes(self, ctx, d, az) -> None:
        if not len(self.modes):
            return
        x0, x1, y0, y1 = self.box
        ny, nx = d.shape
        fx = np.clip((self.modes[:, 0] - x0) / (x1 - x0) * nx - 0.5, 0, nx - 1).round().astype(int)
        fy = np.clip((self.modes[:, 1] - y0) / (y1 - y0) * ny - 0.5, 0, ny - 1).round().astype(int)
        mx = (self.modes[:, 0] - x0) / (x1 - x0) * 2 - 1
        my = ((self.modes[:, 1] - y0) / (y1 - y0) * 2 - 1) * self.aspect
        sx, sy, _ = self.project(mx, my, np.clip(d[fy, fx], 0, 1) * 2 * self.z_aspect + 0.01, az)
        ctx.set_source_rgb(0.07, 0.07, 0.07)
        ctx.set_line_width(max(1.5, self.ph * 0.004))
        r = max(3, self.ph * 0.012)
        for x, y in zip(sx, sy):
            ctx.move_to(x - r, y - r)
            ctx.line_to(x + r, y + r)
            ctx.move_to(x - r, y + r)
            ctx.line_to(x + r, y - r)
        ctx.stroke()
        ctx.set_font_size(max(9, self.ph * 0.026))
        for k, (x, y) in enumerate(zip(sx, sy)):  # numbered as the captions name them
            ctx.move_to(x + 1.3 * r, y - 1.3 * r)
            ctx.show_text(str(k))
