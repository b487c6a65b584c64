"""How a clip spends its seconds: more where the picture changes and on detected events, less on quiet stretches,
and long enough on each event for its caption to be read.

A slot is what one stretch of the video shows: a snapshot, for views that hold each snapshot, or the move from one
snapshot to the next, for views that blend (gananim.rendering.views.tween). Each slot gets a time level: 0 is the
clip's usual pace, +1 twice as slow, -1 twice as fast. Levels go in steps of two so that the speed shown beside the
step counter is a plain ×2 or ×½ and stays put for a while rather than flickering with every snapshot.

    frame_change   how much the picture changes from one chosen snapshot to the next (stored samples and density)
    warp_levels    the slots' time levels, from that change and the events
    hold_frames    frames spent still on one snapshot: each event's last snapshot until its caption has been up
                   CAPTION_SECONDS, and the story frame (the poster) POSTER_SECONDS
    fit_holds      the clip's length and holds: holds at most HOLD_SHARE of it, the clip longer if captions need it
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CAPTION_SECONDS = 1.5  # an event's caption stays on screen at least this long: time to read about ten words
POSTER_SECONDS = 1.0  # the story frame, which the poster shows, is held at least this long
HOLD_SHARE = 0.5  # holds never take more than this share of the clip (a short clip with many events)
MAX_GROWN_SECONDS = 60.0  # a clip grows for its captions up to this long; past it, captions get less than their time
MAX_LEVEL = 2  # at most 4x slower or faster than the usual pace: quiet stretches still play, busy ones still move
SMOOTH_SECONDS = 0.5  # the change is smoothed over about this much video: the pace follows stretches, not snapshots
MIN_RUN_SECONDS = 0.75  # no pace lasts less than this: a ×2 that flashes by can't be read
MAX_READ = 2000  # snapshots read to measure change; a longer recording is measured on this many, evenly spread
CHANGED = ("samples", "density")  # the arrays every kind stores: what the views draw moves with them


@dataclass
class Slots:
    """The clip's slots: the training steps each covers (`delta`) and --slowmo's factor on each (`weight`)."""

    steps: np.ndarray  # the chosen snapshots' steps
    tween: bool
    delta: np.ndarray
    weight: np.ndarray

    @classmethod
    def of(cls, steps: np.ndarray, tween: bool, weight: np.ndarray) -> "Slots":
        gaps = np.diff(steps)
        if tween:  # a move touching a slowed snapshot is slowed too
            return cls(steps, True, gaps, np.maximum(weight[:-1], weight[1:]))
        last = np.median(gaps) if len(gaps) else 1.0  # the last snapshot shows as long as a usual one
        return cls(steps, False, np.append(gaps, last), weight)

    def __len__(self) -> int:
        return len(self.delta)

    def within(self, start: float, end: float) -> np.ndarray:
        """The slots whose frames all show steps start..end (an event's caption is up through them)."""
        s = self.steps
        return (s[:-1] >= start) & (s[1:] <= end) if self.tween else (s >= start) & (s <= end)

    def share(self, level: np.ndarray) -> np.ndarray:
        """Each slot's share of the moving time at these levels (they sum to 1)."""
        time = self.delta * 2.0**level * self.weight
        return time / time.sum() if time.sum() > 0 else np.full(len(time), 1 / max(len(time), 1))


def frame_change(recs: list, steps: np.ndarray) -> np.ndarray:
    """How much the picture changes from each chosen step to the next (len(steps) - 1 values, mean 1, or all 0 when
    nothing changes): the mean absolute change of each recording's stored samples and density, each array's series
    scaled to mean 1 so that none outweighs another whatever its units."""
    n = len(steps)
    if n < 2:
        return np.zeros(max(n - 1, 0))
    picks = np.unique(np.linspace(0, n - 1, min(n, MAX_READ)).round().astype(int))
    series = []
    for rec in recs:
        series += list(_changes(rec, [rec.index_at(int(s)) for s in steps[picks]]))
    measured = np.mean([_unit_mean(c) for c in series], axis=0)
    gaps = np.diff(picks)  # a pick's change spread over the gaps it spans (all 1 unless the recording is long)
    return _unit_mean(np.repeat(measured / gaps, gaps))


def _changes(rec, shown: list[int]) -> np.ndarray:
    """Mean |b - a| of each CHANGED array between consecutive shown snapshots, one row per array (0 where either
    snapshot lacks it or it is all NaN: a diverged generator's samples)."""
    out, before = np.zeros((len(CHANGED), len(shown) - 1)), [None] * len(CHANGED)
    for k, i in enumerate(shown):
        snap = rec[i]
        for j, name in enumerate(CHANGED):
            a = getattr(snap, name)
            now = None if a is None else np.asarray(a, dtype=np.float32)
            if k and now is not None and before[j] is not None and now.shape == before[j].shape:
                diff = np.abs(now - before[j])
                diff = diff[np.isfinite(diff)]
                out[j, k - 1] = float(diff.mean()) if diff.size else 0.0
            before[j] = now
    return out


def _unit_mean(x: np.ndarray) -> np.ndarray:
    """x scaled to mean 1 (all 0 stays 0; NaN and inf count as no change)."""
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return x / x.mean() if x.mean() > 0 else np.zeros_like(x)


def warp_levels(slots: Slots, change: np.ndarray | None, spans: list, seconds: float) -> np.ndarray:
    """Each slot's time level: log2 of its smoothed change over the typical slot's, rounded and kept within
    ±MAX_LEVEL; an event's slots at least +1 (twice as long as the usual pace); then no run of one level shorter
    than MIN_RUN_SECONDS. No change given, or none measured: all 0 (every step the same time)."""
    level = np.zeros(len(slots), dtype=int)
    if change is None or not len(slots):
        return level
    interest = _smooth(_per_slot(np.asarray(change, dtype=float), slots.tween), SMOOTH_SECONDS * len(slots) / seconds)
    if not (interest > 0).any():
        return level
    typical = np.median(interest[interest > 0])
    with np.errstate(divide="ignore"):
        level = np.clip(np.round(np.log2(interest / typical)), -MAX_LEVEL, MAX_LEVEL).astype(int)
    for start, end in spans:
        inside = slots.within(start, end)
        level[inside] = np.maximum(level[inside], 1)
    return steady(level, slots, seconds)


def _per_slot(change: np.ndarray, tween: bool) -> np.ndarray:
    """The change each slot shows: its move's (blending), or the mean of the moves into and out of its snapshot."""
    if tween or not len(change):
        return change if len(change) else np.zeros(1)
    edges = np.concatenate([[change[0]], change, [change[-1]]])
    return (edges[:-1] + edges[1:]) / 2


def _smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur over `sigma` slots (none under one slot), the ends reflected."""
    if sigma < 1 or len(x) < 3:
        return x
    half = min(int(3 * sigma), len(x) - 1)
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    padded = np.pad(x, half, mode="reflect")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


def runs(level: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each stretch of equal values."""
    cuts = np.flatnonzero(np.diff(level)) + 1
    bounds = np.concatenate([[0], cuts, [len(level)]])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def steady(level: np.ndarray, slots: Slots, seconds: float) -> np.ndarray:
    """Levels with no run shorter than MIN_RUN_SECONDS: a short run slower than both neighbours (a burst of change,
    an event) widens into them; any other takes its slower neighbour's level, so nothing busy is sped up."""
    level = level.copy()
    while True:
        bounds = runs(level)
        time = seconds * slots.share(level)
        lengths = [time[a:b].sum() for a, b in bounds]
        k = int(np.argmin(lengths))
        if len(bounds) == 1 or lengths[k] >= MIN_RUN_SECONDS:
            return level
        a, b = bounds[k]
        around = level[[i for i in (a - 1, b) if 0 <= i < len(level)]]
        if level[a] > max(around):
            level[max(a - 1, 0) : b + 1] = level[a]
        else:
            level[a:b] = max(around)


def hold_frames(slots: Slots, level: np.ndarray, count: int, fps: float, spans: list, poster: float) -> np.ndarray:
    """Frames held still on each snapshot: the story snapshot (see story) `poster` seconds, each event's last
    snapshot until its caption has been up CAPTION_SECONDS (the moving frames through its steps count), and, for
    a blending view, the last snapshot one frame (where the clip ends). Uncapped: see fit_holds."""
    n = len(slots.steps)
    holds = np.zeros(n, dtype=int)
    holds[-1] = 1 if slots.tween else 0
    if poster > 0:
        holds[story(slots.steps, spans)] += int(np.ceil(poster * fps))
    marks = [m for m in (_mark(slots, a, b) for a, b in spans) if m is not None]
    share, need = slots.share(level), CAPTION_SECONDS * fps
    for _ in range(4 * len(marks) + 4):  # holds grow, the moving time shrinks: a few rounds settle
        moving = max(count - holds.sum(), 0) * share
        short = [(last, need - moving[inside].sum() - holds[snaps].sum()) for inside, snaps, last in marks]
        short = [(last, gap) for last, gap in short if gap > 0.5]
        if not short or holds.sum() >= count:  # settled, or more than the clip: fit_holds grows or caps it
            break
        for last, gap in short:
            holds[last] += int(np.ceil(gap))
    return holds


def fit_holds(
    slots: Slots, level: np.ndarray, count: int, fps: float, spans: list, poster: float, grow: bool
) -> tuple[int, np.ndarray]:
    """The clip's frame count and its holds (hold_frames), the holds at most HOLD_SHARE of the clip. A clip whose
    captions need more (many events: four-points has 15 in 1000 steps) grows until they fit, up to
    MAX_GROWN_SECONDS, when `grow` (its length was not given); otherwise each hold gets its share of the cap."""
    longest = max(count, int(MAX_GROWN_SECONDS * fps))
    for _ in range(8):
        holds = hold_frames(slots, level, count, fps, spans, poster)
        if holds.sum() <= HOLD_SHARE * count or not grow or count >= longest:
            break
        count = min(longest, int(np.ceil(holds.sum() / HOLD_SHARE)))  # more moving time: fewer holds needed
    return count, cap_holds(holds, int(HOLD_SHARE * count))


def cap_holds(holds: np.ndarray, cap: int) -> np.ndarray:
    """Holds scaled down to `cap` frames in all, each hold kept at least one frame."""
    if holds.sum() <= cap:
        return holds
    return np.maximum(np.floor(holds * cap / holds.sum()).astype(int), holds > 0)


def caption_shortfall(steps: np.ndarray, shown: np.ndarray, spans: list, fps: float) -> dict[int, int]:
    """{snapshot: frames} that each event's hold still needs for its caption to be up CAPTION_SECONDS in the frames
    made (`shown`: each frame's step), where whole-frame cadences gave its steps fewer frames than planned."""
    need, short = CAPTION_SECONDS * fps, {}
    for start, end in spans:
        inside = np.flatnonzero((steps >= start) & (steps <= end))
        up = int(np.sum((shown >= start) & (shown <= end)))
        if len(inside) and up < need - 0.5:
            last = int(inside[-1])
            short[last] = max(short.get(last, 0), int(np.ceil(need - up)))
    return short


def _mark(slots: Slots, start: int, end: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """An event's slots, its snapshots and the last of them (where it is held); None if no snapshot is in it."""
    snaps = np.flatnonzero((slots.steps >= start) & (slots.steps <= end))
    return (slots.within(start, end), snaps, int(snaps[-1])) if len(snaps) else None


def story(steps: np.ndarray, spans: list) -> int:
    """The snapshot that tells the clip's story: the end of the first event, in the order given, that has snapshots
    among the chosen steps (what it led to, under its caption), else the last snapshot (where training got to). The
    caller orders the events as stories (gananim.rendering.pipeline.STORY_RANK)."""
    for start, end in spans:
        inside = np.flatnonzero((steps >= start) & (steps <= end))
        if len(inside):
            return int(inside[-1])
    return len(steps) - 1
