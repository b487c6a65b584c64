"""The dashboard's modes panel: mode coverage that can't mislead.

Where the VEEGAN/PacGAN protocol applies (gananim.kinds.points.metrics.protocol_fit), the panel shows its two published numbers
together, never the count alone: the high-quality share and the modes captured (of K) over training, and each
mode's share of high-quality samples as a bar, numbered like the modes' × marks on the plots. Where it does not
apply (3σ windows that overlap or cover much of the view), the panel says so and shows the stated alternative
instead: the share of samples within 1σ of their nearest mode, summed and per mode, against the data's own share
(dashed; a Gaussian holds 68% of its mass within 1σ in 1D, 39% in 2D).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import FixedLocator, FuncFormatter
from matplotlib.transforms import offset_copy

from gananim.kinds.points.metrics import CORE_SHARE, MODE_SHARE
from gananim.rendering.drawing import CAPTURED_COLOUR, SHARE_COLOUR
from gananim.rendering.drawing import DATA_BLUE as DATA_COLOUR
from gananim.rendering.drawing import GENERATED_RED as BAR_COLOUR
from gananim.rendering.views.chart import Header, entry, fitting, share
from gananim.rendering.views.stack import HEADER, TICK, least_chart, line

# From the top: the bars (as wide as the charts, so the chart's steps axis lines up with the other panels'), the
# mode numbers under them, the chart's title line, the chart over training. The bars and the chart share the
# height left over from their least heights as BARS : 1 − BARS; the rows between are a line of text each.
BARS = 0.35
BARS_LINES, NUMBERS_LINES, TITLE_LINES = 1.4, 1.0, 1.15
MAX_LABELS = 13  # bar numbers drawn at most (every k-th mode beyond)
PEAK_QUANTILE = 0.9  # the bars' scale: this quantile of the snapshots' largest share (at least twice the data's);
# a bar over it is cut at the top and marked ▲, so one collapsed snapshot does not flatten all the others


def shows_modes(rec, series: dict[str, np.ndarray]) -> bool:
    """A modes panel where there are modes to tell apart (one mode has nothing to capture or hop to)."""
    return len(rec.modes) >= 2 and MODE_SHARE.format(0) in series


class ModesPanel:
    """The share of samples at the modes over training (and modes captured), and per-mode shares as numbered bars."""

    def __init__(self, dash, rect):
        s, a = dash.style, dash.analysis
        fit = a.protocol
        self.applies = fit is None or fit.applies
        # the protocol's shares where it applies, else the stated alternative: the shares within 1σ of a mode
        total, per = ("hq_share", MODE_SHARE) if self.applies else ("core_share", CORE_SHARE)
        self._read_series(dash.rec, a, total, per)
        bars_rect, chart_rect = self._rows(rect, dash.host.bbox.height, s)
        chart = self.chart = dash.chart(chart_rect)
        self._draw_shares(chart, s)
        if self.applies and self.captured is not None:
            self._draw_captured(chart, s)
        self._title_chart(chart, None if self.applies else fit.reason, s)
        bars = self.bars = dash.host.inset_axes(bars_rect)
        self._bar_axes(bars, a.data, per, s)
        self.header = self._header(dash, rect, s)

    @staticmethod
    def least(style) -> float:
        """The least height that reads, in pixels: the bars, the numbers, the chart's title and the chart."""
        return line(style, TICK) * (BARS_LINES + NUMBERS_LINES + TITLE_LINES) + least_chart(style)

    def _rows(self, rect, height: float, style) -> tuple[tuple, tuple]:
        """The bars' and the chart's rects in the host (shares of its height `height`, in pixels)."""
        x0, y0, w, h = rect
        tick = line(style, TICK) / height
        spare = max(h - self.least(style) / height, 0.0)
        bars = BARS_LINES * tick + BARS * spare
        chart = least_chart(style) / height + (1 - BARS) * spare
        return (x0, y0 + h - bars, w, bars), (x0, y0, w, chart)

    def _read_series(self, rec, a, total: str, per: str) -> None:
        """The series shown: the summed share `total` and each mode's `per` share over the snapshots, the modes
        captured and the data's own summed share."""
        self.k_modes = len(rec.modes)
        self.steps = rec.steps
        self.total = a.series[total]
        self.per = np.stack([a.series[per.format(k)] for k in range(self.k_modes)], axis=1)
        self.captured = a.series.get("modes_captured")
        self.data_total = a.data.get(total, np.nan)

    def _draw_shares(self, chart, s) -> None:
        """The summed share in % over training (static) with the data's own as a dashed line, and the cursor and
        its dot (moving)."""
        chart.plot(self.steps, 100 * self.total, color=SHARE_COLOUR, linewidth=1.2 * s.scale)
        chart.set_ylim(0, 105)
        chart.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
        chart.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
        if np.isfinite(self.data_total):
            chart.axhline(
                100 * self.data_total, color=DATA_COLOUR, linestyle="--", linewidth=0.8 * s.scale, gid="guide"
            )
        self.dots = [chart.plot([], [], "o", color=SHARE_COLOUR, markersize=4 * s.scale)[0]]
        self.cursor = chart.axvline(self.steps[0], color="#444444", linewidth=1.0 * s.scale, gid="guide")

    def _draw_captured(self, chart, s) -> None:
        """The modes captured (of K) on a right-hand axis of the same chart (static), its labels beside the chart in
        the room the dashboard leaves for them, with its dot (moving)."""
        k_modes = self.k_modes
        twin = chart.twinx()
        twin.plot(self.steps, self.captured, color=CAPTURED_COLOUR, linewidth=1.0 * s.scale, drawstyle="steps-post")
        twin.set_ylim(0, 1.05 * k_modes)
        twin.yaxis.set_major_locator(FixedLocator([0, k_modes]))
        twin.tick_params(labelsize=s.fs(TICK), colors=CAPTURED_COLOUR, pad=2)
        self.dots.append(twin.plot([], [], "o", color=CAPTURED_COLOUR, markersize=3.5 * s.scale)[0])

    def _title_chart(self, chart, reason: str | None, s) -> None:
        """The chart's title in its line above it: what it shows, and where the 3σ protocol does not apply, that it
        does not and why (as much of that as fits the width)."""
        what = "all modes, over training"
        texts = [what]
        if reason is not None:
            why = f"3σ protocol n/a: {reason}"
            texts = [f"{what} · {why}", f"over training · {why}", why, "over training · 3σ protocol n/a", what]
        size = s.fs(TICK)
        room = chart.bbox.width * 72 / s.dpi
        chart.text(
            0.0,
            1.0,
            fitting(chart.figure, texts, size, room, style="italic"),
            transform=offset_copy(chart.transAxes, chart.figure, y=0.25 * size, units="points"),
            ha="left",
            va="bottom",
            fontsize=size,
            color="#555555",
            style="italic",
            clip_on=False,
        )

    @staticmethod
    def texts(rec, analysis) -> tuple[str, list[str]]:
        """The header's title and its entries' widest texts: the protocol's two numbers or the 1σ shares against
        the data's."""
        fit = analysis.protocol
        k_modes = len(rec.modes)
        if fit is None or fit.applies:
            return "modes (3σ protocol)", [entry("high quality", "88.8%"), entry("captured", f"{k_modes} of {k_modes}")]
        return "modes, within 1σ", [entry("within 1σ", "88.8%"), entry("data", "88.8%")]

    def _header(self, dash, rect, s) -> Header:
        """The panel's title and readouts."""
        colours = [SHARE_COLOUR, CAPTURED_COLOUR] if self.applies else [SHARE_COLOUR, DATA_COLOUR]
        title, templates = self.texts(dash.rec, dash.analysis)
        return Header(dash.host, rect, title, colours, templates, s, HEADER)

    def _bar_axes(self, ax, data: dict, per: str, s) -> None:
        """Bars at 0..K-1 on one scale for the whole video, the data's per-mode share as a dashed tick on each."""
        k = self.k_modes
        tops = np.nanmax(np.nan_to_num(self.per, nan=0.0), axis=1)  # each snapshot's largest share
        peak = float(np.quantile(tops, PEAK_QUANTILE)) if len(tops) else 0.0
        reference = np.array([data.get(per.format(m), np.nan) for m in range(k)])
        fair = np.nanmax(reference, initial=1.0 / k) if np.isfinite(reference).any() else 1.0 / k
        self.top = min(1.0, max(peak, 2 * fair)) or 1.0
        ax.set_xlim(-0.6, k - 0.4)
        ax.set_ylim(0, self.top)
        left, right = np.arange(k) - 0.36, np.arange(k) + 0.36
        self.corners = np.zeros((k, 4, 2))
        self.corners[:, :, 0] = np.stack([left, left, right, right], axis=1)
        self.poly = PolyCollection(self.corners.copy(), facecolors=BAR_COLOUR, edgecolors="none", alpha=0.85)
        ax.add_collection(self.poly, autolim=False)
        # ▲ on a cut bar, just under the scale's top (inside the bars' box, clear of the header above)
        size = max(4 * s.scale, 0.5 * s.fs(TICK))
        (self.over,) = ax.plot(
            [],
            [],
            linestyle="none",
            marker="^",
            color=BAR_COLOUR,
            markersize=size,
            transform=offset_copy(ax.transData, ax.figure, y=-size / 2, units="points"),
        )
        self.over.set_in_layout(False)  # empty until a bar is cut: no extent to lay out
        if np.isfinite(reference).any():
            ax.add_collection(
                LineCollection(
                    [[(m - 0.45, r), (m + 0.45, r)] for m, r in enumerate(reference) if np.isfinite(r)],
                    colors=DATA_COLOUR,
                    linestyles="--",
                    linewidths=0.9 * s.scale,
                )
            )
        every = int(np.ceil(k / MAX_LABELS))
        ax.set_xticks(range(0, k, every), [str(m) for m in range(0, k, every)])  # the numbers beside the × marks
        ax.tick_params(axis="x", labelsize=s.fs(TICK), length=0, pad=1)
        ax.set_yticks([0, self.top], ["0", share(self.top)])
        ax.tick_params(axis="y", labelsize=s.fs(TICK), pad=1)
        # what the bars are, and what ▲ means where a snapshot's bar can pass the scale's top
        cut = bool((np.nan_to_num(self.per) > self.top).any())
        ax.set_ylabel(
            f"per mode\n▲ over {share(self.top)}" if cut else "per\nmode",
            fontsize=s.fs(TICK),
            labelpad=2,
            rotation=0,
            ha="right",
            va="center",
            linespacing=1.0,
        )

    def artists(self) -> list:
        return [self.cursor, *self.dots, self.poly, self.over, *self.header.entries]

    def update(self, i: int) -> None:
        step = self.steps[i]
        self.cursor.set_xdata([step, step])
        self.dots[0].set_data([step], [100 * self.total[i]])
        shares = np.nan_to_num(self.per[i])
        self.corners[:, 1, 1] = self.corners[:, 2, 1] = np.clip(shares, 0, self.top)
        self.poly.set_verts(self.corners)
        over = np.flatnonzero(shares > self.top)
        self.over.set_data(over, np.full(len(over), self.top))
        if self.applies:
            captured = self.captured[i] if self.captured is not None else np.nan
            if len(self.dots) > 1:
                self.dots[1].set_data([step], [captured])
            count = f"{captured:.0f} of {self.k_modes}" if np.isfinite(captured) else "—"
            self.header.set([entry("high quality", share(self.total[i])), entry("captured", count)])
        else:
            self.header.set([entry("within 1σ", share(self.total[i])), entry("data", share(self.data_total))])
