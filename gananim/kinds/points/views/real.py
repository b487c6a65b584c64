"""The recording's stored real samples as points over a 2D view: the user's own data on screen (issue 20).

Every recording with data stores a fixed real batch, `data_samples` (ProbeOptions.real_samples, 512 by default,
drawn once from the data). For data the user gave as samples (in memory, or a .npy/.csv file) those points are the
only exact picture of the data there is: a density on a grid blurs a thin shape, and such data has no modes to
mark. So they are drawn by default there, and on request (`data_points=True`, `render --data-points`) over a
preset's target too, whose density and modes the views already show; `data_points=False` leaves them out.

They are a moving artist, like the modes' marks: the views that paint their interior as one bitmap each frame
(surface, density, gradients) draw it over the static layer, and a static artist would be hidden under it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.transforms import offset_copy

from gananim.errors import GananimError
from gananim.rendering.drawing import DATA_BLUE
from gananim.rendering.views.base import finite_rows

USER_DATA = ("samples", "file")  # a target made of the user's samples (gananim.kinds.points.targets.Empirical)
REAL_DOT = DATA_BLUE  # the data's colour in every view (the 1D views' blue), kept exactly in a GIF's palette
REAL_ALPHA = 0.85


def is_user_data(rec) -> bool:
    """Whether the recording's data came as samples (not a preset's target, not a view box alone)."""
    target = rec.manifest.get("target") or {}
    return target.get("kind") in USER_DATA and rec.fixed.get("data_samples") is not None


def shows_real(rec, wanted: bool | None) -> bool:
    """Whether a view draws the real samples: `wanted` None means by default (the user's own data); True for a
    recording that stores none is a one-line error."""
    if wanted is None:
        return is_user_data(rec)
    if wanted and rec.fixed.get("data_samples") is None:
        raise GananimError(
            f"{rec.path} stores no real samples to draw (it was recorded without data=); leave out data_points "
            "(--data-points)"
        )
    return bool(wanted)


def real_points(rec) -> np.ndarray:
    """The stored real samples inside the view box (finite), as (n, 2)."""
    x = np.asarray(rec.fixed["data_samples"], dtype=float)
    (x0, x1), (y0, y1) = rec.view_box
    keep = finite_rows(x) & (x[:, 0] >= x0) & (x[:, 0] <= x1) & (x[:, 1] >= y0) & (x[:, 1] <= y1)
    return x[keep]


def dot_size(style) -> float:
    """A real sample's dot: its diameter in points, a little over the generated samples' (readable at 720 px)."""
    return max(2.6 * style.scale, 1.8)


def draw_real(ax, rec, style, zorder: float = 3.5):
    """The real samples as blue dots (one collection), returned to be drawn every frame over the view's bitmap."""
    return ax.scatter(
        *real_points(rec).T,
        s=dot_size(style) ** 2,
        color=REAL_DOT,
        edgecolors="none",
        alpha=REAL_ALPHA,
        zorder=zorder,
    )


def real_label(rec) -> str:
    """The legend's words: how many real samples are drawn."""
    return f"{len(rec.fixed['data_samples'])} real samples"


def real_handle(style) -> Line2D:
    """The legend's mark for the real samples."""
    return Line2D([], [], marker="o", linestyle="none", color=REAL_DOT, alpha=REAL_ALPHA, markersize=dot_size(style))


def real_key(ax, style, x: float, size: float, up: float) -> None:
    """The real samples' mark and words as a one-line legend at the right of the axes: its left at `x` (axes units)
    and `up` points over the axes' bottom, the text `size` points (surface and gradients put it in their key column)."""
    ax.legend(
        [real_handle(style)],
        ["real samples"],
        loc="lower left",
        bbox_to_anchor=(x, 0.0),
        bbox_transform=offset_copy(ax.transAxes, ax.figure, x=-0.4 * size, y=up, units="points"),
        frameon=False,
        fontsize=size,
        handlelength=0.6,
        handletextpad=0.5,
        borderpad=0.0,
        borderaxespad=0.0,
    )
