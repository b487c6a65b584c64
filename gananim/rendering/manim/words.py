"""What a scene's cards say about a recording, built from its events and final metrics (gananim.analysis.analyse),
so no card claims what the scene's own chart contradicts: "G crawls" only where the recording's gradient norm
vanished (or D stayed saturated) and V stayed away from −2 log 2; otherwise the card states what happened, with the numbers.

    facts = Facts.of(rec, "noisy")
    verdict(facts)   # 'noisy ends at the optimum (first there at step 146); mean over steps 272–300: V −1.39 ...'
    crawls(facts)    # V away from the optimum at the end, and G's gradient vanished or D stayed saturated

Sentences only: no manim here, so the words can be tested without drawing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.analysis import analyse
from gananim.analysis.events import OPTIMUM_VALUE, Event, Thresholds
from gananim.kinds.points.metrics import K_SIGMA
from gananim.rendering.drawing import latent_line

TOL = Thresholds().converge_tol  # "at the optimum" means what the convergence events mean: V and D within TOL,
NEAR_DATA = (
    Thresholds().converge_js
)  # and G within this JS (nats) of the data, where JS is known (D sits at ½ untrained)
CONFIDENT = Thresholds().confident_gap  # D(real) − D(fake) at least this: D is confident (as the events read it)
SATURATED = 0.5  # D confident for at least this share of the snapshots: D saturated for most of the run
TAIL = 0.1  # "the end" of a run: its last tenth of snapshots (at least TAIL_MIN), averaged: one noisy snapshot
TAIL_MIN = 3  # does not decide a verdict
COVER_LIMIT = 0.5  # mode windows (K_SIGMA·σ) covering more than this share of the view make "modes captured" moot


def fmt(v: float, digits: int = 3) -> str:
    """A number for a card, with a true minus sign."""
    return f"{v:.{digits}g}".replace("-", "−")


def span(e: Event) -> str:
    return f"step {e.start}" if e.start == e.end else f"steps {e.start}–{e.end}"


@dataclass
class Facts:
    """A recording as its cards see it: name, step range, each series' final value, its events, its modes."""

    name: str
    first: int
    last: int
    final: dict[str, float]  # each series' last finite value
    tail: dict[str, float]  # each series' mean over the run's end (TAIL), what verdicts read
    tail_from: int  # the first step of that end
    events: list[Event]
    n_modes: int
    windows_cover: float  # the share of the view inside some mode's K_SIGMA·σ window (0 without modes)
    windows_overlap: bool  # two modes' K_SIGMA·σ windows overlap
    confident_share: float  # share of snapshots where D(real) − D(fake) ≥ CONFIDENT (nan without them)
    grad_while_confident: float  # median ‖∇G‖ over those snapshots (nan without them)
    config: dict

    @classmethod
    def of(cls, rec, name: str | None = None) -> "Facts":
        a = analyse(rec)
        s = a.series
        n = min(len(rec), max(TAIL_MIN, int(round(TAIL * len(rec)))))
        final, tail = {}, {}
        for key, values in s.items():
            ok = np.flatnonzero(np.isfinite(values))
            if len(ok):
                final[key] = float(values[ok[-1]])
            end = values[-n:][np.isfinite(values[-n:])]
            if len(end):
                tail[key] = float(end.mean())
        config = rec.manifest.get("config") or {}
        share, grad = float("nan"), float("nan")
        if "d_real" in s and "d_fake" in s:
            with np.errstate(invalid="ignore"):
                confident = s["d_real"] - s["d_fake"] >= CONFIDENT
            share = float(confident.mean())
            g = s.get("g_grad_norm", np.full(len(confident), np.nan))[confident]
            grad = float(np.median(g[np.isfinite(g)])) if np.isfinite(g).any() else float("nan")
        return cls(
            name or config.get("name") or rec.path.name,
            int(rec.steps[0]),
            int(rec.steps[-1]),
            final,
            tail,
            int(rec.steps[-n]),
            list(a.events),
            len(rec.modes),
            _windows_cover(rec),
            _windows_overlap(rec),
            share,
            grad,
            config,
        )

    def get(self, key: str) -> float:
        """The series' value at the end of the run (its mean over the last TAIL of snapshots)."""
        return self.tail.get(key, float("nan"))

    def last_value(self, key: str) -> float:
        """The series' last finite value (what its chart ends on)."""
        return self.final.get(key, float("nan"))

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def train(self, key: str, default=None):
        return (self.config.get("train") or {}).get(key, default)


def _reach(rec) -> np.ndarray | None:
    """Each mode's K_SIGMA·σ window radius (its largest σ where σ is per axis); None without modes and scales."""
    modes, scales = rec.modes, np.asarray(rec.mode_scales, float)
    if not len(modes) or len(scales) != len(modes):
        return None
    return K_SIGMA * scales.reshape(len(modes), -1).max(axis=1)


def _windows_cover(rec) -> float:
    """The share of the view box within K_SIGMA·σ of a mode, on the recording's grid."""
    modes, reach = rec.modes, _reach(rec)
    if reach is None:
        return 0.0
    cells = rec.grid.points()
    d2 = ((cells[:, None, :] - modes[None]) ** 2).sum(axis=2)
    return float((d2 <= reach[None] ** 2).any(axis=1).mean())


def _windows_overlap(rec) -> bool:
    """Whether two modes' K_SIGMA·σ windows overlap (a sample can then be high quality for either)."""
    modes, reach = rec.modes, _reach(rec)
    if reach is None or len(modes) < 2:
        return False
    dist = np.sqrt(((modes[:, None, :] - modes[None]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    return bool((dist < reach[:, None] + reach[None]).any())


def _values_optimal(f: Facts) -> bool:
    v, r, g = f.get("value"), f.get("d_real"), f.get("d_fake")
    return bool(abs(v - OPTIMUM_VALUE) < TOL and abs(r - 0.5) < TOL and abs(g - 0.5) < TOL)


def at_optimum(f: Facts) -> bool:
    """At the end of the run (on average over its last TAIL) V is within TOL of −2 log 2, D(real) and D(fake) within
    TOL of ½ and G within NEAR_DATA of the data where JS is known, or a convergence event lasts into that end."""
    near = _values_optimal(f) and not f.get("js") > NEAR_DATA
    return bool(near or any(e.end >= f.tail_from for e in f.of_kind("convergence")))


def saturated(f: Facts) -> bool:
    """D confident (D(real) − D(fake) ≥ CONFIDENT) for at least SATURATED of the run."""
    return bool(f.confident_share >= SATURATED)


def crawls(f: Facts) -> bool:
    """G crawls: V stays away from the optimum to the end, and G's gradient vanished while D was confident (a
    vanishing_gradient event) or D stayed saturated for most of the run (a gradient small from the start never
    drops below its own level, so the event alone misses seeds/004's strong D)."""
    return not at_optimum(f) and (bool(f.of_kind("vanishing_gradient")) or saturated(f))


def objective(f: Facts) -> str:
    """'V −1.39 (−2 log 2 = −1.386), D(real) 0.50, D(fake) 0.49' at the run's end, from what the recording has."""
    parts = []
    if np.isfinite(f.get("value")):
        parts.append(f"V {fmt(f.get('value'))} (−2 log 2 = {fmt(OPTIMUM_VALUE, 4)})")
    for key, label in (("d_real", "D(real)"), ("d_fake", "D(fake)")):
        if np.isfinite(f.get(key)):
            parts.append(f"{label} {f.get(key):.2f}")
    return ", ".join(parts)


def verdict(f: Facts) -> str:
    """Where the game ended, in numbers: at the optimum or away from it (and since when it was there)."""
    numbers = objective(f)
    if not numbers:
        return f"{f.name}: no objective recorded"
    end = f"mean over steps {f.tail_from}–{f.last}" if f.tail_from < f.last else f"at step {f.last}"
    if at_optimum(f):
        found = f.of_kind("convergence")
        since = f" (first there at step {found[0].start})" if found else ""
        return f"{f.name} ends at the optimum{since}; {end}: {numbers}"
    if _values_optimal(f):  # a D that tells nothing apart sits at ½ too, whatever G does
        return (
            f"{f.name} ends with V and D near their optimum values but G far from the data "
            f"(JS(data, G) {fmt(f.get('js'), 2)} nats); {end}: {numbers}"
        )
    return f"{f.name} ends away from the optimum; {end}: {numbers}"


def gradient(f: Facts) -> str | None:
    """What D's confidence did to G's gradient, in numbers: 'G crawls' only where crawls(f); None without D's outputs."""
    if not np.isfinite(f.confident_share):
        return None
    found = f.of_kind("vanishing_gradient")
    when = ", ".join(span(e) for e in found[:3]) + (" …" if len(found) > 3 else "")
    grad = f", median ‖∇G‖ {fmt(f.grad_while_confident, 2)}" if np.isfinite(f.grad_while_confident) else ""
    confident = f"D confident (D(real) − D(fake) ≥ {CONFIDENT:g}) for {f.confident_share:.0%} of the run{grad}"
    if crawls(f):
        return f"{f.name}: G's gradient vanished ({when}): G crawls" if found else f"{f.name}: {confident}: G crawls"
    if found:
        return f"{f.name}: G's gradient vanished for a while ({when}), yet the game reached the optimum"
    return f"{f.name}: {confident}"


def modes(f: Facts) -> str | None:
    """Modes captured with the high-quality share beside it; None without modes; the reason where it is moot."""
    if not f.n_modes or not np.isfinite(f.last_value("modes_captured")):
        return None
    if f.windows_overlap or f.windows_cover > COVER_LIMIT:
        why = "overlap" if f.windows_overlap else f"cover {f.windows_cover:.0%} of the view"
        return f"{f.name}: the modes' {K_SIGMA:g}σ windows {why}, so 'modes captured' says little here"
    hq = f.last_value("hq_share")
    share = f", {hq:.0%} of samples within {K_SIGMA:g}σ of a mode" if np.isfinite(hq) else ""
    return f"{f.name} ends with {int(f.last_value('modes_captured'))} of {f.n_modes} modes captured{share}"


def happenings(f: Facts, kinds: tuple[str, ...], limit: int = 2) -> list[str]:
    """The recording's events of these kinds as 'name, steps a–b: caption' lines (at most `limit`, then a count)."""
    found = [e for e in f.events if e.kind in kinds]
    lines = [f"{f.name}, {span(e)}: {e.caption}" for e in found[:limit]]
    rest = found[limit:]
    if rest:
        kinds = dict.fromkeys(e.kind for e in rest)
        more = ", ".join(count(sum(e.kind == k for e in rest), "more " + k.replace("_", " ")) for k in kinds)
        lines.append(f"{f.name}, later: {more}")
    return lines


def count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


FOLD = 0.05  # a map folds where it runs both up and down by more than this share of its range


def folded(rec) -> np.ndarray:
    """Per snapshot of a 1D recording, whether the map z ↦ G(z) along the z line folds back on itself: it both
    rises and falls, over some stretch of z, by more than FOLD of its range."""
    idx, _, _ = latent_line(rec)
    out = np.zeros(len(rec), dtype=bool)
    for k in range(len(rec)):
        g = np.asarray(rec[k].mapping, float)[idx, 0]
        g = g[np.isfinite(g)]
        if len(g) < 3 or g.max() <= g.min():
            continue
        rise = np.max(g - np.minimum.accumulate(g))
        fall = np.max(np.maximum.accumulate(g) - g)
        out[k] = min(rise, fall) > FOLD * (g.max() - g.min())
    return out


def d_relief(rec) -> str | None:
    """How steep D's landscape got and how it ends: its range over the view at its steepest snapshot and at the
    last (½ everywhere is the optimum); None without D on the grid."""
    if rec[0].d_grid is None:
        return None
    ranges = []
    for k in range(len(rec)):
        d = np.asarray(rec[k].d_grid, float)
        d = d[np.isfinite(d)]
        ranges.append((d.min(), d.max()) if len(d) else (np.nan, np.nan))
    ranges = np.array(ranges)
    spread = ranges[:, 1] - ranges[:, 0]
    if not np.isfinite(spread).any():
        return None
    top = int(np.nanargmax(spread))
    (lo, hi), (elo, ehi) = ranges[top], ranges[-1]
    end = f"at step {int(rec.steps[-1])} it spans {elo:.2f}–{ehi:.2f}"
    if top == len(rec) - 1:
        return f"D is steepest at the end: {end} (½ everywhere would be the optimum)"
    flat = (
        " (flatter: ½ everywhere is the optimum)"
        if spread[-1] <= 0.5 * spread[top]
        else " (½ everywhere would be the optimum)"
    )
    return f"D spans {lo:.2f}–{hi:.2f} at its steepest (step {int(rec.steps[top])}); {end}{flat}"
