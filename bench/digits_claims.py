"""The digits presets' claims, checked on their recordings: class coverage over training, and the collapse.

Each preset is recorded exactly as `gananim record NAME` records it (gananim.lab.train.run, the preset's config
untouched) into OUT/NAME, one after the other; then each recording is read back with `gananim.load` and measured
by `gananim.analysis.analyse`, i.e. gananim.kinds.images.metrics on the stored samples with the classifier stored in the
recording. One table is printed: class coverage (classes captured, reverse KL to the data's class frequencies,
Fréchet distance of the classifier's features) at the start, middle and end of training, then each claim.

    .venv/bin/python bench/digits_claims.py                  # record the four presets (~2.5 min of CPU), check
    .venv/bin/python bench/digits_claims.py --reuse          # re-check recordings already in OUT
    .venv/bin/python bench/digits_claims.py --only digits-collapse

Time: CPU time of the run (user + system, os.times(), imports excluded), which is the wall time on a quiet machine
with a core to itself (the lab trains with one torch thread); the wall time is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

PRESETS = ("digits", "digits-dcgan", "digits-collapse", "digits-conditional")
LIMIT_S = 180.0  # each digits preset within 3 minutes on 2 cores (issue 11)
TAIL = 0.1  # "at the end" = median over the last 10% of the snapshots (one snapshot of 256 samples is noisy)
MANY = 8  # digits / digits-dcgan: "digits of many classes": at least 8 of the 10 classes captured at the end ...
FRECHET_DROP = 0.3  # ... and the Fréchet distance at the end at most 0.3 × the untrained G's (step 0)
FEW = 3  # digits-collapse: at most 3 of 10 classes captured (the collapse event's limit, 30% of K) ...
COLLAPSED_SHARE = 0.8  # ... in at least 80% of the snapshots after the first 10%, with a `collapse` event
AS_ASKED = 0.9  # digits-conditional: "one row per digit": at least 90% of the samples drawn as the class asked for
#                 (label_match, by the stored classifier) at the end, besides digits' own claim


def record(name: str, out: Path) -> dict:
    """Record preset `name` into out/name; CPU and wall time."""
    from gananim.lab import load_preset
    from gananim.lab.train import run

    cfg = load_preset(name)
    t0, w0 = os.times(), time.perf_counter()
    run(cfg, out / name, overwrite=True)
    t1 = os.times()
    return {"cpu_s": t1.user - t0.user + t1.system - t0.system, "wall_s": time.perf_counter() - w0}


def coverage_row(name: str, rec, a, i: int) -> str:
    s = a.series
    return (
        f"| {name} | {int(rec.steps[i])} | {s['classes_captured'][i]:.0f} | {s['class_kl'][i]:.3f} | "
        f"{s['frechet'][i]:.1f} | {s['top_share'][i]:.2f} |"
    )


def tail(values: np.ndarray) -> float:
    return float(np.nanmedian(values[len(values) - max(1, round(TAIL * len(values))) :]))


def claim(name: str, rec, a) -> tuple[str, str, bool]:
    """(claim, measured, holds) of one preset."""
    s = a.series
    if name == "digits-collapse":
        after = s["classes_captured"][max(1, round(0.1 * len(rec))) :]
        share = float(np.mean(after <= FEW))
        events = [e for e in a.events if e.kind == "collapse"]
        measured = (
            f"≤ {FEW} classes in {share:.0%} of snapshots after the first 10%; "
            f"collapse events: {'; '.join(f'{e.start}–{e.end} {e.caption}' for e in events) or 'none'}"
        )
        return (
            f"collapses onto ≤ {FEW} classes (≥ {COLLAPSED_SHARE:.0%} of the run) with a collapse event",
            measured,
            share >= COLLAPSED_SHARE and bool(events),
        )
    end_classes, end_f, start_f = tail(s["classes_captured"]), tail(s["frechet"]), float(s["frechet"][0])
    measured = f"classes at the end {end_classes:.0f}; Fréchet {start_f:.1f} → {end_f:.1f} ({end_f / start_f:.2f}×)"
    text, holds = f"≥ {MANY} classes at the end, Fréchet ≤ {FRECHET_DROP}× step 0's", end_classes >= MANY
    holds = holds and end_f <= FRECHET_DROP * start_f
    if name == "digits-conditional":
        match, start_m = tail(s["label_match"]), float(s["label_match"][0])
        text += f"; ≥ {AS_ASKED:.0%} of the samples drawn as the class asked for at the end"
        measured += f"; drawn as asked {start_m:.2f} → {match:.2f}"
        holds = holds and match >= AS_ASKED
    return text, measured, holds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/digits-claims")
    parser.add_argument("--only", nargs="+", default=list(PRESETS), choices=PRESETS)
    parser.add_argument("--reuse", action="store_true", help="check recordings already in OUT instead of recording")
    args = parser.parse_args(argv)
    from gananim.analysis import analyse
    from gananim.recording.reader import load

    out = Path(args.out)
    times = {} if args.reuse else {name: record(name, out) for name in args.only}
    recs = {name: load(out / name) for name in args.only}
    analyses = {name: analyse(rec) for name, rec in recs.items()}
    clf = next(iter(recs.values())).manifest.get("classifier") or {}
    print(f"classifier: {clf.get('name')} (held-out accuracy {clf.get('accuracy', float('nan')):.1%})")
    print("| preset | step | classes captured | reverse KL | Fréchet | top share |\n|---|---|---|---|---|---|")
    for name, rec in recs.items():
        for i in (0, len(rec) // 2, len(rec) - 1):
            print(coverage_row(name, rec, analyses[name], i))
    print("\n| preset | claim | measured | holds? | time (CPU / wall) |\n|---|---|---|---|---|")
    failed = 0
    for name, rec in recs.items():
        text, measured, holds = claim(name, rec, analyses[name])
        t = times.get(name)
        ok_time = t is None or t["cpu_s"] <= LIMIT_S
        when = f"{t['cpu_s']:.0f} s / {t['wall_s']:.0f} s" if t else "(reused)"
        failed += not (holds and ok_time)
        print(f"| {name} | {text} | {measured} | {'yes' if holds and ok_time else 'NO'} | {when} |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
