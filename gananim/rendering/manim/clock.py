"""Time for the manim blocks: which training step a frame shows, and a recording's arrays at that step.

Every block reads the training step from a `Clock`: one ValueTracker holding a fractional training step, or a
progress 0..1 for recordings synchronised on their share of training. Snapshot arrays are read once per
recording (`Series`) and interpolated linearly at fractional indices: a frame between snapshots i and i+1 shows
(1 - w) * snap[i] + w * snap[i+1], so nothing jumps. The clock's animation slows down around detected events.
"""

from __future__ import annotations

import math

import numpy as np
from manim import ValueTracker

from gananim.analysis import analyse
from gananim.errors import GananimError


class Series:
    """A recording's snapshot arrays stacked once, read at fractional snapshot indices (linear interpolation)."""

    def __init__(self, rec):
        self.rec = rec
        self.n = len(rec)
        if self.n == 0:
            raise GananimError(f"recording {rec.path} has no snapshots to show")
        self.steps = rec.steps.astype(float)
        self.index = np.arange(self.n, dtype=float)
        self._stacks: dict[str, np.ndarray] = {}

    def stack(self, name: str) -> np.ndarray:
        if name not in self._stacks:
            first = getattr(self.rec[0], name)
            if first is None:
                raise GananimError(f"recording {self.rec.path} has no {name} (needed by this scene)")
            self._stacks[name] = np.stack([getattr(self.rec[i], name) for i in range(self.n)]).astype(np.float32)
        return self._stacks[name]

    def frac(self, step: float) -> float:
        """Fractional snapshot index at a training step (clamped to the recording)."""
        return float(np.interp(step, self.steps, self.index))

    def at(self, name: str, step: float) -> np.ndarray:
        """The array `name` at a training step, interpolated between the two snapshots around it."""
        s = self.stack(name)
        f = self.frac(step)
        i = min(int(math.floor(f)), self.n - 1)
        w = f - i
        if w <= 1e-6 or i + 1 >= self.n:
            return s[i]
        return s[i] + (s[i + 1] - s[i]) * np.float32(w)

    def scalar(self, name: str, step: float) -> float:
        v = analyse(self.rec).series.get(name)
        return float(np.interp(step, self.steps, v)) if v is not None else float("nan")


def series(rec) -> Series:
    """The (shared) Series of a recording: blocks showing the same recording read its arrays once."""
    s = getattr(rec, "_manim_series", None)
    if s is None:
        s = Series(rec)
        rec._manim_series = s
    return s


class Clock:
    """What every block reads: a ValueTracker holding the training step (sync='step'), or the share of
    training 0..1 (sync='progress', for recordings of different lengths shown side by side)."""

    def __init__(self, recs, sync: str = "step"):
        self.recs = list(recs)
        self.sync = sync
        if sync == "step":
            self.start = float(min(r.steps[0] for r in self.recs))
            self.end = float(max(r.steps[-1] for r in self.recs))
        else:
            self.start, self.end = 0.0, 1.0
        self.tracker = ValueTracker(self.start)

    def step_for(self, rec) -> float:
        v = self.tracker.get_value()
        if self.sync == "step":
            return v
        return float(rec.steps[0] + v * (rec.steps[-1] - rec.steps[0]))

    def value_at_step(self, rec, step: float) -> float:
        """The tracker value at which `rec` shows `step`."""
        if self.sync == "step":
            return float(step)
        span = float(rec.steps[-1] - rec.steps[0]) or 1.0
        return (step - rec.steps[0]) / span

    def slow_spans(self, margin: float = 0.02) -> list[tuple[float, float]]:
        """Tracker-value spans around every detected event (slow motion and captions live there)."""
        spans = []
        pad = margin * (self.end - self.start)
        for rec in self.recs:
            for e in analyse(rec).events:
                a, b = self.value_at_step(rec, e.start), self.value_at_step(rec, e.end)
                spans.append((a - pad, b + pad))
        return spans

    def rate_func(self, slowmo: float = 4.0, samples: int = 2000):
        """A rate function for the tracker's animation from start to end: slowmo times slower in event spans."""
        v = np.linspace(self.start, self.end, samples)
        weight = np.ones(samples)
        for a, b in self.slow_spans():
            weight[(v >= a) & (v <= b)] = slowmo
        clock = np.concatenate([[0], np.cumsum((weight[1:] + weight[:-1]) / 2)])
        clock /= clock[-1] or 1.0
        share = (v - self.start) / ((self.end - self.start) or 1.0)
        return lambda alpha: float(np.interp(alpha, clock, share))

    def animate(self, run_time: float, slowmo: float = 4.0):
        """The animation playing the whole recording in `run_time` seconds, slowed around events."""
        self.tracker.set_value(self.start)
        return self.tracker.animate(run_time=run_time, rate_func=self.rate_func(slowmo)).set_value(self.end)
