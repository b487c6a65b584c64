"""`mountains`: D as a 3D surface with the generated density painted on it in red, camera slowly turning (seeds/003, video 3).
The stored real samples sit on it as blue dots where the data came as samples (gananim.kinds.points.views.real).

Speed: the surface is ONE Poly3DCollection on a coarse mesh (at most drawing.MAX_FACES per side), built once in `setup`.
Each frame only rewrites the faces' heights in place (`set_verts` on the same array), sets precomputed
face colours (`set_facecolor`: D's colour, red blended in by density, a fixed light, all in numpy) and turns
the camera (`view_init`); no `clear()`, no `plot_surface` per frame, no matplotlib shading, no antialiasing, no
edges, three ticks per axis and no grid lines. Resampling the recording's grid onto the mesh is two small
matrix products per quantity, precomputed in `setup`. See bench/bench_mountains.py for the speed-up.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Affine2D
from mpl_toolkits.mplot3d.art3d import Line3DCollection

from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.real import REAL_ALPHA, REAL_DOT, dot_size, real_handle, real_points, shows_real
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
from gananim.rendering.views.base import View, register
from gananim.rendering.views.tween import Tweening

AZIMUTH_START = -115.0
ZOOM = 1.0  # the box's size in its square: the turning box's corners and labels stay in the panel...
ZOOM_WIDE = 1.2  # ... or this in a wide panel whose text is small against it: the box fills the height
TEXT_SHARE = 0.04  # (a line of text against the box's side)
SWEEP = 100.0  # degrees the camera turns over the whole video (one slow sweep, not a spin)
NAN_FACE = np.array([0.62, 0.62, 0.62])  # faces where D was NaN (a diverged discriminator): grey, at height 0
Z_ASPECT = 0.55  # the box's height against its width
# D's colours on the surface are the 2D `surface` view's blend (D's ramp, red over it at density ** DENSITY_GAMMA),
# but with fine bands: coarse bands on a coarse 3D mesh turn every slope into a staircase, and height shows D already.
COLOUR_BANDS = 64

# Height is D itself on fixed z-limits [0, 1], NOT normalised per frame as in seeds/003 ("normalized for
# convenience"): with fixed limits a peak that shrinks is a D that really forgot a cluster, and 0.5 (D gave
# up, the game's optimum) reads as a flat plateau at mid-height. Normalising would inflate noise on a flat D
# into mountains and hide exactly the forgetting the video is meant to show.
Z_LIMITS = (0.0, 1.0)


@register
class MountainsView(Tweening, View):
    """D's decision surface as mountains (purple = real, white = fake), generated density as red patches on it."""

    name = "mountains"
    kinds = ("points",)
    data_dims = (2,)
    needs_discriminator = True
    projection = "3d"
    blit = False  # the camera turns: the whole axes changes every frame

    def setup(self, ax):
        self.ax = ax
        self.d_scale = DScale(self.rec)  # a critic's scores centred at the decision (views.d_scale)
        self._make_surface(ax)
        artists = [self.surface] + self._make_real_marks(ax) + self._make_mode_markers(ax)
        ax.computed_zorder = False  # fixed draw order floor < surface < real samples < modes, no per-artist depth sort
        self.surface.set_zorder(2)
        ax.add_collection3d(_floor_grid(self.rec.view_box, self.style))
        self._draw_axes(ax)
        self._draw_legend(ax)
        self.update(0)
        return artists

    def _draw_legend(self, ax) -> None:
        """What the colours and marks are, at a top corner of the panel's cell (a 3D box is drawn square: a wide
        frame has room beside it): D's colours (its height is D too), the generated density's red, the data modes.
        One text and two marks, not a matplotlib Legend: this view redraws everything every frame, and a Legend's
        packing cost half as much as the surface; `_place_legend` moves them, in pixels, away from D's axis."""
        s = self.style
        fig = ax.figure
        purple, white = D_RAMP(np.array([0.95]))[0], D_RAMP(np.array([0.05]))[0]
        lines = [self.d_scale.key, "G(z) density"] + (["data modes"] if len(self.rec.modes) else [])
        lines += ["real samples"] if self.real_at is not None else []
        size = s.fs(0.75)
        self.key_at = Affine2D()  # the key's top left, in pixels (set per frame)
        in_points = Affine2D().scale(fig.dpi / 72) + self.key_at
        side = 0.8 * size  # a swatch's side in points; two of them, then a gap, before the text
        self.key_text = fig.text(
            3.2 * side, 0, "\n".join(lines), transform=in_points, fontsize=size, color=s.text, ha="left", va="top"
        )
        box = self.key_text.get_window_extent(fig.canvas.get_renderer())
        pitch = box.height * 72 / fig.dpi / len(lines)  # points a line
        self.key_width = box.width + 3.2 * side * fig.dpi / 72  # pixels
        row = [-(k + 0.5) * pitch for k in range(len(lines))]
        square = Path.unit_rectangle().transformed(Affine2D().translate(-0.5, -0.5))
        self.key_swatches = PathCollection(
            [square],
            sizes=[side**2],
            offsets=[(0.6 * side, row[0]), (1.8 * side, row[0]), (0.6 * side, row[1])],  # purple, white; red
            offset_transform=in_points,
            facecolors=[purple, white, RED],
            edgecolors="#999999",
            linewidths=0.5 * s.scale,
        )
        self.key_swatches.set_transform(Affine2D().scale(fig.dpi / 72))  # marker sizes in points
        self.key_marks = [fig.add_artist(self.key_swatches), self.key_text]
        if len(self.rec.modes):
            mark = Line2D([0.6 * side], [row[2]], marker="x", linestyle="none", color=s.mode_marker, markersize=side)
            mark.set_transform(in_points)
            self.key_marks.append(fig.add_artist(mark))
        if self.real_at is not None:
            dot = real_handle(s)
            dot.set_data([0.6 * side], [row[-1]])
            dot.set_transform(in_points)
            self.key_marks.append(fig.add_artist(dot))
        for artist in self.key_marks:
            artist.set_in_layout(False)  # inside the cell: the frame's layout gives the panel the whole width

    def _make_surface(self, ax) -> None:
        """The surface: one Poly3DCollection over the mesh's faces, flat at first (moving: heights and colours),
        with what each frame needs to repaint it in place (faces, colours, light, density scale)."""
        rec = self.rec
        # resampling, grid → mesh: heights at the mesh's vertices, colours over its faces
        mesh = self.mesh = Mesh(rec.grid.shape)
        my, mx = mesh.my, mesh.mx
        (x0, x1), (y0, y1) = rec.view_box
        # faces (my * mx, 4, 3): x and y fixed for good, z rewritten every frame
        xs, ys = np.linspace(x0, x1, mx + 1), np.linspace(y0, y1, my + 1)
        gx, gy = np.meshgrid(xs, ys)
        self.faces = np.zeros((my * mx, 4, 3))
        self.faces[..., 0] = gx.ravel()[mesh.corners]
        self.faces[..., 1] = gy.ravel()[mesh.corners]
        self.colours = BandedOverlay(D_RAMP, COLOUR_BANDS, RED, DENSITY_GAMMA)
        # face normals are taken in the drawn box's proportions, so the light falls on slopes as the viewer sees them
        self.box_scale = np.array([1 / (x1 - x0), 1 / (x1 - x0), Z_ASPECT / (Z_LIMITS[1] - Z_LIMITS[0])])
        self.rgba = np.ones((my * mx, 4))
        self.vmax = density_vmax(rec)
        self.surface = ax.plot_surface(
            gx,
            gy,
            np.zeros_like(gx),
            rcount=my + 1,
            ccount=mx + 1,
            shade=False,
            linewidth=0,
            antialiased=False,
            color="white",
        )
        self.surface.set_verts(self.faces)  # our own face order (row-major over the grid), kept for the whole video

    def _make_real_marks(self, ax) -> list:
        """The stored real samples as blue dots on the surface at (x, y, D), where they are drawn
        (gananim.kinds.points.views.real); sets self.real_at (their fractional grid cells, or None)."""
        self.real_at = None
        if not shows_real(self.rec, self.data_points):
            return []
        self.real = real_points(self.rec)
        self.real_at = self._cells(self.real)
        (self.real_marks,) = ax.plot(
            *self.real.T,
            np.zeros(len(self.real)),
            "o",
            color=REAL_DOT,
            alpha=REAL_ALPHA,
            markersize=dot_size(self.style),
            markeredgewidth=0,
            zorder=3,
        )
        return [self.real_marks]

    def _cells(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points' fractional (row, column) on the recording's grid of cell centres, clamped to it."""
        ny, nx = self.rec.grid.shape
        (x0, x1), (y0, y1) = self.rec.view_box
        fx = np.clip((points[:, 0] - x0) / (x1 - x0) * nx - 0.5, 0, nx - 1)
        fy = np.clip((points[:, 1] - y0) / (y1 - y0) * ny - 0.5, 0, ny - 1)
        return fy, fx

    def _make_mode_markers(self, ax) -> list:
        """The data modes as crosses on the surface at (x, y, D), drawn over it (a fixed draw order, no per-artist
        depth sort) and moving with D; sets self.modes_at (their fractional grid cells, None without modes) and
        returns [] or [the markers]."""
        rec, s = self.rec, self.style
        ny, nx = rec.grid.shape
        (x0, x1), (y0, y1) = rec.view_box
        modes = rec.modes
        self.modes_at = None
        if not len(modes):
            return []
        fx = np.clip((modes[:, 0] - x0) / (x1 - x0) * nx - 0.5, 0, nx - 1)
        fy = np.clip((modes[:, 1] - y0) / (y1 - y0) * ny - 0.5, 0, ny - 1)
        self.modes_at = (fy, fx)
        (self.markers,) = ax.plot(
            modes[:, 0],
            modes[:, 1],
            np.zeros(len(modes)),
            "x",
            color=s.mode_marker,
            markersize=7 * s.scale,
            markeredgewidth=1.6 * s.scale,
            zorder=4,
        )
        return [self.markers]

    def _draw_axes(self, ax) -> None:
        """The box: fixed limits and proportions, three ticks per axis, D's label and light panes."""
        s = self.style
        (x0, x1), (y0, y1) = self.rec.view_box
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(*Z_LIMITS)
        ax.set_box_aspect((1, (y1 - y0) / (x1 - x0), Z_ASPECT), zoom=self._zoom(ax))
        # The axes' own decorations cost more per frame than the surface: keep three ticks per axis (the view
        # box's ends and middle; D's 0, ½, 1), panes, and no grid lines (a static floor grid stands in for them).
        # ticks inside the box's ends, not at them: two axes meet at a corner, and as the camera turns the corner
        # where their end labels would sit on each other moves
        ax.set_xticks(_inner_ticks(x0, x1))
        ax.set_yticks(_inner_ticks(y0, y1))
        ax.set_zticks([0, 0.5, 1], ["0", "½", "1"] if not self.d_scale.critic else self.d_scale.ticks)
        ax.grid(False)
        size = s.fs(0.9)
        ax.set_xlabel("x₁", fontsize=size, labelpad=0)
        ax.set_ylabel("x₂", fontsize=size, labelpad=0)
        ax.set_zlabel(self.d_scale.title, fontsize=size, labelpad=0)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((0.965, 0.965, 0.965, 1.0))
        ax.tick_params(labelsize=s.fs(0.75), pad=0)

    def _zoom(self, ax) -> float:
        """ZOOM_WIDE where the panel is wide (room beside the box for its overhang and the legend) and its text small
        against the box (room above and below for the labels), else ZOOM."""
        box = ax.get_window_extent()
        side = min(box.width, box.height)
        text = self.style.px(self.style.fs(0.9))
        return ZOOM_WIDE if box.width >= 1.5 * box.height and text <= TEXT_SHARE * side else ZOOM

    def azimuth(self, at: float) -> float:
        """The camera's azimuth at (fractional) snapshot index `at`: one slow sweep over the whole recording (pure in at)."""
        n = len(self.rec)
        return AZIMUTH_START + SWEEP * (at / (n - 1) if n > 1 else 0.0)

    def draw(self, snap, at: float) -> None:
        self.snap = snap
        d = np.asarray(self.d_scale.unit(snap), np.float64)  # a critic's scores centred at the decision
        bad = ~np.isfinite(d)
        d = np.where(bad, 0.0, d)
        density = np.nan_to_num(np.asarray(snap.density, np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        mesh = self.mesh
        heights = np.clip(mesh.vertices(d), *Z_LIMITS)
        self.faces[..., 2] = heights.ravel()[mesh.corners]
        self.surface.set_verts(self.faces)
        face_d = mesh.faces(d)
        face_density = mesh.faces(density) / self.vmax
        # the light falls on the faces in the drawn box's proportions
        self.rgba[:, :3] = self.colours(face_d, face_density) * (
            face_shading(self.faces * self.box_scale)[:, None] / 255.0
        )
        if bad.any():
            self.rgba[mesh.faces(bad) > 0, :3] = NAN_FACE
        self.surface.set_facecolor(self.rgba)
        if self.modes_at is not None:
            (fy, fx), m = self.modes_at, self.rec.modes
            self.markers.set_data_3d(m[:, 0], m[:, 1], _bilinear(d, fy, fx) + 0.01)
        if self.real_at is not None:
            self.real_marks.set_data_3d(self.real[:, 0], self.real[:, 1], _bilinear(d, *self.real_at) + 0.01)
        self.ax.view_init(ELEVATION, self.azimuth(at))
        self._place_legend(self.azimuth(at))

    def _place_legend(self, azimuth: float) -> None:
        """The key in the top corner of the panel's cell (the 3D box is drawn square inside it) on the side away
        from D's axis: matplotlib draws that axis at the box's left edge for azimuths in [−180°, −90°) (mod 360°)
        and [0°, 90°), at its right edge for the others."""
        cell = self.ax.get_position(original=True).transformed(self.ax.figure.transSubfigure)
        right = (azimuth % 360) // 90 % 2 == 1  # D's axis at the right: the key at the left
        self.key_at.clear().translate(cell.x0 if right else cell.x1 - self.key_width, cell.y1)


def _inner_ticks(lo: float, hi: float) -> list[float]:
    """Round ticks at least 15% of the span inside both ends (the middle at least)."""
    inner = [t for t in MaxNLocator(4).tick_values(lo, hi) if lo + 0.15 * (hi - lo) <= t <= hi - 0.15 * (hi - lo)]
    return inner or [(lo + hi) / 2]


def _bilinear(g: np.ndarray, fy: np.ndarray, fx: np.ndarray) -> np.ndarray:
    """g at fractional cell-centre coordinates (fy, fx)."""
    y0, x0 = np.floor(fy).astype(np.intp), np.floor(fx).astype(np.intp)
    y1, x1 = np.minimum(y0 + 1, g.shape[0] - 1), np.minimum(x0 + 1, g.shape[1] - 1)
    wy, wx = fy - y0, fx - x0
    top = g[y0, x0] * (1 - wx) + g[y0, x1] * wx
    bottom = g[y1, x0] * (1 - wx) + g[y1, x1] * wx
    return top * (1 - wy) + bottom * wy


def _floor_grid(view_box, style, lines: int = 5) -> Line3DCollection:
    """Light lines across the floor (z = 0) at quarters of the view box: one static artist, cheap to draw.
    Only the inner lines: the box's own edges are the axes' lines, which a grey line would paint over."""
    (x0, x1), (y0, y1) = view_box
    segments = [[(x, y0, 0), (x, y1, 0)] for x in np.linspace(x0, x1, lines)[1:-1]]
    segments += [[(x0, y, 0), (x1, y, 0)] for y in np.linspace(y0, y1, lines)[1:-1]]
    return Line3DCollection(segments, colors="#dcdcdc", linewidths=0.6 * style.scale, zorder=0)
