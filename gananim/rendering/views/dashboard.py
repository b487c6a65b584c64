"""`dashboard`: the game's scalars over training, drawn once, with a cursor that moves with the video.

Each panel's header is its legend and value readout: the title, then "━ label value" per series in the series'
colour (colours mean different things in different panels, so each panel names its own). Series computed only
every few steps (the eigenvalues, every `curvature_every`) are NaN between: the panel holds the last computed value
and says at which step it was computed. The Hessian panel names the definiteness of ∇²V from its extreme
eigenvalues (metrics.definiteness: |λ| ≤ 1e-6 · max |λ| counts as 0) on a symlog axis, so λmax ≈ −0.001 and +0.1
sit on either side of 0. The modes panel (views.modes) never shows a count alone. A scalar the loop logged between
snapshots (`Recording.dense`, e.g. the losses at every step) is drawn as a thin line of every value under the
snapshots' line; the cursor's dot and readout stay the snapshot's.

Readable first (issue 19): the panels are laid out in pixels of readable text (views.stack), and a frame with too
little height keeps the most important ones that fit (RANK) rather than shrinking the text; nothing is written
inside a chart, where a curve may run through it (a dashed reference line is named in its panel's title, a held
series' note has a line of its own), and the events' legend says what the shaded spans are.

`scalars` (render --scalars) picks the panels by name among every recorded scalar instead (views.scalars).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from matplotlib.patches import Patch

from gananim.analysis import analyse
from gananim.recording.game import LS_OPTIMUM, PANEL_TITLES, game_of
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
from gananim.rendering.views.chart import (
    Header,
    text_width,
)
from gananim.rendering.views.modes import ModesPanel, shows_modes
from gananim.rendering.views.scalars import check_room, picked_specs
from gananim.rendering.views.series import HELD, NOTE, SeriesPanel
from gananim.rendering.views.stack import HEADER, TICK, Slot, header_room, least_chart, line, stack

# (panel title, [(scalar, label, colour)], reference line or None, y scale): the generator's things in red, the
# discriminator's in purple, the data's in blue, as in the 2D views; "modes" stands for the modes panel. The colours
# are gananim.rendering.drawing's, listed in its MEANING_COLOURS (a GIF's palette keeps them).
PANELS = [
    ("losses", [("d_loss", "D loss", D_PURPLE), ("g_loss", "G loss", G_RED)], None, "linear"),
    ("discriminator", [("d_real", "D(real)", DATA_BLUE), ("d_fake", "D(fake)", G_RED)], (0.5, "½"), "linear"),
    ("value V(G, D)", [("value", "V", GREY)], (LOG4, "−2 log 2"), "linear"),
    # LSGAN's D objective ½ E (D(x) − 1)² + ½ E D(G(z))², ¼ where D = ½ (Mao et al. 2017; gananim.recording.game)
    ("LSGAN D objective", [("ls_value", "L_D", GREY)], (LS_OPTIMUM, "¼"), "linear"),
    # a critic's (gananim.recording.game): its mean scores, no ½ line (unbounded scores have no middle of their own),
    # and E D(real) − E D(fake), the Wasserstein estimate, with 0 dashed: the critic can no longer tell them apart
    ("critic", [("critic_real", "E D(real)", DATA_BLUE), ("critic_fake", "E D(fake)", G_RED)], None, "linear"),
    ("critic gap", [("critic_gap", "E D(real) − E D(fake)", GREY)], (0.0, "0"), "linear"),
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
# the panels by importance: on a small frame, the ones that fit (gananim.rendering.views.stack), the first always
RANK = [
    "losses",
    "discriminator",
    "critic gap",  # a critic's headline number, the Wasserstein estimate, before its two means
    "critic",
    "modes",
    "value V(G, D)",
    "LSGAN D objective",
    "gradient norms",
    "Hessian of V",
    "game Jacobian",
]
MODES_WEIGHT = 1.9  # the modes panel's share of spare height against a chart's: a chart and bars
LABEL = 0.8  # "training step"
LEGEND_ROW = 1.5  # a row of the events' legend, in lines of its text


def available_panels(series: dict[str, np.ndarray], rec) -> list:
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
            out.append((_game_title(title, rec), [row for row in rows if has(row[0])], ref, scale))
    return out


def _game_title(title: str, rec) -> str:
    """A panel's title in the recording's game (gananim.recording.game.Game.panel_title)."""
    return game_of(rec.manifest).panel_title(title)


def series_least(spec, style) -> float:
    """A chart's least height in pixels, with the note line of series computed every few steps."""
    noted = any(row[0] in HELD for row in spec[1])
    return least_chart(style) + (line(style, NOTE) if noted else 0.0)


def _weight_rank(spec) -> tuple[float, int]:
    """A panel's share of spare height and its rank in importance."""
    title = spec if spec == "modes" else RANK_OF.get(spec[0], spec[0])
    return (MODES_WEIGHT if spec == "modes" else 1.0), (RANK.index(title) if title in RANK else len(RANK))


RANK_OF = {name: panel for panel, names in PANEL_TITLES.items() for name in names}  # _game_title's names


def steps_room(style, label: float) -> float:
    """The pixels under the last chart: its step labels and "training step"."""
    return line(style, TICK) * 1.05 + line(style, label)


GUTTER_PAD = 3.0  # points between a chart's right end and the labels beside it


def gutter(host, specs: list, rec, style) -> float:
    """The column's share at the right of the charts for the labels beside them (the modes captured, 0 and K, on
    the modes chart's right-hand axis) where a modes panel may be drawn, or none: every chart as wide, so their
    steps line up."""
    if "modes" not in specs:
        return 0.0
    wide = text_width(host.figure, str(len(rec.modes)), style.fs(TICK))
    return (wide + 2 * GUTTER_PAD) * style.dpi / 72 / host.bbox.width


@register
class DashboardView(View):
    """Stacked small charts of losses, D(real)/D(fake), V against −2 log 2, gradient norms, modes, curvature."""

    name = "dashboard"
    kinds = None  # every kind: its scalars (a kind may register its own dashboard, as images does)

    def setup(self, ax):
        s = self.style
        self.analysis = analyse(self.rec)  # recorded scalars and the metrics computed from the stored arrays
        self.host = ax
        ax.set_axis_off()
        self.panels, self.charts = [], []
        specs = self.picked() if self.scalars is not None else available_panels(self.analysis.series, self.rec)
        top = self.events_legend(ax, 0.0, 1.0)
        # the charts' right ends leave room for the labels beside them; the headers end there too
        width = 1.0 - gutter(ax, specs, self.rec, s)
        placed = stack(
            self.ranked([self.slot(spec, width) for spec in specs]), ax.bbox.height, top, steps_room(s, LABEL)
        )
        if self.scalars is not None:
            check_room(specs, placed)
        for spec, y, h in placed:
            rect = (0.0, y, width, h)
            self.panels.append(ModesPanel(self, rect) if spec == "modes" else SeriesPanel(self, rect, spec))
        if not specs:
            ax.text(0.5, 0.5, "no scalars recorded", ha="center", va="center", fontsize=s.fs(0.9), color=s.text)
        self.finish_charts(tick_size=TICK, label_size=LABEL)
        return [a for p in self.panels for a in p.artists()]

    def picked(self, panels: list = PANELS) -> list:
        """The panels of the scalars picked by name (gananim.rendering.views.scalars), their series added to the
        analysis' (each aligned to the snapshots); a name in one of `panels` is drawn in it."""
        specs, series = picked_specs(self.scalars, self.rec, self.analysis.series, panels)
        self.analysis = replace(self.analysis, series={**self.analysis.series, **series})
        return specs

    def ranked(self, slots: list[Slot]) -> list[Slot]:
        """Picked panels are as important as the order they were given in; the dashboard's own keep RANK's."""
        if self.scalars is not None:
            for k, slot in enumerate(slots):
                slot.rank = k
        return slots

    def slot(self, spec, width: float) -> Slot:
        """A panel's place in the column (`width` of the host wide): its least height, its header's one or two lines
        above it, its weight and rank."""
        s, series = self.style, self.analysis.series
        if spec == "modes":
            title, templates = ModesPanel.texts(self.rec, self.analysis)
            least = ModesPanel.least(s)
        else:
            title, templates = SeriesPanel.texts(spec, series)
            least = series_least(spec, s)
        rows = Header.fit(self.host, width, title, templates, s, HEADER)[2]
        return Slot(spec, least, header_room(s, rows), *_weight_rank(spec))

    def events_legend(self, ax, x0: float, width: float) -> float:
        """What the shaded spans on the charts are: one swatch per kind of event detected, in rows as wide as the
        column at most (at the readable size), at the top of the column from x0; returns the pixels it takes, the
        same for one row of events as for none (dashboards side by side keep their panels level)."""
        s = self.style
        kinds = list(dict.fromkeys(e.kind for e in self.analysis.events))
        size = s.fs(TICK)
        row = line(s, TICK) * LEGEND_ROW
        if not kinds:
            ax.text(x0, 1.0, "no events detected", ha="left", va="top", fontsize=size, color="#777777")
            return row
        handles = [
            Patch(color=EVENT_COLOURS.get(k, "#999999"), alpha=SPAN_KEY_ALPHA, label=k.replace("_", " ")) for k in kinds
        ]
        renderer = ax.figure.canvas.get_renderer()
        for rows in range(1, len(kinds) + 1):  # one row, else as few rows as fit
            legend = ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(x0, 1.0),
                ncol=-(-len(kinds) // rows),
                frameon=False,
                fontsize=size,
                handlelength=0.9,
                columnspacing=0.8,
                borderaxespad=0.0,
                borderpad=0.2,
            )
            if legend.get_window_extent(renderer).width <= width * ax.bbox.width:
                break
        return max(row * rows, legend.get_window_extent(renderer).height + 0.2 * line(s, TICK))

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
