"""The points kind's events, found in a run's per-snapshot series beside the game's (gananim.analysis.events): mode
hops, collapse and sway.

Series they read, by name (gananim.kinds.points.metrics defines them): `modes_captured`, `hq_share`,
`mode_share_0` … `mode_share_<K-1>`, `centroid_x`, `centroid_y`. A rule whose series are absent is skipped. Every
threshold is a field of `ModeThresholds`. Captions number modes from 0, in the order of the recording's modes (and
of `mode_share_<k>`): the numbers the views draw beside the modes' × marks. Given the modes' places, 1D captions
also say where each mode is ("mode 0 (x = −0.25)"), since a 1D figure has no room for numbers beside its modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.analysis import events as game
from gananim.analysis.events import Event, Span, Thresholds, flag_runs, groups, percent
from gananim.kinds.points.metrics import CENTROID, MODE_SHARE

KINDS = ("mode_hop", "collapse", "sway")  # before the game's at equal steps
HELD = 0.5  # a mode is held where its share in the protocol's window is at least this × the real data's own share
# there (the bench's "held cluster", bench/preset_claims.py): a caption names a mode only where the frame shows it


@dataclass(frozen=True)
class ModeThresholds:
    """The mode rules' thresholds; lengths count snapshots (merge_gap is the game's, Thresholds.merge_gap)."""

    merge_gap: int = Thresholds().merge_gap  # detections of one kind at most this many snapshots apart become one event
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


def _hops(shares: np.ndarray, th: ModeThresholds) -> list[tuple[int, int, int, int]]:
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


def _mode_hop(shares: np.ndarray, names: list[str], th: ModeThresholds, held: np.ndarray | None = None) -> list[Span]:
    """mode_hop events: hops within merge_gap of each other become one, captioned with the path of the mass. With
    `held` (snapshots, K), a hop counts only if its source mode is held where it starts and its destination where it
    ends: shares that shift while the mass is nowhere near the modes (a band sweeping past them) are no hop."""
    hops = [h for h in _hops(shares, th) if held is None or (held[h[0], h[2]] and held[h[1], h[3]])]
    out = []
    for group in groups([(h[0], h[1]) for h in hops], th.merge_gap):
        members = sorted(hops[k] for k in group)
        path = [members[0][2]]
        # the path in order of arrival: a change of dominant mode spans from the old mode's last snapshot to the new
        # one's first, so it can start before abrupt shifts that land inside it (ring8-metz: 2 → 5 spanning the
        # 6 → 0 shift was captioned "from 2 to 5, then to 0" while the mass ended on 5)
        for _, _, _, dst in sorted(members, key=lambda h: (h[1], h[0])):
            if dst != path[-1]:
                path.append(dst)
        named = [names[m] if m not in path[:j] else f"mode {m}" for j, m in enumerate(path)]  # a place only once
        then = "".join(f", then to {n}" for n in named[2:])
        out.append(
            (members[0][0], max(h[1] for h in members), f"mode hop: mass moves from {named[0]} to {named[1]}{then}")
        )
    return out


def _collapse(
    captured: np.ndarray, hq_share: np.ndarray, n_modes: int, quality: str, th: ModeThresholds, on_modes: np.ndarray
) -> list[Span]:
    """collapse events: the high-quality samples sit on at least one but at most max(1, collapse_fraction × n_modes)
    modes, long enough, where some mode is held (`on_modes`); a NaN hq_share (not recorded) does not veto."""
    limit = max(1, int(th.collapse_fraction * n_modes))
    with np.errstate(invalid="ignore"):
        mask = (captured >= 1) & (captured <= limit) & ~(hq_share < th.collapse_hq) & on_modes
    out = []
    for lo, hi in flag_runs(mask, th.merge_gap, th.collapse_snapshots):
        seen = captured[lo : hi + 1][mask[lo : hi + 1]].astype(int)
        count = f"{seen.min()}" if seen.min() == seen.max() else f"{seen.min()}–{seen.max()}"
        hq = hq_share[lo : hi + 1][mask[lo : hi + 1]]  # never the count alone: how much of the mass it stands for
        share = f" ({percent(np.nanmedian(hq))} of samples {quality})" if np.isfinite(hq).any() else ""
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


def _regular_chains(x: np.ndarray, turns: np.ndarray, times: np.ndarray, th: ModeThresholds) -> list[list[int]]:
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


def _swing_threshold(x: np.ndarray, size: float, th: ModeThresholds) -> float:
    """The least swing that counts: sway_amplitude × the view, or sway_noise × the series' noise if that is larger."""
    changes = np.diff(x[np.isfinite(x)])
    noise = 1.4826 * np.median(np.abs(changes)) / np.sqrt(2) if len(changes) else 0.0
    return max(th.sway_amplitude * size, th.sway_noise * noise)


def _sway(steps: np.ndarray, centroid: list[np.ndarray], size: float, th: ModeThresholds) -> list[Span]:
    """sway events: the centroid reverses ≥ sway_reversals times in a row, regularly, each swing large (see Thresholds)."""
    found: list[tuple[int, int, float]] = []
    for x in centroid:
        turns = np.array(_reversals(x, _swing_threshold(x, size, th)), dtype=int)
        for chain in _regular_chains(x, turns, steps[turns], th):
            if len(chain) >= th.sway_reversals:
                first, last = turns[chain[0]], turns[chain[-1]]
                found.append((int(first), int(last), 2 * float(np.median(np.diff(steps[turns[chain]])))))
    out = []
    for group in groups([(lo, hi) for lo, hi, _ in found], th.merge_gap):
        period = float(np.median([found[k][2] for k in group]))
        out.append(
            (
                min(found[k][0] for k in group),
                max(found[k][1] for k in group),
                f"sway: samples swing back and forth (period ≈ {period:.0f} steps)",
            )
        )
    return out


def mode_spans(
    steps: np.ndarray,
    s: dict[str, np.ndarray],
    *,
    n_modes: int | None,
    view_size: float,
    modes: np.ndarray | None,
    quality: str,
    th: ModeThresholds,
    held: np.ndarray | None = None,
) -> dict[str, list[Span]]:
    """The mode rules on float series, as spans by event kind; n_modes (else the count of mode shares) and the view's
    largest side set the collapse limit and the sway amplitude; the modes' places (K, dim) name 1D modes."""
    spans: dict[str, list[Span]] = {}
    missing = np.full(len(steps), np.nan)
    shares = _mode_shares(s)
    if shares is not None and shares.shape[1] >= 2:
        spans["mode_hop"] = _mode_hop(shares, mode_names(shares.shape[1], modes), th, held)
    n_modes = n_modes or (shares.shape[1] if shares is not None else 0)
    if "modes_captured" in s and n_modes >= 2:
        on_modes = held.any(axis=1) if held is not None else np.ones(len(steps), dtype=bool)
        spans["collapse"] = _collapse(s["modes_captured"], s.get("hq_share", missing), n_modes, quality, th, on_modes)
    if CENTROID[0] in s:
        spans["sway"] = _sway(steps, [s[n] for n in CENTROID if n in s], view_size, th)
    return spans


def detect_events(
    steps,
    series: dict[str, np.ndarray],
    *,
    n_modes: int | None = None,
    view_size: float = 1.0,
    modes: np.ndarray | None = None,
    quality: str = "high quality",
    thresholds: ModeThresholds = ModeThresholds(),
    game_thresholds: Thresholds = Thresholds(),
    held: np.ndarray | None = None,
) -> list[Event]:
    """A points run's events (the mode rules' and the game's) in per-snapshot series, sorted by start; `quality`
    says what `hq_share` counts, in captions ("high quality": within 3σ; the points analysis passes the 1σ
    alternative where the 3σ protocol does not apply); `held` (snapshots, K): whether each mode is held, where the
    caller knows (gananim.kinds.points.analysis.held_modes): hops and collapses only where the frame shows them."""
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    s = game.series_of(steps, series)
    spans = mode_spans(
        steps, s, n_modes=n_modes, view_size=view_size, modes=modes, quality=quality, th=thresholds, held=held
    )
    spans |= game.game_spans(s, game_thresholds)
    return game.to_events(steps, spans, KINDS + game.KINDS)


__all__ = ["HELD", "KINDS", "ModeThresholds", "detect_events", "mode_names", "mode_spans"]
