"""Every preset recorded at its defaults, its seed's claim checked by numbers, and its run time.

Each preset is recorded exactly as `gananim record NAME` records it (gananim.lab.train.run, the preset's
config untouched) into OUT/NAME, one process per run; then bench/preset_claims.py reads each recording
back with `gananim.load` and checks the claim of the write-up the preset comes from, with the thresholds
stated there. The ring8 family (ring8, ring8-unrolled, ring8-pac) is also recorded at seeds 1..S-1
(--seeds S, default 3), since its claim compares mode counts over seeds. One table is printed:
preset, source, claim, measured, holds?, time.

Time. The lab trains and records with one torch thread (gananim.lab.train.LAB_THREADS), so a run's
CPU time (user + system, os.times() around `run` in its own process, imports excluded) is what its
wall time is on a quiet machine with a core to itself; that is the "quiet" column, and the claim
"≤ 3 min" is checked on it. The wall time measured here is printed beside it: on a shared machine it
is inflated by whatever else runs (the load average is printed at the start and the end). CPU time
itself can be inflated a little by neighbours sharing caches, so the projection errs on the long
side. `gananim record` adds about 2 s of imports.

    .venv/bin/python bench/bench_presets.py                      # every preset; ~25 min of CPU
    .venv/bin/python bench/bench_presets.py --only strong-d noisy
    .venv/bin/python bench/bench_presets.py --jobs 2 --seeds 3    # 2 runs at a time (a calm machine only)
    .venv/bin/python bench/bench_presets.py --reuse               # re-check recordings already in OUT
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import preset_claims

LIMIT_S = 180.0  # every preset's default run within 3 minutes on a quiet 2-core machine (issue 10)
RING_FAMILY = ("ring8", "ring8-unrolled", "ring8-pac")  # recorded at --seeds seeds: their claim compares seeds
TIMES = "bench_times.json"  # OUT/bench_times.json: each run's times, so --reuse can print them again


def run_dir(out: Path, name: str, seed: int, default_seed: int) -> Path:
    return out / (name if seed == default_seed else f"{name}-seed{seed}")


def record(name: str, seed: int, out: str) -> dict:
    """Record preset `name` at `seed` (everything else at its defaults) into its folder under `out`; time it."""
    from gananim.lab import load_preset
    from gananim.lab.train import run

    cfg = load_preset(name)
    default_seed, cfg.seed = cfg.seed, seed
    path = run_dir(Path(out), name, seed, default_seed)
    t0, w0 = os.times(), time.perf_counter()
    run(cfg, path, overwrite=True)
    t1 = os.times()
    return {
        "name": name,
        "seed": seed,
        "path": str(path),
        "cpu_s": t1.user - t0.user + t1.system - t0.system,
        "wall_s": time.perf_counter() - w0,
        "steps": cfg.steps,
    }


def is_complete(path: Path, name: str, seed: int) -> bool:
    """Whether `path` holds a finished recording of preset `name` at `seed` with today's config."""
    from gananim.errors import GananimError
    from gananim.lab import load_preset
    from gananim.recording.reader import load

    cfg = load_preset(name)
    cfg.seed = seed
    try:
        rec = load(path)
    except GananimError:
        return False
    return rec.manifest.get("config") == cfg.to_dict() and len(rec) > 0 and int(rec.steps[-1]) == cfg.steps


def main(argv=None) -> int:
    from gananim.lab import list_presets, load_preset

    names = [n for n, _ in list_presets()]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=names, help="these presets only (default: all)")
    ap.add_argument(
        "--jobs", type=int, default=1, help="runs at a time, one process each (default 1; 2 only on a calm machine)"
    )
    ap.add_argument("--seeds", type=int, default=3, help="seeds 0..S-1 for the ring8 family (default 3)")
    ap.add_argument("--out", default="runs/bench", help="where the recordings go (default runs/bench)")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="keep finished recordings of the same config in OUT instead of recording again",
    )
    args = ap.parse_args(argv)
    if args.jobs < 1 or args.seeds < 1:
        ap.error("--jobs and --seeds must be >= 1")
    chosen = args.only or names
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    times_file = out / TIMES
    times = json.loads(times_file.read_text()) if times_file.exists() else {}

    work = []
    for name in chosen:
        default_seed = load_preset(name).seed
        seeds = (
            [default_seed] + [s for s in range(args.seeds) if s != default_seed]
            if name in RING_FAMILY
            else [default_seed]
        )
        for seed in seeds:
            path = run_dir(out, name, seed, default_seed)
            if args.reuse and f"{name}@{seed}" in times and is_complete(path, name, seed):
                continue
            work.append((name, seed))
    print(
        f"bench_presets: {len(chosen)} preset(s), {len(work)} run(s) to record into {out}, {args.jobs} at a time; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    # the long runs first, so that the pool does not end on one straggler
    work.sort(key=lambda w: -times.get(f"{w[0]}@{w[1]}", {}).get("cpu_s", 0))
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
        futures = [pool.submit(record, name, seed, str(out)) for name, seed in work]
        for f in as_completed(futures):
            r = f.result()
            times[f"{r['name']}@{r['seed']}"] = r
            on_disk = json.loads(times_file.read_text()) if times_file.exists() else {}  # another bench may share OUT
            times_file.write_text(json.dumps(on_disk | {f"{r['name']}@{r['seed']}": r}, indent=1))
            print(
                f"  [{time.perf_counter() - t0:6.0f} s] {r['name']} seed {r['seed']}: {r['steps']} steps, "
                f"{r['cpu_s']:.0f} s CPU, {r['wall_s']:.0f} s wall",
                flush=True,
            )

    from gananim.recording.reader import load

    runs = {}
    for name in chosen:
        default_seed = load_preset(name).seed
        seeds = (
            [default_seed] + [s for s in range(args.seeds) if s != default_seed]
            if name in RING_FAMILY
            else [default_seed]
        )
        runs[name] = [load(run_dir(out, name, s, default_seed)) for s in seeds]
    print()
    print("| preset | source | claim | measured | holds? | time: quiet (CPU) / measured wall |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for name in chosen:
        v = preset_claims.CLAIMS[name](runs)
        t = times[f"{name}@{load_preset(name).seed}"]
        fast = t["cpu_s"] <= LIMIT_S
        holds = "n/a" if v.holds is None else "yes" if v.holds else "**no**"
        failed += (v.holds is False) + (not fast)
        print(
            f"| {name} | {preset_claims.SOURCES[name]} | {v.claim} | {v.measured} | {holds} | "
            f"{t['cpu_s'] / 60:.1f} min{'' if fast else ' **> 3 min**'} / {t['wall_s'] / 60:.1f} min |",
            flush=True,
        )
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}; {failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
