"""The View protocol and registry: artists made once in `setup`, changed in place in `update`."""

from __future__ import annotations

import importlib
from typing import ClassVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from gananim import kinds
from gananim.errors import GananimError
from gananim.kinds.kind import CANNOT_DRAW
from gananim.recording.reader import Recording
from gananim.rendering.views.style import Style

VIEWS: dict[str, list[type["View"]]] = {}  # name -> the classes drawing it, one per kind (or one for every kind)


def register(cls: type["View"]) -> type["View"]:
    """Class decorator: make a view available by its name (`gananim render --view NAME`). Kinds may each register
    their own class under one name (the images kind's dashboard); a class for every kind (kinds None) is the fallback."""
    VIEWS[cls.name] = [c for c in VIEWS.get(cls.name, []) if c.kinds != cls.kinds] + [cls]
    return cls


def _load_views() -> None:
    """Import every registered kind's views (registering them): a kind added after this module loaded has its own."""
    for kind in kinds.KINDS.values():
        if kind.views_module:
            importlib.import_module(kind.views_module)


def view_names() -> list[str]:
    """Every view's name that draws a registered kind (each kind's included)."""
    _load_views()
    return sorted(
        n for n, classes in VIEWS.items() if any(c.kinds is None or set(c.kinds) & kinds.KINDS.keys() for c in classes)
    )


def get_view(name: str, rec: Recording | None = None) -> type["View"]:
    """The view class for a name (for `rec`'s kind when given), or a one-line error listing the known views."""
    _load_views()
    if name not in VIEWS:
        raise GananimError(f"unknown view {name!r}; known views: {', '.join(sorted(VIEWS))}")
    classes = VIEWS[name]
    if rec is not None:
        for cls in sorted(classes, key=lambda c: c.kinds is None):  # a kind's own class before one for every kind
            if cls.kinds is None or rec.kind in cls.kinds:
                return cls
    return classes[0]


def cannot_draw(view: type["View"], rec: Recording) -> str:
    """The refusal of a view that does not draw this kind of recording at all: which views can."""
    _load_views()
    can = ", ".join(sorted(n for n in VIEWS if get_view(n, rec).shows(rec)))  # shows() builds no message: no loop
    return f"view {view.name!r} cannot draw {rec.path}, a recording of {rec.kind_of.what(rec)}; views that can: {can}"


class View:
    """Draws one recording into one axes; subclasses set `name` and implement setup/update."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...] | None] = None  # the kinds of data drawn (gananim.kinds), None for every kind
    pictures: ClassVar[bool] = False  # draws samples as pictures: not for images recordings of flat vectors
    data_dims: ClassVar[tuple[int, ...]] = (1, 2)  # points recordings: the data dimensions drawn
    needs_discriminator: ClassVar[bool] = False
    needs: ClassVar[tuple[str, ...]] = ()  # the snapshot arrays drawn (a damaged or hostile recording may lack them)
    projection: ClassVar[str | None] = None
    blit: ClassVar[bool] = True  # False when the whole axes changes every frame (a turning 3D camera)
    nonfinite_drawn: ClassVar[str] = "not drawn"  # what the frame's warning says this view does with NaN/inf samples

    beside: bool = False  # set before setup when drawn beside another view (--dashboard): a compact layout
    # the render's choices, set before setup (gananim.rendering.pipeline.RenderOptions): draw the stored real samples
    # (None: where the data came as samples), and the dashboard's scalars (None: its own panels)
    data_points: bool | None = None
    scalars: tuple[str, ...] | None = None

    def __init__(self, rec: Recording, style: Style):
        self.check(rec)
        self.rec, self.style = rec, style

    @classmethod
    def refusal(cls, rec: Recording) -> str | None:
        """Why this view cannot draw this recording (its kind, its data, its discriminator), or None: the one rule
        behind both `shows` and `check`, asked of the recording's kind."""
        if cls.kinds is not None and rec.kind not in cls.kinds:
            return cannot_draw(cls, rec)
        reason = rec.kind_of.draws(cls, rec)
        return cannot_draw(cls, rec) if reason == CANNOT_DRAW else reason

    @classmethod
    def shows(cls, rec: Recording) -> bool:
        """Whether this view can draw this recording (the same rule as `refusal`, without making its message)."""
        return (cls.kinds is None or rec.kind in cls.kinds) and rec.kind_of.draws(cls, rec) is None

    @classmethod
    def check(cls, rec: Recording) -> None:
        """Refuse recordings this view can't draw, with a line saying why (and, across kinds, which views can)."""
        reason = cls.refusal(rec)
        if reason:
            raise GananimError(reason)
        if not len(rec):
            raise GananimError(f"{rec.path} has no snapshots yet")
        cls.check_snapshot(rec, 0)  # what setup draws first

    def check_snapshots(self, step: float) -> None:
        """Refuse, in one line, to draw a step whose snapshots (the one shown and the next, which a blend mixes in)
        lack an array this view draws."""
        if not self.needs:  # most views: nothing to check, no snapshot read on the render loop
            return
        checked = self.__dict__.setdefault("_checked", set())  # each snapshot once, not at every frame
        i = self.rec.index_at(step)
        for j in {i, min(i + 1, len(self.rec) - 1)} - checked:
            self.check_snapshot(self.rec, j)
            checked.add(j)

    @classmethod
    def check_snapshot(cls, rec: Recording, j: int) -> None:
        """Snapshot j holds every array this view draws: a recording that says it holds them but does not is
        damaged (one line, not a TypeError deep inside the view)."""
        missing = [name for name in cls.needs if getattr(rec[j], name) is None]
        if missing:
            raise GananimError(
                f"{rec.path} is damaged: its snapshot at step {rec.steps[j]:,} has no {missing[0]!r} array, which "
                f"view {cls.name!r} draws; re-record, or render another view"
            )

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
        """Fix the axes to the recording's view box, so motion on screen is real motion; on a frame with readable
        text, at most five ticks a side, whose labels ("−7.5") stay apart."""
        (x0, x1), *rest = self.rec.view_box
        ax.set_xlim(x0, x1)
        if rest:
            ax.set_ylim(*rest[0])
            ax.set_aspect("equal", adjustable="box")
        if self.style.readable:
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
            # the x labels far enough down that the corner's two first labels ("−10" and "−10") stay apart
            ax.tick_params(axis="x", pad=max(3.5, 0.45 * self.style.fs(0.8)))


def finite_rows(a: np.ndarray) -> np.ndarray:
    """Mask of rows with only finite values (a diverged generator gives NaN/inf)."""
    return np.isfinite(a).all(axis=-1) if a.ndim > 1 else np.isfinite(a)


def nonfinite_share(snapshot) -> float:
    """Share of the fixed samples that are NaN/inf in a snapshot (images recordings flag them: uint8 holds no NaN)."""
    if snapshot.nonfinite is not None:
        return float(np.mean(snapshot.nonfinite))
    return float(1 - finite_rows(snapshot.samples).mean())
