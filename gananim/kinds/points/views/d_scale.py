"""D's values as the 2D views colour them: a classifier's probability as it is, a critic's scores on a symmetric
scale centred at the real/fake decision (gananim.recording.game).

A classifier's D(x) is a probability: 0 (fake) … ½ … 1 (real). LSGAN's D(x) = l(x), its raw output regressed on 0
(fake) and 1 (real) (Mao et al. 2017, a=0, b=1: D*(x) = p_data / (p_data + p_g), ½ where G matches the data), is put on
the same scale, clipped to [0, 1] (a regression overshoots its targets), and the key says so. A critic's score has no such anchors: only its
differences mean something (a Wasserstein critic is defined up to a constant), so its colour is u = ½ + (D(x) − c) / 2R,
clipped to [0, 1], with c the decision and R one half-width for the whole video:
- c: 0 for the hinge game (D is trained to +1 on real and −1 on fake samples: its sign is the decision); for the
  Wasserstein and relativistic games ½ (E D(real) + E D(fake)) of the snapshot shown (recorded as `critic_real` and
  `critic_fake`): the score halfway between what real and generated samples get, so the colour says which side of
  that snapshot's game a point is on, whatever constant the critic drifted by;
- R: the 98th percentile of |D(x) − c| over the view box's grid in a spread of snapshots (a few outlying cells are
  clipped, the bulk keeps its contrast, and one scale means a colour means the same score distance all video long).
"""

from __future__ import annotations

import numpy as np

from gananim.recording.game import game_of
from gananim.rendering.drawing import probe_indices
from gananim.rendering.views.chart import num

SPREAD = 0.98  # the share of grid cells (over sampled snapshots) inside ±R


class DScale:
    """Maps a snapshot's stored D grid to [0, 1] colour positions and names the colour bar's ticks."""

    def __init__(self, rec):
        self.game = game_of(rec.manifest)
        self.critic = self.game.critic
        self.regression = self.game.regression  # LSGAN's raw D, on the classifier's scale but clipped
        self.half = self._half_width(rec) if self.critic else 0.5

    def centre(self, snap) -> float:
        """The decision the colours are centred at, for this snapshot (a classifier's ½)."""
        if not self.critic:
            return 0.5
        if self.game.loss == "hinge":
            return 0.0
        real, fake = snap.scalars.get("critic_real", np.nan), snap.scalars.get("critic_fake", np.nan)
        mid = 0.5 * (real + fake)
        if not np.isfinite(mid):  # no real batch recorded: the grid's own middle
            mid = float(np.nanmedian(snap.d_grid)) if np.isfinite(snap.d_grid).any() else 0.0
        return float(mid)

    def _half_width(self, rec) -> float:
        spreads = []
        for i in probe_indices(len(rec)):
            snap = rec[i]
            # D's grid (points), else its scores on the samples (images: gananim.kinds.images.views.projection)
            scores = [snap.d_grid] if snap.d_grid is not None else [snap.d_real_each, snap.d_fake_each]
            for d in (a for a in scores if a is not None):
                spreads.append(np.abs(d.astype(float) - self.centre(snap)).ravel())
        values = np.concatenate(spreads) if spreads else np.zeros(0)
        values = values[np.isfinite(values)]
        half = float(np.quantile(values, SPREAD)) if len(values) else 0.0
        return half if half > 0 else 1.0

    def unit(self, snap, d_grid: np.ndarray | None = None) -> np.ndarray:
        """The grid's colour positions in [0, 1] (NaN kept): a probability as it is, a critic's score centred."""
        d = snap.d_grid if d_grid is None else d_grid
        if self.regression:
            return np.clip(d, 0.0, 1.0)  # NaN kept
        if not self.critic:
            return d
        return np.clip(0.5 + (d.astype(np.float32) - self.centre(snap)) / (2 * self.half), 0.0, 1.0)

    @property
    def title(self) -> str:
        """The colour bar's title."""
        return "critic D(x)" if self.critic else "D(x) = l(x)" if self.regression else "D(x)"

    @property
    def legend(self) -> str:
        """D's curve in a 1D view's legend: the title, and where LSGAN's regression overshoots 0 or 1, that it is cut."""
        return f"{self.title}, clipped to [0, 1]" if self.regression else self.title

    @property
    def key(self) -> str:
        """One legend line for D's colours (and heights, in `mountains`)."""
        if self.regression:
            return "D(x) = l(x), LSGAN's regression: 1 real, 0 fake (clipped to [0, 1])"
        return "critic D(x), centred at the decision" if self.critic else "D(x): 1 real, 0 fake"

    @property
    def ticks(self) -> list[str]:
        """Labels at 0, ½ and 1 of the bar: a classifier's probabilities; a critic's distance from the decision."""
        if not self.critic:
            return ["fake 0", "½", "real 1"]
        r = num(self.half)
        if self.game.loss == "hinge":
            return [f"fake −{r}", "0", f"real +{r}"]
        return [f"fake −{r}", "mid", f"real +{r}"]

    @property
    def note(self) -> str | None:
        """What the bar's middle is, where it is not a plain number, or what the bar shows, where it is not a
        probability (None for a classifier and the hinge game)."""
        if self.regression:
            return "D(x) = l(x), LSGAN's regression, clipped to [0, 1]"
        if not self.critic or self.game.loss == "hinge":
            return None
        return "mid = ½(E D(real) + E D(fake))"


__all__ = ["DScale"]
