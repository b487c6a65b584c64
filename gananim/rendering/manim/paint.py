"""What every manim block draws with: the font and inks, one updater per block, pixel sizes, straight-line paths.

Blocks redraw IN PLACE from ONE updater each (`follow`): nothing creates mobjects per frame. Lines and arrows are
written straight into a VMobject's points as many straight subpaths at once (`set_segments`), so a hundred arrows
are one mobject and one cairo pass.
"""

from __future__ import annotations

import numpy as np
from manim import Text, VMobject, config

FONT = "DejaVu Sans"
Text.set_default(font=FONT)
INK = "#222222"
GREY = "#666666"


def follow(mob, fn):
    """Attach ONE updater calling fn(mob) and run it once now, so the first frame is right."""
    mob.add_updater(lambda m: fn(m))
    fn(mob)
    return mob


def on_top(*mobs):
    """Mark mobjects drawn OVER moving ones (a box, crosses on a surface image): manim paints static mobjects
    first, so a static cross under a moving image would vanish; a no-op updater keeps them in draw order."""
    for m in mobs:
        m.add_updater(lambda m: None)
    return mobs


def px_per_unit() -> float:
    """Output pixels per scene unit."""
    return config.pixel_height / config.frame_height


def dot_px(width: float) -> float:
    """A point cloud's dot size in pixels, scaled with the frame (manim's PMobject sizes are raw pixels)."""
    return max(1.0, width * config.pixel_height / 720)


def set_segments(mob: VMobject, a: np.ndarray, b: np.ndarray) -> None:
    """Straight segments a[k] → b[k] as cubic Bézier subpaths, written into the mobject's points in one go."""
    if len(a) == 0:
        mob.points = np.zeros((0, 3))
        return
    pts = np.empty((len(a), 4, 3))
    d = b - a
    pts[:, 0] = a
    pts[:, 1] = a + d / 3
    pts[:, 2] = a + 2 * d / 3
    pts[:, 3] = b
    mob.points = pts.reshape(-1, 3)


def set_arrows(mob: VMobject, t: np.ndarray, h: np.ndarray, head: float, tips: np.ndarray | None = None) -> None:
    """Arrows t[k] → h[k]: the shafts first, then two barbs each (only where tips[k], if given), as straight subpaths
    (vectorised)."""
    if tips is not None:
        shafts_a, shafts_b = t, h
        t, h = t[tips], h[tips]
    v = h - t
    length = np.linalg.norm(v, axis=1, keepdims=True)
    u = np.divide(v, length, out=np.zeros_like(v), where=length > 1e-9)
    n = np.stack([-u[:, 1], u[:, 0], np.zeros(len(u))], axis=1)
    hl = np.minimum(0.4 * length, head)
    wing_a = h - hl * (0.9 * u + 0.45 * n)
    wing_b = h - hl * (0.9 * u - 0.45 * n)
    if tips is None:
        shafts_a, shafts_b = t, h
    set_segments(mob, np.concatenate([shafts_a, h, h]), np.concatenate([shafts_b, wing_a, wing_b]))


def clip_segments(a: np.ndarray, b: np.ndarray, box) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segments a[k] → b[k] clipped to box = (x0, x1, y0, y1) (Liang–Barsky, vectorised): the clipped ends, whether
    any part is inside, and whether b itself is inside (an arrow keeps its head only then)."""
    x0, x1, y0, y1 = box
    d = b - a
    lo, hi = np.zeros(len(a)), np.ones(len(a))
    keep = np.ones(len(a), dtype=bool)
    for p, q in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]), (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
        flat = np.abs(p) < 1e-12
        keep &= ~(flat & (q < 0))  # parallel to this edge and outside it
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(flat, 0.0, q / np.where(flat, 1.0, p))
        lo = np.where(~flat & (p < 0), np.maximum(lo, r), lo)
        hi = np.where(~flat & (p > 0), np.minimum(hi, r), hi)
    keep &= lo <= hi
    inside = (b[:, 0] >= x0) & (b[:, 0] <= x1) & (b[:, 1] >= y0) & (b[:, 1] <= y1)
    return a + lo[:, None] * d, a + hi[:, None] * d, keep, inside
