"""How long analysing a recording takes: cold (no cache), from the cache, and after it grew; numpy only.

Builds a synthetic 2D recording like the Recorder's defaults on ring8 (2,500 stored samples per snapshot, a
64×64 grid for D and the density, a 21×21 latent grid, 512 real samples; the generator spreads from one mode
to all eight), then times `gananim.analysis.analyse` on it:
- cold: every metric of every snapshot and the events, caches written beside the recording;
- cached: a new reader of the same recording (the caches answer);
- grown: the recording gained --grow snapshots since it was analysed (only those are measured).
Each figure is the median of --repeat runs. It also times MMD on one snapshot with all samples against the
MMD_SAMPLES subset the analysis scores, the one statistic whose cost grows with the square of the count.

    .venv/bin/python bench/bench_analysis.py                 # 200 snapshots, grows by 20
    .venv/bin/python bench/bench_analysis.py --snapshots 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from gananim.analysis import analyse
from gananim.kinds.points import metrics
from gananim.kinds.points.targets import Ring
from gananim.recording.grid import Grid
from gananim.recording.reader import load
from gananim.recording.writer import RecordingWriter

RING = Ring(8, 0.01)


class Synthetic:
    """A recording being written, snapshot by snapshot: the generator's mass spreads from one mode to all eight."""

    def __init__(self, path: Path, planned: int, samples: int, grid_size: int, seed: int = 0):
        self.rng, self.planned, self.samples = np.random.default_rng(seed), planned, samples
        self.grid = Grid(((-1.5, 1.5), (-1.5, 1.5)), grid_size)
        fixed = {
            "latents": self.rng.normal(size=(samples, 2)).astype(np.float32),
            "latent_grid": self.rng.normal(size=(441, 2)).astype(np.float32),
            "data_samples": RING.sample(512, self.rng).astype(np.float32),
            "data_density": RING.density(self.grid).astype(np.float32),
            "modes": RING.modes,
            "mode_scales": RING.mode_scales,
        }
        manifest = {"data_dim": 2, "latent_dim": 2, "grid": self.grid.to_dict(), "n_samples": samples, "every": 10}
        self.writer = RecordingWriter(path, manifest, fixed, overwrite=True, flush_secs=1e9)
        self.count = 0

    def grow(self, count: int) -> None:
        """Append `count` snapshots and flush them."""
        for i in range(self.count, self.count + count):
            spread = 1 + min(7, i * 8 // self.planned)
            x = RING.sample(self.samples, self.rng)
            x = np.where(
                (np.arange(self.samples) % 8 < spread)[:, None],
                x,
                RING.modes[0] + self.rng.normal(0, 0.02, (self.samples, 2)),
            )
            arrays = {
                "samples": x,
                "mapping": self.rng.normal(size=(441, 2)),
                "density": self.grid.histogram(x),
                "d_grid": self.rng.uniform(size=self.grid.shape),
                "g_grad": self.rng.normal(size=(self.samples, 2)),
            }
            scalars = {
                "d_loss": 1.2,
                "g_loss": 0.8,
                "d_real": 0.6,
                "d_fake": 0.4,
                "value": -1.3,
                "g_grad_norm": 1.0,
                "nonfinite_share": 0.0,
            }
            self.writer.append(i * 10, arrays, scalars)
        self.count += count
        self.writer.flush()


def seconds(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=200)
    parser.add_argument("--grow", type=int, default=20, help="snapshots added before the incremental analysis")
    parser.add_argument("--samples", type=int, default=2_500, help="stored samples per snapshot")
    parser.add_argument("--grid", type=int, default=64, help="grid cells per axis")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gananim-bench-analysis-"))
    try:
        cold, cached, grown = [], [], []
        for r in range(args.repeat):
            path = root / f"rec{r}"
            run = Synthetic(path, args.snapshots, args.samples, args.grid)
            run.grow(args.snapshots)
            cold.append(seconds(lambda: analyse(load(path))))
            cached.append(seconds(lambda: analyse(load(path))))
            rec = load(path)
            analyse(rec)
            run.grow(args.grow)
            grown.append(seconds(lambda: analyse(rec.refresh())))
            run.writer.close()
        rec = load(root / "rec0")
        size = rec.nbytes() / 2**20
        x, real = rec[-1].samples, rec.fixed["data_samples"]
        ref = metrics.Reference(rec.grid, real=real)
        mmd_all = statistics.median(seconds(lambda: metrics.mmd2(x, real, ref.bandwidths)) for _ in range(3))
        mmd_sub = statistics.median(
            seconds(lambda: metrics.mmd2(x[: metrics.MMD_SAMPLES], real, ref.bandwidths)) for _ in range(3)
        )
        print(
            f"recording: {args.snapshots} snapshots (+{args.grow}), {args.samples} samples, {args.grid}x{args.grid} grid, "
            f"{size:.1f} MiB; median of {args.repeat}"
        )
        print(
            f"cold analysis        {statistics.median(cold):7.2f} s   ({statistics.median(cold) / args.snapshots * 1e3:.1f} ms per snapshot)"
        )
        print(f"cached (new reader)  {statistics.median(cached):7.2f} s")
        print(
            f"grown by {args.grow:<4}        {statistics.median(grown):7.2f} s   (only the new snapshots are measured)"
        )
        print(
            f"MMD of one snapshot: all {len(x)} samples {mmd_all * 1e3:.1f} ms, the first {metrics.MMD_SAMPLES} "
            f"{mmd_sub * 1e3:.1f} ms (real set: {len(real)})"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
