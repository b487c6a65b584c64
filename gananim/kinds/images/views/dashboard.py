"""The dashboard of an images recording: the sample grid, the PCA projection and D's histograms beside the scalars
over training, and the class bars where a classifier's class shares were analysed (series `class_share_{k}`).

Beside another view (`render --dashboard`) it is a column: D's histograms, the class bars and the scalars.
The scalar charts are the points dashboard's (SeriesPanel), with the same cursor and headers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import NullLocator

from gananim.analysis import analyse
from gananim.kinds.images.views.d_hist import DHistView
from gananim.kinds.images.views.projection import ProjectionView
from gananim.kinds.images.views.sample_grid import SampleGridView
from gananim.rendering.drawing import DATA_BLUE as DATA_COLOUR
from gananim.rendering.drawing import GENERATED_RED as BAR_COLOUR
from gananim.rendering.views.base import register
from gananim.rendering.views.chart import Header, entry, share
from gananim.rendering.views.dashboard import GREY, PANELS, DashboardView, SeriesPanel

CLASS_CAPTURED_KEY = "classes_captured"
# the image metrics' panels (series from gananim.analysis.analyser for images recordings), shown where they were computed
IMAGE_PANELS = [
    ("class KL(gen ‖ data)", [("class_kl", "KL", GREY)], None, "linear"),
    ("Fréchet distance", [("frechet", "FD", GREY)], None, "linear"),
]
SCALARS = ("losses", "discriminator")  # the points dashboard's panels kept here (room is short)


def class_count(series: dict) -> int:
    """K where the analysis has class_share_0..class_share_{K-1}, else 0."""
    k = 0
    while f"class_share_{k}" in series:
        k += 1
    return k


class ClassPanel:
    """Each class's share of the generated samples as a bar, the data's own share dashed over it, and how many
    classes are captured; the bars empty one by one when G collapses.

    The share axis is a square-root scale (a rootogram, Tukey 1977): on a linear one that reaches 100% for a collapsed
    G, a class captured with 2 of 128 samples was a bar 2 pixels tall that read as empty beside "captured 10 of 10"."""

    def __init__(self, dash, rect):
        rec, s, series = dash.rec, dash.style, dash.analysis.series
        self.k = class_count(series)
        self.shares = np.stack([series[f"class_share_{c}"] for c in range(self.k)], axis=1)
        self.captured = series.get(CLASS_CAPTURED_KEY)
        freq = rec.fixed.get("data_class_freq")
        self.data = (
            np.asarray(freq, float) if freq is not None and len(freq) == self.k else np.full(self.k, 1.0 / self.k)
        )
        ax = self.ax = dash.host.inset_axes(rect)
        finite = np.nan_to_num(self.shares, nan=0.0)
        self.top = min(1.0, max(float(finite.max()) if finite.size else 0.0, 2 * float(self.data.max()))) or 1.0
        ax.set_xlim(-0.6, self.k - 0.4)
        ax.set_yscale("function", functions=(lambda v: np.sqrt(np.clip(v, 0, None)), np.square))
        ax.set_ylim(0, self.top)
        left, right = np.arange(self.k) - 0.36, np.arange(self.k) + 0.36
        self.corners = np.zeros((self.k, 4, 2))
        self.corners[:, :, 0] = np.stack([left, left, right, right], axis=1)
        self.poly = PolyCollection(self.corners.copy(), facecolors=BAR_COLOUR, edgecolors="none", alpha=0.85)
        ax.add_collection(self.poly, autolim=False)
        ax.add_collection(
            LineCollection(
                [[(c - 0.45, f), (c + 0.45, f)] for c, f in enumerate(self.data)],
                colors=DATA_COLOUR,
                linestyles="--",
                linewidths=0.9 * s.scale,
            )
        )
        ax.set_xticks(range(self.k), [str(c) for c in range(self.k)])
        ax.tick_params(axis="x", labelsize=s.fs(0.62), length=0, pad=1)
        ticks = [0, *[t for t in (0.1,) if t < 0.5 * self.top], self.top]  # a fair share of 10 classes, where it fits
        ax.set_yticks(ticks, ["0", *map(share, ticks[1:])])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.tick_params(axis="y", labelsize=s.fs(0.62), pad=1)
        ax.text(
            0.99,
            0.97,
            "- - the data's share",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=s.fs(0.6),
            color=DATA_COLOUR,
        )
        self.header = Header(
            dash.host, rect, "classes", ["#222222"], [entry("captured", f"{self.k} of {self.k}")], s, 0.78
        )

    def artists(self) -> list:
        return [self.poly, *self.header.entries]

    def update(self, i: int) -> None:
        shares = np.clip(np.nan_to_num(self.shares[i]), 0, self.top)
        self.corners[:, 1, 1] = self.corners[:, 2, 1] = shares
        self.poly.set_verts(self.corners)
        captured = self.captured[i] if self.captured is not None else np.nan
        self.header.set([entry("captured", f"{captured:.0f} of {self.k}" if np.isfinite(captured) else "—")])


def _series_specs(series: dict) -> list:
    """The scalar panels with a finite series here: losses and D's means, then the image metrics."""
    has = lambda name: name in series and np.isfinite(series[name]).any()  # noqa: E731
    chosen = [p for p in PANELS if p != "modes" and p[0] in SCALARS] + IMAGE_PANELS
    out = []
    for title, rows, ref, scale in chosen:
        rows = [row for row in rows if has(row[0])]
        if rows:
            out.append((title, rows, ref, scale))
    return out


@register
class ImageDashboardView(DashboardView):
    """Grid | projection over D's histograms | scalar charts and class bars; a column of the last three beside a view."""

    kinds = ("images",)

    def setup(self, ax):
        rec = self.rec
        if rec.is_image and not self.beside:
            self.nonfinite_drawn = "crossed out in the grid, not drawn on the plane"
        self.analysis = analyse(rec)
        self.host = ax
        ax.set_axis_off()
        self.panels, self.charts, self.parts, moving = [], [], [], []
        specs = _series_specs(self.analysis.series)
        classes = class_count(self.analysis.series) > 0
        if self.beside:
            column, (x0, width) = [("d-hist", 1.2)], (0.12, 0.86)
        else:
            picture = SampleGridView if rec.is_image else None
            left = 0.0
            if picture is not None:
                moving += self._part(SampleGridView, (0.0, 0.0, 0.3, 1.0))
                left = 0.36
            moving += self._part(ProjectionView, (left, 0.45, 0.25, 0.55))
            if rec.manifest.get("has_discriminator"):
                moving += self._part(DHistView, (left, 0.06, 0.33, 0.27))
            column, (x0, width) = [], (0.8, 0.2)
        column += [("classes", 1.3)] if classes else []
        column += [(spec, 1.0) for spec in specs]
        if self.beside and not rec.manifest.get("has_discriminator"):
            column = column[1:]
        below = [0.09 if item == "d-hist" else 0.0 for item, _ in column]  # room for the histogram's own step labels
        unit = (1.0 - 0.055 * len(column) - 0.06 - sum(below)) / max(sum(w for _, w in column), 1e-9)
        y = 1.0
        for (item, weight), extra in zip(column, [0.0] + below[:-1]):
            y -= 0.055 + extra + weight * unit
            rect = (x0, y, width, weight * unit)
            if item == "d-hist":
                moving += self._part(DHistView, rect)
            elif item == "classes":
                self.panels.append(ClassPanel(self, rect))
            else:
                self.panels.append(SeriesPanel(self, rect, item))
        self.finish_charts(tick_size=0.65, label_size=0.7)
        return moving + [a for p in self.panels for a in p.artists()]

    def _part(self, cls, rect) -> list:
        """One of the image views drawn into a rect of the host."""
        view = cls(self.rec, self.style)
        self.parts.append(view)
        return view.setup(self.host.inset_axes(rect))

    def update(self, i: int) -> None:
        for part in self.parts:
            part.update(i)
        super().update(i)
