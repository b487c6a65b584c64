"""`dashboard`: the game's scalars over training, drawn once, with a cursor that moves with the video.

Each panel's header is its legend and value readout: the title, then "━ label value" per series in the series'
colour (colours mean different things in different panels, so each panel names its own). Series computed only
every few steps (the eigenvalues, every `curvature_every`) are NaN between: the panel holds the last computed value
and says at which step it was computed. The Hessian panel names the definiteness of ∇²V from its extreme
eigenvalues (metrics.definiteness: |λ| ≤ 1e-6 · max |λ| counts as 0) on a symlog axis, so λmax ≈ −0.001 and +0.1
sit on either side of 0. The modes panel (views.modes) never shows a count alone. A scalar the loop logged between
snapshots (`Recording.dense`, e.g. the losses at every step) is drawn as a thin line of every value under the
snapshots' line; the cursor's dot and readout stay the snapshot's.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from gananim.analysis import analyse
from gananim.analysis.metrics import definiteness
from gananim.rendering.drawing import (
    D_PURPLE,
    DATA_BLUE,
    EVENT_COLOURS,
    LAMBDA_MAX,
    LAMBDA_MIN,
    LOG4,
    SPAN_ALPHA,
    SPAN_KEY_ALPHA,
)
from gananim.rendering.drawing import GENERATED_RED as G_RED
from gananim.rendering.drawing import SERIES_GREY as GREY
from gananim.rendering.views.base import View, register
from gananim.rendering.views.chart import Header, entry, held_index, log_axis, num, symlog_axis, thinned, widest
from gananim.rendering.views.modes import ModesPanel, shows_modes

# (panel title, [(scalar, label, colour)], reference line or None, y scale): the generator's things in red, the
# discriminator's in purple, the data's in blue, as in the 2D views; "modes" stands for the modes panel. The colours
# are gananim.rendering.drawing's, listed in its MEANING_COLOURS (a GIF's palette keeps them).
PANELS = [
    ("losses", [("d_loss", "D loss", D_PURPLE), ("g_loss", "G loss", G_RED)], None, "linear"),
    ("discriminator", [("d_real", "D(real)", DATA_BLUE), ("d_fake", "D(fake)", G_RED)], (0.5, "½"), "linear"),
    ("value V(G, D)", [("value", "V", GREY)], (LOG4, "−2 log 2"), "linear"),
    ("gradient norms", [("g_grad_norm", "‖∇G‖", G_RED), ("d_grad_norm", "‖∇D‖", D_PURPLE)], None, "log"),
    "modes",
    (
        "Hessian of V",
        [("hessian_eig_min", "λmin", LAMBDA_MIN), ("hessian_eig_max", "λmax", LAMBDA_MAX)],
        (0.0, "0"),
        "symlog",
    ),
    ("game Jacobian", [("game_eig_abs", "|λ|max", GREY)], None, "linear"),
]
GAP = 0.045  # host height between panels (a header's line)
LEGEND_ROW = 0.05  # host height above the first panel for the events' legend


def _available(series: dict[str, np.ndarray], rec) -> list:
    """The panels with at least one finite series in this recording (the modes panel where it has modes)."""
    has = lambda name: name in series and np.isfinite(series[name]).any()  # noqa: E731
    out = []
    for panel in PANELS:
        if panel == "modes":
            if shows_modes(rec, series):
                out.append(panel)
            continue
        title, rows, ref, scale = panel
        if any(has(row[0]) for row in rows):
            out.append((title, [row for row in rows if has(row[0])], ref, scale))
    return out


REF_TOP = 0.7  # a reference line sits no higher than this share of its chart, so its label stays inside


def _room_for(ax, ref: float) -> None:
    """Widen the y limits (in the axis' own scale: linear, log, symlog) so the reference line and its label sit
    inside the chart, between 5% and REF_TOP of its height."""
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
    """One small chart of one to two series over training, with its header, a cursor and a dot per series."""

    def __init__(self, dash: "DashboardView", rect, spec):
        title, rows, ref, scale = spec
        rec, s, series = dash.rec, dash.style, dash.analysis.series
        steps = rec.steps
        self.chart = sub = dash.chart(rect)
        self.rows = [
            (name, label, series[name], held_index(series[name]) if name in HELD else np.arange(len(steps)))
            for name, label, _ in rows
        ]
        self.steps = steps
        self._draw_lines(sub, rec, rows, series, s)
        if scale == "log":
            log_axis(sub, np.concatenate([r[2] for r in self.rows]))
        elif scale == "symlog":
            symlog_axis(sub, np.concatenate([r[2] for r in self.rows]))
        if ref is not None:
            self._draw_reference(sub, ref, s)
        self.dots = [sub.plot([], [], "o", color=colour, markersize=4 * s.scale)[0] for _, _, colour in rows]
        self.cursor = sub.axvline(steps[0], color="#444444", linewidth=1.0 * s.scale)
        self.header = Header(
            dash.host, rect, title, [c for _, _, c in rows], [widest(label, series[n]) for n, label, _ in rows], s, 0.78
        )
        self.held = any(name in HELD for name, _, _ in rows)
        self.hessian = [n for n, _, _ in rows] == ["hessian_eig_min", "hessian_eig_max"]
        # when the held values were computed, and the Hessian's definiteness
        self.note = self._make_note(sub, s) if self.held or self.hessian else None

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
        """The reference line (value, label) dashed across the chart, with its label at the right, both inside."""
        _room_for(sub, ref[0])
        sub.axhline(ref[0], color="#777777", linestyle="--", linewidth=0.8 * s.scale)
        sub.text(
            0.99,
            ref[0],
            ref[1],
            transform=sub.get_yaxis_transform(),
            ha="right",
            va="bottom",
            fontsize=s.fs(0.7),
            color="#555555",
        )

    def _make_note(self, sub, s):
        """The note at the chart's top left (moving, empty at first), over a white box."""
        return sub.text(
            0.01,
            0.96,
            "",
            transform=sub.transAxes,
            ha="left",
            va="top",
            fontsize=s.fs(0.68),
            color=s.text,
            bbox=dict(boxstyle="round,pad=0.2", facecolor="white", alpha=0.8, edgecolor="none"),
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


@register
class DashboardView(View):
    """Stacked small charts of losses, D(real)/D(fake), V against −2 log 2, gradient norms, modes, curvature."""

    name = "dashboard"
    kinds = None  # every kind: its scalars (a kind may register its own dashboard, as images does)

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.analysis = analyse(rec)  # recorded scalars and the metrics computed from the stored arrays
        self.host = ax
        ax.set_axis_off()
        specs = _available(self.analysis.series, rec)
        kinds = list(dict.fromkeys(e.kind for e in self.analysis.events))
        top = 1 - LEGEND_ROW  # always: dashboards side by side keep their panels level
        weights = [1.9 if spec == "modes" else 1.0 for spec in specs] or [1.0]  # the modes panel: a chart and bars
        unit = (top - GAP * len(weights) - 0.07) / sum(weights)  # 0.07: the last chart's step labels
        self.panels, self.charts, y = [], [], top
        for spec, weight in zip(specs, weights):
            y -= GAP + weight * unit
            rect = (0.0, y, 1.0, weight * unit)
            self.panels.append(ModesPanel(self, rect) if spec == "modes" else SeriesPanel(self, rect, spec))
        if not specs:
            ax.text(0.5, 0.5, "no scalars recorded", ha="center", va="center", fontsize=s.fs(0.9), color=s.text)
        self.finish_charts(tick_size=0.7, label_size=0.8)
        if not kinds:
            ax.text(0.0, 1.0, "no events detected", ha="left", va="top", fontsize=s.fs(0.7), color="#777777")
        else:
            handles = [
                Patch(color=EVENT_COLOURS.get(k, "#999999"), alpha=SPAN_KEY_ALPHA, label=k.replace("_", " "))
                for k in kinds
            ]
            size = s.fs(0.7)
            while True:  # one row, as wide as the dashboard at most
                legend = ax.legend(
                    handles=handles,
                    loc="upper left",
                    bbox_to_anchor=(0.0, 1.0),
                    ncol=len(kinds),
                    frameon=False,
                    fontsize=size,
                    handlelength=0.9,
                    columnspacing=0.8,
                    borderaxespad=0.0,
                )
                if legend.get_window_extent(ax.figure.canvas.get_renderer()).width <= ax.bbox.width or size < s.fs(0.4):
                    break
                size *= 0.9
        return [a for p in self.panels for a in p.artists()]

    def finish_charts(self, tick_size: float, label_size: float) -> None:
        """The time axes share the recording's steps, only the last one labelled; events are shaded spans on every
        one of them, drawn once here (setup), never per frame."""
        rec, s = self.rec, self.style
        for k, sub in enumerate(self.charts):
            sub.tick_params(labelsize=s.fs(tick_size))
            sub.set_xlim(rec.steps[0], max(rec.steps[-1], rec.steps[0] + 1))
            if k < len(self.charts) - 1:
                sub.tick_params(labelbottom=False)
            else:
                sub.set_xlabel("training step", fontsize=s.fs(label_size), labelpad=1)
            for e in self.analysis.events:
                sub.axvspan(
                    e.start,
                    max(e.end, e.start + rec.manifest.get("every", 1)),
                    color=EVENT_COLOURS.get(e.kind, "#999999"),
                    alpha=SPAN_ALPHA,
                    linewidth=0,
                )

    def share_steps(self, first: int, last: int) -> None:
        for sub in self.charts:
            sub.set_xlim(first, max(last, first + 1))

    def chart(self, rect):
        """A time chart in the host's rect (host axes coordinates), sharing the steps axis with the others."""
        sub = self.host.inset_axes(rect)
        self.charts.append(sub)
        return sub

    def update(self, i: int) -> None:
        for panel in self.panels:
            panel.update(i)

    tweens = True  # frames between snapshots: the cursor moves through them (see show)

    def show(self, step: float) -> int:
        """The values of the snapshot before `step` (charts are not blended), the cursor at the step itself: it moves
        every frame, where a held dashboard repeated frames between snapshots and then jumped (issue 19)."""
        i = super().show(step)
        for panel in self.panels:
            if hasattr(panel, "cursor"):
                panel.cursor.set_xdata([step, step])
        return i
