"""Motion between snapshots: a frame at a training step between two snapshots shows a blend of the two.

A video of 8–20 s at 30 fps often has more frames than the recording has snapshots. Held, each snapshot would
stay on screen for a few frames and then jump; blended, the motion is smooth. What is blended and why it means
something:
    samples, mapping   each fixed latent z keeps its own arrow/dot, so blending moves G(z) straight from where it
                       was to where it went (the same z, snapshot to snapshot);
    density, d_grid    a cross-fade of the two histograms / D surfaces (a mixture of the two, never outside them);
    g_grad             the arrows at the moving samples, blended like the samples they sit on;
    scalars            linearly, as a chart would draw them.
Curvature arrays (eigenvalues, computed every K steps with NaN between) are held: an eigenvalue of a blend is
not a blend of eigenvalues. Views that blend mix in `Tweening`; the others hold the snapshot before (base.View.show).
"""

from __future__ import annotations

import numpy as np

from gananim.recording.reader import Recording, Snapshot

BLENDED = ("samples", "mapping", "density", "d_grid", "g_grad")


def position(rec: Recording, step: float) -> tuple[int, float]:
    """(i, w): a training step lies w of the way from snapshot i to snapshot i + 1 (w = 0 at or past the ends)."""
    i = rec.index_at(step)
    steps = rec.steps
    if i + 1 >= len(steps) or step <= steps[i]:
        return i, 0.0
    return i, float(min((step - steps[i]) / (steps[i + 1] - steps[i]), 1.0))


def blend(a: Snapshot, b: Snapshot, w: float) -> Snapshot:
    """(1 - w) a + w b for the arrays that move (see the module's docstring); the rest of `a` is kept."""
    if w <= 0:
        return a
    arrays = {}
    for name in BLENDED:
        x, y = getattr(a, name), getattr(b, name)
        if x is not None and y is not None:
            out = x.astype(np.float32, copy=True)
            out += (y - x) * np.float32(w)  # NaN in either snapshot stays NaN: a diverged sample is not drawn
            arrays[name] = out
    scalars = {k: (1 - w) * v + w * b.scalars[k] for k, v in a.scalars.items() if k in b.scalars}
    return a.replace(scalars=a.scalars | scalars, **arrays)


class Tweening:
    """Mixin for a View whose frame depends on one snapshot only: implement `draw(snap, at)` instead of `update`.

    `at` is the fractional snapshot index shown (i + w), for what moves with time itself (a turning camera).
    """

    tweens = True
    _pair: tuple[int, Snapshot, Snapshot] | None = None

    def update(self, i: int) -> None:
        self.draw(self.rec[i], float(i))

    def show(self, step: float) -> int:
        i, w = position(self.rec, step)
        if w == 0:
            self.update(i)
            return i
        if self._pair is None or self._pair[0] != i:  # the two snapshots around a gap, read once per gap
            self._pair = (i, self.rec[i], self.rec[i + 1])
        self.draw(blend(self._pair[1], self._pair[2], w), i + w)
        return i

    def draw(self, snap: Snapshot, at: float) -> None:
        raise NotImplementedError
