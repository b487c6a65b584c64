"""Moments worth a caption, found in a run's per-snapshot series: mode hops, collapse, sway, vanishing
gradients, convergence, divergence.

`detect_events` reads plain arrays (one value per snapshot), so its rules can be tested on synthetic series;
gananim.analysis.analyser feeds it a recording's scalars plus the metrics of gananim.analysis.metrics. Series it reads, by name:
`d_real`, `d_fake`, `value`, `g_grad_norm`, `nonfinite_share` (the recorder writes these); `modes_captured`,
`hq_share`, `js`, `mode_share_0` … `mode_share_<K-1>`, `centroid_x`, `centroid_y`, `outside_share`
(gananim.analysis.metrics defines these). A rule whose series are absent is skipped. Every threshold is a field of
`Thresholds`. Captions number modes from 0, in the order of the recording's modes (and of `mode_share_<k>`): the
numbers the views draw beside the modes' × marks. Given the modes' places, 1D captions also say where each mode
is ("mode 0 (x = −0.25)"), since a 1D figure has no room for numbers beside its modes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from gananim.analysis.metrics import CENTROID, MODE_SHARE
from gananim.errors import GananimError

KINDS = ("mode_hop", "collapse", "sway", "vanishing_gradient", "convergence", "divergence")
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
    hop_shift: float = (
        0.2  # mode_hop: a mode's share falls by ≥ this while another's rises by ≥ this, snapshot to snapshot
    )
    hop_margin: float = 0.1  # mode_hop: a mode dominates when its share beats the runner-up's by ≥ this
    hop_persist: int = 2  # mode_hop: a new dominant mode counts once it holds for this many snapshots
    collapse_fraction: float = 0.25  # collapse: 1 ≤ modes captured ≤ max(1, this × n_modes) ...
    collapse_hq: float = (
        0.3  # ... and, where hq_share exists, ≥ this share high quality (else G has not found the data) ...
    )
    collapse_snapshots: int = 5  # ... for at least this many snapshots
    sway_amplitude: float = 0.05  # sway: each swing of the centroid spans ≥ this × the view's largest side ...
    sway_noise: float = 8.0  # ... and ≥ this × its noise level (robust sd of snapshot-to-snapshot changes / √2) ...
    sway_reversals: int = 4  # ... with at least this many reversals in a row ...
    sway_regularity: float = 2.0  # ... each half-period and swing within this factor of the run's medians ...
    sway_coherence: float = 0.6  # ... and each swing's net move ≥ this × the distance travelled along it
    vanish_fraction: float = 0.1  # vanishing_gradient: ‖∇G‖ ≤ this × its running median, or ...
    vanish_floor: float = 1e-6  # ... ≤ this absolute floor, ...
    confident_gap: float = 0.8  # ... while D(real) − D(fake) ≥ this, ...
    vanish_snapshots: int = 3  # ... for at least this many snapshots
    vanish_window: int = 50  # the running median spans the last this-many snapshots whose gradient was not low ...
    vanish_warmup: int = 5  # ... and is trusted once it has this many; or ≤ vanish_fraction × the run's
    vanish_high_quantile: float = 0.95  # ... this quantile of ‖∇G‖ (its level when D is not confident)
    converge_tol: float = 0.05  # convergence: |D(real) − ½|, |D(fake) − ½| and |V + 2 log 2| all below this ...
    converge_js: float = 0.2  # ... and, where js exists, JS(data, G) ≤ this (nats): an untrained D sits at ½ too ...
    converge_snapshots: int = 5  # ... for at least this many snapshots
    outside_limit: float = 0.5  # divergence: any NaN/inf sample, or more than this share of samples outside the view


def _percent(share: float) -> str:
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


def _groups(spans: list[tuple[int, int]], gap: int) -> list[list[int]]:
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


def _mode_shares(series: dict[str, np.ndarray]) -> np.ndarray | None:
    """The per-mode shares mode_share_0, mode_share_1, … stacked as (T, K); None without any."""
    columns = []
    while MODE_SHARE.format(len(columns)) in series:
        columns.append(series[MODE_SHARE.format(len(columns))])
    return np.stack(columns, axis=1) if columns else None


def _dominant(shares: np.ndarray, margin: float) -> np.ndarray:
    """Each snapshot's dominant mode, -1 where no mode beats the runner-up by margin (or a share is missing)."""
    top = np.sort(shares, axis=1)
    clear = np.isfinite(shares).all(axis=1) & (top[:, -1] - top[:, -2] >= margin)
    return np.where(clear, np.argmax(np.nan_to_num(shares, nan=-np.inf), axis=1), -1)


def _hops(shares: np.ndarray, th: Thresholds) -> list[tuple[int, int, int, int]]:
    """(first, last snapshot, from mode, to mode) of each abrupt share shift and each lasting change of dominant mode."""
    delta = np.nan_to_num(np.diff(shares, axis=0))
    shift = (delta.min(axis=1) <= -th.hop_shift) & (delta.max(axis=1) >= th.hop_shift)
    hops = [(t, t + 1, int(delta[t].argmin()), int(delta[t].argmax())) for t in map(int, np.flatnonzero(shift))]
    dominant = _dominant(shares, th.hop_margin)
    last, last_t = -1, -1
    for t, mode in enumerate(dominant):
        if mode < 0:
            continue
        if mode == last:
            last_t = t
        elif t + th.hop_persist <= len(dominant) and (dominant[t : t + th.hop_persist] == mode).all():
            if last >= 0:
                hops.append((last_t, t, int(last), int(mode)))
            last, last_t = mode, t
    return hops


def mode_names(n_modes: int, modes: np.ndarray | None = None) -> list[str]:
    """How captions name the modes: "mode k", numbered as drawn; in 1D with the places given, "mode k (x = v)"."""
    modes = None if modes is None else np.asarray(modes, dtype=np.float64)
    if modes is None or modes.ndim != 2 or modes.shape != (n_modes, 1):
        return [f"mode {k}" for k in range(n_modes)]
    return [f"mode {k} (x = {v:.3g})".replace("-", "−") for k, v in enumerate(modes[:, 0])]


def _mode_hop(shares: np.ndarray, names: list[str], th: Thresholds) -> list[Span]:
    """mode_hop events: hops within merge_gap of each other become one, captioned with the path of the mass."""
    hops = _hops(shares, th)
    out = []
    for group in _groups([(h[0], h[1]) for h in hops], th.merge_gap):
        members = sorted(hops[k] for k in group)
        path = [members[0][2]]
        for _, _, _, dst in members:
            if dst != path[-1]:
                path.append(dst)
        named = [names[m] if m not in path[:j] else f"mode {m}" for j, m in enumerate(path)]  # a place only once
        then = "".join(f", then to {n}" for n in named[2:])
        out.append(
            (members[0][0], max(h[1] for h in members), f"mode hop: mass moves from {named[0]} to {named[1]}{then}")
        )
    return out


def _collapse(captured: np.ndarray, hq_share: np.ndarray, n_modes: int, quality: str, th: Thresholds) -> list[Span]:
    """collapse events: the high-quality samples sit on at least one but at most max(1, collapse_fraction × n_modes)
    modes, long enough; a NaN hq_share (not recorded) does not veto."""
    limit = max(1, int(th.collapse_fraction * n_modes))
    with np.errstate(invalid="ignore"):
        mask = (captured >= 1) & (captured <= limit) & ~(hq_share < th.collapse_hq)
    out = []
    for lo, hi in flag_runs(mask, th.merge_gap, th.collapse_snapshots):
        seen = captured[lo : hi + 1][mask[lo : hi + 1]].astype(int)
        count = f"{seen.min()}" if seen.min() == seen.max() else f"{seen.min()}–{seen.max()}"
        hq = hq_share[lo : hi + 1][mask[lo : hi + 1]]  # never the count alone: how much of the mass it stands for
        share = f" ({_percent(np.nanmedian(hq))} of samples {quality})" if np.isfinite(hq).any() else ""
        out.append((lo, hi, f"mode collapse: {count} of {n_modes} modes captured{share}"))
    return out


def _reversals(x: np.ndarray, h: float) -> list[int]:
    """Indices where x turns back after moving ≥ h each way (a zigzag with hysteresis h, so noise below h is ignored)."""
    turns: list[int] = []
    direction, low, high = 0, -1, -1  # before the first ≥ h move, low/high track the extremes so far
    for i, v in enumerate(x):
        if not np.isfinite(v):
            continue
        if low < 0:
            low = high = i
        elif direction == 0:
            low, high = (i, high) if v < x[low] else (low, i) if v > x[high] else (low, high)
            if x[high] - x[low] >= h:
                direction = 1 if high > low else -1
        elif direction > 0:
            if v > x[high]:
                high = i
            elif x[high] - v >= h:
                turns.append(high)
                direction, low = -1, i
        else:
            if v < x[low]:
                low = i
            elif v - x[low] >= h:
                turns.append(low)
                direction, high = 1, i
    return turns


def _regular_chains(x: np.ndarray, turns: np.ndarray, times: np.ndarray, th: Thresholds) -> list[list[int]]:
    """Runs of consecutive reversals joined by coherent swings whose durations and sizes stay within the factor
    sway_regularity of the run's medians: a periodic back-and-forth, unlike the reversals of a wandering centroid."""
    chains: list[list[int]] = [[0]] if len(turns) else []
    within = lambda a, b: max(a, b) <= th.sway_regularity * min(a, b)  # noqa: E731
    for j in range(1, len(turns)):
        chain = chains[-1]
        path = x[turns[j - 1] : turns[j] + 1]
        swing = abs(x[turns[j]] - x[turns[j - 1]])
        coherent = swing >= th.sway_coherence * np.nansum(np.abs(np.diff(path)))
        if coherent and (
            len(chain) == 1
            or (
                within(times[j] - times[j - 1], np.median(np.diff(times[chain])))
                and within(swing, np.median(np.abs(np.diff(x[turns[chain]]))))
            )
        ):
            chain.append(j)
        else:
            chains.append([j] if not coherent else [j - 1, j])
    return chains


def _swing_threshold(x: np.ndarray, size: float, th: Thresholds) -> float:
    """The least swing that counts: sway_amplitude × the view, or sway_noise × the series' noise if that is larger."""
    changes = np.diff(x[np.isfinite(x)])
    noise = 1.4826 * np.median(np.abs(changes)) / np.sqrt(2) if len(changes) else 0.0
    return max(th.sway_amplitude * size, th.sway_noise * noise)


def _sway(steps: np.ndarray, centroid: list[np.ndarray], size: float, th: Thresholds) -> list[Span]:
    """sway events: the centroid reverses ≥ sway_reversals times in a row, regularly, each swing large (see Thresholds)."""
    found: list[tuple[int, int, float]] = []
    for x in centroid:
        turns = np.array(_reversals(x, _swing_threshold(x, size, th)), dtype=int)
        for chain in _regular_chains(x, turns, steps[turns], th):
            if len(chain) >= th.sway_reversals:
                first, last = turns[chain[0]], turns[chain[-1]]
                found.append((int(first), int(last), 2 * float(np.median(np.diff(steps[turns[chain]])))))
    out = []
    for group in _groups([(lo, hi) for lo, hi, _ in found], th.merge_gap):
        period = float(np.median([found[k][2] for k in group]))
        out.append(
            (
                min(found[k][0] for k in group),
                max(found[k][1] for k in group),
                f"sway: samples swing back and forth (period ≈ {period:.0f} steps)",
            )
        )
    return out


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
    d_real: np.ndarray, d_fake: np.ndarray, value: np.ndarray, js: np.ndarray, th: Thresholds
) -> list[Span]:
    """convergence events: D ≈ ½ on real and fake and V ≈ −2 log 2 (the Goodfellow optimum) with the generator near
    the data (a NaN js, not recorded, does not veto), for long enough."""
    with np.errstate(invalid="ignore"):
        mask = (
            (np.abs(d_real - 0.5) < th.converge_tol)
            & (np.abs(d_fake - 0.5) < th.converge_tol)
            & (np.abs(value - OPTIMUM_VALUE) < th.converge_tol)
            & ~(js > th.converge_js)
        )
    return [
        (lo, hi, "converged: D ≈ ½ and V ≈ −2 log 2") for lo, hi in flag_runs(mask, th.merge_gap, th.converge_snapshots)
    ]


def _divergence(nonfinite: np.ndarray, outside: np.ndarray, th: Thresholds) -> list[Span]:
    """divergence events: any NaN/inf sample, or most samples outside the view box."""
    with np.errstate(invalid="ignore"):
        mask = (nonfinite > 0) | (outside > th.outside_limit)
    out = []
    for lo, hi in flag_runs(mask, th.merge_gap, 1):
        worst = np.nanmax(nonfinite[lo : hi + 1], initial=0.0)
        caption = (
            f"{_percent(worst)} of samples are NaN/inf"
            if worst > 0
            else f"{_percent(np.nanmax(outside[lo : hi + 1]))} of samples left the view"
        )
        out.append((lo, hi, f"divergence: {caption}"))
    return out


def _series(steps: np.ndarray, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The series as float arrays, one value per step."""
    out = {}
    for name, values in series.items():
        values = np.asarray(values, dtype=np.float64)
        if values.shape != steps.shape:
            raise GananimError(f"series {name!r} has shape {values.shape}; it needs one value per step ({len(steps)})")
        out[name] = values
    return out


def detect_events(
    steps,
    series: dict[str, np.ndarray],
    *,
    n_modes: int | None = None,
    view_size: float = 1.0,
    modes: np.ndarray | None = None,
    quality: str = "high quality",
    thresholds: Thresholds = Thresholds(),
) -> list[Event]:
    """Events in per-snapshot series, sorted by start; n_modes (else the count of mode shares) and the view's
    largest side set the collapse limit and the sway amplitude; the modes' places (K, dim) name 1D modes; `quality`
    says what `hq_share` counts, in captions ("high quality": within 3σ; gananim.analysis.analyser passes the 1σ
    alternative where the 3σ protocol does not apply)."""
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    s, th = _series(steps, series), thresholds
    missing = np.full(len(steps), np.nan)
    spans: dict[str, list[Span]] = {}
    shares = _mode_shares(s)
    if shares is not None and shares.shape[1] >= 2:
        spans["mode_hop"] = _mode_hop(shares, mode_names(shares.shape[1], modes), th)
    n_modes = n_modes or (shares.shape[1] if shares is not None else 0)
    if "modes_captured" in s and n_modes >= 2:
        spans["collapse"] = _collapse(s["modes_captured"], s.get("hq_share", missing), n_modes, quality, th)
    if CENTROID[0] in s:
        spans["sway"] = _sway(steps, [s[n] for n in CENTROID if n in s], view_size, th)
    if {"g_grad_norm", "d_real", "d_fake"} <= s.keys():
        spans["vanishing_gradient"] = _vanishing(s["g_grad_norm"], s["d_real"], s["d_fake"], th)
    if {"d_real", "d_fake", "value"} <= s.keys():
        spans["convergence"] = _convergence(s["d_real"], s["d_fake"], s["value"], s.get("js", missing), th)
    if "nonfinite_share" in s or "outside_share" in s:
        spans["divergence"] = _divergence(s.get("nonfinite_share", missing), s.get("outside_share", missing), th)
    events = [
        Event(kind, int(steps[lo]), int(steps[hi]), caption)
        for kind, found in spans.items()
        for lo, hi, caption in found
    ]
    return sorted(events, key=lambda e: (e.start, e.end, KINDS.index(e.kind)))


def timeline(events: list[Event]) -> list[str]:
    """Events as lines for a terminal: step range, kind, caption."""
    return [f"{e.start:>8,}–{e.end:<8,} {e.kind:<19} {e.caption}" for e in events]
