"""The View protocol and registry: artists made once in `setup`, changed in place in `update`."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from gananim.errors import GananimError
from gananim.recording.reader import Recording
from gananim.rendering.views.style import Style

VIEWS: dict[str, type["View"]] = {}


def register(cls: type["View"]) -> type["View"]:
    """Class decorator: make a view available by its name (`gananim render --view NAME`)."""
    VIEWS[cls.name] = cls
    return cls


def get_view(name: str) -> type["View"]:
    """The view class for a name, or a one-line error listing the known views."""
    if name not in VIEWS:
        raise GananimError(f"unknown view {name!r}; known views: {', '.join(sorted(VIEWS))}")
    return VIEWS[name]


class View:
    """Draws one recording into one axes; subclasses set `name` and implement setup/update."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ("points",)  # recording kinds drawn: "points" (1D/2D), "images"
    pictures: ClassVar[bool] = False  # draws samples as pictures: not for images recordings of flat vectors
    data_dims: ClassVar[tuple[int, ...]] = (1, 2)
    needs_discriminator: ClassVar[bool] = False
    projection: ClassVar[str | None] = None
    blit: ClassVar[bool] = True  # False when the whole axes changes every frame (a turning 3D camera)
    nonfinite_drawn: ClassVar[str] = "not drawn"  # what the frame's warning says this view does with NaN/inf samples

    variants: ClassVar[dict[str, type["View"]]] = {}  # kind → the class drawing it under this view's name (a view
    # with variants defines its own dict: this one stays empty)
    beside: bool = False  # set before setup when drawn beside another view (--dashboard): a compact layout

    @classmethod
    def variant(cls, rec: Recording) -> type["View"]:
        """The class that draws this view for this recording's kind (the dashboard of an images recording)."""
        return cls.variants.get(rec.kind, cls)

    def __init__(self, rec: Recording, style: Style):
        self.check(rec)
        self.rec, self.style = rec, style

    @classmethod
    def shows(cls, rec: Recording) -> bool:
        """Whether this view can draw this kind of recording (its data, its discriminator)."""
        if rec.kind not in cls.kinds:
            return False
        if rec.kind == "images":
            return (rec.is_image or not cls.pictures) and (rec.manifest.get("has_discriminator") or not cls.needs_discriminator)
        return rec.manifest["data_dim"] in cls.data_dims and (rec.manifest.get("has_discriminator") or not cls.needs_discriminator)

    @classmethod
    def check(cls, rec: Recording) -> None:
        """Refuse recordings this view can't draw, with a line saying why (and, across kinds, which views can)."""
        if rec.kind not in cls.kinds or (rec.kind == "images" and not cls.shows(rec)):
            what = (f"{'x'.join(map(str, rec.sample_shape))} images" if rec.is_image else
                    f"vectors of {rec.sample_shape[0]} numbers" if rec.kind == "images" else f"{rec.manifest['data_dim']}D points")
            can = ", ".join(sorted(n for n, v in VIEWS.items() if v.shows(rec)))
            raise GananimError(f"view {cls.name!r} cannot draw {rec.path}, a recording of {what}; views that can: {can}")
        if rec.kind == "images":
            if not len(rec):
                raise GananimError(f"{rec.path} has no snapshots yet")
            return
        dim = rec.manifest["data_dim"]
        if dim not in cls.data_dims:
            want = " or ".join(f"{d}D" for d in cls.data_dims)
            raise GananimError(f"view {cls.name!r} draws {want} data, but {rec.path} holds {dim}D data")
        if cls.needs_discriminator and not rec.manifest.get("has_discriminator"):
            raise GananimError(f"view {cls.name!r} needs a discriminator, but {rec.path} was recorded without one")
        if not len(rec):
            raise GananimError(f"{rec.path} has no snapshots yet")

    def setup(self, ax: Axes) -> list[Artist]:
        """Draw what stays (data density, modes, axes) and create the moving artists; return those."""
        raise NotImplementedError

    def update(self, i: int) -> None:
        """Move the artists to snapshot i."""
        raise NotImplementedError

    def show(self, step: float) -> int:
        """Move the artists to a training step and return the snapshot index shown; between two snapshots the
        one before is held (views that blend neighbouring snapshots mix in gananim.rendering.views.tween.Tweening)."""
        i = self.rec.index_at(step)
        self.update(i)
        return i

    def share_steps(self, first: int, last: int) -> None:
        """Views with a training-step axis (the dashboard) span first..last: side by side, runs line up on step."""

    raster_ax: Axes | None = None  # set by views that paint their axes' interior as one bitmap

    def raster(self, height: int, width: int) -> np.ndarray:
        """The bitmap for `raster_ax` at its pixel size, top row first: uint8 RGB, or packed RGBA uint32."""
        raise NotImplementedError

    def frame_box(self, ax: Axes) -> None:
        """Fix the axes to the recording's view box, so motion on screen is real motion."""
        (x0, x1), *rest = self.rec.view_box
        ax.set_xlim(x0, x1)
        if rest:
            ax.set_ylim(*rest[0])
            ax.set_aspect("equal", adjustable="box")


def finite_rows(a: np.ndarray) -> np.ndarray:
    """Mask of rows with only finite values (a diverged generator gives NaN/inf)."""
    return np.isfinite(a).all(axis=-1) if a.ndim > 1 else np.isfinite(a)


def nonfinite_share(snapshot) -> float:
    """Share of the fixed samples that are NaN/inf in a snapshot (images recordings flag them: uint8 holds no NaN)."""
    if snapshot.nonfinite is not None:
        return float(np.mean(snapshot.nonfinite))
    return float(1 - finite_rows(snapshot.samples).mean())
