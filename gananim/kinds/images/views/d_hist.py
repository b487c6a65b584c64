"""`d-hist`: histograms of D's score on a real batch and on a generated batch: the discriminator's confidence story.

A discriminator that wins puts the real batch near 1 and the fake one near 0 (two bumps far apart, G's gradient
may vanish); at the game's equilibrium both pile up at ½. The bins are fixed for the recording (equal bins of D's
probability on [0, 1]) and the y scale for the whole video, so a bar that grows has really grown. A critic's unbounded
scores (gananim.recording.game) are binned over the video's own range instead, with no ½ line (hinge: 0 dashed).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from gananim.recording.game import game_of
from gananim.rendering.drawing import DATA_BLUE, RED
from gananim.rendering.views.base import View, register
from gananim.rendering.views.chart import Header, entry, fitting, num

FAKE = tuple(RED)


def shares(snap, edges: np.ndarray, which: str, recount: bool = False) -> np.ndarray:
    """A snapshot's shares per bin: as recorded, else (or with `recount`) counted from the per-sample scores (NaN ones
    left out)."""
    stored = getattr(snap, f"d_hist_{which}")
    if stored is not None and not recount:
        return stored
    each = getattr(snap, f"d_{which}_each")
    return np.histogram(each[np.isfinite(each)], edges)[0] / max(len(each), 1)


def critic_edges(rec, picks, bins: int) -> np.ndarray:
    """Equal bins from the 1st to the 99th percentile of a critic's scores (real and generated) in the snapshots
    `picks`: one fixed axis for the video that a few outliers do not stretch."""
    scores = [getattr(rec[int(i)], f"d_{w}_each") for i in picks for w in ("real", "fake")]
    flat = np.concatenate([x.ravel() for x in scores if x is not None]) if scores else np.zeros(0)
    flat = flat[np.isfinite(flat)]
    lo, hi = np.quantile(flat, [0.01, 0.99]) if len(flat) else (-1.0, 1.0)
    if hi - lo < 1e-6:
        lo, hi = lo - 1, hi + 1
    return np.linspace(lo, hi, bins + 1)


@register
class DHistView(View):
    """Shares of real (blue) and generated (red) samples per bin of D(x), with the means in the header."""

    name = "d-hist"
    kinds = ("images",)
    needs_discriminator = True
    LABEL = 0.75  # the axes' names, in the style's body text

    def setup(self, ax):
        rec, s = self.rec, self.style
        self.edges = rec.fixed.get("d_edges", np.linspace(0, 1, rec.manifest.get("d_bins", 20) + 1))
        picks = np.unique(np.linspace(0, len(rec) - 1, min(len(rec), 50)).astype(int))
        self.game = game_of(rec.manifest)
        if self.game.critic:  # unbounded scores: bins over the whole video's range (its 1st to 99th percentile)
            self.edges = critic_edges(rec, picks, len(self.edges) - 1)
        top = max(
            float(np.max(shares(rec[int(i)], self.edges, w, self.game.critic))) for i in picks for w in ("real", "fake")
        )
        zero = np.zeros(len(self.edges) - 1)
        self.real = ax.stairs(zero, self.edges, fill=True, color=DATA_BLUE, alpha=0.35, zorder=2)
        self.real_line = ax.stairs(zero, self.edges, color=DATA_BLUE, linewidth=1.4 * s.scale, zorder=3)
        self.fake = ax.stairs(zero, self.edges, fill=True, color=FAKE, alpha=0.35, zorder=2)
        self.fake_line = ax.stairs(zero, self.edges, color=FAKE, linewidth=1.4 * s.scale, zorder=3)
        if not self.game.critic or self.game.loss == "hinge":  # ½, or the hinge critic's decision 0
            ax.axvline(0.0 if self.game.critic else 0.5, color="#777777", linestyle="--", linewidth=0.8 * s.scale)
        ax.set_xlim(self.edges[0], self.edges[-1])
        ax.set_ylim(0, 1.12 * top if top > 0 else 1)
        if not self.game.critic:
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "", "½", "", "1"])  # ½ names the dashed line: D can't tell
        else:
            ax.xaxis.set_major_locator(MaxNLocator(5))
        # the axes' names, shorter where a small panel (a dashboard's) has no room for the long ones
        size, box = s.fs(self.LABEL), ax.get_window_extent()
        pt = 72 / ax.figure.dpi
        conditional = bool(rec.manifest.get("conditional"))  # D(x, y) given each sample's own label (record.labels)
        names = (
            ["D(x, y): D's probability that x is real, given its label y", "D(x, y), the probability of real"]
            if conditional
            else ["D(x): D's probability that x is real", "D(x), the probability of real"]
        )
        if self.game.regression:  # LSGAN's raw D, its overshoots in the end bins
            names = ["D(x) = l(x): LSGAN's regression, real 1, fake 0 (clipped to [0, 1])", "D(x) = l(x), clipped"]
        if self.game.critic:
            names = (
                ["D(x, y): the critic's score given the label y (higher: more real)", "critic score D(x, y)"]
                if conditional
                else ["D(x): the critic's score (higher: more real)", "critic score D(x)"]
            )
        xname = fitting(ax.figure, names, size, box.width * pt)
        ax.set_xlabel(xname, fontsize=size, labelpad=2)
        ax.set_ylabel(
            fitting(ax.figure, ["share of the batch", "share"], size, box.height * pt), fontsize=size, labelpad=2
        )
        ax.yaxis.set_major_locator(MaxNLocator(3))
        if ax.get_axes_locator() is None:  # a frame's panel (not a dashboard's): keep the axis' name in the frame
            ax.set_axes_locator(self._room_below)
        ax.tick_params(labelsize=s.fs(0.7))
        # the means above the axes, on one or two lines in a narrow panel (a dashboard's, side by side)
        title, templates = self.texts(bool(rec.manifest.get("conditional")))
        self.header = Header(ax, (0.0, 0.0, 1.0, 1.0), title, [DATA_BLUE, FAKE], templates, s, 0.78)
        return [self.real, self.real_line, self.fake, self.fake_line, *self.header.entries]

    def _room_below(self, ax, renderer) -> Bbox:
        """The panel's place, its bottom raised where the frame leaves too little room under it for the tick labels
        and the axis' name (a small frame's margin is shorter than two lines of readable text)."""
        s = self.style
        pos = ax.get_position(original=True)
        need = s.px(3.5 + 3.5 + 1.3 * s.fs(0.7) + 1.3 * s.fs(self.LABEL)) / ax.figure.bbox.height
        raise_by = max(need - pos.y0, 0.0)
        return Bbox.from_extents(pos.x0, pos.y0 + raise_by, pos.x1, pos.y1)

    @staticmethod
    def texts(conditional: bool = False) -> tuple[str, list[str]]:
        """The header's title and its entries' widest texts."""
        if conditional:
            return "mean D(x, y)", [entry("real", "0.888"), entry("G(z, y)", "0.888")]
        return "mean D(x)", [entry("real", "0.888"), entry("G(z)", "0.888")]

    def update(self, i: int) -> None:
        snap = self.rec[i]
        real = shares(snap, self.edges, "real", self.game.critic)
        fake = shares(snap, self.edges, "fake", self.game.critic)
        for fill, line, values in ((self.real, self.real_line, real), (self.fake, self.fake_line, fake)):
            fill.set_data(values)
            line.set_data(values)
        g = "G(z, y)" if self.rec.manifest.get("conditional") else "G(z)"
        self.header.set(
            [entry("real", num(self._mean(snap, "real", real))), entry(g, num(self._mean(snap, "fake", fake)))]
        )

    def _mean(self, snap, which: str, values: np.ndarray) -> float:
        each = getattr(snap, f"d_{which}_each")
        if each is not None and np.isfinite(each).any():
            return float(np.nanmean(each))
        centres = (self.edges[:-1] + self.edges[1:]) / 2
        return float((values * centres).sum() / values.sum()) if values.sum() > 0 else float("nan")
