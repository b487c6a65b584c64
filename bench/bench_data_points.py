"""What drawing the user's data costs: the KDE of samples given as data, and a frame with the real samples as dots.

Records a short run of two moons given as samples (an untrained MLP generator: the content does not matter, the
sizes are the Recorder's defaults: 2,500 stored samples, a 32² grid, 512 real samples), then prints:
- the Empirical target's set-up (its kernel: Scott's rule narrowed to the 10th-neighbour spacing among 1,000 of the
  samples) and its density on the 32² grid, in CPU ms;
- the CPU ms per 720p frame of `surface` and `density` without and with the 512 real samples drawn, and the ratio
  (the best of --repeat passes over the snapshots, each frame at a new snapshot).

    .venv/bin/python bench/bench_data_points.py
    .venv/bin/python bench/bench_data_points.py --n 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import make_moons
from torch import nn

from gananim import Recorder, load
from gananim.kinds.points.targets import Empirical
from gananim.recording.grid import Grid
from gananim.rendering.views import Frame, make_style


def cpu_ms(fn) -> float:
    t = time.process_time()
    fn()
    return 1e3 * (time.process_time() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8000, help="samples of two moons given as data")
    parser.add_argument("--snapshots", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    x = make_moons(args.n, noise=0.06, random_state=0)[0]
    target = None

    def build():
        nonlocal target
        target = Empirical(x)

    kernel = cpu_ms(build)
    density = cpu_ms(lambda: target.density(Grid(target.view_box(), 32)))
    print(f"Empirical({args.n:,} samples): kernel {kernel:.0f} ms, density on 32² {density:.0f} ms (CPU)")

    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 2))
    D = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "moons"
        with Recorder(path, G, D, data=torch.tensor(x, dtype=torch.float32), every=1, latent_dim=2) as rec:
            for step in range(args.snapshots):
                with torch.no_grad():
                    for p in G.parameters():
                        p.add_(0.05 * torch.randn_like(p))  # the samples move from snapshot to snapshot
                rec.step(step)
        recording = load(path)
        print(f"{'view':<10} {'no dots ms':>10} {'512 dots ms':>11} {'ratio':>6}")
        for view in ("surface", "density"):
            best = {}
            for dots in (False, True) * args.repeat:
                frame = Frame([recording], view, make_style("720p"), data_points=dots)
                frame.render_rgba(float(recording.steps[0]))
                spent = cpu_ms(lambda: [frame.render_rgba(float(s)) for s in recording.steps])  # noqa: B023
                best[dots] = min(best.get(dots, np.inf), spent / len(recording.steps))
            print(f"{view:<10} {best[False]:>10.1f} {best[True]:>11.1f} {best[True] / best[False]:>6.2f}")


if __name__ == "__main__":
    main()
