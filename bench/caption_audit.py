"""Every event caption of every preset, checked against the frames it is shown over (issue 19: a caption says only
what the picture shows).

Each preset is recorded at its defaults, exactly as `gananim record NAME` records it (gananim.lab.train.run, the
preset's config untouched), into OUT/NAME, one process per run; the image presets (digits*) too. Each recording is
read back with `gananim.load`, its events come from `gananim.analysis.analyse(rec).events`, and each event is then
judged by a rule of its own, computed here with numpy directly from the recording's stored arrays: the samples
(`rec[i].samples`, non-finite flags), the modes, their scales and the view box, the real samples, the recorded
scalars d_real / d_fake / value, and (images) the classifier stored with the recording. Nothing of gananim's event or
metric code (gananim.analysis.*, gananim.kinds.*.metrics / events) is used to judge, so a caption that follows a
wrong series is caught rather than repeated. The rules (thresholds are the constants below):

- points `mode_hop` ("mode hop: mass moves from mode A to mode B[, then to mode C …]"): the window of mode j is
  K_WIDE·σj (3σ) where every pair of windows is disjoint (‖mi − mj‖ > 3(σi + σj)) and their union covers at most
  VIEW_SHARE of the view box (measured on an AREA_GRID grid), else K_CORE·σj (1σ). Mode j's share at a snapshot is
  the fraction of all stored samples (non-finite rows count in no window) that lie in j's window and are nearest
  to j; j is held when that share is ≥ HELD × the same share of the real samples (`data_samples`) and > 0.
  Supported iff the first named mode is held at the event's start snapshot and the last named mode at its end one.
- points `collapse` ("mode collapse: N of K modes captured (…)", N may be "a–b"): supported iff at the start and
  end snapshots at least one and at most max(N) modes are held.
- images `mode_hop` ("mode hop: class A takes over (x% of the samples; class B led until step N)", shown while A
  holds the top; the older form "class A takes over from class B (x% …)" is judged at its end only): class shares are the
  fraction of all stored samples (non-finite ones in no class) whose argmax is the class, with the stored
  `class_logits` where a snapshot has them, else the stored classifier's logits of the samples scaled to [0, 1].
  Supported iff at the span's start and end snapshots A is the most common class and holds ≥ CLASS_HELD × x/100.
- images `collapse` ("mode collapse: N of K classes captured"): supported iff at the start and end snapshots at
  most max(N) + COLLAPSE_SLACK classes hold ≥ CLASS_PRESENT of the samples.
- `convergence`: over the span's snapshots the median d_real and d_fake within CONV_TOL of ½ and the median value
  within CONV_TOL of −2 log 2.
- `vanishing_gradient`: over the span the median d_real − d_fake ≥ VANISH_GAP.
- `divergence`: some snapshot of the span has ≥ DIV_NONFINITE non-finite samples or (points) more than DIV_OUTSIDE
  of its finite samples outside the view box.
- `sway` (points): the mean of the finite samples along x or along y turns back at least SWAY_TURNS times inside
  the span (turns found on the whole run; a turn counts once the mean has gone back by ≥ max(SWAY_VIEW × the view's
  side on that axis, SWAY_SE × the median standard error of the mean), so sampling noise makes no turn).
- any other kind: unchecked (listed, not counted).

One markdown table is printed: preset, mode window, events by kind, supported/total (and each recording's time);
then every unsupported caption with what was measured; then, as a note that is no verdict, the supported hops whose
new mode is held (points) or new class is the top class (images) in fewer than SPAN_WEAK of the span's snapshots.
The exit code is 0 (a measurement); with --strict it is 1 when any caption is unsupported.

    .venv/bin/python bench/caption_audit.py --jobs 2              # record every preset (~15 min of CPU), audit
    .venv/bin/python bench/caption_audit.py --only five-clusters digits
    .venv/bin/python bench/caption_audit.py --reuse               # audit the recordings already in runs/audit
    .venv/bin/python bench/caption_audit.py --reuse --strict      # exit 1 if any caption is unsupported
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

OUT = "runs/audit"  # default folder of the recordings, one per preset (gitignored; --reuse audits them again)
TIMES = "audit_times.json"  # OUT/audit_times.json: each recording's CPU and wall time, printed again with --reuse

K_WIDE = 3.0  # the mode-coverage protocol's window: k·σ with k = 3 (VEEGAN / PacGAN) ...
VIEW_SHARE = 0.1  # ... where the windows are disjoint and cover at most 10% of the view box ...
K_CORE = 1.0  # ... else 1σ: a 3σ window that covers much of the view would call a diffuse cloud "held"
AREA_GRID = 400  # the windows' share of the view box is counted on a regular grid of 400 points per axis
HELD = 0.5  # a mode is held when its windowed, nearest-mode share is ≥ 0.5× the real samples' share there

CLASS_HELD = 0.5  # images hop: the new class holds ≥ 0.5× the share the caption states (and is the top class)
CLASS_PRESENT = 0.01  # images collapse: a class is present when ≥ 1% of the samples are classified into it ...
COLLAPSE_SLACK = 1  # ... and at most max(N) + 1 classes may be present (one class of classifier errors allowed)
SPAN_WEAK = 0.5  # not a verdict, a note: a hop whose new mode / class is held / top in < 50% of the span's snapshots

OPTIMUM = -2 * math.log(2)  # V(G, D*) at p_g = p_data (Goodfellow et al. 2014)
CONV_TOL = 0.06  # convergence: medians of d_real and d_fake within 0.06 of ½, of value within 0.06 of −2 log 2
VANISH_GAP = 0.7  # vanishing_gradient: median d_real − d_fake ≥ 0.7 over the span (D confident)
DIV_NONFINITE = 0.01  # divergence: ≥ 1% of a snapshot's samples non-finite ...
DIV_OUTSIDE = 0.4  # ... or > 40% of its finite samples outside the view box (points)
SWAY_TURNS = 3  # sway: the samples' mean turns back ≥ 3 times inside the span (one and a half swings) ...
SWAY_VIEW = 0.03  # ... each turn after a move of ≥ 3% of the view's side (a visible swing: ~20 px of a 720 px view)
SWAY_SE = 4.0  # ... and ≥ 4 standard errors of the mean (sampling noise alone does not turn it)

DASH = re.compile(r"[–-]")  # captions write a range of counts "a–b" with an en dash


@dataclass
class Verdict:
    preset: str
    kind: str
    start: int
    end: int
    caption: str
    supported: bool | None  # None: no rule for this kind (unchecked)
    measured: str
    weak: bool = False  # a supported hop whose new mode / class shows in fewer than SPAN_WEAK of the span's frames


# --- recording --------------------------------------------------------------------------------------


def record(name: str, out: str) -> dict:
    """Record preset `name` at its defaults into out/name, as `gananim record NAME --out out/name`; time it."""
    from gananim.lab import load_preset
    from gananim.lab.train import run

    cfg = load_preset(name)
    t0, w0 = os.times(), time.perf_counter()
    run(cfg, Path(out) / name, overwrite=True)
    t1 = os.times()
    return {"name": name, "cpu_s": t1.user - t0.user + t1.system - t0.system, "wall_s": time.perf_counter() - w0}


def finished(path: Path, name: str) -> tuple[bool, str]:
    """Whether `path` holds a finished recording of preset `name` (all its steps); a note if not of today's config."""
    from gananim.errors import GananimError
    from gananim.lab import load_preset
    from gananim.recording.reader import load

    cfg = load_preset(name)
    try:
        rec = load(path)
    except GananimError:
        return False, ""
    done = len(rec) > 0 and int(rec.steps[-1]) == cfg.steps
    note = "" if rec.manifest.get("config") == cfg.to_dict() else f"{path}: recorded with another config than today's"
    return done, note


# --- what the frames show ---------------------------------------------------------------------------


def _finite_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    x = x.reshape(len(x), -1)
    return np.isfinite(x).all(axis=1)


def window_k(modes: np.ndarray, scales: np.ndarray, box) -> tuple[float, str]:
    """(k, why) of the mode windows k·σ: K_WIDE where the K_WIDE windows are disjoint and cover ≤ VIEW_SHARE of the
    view box, else K_CORE."""
    d = np.sqrt(((modes[:, None, :] - modes[None, :, :]) ** 2).sum(-1))
    reach = K_WIDE * (scales[:, None] + scales[None, :])
    pairs = ~np.eye(len(modes), dtype=bool)
    disjoint = bool((d[pairs] > reach[pairs]).all())
    axes = [np.linspace(lo, hi, AREA_GRID) for lo, hi in box]
    grid = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    covered = np.zeros(len(grid), dtype=bool)
    for m, s in zip(modes, scales):
        covered |= ((grid - m) ** 2).sum(1) <= (K_WIDE * s) ** 2
    area = float(covered.mean())
    if disjoint and area <= VIEW_SHARE:
        return K_WIDE, f"{K_WIDE:g}σ (windows disjoint, {area:.1%} of the view)"
    why = "overlapping" if not disjoint else "disjoint"
    return K_CORE, f"{K_CORE:g}σ (3σ windows {why}, {area:.1%} of the view)"


def window_shares(samples: np.ndarray, modes: np.ndarray, scales: np.ndarray, k: float) -> np.ndarray:
    """(K,) fraction of all the samples within k·σj of mode j and nearest to j (non-finite rows in no window)."""
    x = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    ok = _finite_rows(x)
    xf = x[ok]
    d = np.sqrt(((xf[:, None, :] - modes[None, :, :]) ** 2).sum(-1))
    nearest = d.argmin(axis=1)
    inside = d[np.arange(len(xf)), nearest] <= k * scales[nearest]
    return np.bincount(nearest[inside], minlength=len(modes)) / max(len(x), 1)


class Frames:
    """Per-snapshot measurements of one recording, from its stored arrays alone."""

    def __init__(self, rec):
        self.rec = rec
        self.n = len(rec)
        self.image = rec.kind == "images"
        self.scalars = {k: np.asarray(v, dtype=np.float64) for k, v in rec.scalars.items()}
        self.nonfinite = np.zeros(self.n)
        self.outside = np.zeros(self.n)
        self.means = np.full((self.n, 0), np.nan)
        self.window, self.k = "", None
        if self.image:
            self._images()
        else:
            self._points()

    def _points(self) -> None:
        rec = self.rec
        box = np.array(rec.view_box, dtype=np.float64)
        self.modes = np.asarray(rec.modes, dtype=np.float64)
        self.scales = np.asarray(rec.mode_scales, dtype=np.float64)
        self.box = box
        dim = box.shape[0]
        self.means = np.full((self.n, dim), np.nan)
        self.se = np.full((self.n, dim), np.nan)
        has_modes = len(self.modes) >= 1 and len(self.scales) == len(self.modes)
        if has_modes:
            self.k, self.window = window_k(self.modes, self.scales, box)
            self.data_share = window_shares(rec.fixed["data_samples"], self.modes, self.scales, self.k)
            self.shares = np.zeros((self.n, len(self.modes)))
        for i in range(self.n):
            x = np.asarray(rec[i].samples, dtype=np.float64).reshape(-1, dim)
            ok = _finite_rows(x)
            xf = x[ok]
            self.nonfinite[i] = 1 - ok.mean() if len(x) else 0.0
            if len(xf):
                out = ((xf < box[:, 0]) | (xf > box[:, 1])).any(axis=1)
                self.outside[i] = out.mean()
                self.means[i] = xf.mean(axis=0)
                self.se[i] = xf.std(axis=0) / math.sqrt(len(xf))
            if has_modes:
                self.shares[i] = window_shares(x, self.modes, self.scales, self.k)

    def _images(self) -> None:
        from gananim.kinds.images.classifier import MLPClassifierWeights

        rec = self.rec
        clf = MLPClassifierWeights.from_fixed(rec.fixed)
        lo, hi = rec.value_range or (0.0, 1.0)
        k = clf.n_classes if clf is not None else int((rec.manifest.get("classifier") or {}).get("classes") or 0)
        self.class_shares = np.full((self.n, k), np.nan)
        for i in range(self.n):
            s = rec[i]
            x = s.samples
            flags = s.nonfinite
            bad = np.zeros(len(x), dtype=bool) if flags is None else np.asarray(flags).reshape(-1) != 0
            logits = s.class_logits
            if logits is None and clf is not None:
                x01 = np.asarray(x, dtype=np.float64) / 255.0 if x.dtype == np.uint8 else (x - lo) / (hi - lo)
                logits = clf.logits(x01)
            if x.dtype != np.uint8:
                bad |= ~_finite_rows(x)
            self.nonfinite[i] = bad.mean() if len(x) else 0.0
            if logits is not None and k:
                z = np.asarray(logits, dtype=np.float64)
                ok = ~bad & np.isfinite(z).all(axis=1)
                self.class_shares[i] = np.bincount(z[ok].argmax(axis=1), minlength=k)[:k] / max(len(z), 1)

    def held(self, i: int) -> np.ndarray:
        """(K,) whether each mode is held at snapshot i: its share ≥ HELD × the real samples' (and not 0)."""
        return (self.shares[i] >= HELD * self.data_share) & (self.shares[i] > 0)

    def mode_text(self, i: int, modes: list[int]) -> str:
        share, data = self.shares[i], self.data_share
        parts = [
            f"mode {m} {share[m]:.1%} (data {data[m]:.1%}, ×{share[m] / data[m]:.2f})"
            if data[m] > 0
            else f"mode {m} {share[m]:.1%} (data 0%)"
            for m in modes
        ]
        held = np.flatnonzero(self.held(i)).tolist()
        return f"step {int(self.rec.steps[i])}: {', '.join(parts)}; held {held}"

    def turns(self, axis: int) -> list[int]:
        """Snapshots where the samples' mean along `axis` turns back (a zigzag with hysteresis, see SWAY_*)."""
        x = self.means[:, axis]
        side = float(self.box[axis, 1] - self.box[axis, 0])
        h = max(SWAY_VIEW * side, SWAY_SE * float(np.nanmedian(self.se[:, axis])))
        turns, direction, lo, hi = [], 0, -1, -1
        for i, v in enumerate(x):
            if not np.isfinite(v):
                continue
            if lo < 0:
                lo = hi = i
            elif direction == 0:
                lo = i if v < x[lo] else lo
                hi = i if v > x[hi] else hi
                if x[hi] - x[lo] >= h:
                    direction = 1 if hi > lo else -1
            elif direction > 0:
                if v > x[hi]:
                    hi = i
                elif x[hi] - v >= h:
                    turns.append(hi)
                    direction, lo = -1, i
            else:
                if v < x[lo]:
                    lo = i
                elif v - x[lo] >= h:
                    turns.append(lo)
                    direction, hi = 1, i
        return turns


# --- the rules --------------------------------------------------------------------------------------


def _counts(caption: str) -> list[int]:
    """The N of "N of K modes/classes captured": [N] or [a, b] for a range."""
    m = re.search(r"collapse: ([\d–-]+) of", caption)
    return [int(v) for v in DASH.split(m.group(1)) if v] if m else []


def judge(f: Frames, e) -> tuple[bool | None, str]:
    """(supported, measured) of one event on the recording's frames; supported None where no rule applies."""
    rec = f.rec
    i, j = rec.index_at(e.start), rec.index_at(e.end)
    span = slice(i, j + 1)
    if e.kind == "convergence":
        dr, df, v = (float(np.nanmedian(f.scalars[k][span])) for k in ("d_real", "d_fake", "value"))
        ok = abs(dr - 0.5) <= CONV_TOL and abs(df - 0.5) <= CONV_TOL and abs(v - OPTIMUM) <= CONV_TOL
        return ok, f"median D(real) {dr:.3f}, D(fake) {df:.3f}, V {v:.3f} (optimum {OPTIMUM:.3f})"
    if e.kind == "vanishing_gradient":
        gap = float(np.nanmedian(f.scalars["d_real"][span] - f.scalars["d_fake"][span]))
        return gap >= VANISH_GAP, f"median D(real) − D(fake) {gap:.3f}"
    if e.kind == "divergence":
        nf, out = float(f.nonfinite[span].max()), float(f.outside[span].max())
        ok = nf >= DIV_NONFINITE or out > DIV_OUTSIDE
        where = "" if f.image else f", outside the view ≤ {out:.1%} of the finite samples"
        return ok, f"non-finite ≤ {nf:.1%}{where}"
    if e.kind == "sway" and not f.image:
        counts = [sum(i <= t <= j for t in f.turns(a)) for a in range(f.means.shape[1])]
        axes = " / ".join("xy"[: len(counts)])
        return max(counts) >= SWAY_TURNS, f"turns of the mean inside the span: {' / '.join(map(str, counts))} ({axes})"
    if e.kind == "mode_hop" and f.image:
        # "class A takes over (x% of the samples; class B led until step N)": shown while A holds the top, so A must
        # be the most common class with ≥ CLASS_HELD × x at the span's start and end; the older form ("class A takes
        # over from class B (x% …)", shown from B's last lead) is judged at the end only
        m = re.search(r"class (\d+) takes over \((<?\d+)% of the samples; class (\d+) led until", e.caption)
        ends = (i, j) if m else (j,)
        m = m or re.search(r"class (\d+) takes over from class (\d+) \((<?\d+)%", e.caption)
        if not m or not f.class_shares.shape[1]:
            return None, "caption not understood or no classes"
        if len(ends) == 2:
            new, pct, old = int(m.group(1)), m.group(2), int(m.group(3))
        else:
            new, old, pct = int(m.group(1)), int(m.group(2)), m.group(3)
        stated = 0.01 if pct.startswith("<") else int(pct) / 100
        ok = all(f.class_shares[t][new] >= CLASS_HELD * stated and np.nanargmax(f.class_shares[t]) == new for t in ends)
        end = f.class_shares[j]
        return ok, (
            f"end (step {int(rec.steps[j])}): class {new} {end[new]:.1%}, top class {int(np.nanargmax(end))} "
            f"{np.nanmax(end):.1%}; start (step {int(rec.steps[i])}): class {new} {f.class_shares[i][new]:.1%}, "
            f"class {old} {f.class_shares[i][old]:.1%}"
        )
    if e.kind == "collapse" and f.image:
        n = _counts(e.caption)
        if not n:
            return None, "caption not understood"
        present = [int((f.class_shares[t] >= CLASS_PRESENT).sum()) for t in (i, j)]
        ok = max(present) <= max(n) + COLLAPSE_SLACK
        return (
            ok,
            f"classes with ≥ {CLASS_PRESENT:.0%} of the samples: {present[0]} at the start, {present[1]} at the end",
        )
    if e.kind == "mode_hop" and f.k is not None:
        named = [int(v) for v in re.findall(r"mode (\d+)", e.caption)]
        if len(named) < 2:
            return None, "caption not understood"
        ok = bool(f.held(i)[named[0]] and f.held(j)[named[-1]])
        return ok, f"{f.window}; start {f.mode_text(i, [named[0]])}; end {f.mode_text(j, [named[-1]])}"
    if e.kind == "collapse" and f.k is not None:
        n = _counts(e.caption)
        if not n:
            return None, "caption not understood"
        held = [int(f.held(t).sum()) for t in (i, j)]
        ok = all(1 <= h <= max(n) for h in held)
        shares = " / ".join(
            " ".join(f"{s / d:.2f}" if d > 0 else "–" for s, d in zip(f.shares[t], f.data_share)) for t in (i, j)
        )
        return ok, f"{f.window}; modes held {held[0]} at the start, {held[1]} at the end (×data share: {shares})"
    return None, f"no rule for {e.kind}"


def span_note(f: Frames, e) -> tuple[bool, str]:
    """A note on a hop, beside the verdict: in how many of the span's snapshots its new mode is held (points) or its
    new class is the top class (images); weak when in fewer than SPAN_WEAK of them."""
    i, j = f.rec.index_at(e.start), f.rec.index_at(e.end)
    if e.kind != "mode_hop":
        return False, ""
    if f.image:
        m = re.search(r"class (\d+) takes over", e.caption)
        if not m or not f.class_shares.shape[1]:
            return False, ""
        new = int(m.group(1))
        shown = [bool(np.nanargmax(f.class_shares[t]) == new) for t in range(i, j + 1)]
        what = f"class {new} top"
    else:
        named = [int(v) for v in re.findall(r"mode (\d+)", e.caption)]
        if f.k is None or len(named) < 2:
            return False, ""
        new = named[-1]
        shown = [bool(f.held(t)[new]) for t in range(i, j + 1)]
        what = f"mode {new} held"
    return sum(shown) < SPAN_WEAK * len(shown), f"{what} in {sum(shown)}/{len(shown)} snapshots of the span"


def audit(name: str, path: Path) -> tuple[list[Verdict], Frames]:
    from gananim.analysis import analyse
    from gananim.recording.reader import load

    rec = load(path)
    frames = Frames(rec)
    verdicts = []
    for e in analyse(rec).events:
        ok, measured = judge(frames, e)
        weak, note = span_note(frames, e)
        measured += f"; {note}" if note else ""
        verdicts.append(Verdict(name, e.kind, e.start, e.end, e.caption, ok, measured, bool(ok and weak)))
    return verdicts, frames


# --- the command ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    from gananim.lab import list_presets

    names = [n for n, _ in list_presets()]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=names, help="these presets only (default: all)")
    ap.add_argument("--jobs", type=int, default=1, help="recordings at a time, one process each (default 1)")
    ap.add_argument("--out", default=OUT, help=f"where the recordings go (default {OUT})")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="skip recording a preset whose folder holds a finished recording (noted if its config is not today's)",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 if any caption is unsupported")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error("--jobs must be >= 1")
    chosen = args.only or names
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    times_file = out / TIMES
    times = json.loads(times_file.read_text()) if times_file.exists() else {}

    work = []
    for name in chosen:
        done, note = finished(out / name, name) if args.reuse else (False, "")
        if note:
            print(f"note: {note} (reused)", flush=True)
        if not done:
            work.append(name)
    print(
        f"caption_audit: {len(chosen)} preset(s), {len(work)} to record into {out.resolve()}, {args.jobs} at a time; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    work.sort(key=lambda n: -times.get(n, {}).get("cpu_s", 0))  # the long runs first: no straggler at the end
    t0, c0 = time.perf_counter(), os.times()
    if work:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            for fut in as_completed([pool.submit(record, name, str(out)) for name in work]):
                r = fut.result()
                times[r["name"]] = r
                times_file.write_text(json.dumps(times, indent=1))
                took = f"{r['cpu_s']:.0f} s CPU, {r['wall_s']:.0f} s wall"
                print(f"  [{time.perf_counter() - t0:6.0f} s] {r['name']}: {took}", flush=True)
        c1 = os.times()
        cpu = c1.children_user - c0.children_user + c1.children_system - c0.children_system
        print(
            f"recorded {len(work)} preset(s) in {(time.perf_counter() - t0) / 60:.1f} min wall, {cpu / 60:.1f} min CPU"
        )

    t1 = time.perf_counter()
    rows, bad, unchecked, checked_all = [], [], [], []
    for name in chosen:
        verdicts, frames = audit(name, out / name)
        kinds = Counter(v.kind for v in verdicts)
        checked = [v for v in verdicts if v.supported is not None]
        checked_all += checked
        bad += [v for v in checked if not v.supported]
        unchecked += [v for v in verdicts if v.supported is None]
        by_kind = ", ".join(f"{k} {c}" for k, c in sorted(kinds.items())) or "none"
        window = frames.window or ("classes (stored classifier)" if frames.image else "–")
        t = times.get(name)
        took = f"{t['cpu_s'] / 60:.1f} / {t['wall_s'] / 60:.1f} min" if t else "–"
        good = sum(bool(v.supported) for v in checked)
        rows.append(f"| {name} | {window} | {by_kind} | {good}/{len(checked)} | {took} |")
    print(f"audited in {time.perf_counter() - t1:.0f} s\n")
    print("| preset | mode window | events (by kind) | supported/total | recording CPU / wall |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    total = len(checked_all)
    print(f"| **all** | | | {total - len(bad)}/{total} | |")
    if bad:
        print("\nUnsupported captions:\n\n| preset | kind | steps | caption | measured |\n|---|---|---|---|---|")
        for v in bad:
            print(f"| {v.preset} | {v.kind} | {v.start}–{v.end} | {v.caption} | {v.measured} |")
    weak = [v for v in checked_all if v.weak]
    if weak:
        print(
            f"\nSupported, but the new mode / class shows in fewer than {SPAN_WEAK:.0%} of the span's snapshots "
            "(a note, not a verdict):\n\n| preset | kind | steps | caption | measured |\n|---|---|---|---|---|"
        )
        for v in weak:
            print(f"| {v.preset} | {v.kind} | {v.start}–{v.end} | {v.caption} | {v.measured} |")
    if unchecked:
        print("\nUnchecked (no rule):\n")
        for v in unchecked:
            print(f"- {v.preset} {v.kind} {v.start}–{v.end}: {v.caption} ({v.measured})")
    print(f"\n{len(bad)} unsupported caption(s) of {total}")
    return 1 if args.strict and bad else 0


if __name__ == "__main__":
    sys.exit(main())
