"""One chart of the dashboard: a header with the series' names and values at the shown step, the series drawn over
the whole run, a reference line where the game has one, and a note for series held from the step they were computed
at (gananim.rendering.views.dashboard stacks these)."""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import offset_copy

from gananim.analysis.metrics import definiteness
from gananim.rendering.views.chart import (
    Header,
    entry,
    held_index,
    log_axis,
    num,
    symlog_axis,
    thinned,
    widest,
)
from gananim.rendering.views.stack import HEADER, TICK, line

NOTE = 0.68  # the held series' note (the step they were computed at), in the style's body text
REF_TOP = 0.7  # a reference line sits no higher than this share of its chart


def _room_for(ax, ref: float) -> None:
    """Widen the y limits (in the axis' own scale: linear, log, symlog) so the reference line sits inside the chart,
    between 5% and REF_TOP of its height."""
    scale = ax.yaxis.get_transform()
    lo, hi, at = scale.transform(np.array([*ax.get_ylim(), ref]))
    if at > lo + REF_TOP * (hi - lo):
        hi = lo + (at - lo) / REF_TOP
    if at < lo + 0.05 * (hi - lo):
        lo = at - 0.05 / 0.95 * (hi - at)
    ax.set_ylim(*scale.inverted().transform(np.array([lo, hi])))


# Series the recorder computes only every `curvature_every` steps (NaN between): a panel holds their last value and
# says when it was computed. Every other series is shown as it is, NaN as "—" (a diverged loss must not look alive).
HELD = ("hessian_eig_min", "hessian_eig_max", "game_eig_abs")


class SeriesPanel:
    """One small chart of one to two series over training, with its header, a cursor and a dot per series; the
    series computed only every few steps have a note line between the header and the chart."""

    def __init__(self, dash, rect, spec):  # dash: the DashboardView it is a chart of
        title, rows, ref, scale = spec
        rec, s, series = dash.rec, dash.style, dash.analysis.series
        steps = rec.steps
        self.held = any(name in HELD for name, _, _ in rows)
        self.hessian = [n for n, _, _ in rows] == ["hessian_eig_min", "hessian_eig_max"]
        x0, y0, w, h = rect
        noted = self.held or self.hessian
        below = line(s, NOTE) / dash.host.bbox.height if noted else 0.0  # the note's line, under the header
        self.chart = sub = dash.chart((x0, y0, w, h - below))
        self.rows = [
            (name, label, series[name], held_index(series[name]) if name in HELD else np.arange(len(steps)))
            for name, label, _ in rows
        ]
        self.steps = steps
        self._draw_lines(sub, rec, rows, series, s)
        if scale == "log":
            log_axis(sub, np.concatenate([r[2] for r in self.rows]), int(sub.bbox.height / (2 * s.px(s.fs(TICK)))))
        elif scale == "symlog":
            symlog_axis(sub, np.concatenate([r[2] for r in self.rows]))
        if ref is not None:
            self._draw_reference(sub, ref, s)
        self.dots = [sub.plot([], [], "o", color=colour, markersize=4 * s.scale)[0] for _, _, colour in rows]
        self.cursor = sub.axvline(steps[0], color="#444444", linewidth=1.0 * s.scale, gid="guide")
        title, templates = self.texts(spec, series)
        self.header = Header(dash.host, rect, title, [c for _, _, c in rows], templates, s, HEADER)
        # when the held values were computed, and the Hessian's definiteness
        self.note = self._make_note(sub, s) if noted else None

    @staticmethod
    def texts(spec, series: dict) -> tuple[str, list[str]]:
        """The header's title, naming the dashed reference line (other than 0, which its tick labels), and the
        widest text of each entry."""
        title, rows, ref, _ = spec
        if ref is not None and ref[1] != "0":
            title = f"{title} (- - {ref[1]})"
        return title, [widest(label, series[n]) for n, label, _ in rows]

    def _draw_lines(self, sub, rec, rows: list, series: dict, s) -> None:
        """Each series over training (static), the computed points joined; below it, thin, every value the loop
        logged between snapshots where it did."""
        for name, label, colour in rows:
            y = series[name]
            ok = np.isfinite(y)  # series computed every K steps are NaN between: join the computed points
            dense = rec.dense.get(name)
            if dense is not None and len(dense[0]) > ok.sum():  # logged between snapshots too: every value, thin, below
                sub.plot(*thinned(*dense), color=colour, linewidth=0.5 * s.scale, alpha=0.45)
            sub.plot(self.steps[ok], y[ok], color=colour, linewidth=1.2 * s.scale, label=label)

    def _draw_reference(self, sub, ref: tuple, s) -> None:
        """The reference line dashed across the chart (the header's title names it: no label where a curve may run)."""
        _room_for(sub, ref[0])
        sub.axhline(ref[0], color="#777777", linestyle="--", linewidth=0.8 * s.scale, gid="guide")

    def _make_note(self, sub, s):
        """The note in its line above the chart's top left (moving, empty at first): off the curves."""
        return sub.text(
            0.0,
            1.0,
            "",
            transform=offset_copy(sub.transAxes, sub.figure, y=0.2 * s.fs(NOTE), units="points"),
            ha="left",
            va="bottom",
            fontsize=s.fs(NOTE),
            color=s.text,
            clip_on=False,
        )

    def artists(self) -> list:
        return [self.cursor, *self.dots, *self.header.entries] + ([self.note] if self.note else [])  # the title stays

    def update(self, i: int) -> None:
        step = self.steps[i]
        self.cursor.set_xdata([step, step])
        texts, at = [], -1
        for dot, (_, label, y, held) in zip(self.dots, self.rows):
            k = held[i]
            at = max(at, k)
            dot.set_data(([self.steps[k]], [y[k]]) if k >= 0 else ([], []))
            texts.append(entry(label, num(y[k]) if k >= 0 else "—"))  # num: NaN reads "—"
        self.header.set(texts)
        if self.note is not None:
            words = []
            if self.hessian and at >= 0:
                words.append(definiteness(self.rows[0][2][self.rows[0][3][i]], self.rows[1][2][self.rows[1][3][i]]))
            if self.held:
                words.append(f"computed at step {self.steps[at]:,}" if at >= 0 else "not computed yet")
            self.note.set_text(" · ".join(w for w in words if w))
