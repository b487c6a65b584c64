"""The generator on the data plane: its fixed samples G(z_k) as a point cloud, and the mapping z → G(z) as arrows.

Both stay inside their panel: samples outside it are not drawn, arrows are cut at its edge (and lose their head),
and each block's `outside` (add it to the scene) says under the panel how many it left out, while any are."""

from __future__ import annotations

import numpy as np
from manim import PMobject, VGroup, VMobject
from manim.utils.color import ManimColor

from gananim.rendering.drawing import GENERATED_RED, grid_colours, grid_hue, latent_tails
from gananim.rendering.manim.clock import Clock, series
from gananim.rendering.manim.digits import OutsideCount
from gananim.rendering.manim.paint import clip_segments, dot_px, follow, set_arrows
from gananim.rendering.manim.plane import Plane


class SampleCloud(PMobject):
    """The generator's fixed samples G(z_k) as ONE point cloud moving smoothly (non-finite ones hidden)."""

    def __init__(
        self, rec, plane: Plane, clock: Clock, color=GENERATED_RED, stroke_width: float = 4, opacity: float = 0.8
    ):
        super().__init__(stroke_width=dot_px(stroke_width))
        self.rec, self.plane, self.series = rec, plane, series(rec)
        n = len(self.series.stack("samples")[0])
        self.points = np.zeros((n, 3))
        self.rgbas = np.tile(np.append(ManimColor(color).to_rgb(), opacity), (n, 1))
        self.n_outside = 0
        follow(self, lambda m: m.show(clock.step_for(rec)))
        self.outside = OutsideCount(lambda: self.n_outside, n, "samples", plane.below())

    def show(self, step: float) -> None:
        xy = self.series.at("samples", step)[:, :2]
        pts = self.plane.to_scene(xy)
        bad = ~np.isfinite(pts).all(axis=1)
        out = ~bad & ~self.plane.inside(np.nan_to_num(pts))
        self.n_outside = int(out.sum())
        pts[bad | out] = 1e3  # off screen
        self.points = pts


class MappingArrows(VGroup):
    """Arrows z → G(z) from the latent grid, coloured by z's place in it (a fold shows as colours crossing):
    ONE VMobject per colour group, every arrow a few straight subpaths, rewritten in place each frame."""

    def __init__(
        self,
        rec,
        plane: Plane,
        clock: Clock,
        groups: int = 12,
        stroke_width: float = 1.6,
        opacity: float = 0.75,
        head: float = 0.1,
    ):
        super().__init__()
        self.rec, self.plane, self.series, self.head = rec, plane, series(rec), head
        self.tails = plane.to_scene(latent_tails(rec))
        coords = rec.fixed["latent_grid_coords"]
        colours = grid_colours(coords)
        key = np.minimum((grid_hue(coords) * groups).astype(int), groups - 1)  # colour groups: slices of hue
        self.members = [np.flatnonzero(key == k) for k in range(groups) if (key == k).any()]
        for idx in self.members:
            rgb = colours[idx].mean(axis=0)
            self.add(VMobject(stroke_color=ManimColor(rgb), stroke_width=stroke_width, stroke_opacity=opacity))
        self.n_outside = 0
        follow(self, lambda m: m.show(clock.step_for(rec)))
        self.outside = OutsideCount(lambda: self.n_outside, len(self.tails), "arrow heads", plane.below())

    def show(self, step: float) -> None:
        heads = self.plane.to_scene(self.series.at("mapping", step)[:, :2])
        bad = ~np.isfinite(heads).all(axis=1)
        heads[bad] = self.tails[bad]
        a, b, keep, inside = clip_segments(self.tails, heads, self.plane.bounds())
        self.n_outside = int((~inside & ~bad).sum())
        for mob, idx in zip(self.submobjects, self.members):
            shown = idx[keep[idx]]
            set_arrows(mob, a[shown], b[shown], self.head, tips=inside[shown])
