"""Each explainer's story as a rule on its recordings' stored numbers (issue 23): what the scene's title promises,
checked where anyone can recompute it. The closing card says when a story does not hold (gananim.rendering.manim
.scene), and bench/scene_claims.py checks every scene at its defaults (gananim.rendering.catalogue).

The rules read the stored samples, D on the grid, the mapping and the recorded probe series with numpy, and the
analysis' series and events (gananim.analysis.analyse). Every threshold is a constant here with a comment; a rule
given recordings it cannot judge (a series missing, too few snapshots) says so and does not hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.kinds.points.metrics import mode_coverage

WARMUP = 0.2  # "after the warm-up": the snapshots after the first 20% (the generator is still finding the data)
TAIL = 0.1  # "at the end": medians over the last 10% of the snapshots (one game of a few samples is noisy)
COLLAPSED_MODES = 2  # collapse: the collapsed run captures 1 to 2 modes (3σ protocol, VEEGAN/PacGAN) ...
COLLAPSED_HQ = 0.5  # ... with at least half its samples high quality (a faint ring over every mode is no collapse) ...
MOST = 0.5  # ... in more than half of the snapshots after the warm-up
REMEDY_MODES = 7  # collapse: the remedy captures at least 7 modes at its last snapshot
DOMINANT = 0.5  # mode hopping: a mode dominates a snapshot when at least half the samples are nearest to it ...
HOPS, PLACES = 3, 3  # ... and the dominant mode changes at least 3 times among at least 3 modes after the warm-up
OPTIMUM = -2 * math.log(2)  # V(G, D*) at p_g = p_data (Goodfellow et al. 2014)
STUCK_V = -1.2  # strong-d stuck: median V over the tail above this (the optimum is −1.386) ...
SURE = 0.9  # ... and D(real) above this in at least STUCK_SHARE of the snapshots after step 0
STUCK_SHARE = 0.8
V_TOL, D_TOL = 0.02, 0.05  # noisy at the optimum: tail medians |V − (−2 log 2)| ≤ 0.02, |D − ½| ≤ 0.05 (real, fake)
FOLD_TOL = 0.1  # a 1D mapping folds when it runs back by more than this (data units) both ways ...
FOLD_SHARE = 0.5  # ... gauss-1d in at least half the snapshots after the warm-up; inverse-cdf in none
SHAPE_CHANGE = 0.3  # mountains: 1 − the correlation of D's grid between two snapshots after the warm-up ≥ this ...
G_MOVES = 0.2  # ... while the generated density moved by a total variation ≥ this between the same two snapshots
FEW_CLASSES = 3  # digits collapse: at most 3 of the 10 classes captured ...
CLASSES_SHARE = 0.8  # ... in at least 80% of the snapshots after the warm-up


@dataclass(frozen=True)
class Story:
    """A scene's story on given recordings: the claim, what was measured, and whether it holds."""

    claim: str
    measured: str
    holds: bool


def _after_warmup(rec) -> range:
    return range(min(len(rec) - 1, max(1, round(WARMUP * len(rec)))), len(rec))


def _tail(x: np.ndarray) -> float:
    return float(np.nanmedian(x[len(x) - max(1, round(TAIL * len(x))) :]))


def _nearest_shares(samples, modes: np.ndarray) -> np.ndarray:
    x = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    x = x[np.isfinite(x).all(axis=1)]
    d2 = ((x[:, None, :] - modes[None, :, :]) ** 2).sum(-1)
    return np.bincount(d2.argmin(axis=1), minlength=len(modes)) / max(len(x), 1)


def collapse_numbers(rec) -> tuple[np.ndarray, np.ndarray]:
    """(modes captured, high-quality share) per snapshot after the warm-up, by the 3σ protocol."""
    covs = [mode_coverage(rec[i].samples, rec.modes, rec.mode_scales) for i in _after_warmup(rec)]
    return np.array([c.captured for c in covs]), np.array([c.hq_share for c in covs])


def collapsed(captured: np.ndarray, hq_share: np.ndarray) -> np.ndarray:
    """The collapse story's rule per snapshot: 1 to COLLAPSED_MODES modes captured with at least COLLAPSED_HQ of the
    samples high quality (the arrays of `collapse_numbers`)."""
    return (captured >= 1) & (captured <= COLLAPSED_MODES) & (hq_share >= COLLAPSED_HQ)


def changes(held: list[int]) -> int:
    """How many times a sequence of dominant modes changes."""
    return sum(a != b for a, b in zip(held, held[1:]))


def _no_modes(recs, claim: str) -> Story | None:
    """A story about modes cannot be told of data without modes (a script's recording of bare samples)."""
    if any(getattr(r, "modes", None) is None or not len(r.modes) for r in recs):
        return Story(claim, "the data has no modes to count", False)
    return None


def collapse(recs) -> Story:
    """The collapsed run (first) on ≤ 2 modes, mostly high quality, in most snapshots after the warm-up; the remedy
    (second) on ≥ 7 at its end."""
    vanilla, remedy = recs
    if (none := _no_modes(recs, "a collapsed run beside a remedy")) is not None:
        return none
    k, hq = collapse_numbers(vanilla)
    on = collapsed(k, hq)
    end = mode_coverage(remedy[-1].samples, remedy.modes, remedy.mode_scales)
    n = len(remedy.modes)
    claim = (
        f"the first run on 1–{COLLAPSED_MODES} modes with ≥ {COLLAPSED_HQ:.0%} of its samples within 3σ in over "
        f"{MOST:.0%} of the snapshots after the first {WARMUP:.0%}; the second on ≥ {REMEDY_MODES} of {n} at the end"
    )
    measured = (
        f"collapsed in {int(on.sum())} of {len(on)} snapshots (median {np.median(hq):.0%} within 3σ); "
        f"the second ends on {end.captured} of {n} modes ({end.hq_share:.0%} within 3σ)"
    )
    return Story(claim, measured, bool(on.mean() > MOST and end.captured >= REMEDY_MODES))


def dominant_modes(rec) -> list[int]:
    """The dominant mode (nearest to ≥ DOMINANT of the samples) of each snapshot after the warm-up that has one."""
    held = []
    for i in _after_warmup(rec):
        share = _nearest_shares(rec[i].samples, rec.modes)
        if share.max() >= DOMINANT:
            held.append(int(share.argmax()))
    return held


def mode_hopping(recs) -> Story:
    (rec,) = recs
    if (none := _no_modes(recs, "the dominant mode hops")) is not None:
        return none
    held = dominant_modes(rec)
    hops = changes(held)
    places = len(set(held))
    return Story(
        f"the mode nearest to ≥ {DOMINANT:.0%} of the samples changes ≥ {HOPS} times among ≥ {PLACES} modes "
        f"after the first {WARMUP:.0%}",
        f"{hops} hops among {places} modes",
        hops >= HOPS and places >= PLACES,
    )


def swaying(recs) -> Story:
    (rec,) = recs
    sways = [e for e in analyse(rec).events if e.kind == "sway"]
    said = "; ".join(f"steps {e.start}–{e.end}: {e.caption}" for e in sways[:2])
    return Story(
        "a sway event (the samples' centroid swings back and forth regularly), its period stated",
        said or "no sway event",
        bool(sways) and all("period" in e.caption for e in sways),
    )


def _med_tail(rec, name: str) -> float:
    x = rec.scalars.get(name)
    return float("nan") if x is None or not len(x) else _tail(np.asarray(x, dtype=np.float64))


def strong_discriminator(recs) -> Story:
    strong, noisy = recs
    v = _med_tail(strong, "value")
    d_real = np.asarray(strong.scalars.get("d_real", np.full(len(strong), np.nan)), dtype=np.float64)[1:]
    sure = float(np.mean(d_real > SURE)) if len(d_real) else 0.0
    nv, nr, nf = (_med_tail(noisy, k) for k in ("value", "d_real", "d_fake"))
    stuck = v > STUCK_V and sure >= STUCK_SHARE
    at_opt = abs(nv - OPTIMUM) <= V_TOL and abs(nr - 0.5) <= D_TOL and abs(nf - 0.5) <= D_TOL
    return Story(
        f"the first stuck (V > {STUCK_V} at the end, D(real) > {SURE} in ≥ {STUCK_SHARE:.0%} of the run); the second "
        f"at the optimum (V within {V_TOL} of −2 log 2, D within {D_TOL} of ½)",
        f"first: V {v:.3f}, D(real) > {SURE} in {sure:.0%}; second: V {nv:.3f}, D(real) {nr:.3f}, D(fake) {nf:.3f}",
        bool(stuck and at_opt),
    )


def folds(mapping) -> bool:
    """Whether a 1D mapping over the sorted latent line runs back by more than FOLD_TOL in both directions."""
    m = np.asarray(mapping, dtype=np.float64).ravel()
    m = m[np.isfinite(m)]
    if len(m) < 2:
        return False
    rise = np.max(m - np.minimum.accumulate(m))  # the largest climb after a low point
    fall = np.max(np.maximum.accumulate(m) - m)  # the largest drop after a high point
    return bool(rise > FOLD_TOL and fall > FOLD_TOL)


def _fold_count(rec) -> tuple[int, int]:
    part = _after_warmup(rec)
    return sum(rec[i].mapping is not None and folds(rec[i].mapping) for i in part), len(part)


def transform_method(recs) -> Story:
    exact, trained = recs
    ef, en = _fold_count(exact)
    tf, tn = _fold_count(trained)
    return Story(
        f"the trained mapping (second) folds back in ≥ {FOLD_SHARE:.0%} of the snapshots after the first "
        f"{WARMUP:.0%}; the inverse CDF (first) in none",
        f"second folds in {tf} of {tn}; first in {ef} of {en}",
        bool(tn and tf >= FOLD_SHARE * tn and ef == 0),
    )


def _shape_change(a, b) -> float:
    a, b = (np.asarray(x, dtype=np.float64).ravel() for x in (a, b))
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    norm = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return 1.0 - float((a * b).sum()) / norm if norm > 0 else 0.0


def _moved(a, b) -> float:
    """Total variation between two generated-density grids, each normalised to sum 1."""
    a, b = (np.nan_to_num(np.asarray(x, dtype=np.float64).ravel()) for x in (a, b))
    if a.sum() <= 0 or b.sum() <= 0:
        return 0.0
    return 0.5 * float(np.abs(a / a.sum() - b / b.sum()).sum())


def mountains(recs) -> Story:
    (rec,) = recs
    part = list(_after_warmup(rec))
    first = part[0]
    if rec[first].d_grid is None or rec[first].density is None:
        return Story("D's surface changes shape as G moves", "no D grid or density recorded", False)
    best = max(part[1:] or part, key=lambda j: _shape_change(rec[first].d_grid, rec[j].d_grid))
    shape = _shape_change(rec[first].d_grid, rec[best].d_grid)
    moved = _moved(rec[first].density, rec[best].density)
    return Story(
        f"D's surface changes shape (1 − correlation of D's grid ≥ {SHAPE_CHANGE}) while G's density moves (total "
        f"variation ≥ {G_MOVES}) between step {int(rec.steps[first])} and a later snapshot",
        f"steps {int(rec.steps[first])} → {int(rec.steps[best])}: shape change {shape:.2f}, density moved {moved:.2f}",
        shape >= SHAPE_CHANGE and moved >= G_MOVES,
    )


def digits_collapse(recs) -> Story:
    (rec,) = recs
    series = analyse(rec).series.get("classes_captured")
    if series is None:
        return Story(f"≤ {FEW_CLASSES} classes captured", "no class coverage (needs a classifier)", False)
    after = np.asarray(series, dtype=np.float64)[_after_warmup(rec).start :]
    share = float(np.mean(after <= FEW_CLASSES)) if len(after) else 0.0
    return Story(
        f"≤ {FEW_CLASSES} classes captured in ≥ {CLASSES_SHARE:.0%} of the snapshots after the first {WARMUP:.0%}",
        f"≤ {FEW_CLASSES} classes in {share:.0%}; {int(after[-1]) if len(after) else 0} at the end",
        share >= CLASSES_SHARE,
    )


STORIES = {
    "collapse": collapse,
    "mode_hopping": mode_hopping,
    "swaying": swaying,
    "strong_discriminator": strong_discriminator,
    "transform_method": transform_method,
    "mountains": mountains,
    "digits_collapse": digits_collapse,
}


def check_story(name: str, recs) -> Story:
    """Scene `name`'s story on `recs` (in the scene's order)."""
    return STORIES[name](list(recs))


def story_lines(name: str | None, recs) -> list[str]:
    """The closing card's line on the story: that it holds, with the numbers, or plainly that it does not here."""
    if not name or name not in STORIES:
        return []
    try:
        story = check_story(name, recs)
    except GananimError as e:  # recordings the rule cannot read: say so rather than claim either way
        return [f"The story could not be checked on these recordings: {e}."]
    if story.holds:
        return [f"The story holds: {story.measured}."]
    return [f"The story does not hold here: {story.measured} (needed: {story.claim})."]
