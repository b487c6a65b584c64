"""What recording costs a training loop: seconds per step with and without a Recorder, and bytes per snapshot.

    python bench/bench_recorder.py [--steps 500] [--preset-steps 100] [--digits-steps 3000] [--repeats 3] [--phases]
    python bench/bench_recorder.py --only-digits --threads 1      # the images recorder's overhead alone

Variants (issue 9 item 1), all in this one process, interleaved (repeat 1 of every variant, then repeat 2 in the
reverse order, ...) so that background load on the machine falls on all of them alike, each run after allocations of
random size (`heap_shift`: the memory layout's bias becomes noise); each figure is the median of --repeats, each
overhead the median of the repeats' ratios to their own plain run:

  toy plain        ring of 8 Gaussians, G and D 2x128 ReLU MLPs, batch 512, Adam 1e-3, BCEWithLogitsLoss
  toy every=10     the same loop with the default Recorder (`Recorder(path, G, D, data=target, every=10)`)
  toy every=50     ... and every=50
  <preset> plain   the preset's models (the lab's model builders), target, latent prior, batch size, d/g steps
                   and Adam settings, in the same BCE loop
  <preset> every=10  ... recorded with the preset's own [record] options (`probes=cfg.record`), every=10
  digits plain     8x8 digits, MLP GAN, batch 256 (DigitsLoop: the digits preset's loop, issue 11), 3,000 steps
                   as the preset trains (600-step runs measured higher and noisier: every=10 +6 to +8 %,
                   every=50 +2.5 to +4 %)
  digits every=10  ... with the default Recorder (images snapshots), every=10; and every=50

Each timed run builds fresh models from the same seed; the clocks cover the training steps and the
Recorder's `close()` (its last flush), not building the Recorder (a one-off start-up cost, printed apart).
Two clocks: wall time, and this process's CPU time (steadier when other programs share the cores; with
--threads 1 it is the work done, whatever the load).
Bytes per snapshot: the recording's snapshot chunks on disk / snapshots (the one-off manifest and fixed arrays apart).
--phases also times one toy snapshot (and the overhead it implies), the store's flushes (each rewrites the
growing open chunk), and a step that is not a snapshot, with and without scalars (kept in the dense series).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gananim import ProbeOptions, Recorder  # noqa: E402
from gananim.kinds.points.targets import make_target  # noqa: E402
from gananim.lab.config import Config  # noqa: E402
from gananim.lab.models import build_discriminator, build_generator, sample_latent  # noqa: E402
from gananim.lab.presets import load_preset  # noqa: E402

RING = {"kind": "ring", "n": 8, "radius": 2.0, "sigma": 0.02}
PRESETS = ("two-points", "ring8")


class Loop:
    """One training set-up: builds seeded models and runs `steps` BCE-GAN iterations, optionally recorded."""

    def __init__(self, name: str, config: Config | None = None, probes: ProbeOptions | None = None):
        self.name, self.config, self.probes = name, config, probes
        self.target = make_target(config.target if config else RING)

    def models(self) -> tuple[nn.Module, nn.Module]:
        torch.manual_seed(0)
        if self.config is None:
            G = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
            D = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
            return G, D
        dim = len(self.target.view_box())
        return (
            build_generator(self.config.generator, self.config.latent.dim, dim),
            build_discriminator(self.config.discriminator, dim),
        )

    def recorder(self, path: Path, G: nn.Module, D: nn.Module, every: int) -> Recorder:
        if self.config is None:  # the README's usage: the default options unless --probe changes some
            return Recorder(path, G, D, data=self.target, every=every, probes=self.probes)
        c = self.config
        return Recorder(
            path,
            G,
            D,
            data=self.target,
            every=every,
            probes=c.record,
            latent_dim=c.latent.dim,
            prior=c.latent.prior,
            prior_range=(c.latent.low, c.latent.high),
            view_box=c.view_box,
            seed=c.seed,
        )

    def run(self, steps: int, every: int | None, path: Path | None) -> tuple[float, float, float]:
        """(wall seconds and CPU seconds for the steps and the final close, wall seconds to build the Recorder)."""
        G, D = self.models()
        c = self.config
        batch = c.train.batch_size if c else 512
        d_steps, g_steps = (c.train.d_steps, c.train.g_steps) if c else (1, 1)
        adam = {"lr": c.train.g_optimizer.lr, "betas": tuple(c.train.g_optimizer.betas)} if c else {"lr": 1e-3}
        opt_g, opt_d = torch.optim.Adam(G.parameters(), **adam), torch.optim.Adam(D.parameters(), **adam)
        np_rng, gen = np.random.default_rng(0), torch.Generator().manual_seed(0)
        latent = c.latent if c else None

        def noise():
            return sample_latent(batch, latent, gen) if latent else torch.randn(batch, 2, generator=gen)

        def real():
            return torch.as_tensor(self.target.sample(batch, np_rng), dtype=torch.float32)

        return timed_loop(
            steps,
            G,
            D,
            opt_g,
            opt_d,
            real,
            noise,
            batch,
            lambda: self.recorder(path, G, D, every) if every else None,
            d_steps,
            g_steps,
        )


class DigitsLoop:
    """The digits preset's loop (issue 11): scikit-learn's 8x8 digits on [-1, 1], the preset's own models (the lab's
    builders: MLP G 32 -> 128 -> 256 -> 64 tanh shaped (1, 8, 8), D 64 -> 256 -> 128 -> 1, LeakyReLU), batch size and
    Adam settings, in a plain BCE loop; recorded with the default Recorder (`Recorder(path, G, D, data=images,
    every=every)`), i.e. the default images-snapshot sizes, as a user's own digits loop would be."""

    name = "digits"

    def __init__(self, probes: ProbeOptions | None = None):
        from gananim.lab.image_data import make_data

        self.config = load_preset("digits")
        self.images = torch.as_tensor(make_data(self.config.target).images)
        self.batch, self.latent = self.config.train.batch_size, self.config.latent.dim
        self.probes = probes

    def models(self) -> tuple[nn.Module, nn.Module]:
        from gananim.lab.image_models import build_image_discriminator, build_image_generator

        torch.manual_seed(0)
        shape = tuple(self.images.shape[1:])
        return (
            build_image_generator(self.config.generator, self.latent, shape),
            build_image_discriminator(self.config.discriminator, shape),
        )

    def run(self, steps: int, every: int | None, path: Path | None) -> tuple[float, float, float]:
        """(wall seconds and CPU seconds for the steps and the final close, wall seconds to build the Recorder)."""
        G, D = self.models()
        opt_g, opt_d = (
            torch.optim.Adam(m.parameters(), lr=o.lr, betas=tuple(o.betas))
            for m, o in ((G, self.config.train.g_optimizer), (D, self.config.train.d_optimizer))
        )
        gen = torch.Generator().manual_seed(0)
        return timed_loop(
            steps,
            G,
            D,
            opt_g,
            opt_d,
            lambda: self.images[torch.randint(len(self.images), (self.batch,), generator=gen)],
            lambda: torch.randn(self.batch, self.latent, generator=gen),
            self.batch,
            lambda: Recorder(path, G, D, data=self.images, every=every, probes=self.probes) if every else None,
        )


def timed_loop(
    steps: int,
    G: nn.Module,
    D: nn.Module,
    opt_g,
    opt_d,
    real,
    noise,
    batch: int,
    recorder,
    d_steps: int = 1,
    g_steps: int = 1,
) -> tuple[float, float, float]:
    """`steps` BCE-GAN iterations (real() and noise() draw a batch each), recorded if recorder() gives a Recorder:
    (wall seconds and CPU seconds for the steps and the final close, wall seconds to build the Recorder)."""
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    t0 = time.perf_counter()
    rec = recorder()
    t1, c1 = time.perf_counter(), time.process_time()
    for step in range(steps):
        for _ in range(d_steps):
            d_loss = bce(D(real()), ones) + bce(D(G(noise()).detach()), zeros)
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        for _ in range(g_steps):
            g_loss = bce(D(G(noise())), ones)
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
        if rec is not None:
            rec.step(step, d_loss=d_loss, g_loss=g_loss)
    if rec is not None:
        rec.close()
    return time.perf_counter() - t1, time.process_time() - c1, t1 - t0


def heap_shift(seed: int) -> list:
    """Allocations of random number and size (seeded), held through one timed run so that each run's tensors land
    at other addresses. Where a run's buffers fall moves a small loop's speed by up to ±2 % with no change to its
    code (two identical plain loops measured here 4.33 and 4.25 ms/step after different unrelated allocations;
    Mytkowicz et al., "Producing wrong data without doing anything obviously wrong!", ASPLOS 2009; Curtsinger &
    Berger, "Stabilizer", ASPLOS 2013): the same layout every repeat would bias one variant's figure, a fresh one
    per run turns that bias into noise the repeats' median averages out."""
    rng = np.random.default_rng(seed)
    return (
        [torch.empty(int(rng.integers(1, 1 << 15))) for _ in range(int(rng.integers(0, 64)))]
        + [np.empty(int(rng.integers(1, 1 << 14))) for _ in range(int(rng.integers(0, 64)))]
        + [{} for _ in range(int(rng.integers(0, 5000)))]
    )


def snapshot_bytes(path: Path) -> tuple[int, float]:
    """(snapshots, bytes of snapshot chunks per snapshot) of a recording on disk."""
    from gananim import load

    n = len(load(path))
    return n, sum(f.stat().st_size for f in (path / "chunks").glob("*.npz")) / max(n, 1)


def phases(probes: ProbeOptions, plain_cpu: float | None) -> None:
    """One snapshot of the toy models (probes + buffering), and the store's flush as the open chunk grows.

    Snapshots are timed back to back (median of a chunk's worth), CPU and wall; `plain_cpu` (the plain toy loop's
    CPU seconds per step) turns one snapshot into the overhead it implies at every=10 and every=50: a steadier
    figure than the difference of two whole runs on a busy machine."""
    loop = Loop("toy")
    G, D = loop.models()
    cpu, wall, flushes = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(
            Path(tmp) / "r", G, D, data=loop.target, every=1, probes=dataclasses.replace(probes, flush_secs=1e9)
        )
        chunk = rec.options.chunk_size
        for step in range(chunk - 1):  # the chunk never fills: each flush rewrites all of it
            t0, c0 = time.perf_counter(), time.process_time()
            rec.step(step)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            if step + 1 in (1, 8, 32, chunk - 1):
                t0, c0 = time.perf_counter(), time.process_time()
                rec.flush()
                flushes[step + 1] = (time.perf_counter() - t0, time.process_time() - c0)
        rec.close()
    snap_cpu = statistics.median(cpu[1:])
    print(
        f"one toy snapshot (probes + buffering): median CPU {snap_cpu * 1e3:.2f} ms, wall "
        f"{statistics.median(wall[1:]) * 1e3:.2f} ms, over {len(cpu) - 1}"
    )
    if plain_cpu:
        print(
            "  implied CPU overhead: "
            + ", ".join(f"every={k} {100 * snap_cpu / (k * plain_cpu):+.1f} %" for k in (10, 50))
        )
    print(
        "store flush (rewrite of the open chunk, fsync), wall / CPU: "
        + ", ".join(f"{k} snapshots {w * 1e3:.0f} / {c * 1e3:.0f} ms" for k, (w, c) in flushes.items())
    )


def step_phase(n: int = 20000) -> None:
    """A step that is not a snapshot, with and without two loss tensors (kept in the dense series), and the flush
    that writes those series: per call, CPU and wall, medians of runs of 1,000 calls."""
    loop = Loop("toy")
    G, D = loop.models()
    d_loss, g_loss = torch.tensor(0.7, requires_grad=True) * 1.0, torch.tensor(1.3, requires_grad=True) * 1.0
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(Path(tmp) / "r", G, D, data=loop.target, every=10**9, probes=ProbeOptions(flush_secs=1e9))
        rec.step(0)
        step = 1
        for label, scalars in (("no scalars", {}), ("d_loss, g_loss tensors", {"d_loss": d_loss, "g_loss": g_loss})):
            cpu, wall = [], []
            for _ in range(n // 1000):
                t0, c0 = time.perf_counter(), time.process_time()
                for _ in range(1000):
                    rec.step(step, **scalars)
                    step += 1
                wall.append((time.perf_counter() - t0) / 1000)
                cpu.append((time.process_time() - c0) / 1000)
            print(
                f"a step that is not a snapshot, {label}: median CPU {statistics.median(cpu) * 1e6:.2f} µs, "
                f"wall {statistics.median(wall) * 1e6:.2f} µs per call"
            )
        t0 = time.perf_counter()
        rec.flush()  # the dense series of those calls: one file rewrite per 4,096 steps
        print(
            f"flushing {n:,} steps of 2 dense series: {(time.perf_counter() - t0) * 1e3:.0f} ms wall "
            f"({(time.perf_counter() - t0) / n * 1e6:.2f} µs per step); on disk "
            f"{sum(f.stat().st_size for f in (Path(tmp) / 'r' / 'dense').glob('*.npz')) / n:.1f} bytes per step"
        )
        rec.close()


def digits_phase(loop: DigitsLoop, plain_cpu: float | None, n: int = 30) -> None:
    """One digits snapshot timed back to back (median of n, CPU and wall), the finishing of those n (quantising,
    histograms: done in one batch at the store's flush) per snapshot, and the overhead both imply."""
    G, D = loop.models()
    cpu, wall = [], []
    with tempfile.TemporaryDirectory() as tmp:
        rec = Recorder(
            Path(tmp) / "r",
            G,
            D,
            data=loop.images,
            every=1,
            probes=dataclasses.replace(loop.probes or ProbeOptions(), flush_secs=1e9),
        )
        rec.step(0)
        rec.flush()  # the first snapshot and its first-time costs apart
        for step in range(1, n + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            rec.step(step)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        c0 = time.process_time()
        rec.flush()  # finishes the n snapshots together and writes the chunk
        finish = (time.process_time() - c0) / n
        rec.close()
    snap_cpu = statistics.median(cpu)
    print(
        f"one digits snapshot (probes + buffering): median CPU {snap_cpu * 1e3:.2f} ms, wall "
        f"{statistics.median(wall) * 1e3:.2f} ms, over {n}; finishing and writing them: {finish * 1e3:.2f} ms CPU each"
    )
    if plain_cpu:
        print(
            "  implied CPU overhead: "
            + ", ".join(f"every={k} {100 * (snap_cpu + finish) / (k * plain_cpu):+.1f} %" for k in (10, 50))
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=500, help="training steps per toy run")
    ap.add_argument("--preset-steps", type=int, default=100, help="training steps per preset run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--phases", action="store_true", help="also time one snapshot and the store's flushes")
    ap.add_argument("--no-presets", action="store_true")
    ap.add_argument("--digits-steps", type=int, default=3000, help="training steps per digits run (0: no digits loop)")
    ap.add_argument("--only-digits", action="store_true", help="the digits loop alone (no toy loop, no presets)")
    ap.add_argument(
        "--threads", type=int, default=0, help="torch threads (0: torch's default); 1 is steadiest on a busy machine"
    )
    ap.add_argument(
        "--probe",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one of the toy Recorder's ProbeOptions (repeatable), e.g. --probe grid_size=64",
    )
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    changes = {k: type(getattr(ProbeOptions(), k))(v) for k, v in (p.split("=", 1) for p in args.probe)}
    if changes:
        print("toy Recorder options changed:", changes)

    toy = Loop("toy", probes=ProbeOptions(**changes))
    variants = [] if args.only_digits else [(toy, None), (toy, 10), (toy, 50)]
    if args.digits_steps:
        digits = DigitsLoop(ProbeOptions(**changes))
        variants += [(digits, None), (digits, 10), (digits, 50)]
    if not args.no_presets and not args.only_digits:
        for name in PRESETS:
            preset = Loop(name, load_preset(name))
            variants += [(preset, None), (preset, 10)]
    wall: dict[tuple[str, int | None], list[float]] = {(loop.name, every): [] for loop, every in variants}
    cpu = {k: [] for k in wall}
    starts = {k: [] for k in wall}
    sizes: dict[tuple[str, int | None], tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            # the order reversed every other repeat: a drift in the machine's speed (warm-up, other load) falls on
            # the variants alike instead of always on the one run last
            for i, (loop, every) in enumerate(variants if r % 2 == 0 else variants[::-1]):
                steps = (
                    args.digits_steps
                    if loop.name == "digits"
                    else args.steps
                    if loop.config is None
                    else args.preset_steps
                )
                path = Path(tmp) / f"{loop.name}-{every}-{r}" if every else None
                shift = heap_shift(1000 * r + i)  # noqa: F841 (held through the run)
                w, c, start = loop.run(steps, every, path)
                del shift
                wall[loop.name, every].append(w / steps)
                cpu[loop.name, every].append(c / steps)
                starts[loop.name, every].append(start)
                if path is not None and r == 0:
                    sizes[loop.name, every] = snapshot_bytes(path)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; median of {args.repeats} interleaved repeats; toy {args.steps} steps, presets {args.preset_steps}, digits {args.digits_steps}"
    )
    print(
        f"{'variant':<22}{'wall s/step':>12}{'overhead':>10}{'CPU s/step':>12}{'overhead':>10}{'start-up s':>12}"
        f"{'snapshots':>11}{'bytes/snapshot':>16}"
    )
    for loop, every in variants:
        med = {name: statistics.median(d[loop.name, every]) for name, d in (("wall", wall), ("cpu", cpu))}
        # overhead: the median over repeats of each repeat's ratio to the plain run next to it (paired: the
        # ratio of two medians mixes the plain run's quick and slow repeats with the recorded run's)
        paired = {
            name: statistics.median(a / b for a, b in zip(d[loop.name, every], d[loop.name, None]))
            for name, d in (("wall", wall), ("cpu", cpu))
        }
        over = {k: f"{100 * (paired[k] - 1):+.1f} %" if every else "-" for k in med}
        label = f"{loop.name} " + (f"every={every}" if every else "plain")
        start = f"{statistics.median(starts[loop.name, every]):.2f}" if every else "-"
        n, size = sizes.get((loop.name, every), (0, 0.0))
        print(
            f"{label:<22}{med['wall']:>12.5f}{over['wall']:>10}{med['cpu']:>12.5f}{over['cpu']:>10}{start:>12}"
            f"{(n or '-'):>11}{(f'{size:,.0f}' if n else '-'):>16}"
        )
    if args.phases and not args.only_digits:
        phases(toy.probes, statistics.median(cpu["toy", None]))
        step_phase()
    if args.phases and args.digits_steps:
        digits_phase(digits, statistics.median(cpu["digits", None]))


if __name__ == "__main__":
    main()
