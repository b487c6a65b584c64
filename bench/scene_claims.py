"""Every explainer's story checked by numbers at its defaults (issue 23): the runs each scene names in
gananim.rendering.catalogue, recorded exactly as `gananim scene NAME` records them (the presets untouched, into
OUT/PRESET, reused where OUT already holds them at their defaults: gananim.cli.scene_runs.plan_run), then each
story's rule (gananim.rendering.stories: the same rule the scene's closing card states) on them. One table:
scene, runs, claim, measured, holds?; then each run's time. Exit status 1 when a story does not hold.

    .venv/bin/python bench/scene_claims.py                    # every scene; records what runs/ lacks
    .venv/bin/python bench/scene_claims.py --only collapse    # one scene
    .venv/bin/python bench/scene_claims.py --out /tmp/scenes  # somewhere else than runs/

Time: CPU time of each recording (user + system, os.times() around the run, imports excluded), which is its wall
time on a quiet machine with a core to itself (the lab trains with one torch thread); the wall time beside it is
inflated by whatever else runs on a shared machine (the load average is printed). Times of reused runs come
from OUT/scene_times.json, written when they were recorded here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from gananim.cli.scene_runs import REUSE, plan_run
from gananim.lab import load_preset
from gananim.lab.train import run
from gananim.recording.reader import load
from gananim.rendering.catalogue import SCENES
from gananim.rendering.stories import check_story

TIMES = "scene_times.json"


def ensure(preset: str, out: Path, times: dict) -> Path:
    """OUT/PRESET at the preset's defaults: reused, or recorded (resumed) here and timed."""
    cfg = load_preset(preset)
    path = out / preset
    action, _ = plan_run(path, cfg.to_dict())
    if action != REUSE:
        t0, w0 = os.times(), time.perf_counter()
        run(cfg, path, resume=True)
        t1 = os.times()
        times[preset] = {
            "cpu_s": t1.user - t0.user + t1.system - t0.system,
            "wall_s": time.perf_counter() - w0,
            "steps": cfg.steps,
            "resumed": action != "record",
        }
        saved = json.loads((out / TIMES).read_text()) if (out / TIMES).is_file() else {}  # another bench's too
        (out / TIMES).write_text(json.dumps(saved | {preset: times[preset]}, indent=1))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("runs"))
    ap.add_argument("--only", nargs="+", choices=list(SCENES), help="check only these scenes")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    times_file = args.out / TIMES
    times = json.loads(times_file.read_text()) if times_file.is_file() else {}
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows, failed = [], 0
    for name in args.only or SCENES:
        entry = SCENES[name]
        recs = [load(ensure(p, args.out, times)) for p in entry.runs]
        story = check_story(name, recs)
        failed += not story.holds
        rows.append((name, " ".join(entry.runs), story))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| scene | runs | story (claim) | measured | holds |")
    print("|---|---|---|---|---|")
    for name, runs, s in rows:
        print(f"| {name} | {runs} | {s.claim} | {s.measured} | {'yes' if s.holds else '**NO**'} |")
    times = json.loads(times_file.read_text()) if times_file.is_file() else times
    print("\n| run | steps | CPU (quiet wall) | wall here |")
    print("|---|---|---|---|")
    for preset in dict.fromkeys(p for name in args.only or SCENES for p in SCENES[name].runs):
        t = times.get(preset)
        cpu = f"{t['cpu_s'] / 60:.1f} min" if t else "–"
        wall = f"{t['wall_s'] / 60:.1f} min" if t else "– (recorded elsewhere)"
        print(f"| {preset} | {load_preset(preset).steps} | {cpu} | {wall} |")
    print(f"\n{len(rows) - failed} of {len(rows)} stories hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
