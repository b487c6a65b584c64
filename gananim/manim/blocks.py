"""Manim building blocks made from a Recording: each follows it step by step, interpolating between snapshots.

Every block reads the training step from a `Clock` (one ValueTracker holding a fractional training step, or a
progress 0..1 for recordings synchronised on their share of training) and redraws itself IN PLACE from ONE
updater: the D surface is one ImageMobject whose pixels are rewritten, the samples one PMobject, the mapping's
arrows a handful of VMobjects with many subpaths (one per colour), curves one VMobject each. Nothing creates
mobjects per frame, so a 720p frame costs a few milliseconds of numpy and one cairo pass.

Snapshot arrays are read once per recording (`Series`) and interpolated linearly at fractional indices:
a frame between snapshots i and i+1 shows (1 - w) * snap[i] + w * snap[i+1], so nothing jumps.
"""

from __future__ import annotations

import colorsys
import math

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, DashedLine, Group, ImageMobject, Line, PMobject, Rectangle, Text,
                   ValueTracker, VGroup, VMobject, config)
from manim.utils.color import ManimColor

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.views.goodfellow import HEADROOM, LOG4, MAX_PEAK, PEAK_QUANTILE, latent_line, probe_indices
from gananim.views.mapping import grid_colours, tails as latent_tails
from gananim.views.mountains import box_weights, lerp_weights, mesh_size
from gananim.views.raster import BandedOverlay, Upsampler
from gananim.views.style import D_CMAP, DENSITY_GAMMA, EVENT_COLOURS, RED, Style
from gananim.views.surface import density_vmax

STYLE = Style()
FONT = "DejaVu Sans"
Text.set_default(font=FONT)
INK = "#222222"
GREY = "#666666"
DATA_PURPLE = (0.42, 0.24, 0.6)


# --------------------------------------------------------------------------- data access and time

class Series:
    """A recording's snapshot arrays stacked once, read at fractional snapshot indices (linear interpolation)."""

    def __init__(self, rec):
        self.rec = rec
        self.n = len(rec)
        if self.n == 0:
            raise GananimError(f"recording {rec.path} has no snapshots to show")
        self.steps = rec.steps.astype(float)
        self.index = np.arange(self.n, dtype=float)
        self._stacks: dict[str, np.ndarray] = {}

    def stack(self, name: str) -> np.ndarray:
        if name not in self._stacks:
            first = getattr(self.rec[0], name)
            if first is None:
                raise GananimError(f"recording {self.rec.path} has no {name} (needed by this scene)")
            self._stacks[name] = np.stack([getattr(self.rec[i], name) for i in range(self.n)]).astype(np.float32)
        return self._stacks[name]

    def frac(self, step: float) -> float:
        """Fractional snapshot index at a training step (clamped to the recording)."""
        return float(np.interp(step, self.steps, self.index))

    def at(self, name: str, step: float) -> np.ndarray:
        """The array `name` at a training step, interpolated between the two snapshots around it."""
        s = self.stack(name)
        f = self.frac(step)
        i = min(int(math.floor(f)), self.n - 1)
        w = f - i
        if w <= 1e-6 or i + 1 >= self.n:
            return s[i]
        return s[i] + (s[i + 1] - s[i]) * np.float32(w)

    def scalar(self, name: str, step: float) -> float:
        v = analyse(self.rec).series.get(name)
        return float(np.interp(step, self.steps, v)) if v is not None else float("nan")


def series(rec) -> Series:
    """The (shared) Series of a recording: blocks showing the same recording read its arrays once."""
    s = getattr(rec, "_manim_series", None)
    if s is None:
        s = Series(rec)
        rec._manim_series = s
    return s


class Clock:
    """What every block reads: a ValueTracker holding the training step (sync='step'), or the share of
    training 0..1 (sync='progress', for recordings of different lengths shown side by side)."""

    def __init__(self, recs, sync: str = "step"):
        self.recs = list(recs)
        self.sync = sync
        if sync == "step":
            self.start = float(min(r.steps[0] for r in self.recs))
            self.end = float(max(r.steps[-1] for r in self.recs))
        else:
            self.start, self.end = 0.0, 1.0
        self.tracker = ValueTracker(self.start)

    def step_for(self, rec) -> float:
        v = self.tracker.get_value()
        if self.sync == "step":
            return v
        return float(rec.steps[0] + v * (rec.steps[-1] - rec.steps[0]))

    def value_at_step(self, rec, step: float) -> float:
        """The tracker value at which `rec` shows `step`."""
        if self.sync == "step":
            return float(step)
        span = float(rec.steps[-1] - rec.steps[0]) or 1.0
        return (step - rec.steps[0]) / span

    def slow_spans(self, margin: float = 0.02) -> list[tuple[float, float]]:
        """Tracker-value spans around every detected event (slow motion and captions live there)."""
        spans = []
        pad = margin * (self.end - self.start)
        for rec in self.recs:
            for e in analyse(rec).events:
                a, b = self.value_at_step(rec, e.start), self.value_at_step(rec, e.end)
                spans.append((a - pad, b + pad))
        return spans

    def rate_func(self, slowmo: float = 4.0, samples: int = 2000):
        """A rate function for the tracker's animation from start to end: slowmo times slower in event spans."""
        v = np.linspace(self.start, self.end, samples)
        weight = np.ones(samples)
        for a, b in self.slow_spans():
            weight[(v >= a) & (v <= b)] = slowmo
        clock = np.concatenate([[0], np.cumsum((weight[1:] + weight[:-1]) / 2)])
        clock /= clock[-1] or 1.0
        share = (v - self.start) / ((self.end - self.start) or 1.0)
        return lambda alpha: float(np.interp(alpha, clock, share))

    def animate(self, run_time: float, slowmo: float = 4.0):
        """The animation playing the whole recording in `run_time` seconds, slowed around events."""
        self.tracker.set_value(self.start)
        return self.tracker.animate(run_time=run_time, rate_func=self.rate_func(slowmo)).set_value(self.end)


def on_top(*mobs):
    """Mark mobjects drawn OVER moving ones (a box, crosses on a surface image): manim paints static mobjects
    first, so a static cross under a moving image would vanish; a no-op updater keeps them in draw order."""
    for m in mobs:
        m.add_updater(lambda m: None)
    return mobs


def mapping_box(rec) -> tuple[tuple[float, float], tuple[float, float]]:
    """A view box holding both the data's view box and the latent grid's tails (so no arrow leaves the panel)."""
    (x0, x1), (y0, y1) = rec.view_box
    t = latent_tails(rec)
    return (min(x0, float(t[:, 0].min())), max(x1, float(t[:, 0].max()))), (min(y0, float(t[:, 1].min())), max(y1, float(t[:, 1].max())))


def follow(mob, fn):
    """Attach ONE updater calling fn(mob) and run it once now, so the first frame is right."""
    mob.add_updater(lambda m: fn(m))
    fn(mob)
    return mob


def dot_px(width: float) -> float:
    """A point cloud's dot size in pixels, scaled with the frame (manim's PMobject sizes are raw pixels)."""
    return max(1.0, width * config.pixel_height / 720)


def px_per_unit() -> float:
    return config.pixel_height / config.frame_height


# --------------------------------------------------------------------------- 2D data plane

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

    def box(self, stroke=GREY) -> VGroup:
        """The frame around the plane with its corner coordinates (static)."""
        rect = Rectangle(width=self.width, height=self.height, stroke_color=stroke, stroke_width=1.5).move_to(self.center)
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


def modes_marker(rec, plane: Plane, size: float = 0.09, color=INK) -> VMobject:
    """The data modes as small crosses: ONE VMobject, static."""
    m = VMobject(stroke_color=color, stroke_width=2.5)
    pts = plane.to_scene(rec.modes) if len(rec.modes) else np.zeros((0, 3))
    segs = []
    for p in pts:
        for d in (np.array([1, 1, 0]), np.array([1, -1, 0])):
            segs.append((p - d * size, p + d * size))
    _set_segments(m, segs)
    return m


def _set_segments(mob: VMobject, segs) -> None:
    """Straight segments as cubic Bézier subpaths, written into the mobject's points in one go."""
    if len(segs) == 0:
        mob.points = np.zeros((0, 3))
        return
    a = np.array([s[0] for s in segs], dtype=float)
    b = np.array([s[1] for s in segs], dtype=float)
    _set_segment_arrays(mob, a, b)


def _set_segment_arrays(mob: VMobject, a: np.ndarray, b: np.ndarray) -> None:
    pts = np.empty((len(a), 4, 3))
    d = b - a
    pts[:, 0] = a
    pts[:, 1] = a + d / 3
    pts[:, 2] = a + 2 * d / 3
    pts[:, 3] = b
    mob.points = pts.reshape(-1, 3)


# --------------------------------------------------------------------------- the D surface (2D image)

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
            self.colours = BandedOverlay(D_CMAP, bands, RED, DENSITY_GAMMA)
        else:
            from matplotlib.colors import LinearSegmentedColormap

            cmap = LinearSegmentedColormap.from_list("data", ["#ffffff", "#d9cde6"])
            self.colours = BandedOverlay(cmap, 32, RED, DENSITY_GAMMA)
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


# --------------------------------------------------------------------------- samples and mapping

class SampleCloud(PMobject):
    """The generator's fixed samples G(z_k) as ONE point cloud moving smoothly (non-finite ones hidden)."""

    def __init__(self, rec, plane: Plane, clock: Clock, color=STYLE.generated, stroke_width: float = 4, opacity: float = 0.8):
        super().__init__(stroke_width=dot_px(stroke_width))
        self.rec, self.plane, self.series = rec, plane, series(rec)
        n = len(self.series.stack("samples")[0])
        self.points = np.zeros((n, 3))
        self.rgbas = np.tile(np.append(ManimColor(color).to_rgb(), opacity), (n, 1))
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def show(self, step: float) -> None:
        xy = self.series.at("samples", step)[:, :2]
        pts = self.plane.to_scene(xy)
        bad = ~np.isfinite(pts).all(axis=1)
        pts[bad] = 1e3  # off screen
        self.points = pts


class MappingArrows(VGroup):
    """Arrows z → G(z) from the latent grid, coloured by z's place in it (a fold shows as colours crossing):
    ONE VMobject per colour group, every arrow a few straight subpaths, rewritten in place each frame."""

    def __init__(self, rec, plane: Plane, clock: Clock, groups: int = 12, stroke_width: float = 1.6,
                 opacity: float = 0.75, head: float = 0.1):
        super().__init__()
        self.rec, self.plane, self.series, self.head = rec, plane, series(rec), head
        self.tails = plane.to_scene(latent_tails(rec))
        coords = rec.fixed["latent_grid_coords"]
        colours = grid_colours(coords)
        c = coords - coords.mean(axis=0)
        hue = (np.arctan2(c[:, 1] if c.shape[1] > 1 else 0 * c[:, 0], c[:, 0]) / (2 * np.pi)) % 1
        key = np.minimum((hue * groups).astype(int), groups - 1)
        self.members = [np.flatnonzero(key == k) for k in range(groups) if (key == k).any()]
        for idx in self.members:
            rgb = colours[idx].mean(axis=0)
            self.add(VMobject(stroke_color=ManimColor(rgb), stroke_width=stroke_width, stroke_opacity=opacity))
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def show(self, step: float) -> None:
        heads = self.plane.to_scene(self.series.at("mapping", step)[:, :2])
        bad = ~np.isfinite(heads).all(axis=1)
        heads[bad] = self.tails[bad]
        for mob, idx in zip(self.submobjects, self.members):
            _arrow_paths(mob, self.tails[idx], heads[idx], self.head)


def _arrow_paths(mob: VMobject, t: np.ndarray, h: np.ndarray, head: float) -> None:
    """Shaft and two barbs per arrow as straight subpaths (vectorised)."""
    v = h - t
    length = np.linalg.norm(v, axis=1, keepdims=True)
    u = np.divide(v, length, out=np.zeros_like(v), where=length > 1e-9)
    n = np.stack([-u[:, 1], u[:, 0], np.zeros(len(u))], axis=1)
    hl = np.minimum(0.4 * length, head)
    wing_a = h - hl * (0.9 * u + 0.45 * n)
    wing_b = h - hl * (0.9 * u - 0.45 * n)
    a = np.concatenate([t, h, h])
    b = np.concatenate([h, wing_a, wing_b])
    _set_segment_arrays(mob, a, b)


# --------------------------------------------------------------------------- the 1D Goodfellow figure

class Goodfellow1D(Group):
    """Goodfellow et al. 2014, Fig. 1, moving: z line below, arrows up to G(z) on the x line, data density (blue),
    generated density (red histogram), D (green, 0..1 with a dashed ½).

    Static parts are in `self.static` (add them to the scene separately, so they are drawn once)."""

    def __init__(self, rec, clock: Clock, center=ORIGIN, width: float = 11.0, height: float = 5.2, show_d: bool = True):
        super().__init__()
        if rec.manifest["data_dim"] != 1:
            raise GananimError("the 1D figure needs a 1D recording")
        self.rec, self.series = rec, series(rec)
        (x0, x1), = rec.view_box
        self.x0, self.x1 = x0, x1
        self.edges = rec.grid.edges[0]
        centres = rec.grid.axes[0]
        data = rec.data_density
        self.has_d = show_d and bool(rec.manifest.get("has_discriminator")) and rec[0].d_grid is not None
        peaks = np.array([np.nanmax(np.nan_to_num(rec[i].density, nan=0.0, posinf=0.0)) for i in probe_indices(len(rec), 60)])
        generated = float(np.quantile(peaks, PEAK_QUANTILE)) if len(peaks) else 1.0
        if data is not None and np.nanmax(data) > 0:
            self.peak = max(float(np.nanmax(data)), min(generated, MAX_PEAK * float(np.nanmax(data))))
        else:
            self.peak = generated or 1.0
        cx, cy = center[0], center[1]
        # layout: density band [base, base + dh], arrow band below it, z line at its bottom
        self.left, self.w = cx - width / 2, width
        dh = height * 0.58
        self.base = cy + height / 2 - dh
        self.dscale = dh / (HEADROOM * self.peak)
        self.z_y = cy - height / 2 + 0.35
        X = self.X
        static = Group()
        static.add(Line([X(x0), self.base, 0], [X(x1), self.base, 0], color=INK, stroke_width=2.5))
        static.add(Text("x", font_size=22, color=INK, slant="ITALIC").next_to([X(x1), self.base, 0], UP + LEFT, buff=0.08))
        for xv in np.linspace(x0, x1, 5):
            static.add(Text(f"{xv:g}".replace("-", "−"), font_size=14, color=GREY).move_to([X(xv), self.base - 0.18, 0]))
        if data is not None:
            pts = np.column_stack([[X(x) for x in centres], self.base + data * self.dscale, np.zeros(len(centres))])
            poly = VMobject(stroke_color=STYLE.data, stroke_width=3, fill_color=STYLE.data, fill_opacity=0.18)
            poly.set_points_as_corners(np.concatenate([[[X(centres[0]), self.base, 0]], pts, [[X(centres[-1]), self.base, 0]]]))
            static.add(poly)
        # z line and its points
        self.line_idx, z, zname = latent_line(rec)
        lo, hi = rec.manifest.get("latent_extent") or (float(z.min()), float(z.max()))
        inset = 0.04 * (x1 - x0)
        self.tails_x = np.array([X(x0 + inset + (zv - lo) / ((hi - lo) or 1) * (x1 - x0 - 2 * inset)) for zv in z])
        static.add(Line([X(x0), self.z_y, 0], [X(x1), self.z_y, 0], color="#555555", stroke_width=2))
        dots = PMobject(stroke_width=dot_px(5))
        dots.points = np.column_stack([self.tails_x, np.full(len(z), self.z_y), np.zeros(len(z))])
        dots.rgbas = np.tile([0.23, 0.23, 0.23, 1.0], (len(z), 1))
        static.add(dots)
        from gananim.views.goodfellow import prior_label

        static.add(Text(prior_label(rec) if zname == "z" else zname, font_size=16, color=GREY).move_to([cx, self.z_y - 0.25, 0]))
        legend = [("data", STYLE.data), ("G(z) density", STYLE.generated)] + ([("D(x)", STYLE.discriminator)] if self.has_d else [])
        row = VGroup()
        for name, colour in legend:
            row.add(VGroup(Rectangle(width=0.25, height=0.14, fill_color=colour, fill_opacity=0.5, stroke_color=colour, stroke_width=1.5),
                           Text(name, font_size=16, color=INK)).arrange(RIGHT, buff=0.08))
        row.arrange(RIGHT, buff=0.35).move_to([self.left, cy + height / 2 + 0.05, 0], aligned_edge=LEFT)
        static.add(row)
        if self.has_d:
            d1 = self.base + self.peak * self.dscale  # D = 1 level with the density scale's peak
            self.d_unit = d1 - self.base
            static.add(DashedLine([X(x0), self.base + 0.5 * self.d_unit, 0], [X(x1), self.base + 0.5 * self.d_unit, 0],
                                  color=STYLE.discriminator, stroke_width=1.5, stroke_opacity=0.6, dash_length=0.12))
            axis_x = X(x1) + 0.15
            static.add(Line([axis_x, self.base, 0], [axis_x, d1, 0], color=STYLE.discriminator, stroke_width=2))
            for val, label in ((0, "0"), (0.5, "½"), (1, "1")):
                static.add(Text(label, font_size=15, color=STYLE.discriminator).move_to([axis_x + 0.2, self.base + val * self.d_unit, 0]))
        self.static = static
        # moving parts
        self.fill = VMobject(stroke_width=0, fill_color=STYLE.generated, fill_opacity=0.28)
        self.outline = VMobject(stroke_color=STYLE.generated, stroke_width=3)
        self.arrows = VMobject(stroke_color="#3a3a3a", stroke_width=1.6, stroke_opacity=0.8)
        self.add(self.fill, self.outline, self.arrows)
        self.centres_x = np.array([X(c) for c in centres])
        if self.has_d:
            self.d_curve = VMobject(stroke_color=STYLE.discriminator, stroke_width=3.5)
            self.add(self.d_curve)
        self.xs = np.repeat([X(e) for e in self.edges], 2)
        follow(self, lambda m: m.show(clock.step_for(rec)))

    def X(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.w

    def show(self, step: float) -> None:
        density = np.clip(np.nan_to_num(self.series.at("density", step), nan=0, posinf=0, neginf=0), 0, HEADROOM * self.peak * 1.02)
        ys = self.base + np.repeat(density, 2) * self.dscale
        outline = np.column_stack([self.xs, np.r_[self.base, ys, self.base], np.zeros(len(self.xs))])
        self.outline.set_points_as_corners(outline)
        self.fill.set_points_as_corners(np.vstack([outline, outline[:1]]))
        g = self.series.at("mapping", step)[self.line_idx, 0].astype(float)
        hx = np.array([self.X(v) for v in np.clip(np.nan_to_num(g, nan=self.x0), self.x0 - 1e3, self.x1 + 1e3)])
        n = len(hx)
        t = np.column_stack([self.tails_x, np.full(n, self.z_y), np.zeros(n)])
        h = np.column_stack([np.clip(hx, self.X(self.x0) - 0.5, self.X(self.x1) + 0.5), np.full(n, self.base), np.zeros(n)])
        _arrow_paths(self.arrows, t, h, 0.12)
        if self.has_d:
            d = np.clip(np.nan_to_num(self.series.at("d_grid", step), nan=0.5), 0, 1)
            self.d_curve.set_points_as_corners(np.column_stack([self.centres_x, self.base + d * self.d_unit, np.zeros(len(d))]))


# --------------------------------------------------------------------------- dashboard chart

class ScalarChart(Group):
    """A compact chart of scalar series against training step, drawn up to the current step with a dot there;
    optional dashed reference lines (e.g. −2 log 2). `lines` = [(rec, scalar name, colour, label)].
    Static parts are in `self.static`."""

    def __init__(self, lines, clock: Clock, center=ORIGIN, width: float = 5.0, height: float = 2.4, title: str = "",
                 refs=(), y_range=None):
        super().__init__()
        self.clock = clock
        self.lines = [(rec, analyse(rec).series.get(name), colour, label) for rec, name, colour, label in lines]
        self.lines = [ln for ln in self.lines if ln[1] is not None and np.isfinite(ln[1]).any()]
        vals = np.concatenate([v[np.isfinite(v)] for _, v, _, _ in self.lines] + [np.array([r[0] for r in refs], float)]) \
            if self.lines or refs else np.array([0.0, 1.0])
        lo, hi = y_range or (float(np.quantile(vals, 0.01)), float(np.quantile(vals, 0.99)))
        pad = 0.08 * ((hi - lo) or 1.0)
        self.lo, self.hi = lo - pad, hi + pad
        self.s0 = float(min(r.steps[0] for r, *_ in lines)) if lines else 0.0
        self.s1 = float(max(r.steps[-1] for r, *_ in lines)) if lines else 1.0
        self.rect = Rectangle(width=width, height=height, stroke_color=GREY, stroke_width=1.2).move_to(center)
        self.cx, self.cy, self.w, self.h = center[0], center[1], width, height
        static = Group(self.rect)
        if title:
            static.add(Text(title, font_size=18, color=INK).next_to(self.rect, UP, buff=0.08).align_to(self.rect, LEFT))
        for value, label in refs:
            y = self.Y(value)
            static.add(DashedLine([self.cx - width / 2, y, 0], [self.cx + width / 2, y, 0], color=GREY, stroke_width=1.5, dash_length=0.1))
            static.add(Text(label, font_size=14, color=GREY).next_to([self.cx + width / 2, y, 0], RIGHT, buff=0.08))
        for value in (self.lo + pad, self.hi - pad):
            static.add(Text(f"{value:.2g}".replace("-", "−"), font_size=13, color=GREY).next_to([self.cx - width / 2, self.Y(value), 0], LEFT, buff=0.06))
        keys = VGroup(*[VGroup(Line(ORIGIN, 0.3 * RIGHT, color=c, stroke_width=3), Text(lab, font_size=14, color=INK)).arrange(RIGHT, buff=0.08)
                        for _, _, c, lab in self.lines if lab])
        if len(keys):
            keys.arrange(RIGHT, buff=0.25).next_to(self.rect, DOWN, buff=0.1).align_to(self.rect, LEFT)
            static.add(keys)
        self.static = static
        self.curves = [VMobject(stroke_color=c, stroke_width=2.5) for _, _, c, _ in self.lines]
        self.dots = PMobject(stroke_width=dot_px(9))
        self.dots.points = np.zeros((len(self.lines), 3))
        self.dots.rgbas = np.array([np.append(ManimColor(c).to_rgb(), 1.0) for _, _, c, _ in self.lines]).reshape(-1, 4)
        self.add(*self.curves, self.dots)
        follow(self, lambda m: m.show())

    def X(self, step):
        return self.cx - self.w / 2 + (np.asarray(step, float) - self.s0) / ((self.s1 - self.s0) or 1) * self.w

    def Y(self, v):
        return self.cy - self.h / 2 + (np.clip(np.asarray(v, float), self.lo, self.hi) - self.lo) / ((self.hi - self.lo) or 1) * self.h

    def show(self) -> None:
        dots = []
        for (rec, values, _, _), curve in zip(self.lines, self.curves):
            step = self.clock.step_for(rec)
            keep = (rec.steps <= step) & np.isfinite(values)
            xs, ys = rec.steps[keep].astype(float), values[keep]
            ok = np.isfinite(values)
            now = float(np.interp(step, rec.steps[ok], values[ok])) if ok.any() else np.nan
            if np.isfinite(now):
                xs, ys = np.append(xs, step), np.append(ys, now)
            if len(xs) >= 2:
                curve.set_points_as_corners(np.column_stack([self.X(xs), self.Y(ys), np.zeros(len(xs))]))
            else:
                curve.points = np.zeros((0, 3))
            dots.append([float(self.X(step)), float(self.Y(now)) if np.isfinite(now) else 1e3, 0.0])
        if dots:
            self.dots.points = np.array(dots)


# --------------------------------------------------------------------------- step counter and captions

class StepCounter(VGroup):
    """'step 1234', redrawn by copying digit outlines into fixed slots: no text is laid out per frame."""

    def __init__(self, clock: Clock, rec=None, font_size: float = 24, color=INK, max_step: int | None = None, label: str = "step"):
        super().__init__()
        self.clock, self.rec = clock, rec or clock.recs[0]
        glyphs = Text("0123456789", font_size=font_size, color=color)
        self.digit_pts = []
        for g in glyphs.submobjects:
            p = g.points.copy()
            p[:, 0] -= g.get_center()[0]
            p[:, 1] -= glyphs.get_bottom()[1]  # digits sit on the baseline
            self.digit_pts.append(p)
        self.advance = max(g.width for g in glyphs.submobjects) * 1.15
        self.label = Text(label, font_size=font_size, color=color)
        top = int(max_step if max_step is not None else max(r.steps[-1] for r in clock.recs))
        self.n = len(str(max(top, 1)))
        self.slots = VGroup(*[VMobject(fill_color=color, fill_opacity=1, stroke_width=0) for _ in range(self.n)])
        self.add(self.slots)
        self.label.move_to(ORIGIN)
        self.origin = self.label.get_right() + RIGHT * 0.15
        self.origin[1] = self.label.submobjects[0].get_bottom()[1]  # the baseline: the bottom of the label's first letter
        follow(self, lambda m: m.show())

    def place(self, point) -> "StepCounter":
        """Move the counter (label included) so the label's left edge sits at `point`."""
        shift = np.array(point) - self.label.get_left()
        self.label.shift(shift)
        self.origin = self.origin + shift
        self.show()
        return self

    def show(self) -> None:
        text = str(int(round(self.clock.step_for(self.rec)))).rjust(self.n)
        for k, (slot, ch) in enumerate(zip(self.slots, text)):
            if ch == " ":
                slot.points = np.zeros((0, 3))
            else:
                slot.points = self.digit_pts[int(ch)] + self.origin + np.array([(k + 0.5) * self.advance, 0, 0])


class CaptionBar(VGroup):
    """A bar along the bottom showing the caption of the detected event happening now (analyse(rec).events), faded in
    and out around it; several recordings can share it, each caption prefixed with its recording's label.
    The bar's background is in `self.static`."""

    def __init__(self, sources, clock: Clock, width: float | None = None, height: float = 0.62, font_size: float = 22,
                 y: float | None = None, fade: float = 0.015):
        super().__init__()
        self.clock = clock
        width = width or config.frame_width
        y = y if y is not None else -config.frame_height / 2 + height / 2
        self.bg = Rectangle(width=width, height=height, fill_color="#f3f3f3", fill_opacity=1, stroke_width=0).move_to([0, y, 0])
        self.static = VGroup(self.bg)
        self.items = []
        span = clock.end - clock.start
        self.pad = fade * span
        for rec, label in sources:
            for e in analyse(rec).events:
                text = f"{label}: {e.caption}" if label else e.caption
                t = Text(text, font_size=font_size, color=INK)
                if t.width > width * 0.92:
                    t.scale_to_fit_width(width * 0.92)
                chip = Rectangle(width=0.16, height=0.16, fill_color=EVENT_COLOURS.get(e.kind, GREY), fill_opacity=1, stroke_width=0)
                item = VGroup(chip, t).arrange(RIGHT, buff=0.15).move_to([0, y, 0])
                a, b = clock.value_at_step(rec, e.start), clock.value_at_step(rec, e.end)
                self.items.append((a, b, item))
        self.items.sort(key=lambda it: it[0])
        self.holder = VGroup()
        self.add(self.holder)
        follow(self, lambda m: m.show())

    def active(self, v: float):
        """The item on show at tracker value v and its opacity (the latest event begun and not yet over)."""
        best = None
        for a, b, item in self.items:
            if a - self.pad <= v <= b + 2 * self.pad:
                best = (a, b, item)
        if best is None:
            return None, 0.0
        a, b, item = best
        alpha = min(1.0, (v - (a - self.pad)) / self.pad if self.pad else 1.0, ((b + 2 * self.pad) - v) / self.pad if self.pad else 1.0)
        return item, max(0.0, alpha)

    def show(self) -> None:
        item, alpha = self.active(self.clock.tracker.get_value())
        if item is None:
            self.holder.submobjects = []
            return
        item.set_opacity(alpha)
        self.holder.submobjects = [item]


# --------------------------------------------------------------------------- 3D decision surface (mountains)

MOUNTAIN_ELEVATION = 35.0
LIGHT = np.array([-0.45, -0.6, 0.66])


class Mountains(ImageMobject):
    """D as a 3D surface (height = D on a fixed 0..1 scale) with the generated density painted red on it,
    seen from a camera orbiting around it. Drawn by a small painter's-algorithm rasteriser (pycairo, faces
    sorted back to front) into ONE ImageMobject rewritten in place: a manim Surface of ~1600 faces would be
    1600 mobjects to sort and draw each frame."""

    def __init__(self, rec, clock: Clock, center=ORIGIN, width: float = 9.0, height: float = 6.5, azimuth=(-115.0, -15.0),
                 elevation: float = MOUNTAIN_ELEVATION, z_aspect: float = 0.55):
        import cairo
        self.rec, self.series, self.clock = rec, series(rec), clock
        self.azimuth, self.elevation, self.z_aspect = azimuth, elevation, z_aspect
        ny, nx = rec.grid.shape
        my, mx = mesh_size(ny), mesh_size(nx)
        self.vy, self.vx = lerp_weights(ny, my), lerp_weights(nx, mx)
        self.fy, self.fx = box_weights(ny, my), box_weights(nx, mx)
        (x0, x1), (y0, y1) = rec.view_box
        self.box = (x0, x1, y0, y1)
        aspect = (y1 - y0) / (x1 - x0)
        gx, gy = np.meshgrid(np.linspace(-1, 1, mx + 1), np.linspace(-aspect, aspect, my + 1))
        self.gx, self.gy = gx.ravel(), gy.ravel()
        vid = np.arange((my + 1) * (mx + 1)).reshape(my + 1, mx + 1)
        self.corners = np.stack([vid[:-1, :-1], vid[:-1, 1:], vid[1:, 1:], vid[1:, :-1]], axis=-1).reshape(-1, 4)
        self.colours = BandedOverlay(D_CMAP, 64, RED, DENSITY_GAMMA)
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
        heights = np.clip(self.vy @ d @ self.vx.T, 0, 1).ravel()
        z = heights * self.z_aspect * 2
        face_d = (self.fy @ d @ self.fx.T).ravel()
        face_dens = (self.fy @ dens @ self.fx.T).ravel() / self.vmax
        rgb = self.colours(np.clip(face_d, 0, 1), np.clip(face_dens, 0, 1)).astype(np.float64) / 255
        # Lambert shading from a fixed light: flat ground keeps D's exact colour
        P = np.stack([self.gx, self.gy, z], axis=1)[self.corners]
        normals = np.cross(P[:, 2] - P[:, 0], P[:, 3] - P[:, 1])
        normals /= np.linalg.norm(normals, axis=1, keepdims=True)
        light = LIGHT / np.linalg.norm(LIGHT)
        rgb *= (1 - 0.4 * np.clip((light[2] - normals @ light) / light[2], 0, 1))[:, None]
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
        self.surface.flush()
        buf = np.ndarray((self.ph, self.surface.get_stride() // 4, 4), np.uint8, self.surface.get_data())[:, :self.pw]
        self.pixel_array[..., 0] = buf[..., 2]
        self.pixel_array[..., 1] = buf[..., 1]
        self.pixel_array[..., 2] = buf[..., 0]

    def _floor(self, ctx, az) -> None:
        """The floor's outline and a D axis 0..1 at the back corner."""
        a = self.aspect
        corners = np.array([[-1, -a], [1, -a], [1, a], [-1, a]], float)
        sx, sy, depth = self.project(corners[:, 0], corners[:, 1], np.zeros(4), az)
        ctx.set_source_rgb(0.55, 0.55, 0.55)
        ctx.set_line_width(1.2)
        ctx.move_to(sx[0], sy[0])
        for k in (1, 2, 3, 0):
            ctx.line_to(sx[k], sy[k])
        ctx.stroke()
        back = int(np.argmax(depth))
        cx, cy = corners[back]
        tx, ty, _ = self.project(np.array([cx, cx]), np.array([cy, cy]), np.array([0.0, 2 * self.z_aspect]), az)
        ctx.move_to(tx[0], ty[0])
        ctx.line_to(tx[1], ty[1])
        ctx.stroke()
        ctx.set_font_size(max(9, self.ph * 0.03))
        for val, label in ((0, "0"), (0.5, "1/2"), (1, "1")):
            px, py, _ = self.project(np.array([cx]), np.array([cy]), np.array([val * 2 * self.z_aspect]), az)
            ctx.move_to(px[0] - self.ph * 0.05, py[0] + 4)
            ctx.show_text(label)
        px, py, _ = self.project(np.array([cx]), np.array([cy]), np.array([2 * self.z_aspect]), az)
        ctx.move_to(px[0] - self.ph * 0.04, py[0] - self.ph * 0.03)
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


# --------------------------------------------------------------------------- cards

def title_card(title: str, subtitle: str = "", lines=()) -> VGroup:
    """A title, a subtitle and a few lines of explanation, centred."""
    parts = [Text(title, font_size=54, color=INK, weight="BOLD")]
    if subtitle:
        parts.append(Text(subtitle, font_size=28, color=GREY))
    for line in lines:
        parts.append(Text(line, font_size=24, color=INK))
    card = VGroup(*parts).arrange(DOWN, buff=0.35)
    if card.width > config.frame_width * 0.9:
        card.scale_to_fit_width(config.frame_width * 0.9)
    return card


def closing_card(heading: str, lines=(), footer: str = "made with gananim") -> VGroup:
    parts = [Text(heading, font_size=40, color=INK, weight="BOLD")]
    for line in lines:
        parts.append(Text(line, font_size=24, color=INK))
    parts.append(Text(footer, font_size=18, color=GREY))
    card = VGroup(*parts).arrange(DOWN, buff=0.3)
    if card.width > config.frame_width * 0.9:
        card.scale_to_fit_width(config.frame_width * 0.9)
    return card


__all__ = ["Series", "series", "Clock", "Plane", "DSurface", "SampleCloud", "MappingArrows", "Goodfellow1D", "ScalarChart",
           "StepCounter", "CaptionBar", "Mountains", "modes_marker", "title_card", "closing_card", "LOG4"]
