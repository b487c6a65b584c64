"""What a conditional snapshot costs (issue 20, point 2): an images snapshot of G(z, y) and D(x, y) against a plain
one of the same-sized G(z) and D(x), and against the conditional training step it sits beside.

    python bench/bench_conditional.py [--snapshots 30] [--steps 200] [--repeats 5] [--threads 1]

The models are the digits-conditional preset's (gananim.lab: MLP G 32+10 -> 128 -> 256 -> 64, D 64+10 -> 256 -> 128
-> 1, the labels as one-hot columns) and, for the plain snapshot, the digits preset's (the same MLPs without the 10
label columns), both recorded with the default images options (128 stored samples, 64 in the grid: 60 for 10
classes, 128 real, 16 in the gradient batch). Per repeat, interleaved (plain, conditional, then the reverse order):
- snapshot: `--snapshots` snapshots back to back (Recorder.step at every=1: the probes and their buffering), then
  the flush that finishes them together (quantising, histograms) and writes them, per snapshot, CPU seconds;
- step: `--steps` iterations of the preset's conditional training loop (a D step and a G step on batches of 256,
  real labels beside real images, uniform labels for G), CPU seconds per step, with no Recorder.
Each figure is the median over the repeats; the overhead at every=N is snapshot / (N x step). CPU time (this
process's) is the work done whatever else runs on the machine; wall time is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gananim import Labels, ProbeOptions, Recorder  # noqa: E402
from gananim.lab import game  # noqa: E402
from gananim.lab.image_data import make_data  # noqa: E402
from gananim.lab.presets import load_preset  # noqa: E402
from gananim.lab.state import LabState  # noqa: E402


def snapshot_cost(conditional: bool, n: int) -> tuple[float, float]:
    """(CPU, wall) seconds per snapshot: n snapshots back to back, plus their finishing and writing at one flush."""
    cfg = load_preset("digits-conditional" if conditional else "digits")
    data = make_data(cfg.target)
    lab = LabState(cfg, data)
    extra = {"labels": data.labels, "conditional": Labels(10)} if conditional else {}
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(Path(tmp) / "r", lab.generator, lab.discriminator, data=data.images, every=1,
                       latent_shape=lab.latent_shape, probes=ProbeOptions(flush_secs=1e9), **extra)  # fmt: skip
        rec.step(0)
        rec.flush()  # the first snapshot's one-off costs apart
        t0, c0 = time.perf_counter(), time.process_time()
        for step in range(1, n + 1):
            rec.step(step)
        rec.flush()
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        rec.close()
    return cpu / n, wall / n


def step_cost(steps: int) -> tuple[float, float]:
    """(CPU, wall) seconds per iteration of the conditional digits training loop, unrecorded."""
    cfg = load_preset("digits-conditional")
    lab = LabState(cfg, make_data(cfg.target))
    game.gan_step(lab, 1)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for step in range(2, steps + 2):
        game.gan_step(lab, step)
    return (time.process_time() - c0) / steps, (time.perf_counter() - t0) / steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=30)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the lab trains with 1)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    runs = {"plain": [], "conditional": [], "step": []}
    for r in range(args.repeats):
        order = ["plain", "conditional"] if r % 2 == 0 else ["conditional", "plain"]
        for name in order:
            runs[name].append(snapshot_cost(name == "conditional", args.snapshots))
        runs["step"].append(step_cost(args.steps))
    med = {k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v)) for k, v in runs.items()}
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), load {os.getloadavg()[0]:.1f}; median of "
        f"{args.repeats} repeats; {args.snapshots} snapshots, {args.steps} training steps each"
    )
    print(f"{'':38} {'CPU ms':>8} {'wall ms':>8}")
    rows = [
        ("plain snapshot (digits G(z), D(x))", med["plain"]),
        ("conditional snapshot (G(z, y), D(x, y))", med["conditional"]),
        ("conditional training step", med["step"]),
    ]
    for label, (cpu, wall) in rows:
        print(f"{label:38} {cpu * 1e3:8.2f} {wall * 1e3:8.2f}")
    snap, plain, step = med["conditional"][0], med["plain"][0], med["step"][0]
    print(f"conditional / plain snapshot (CPU): {snap / plain:.2f}x")
    print(
        "conditional snapshot beside the conditional step (CPU): "
        + ", ".join(f"every={k} {100 * snap / (k * step):+.1f} %" for k in (10, 20, 50))
    )


if __name__ == "__main__":
    main()
