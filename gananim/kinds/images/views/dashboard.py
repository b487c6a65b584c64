"""The dashboard of an images recording: the sample grid, the PCA projection and D's histograms beside the scalars
over training, and the class bars where a classifier's class shares were analysed (series `class_share_{k}`).

Beside another view (`render --dashboard`) it is a column: D's histograms, the class bars and the scalars; on a
frame too narrow for every part at a readable size it is the grid beside that column. The column keeps the panels
that fit, most important first (gananim.rendering.views.stack). The scalar charts are the points dashboard's
(SeriesPanel), with the same cursor, headers and events' legend.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import NullLocator

from gananim.analysis import analyse
from gananim.kinds.images.views.d_hist import DHistView
from gananim.kinds.images.views.projection import ProjectionView
from gananim.kinds.images.views.sample_grid import SampleGridView
from gananim.recording.game import game_of
from gananim.rendering.drawing import DATA_BLUE as DATA_COLOUR
from gananim.rendering.drawing import GENERATED_RED as BAR_COLOUR
from gananim.rendering.views.base import register
from gananim.rendering.views.chart import Header, entry, share, text_width
from gananim.rendering.views.dashboard import (
    GREY,
    LABEL,
    PANELS,
    RANK_OF,
    DashboardView,
    SeriesPanel,
    series_least,
    steps_room,
)
from gananim.rendering.views.scalars import check_room
from gananim.rendering.views.stack import HEADER, TICK, Slot, header_room, least_chart, line, stack

CLASS_CAPTURED_KEY = "classes_captured"
DATA_KEY = "- - data"  # the header's key to the dashed ticks on the bars
NUMBERS_LINES = 1.0  # the class numbers' line under the bars
# the image metrics' panels (series from gananim.analysis.analyser for images recordings), shown where they were computed
IMAGE_PANELS = [
    # a conditional G (its labels recorded): how many of its samples the classifier reads as the class asked for
    ("G(z, y) drawn as class y", [("label_match", "share", GREY)], None, "linear"),
    ("class KL(gen ‖ data)", [("class_kl", "KL", GREY)], None, "linear"),
    ("Fréchet distance", [("frechet", "FD", GREY)], None, "linear"),
]
SCALARS = ("losses", "discriminator", "critic", "LSGAN D objective")  # the points dashboard's panels kept here


def class_count(series: dict) -> int:
    """K where the analysis has class_share_0..class_share_{K-1}, else 0."""
    k = 0
    while f"class_share_{k}" in series:
        k += 1
    return k


def class_names(rec, k: int) -> list[str]:
    """The K classes' names under the bars: a conditional recording's own (Labels(names=...)), else 0..K-1."""
    names = (rec.manifest.get("conditional") or {}).get("names")
    return list(names) if isinstance(names, list) and len(names) == k else [str(c) for c in range(k)]


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
        x0, y0, w, h = rect
        names, lines = self._names(rec, dash.host, w, h, s)
        below = line(s, TICK) * lines / dash.host.bbox.height  # the class names (or numbers) under the bars
        ax = self.ax = dash.host.inset_axes((x0, y0 + below, w, h - below))
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
        ax.set_xticks(range(self.k), names)
        ax.tick_params(axis="x", labelsize=s.fs(TICK), length=0, pad=1)
        for tick in ax.xaxis.get_major_ticks()[1::2] if lines > 1 else []:  # staggered: every other a line lower
            tick.set_pad(1 + line(s, TICK) * 72 / ax.figure.dpi)
        # a fair share of 10 classes between 0 and the top, where it is clear of both and the bars are tall enough
        room = ax.get_window_extent().height > 3 * line(s, TICK)
        ticks = [0, *[t for t in (0.1,) if t < 0.5 * self.top and room], self.top]
        ax.set_yticks(ticks, ["0", *map(share, ticks[1:])])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.tick_params(axis="y", labelsize=s.fs(TICK), pad=1)
        title, templates = self.texts(self.k)
        self.header = Header(dash.host, rect, title, ["#222222", DATA_COLOUR], templates, s, HEADER)
        self.header.set(templates[:1] + [DATA_KEY])  # the data's share: a key in the header, off the bars

    def _names(self, rec, host, w: float, h: float, s) -> tuple[list[str], int]:
        """The names under the bars and their lines: on one line where each fits its bar's width, staggered on two
        where each fits two and the bars keep their least height, else the class numbers (the grid's rows name the
        classes in that order)."""
        names = class_names(rec, self.k)
        fig = host.figure
        slot = w * host.bbox.width / self.k * 72 / fig.dpi  # points per bar
        wide = max(text_width(fig, n, s.fs(TICK)) for n in names)
        if wide <= 0.9 * slot:
            return names, NUMBERS_LINES
        room = h * host.bbox.height - line(s, TICK) * 2 * NUMBERS_LINES  # the bars' pixels under staggered names
        if wide <= 1.8 * slot and room >= self.least(s) - line(s, TICK) * NUMBERS_LINES:
            return names, 2 * NUMBERS_LINES
        return [str(c) for c in range(self.k)], NUMBERS_LINES

    @staticmethod
    def texts(k: int) -> tuple[str, list[str]]:
        """The header's title and its entries' widest texts."""
        return "classes", [entry("captured", f"{k} of {k}"), DATA_KEY]

    @staticmethod
    def least(style) -> float:
        """The least height that reads, in pixels: bars with their two share ticks, and the class numbers."""
        return line(style, TICK) * (1.6 + NUMBERS_LINES)

    def artists(self) -> list:
        return [self.poly, *self.header.entries]

    def update(self, i: int) -> None:
        shares = np.clip(np.nan_to_num(self.shares[i]), 0, self.top)
        self.corners[:, 1, 1] = self.corners[:, 2, 1] = shares
        self.poly.set_verts(self.corners)
        captured = self.captured[i] if self.captured is not None else np.nan
        count = f"{captured:.0f} of {self.k}" if np.isfinite(captured) else "—"
        self.header.set([entry("captured", count), DATA_KEY])


def _series_specs(series: dict, rec) -> list:
    """The scalar panels with a finite series here: losses and D's means (titled in the recording's game), then the
    image metrics."""
    has = lambda name: name in series and np.isfinite(series[name]).any()  # noqa: E731
    chosen = [p for p in PANELS if p != "modes" and p[0] in SCALARS] + IMAGE_PANELS
    out = []
    for title, rows, ref, scale in chosen:
        rows = [row for row in rows if has(row[0])]
        if rows:
            out.append((game_of(rec.manifest).panel_title(title), rows, ref, scale))
    return out


# the column's panels by importance: on a small frame, the ones that fit (the first always)
RANK = [
    "losses",
    "classes",
    "G(z, y) drawn as class y",
    "d-hist",
    "discriminator",
    "LSGAN D objective",
    "critic",
    "Fréchet distance",
    "class KL(gen ‖ data)",
]
WEIGHTS = {"d-hist": 1.2, "classes": 1.3}  # shares of spare height against a chart's 1
COLUMN_EMS = 21.0  # the column is at least this many header ems wide: its headers' entries fit on a line
PICTURES_EMS = 48.0  # the grid, the projection and D's histograms need this many left of it, else the grid alone


@register
class ImageDashboardView(DashboardView):
    """Grid | projection over D's histograms | scalar charts and class bars; a column of the last three beside a
    view, and beside the grid alone where the frame is too narrow for all of them at a readable size."""

    kinds = ("images",)

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.analysis = analyse(rec)
        self.host = ax
        ax.set_axis_off()
        self.panels, self.charts, self.parts, moving = [], [], [], []
        em = s.px(s.fs(HEADER)) / ax.bbox.width  # a header's em, as a share of the host's width
        width = min(max(0.2, COLUMN_EMS * em), 0.45)
        x0, hist = 1.0 - width, self.beside
        if self.beside:
            x0, width = 0.12, 0.86  # room at the left for D's histograms' label
        elif rec.is_image and x0 < PICTURES_EMS * em:  # narrow: the grid, D's histograms go in the column
            self.nonfinite_drawn = "crossed out in the grid"
            moving += self._part(SampleGridView, (0.0, 0.0, x0 - 0.12, 1.0))
            hist = True
        else:
            if rec.is_image:
                self.nonfinite_drawn = "crossed out in the grid, not drawn on the plane"
            moving += self._pictures(x0)
        column = ["d-hist"] if hist and rec.manifest.get("has_discriminator") else []
        moving += self._column(column, x0, width)
        return moving + [a for p in self.panels for a in p.artists()]

    def _pictures(self, right: float) -> list:
        """The grid (where samples are pictures), the projection and D's histograms, left of `right` (0.8 at most)."""
        k = right / 0.8  # the layout was made for a column from 0.8
        moving, left = [], 0.0
        if self.rec.is_image:
            moving += self._part(SampleGridView, (0.0, 0.0, 0.3 * k, 1.0))
            left = 0.36 * k
        moving += self._part(ProjectionView, (left, 0.45, 0.25 * k, 0.55))
        if self.rec.manifest.get("has_discriminator"):
            moving += self._part(DHistView, (left, 0.06, 0.33 * k, 0.27))
        return moving

    def _column(self, column: list, x0: float, width: float) -> list:
        """The column from x0, `width` wide, under the events' legend: D's histograms where listed, the class bars
        and the scalar charts, those that fit."""
        s, series, height = self.style, self.analysis.series, self.host.bbox.height
        top = self.events_legend(self.host, x0, width)
        if class_count(series) > 0:
            column.append("classes")
        picked = self.picked(PANELS + IMAGE_PANELS) if self.scalars is not None else None
        column += _series_specs(series, self.rec) if picked is None else picked
        placed = stack(self.ranked_column(column, width, picked), height, top, steps_room(s, LABEL))
        if picked is not None:
            check_room(picked, placed)
        moving = []
        for item, y, h in placed:
            rect = (x0, y, width, h)
            if item == "d-hist":  # its own step-free x axis and its label below it
                below = self._under_hist() / height
                moving += self._part(DHistView, (x0, y + below, width, h - below))
            elif item == "classes":
                self.panels.append(ClassPanel(self, rect))
            else:
                self.panels.append(SeriesPanel(self, rect, item))
        self.finish_charts(tick_size=TICK, label_size=LABEL)
        return moving

    def ranked_column(self, column: list, width: float, picked: list | None) -> list[Slot]:
        """The column's slots; picked scalar panels after D's histograms and the class bars, in the order given."""
        slots = [self._slot(item, width) for item in column]
        if picked is not None:
            for k, slot in enumerate(slots):
                slot.rank = k
        return slots

    def _under_hist(self) -> float:
        """The pixels under D's histograms for its tick labels and its axis' name."""
        return line(self.style, TICK) * 1.05 + line(self.style, DHistView.LABEL)

    def _slot(self, item, width: float) -> Slot:
        """A column item's place: its least height, its header's one or two lines, its weight and rank."""
        s = self.style
        if item == "d-hist":
            conditional = bool(self.rec.manifest.get("conditional"))
            (title, templates), least = DHistView.texts(conditional), least_chart(s) + self._under_hist()
        elif item == "classes":
            k = class_count(self.analysis.series)
            (title, templates), least = ClassPanel.texts(k), ClassPanel.least(s)
        else:
            (title, templates), least = SeriesPanel.texts(item, self.analysis.series), series_least(item, s)
        rows = Header.fit(self.host, width, title, templates, s, HEADER)[2]
        name = item if isinstance(item, str) else item[0]
        name = RANK_OF.get(name, name)  # a panel renamed for the game (Game.panel_title) keeps its rank
        rank = RANK.index(name) if name in RANK else len(RANK)
        return Slot(item, least, header_room(s, rows), WEIGHTS.get(name, 1.0), rank)

    def _part(self, cls, rect) -> list:
        """One of the image views drawn into a rect of the host."""
        view = cls(self.rec, self.style)
        self.parts.append(view)
        return view.setup(self.host.inset_axes(rect))

    def update(self, i: int) -> None:
        for part in self.parts:
            part.update(i)
        super().update(i)
