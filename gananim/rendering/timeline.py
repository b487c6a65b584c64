"""Which training step each video frame shows, and how fast the clip's clock runs there.

A clip lasts `default_seconds` (or --duration), and spends them as gananim.rendering.pace decides: slower where the
picture changes and on events, faster on quiet stretches, still on an event's outcome until its caption has been
read. The frames then advance evenly within each stretch:

    blending views   a fractional step per frame, the same increment all through a stretch of one pace;
    holding views    every snapshot shown the same whole number of frames, or every j-th snapshot shown once.
                     A snapshot held 2 frames while the GIF keeps every 3rd would show in the GIF 1 or 2 times by
                     turns, so slow stretches hold each snapshot a multiple of the GIF's stride (`stride`).

The clock is honest: each frame knows its pace relative to the clip's usual one (`rates`, 0 while held), which
the frame shows beside the step counter (pace_label) wherever it is not the usual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gananim.errors import GananimError
from gananim.rendering.pace import HOLD_SHARE, Slots, caption_shortfall, fit_holds, runs, story, warp_levels

MAX_VIDEO_SECONDS = (
    3600  # gananim makes clips to watch and embed: a longer video means a typo in --speed/--duration/--slowmo
)
# The default length: one snapshot per frame at PACE snapshots a second, clamped to MIN..MAX seconds, so a short
# recording still plays long enough to follow and a long one stays a clip (its frames then skip snapshots).
PACE, MIN_SECONDS, MAX_SECONDS = 30.0, 8.0, 20.0
MIN_LABEL_SECONDS = 0.1  # a pace shown for less (a blending clip's last frame) takes its neighbour's label
MIN_PART_SECONDS = 0.5  # a stretch of held snapshots is split between two cadences only into parts this long
FRACTIONS = {2: "½", 3: "⅓", 4: "¼", 6: "⅙", 8: "⅛"}


def default_seconds(snapshots: int) -> float:
    """The default video length for a recording of this many snapshots (before --speed and --slowmo)."""
    return float(np.clip(snapshots / PACE, MIN_SECONDS, MAX_SECONDS))


def pace_label(rate: float) -> str:
    """What the frame says beside the step counter at `rate` times the clip's usual pace: nothing at the usual
    pace (within 15 %), "×2", "×¼", "×0.7", or "paused" while the clock stands still."""
    if rate <= 0:
        return "paused"
    if abs(math.log2(rate)) < 0.2:
        return ""
    if rate > 1:
        return f"×{rate:.0f}" if rate >= 1.75 else f"×{rate:.1f}"
    inverse = round(1 / rate)
    if inverse in FRACTIONS and abs(1 / rate / inverse - 1) < 0.15:
        return f"×{FRACTIONS[inverse]}"
    return f"×{rate:.1f}"


@dataclass
class Timeline:
    """Which training step each video frame shows (`steps`, fractional between snapshots for blending views), its
    pace relative to the clip's usual one (`rates`: 1 usual, 0.25 four times slower, 0 held still), and the
    story frame the embed's poster shows (`poster`)."""

    steps: np.ndarray
    fps: float
    rates: np.ndarray = field(default=None)  # type: ignore[assignment]
    poster: int = -1
    unread: int = 0  # events whose caption is up less than CAPTION_SECONDS: the length given left them no time

    def __post_init__(self) -> None:
        self.steps = np.asarray(self.steps, dtype=float)
        self.rates = np.ones(len(self.steps)) if self.rates is None else np.asarray(self.rates, dtype=float)
        if self.poster < 0:
            self.poster = len(self.steps) // 2

    @classmethod
    def make(
        cls,
        snapshot_steps: np.ndarray,
        fps: float,
        speed: float = 1.0,
        duration: float | None = None,
        events: list[tuple[int, int]] = (),
        slowmo: float = 1.0,
        tween: bool = False,
        change: np.ndarray | None = None,
        poster: float = 0.0,
        stride: int = 1,
    ) -> "Timeline":
        """Frames over the snapshots for `duration` seconds (default: `default_seconds`, divided by `speed`).

        `change` (gananim.rendering.pace.frame_change; None: every step the same time) warps the clock towards the
        stretches that change and the `events` (start, end) spans; each event's caption stays up at least
        CAPTION_SECONDS, its last snapshot held still if need be (a clip with more events than its length can
        caption grows for them, up to pace.MAX_GROWN_SECONDS, unless `duration` is given; `unread` counts the
        captions that still fall short); the story snapshot (pace.story: the first event as ordered, else the
        last snapshot) is held `poster` seconds. Steps inside an event are also shown `slowmo` times as long, and
        the clip is longer for it.
        Blended (tween=True), frames move through the gaps at fractional steps, first frame on the first snapshot,
        last on the last; held, each frame shows a recorded snapshot. `stride`: the GIF's (gananim.rendering.encode
        gif_stride), so that held snapshots advance evenly in it too.
        """
        steps, weight, count = _checked(snapshot_steps, fps, speed, duration, events, slowmo)
        if len(steps) == 1:  # a still: nothing to pace
            return cls(np.full(count, steps[0]), fps, np.ones(count), count // 2)
        seconds = count / fps
        slots = Slots.of(steps, tween, weight)
        events = list(events)
        level = warp_levels(slots, change, events, seconds)
        count, holds = fit_holds(slots, level, count, fps, events, poster, grow=duration is None)
        told = story(steps, events)
        for _ in range(4):  # whole-frame cadences may give an event fewer frames than planned: hold it longer
            if tween:
                shown, raw = _blended(slots, level, holds, count)
            else:
                shown, raw = _held(slots, level, holds, events, count, (stride, MIN_PART_SECONDS * fps), told)
            short = caption_shortfall(steps, shown, events, fps)
            more = holds.copy()
            for i, frames in short.items():
                more[i] += frames
            if not short or more.sum() > HOLD_SHARE * count:
                break
            holds = more
        unread = len(caption_shortfall(steps, shown, events, fps))
        return cls(shown, fps, _relative(raw), _middle_of(shown, raw, steps[told]), unread)

    def seconds(self, start: int, end: int) -> tuple[float, float] | None:
        """When the frames showing steps start..end play, in seconds; None if none of them does."""
        shown = np.flatnonzero((self.steps >= start) & (self.steps <= end))
        return (shown[0] / self.fps, (shown[-1] + 1) / self.fps) if len(shown) else None

    def labels(self) -> list[str]:
        """Each frame's pace label (pace_label). One shown under MIN_LABEL_SECONDS (the blending clip's last frame,
        held) takes a neighbour's, a moving one's never "paused"."""
        text = [pace_label(r) for r in self.rates]
        codes = np.unique(text, return_inverse=True)[1] if text else np.zeros(0)
        for a, b in runs(codes.ravel()):
            if b - a < MIN_LABEL_SECONDS * self.fps:
                around = [text[i] for i in (a - 1, b) if 0 <= i < len(text)]
                alike = [t for t in around if (t == "paused") == (text[a] == "paused")]
                text[a:b] = [(alike or around or text[a : a + 1])[0]] * (b - a)
        return text

    def __len__(self) -> int:
        return len(self.steps)


def _checked(snapshot_steps, fps, speed, duration, events, slowmo) -> tuple[np.ndarray, np.ndarray, int]:
    """The steps (float), --slowmo's weight on each and the frame count; a bad option is a one-line error."""
    if len(snapshot_steps) == 0:
        raise GananimError("no snapshots in the chosen step range")
    if fps <= 0 or speed <= 0 or slowmo < 1 or (duration is not None and duration <= 0):
        raise GananimError("--fps, --speed and --duration must be positive, --slowmo at least 1")
    steps = np.asarray(snapshot_steps, dtype=float)
    weight = np.ones(len(steps))
    for start, end in events:
        weight[(steps >= start) & (steps <= end)] = slowmo
    seconds = duration if duration else default_seconds(len(steps)) * weight.mean() / speed
    if not seconds <= MAX_VIDEO_SECONDS:  # also catches inf and nan
        raise GananimError(
            f"the video would last {seconds:,.0f} s; at most {MAX_VIDEO_SECONDS:,} s: "
            f"raise --speed or lower --duration or --slowmo"
        )
    return steps, weight, max(round(seconds * fps), 1)


def _blended(slots: Slots, level: np.ndarray, holds: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Frame steps and steps per frame for a blending view: a piecewise-linear clock, flat where held, sampled
    once a frame; each move between snapshots takes its share of the frames that are not held."""
    moving = (count - holds.sum()) * slots.share(level)
    s = slots.steps
    times, values, starts, slopes = [0.0], [s[0]], [], []
    for i in range(len(s)):
        for length, to in ((holds[i], s[i]), (moving[i] if i < len(moving) else 0.0, s[min(i + 1, len(s) - 1)])):
            if length > 0:
                starts.append(times[-1])
                slopes.append((to - values[-1]) / length)
                times.append(times[-1] + length)
                values.append(to)
    k = np.arange(count, dtype=float)
    piece = np.maximum(np.searchsorted(starts, k, side="right") - 1, 0)
    return np.interp(k, times, values), np.asarray(slopes)[piece]


def _held(
    slots: Slots, level: np.ndarray, holds: np.ndarray, events: list, count: int, parts: tuple, told: int
) -> tuple[np.ndarray, np.ndarray]:
    """Frame steps and steps per frame for a holding view: each stretch of one pace, and each event, shown at an
    even cadence near its share (_cadence; `parts`: the GIF's stride and the shortest part), held snapshots after
    theirs. What whole frames miss or overshoot is made up on the longest stretch outside the events (an event keeps
    its pace), and what is left after that on the story's hold (`told`)."""
    stride, min_frames = parts
    moving = (count - holds.sum()) * slots.share(level)
    marked = np.zeros(len(slots), dtype=bool)
    for start, end in events:
        marked |= slots.within(start, end)
    stretch = np.unique(np.column_stack([level, slots.weight, marked]), axis=0, return_inverse=True)[1]
    pieces = _pieces(stretch.ravel(), holds)

    def cadence(k: int, want: float, under: bool = False) -> list[list]:
        a, b = pieces[k]
        return _cadence(slots, a, b, want, stride, min_frames, holds[b - 1] > 0 or b == len(slots), under)

    made = [cadence(k, moving[a:b].sum()) for k, (a, b) in enumerate(pieces)]
    free = [k for k, (a, b) in enumerate(pieces) if not marked[a]] or list(range(len(pieces)))
    k = max(free, key=lambda k: pieces[k][1] - pieces[k][0])
    left = count - holds.sum() - sum(e[1] for m in made for e in m)
    made[k] = cadence(k, sum(e[1] for e in made[k]) + left, under=True)
    shows: list[list] = []  # [snapshot index, frames, steps per frame]
    for (a, b), m in zip(pieces, made):
        shows += m + ([[b - 1, int(holds[b - 1]), 0.0]] if holds[b - 1] else [])
    _settle(shows, count, story_hold=next((k for k, e in enumerate(shows) if e[0] == told and e[2] == 0), None))
    index = np.repeat([e[0] for e in shows], [e[1] for e in shows])
    rates = np.repeat([e[2] for e in shows], [e[1] for e in shows])
    pick = np.round(np.linspace(0, len(index) - 1, count)).astype(int)  # more snapshots than frames: a few
    return slots.steps[index[pick]], rates[pick]


def _pieces(stretch: np.ndarray, holds: np.ndarray) -> list[tuple[int, int]]:
    """Stretches of one value, each also cut after a held snapshot (which then ends its stretch)."""
    out = []
    for a, b in runs(stretch):
        cuts = [a] + [i + 1 for i in range(a, b - 1) if holds[i]] + [b]
        out += list(zip(cuts[:-1], cuts[1:]))
    return out


def _cadence(
    slots: Slots, a: int, b: int, want: float, stride: int, min_frames: float, ends: bool, under: bool
) -> list[list]:
    """Snapshots a..b-1 in about `want` frames at even cadences: the two rungs (_rungs) around the frames per
    snapshot wanted, the slower first, split where the pace comes nearest (`under`: nearest without going over);
    a part shorter than `min_frames` (a pace that would flash by) is not split off. `ends`: the last snapshot is
    shown (it is held, or the clip's last)."""
    n = b - a
    lo, hi = _rungs(max(want, 0.5) / n, stride)
    splits = [(n, 0), (0, n)] + [(x, n - x) for x in range(1, n) if _frames(x, hi) >= min_frames <= _frames(n - x, lo)]
    total = {(x, y): _frames(x, hi, ends and not y) + _frames(y, lo, ends) for x, y in splits}
    if under and any(t <= want for t in total.values()):
        splits = [xy for xy in splits if total[xy] <= want]
    aim = max(want, 0.5)  # what earlier stretches overshot can leave less than nothing
    x, _ = min(splits, key=lambda xy: (abs(math.log(total[xy] / aim)), -xy[0]))  # nearest as a pace; ties: slower
    return _shown(slots, a, a + x, hi, ends and x == n) + _shown(slots, a + x, b, lo, ends)


def _rungs(per_snapshot: float, stride: int) -> tuple[float, float]:
    """The even cadences around `per_snapshot` frames a snapshot, (faster, slower): every j-th snapshot once
    (1/j), or every snapshot a whole number of frames, a multiple of `stride` when above one frame."""
    if per_snapshot < 1:
        j = math.floor(1 / per_snapshot)
        return 1 / (j + 1), 1 / j
    if per_snapshot < stride:
        return 1.0, float(stride)
    lo = math.floor(per_snapshot / stride) * stride
    return float(lo), float(lo + stride)


def _frames(snapshots: int, rung: float, ends: bool = False) -> int:
    """Frames `snapshots` snapshots take at a rung (every j-th once, and the last too where it `ends`)."""
    if rung >= 1:
        return snapshots * int(rung)
    j = round(1 / rung)
    return math.ceil(snapshots / j) + int(ends and snapshots > 0 and (snapshots - 1) % j != 0)


def _shown(slots: Slots, a: int, b: int, rung: float, ends: bool) -> list[list]:
    """[snapshot, frames, steps per frame] for snapshots a..b-1 at a rung; `ends`: b-1 shown even off the cadence."""
    if b <= a:
        return []
    covered = slots.steps[b - 1] - slots.steps[a] + slots.delta[b - 1]
    if rung >= 1:
        return [[i, int(rung), covered / ((b - a) * rung)] for i in range(a, b)]
    picked = list(range(a, b, round(1 / rung)))
    if ends and picked[-1] != b - 1:
        picked.append(b - 1)
    return [[i, 1, covered / len(picked)] for i in picked]


def _settle(shows: list[list], count: int, story_hold: int | None) -> None:
    """Make the frames add up to `count`: what rounding left over goes on the story's hold (or the last snapshot
    shown); frames over come off the longest-shown snapshots a frame each, where one frame changes the pace least,
    never leaving the first, the last or the story's without one."""
    left = count - sum(e[1] for e in shows)
    if left > 0:
        shows[story_hold if story_hold is not None else -1][1] += left
    keep = {0, len(shows) - 1, story_hold}
    while left < 0:
        k = max(range(len(shows)), key=lambda k: shows[k][1] - (k in keep))
        if shows[k][1] - (k in keep) <= 0:
            break
        shows[k][1] -= 1
        left += 1
    shows[:] = [e for e in shows if e[1] > 0]


def _relative(raw: np.ndarray) -> np.ndarray:
    """Steps per frame as a multiple of the clip's usual pace: the one most frames move at (within a sixth)."""
    moving = raw[raw > 0]
    if not len(moving):
        return np.zeros(len(raw))
    bins = np.round(np.log2(moving) * 4)
    keys, counts = np.unique(bins, return_counts=True)
    return raw / np.median(moving[bins == keys[np.argmax(counts)]])


def _middle_of(shown: np.ndarray, raw: np.ndarray, step: float) -> int:
    """The story frame: the middle of the longest stretch of frames held still on `step` (else of frames showing
    it), where a still of it is on screen longest."""
    on = (shown == step) & (raw == 0)
    on = on if on.any() else shown == step
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])))
    if not len(edges):
        return len(shown) // 2
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int((starts[k] + ends[k] - 1) // 2)
