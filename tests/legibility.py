"""What a frame's reader can read: every text drawn on a frame, its cap height in pixels, and where texts run into
each other or into the data. Used by tests/test_readable.py; run as a script it prints a report per view:

    env -u COLUMNS PYTHONPATH=. .venv/bin/python tests/legibility.py /tmp/recordings [OUT_DIR]

Texts are caught as they are drawn (Text.draw is wrapped while a frame renders), so only what reaches the pixels
counts: tick labels outside the axis' range, empty or hidden texts are never drawn and never measured.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import Collection, PathCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.quiver import Quiver
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from matplotlib.transforms import Bbox

MIN_CAP = 9.0  # pixels: the smallest cap height read at a blog column's width (issue 19)
SIZES = [(720, 405), (1280, 720)]
SLACK = 1.0  # pixels two extents may share (anti-aliased edges) before they count as overlapping
# (recording folder, view, dashboard beside it): every view on the recording it draws
CASES = [
    ("v1-2d", "surface", False),
    ("v1-2d", "density", False),
    ("v1-2d", "mapping", False),
    ("v1-2d", "gradients", False),
    ("v1-2d", "mountains", False),
    ("v1-2d", "dashboard", False),
    ("v1-1d", "goodfellow-1d", False),
    ("v1-1d", "gradients", False),
    ("v1-1d", "dashboard", False),
    ("v2-images", "grid", False),
    ("v2-images", "interp", False),
    ("v2-images", "projection", False),
    ("v2-images", "d-hist", False),
    ("v2-images", "dashboard", False),
    ("v1-2d", "surface", True),
    ("v2-images", "grid", True),
]


@dataclass
class Drawn:
    """A text as drawn: what it says, its cap height and its extent in pixels (y up)."""

    text: str
    cap: float
    box: Bbox
    artist: object

    def __str__(self) -> str:
        return f"{self.text!r} (cap {self.cap:.1f} px)"


@cache
def cap_ratio(family: str, weight: str) -> float:
    """Cap height over font size for a font: the height of an H's outline at size 1."""
    from matplotlib.font_manager import FontProperties

    box = TextPath((0, 0), "H", size=1, prop=FontProperties(family=family, weight=weight)).get_extents()
    return box.y1 - box.y0


def _cap(text: Text, dpi: float) -> float:
    prop = text.get_fontproperties()
    return prop.get_size_in_points() * dpi / 72 * cap_ratio(prop.get_family()[0], str(prop.get_weight()))


@contextmanager
def catching(fig, out: list[Drawn], paths: list[Drawn]):
    """Record every text drawn on `fig` while inside (and glyph outlines drawn as one PathCollection with a `texts`
    attribute, like the surface view's mode numbers, into `paths`)."""
    original, original_paths = Text.draw, PathCollection.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.figure is not fig or not self.get_visible() or not self.get_text().strip():
            return
        box = self.get_window_extent(renderer)
        clip = self.get_clip_box() if self.get_clip_on() else None
        if clip is not None and not box.overlaps(clip):
            return  # clipped away
        out.append(Drawn(self.get_text(), _cap(self, fig.dpi), box, self))

    def draw_paths(self, renderer):
        original_paths(self, renderer)
        if self.figure is fig and self.get_visible() and getattr(self, "texts", None):
            offsets = self.get_offset_transform().transform(self.get_offsets())
            for path, at, text in zip(self.get_paths(), offsets, self.texts):
                box = self.get_transform().transform_path(path).get_extents().translated(*at)
                paths.append(Drawn(text, box.height, box, self))  # digits: an outline's height is its cap height

    Text.draw, PathCollection.draw = draw, draw_paths
    try:
        yield
    finally:
        Text.draw, PathCollection.draw = original, original_paths


def overlaps(a: Bbox, b: Bbox) -> bool:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w > SLACK and h > SLACK


def _shrunk(box: Bbox) -> Bbox:
    return Bbox.from_extents(box.x0 + SLACK, box.y0 + SLACK, box.x1 - SLACK, box.y1 - SLACK)


def _data_artists(fig) -> list:
    """What each axes draws of the data: lines, collections (dots, arrows, bars, fills) and patches, but not guides
    (a cursor, a reference line: gid "guide"), not text-like glyph outlines and not the axes' own frame; and the
    frame's own lines (the rule under the title bar)."""
    out = [a for a in fig.artists if isinstance(a, Line2D) and a.get_visible()]
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches]:
            if not artist.get_visible() or artist.get_gid() == "guide" or getattr(artist, "texts", None):
                continue
            out.append(artist)
    return out


def _display_paths(artist) -> list:
    """The artist's outlines in pixels (each dot, arrow or bar its own)."""
    if isinstance(artist, Line2D):
        xy = artist.get_xydata()
        if not len(xy):
            return []
        path = artist.get_transform().transform_path(artist.get_path())
        if artist.get_linestyle() in ("None", "none", "", " "):  # markers only: the points, a marker's size around
            r = artist.get_markersize() * artist.figure.dpi / 72 / 2
            return [("dots", path.vertices, r)]
        return [("line", path, artist.get_marker() not in ("None", None, "none", ""))]
    if isinstance(artist, Quiver):
        tails = artist.get_offset_transform().transform(artist.get_offsets())
        heads = artist.axes.transData.transform(artist.get_offsets() + np.column_stack([artist.U, artist.V]))
        ok = ~(np.ma.getmaskarray(artist.U) | np.ma.getmaskarray(artist.V))
        return [("segments", np.stack([tails[ok], heads[ok]], axis=1))]
    if isinstance(artist, PathCollection) or (
        isinstance(artist, Collection) and len(artist.get_offsets()) and not isinstance(artist, PolyCollection)
    ):
        offsets = artist.get_offsets()
        if not len(offsets):
            return []
        at = artist.get_offset_transform().transform(offsets)
        sizes = artist.get_sizes() if hasattr(artist, "get_sizes") else np.zeros(1)
        r = np.sqrt(sizes.max() if len(sizes) else 0.0) * artist.figure.dpi / 72 / 2
        return [("dots", at[np.isfinite(at).all(axis=1)], r)]
    if isinstance(artist, Collection):
        transform = artist.get_transform()
        return [("path", transform.transform_path(p)) for p in artist.get_paths() if len(p.vertices)]
    if isinstance(artist, Patch):
        return [("path", artist.get_transform().transform_path(artist.get_path()))]
    return []


def _hits(kind_and_data, box: Bbox) -> bool:
    kind, data, *rest = kind_and_data
    if kind == "dots":
        r = rest[0]
        pts = data
        return bool(
            (
                (pts[:, 0] + r > box.x0)
                & (pts[:, 0] - r < box.x1)
                & (pts[:, 1] + r > box.y0)
                & (pts[:, 1] - r < box.y1)
            ).any()
        )
    if kind == "segments":
        return any(_segment_hits(a, b, box) for a, b in data)
    if kind == "line":
        return data.intersects_bbox(box, filled=False)
    return data.intersects_bbox(box, filled=True)


def _segment_hits(a, b, box: Bbox) -> bool:
    """A straight segment meets a box (sampled: the boxes are text-sized, the segments a frame's width at most)."""
    n = int(max(abs(b[0] - a[0]), abs(b[1] - a[1]))) + 2
    t = np.linspace(0, 1, n)[:, None]
    p = a + t * (b - a)
    return bool(((p[:, 0] > box.x0) & (p[:, 0] < box.x1) & (p[:, 1] > box.y0) & (p[:, 1] < box.y1)).any())


def grounded(text, fig) -> float | None:
    """The z-order at which a text on its own ground is drawn (an opaque box or a halo of the background under its
    glyphs: it reads over whatever lies below it), None for a text without one. A tick label is drawn with its axis."""
    patch = text.get_bbox_patch() if isinstance(text, Text) else None
    box = patch is not None and patch.get_visible() and patch.get_facecolor()[3] >= 0.75
    halo = isinstance(text, Text) and any(isinstance(e, patheffects.withStroke) for e in text.get_path_effects())
    if not (box or halo):
        return None
    for ax in fig.axes:  # a tick label (whose .axes is None) is drawn with its axis
        for axis in (ax.xaxis, ax.yaxis):
            if any(text is t.label1 or text is t.label2 for t in axis.majorTicks):
                return axis.get_zorder()
    return text.get_zorder()


def data_over_text(fig, texts: list[Drawn]) -> list[tuple[Drawn, object]]:
    """Texts that a data artist of the same frame runs through (within the artist's clip box), unless the text is
    drawn on its own ground above it."""
    found = []
    artists = _data_artists(fig)
    for t in texts:
        box = _shrunk(t.box)
        if box.width <= 0 or box.height <= 0:
            continue
        ground = grounded(t.artist, fig)
        for artist in artists:
            if ground is not None and ground > artist.get_zorder():
                continue
            region = box
            clip = artist.get_clip_box() if artist.get_clip_on() else None
            if clip is not None:
                region = Bbox.intersection(box, clip)
                if region is None or region.width <= 0 or region.height <= 0:
                    continue
            if any(_hits(p, region) for p in _display_paths(artist)):
                found.append((t, artist))
                break
    return found


def _name(artist) -> str:
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    label = "" if str(label).startswith("_") else f" {label!r}"
    return f"{type(artist).__name__}{label}"


@dataclass
class Report:
    """What one frame's reader meets: its texts, the smallest cap height, and the collisions."""

    texts: list[Drawn]
    small: list[Drawn]
    text_over_text: list[tuple[Drawn, Drawn]]
    data_over_text: list[tuple[Drawn, object]]
    outside: list[Drawn]

    @property
    def smallest(self) -> float:
        return min((t.cap for t in self.texts), default=float("nan"))

    def problems(self) -> list[str]:
        out = [f"cap {t.cap:.1f} px < {MIN_CAP:g}: {t.text!r}" for t in self.small]
        out += [f"text over text: {a.text!r} and {b.text!r}" for a, b in self.text_over_text]
        out += [f"data over text: {_name(d)} across {t.text!r}" for t, d in self.data_over_text]
        out += [f"off the frame: {t.text!r}" for t in self.outside]
        return out


def inspect(frame, step: float) -> tuple[np.ndarray, Report]:
    """Render a gananim Frame at `step` from scratch (a full draw: every text, static or moving) and report."""
    texts, paths = [], []
    frame._background = None  # the static texts are drawn again too
    with catching(frame.fig, texts, paths):
        pixels = frame.render(step)
    return pixels, report(frame.fig, texts + paths)


def report(fig, texts: list[Drawn]) -> Report:
    unique, seen = [], set()
    for t in texts:  # a text drawn twice (the background, then a blit) counts once
        key = (id(t.artist), t.text, tuple(np.round(t.box.extents, 1)))
        if key not in seen:
            seen.add(key)
            unique.append(t)
    small = [t for t in unique if t.cap < MIN_CAP - 0.05]
    pairs = [
        (a, b)
        for i, a in enumerate(unique)
        for b in unique[i + 1 :]
        if a.artist is not b.artist and overlaps(a.box, b.box)
    ]
    w, h = fig.bbox.width, fig.bbox.height
    outside = [
        t for t in unique if t.box.x0 < -SLACK or t.box.y0 < -SLACK or t.box.x1 > w + SLACK or t.box.y1 > h + SLACK
    ]
    return Report(unique, small, pairs, data_over_text(fig, unique), outside)


def frame_for(rec, view: str, size: tuple[int, int], dashboard: bool):
    from gananim.rendering.views import Frame, make_style

    return Frame([rec], view, make_style(size), dashboard=dashboard)


def main(root: str, out: str | None = None) -> None:
    from PIL import Image

    from gananim.recording.reader import load

    recs = {name: load(Path(root) / name) for name in {c[0] for c in CASES}}
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
    for folder, view, beside in CASES:
        rec = recs[folder]
        for size in SIZES:
            frame = frame_for(rec, view, size, beside)
            name = f"{view}{'+dashboard' if beside else ''}-{folder}-{size[0]}"
            problems, smallest = [], float("inf")
            for index in sorted({0, len(rec) // 2, len(rec) - 1}):
                pixels, rep = inspect(frame, int(rec.steps[index]))
                smallest = min(smallest, rep.smallest)
                problems += [f"[{index}] {p}" for p in rep.problems()]
                if out and index == len(rec) - 1:
                    Image.fromarray(pixels).save(Path(out) / f"{name}.png")
            small = list(dict.fromkeys(p.split("] ", 1)[1] for p in problems if "] cap " in p))
            print(f"{name}: smallest cap {smallest:.1f} px, {len(small)} texts too small")
            if small:
                print("    small:", "; ".join(s.split(": ", 1)[1] for s in small[:12]), "..." * (len(small) > 12))
            for p in dict.fromkeys(p for p in problems if "] cap " not in p):
                print("   ", p)


if __name__ == "__main__":
    main(*sys.argv[1:])
