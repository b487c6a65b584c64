"""Event rules on synthetic series with events planted at known steps, scored by precision and recall."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gananim.analysis.events import KINDS as GAME_KINDS
from gananim.analysis.events import OPTIMUM_VALUE, Event, timeline
from gananim.kinds.points.events import KINDS as MODE_KINDS
from gananim.kinds.points.events import ModeThresholds, detect_events, mode_names
from gananim.kinds.points.metrics import MODE_SHARE

KINDS = MODE_KINDS + GAME_KINDS  # every event a points recording can have

T = 400  # snapshots per synthetic run
EVERY = 10  # training steps between snapshots
N_MODES = 8
VIEW = 4.0  # the view box's largest side
RUNS = 20  # synthetic runs per kind
STEPS = 1000 + EVERY * np.arange(T)

Planted = list[tuple[int, int]]  # first and last snapshot index of each planted event


def _windows(rng, count: int, lengths: tuple[int, int], taken: list[tuple[int, int]], margin: int = 12) -> Planted:
    """`count` random index windows with lengths in [lo, hi], clear of each other and of `taken` by `margin`."""
    out: Planted = []
    for _ in range(10_000):
        if len(out) == count:
            return out
        length = int(rng.integers(lengths[0], lengths[1] + 1))
        lo = int(rng.integers(15, T - length - 5))
        hi = lo + length - 1
        if all(hi + margin < a or lo > b + margin for a, b in taken + out):
            out.append((lo, hi))
    raise AssertionError("no room left for another planted window")


def _background(rng) -> dict[str, np.ndarray]:
    """A healthy run that has not converged: D mildly ahead, gradients alive, modes covered, samples still."""
    noise = lambda sd: rng.normal(0, sd, T)  # noqa: E731
    shares = np.clip(rng.normal(0.9 / N_MODES, 0.02, (T, N_MODES)), 0, 1)
    captured = rng.integers(5, N_MODES + 1, T).astype(float)
    captured[:10] = 0  # at the start no sample is near a mode yet: not a collapse
    return {
        "d_real": 0.65 + noise(0.03),
        "d_fake": 0.35 + noise(0.03),
        "value": -1.0 + noise(0.05),
        "g_grad_norm": np.exp(noise(0.3)),
        "nonfinite_share": np.zeros(T),
        "outside_share": np.clip(0.03 + noise(0.02), 0, 1),
        "modes_captured": captured,
        "hq_share": np.clip(0.8 + noise(0.05), 0, 1),
        "js": 0.4 + noise(0.05),
        **{MODE_SHARE.format(k): shares[:, k] for k in range(N_MODES)},
        "centroid_x": 0.002 * VIEW * np.arange(T) / T * 10 + noise(0.005 * VIEW),
        "centroid_y": noise(0.005 * VIEW),
    }


def _plant_mode_hop(rng, s) -> Planted:
    """The dominant mode (share 0.5) hands its mass to another, abruptly or over up to 6 snapshots; small blips as decoys."""
    times = sorted(lo for lo, _ in _windows(rng, int(rng.integers(1, 4)), (30, 30), []))
    profile = lambda mode: np.where(np.arange(N_MODES) == mode, 0.5, 0.5 / (N_MODES - 1))  # noqa: E731
    mode, shares, planted = int(rng.integers(N_MODES)), np.zeros((T, N_MODES)), []
    shares[:] = profile(mode)
    for t in times:
        new = int((mode + rng.integers(1, N_MODES)) % N_MODES)
        ramp = int(rng.integers(1, 7))
        w = np.clip((np.arange(T) - t + 1) / ramp, 0, 1)[:, None]
        shares[t:] = ((1 - w) * profile(mode) + w * profile(new))[t:]
        planted.append((t - 1, t + ramp - 1))
        mode = new
    for lo, _ in _windows(rng, 2, (1, 1), planted):  # a one-snapshot wobble of 0.15: not a hop
        dom = int(shares[lo].argmax())
        other = (dom + 1) % N_MODES
        shares[lo, dom] -= 0.15
        shares[lo, other] += 0.15
    shares = np.clip(shares + rng.normal(0, 0.02, shares.shape), 0, 1)
    s.update({MODE_SHARE.format(k): shares[:, k] for k in range(N_MODES)})
    return planted


def _plant_collapse(rng, s) -> Planted:
    """1 or 2 of 8 modes captured for 6–40 snapshots; decoys: dips of 1–3 snapshots, and 1 mode "captured" by a
    handful of high-quality samples while G has not found the data (hq_share ≈ 1%)."""
    planted = _windows(rng, int(rng.integers(1, 4)), (6, 40), [])
    for lo, hi in planted:
        s["modes_captured"][lo : hi + 1] = rng.integers(1, 3, hi - lo + 1)
    dips = _windows(rng, 2, (1, 3), planted)
    for lo, hi in dips:
        s["modes_captured"][lo : hi + 1] = 2
    ((lo, hi),) = _windows(rng, 1, (10, 30), planted + dips)
    s["modes_captured"][lo : hi + 1], s["hq_share"][lo : hi + 1] = 1, 0.01
    return planted


def _plant_sway(rng, s) -> Planted:
    """The centroid swings along a random direction (amplitude 6–20% of the view, 2–3.5 periods of 8–25 snapshots);
    decoys: a lasting jump, a single there-and-back bump and a random-walk wander."""
    planted: Planted = []
    for _ in range(int(rng.integers(1, 3))):
        period, cycles = rng.uniform(8, 25), rng.uniform(2, 3.5)
        ((lo, hi),) = _windows(rng, 1, (int(period * cycles),) * 2, planted)
        swing = rng.uniform(0.06, 0.2) * VIEW * np.sin(2 * np.pi * np.arange(hi - lo + 1) / period)
        angle = rng.uniform(0, 2 * np.pi)
        s["centroid_x"][lo : hi + 1] += np.cos(angle) * swing
        s["centroid_y"][lo : hi + 1] += np.sin(angle) * swing
        planted.append((lo, hi))
    wander = _windows(rng, 1, (40, 40), planted)
    (jump, _), (bump, _) = _windows(rng, 2, (10, 10), planted + wander)
    s["centroid_x"][jump:] += 0.3 * VIEW
    s["centroid_y"][bump : bump + 10] += 0.2 * VIEW * np.sin(np.pi * np.arange(10) / 10)
    s["centroid_y"][wander[0][0] : wander[0][1] + 1] += np.cumsum(rng.normal(0, 0.01 * VIEW, 40))
    return planted


def _plant_vanishing(rng, s) -> Planted:
    """A confident D and a ~1000× smaller G gradient for 4–40 snapshots; decoys: confident D alone, small gradient alone."""
    planted = _windows(rng, int(rng.integers(1, 4)), (4, 40), [])
    for lo, hi in planted:
        n = hi - lo + 1
        s["d_real"][lo : hi + 1] = 0.95 + rng.normal(0, 0.01, n)
        s["d_fake"][lo : hi + 1] = 0.05 + rng.normal(0, 0.01, n)
        s["g_grad_norm"][lo : hi + 1] *= 10 ** rng.uniform(-4, -2)
    (a, b), (c, d) = _windows(rng, 2, (5, 15), planted)
    s["d_real"][a : b + 1], s["d_fake"][a : b + 1] = 0.95, 0.05
    s["g_grad_norm"][c : d + 1] *= 0.01
    return planted


def _plant_convergence(rng, s) -> Planted:
    """D ≈ ½, V ≈ −2 log 2 (noise sd 0.015) and JS ≈ 0.05 for 6–60 snapshots; decoys: V off by 0.1, 2–3 snapshot
    visits, and an untrained D (½ everywhere) while the generator is far from the data (JS ≈ 0.6)."""
    planted = _windows(rng, int(rng.integers(1, 3)), (6, 60), [])
    off, untrained = _windows(rng, 2, (10, 30), planted)
    visits = _windows(rng, 2, (2, 3), planted + [off, untrained])
    for (lo, hi), offset, js in [(w, 0.0, 0.05) for w in planted + visits] + [(off, 0.1, 0.05), (untrained, 0.0, 0.6)]:
        n = hi - lo + 1
        s["d_real"][lo : hi + 1] = 0.5 + rng.normal(0, 0.015, n)
        s["d_fake"][lo : hi + 1] = 0.5 + rng.normal(0, 0.015, n)
        s["value"][lo : hi + 1] = OPTIMUM_VALUE + offset + rng.normal(0, 0.015, n)
        s["js"][lo : hi + 1] = js + rng.normal(0, 0.01, n)
    return planted


def _plant_divergence(rng, s) -> Planted:
    """NaN/inf samples (1–100%) or most samples outside the view, for 1–20 snapshots; decoy: 20–40% outside."""
    planted = _windows(rng, int(rng.integers(1, 4)), (1, 20), [])
    for lo, hi in planted:
        key, share = (
            ("nonfinite_share", rng.uniform(0.01, 1)) if rng.uniform() < 0.5 else ("outside_share", rng.uniform(0.6, 1))
        )
        s[key][lo : hi + 1] = share
    ((lo, hi),) = _windows(rng, 1, (5, 20), planted)
    s["outside_share"][lo : hi + 1] = rng.uniform(0.2, 0.4)
    return planted


PLANT = {
    "mode_hop": _plant_mode_hop,
    "collapse": _plant_collapse,
    "sway": _plant_sway,
    "vanishing_gradient": _plant_vanishing,
    "convergence": _plant_convergence,
    "divergence": _plant_divergence,
}


def _score(kind: str, seed: int) -> tuple[int, int, int, int]:
    """(true detections, detections, planted events found, planted events) of one synthetic run."""
    rng = np.random.default_rng(seed)
    series = _background(rng)
    planted = [(STEPS[lo], STEPS[hi]) for lo, hi in PLANT[kind](rng, series)]
    found = [e for e in detect_events(STEPS, series, n_modes=N_MODES, view_size=VIEW) if e.kind == kind]
    overlaps = lambda e, p: e.start <= p[1] and p[0] <= e.end  # noqa: E731
    true = sum(any(overlaps(e, p) for p in planted) for e in found)
    hit = sum(any(overlaps(e, p) for e in found) for p in planted)
    return true, len(found), hit, len(planted)


@pytest.fixture(scope="module")
def scores() -> dict[str, tuple[float, float]]:
    """Precision and recall per kind over RUNS synthetic runs; the table prints with `pytest -s`."""
    table, rows = {}, []
    for kind in KINDS:
        true, found, hit, planted = np.sum(
            [_score(kind, 1000 * KINDS.index(kind) + seed) for seed in range(RUNS)], axis=0
        )
        table[kind] = (true / max(found, 1), hit / planted)
        rows.append(f"{kind:<20}{table[kind][0]:>10.3f}{table[kind][1]:>10.3f}{found:>10}{planted:>10}")
    print(
        f"\n{'kind':<20}{'precision':>10}{'recall':>10}{'detected':>10}{'planted':>10}   ({RUNS} synthetic runs each)"
    )
    print("\n".join(rows))
    return table


@pytest.mark.parametrize("kind", KINDS)
def test_planted_events_are_found(scores, kind):
    precision, recall = scores[kind]
    assert precision >= 0.9 and recall >= 0.9, f"{kind}: precision {precision:.2f}, recall {recall:.2f}"


def _converged(rng) -> dict[str, np.ndarray]:
    """A run sitting at the Goodfellow optimum: D ≈ ½, V ≈ −2 log 2, all modes evenly covered, samples still."""
    s = _background(rng)
    s.update(
        {
            "d_real": 0.5 + rng.normal(0, 0.01, T),
            "d_fake": 0.5 + rng.normal(0, 0.01, T),
            "value": OPTIMUM_VALUE + rng.normal(0, 0.01, T),
            "modes_captured": np.full(T, 8.0),
            "hq_share": np.full(T, 0.95),
            "js": 0.03 + rng.normal(0, 0.005, T),
        }
    )
    return s


def test_a_clean_converged_run_yields_only_convergence():
    for seed in range(5):
        events = detect_events(STEPS, _converged(np.random.default_rng(seed)), n_modes=N_MODES, view_size=VIEW)
        assert [e.kind for e in events] == ["convergence"]
        assert (events[0].start, events[0].end) == (STEPS[0], STEPS[-1])
        assert events[0].caption == "converged: D ≈ ½ and V ≈ −2 log 2"


def test_nan_yields_divergence_at_the_right_step():
    s = _converged(np.random.default_rng(0))
    s["nonfinite_share"][123:] = 0.37
    for name in ("d_real", "d_fake", "value", "g_grad_norm"):
        s[name][123:] = np.nan
    events = detect_events(STEPS, s, n_modes=N_MODES, view_size=VIEW)
    divergence = [e for e in events if e.kind == "divergence"]
    assert len(divergence) == 1 and (divergence[0].start, divergence[0].end) == (STEPS[123], STEPS[-1])
    assert divergence[0].caption == "divergence: 37% of samples are NaN/inf"
    assert all(e.end < STEPS[123] for e in events if e.kind == "convergence")


def test_captions_name_the_modes_counts_and_period():
    rng = np.random.default_rng(1)
    s = _background(rng)
    shares = np.full((T, N_MODES), 0.05)
    shares[:100, 2], shares[100:, 5] = 0.6, 0.6
    s.update({MODE_SHARE.format(k): shares[:, k] for k in range(N_MODES)})
    s["modes_captured"][200:220] = 1
    s["centroid_x"][50:110] += 0.5 * np.sin(2 * np.pi * np.arange(60) / 12)
    captions = {e.kind: e.caption for e in detect_events(STEPS, s, n_modes=N_MODES, view_size=VIEW)}
    assert captions["mode_hop"] == "mode hop: mass moves from mode 2 to mode 5"
    assert (
        captions["collapse"]
        == f"mode collapse: 1 of 8 modes captured ({np.median(s['hq_share'][200:220]):.0%} of samples high quality)"
    )
    assert captions["sway"] == f"sway: samples swing back and forth (period ≈ {12 * EVERY} steps)"


def test_rules_without_their_series_are_skipped_and_events_sort_by_start():
    s = {"nonfinite_share": np.zeros(T), "outside_share": np.zeros(T)}
    s["outside_share"][200:210] = 0.9
    s["nonfinite_share"][20:22] = 0.01
    events = detect_events(STEPS, s)
    assert [(e.kind, e.start) for e in events] == [("divergence", STEPS[20]), ("divergence", STEPS[200])]
    assert events[0].caption == "divergence: 1% of samples are NaN/inf"
    assert events[1].caption == "divergence: 90% of samples left the view"
    assert detect_events(STEPS, {}) == []


def test_thresholds_are_arguments():
    s = _background(np.random.default_rng(2))
    s["modes_captured"][100:103] = 1  # 3 snapshots: below the default 5
    assert not [e for e in detect_events(STEPS, s, n_modes=N_MODES) if e.kind == "collapse"]
    found = detect_events(STEPS, s, n_modes=N_MODES, thresholds=ModeThresholds(collapse_snapshots=3))
    assert [(e.start, e.end) for e in found if e.kind == "collapse"] == [(STEPS[100], STEPS[102])]


def test_event_round_trips_through_a_dict():
    event = Event("sway", 10, 250, "sway: samples swing back and forth (period ≈ 120 steps)")
    assert Event.from_dict(event.to_dict()) == event


def test_timeline_lists_each_event_on_one_line():
    events = [
        Event("collapse", 100, 2_500, "mode collapse: 1 of 8 modes captured"),
        Event("divergence", 3_000, 3_000, "x"),
    ]
    lines = timeline(events)
    assert len(lines) == 2 and lines[0].split() == [
        "100–2,500",
        "collapse",
        "mode",
        "collapse:",
        "1",
        "of",
        "8",
        "modes",
        "captured",
    ]
    assert timeline([]) == []


def test_vanishing_gradient_when_d_is_confident_from_the_start():
    """seeds/004's strong D: G never sees a healthy gradient until D loosens its grip at the end."""
    steps = np.arange(0, 500, 5)
    confident = steps < 400
    series = {
        "d_real": np.where(confident, 0.99, 0.5),
        "d_fake": np.where(confident, 0.01, 0.45),
        "g_grad_norm": np.where(confident, 0.03, 1.2),
    }
    (event,) = detect_events(steps, series)
    assert (event.kind, event.start, event.end) == ("vanishing_gradient", 0, 395)


def test_captions_name_modes_by_the_numbers_drawn_and_place_them_in_1d():
    """Mode k is the recording's k-th mode, the number drawn beside its × mark; a 1D caption also says where it is."""
    shares = np.zeros((40, 3))
    shares[:20, 2], shares[20:, 0] = 0.9, 0.9
    series = {MODE_SHARE.format(k): shares[:, k] for k in range(3)}
    steps = np.arange(40) * 10
    (hop,) = detect_events(steps, series)
    assert hop.caption == "mode hop: mass moves from mode 2 to mode 0" and (hop.start, hop.end) == (190, 200)
    (hop,) = detect_events(steps, series, modes=np.array([[-0.25], [0.75], [1.75]]))
    assert hop.caption == "mode hop: mass moves from mode 2 (x = 1.75) to mode 0 (x = −0.25)"
    assert mode_names(2, np.array([[1.0, 0.0], [0.0, 1.0]])) == ["mode 0", "mode 1"]  # 2D: the plot numbers them


def test_a_hop_names_only_modes_held_where_it_starts_and_ends():
    """Issue 19: shares that shift while the mass is on no mode (a band sweeping past them) are no hop. The same
    shift is a hop where the source is held at its start and the destination at its end."""
    shares = np.zeros((40, 3))
    shares[:20, 2], shares[20:, 0] = 0.9, 0.9
    series = {MODE_SHARE.format(k): shares[:, k] for k in range(3)}
    steps = np.arange(40) * 10
    on = np.zeros((40, 3), dtype=bool)
    on[:20, 2], on[20:, 0] = True, True
    (hop,) = detect_events(steps, series, held=on)
    assert hop.caption == "mode hop: mass moves from mode 2 to mode 0"
    assert detect_events(steps, series, held=np.zeros((40, 3), dtype=bool)) == []  # never held: no hop
    half = on.copy()
    half[:20, 2] = False  # the source was never held: the mass did not leave it
    assert detect_events(steps, series, held=half) == []
    half = on.copy()
    half[20:, 0] = False  # nor arrived at the destination
    assert detect_events(steps, series, held=half) == []


def test_a_collapse_needs_the_samples_on_a_mode():
    steps = np.arange(40) * 10
    series = {"modes_captured": np.ones(40), "hq_share": np.full(40, 0.9)}
    (collapse,) = detect_events(steps, series, n_modes=8, held=np.eye(8, dtype=bool)[np.zeros(40, dtype=int)])
    assert collapse.kind == "collapse" and (collapse.start, collapse.end) == (0, 390)
    assert detect_events(steps, series, n_modes=8, held=np.zeros((40, 8), dtype=bool)) == []


def test_without_js_convergence_waits_until_d_has_learned():
    """An image run without a classifier records no js: its untrained D sits at ½ from step 0, and the first 100
    steps of noise were captioned "converged". Without js, convergence now counts only once D(real) − D(fake) has
    reached converge_learned; with js, as before."""
    s = _converged(np.random.default_rng(3))
    del s["js"]
    assert not [e for e in detect_events(STEPS, s) if e.kind == "convergence"]  # D never told real from fake
    s["d_real"][:40], s["d_fake"][:40] = 0.8, 0.3  # D learns, then the game settles at the optimum
    (event,) = [e for e in detect_events(STEPS, s) if e.kind == "convergence"]
    assert event.start == STEPS[40]
    with_js = _converged(np.random.default_rng(3))
    (event,) = [e for e in detect_events(STEPS, with_js) if e.kind == "convergence"]
    assert event.start == STEPS[0]


def test_a_mode_hop_caption_names_the_modes_in_the_order_the_mass_reached_them():
    """ring8-metz (seed 2, steps 16,400–19,000): the blob leaves mode 2, touches modes 0 and 6, and settles on 5.
    The change of dominant mode 2 → 5 spans the 6 → 0 shift inside it; the caption once read "from mode 2 to mode 5,
    then to mode 0" while the mass ended on 5."""
    k = 8
    rows = [(2, 0.93), (2, 0.98), (2, 1.0), (0, 0.09), (1, 0.01), (6, 0.41), (0, 0.43)]
    rows += [(5, v) for v in (0.01, 0.07, 0.15, 0.27, 0.18, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9)]
    shares = np.zeros((len(rows), k))
    for t, (mode, v) in enumerate(rows):
        shares[t, mode] = v
    steps = 16_400 + 200 * np.arange(len(rows))
    series = {MODE_SHARE.format(m): shares[:, m] for m in range(k)}
    held = shares >= 0.5 / k  # the audit's rule: at least half the data's share within the mode's window
    hops = [e for e in detect_events(steps, series, n_modes=k, view_size=6.0, held=held) if e.kind == "mode_hop"]
    assert hops, "the hop is found"
    named = [int(w) for w in re.findall(r"mode (\d)", hops[-1].caption)]
    assert named[0] == 2 and named[-1] == 5, hops[-1].caption
