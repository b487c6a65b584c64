"""Mode coverage on ring8 / grid25 for a plain GAN, the Unrolled GAN and PacGAN2, beside the published tables.

The VEEGAN / PacGAN protocol (design.md §4): train, draw 2,500 generator samples, call a sample high quality
if it lies within 3 sigma of its nearest mode, and count the modes nearest to at least one high-quality
sample (`gananim.kinds.points.metrics.mode_coverage`). Each (target, method, seed) is one lab run (`gananim.lab.train.fit`:
the lab's own training loop, no Recorder, no video) in its own process with one torch thread.

The published runs train 400 epochs over 100k samples (about 400k updates); a CPU machine cannot, so
--steps sets a much smaller budget and the table says which. Numbers after a short budget measure
how a method behaves EARLY in training, not where it ends: never quote them without the config printed
beside them (the papers' own plain-GAN baselines disagree for want of one).

    .venv/bin/python bench/bench_modes.py --calibrate 60        # ms per step of each method, projected wall time
    .venv/bin/python bench/bench_modes.py --steps 600 --seeds 5 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

TARGETS = ("ring8", "grid25")
# method -> train overrides on the target's preset (ring8.toml / grid25.toml: PacGAN's configuration)
METHODS = {
    "gan": {},
    "unrolled": {"unroll_steps": 5, "unroll_optimizer": "adam"},  # as presets/ring8-unrolled.toml
    "unrolled-sgd": {"unroll_steps": 5, "unroll_optimizer": "sgd"},  # the SGD simplification (not run by default)
    "pacgan2": {"pack": 2},  # as presets/ring8-pac.toml
}
DEFAULT_METHODS = ("gan", "unrolled", "pacgan2")
N_SAMPLES = 2_500  # the protocol's sample count
DEFAULT_STEPS = 600  # 2 targets x 3 methods x 5 seeds within 30 min on the shared 2-core machine: --calibrate 100
# measured 48-72 ms/step plain and PacGAN2, 360-430 ms/step unrolled (2 jobs, under other users' load); the full
# bench took 17.5 min at 600 steps and 29.7 min at 1000 (too close to the limit to be the default)

# design.md §4. VEEGAN Table 1: modes / % high quality (no error bars). PacGAN Table 1 (10 trials, +- s.e.):
# modes / % high quality / reverse KL.
PUBLISHED = {
    ("ring8", "gan"): "VEEGAN: 1 / 99.3        PacGAN: 6.3±0.5 / 98.2±0.2 / KL 0.45±0.09",
    ("ring8", "unrolled"): "VEEGAN: 7.6 / 35.6",
    ("ring8", "pacgan2"): "PacGAN: 7.9±0.1 / 95.6±2.0 / KL 0.07±0.03",
    ("grid25", "gan"): "VEEGAN: 3.3 / 0.5        PacGAN: 17.3±0.8 / 94.8±0.7 / KL 0.70±0.07",
    ("grid25", "unrolled"): "VEEGAN: 23.6 / 16",
    ("grid25", "pacgan2"): "PacGAN: 23.8±0.7 / 91.3±0.8 / KL 0.13±0.04",
}
OTHER_PUBLISHED = (
    "VEEGAN Table 1 also lists ALI (ring 2.8 / 0.13, grid 15.8 / 1.6) and VEEGAN (ring 8 / 52.9, "
    "grid 24.6 / 40); PacGAN Table 1 PacGAN4 (ring 7.8±0.1 / 95.9±1.4 / 0.07±0.02, "
    "grid 24.8±0.2 / 93.6±0.6 / 0.04±0.01)."
)
PUBLISHED_SETUP = (
    "PacGAN's setup: ring sigma 0.01 radius 1, grid sigma 0.05 at {-4,-2,0,2,4}^2, z ~ N(0, I_2), "
    "G 4x400 ReLU + batch norm, D 3x200 maxout (5 pieces), Adam 1e-4 beta1 0.8, batch 100, "
    "400 epochs over 100k samples (~400k updates). VEEGAN's baseline setup differs (its GAN rows "
    "collapse to 1 / 3.3 modes), which is why the two papers' plain-GAN rows disagree."
)


def config_for(target: str, method: str, seed: int, steps: int):
    from gananim.lab import load_preset

    cfg = load_preset(target)
    cfg.seed, cfg.steps = seed, steps
    for key, value in METHODS[method].items():
        setattr(cfg.train, key, value)
    return cfg.validate()


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)


def reverse_kl_over_modes(samples: np.ndarray, modes: np.ndarray, eps: float = 1e-10) -> float:
    """KL(q || uniform) where q is the share of ALL samples nearest each mode (a mode histogram of the generator)."""
    d2 = ((samples[:, None, :] - modes[None, :, :]) ** 2).sum(-1)
    q = np.bincount(d2.argmin(axis=1), minlength=len(modes)) / len(samples)
    q = (q + eps) / (q + eps).sum()
    return float((q * np.log(q * len(modes))).sum())


def one_run(target: str, method: str, seed: int, steps: int, n_samples: int = N_SAMPLES) -> dict:
    """Train one (target, method, seed) with the lab and score n_samples generator samples."""
    import torch

    from gananim.kinds.points.metrics import mode_coverage
    from gananim.kinds.points.targets import make_target
    from gananim.lab.train import fit

    torch.set_num_threads(1)
    cfg = config_for(target, method, seed, steps)
    t0 = time.perf_counter()
    lab = fit(cfg)
    train_s = time.perf_counter() - t0
    G = lab.generator
    G.eval()  # batch norm with its running statistics, as the Recorder draws samples
    gen = torch.Generator().manual_seed(10_000 + seed)  # the scored latents: apart from training's streams
    with torch.no_grad():
        samples = G(torch.randn(n_samples, cfg.latent.dim, generator=gen)).double().numpy()
    tgt = make_target(cfg.target)
    modes, scales = np.asarray(tgt.modes), np.asarray(tgt.mode_scales)
    cov = mode_coverage(samples, modes, scales)
    return {
        "target": target,
        "method": method,
        "seed": seed,
        "steps": steps,
        "modes": cov.captured,
        "n_modes": len(modes),
        "hq": 100.0 * cov.hq_share,
        "rkl": reverse_kl_over_modes(samples, modes),
        "finite": bool(np.isfinite(samples).all()),
        "train_s": train_s,
    }


def _ms_per_step(target: str, method: str, steps: int) -> float:
    import torch

    from gananim.lab.train import fit

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    fit(config_for(target, method, 0, steps))
    return 1000 * (time.perf_counter() - t0) / steps


def mean_se(values) -> str:
    v = np.asarray(values, dtype=np.float64)
    if len(v) < 2:
        return f"{v.mean():.2f}"
    return f"{v.mean():.2f}±{v.std(ddof=1) / math.sqrt(len(v)):.2f}"


def describe_config(targets, methods, steps: int, seeds) -> list[str]:
    lines = []
    for target in targets:
        cfg = config_for(target, "gan", 0, steps)
        tr, g, d = cfg.train, cfg.generator, cfg.discriminator
        go, do = tr.g_optimizer, tr.d_optimizer
        lines.append(f"  {target}: target {json.dumps(cfg.target)}, latent {cfg.latent.dim}D {cfg.latent.prior}")
        lines.append(
            f"    G: MLP {g.hidden} {g.activation}{' + batch norm' if g.batch_norm else ''}"
            f"{f' maxout {g.maxout}' if g.maxout else ''} -> 2;  D: MLP {d.hidden} "
            f"{f'maxout ({d.maxout} pieces)' if d.maxout else d.activation}{' + batch norm' if d.batch_norm else ''} -> 1 logit"
        )
        lines.append(
            f"    loss {tr.loss}; {tr.d_steps} D + {tr.g_steps} G update(s) per step; batch {tr.batch_size} "
            f"(packs, for PacGAN); steps {steps}; seeds {list(seeds)}"
        )
        lines.append(
            f"    G optimiser {go.name} lr {go.lr:g} betas {tuple(go.betas)}; D optimiser {do.name} lr {do.lr:g} "
            f"betas {tuple(do.betas)}; instance noise {tr.instance_noise}"
        )
    for method in methods:
        extra = METHODS[method]
        lines.append(
            f"  method {method}: "
            + (", ".join(f"train.{k} = {v!r}" for k, v in extra.items()) or "plain GAN (unroll_steps 0, pack 1)")
        )
    lines.append(
        f"  scoring: {N_SAMPLES} samples from G in eval mode (batch-norm running stats), z ~ N(0, I) seeded "
        "10000 + seed; 3-sigma protocol (gananim.kinds.points.metrics.mode_coverage); rev KL = KL(mode histogram of all "
        "samples, each assigned to its nearest mode || uniform)"
    )
    return lines


def calibrate(targets, methods, steps: int, jobs: int, seeds: int) -> None:
    """Time `steps` steps of each (target, method), `jobs` at a time, and project the full bench's wall time."""
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    work = [(t, m) for t in targets for m in methods]
    ms = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(_ms_per_step, t, m, steps): (t, m) for t, m in work}
        for f in as_completed(futures):
            ms[futures[f]] = f.result()
    print(
        f"calibration: {steps} steps per (target, method), {jobs} process(es) at a time, "
        f"{time.perf_counter() - t0:.0f} s"
    )
    for (t, m), v in sorted(ms.items()):
        print(f"  {t:7s} {m:13s} {v:7.1f} ms/step")
    per_step_core_s = sum(ms.values()) / 1000 * seeds
    for budget in (500, 750, 1000, 1250, 1500, 2000, 3000):
        print(
            f"  steps {budget:5d}: projected wall {per_step_core_s * budget / jobs / 60:5.1f} min "
            f"({seeds} seeds, {jobs} jobs, perfect packing)"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 per (target, method) (default 5)")
    ap.add_argument(
        "--steps", type=int, default=DEFAULT_STEPS, help=f"training steps per run (default {DEFAULT_STEPS})"
    )
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: ring8,grid25")
    ap.add_argument("--methods", default=",".join(DEFAULT_METHODS), help=f"comma-separated, of {','.join(METHODS)}")
    ap.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parallel processes, one torch thread each"
    )
    ap.add_argument(
        "--calibrate",
        type=int,
        metavar="STEPS",
        default=0,
        help="only time STEPS steps of each (target, method) and project the bench's wall time",
    )
    args = ap.parse_args(argv)
    targets = [t for t in args.targets.split(",") if t]
    methods = [m for m in args.methods.split(",") if m]
    for t in targets:
        if t not in TARGETS:
            ap.error(f"unknown target {t!r}; choose from {', '.join(TARGETS)}")
    for m in methods:
        if m not in METHODS:
            ap.error(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
    if args.seeds < 1 or args.steps < 1 or args.jobs < 1:
        ap.error("--seeds, --steps and --jobs must be >= 1")
    if args.calibrate:
        calibrate(targets, methods, args.calibrate, args.jobs, args.seeds)
        return 0

    import torch

    seeds = range(args.seeds)
    print(
        f"bench_modes: {len(targets)} target(s) x {len(methods)} method(s) x {args.seeds} seed(s), "
        f"{args.steps} steps each, {args.jobs} process(es) x 1 torch thread (torch {torch.__version__}, "
        f"{os.cpu_count()} CPU cores)"
    )
    print(
        f"budget: {args.steps} updates per run, against the published ~400k (400 epochs x 100k samples / batch 100):"
        f" {100 * args.steps / 400_000:.2g}% of it"
    )
    print("config (each target's preset, gananim/lab/presets/<target>.toml, with these overrides):")
    for line in describe_config(targets, methods, args.steps, seeds):
        print(line)
    print(flush=True)

    # the slow runs (unrolled) first, so the pool does not end on one long straggler
    work = sorted(
        ((t, m, s) for t in targets for m in methods for s in seeds),
        key=lambda w: (METHODS[w[1]].get("unroll_steps", 0) == 0, w),
    )
    t0 = time.perf_counter()
    results = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = [pool.submit(one_run, t, m, s, args.steps) for t, m, s in work]
        for f in as_completed(futures):
            r = f.result()
            results.append(r)
            print(
                f"  [{time.perf_counter() - t0:6.0f} s] {r['target']:7s} {r['method']:13s} seed {r['seed']}: "
                f"{r['modes']}/{r['n_modes']} modes, {r['hq']:5.1f}% high quality, rev KL {r['rkl']:.2f} "
                f"(trained in {r['train_s']:.0f} s){'' if r['finite'] else '  NON-FINITE SAMPLES'}",
                flush=True,
            )
    wall = time.perf_counter() - t0

    print()
    print(
        f"mode coverage after {args.steps} steps (mean ± standard error over {args.seeds} seeds; "
        f"{N_SAMPLES} samples, 3-sigma protocol)"
    )
    header = f"{'target':7s} {'method':13s} {'modes':>11s} {'high quality %':>15s} {'rev KL':>11s}   published after ~400k updates (modes / HQ %)"
    print(header)
    print("-" * len(header))
    for t in targets:
        for m in methods:
            rs = [r for r in results if r["target"] == t and r["method"] == m]
            n_modes = rs[0]["n_modes"]
            print(
                f"{t:7s} {m:13s} {mean_se([r['modes'] for r in rs]):>8s}/{n_modes:<2d} "
                f"{mean_se([r['hq'] for r in rs]):>15s} {mean_se([r['rkl'] for r in rs]):>11s}   "
                f"{PUBLISHED.get((t, m), '-')}"
            )
            print(
                f"{'':21s} per seed: modes {[r['modes'] for r in sorted(rs, key=lambda r: r['seed'])]}, "
                f"HQ % {[round(r['hq'], 1) for r in sorted(rs, key=lambda r: r['seed'])]}"
            )
    print()
    print(OTHER_PUBLISHED)
    print(PUBLISHED_SETUP)
    train_core_s = sum(r["train_s"] for r in results)
    print(
        f"total wall time: {wall:.0f} s ({wall / 60:.1f} min) for {len(results)} runs; {train_core_s:.0f} s of "
        f"training summed over processes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
