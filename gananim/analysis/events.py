"""Moments worth a caption in any GAN's game, found in a run's per-snapshot series: vanishing gradients,
convergence, divergence; and the Event record every kind's rules produce (the points kind adds mode hops, collapse
and sway in gananim.kinds.points.events; the images kind class collapse and hops in gananim.kinds.images.events).

`detect_events` reads plain arrays (one value per snapshot), so its rules can be tested on synthetic series. Series
it reads, by name: `d_real`, `d_fake`, `value`, `g_grad_norm`, `nonfinite_share` (the recorder writes these);
`js`, `outside_share` (a kind's metrics, where it has them). A rule whose series are absent is skipped. Every
threshold is a field of `Thresholds`.

The least-squares game with raw scores (gananim.recording.game: its recordings hold `ls_value`, LSGAN's D objective,
and D's raw means as `d_real`, `d_fake`) converges at d_real ≈ d_fake ≈ ½ and ls_value ≈ ¼. The vanishing-gradient
rule is not run there: its premise is the sigmoid's saturation (a confident classifier's log(1 − D) goes flat), and
LSGAN's point is that its loss, (D(G(z)) − 1)², keeps pulling a fake sample that D scores far from 1, however
confident D is (Mao et al. 2017, §3.2): D(real) − D(fake) ≥ gap is no sign of a vanishing gradient in that game.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from gananim.errors import GananimError
from gananim.recording.game import LS_OPTIMUM

KINDS = ("vanishing_gradient", "convergence", "divergence")  # the game's events, in their order at equal steps
OPTIMUM_VALUE = -2 * np.log(2)  # V(G, D*) at p_g = p_data (Goodfellow et al. 2014)

Span = tuple[int, int, str]  # first and last snapshot index of a detection, and its caption


@dataclass
class Event:
    """Something that happened between training steps `start` and `end` (inclusive), with a caption to show."""

    kind: str
    start: int
    end: int
    caption: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Event":
        try:
            return cls(kind=str(d["kind"]), start=int(d["start"]), end=int(d["end"]), caption=str(d["caption"]))
        except (KeyError, TypeError, ValueError) as e:
            raise GananimError(f"an event needs kind, start, end and caption; got {d!r} ({e})") from None


@dataclass(frozen=True)
class Thresholds:
    """The rules' thresholds; lengths count snapshots."""

    merge_gap: int = 2  # detections of one kind at most this many snapshots apart become one event
    vanish_fraction: float = 0.1  # vanishing_gradient: ‖∇G‖ ≤ this × its running median, or ...
    vanish_floor: float = 1e-6  # ... ≤ this absolute floor, ...
    confident_gap: float = 0.8  # ... while D(real) − D(fake) ≥ this, ...
    vanish_snapshots: int = 3  # ... for at least this many snapshots
    vanish_window: int = 50  # the running median spans the last this-many snapshots whose gradient was not low ...
    vanish_warmup: int = 5  # ... and is trusted once it has this many; or ≤ vanish_fraction × the run's
    vanish_high_quantile: float = 0.95  # ... this quantile of ‖∇G‖ (its level when D is not confident)
    converge_tol: float = 0.05  # convergence: |D(real) − ½|, |D(fake) − ½| and |V + 2 log 2| all below this ...
    converge_js: float = 0.2  # ... and, where js exists, JS(data, G) ≤ this (nats): an untrained D sits at ½ too ...
    converge_snapshots: int = 5  # ... for at least this many snapshots ...
    converge_learned: float = 0.1  # ... and, where no js is recorded, after D(real) − D(fake) first reached this
    outside_limit: float = 0.5  # divergence: any NaN/inf sample, or more than this share of samples outside the view


def percent(share: float) -> str:
    """A share as a caption's whole percent, never a misleading "0%"."""
    return f"{share:.0%}" if share >= 0.01 else "<1%"


def flag_runs(mask: np.ndarray, gap: int, min_count: int) -> list[tuple[int, int]]:
    """Spans of flagged snapshots, bridging gaps of ≤ gap unflagged ones, that hold ≥ min_count flagged snapshots."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    firsts, lasts = np.r_[0, breaks + 1], np.r_[breaks, len(idx) - 1]
    return [(int(idx[a]), int(idx[b])) for a, b in zip(firsts, lasts) if b - a + 1 >= min_count]


def groups(spans: list[tuple[int, int]], gap: int) -> list[list[int]]:
    """Indices of spans grouped, in order of start, where a span begins within gap snapshots of its group's end."""
    groups: list[list[int]] = []
    end = 0
    for k in sorted(range(len(spans)), key=lambda k: spans[k]):
        lo, hi = spans[k]
        if groups and lo - end <= gap + 1:
            groups[-1].append(k)
            end = max(end, hi)
        else:
            groups.append([k])
            end = hi
    return groups


def _vanishing(g: np.ndarray, d_real: np.ndarray, d_fake: np.ndarray, th: Thresholds) -> list[Span]:
    """vanishing_gradient events: ‖∇G‖ tiny against its recent healthy level, the run's high level (a D confident
    from the start never lets G see a healthy gradient: seeds/004's strong D), or a floor, while D is confident."""
    with np.errstate(invalid="ignore"):
        confident = d_real - d_fake >= th.confident_gap
    finite = g[np.isfinite(g)]
    high = np.quantile(finite, th.vanish_high_quantile) if len(finite) else np.nan
    healthy: list[float] = []
    mask = np.zeros(len(g), dtype=bool)
    for t, value in enumerate(g):
        if not np.isfinite(value):
            continue
        usual = np.median(healthy[-th.vanish_window :]) if len(healthy) >= th.vanish_warmup else np.nan
        low = value <= th.vanish_floor or value <= th.vanish_fraction * usual or value <= th.vanish_fraction * high
        mask[t] = low and confident[t]
        if not low:
            healthy.append(float(value))
    return [
        (lo, hi, "vanishing gradients: D is confident, G barely moves")
        for lo, hi in flag_runs(mask, th.merge_gap, th.vanish_snapshots)
    ]


def _convergence(
    d_real: np.ndarray,
    d_fake: np.ndarray,
    value: np.ndarray,
    js: np.ndarray,
    th: Thresholds,
    optimum: float = OPTIMUM_VALUE,
    optimum_name: str = "−2 log 2",
) -> list[Span]:
    """convergence events: D ≈ ½ on real and fake and the value at its optimum (V ≈ −2 log 2, Goodfellow's; LSGAN's D
    objective ≈ ¼) with the generator near the data, for long enough. Where no js says how near (not recorded: an image run without a classifier), only
    once D has told real from fake at least once: an untrained D sits at ½ too, and a cDCGAN's first 100 steps of
    noise were captioned "converged"."""
    with np.errstate(invalid="ignore"):
        learned = np.maximum.accumulate(np.nan_to_num(d_real - d_fake) >= th.converge_learned)
        mask = (
            (np.abs(d_real - 0.5) < th.converge_tol)
            & (np.abs(d_fake - 0.5) < th.converge_tol)
            & (np.abs(value - optimum) < th.converge_tol)
            & ~(js > th.converge_js)
            & (np.isfinite(js) | learned)
        )
    return [
        (lo, hi, f"converged: D ≈ ½ and {'V' if optimum == OPTIMUM_VALUE else 'L_D'} ≈ {optimum_name}")
        for lo, hi in flag_runs(mask, th.merge_gap, th.converge_snapshots)
    ]


def _divergence(nonfinite: np.ndarray, outside: np.ndarray, th: Thresholds) -> list[Span]:
    """divergence events: any NaN/inf sample, or most samples outside the view box."""
    with np.errstate(invalid="ignore"):
        mask = (nonfinite > 0) | (outside > th.outside_limit)
    out = []
    for lo, hi in flag_runs(mask, th.merge_gap, 1):
        bad = nonfinite[lo : hi + 1]
        share, what = (
            (bad, "are NaN/inf") if np.nanmax(bad, initial=0.0) > 0 else (outside[lo : hi + 1], "left the view")
        )
        # A span's snapshots differ (merged runs, samples coming back): its worst is "up to", or a frame at the
        # span's end, still captioned, would say "100% left the view" over samples in plain sight.
        share = share[np.isfinite(share)]
        worst = float(share.max()) if share.size else 0.0
        up_to = "up to " if share.size and worst - share.min() > 0.05 else ""
        out.append((lo, hi, f"divergence: {up_to}{percent(worst)} of samples {what}"))
    return out


def series_of(steps: np.ndarray, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The series as float arrays, one value per step."""
    out = {}
    for name, values in series.items():
        values = np.asarray(values, dtype=np.float64)
        if values.shape != steps.shape:
            raise GananimError(f"series {name!r} has shape {values.shape}; it needs one value per step ({len(steps)})")
        out[name] = values
    return out


def detect_events(steps, series: dict[str, np.ndarray], *, thresholds: Thresholds = Thresholds()) -> list[Event]:
    """The game's events in per-snapshot series, sorted by start (then end, then KINDS' order)."""
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    return to_events(steps, game_spans(series_of(steps, series), thresholds), KINDS)


def game_spans(s: dict[str, np.ndarray], th: Thresholds) -> dict[str, list[Span]]:
    """The game's rules on float series (`series_of`), as spans by event kind."""
    missing = np.full(len(next(iter(s.values()))) if s else 0, np.nan)
    spans: dict[str, list[Span]] = {}
    least_squares = "ls_value" in s  # LSGAN's raw scores: no vanishing-gradient rule (see the module's docstring)
    if {"g_grad_norm", "d_real", "d_fake"} <= s.keys() and not least_squares:
        spans["vanishing_gradient"] = _vanishing(s["g_grad_norm"], s["d_real"], s["d_fake"], th)
    if {"d_real", "d_fake"} <= s.keys() and least_squares:
        spans["convergence"] = _convergence(
            s["d_real"], s["d_fake"], s["ls_value"], s.get("js", missing), th, LS_OPTIMUM, "¼"
        )
    elif {"d_real", "d_fake", "value"} <= s.keys():
        spans["convergence"] = _convergence(s["d_real"], s["d_fake"], s["value"], s.get("js", missing), th)
    if "nonfinite_share" in s or "outside_share" in s:
        spans["divergence"] = _divergence(s.get("nonfinite_share", missing), s.get("outside_share", missing), th)
    return spans


def to_events(steps: np.ndarray, spans: dict[str, list[Span]], order: tuple[str, ...]) -> list[Event]:
    """Spans (snapshot indices) as Events at their training steps, sorted by start, end, then the kinds' `order`."""
    events = [
        Event(kind, int(steps[lo]), int(steps[hi]), caption)
        for kind, found in spans.items()
        for lo, hi, caption in found
    ]
    return sorted(events, key=lambda e: (e.start, e.end, order.index(e.kind)))


def timeline(events: list[Event]) -> list[str]:
    """Events as lines for a terminal: step range, kind, caption."""
    return [f"{e.start:>8,}–{e.end:<8,} {e.kind:<19} {e.caption}" for e in events]
