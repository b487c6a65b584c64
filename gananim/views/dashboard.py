"""`dashboard`: the game's scalars over training, drawn once, with a cursor that moves with the video."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from gananim.analysis import analyse
from gananim.drawing import EVENT_COLOURS, LOG4
from gananim.views.base import View, register

G_RED, D_PURPLE, DATA_BLUE, GREY = "#d62728", "#6a3d9a", "#1f77b4", "#444444"
# (panel title, [(scalar, label, colour)], reference line or None, log scale): the generator's things in red,
# the discriminator's in purple, the data's in blue, as in the 2D views.
PANELS = [
    ("losses", [("d_loss", "D loss", D_PURPLE), ("g_loss", "G loss", G_RED)], None, False),
    ("discriminator", [("d_real", "D(real)", DATA_BLUE), ("d_fake", "D(fake)", G_RED)], (0.5, "½"), False),
    ("value V(G, D)", [("value", "V", GREY)], (LOG4, "−2 log 2"), False),
    ("gradient norms", [("g_grad_norm", "‖∇G‖", G_RED), ("d_grad_norm", "‖∇D‖", D_PURPLE)], None, True),
    ("modes", [("modes_captured", "captured", GREY)], None, False),
    ("Hessian of V: eigenvalue range", [("hessian_eig_min", "λmin", DATA_BLUE), ("hessian_eig_max", "λmax", G_RED)], (0.0, "0"), False),
    ("game Jacobian", [("game_eig_abs", "|λ|max", GREY)], None, False),
]


def _available(series: dict[str, np.ndarray]) -> list[tuple]:
    """The panels with at least one finite series in this recording."""
    has = lambda name: name in series and np.isfinite(series[name]).any()  # noqa: E731
    return [(t, [row for row in series if has(row[0])], ref, log) for t, series, ref, log in PANELS
            if any(has(row[0]) for row in series)]


@register
class DashboardView(View):
    """Stacked small charts of losses, D(real)/D(fake), V against −2 log 2, gradient norms; a moving cursor."""

    name = "dashboard"

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.analysis = analyse(rec)  # recorded scalars and the metrics computed from the stored arrays
        ax.set_axis_off()
        panels = _available(self.analysis.series) or [("no scalars recorded", [], None, False)]
        n, gap = len(panels), 0.06
        self.cursors, self.dots, self.labels = [], [], []
        steps = rec.steps
        for k, (title, series, ref, log) in enumerate(panels):
            sub = ax.inset_axes([0, 1 - (k + 1) / n + gap / 2, 1, 1 / n - gap])
            sub.tick_params(labelsize=s.fs(0.7))
            sub.set_xlim(steps[0], max(steps[-1], steps[0] + 1))
            if k < n - 1:
                sub.tick_params(labelbottom=False)
            else:
                sub.set_xlabel("training step", fontsize=s.fs(0.8))
            for name, label, colour in series:
                y = self.analysis.series[name]
                ok = np.isfinite(y)  # series computed every K steps are NaN between: join the computed points
                sub.plot(steps[ok], y[ok], color=colour, linewidth=1.2 * s.scale, label=label)
                self.dots.append((sub.plot([], [], "o", color=colour, markersize=4 * s.scale)[0], y))
            if log:
                sub.set_yscale("log")
            if ref is not None:
                sub.axhline(ref[0], color="#777777", linestyle="--", linewidth=0.8 * s.scale)
                sub.text(0.99, ref[0], ref[1], transform=sub.get_yaxis_transform(), ha="right", va="bottom",
                         fontsize=s.fs(0.7), color="#555555")
            self.labels.append((sub.set_title(title, loc="left", fontsize=s.fs(0.85), color=s.text), title, series))
            self.cursors.append(sub.axvline(steps[0], color="#444444", linewidth=1.0 * s.scale))
            for e in self.analysis.events:  # events as shaded spans on every time axis, drawn once
                sub.axvspan(e.start, max(e.end, e.start + rec.manifest.get("every", 1)), color=EVENT_COLOURS.get(e.kind, "#999999"),
                            alpha=0.18, linewidth=0)
            if k == 0:
                self._event_legend(sub)
        return self.cursors + [d for d, _ in self.dots] + [t for t, _, _ in self.labels]

    def _event_legend(self, ax) -> None:
        """Which shaded span is which event, above the first chart on the right."""
        kinds = list(dict.fromkeys(e.kind for e in self.analysis.events))
        if kinds:
            handles = [Patch(color=EVENT_COLOURS.get(k, "#999999"), alpha=0.35, label=k.replace("_", " ")) for k in kinds]
            ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=min(len(kinds), 2), frameon=False,
                      fontsize=self.style.fs(0.7), handlelength=0.9, columnspacing=0.8, borderaxespad=0.1)

    def update(self, i: int) -> None:
        step = self.rec.steps[i]
        for cursor in self.cursors:
            cursor.set_xdata([step, step])
        for dot, y in self.dots:
            dot.set_data([step], [y[i]])
        for text, title, series in self.labels:
            values = "   ".join(f"{label} {self.analysis.series[name][i]:.3g}" for name, label, _ in series)
            text.set_text(f"{title}    {values}")
