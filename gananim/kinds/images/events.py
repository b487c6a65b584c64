"""Events of image recordings, found in their class-coverage series: collapse onto few classes, and mode hops
(the bulk of the samples moving from one class to another).

The same Event as gananim.analysis.events (whose rules on the recorded scalars, vanishing gradients, convergence and
divergence, apply to image recordings unchanged); these rules read the series gananim.kinds.images.metrics defines:
`classes_captured`, `top_class`, `top_share`, `class_confidence` and `frechet`. Classes are numbered as the classifier numbers
them (for the digits, class k is the digit k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.analysis.events import Event, flag_runs

# Collapse and hops count only once G has found the data: an untrained G's noise images are classified into one or
# two classes, which is no collapse (the image analogue of gananim.analysis.events' collapse_hq). Either of two signs will do,
# because neither alone catches every case (measured on the digits with the built-in classifier, bench/digits_claims.py):
RECOGNISED = 0.9  # the classifier recognises the samples: mean top softmax probability (`class_confidence`) ≥ this.
# Noise from an untrained G scores 0.80-0.86, a G collapsed onto one digit 0.97-1.0, real digits 0.99; a healthy
# MLP GAN's blurrier digits only 0.82-0.91, so this alone would miss a collapse of blurry samples ...
FOUND_DATA = 0.5  # ... or the Fréchet distance has fallen to ≤ this × the largest it has been (an untrained G's):
# alone it misses collapses, one class of real digits being about as far from all of them (22-50) as noise (46-67)


@dataclass(frozen=True)
class ClassThresholds:
    """The rules' thresholds; lengths count snapshots."""

    collapse_fraction: float = 0.3  # collapse: classes captured ≤ max(1, this × K) (3 of 10 digits) ...
    collapse_snapshots: int = 5  # ... for at least this many snapshots (gananim.analysis.events' collapse_snapshots)
    merge_gap: int = 2  # detections at most this many snapshots apart become one event (as gananim.analysis.events)
    hop_share: float = 0.3  # mode_hop: the new top class holds > this share of the samples (3× a fair 10% share) ...
    hop_persist: int = 2  # ... and stays top for this many snapshots (a one-snapshot flicker is noise)


def found_data(confidence: np.ndarray, frechet: np.ndarray) -> np.ndarray:
    """Per snapshot, whether G has found the data (RECOGNISED or FOUND_DATA); True where neither is known."""
    worst = np.fmax.accumulate(frechet) if len(frechet) else frechet
    with np.errstate(invalid="ignore"):
        known = np.isfinite(confidence) | np.isfinite(frechet)
        return ~known | (confidence >= RECOGNISED) | (frechet <= FOUND_DATA * worst)


def _collapse(steps, captured, ready, n_classes: int, th: ClassThresholds) -> list[Event]:
    limit = max(1, int(th.collapse_fraction * n_classes))
    with np.errstate(invalid="ignore"):
        mask = (captured >= 1) & (captured <= limit) & ready
    out = []
    for lo, hi in flag_runs(mask, th.merge_gap, th.collapse_snapshots):
        # the count of every snapshot the caption is shown over, bridged ones too: it must agree with each frame's
        span = captured[lo : hi + 1]
        seen = span[np.isfinite(span)].astype(int)
        count = f"{seen.min()}" if seen.min() == seen.max() else f"{seen.min()}–{seen.max()}"
        out.append(
            Event("collapse", int(steps[lo]), int(steps[hi]), f"mode collapse: {count} of {n_classes} classes captured")
        )
    return out


def _hops(steps, top, share, ready, th: ClassThresholds) -> list[Event]:
    """A new top class, holding > hop_share for hop_persist snapshots, after another one did: an event over those
    snapshots, where the class bars show the new class on top with that share."""
    with np.errstate(invalid="ignore"):
        strong = np.isfinite(top) & (share > th.hop_share) & ready
    out, last, last_t = [], -1, -1
    for t in range(len(top)):
        if not strong[t]:
            continue
        cls = int(top[t])
        if cls == last:
            last_t = t
            continue
        window = slice(t, t + th.hop_persist)
        if t + th.hop_persist <= len(top) and strong[window].all() and (top[window] == cls).all():
            if last >= 0:  # shown while the new class holds the top (the bars show it), not since the old one led:
                # a caption over [last_t, t] claimed class 7 "took over" on frames where its bar was empty (issue 19)
                end = min(t + th.hop_persist - 1, len(top) - 1)
                caption = (
                    f"mode hop: class {cls} takes over ({share[t]:.0%} of the samples; "
                    f"class {last} led until step {int(steps[last_t]):,})"
                )
                out.append(Event("mode_hop", int(steps[t]), int(steps[end]), caption))
            last, last_t = cls, t
    return out


def detect_class_events(
    steps, series: dict[str, np.ndarray], n_classes: int, thresholds: ClassThresholds = ClassThresholds()
) -> list[Event]:
    """collapse and mode_hop events of an image recording's class series (absent series: no events), by start."""
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    get = lambda name: np.asarray(series[name], dtype=np.float64) if name in series else np.full(len(steps), np.nan)  # noqa: E731
    if "classes_captured" not in series or n_classes < 2:
        return []
    ready = found_data(get("class_confidence"), get("frechet"))
    events = _collapse(steps, get("classes_captured"), ready, n_classes, thresholds)
    events += _hops(steps, get("top_class"), get("top_share"), ready, thresholds)
    return sorted(events, key=lambda e: (e.start, e.end))


__all__ = ["ClassThresholds", "FOUND_DATA", "RECOGNISED", "detect_class_events", "found_data"]
