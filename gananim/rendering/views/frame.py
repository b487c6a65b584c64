"""A video frame: a title bar with a step counter, one panel per recording, an optional dashboard.

Everything that does not move is drawn once and kept as a bitmap; each frame restores that bitmap and
draws only the moving artists (blitting), then hands the RGB buffer to the encoder.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.recording.reader import Recording
from gananim.rendering.drawing import CAPTION_BACKGROUND
from gananim.rendering.views.base import View, get_view, nonfinite_share
from gananim.rendering.views.scalars import picked_names
from gananim.rendering.views.style import Style
from gananim.text import literal

HEADER = 0.085  # share of the frame height taken by the title bar
TOP, BOTTOM = 1 - HEADER - 0.05, 0.08  # the panels' row, as shares of the frame height
MARGIN = 0.012  # share of the frame width kept clear at either side
GUTTER = 0.02  # share of the frame width between one panel's labels and the next one's
DASH_LEFT = 0.66  # where the dashboard beside a single view starts ...
DASH_WIDTH = 300.0  # ... unless that leaves it fewer points than this (× the style's scale) ...
DASH_MOST = 0.45  # ... but it never takes more than this share of the frame's width
DASH_BELOW_ASPECT = 1.4  # a frame narrower than this (square, 4:3, portrait) has the dashboard under the view ...
DASH_BELOW = 0.36  # ... in this share of the frame's height
VIEW_TICKS = 0.07  # room under the view, above the dashboard, for the view's tick labels
CHAR_EM = 0.62  # a caption's widest average glyph width, in em (DejaVu Sans averages about 0.55 on captions)
PACE_COLOR = "#b34700"  # the pace beside the step counter: a warm colour apart from the text and the caption box


class Frame:
    """Renders frames of one view for 1–4 recordings (side by side, synchronised on training step)."""

    def __init__(
        self,
        recs: list[Recording],
        view: str,
        style: Style,
        *,
        titles: list[str] | None = None,
        title: str | None = None,
        dashboard: bool = False,
        data_points: bool | None = None,
        scalars=None,
    ):
        if not 1 <= len(recs) <= 4:
            raise GananimError(f"give 1 to 4 recordings to render side by side, got {len(recs)}")
        if dashboard and len(recs) > 1:
            raise GananimError(
                "--dashboard works with one recording; to compare dashboards use --view dashboard with several"
            )
        self.recs, self.style = recs, style
        self.events = [analyse(rec).events for rec in recs]
        self.views: list[View] = [get_view(view, rec)(rec, style) for rec in recs]
        self.data_points, self.scalars = data_points, picked_names(scalars)
        if self.scalars is not None and not dashboard and view != "dashboard":
            raise GananimError(
                "scalars= (--scalars) picks the dashboard's panels: add --dashboard, or --view dashboard"
            )
        for v in self.views:
            v.data_points, v.scalars = self.data_points, self.scalars
        self.fig = Figure(
            figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi, facecolor=style.background
        )
        self.canvas = FigureCanvasAgg(self.fig)
        # Text is text: titles come from recordings (a config name of `$\sqrt{$` was a mathtext parse error, an ESC
        # a missing glyph), so they are drawn literally; our own texts (log-axis ticks) keep matplotlib's mathtext
        self.titles = [literal(t) for t in (titles or [_default_title(r) for r in recs])]
        self.animated = self._build(self.titles, None if title is None else literal(title), dashboard)
        self.blit = all(v.blit for v in self.views)
        for artist in self.animated:
            artist.set_animated(self.blit)
        self._background = None

    def _build(self, titles: list[str], title: str | None, dashboard: bool) -> list:
        """Lay out the panels and the title bar; return the moving artists."""
        animated, groups = self._panels(titles)
        right, bottom = 1 - MARGIN, BOTTOM
        if dashboard:
            moving, right, bottom = self._dashboard()
            animated += moving
        arrange(groups, self.canvas.get_renderer(), MARGIN, right, bottom, TOP)
        self._title_bar(titles, title)
        self.fig.add_artist(_rule(HEADER))
        return (
            animated
            + [a for veil, mark, _, _ in self.ended for a in (veil, mark)]
            + [self.counter, self.pace, self.warning, self.caption]
        )

    def _panels(self, titles: list[str]) -> tuple[list, list[list]]:
        """One axes per view, set up by it: return the moving artists and each panel's axes with its twins."""
        s, fig = self.style, self.fig
        animated, self.axes, self.ended, groups = [], [], [], []
        for k, v in enumerate(self.views):
            before = set(fig.axes)
            # placed near where `arrange` puts it (a little narrower), so what a view lays out at setup still fits
            width = (1 - 2 * MARGIN) / len(self.views) - GUTTER - 0.04
            ax = fig.add_axes(
                [MARGIN + 0.03 + k * (width + GUTTER + 0.04), BOTTOM, width, TOP - BOTTOM], projection=v.projection
            )
            self.axes.append(ax)
            ax.tick_params(labelsize=s.fs(0.8))
            animated += v.setup(ax)
            if v.raster_ax is not None:  # the bitmap covers the frame of the axes: draw the spines again on top
                animated += list(ax.spines.values())
            groups.append([ax] + [a for a in fig.axes if a not in before and a is not ax])  # with its twins
            if len(self.views) > 1:
                self.ended.append(self._ended_mark(ax, titles[k]))
        if len(self.views) > 1:  # side by side, every step axis spans all the runs' steps
            first, last = min(int(r.steps[0]) for r in self.recs), max(int(r.steps[-1]) for r in self.recs)
            for v in self.views:
                v.share_steps(first, last)
        return animated, groups

    def _dashboard(self) -> tuple[list, float, float]:
        """The dashboard beside the single view (a wide frame) or under it (square, 4:3, portrait: beside, the view
        had a fifth of a 720x720 frame and half the frame stood empty): return its moving artists, and where the
        view must end on the right and start at the bottom."""
        s = self.style
        dash = get_view("dashboard", self.recs[0])(self.recs[0], s)
        dash.beside = True
        dash.data_points, dash.scalars = self.data_points, self.scalars
        right = 1 - MARGIN - 1.5 * s.fs(0.7) * s.dpi / 72 / s.width  # room for the last step label
        if s.width / s.height < DASH_BELOW_ASPECT:
            left = MARGIN + 6 * s.fs(0.7) * s.dpi / 72 / s.width  # room for the tick labels at the left
            host = self.fig.add_axes([left, BOTTOM, right - left, DASH_BELOW])
            animated = dash.setup(host)
            self.views.append(dash)
            return animated, 1 - MARGIN, BOTTOM + DASH_BELOW + VIEW_TICKS
        # at least DASH_WIDTH points wide (a square frame gives the view less), and room for the last step label
        left = min(DASH_LEFT, max(1 - MARGIN - DASH_WIDTH * s.scale * s.dpi / 72 / s.width, 1 - DASH_MOST))
        host = self.fig.add_axes([left, BOTTOM, right - left, 1 - HEADER - 0.03 - BOTTOM])
        animated = dash.setup(host)
        self.views.append(dash)
        return animated, host.get_tightbbox(self.canvas.get_renderer()).x0 / s.width - GUTTER, BOTTOM

    def _title_bar(self, titles: list[str], title: str | None) -> None:
        """The title, the step counter at the right, the NaN warning at the bottom, and the event caption."""
        s, fig = self.style, self.fig
        heading = fig.text(
            0.012,
            1 - HEADER / 2,
            title or " · ".join(dict.fromkeys(titles)),
            va="center",
            fontsize=s.fs(1.4),
            weight="bold",
            color=s.text,
        )
        after_title = heading.get_window_extent(self.canvas.get_renderer()).x1 / s.width + 0.015
        self.counter = fig.text(
            0.988, 1 - HEADER / 2, "", ha="right", va="center", fontsize=s.fs(1.3), family="monospace", color=s.text
        )
        self.warning = fig.text(
            0.5, 0.015, "", ha="center", va="bottom", fontsize=s.fs(1.0), color="#b00020", weight="bold"
        )
        self._caption(after_title)

    def _caption(self, after_title: float) -> None:
        """The event caption's box, and how many characters of it fit (`caption_chars`); the pace beside the counter.

        It starts right after the title, so a long title and a long caption never overlap; it ends before the pace
        and the step counter's widest texts, cut to a length whose glyphs fit (no text measured per frame)."""
        s = self.style
        self.caption = self.fig.text(
            after_title,
            1 - HEADER / 2,
            "",
            ha="left",
            va="center",
            fontsize=s.fs(1.05),
            color=s.text,
            bbox=dict(boxstyle="round,pad=0.3", facecolor=CAPTION_BACKGROUND, edgecolor="none"),
        )
        self.counter.set_text(f"step {max(int(r.steps[-1]) for r in self.recs):,}")
        renderer = self.canvas.get_renderer()
        counter_left = self.counter.get_window_extent(renderer).x0 / s.width
        # the clock's pace when it is not the usual one (×¼, paused): just left of the counter, in its own colour so
        # that a slowed or held stretch is never mistaken for training standing still
        self.pace = self.fig.text(
            counter_left - 0.01,
            1 - HEADER / 2,
            "paused",
            ha="right",
            va="center",
            fontsize=s.fs(1.05),
            weight="bold",
            color=PACE_COLOR,
        )
        room = self.pace.get_window_extent(renderer).x0 - after_title * s.width - 0.02 * s.width
        self.pace.set_text("")
        self.caption_chars = max(int(room / (CHAR_EM * s.fs(1.05) * s.dpi / 72)), 8)

    def _ended_mark(self, ax, title: str) -> tuple:
        """A run that ended before the others keeps its last snapshot: its panel fades under a white veil and its
        title (drawn again over the static one, on white) says so: (veil, title), shown only then."""
        s = self.style
        ax.set_title(title, fontsize=s.fs(1.1), color=s.text)
        veil = ax.add_artist(
            Rectangle(
                (0, 0),
                1,
                1,
                transform=ax.transAxes,
                facecolor="white",
                alpha=0.45,
                edgecolor="none",
                zorder=19,
                visible=False,
            )
        )
        static = ax.title
        mark = ax.add_artist(
            Text(
                *static.get_position(),
                "",
                transform=static.get_transform(),
                ha="center",
                va="baseline",
                fontsize=s.fs(1.1),
                color="#7a0f0f",
                zorder=20,
                visible=False,
                clip_on=False,
                bbox=dict(boxstyle="square,pad=0.25", facecolor=s.background, edgecolor="none"),
            )
        )
        return veil, mark, title, static

    def steps(self, start: int | None = None, stop: int | None = None) -> np.ndarray:
        """The frames' training steps: every recorded step of any recording, within [start, stop]."""
        steps = np.unique(np.concatenate([r.steps for r in self.recs]))
        lo = steps[0] if start is None else start
        hi = steps[-1] if stop is None else stop
        return steps[(steps >= lo) & (steps <= hi)]

    def render(self, step: float) -> np.ndarray:
        """The frame at a training step, as uint8 (height, width, 3)."""
        return np.ascontiguousarray(self.render_rgba(step)[..., :3])

    def render_rgba(self, step: float, pace: str = "") -> np.ndarray:
        """The frame at a training step as the canvas's own RGBA buffer: no copy, valid until the next render.
        `pace`: the clock's pace beside the step counter (gananim.rendering.timeline.pace_label), "" at the usual."""
        bad = 0.0
        for v in self.views:
            v.check_snapshots(step)
            i = v.show(step)
            bad = max(bad, nonfinite_share(v.rec[i]))
        for v, (veil, mark, title, static) in zip(self.views, self.ended):
            last = int(v.rec.steps[-1])
            veil.set_visible(step > last)
            mark.set_visible(step > last)
            mark.set_text(f"{title} · ended at step {last:,}")
            mark.set_position(static.get_position())  # where the draw put the static title
        self.counter.set_text(f"step {step:,.0f}")  # a step between snapshots (a blended frame) is fractional
        self.pace.set_text(pace)
        captions = [literal(c) for c in self.captions(step)]
        text = "   ·   ".join(captions)
        self.caption.set_text(
            text if len(text) <= self.caption_chars else text[: self.caption_chars - 1].rstrip() + "…"
        )
        self.caption.set_visible(bool(captions))
        drawn = self.views[0].nonfinite_drawn  # the main view's (a grid crosses them out; uint8 images hold no NaN)
        self.warning.set_text(f"⚠ {bad:.0%} of generated samples are NaN/inf (diverged): {drawn}" if bad else "")
        if self.blit:
            self._draw_blit()
        else:
            self.canvas.draw()
        return self._pixels()

    def captions(self, step: int) -> list[str]:
        """Captions of the detected events under way at `step`, per recording (named when side by side)."""
        out = []
        for events, title in zip(self.events, self.titles):
            for e in events:
                if e.start <= step <= e.end:
                    out.append(f"{title}: {e.caption}" if len(self.recs) > 1 else e.caption)
        return out

    def _draw_blit(self) -> None:
        """Restore the static background, then draw only the moving artists."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._background)
        buffer = np.asarray(self.canvas.buffer_rgba())
        for v in self.views:
            if v.raster_ax is not None:
                _paste(buffer, v.raster_ax, v)
        for artist in self.animated:
            self.fig.draw_artist(artist)

    def _pixels(self) -> np.ndarray:
        """The canvas as RGBA, exactly the style's size (Agg may round by a pixel: then pad or crop a copy)."""
        rgba = np.asarray(self.canvas.buffer_rgba())
        size = (self.style.height, self.style.width)
        if rgba.shape[:2] == size:
            return rgba
        out = np.full((*size, 4), 255, np.uint8)
        h, w = min(size[0], rgba.shape[0]), min(size[1], rgba.shape[1])
        out[:h, :w] = rgba[:h, :w]
        return out


def _paste(buffer: np.ndarray, ax, view: View) -> None:
    """Paint a view's bitmap into the inside of its axes, straight into the canvas (no resampling)."""
    box = ax.bbox
    height = buffer.shape[0]
    x0, x1 = int(round(box.x0)), int(round(box.x1))
    top, bottom = height - int(round(box.y1)), height - int(round(box.y0))
    image = view.raster(bottom - top, x1 - x0)
    if image.dtype == np.uint32:  # packed RGBA: whole pixels, one aligned write each
        buffer.view(np.uint32)[top:bottom, x0:x1, 0] = image
    else:
        buffer[top:bottom, x0:x1, :3] = image


def arrange(groups: list[list], renderer, left: float, right: float, bottom: float, top: float) -> None:
    """Place panels side by side in [left, right] × [bottom, top] (frame shares) so that no panel's labels, colour bar
    or title reach into the next panel or past the frame: each panel's overhang beyond its axes is measured (twice:
    a colour bar's width follows its panel's), panels drawn at equal aspect keep it, the rest share the width."""
    fig = groups[0][0].figure
    width, height = fig.bbox.width, fig.bbox.height
    gutter = GUTTER * width
    for _ in range(2):
        overhang = []
        for group in groups:
            box = group[0].get_window_extent(renderer)
            tight = [a.get_tightbbox(renderer) for a in group]
            x0 = min(t.x0 for t in tight if t is not None)
            x1 = max(t.x1 for t in tight if t is not None)
            overhang.append((max(box.x0 - x0, 0.0), max(x1 - box.x1, 0.0)))
        room = (right - left) * width - sum(a + b for a, b in overhang) - gutter * (len(groups) - 1)
        tall = (top - bottom) * height
        aspects = [_aspect(g[0]) for g in groups]
        if all(a is not None for a in aspects):  # all at equal aspect: as tall as fits, the row centred
            widths = [tall / a for a in aspects]
            scale = min(1.0, room / sum(widths))
            widths = [w * scale for w in widths]
        else:
            widths = [room / len(groups)] * len(groups)
        spare = (room - sum(widths)) / (len(groups) + 1)
        x = left * width + spare
        for group, w, a, (lo, hi) in zip(groups, widths, aspects, overhang):
            h = min(tall, w * a) if a is not None else tall
            y = bottom * height + (tall - h) / 2
            group[0].set_position([(x + lo) / width, y / height, w / width, h / height])
            x += lo + w + hi + gutter + spare


def _aspect(ax) -> float | None:
    """Height over width of an axes drawn at equal aspect (a 2D view of a data box), None for one that fills its cell."""
    if ax.name != "rectilinear" or ax.get_aspect() == "auto":
        return None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return abs(y1 - y0) / abs(x1 - x0) * float(ax.get_aspect())


def _rule(y: float):
    """A thin line under the title bar."""
    from matplotlib.lines import Line2D

    return Line2D([0.012, 0.988], [1 - y, 1 - y], color="#cccccc", linewidth=0.8)


def _default_title(rec: Recording) -> str:
    """A recording's experiment name, or its folder name."""
    return (rec.manifest.get("config") or {}).get("name") or rec.path.name


def render_frame(recs: Recording | list[Recording], index: int, view: str, style: Style, **kw) -> np.ndarray:
    """One frame, as a pure function: the snapshot `index` of the first of `recs` (a Recording or a list of 1–4),
    drawn by `view` in `style` (`make_style("720p")`, "WIDTHxHEIGHT", ...); an (H, W, 3) uint8 RGB array. `kw` goes
    to Frame: `title`, `titles` (one per recording), `dashboard` (the dashboard beside the view)."""
    recs = recs if isinstance(recs, list) else [recs]
    frame = Frame(recs, view, style, **kw)
    return frame.render(int(recs[0].steps[index]))
