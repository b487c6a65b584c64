"""Pieces of the dashboard's small charts: a header that is the panel's legend and value readout, held values of
series computed only every few steps, dense series thinned for drawing, and axis scales that keep their tick
labels apart."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator
from matplotlib.transforms import offset_copy

SWATCH = "━"  # the line sample before each header entry: the entry's colour is its curve's colour
ENTRY_GAP = 0.9  # em between header entries
MIN_FONT = 0.6  # a header too wide for its panel shrinks its font down to this factor, then drops its title
LINE_EM = 1.25  # a line of a two-line header, in em


def num(v: float) -> str:
    """A value as a header shows it: three significant digits and a true minus sign; "—" where not finite."""
    return f"{v:.3g}".replace("-", "−") if np.isfinite(v) else "—"


def share(v: float) -> str:
    """A share in percent: whole percents from 10%, one decimal from 1%, two significant digits below ("0.84%"), so
    a handful of samples never reads as "0%"."""
    if not np.isfinite(v):
        return "—"
    pct = 100 * v
    return f"{pct:.0f}%" if pct >= 9.95 else f"{pct:.1f}%" if pct >= 0.995 else f"{pct:.2g}%" if pct > 0 else "0%"


def held_index(y: np.ndarray) -> np.ndarray:
    """For each snapshot, the index of the newest finite value at or before it (-1 before the first): a series
    computed every K steps (NaN between) holds its last value instead of flickering to NaN."""
    idx = np.where(np.isfinite(y), np.arange(len(y)), -1)
    return np.maximum.accumulate(idx) if len(idx) else idx


def thinned(steps: np.ndarray, values: np.ndarray, n: int = 1500) -> tuple[np.ndarray, np.ndarray]:
    """A dense series (a value per training step) cut to about 2n points for a chart a few hundred pixels wide:
    the lowest and the highest value of each of n runs of steps, in step order, so the band a noisy loss spans and
    its spikes stay visible. Non-finite values are left out (a NaN would break the line)."""
    ok = np.isfinite(values)
    steps, values = steps[ok], values[ok]
    if len(steps) <= 2 * n:
        return steps, values
    edges = np.linspace(0, len(steps), n + 1).astype(int)
    at_lo = np.array([a + np.argmin(values[a:b]) for a, b in zip(edges[:-1], edges[1:])])
    at_hi = np.array([a + np.argmax(values[a:b]) for a, b in zip(edges[:-1], edges[1:])])
    first = at_lo <= at_hi  # each run's two points in the order they were logged
    order = np.stack([np.where(first, at_lo, at_hi), np.where(first, at_hi, at_lo)], axis=1).ravel()
    return steps[order], values[order]


class Header:
    """One line above a panel: its title on the left, then one entry per series, right-aligned, as "━ label value"
    in the series' colour. Each entry's place is fixed from the widest text it will ever show (`templates`), so
    only set_text runs per frame and entries never run into each other or the title. A header too wide for its
    panel shrinks its font; on a frame with readable text (style.readable) never below style.min_font, and then
    it takes two lines, the title above the entries, or one line each where the entries are too wide for one
    (`Header.fit` says how many, so a dashboard can leave the room); on a thumbnail it drops its title (the
    entries name the curves)."""

    def __init__(self, host, rect, title: str, colours: list[str], templates: list[str], style, size: float):
        x0, y0, w, h = rect
        fig = host.figure
        fs, title, rows = self.fit(host, w, title, templates, style, size)
        widths = [text_width(fig, t, fs) for t in templates]
        self.size, self.rows = fs, rows
        line = lambda k: 0.25 * fs + k * LINE_EM * fs  # noqa: E731  (points above the rect's top: k lines up)
        lift = offset_copy(host.transAxes, fig, y=line(rows - 1), units="points")
        self.title = host.text(
            x0, y0 + h, title, transform=lift, ha="left", va="bottom", fontsize=fs, color=style.text, clip_on=False
        )
        stacked = rows > 2  # one entry a line, the last one lowest
        self.entries, right = [], 0.0
        for k, (colour, wide) in enumerate(reversed(list(zip(colours, widths)))):
            up = k if stacked else 0
            at = offset_copy(host.transAxes, fig, x=0.0 if stacked else -right, y=line(up), units="points")
            self.entries.insert(
                0, host.text(x0 + w, y0 + h, "", transform=at, ha="right", va="bottom", fontsize=fs, color=colour)
            )
            right += wide + ENTRY_GAP * fs

    @staticmethod
    def fit(host, width: float, title: str, templates: list[str], style, size: float) -> tuple[float, str, int]:
        """(font size, title, lines) for a header `width` of the host wide."""
        fig = host.figure
        avail = width * host.bbox.width * 72 / fig.dpi
        base = style.fs(size)
        fs = base
        while True:
            entries = sum(text_width(fig, t, fs) for t in templates) + ENTRY_GAP * fs * len(templates)
            if entries + text_width(fig, title, fs) <= avail:
                return fs, title, 1
            if style.readable and fs * 0.9 < max(base * MIN_FONT, style.min_font):
                # readable: the title on a line of its own, above the entries on theirs or one a line
                return fs, title, 2 if entries <= avail or len(templates) < 2 else 1 + len(templates)
            if fs * 0.9 < base * MIN_FONT:
                title = ""
                if entries <= avail or fs * 0.9 < base * MIN_FONT**2:
                    return fs, title, 1
            fs *= 0.9

    def set(self, texts: list[str]) -> None:
        for entry, text in zip(self.entries, texts):
            entry.set_text(text)


def text_width(fig, text: str, size: float, **kw) -> float:
    """A text's width in points at a font size, measured by drawing it nowhere."""
    if not text:
        return 0.0
    probe = fig.text(0, 0, text, fontsize=size, **kw)
    wide = probe.get_window_extent(fig.canvas.get_renderer()).width * 72 / fig.dpi
    probe.remove()
    return wide


def fitting(fig, texts: list[str], size: float, room: float, **kw) -> str:
    """The first of `texts` (longest first) that fits `room` points at a font size; the last one if none does."""
    for text in texts:
        if text_width(fig, text, size, **kw) <= room:
            return text
    return texts[-1]


def entry(label: str, value: str) -> str:
    return f"{SWATCH} {label} {value}"


def widest(label: str, values) -> str:
    """The widest header entry a series will show (digits as 8s, the widest figure), to reserve its place."""
    texts = {num(v) for v in values} | {"—"}
    longest = max(sorted(texts), key=len)  # sorted: of equally long texts the same one in every process (a set's
    # order follows the per-process string hash, which moved a header entry by a few pixels between runs)
    return entry(label, "".join("8" if ch.isdigit() else ch for ch in longest))


def log_axis(ax, values: np.ndarray, fits: int = 3) -> None:
    """A log y axis with at most three labelled decades (fewer where the chart fits fewer) and no minor labels:
    labels that never pile up, written as plain numbers (a superscript exponent is too small to read). Without a
    positive value to show (a series all NaN or 0) the axis stays linear: a log axis of nothing only warns."""
    with np.errstate(invalid="ignore"):
        if not np.any(np.asarray(values, dtype=np.float64) > 0):
            return
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=max(2, min(3, fits))))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: num(v)))
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10) * 0.1, numticks=12))
    ax.yaxis.set_minor_formatter(NullFormatter())


def symlog_axis(ax, values: np.ndarray) -> float:
    """A symlog y axis for eigenvalues: logarithmic beyond a linear band around 0 four decades below the largest |λ|,
    so −0.001 and +0.1 beside −20 sit clearly on either side of 0; ticks at 0 and one power of ten per side.
    Returns the linear band's half-width."""
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    linthresh = 10.0 ** np.floor(np.log10(top * 1e-4))
    ax.set_yscale("symlog", linthresh=linthresh, linscale=0.5)
    ticks = [0.0]
    for side in (-1, 1):
        reach = values[np.isfinite(values) & (side * values > linthresh)]
        if len(reach):
            ticks.append(side * 10.0 ** np.floor(np.log10(np.abs(reach).max())))
    ax.yaxis.set_major_locator(FixedLocator(sorted(ticks)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "0" if v == 0 else num(v)))
    ax.yaxis.set_minor_locator(NullLocator())
    return linthresh
