"""Frames per second of the `mountains` view against the naive `ax.clear(); ax.plot_surface(...)` redraw.

    python bench/bench_mountains.py [--frames 150] [--size 720p]

Builds a synthetic recording (a Recorder on a discriminator of moving bumps and a generator circling between
them, both known functions of time, on the Recorder's default 64×64 grid), then renders the same snapshots
at 1280×720 with FigureCanvasAgg:

  naive     a 3D axes on a bare Figure; per frame: ax.clear(), plot_surface of D on the same ~32×32-face
            mesh with the same per-face colours (the 2D `surface` view's red-over-purple blend),
            set_zlim, view_init, canvas.draw(), copy of the RGB buffer. Given the cheap settings too
            (shade=False, linewidth=0, antialiased=False) so the ratio measures only what redrawing costs.
  naive-mpl the same loop with plot_surface's defaults (shade=True, antialiased, rcount=ccount=50),
            what a first attempt looks like; for reference.
  gananim   gananim's Frame with the `mountains` view (title bar and step counter included), RGB copy.

No encoding in any of them. The loops are interleaved frame by frame (naive frame i, then gananim
frame i, ...) so background load on the machine falls on all of them alike; each is timed on its own.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gananim  # noqa: E402
from gananim import Recorder  # noqa: E402
from gananim.kinds.points.targets import make_target  # noqa: E402
from gananim.kinds.points.views.mountains import AZIMUTH_START, ELEVATION, SWEEP, Z_LIMITS  # noqa: E402
from gananim.record.options import ProbeOptions  # noqa: E402
from gananim.rendering.drawing import D_RAMP, DENSITY_GAMMA, RED, BandedOverlay, density_vmax  # noqa: E402
from gananim.rendering.views import Frame, make_style  # noqa: E402

MODES = [(5 * math.cos(a), 5 * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 5, endpoint=False)]


class Known(nn.Module):
    """fn(x, t) for the current time t in [0, 1]; one dummy layer declares the input size."""

    def __init__(self, fn, in_dim: int):
        super().__init__()
        self.fn, self.t = fn, 0.0
        self.shape = nn.Linear(in_dim, 1)

    def forward(self, x):
        return self.fn(x, self.t)


def d_bumps(x, t):
    """Probabilities: bumps on the ring's modes whose heights rise and fall with time (D forgetting clusters)."""
    out = torch.full((len(x), 1), 0.05)
    for k, (mx, my) in enumerate(MODES):
        h = 0.5 + 0.45 * math.sin(2 * math.pi * (t * 2 + k / 5))
        out = out + h * torch.exp(-((x[:, :1] - mx) ** 2 + (x[:, 1:] - my) ** 2) / 4)
    return out.clamp(0, 1)


def g_circling(z, t):
    """A blob of samples circling the ring once over the video."""
    a = 2 * math.pi * t
    return z * 1.2 + torch.tensor([5 * math.cos(a), 5 * math.sin(a)])


def synthetic_recording(path: Path, snapshots: int) -> gananim.Recording:
    G, D = Known(g_circling, 2), Known(d_bumps, 2)
    D.add_module("out", nn.Sigmoid())  # tells the Recorder that D returns probabilities
    target = make_target({"kind": "ring", "n": 5, "radius": 5.0, "sigma": 1.0})
    with Recorder(
        path,
        G,
        D,
        data=target,
        view_box=[(-10, 10), (-10, 10)],
        every=1,
        probes=ProbeOptions(n_samples=256, density_samples=5000),
        overwrite=True,
    ) as rec:
        for step in range(snapshots):
            G.t = D.t = step / max(snapshots - 1, 1)
            rec.step(step)
    return gananim.load(path)


class Naive:
    """The redraw-everything loop: clear the 3D axes and plot_surface again every frame."""

    def __init__(self, rec, style, cheap: bool):
        self.rec, self.cheap = rec, cheap
        self.fig = Figure(figsize=(style.width / style.dpi, style.height / style.dpi), dpi=style.dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot(projection="3d")
        self.X, self.Y = np.meshgrid(*rec.grid.axes)
        self.colours = BandedOverlay(D_RAMP, 64, RED, DENSITY_GAMMA)
        self.vmax = density_vmax(rec)

    def render(self, i: int) -> np.ndarray:
        snap = self.rec[i]
        d, density = np.nan_to_num(snap.d_grid), np.nan_to_num(snap.density)
        fc = self.colours(d.ravel(), density.ravel() / self.vmax).reshape(*d.shape, 3) / 255.0
        ax = self.ax
        ax.clear()
        if self.cheap:
            ax.plot_surface(
                self.X, self.Y, d, facecolors=fc, rcount=33, ccount=33, shade=False, linewidth=0, antialiased=False
            )
        else:
            ax.plot_surface(self.X, self.Y, d, facecolors=fc)
        ax.set_zlim(*Z_LIMITS)
        ax.view_init(ELEVATION, AZIMUTH_START + SWEEP * i / (len(self.rec) - 1))
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()


class Gananim:
    def __init__(self, rec, style):
        self.rec, self.frame = rec, Frame([rec], "mountains", style)

    def render(self, i: int) -> np.ndarray:
        return self.frame.render(int(self.rec.steps[i]))  # returns a fresh contiguous RGB copy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--size", default="720p")
    ap.add_argument("--no-default", action="store_true", help="skip the plot_surface-defaults loop")
    args = ap.parse_args()
    style = make_style(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rec = synthetic_recording(Path(tmp) / "bench", args.frames)
        print(f"recording: {len(rec)} snapshots, grid {rec.grid.shape}, built in {time.perf_counter() - t0:.1f}s")
        loops = {"naive": Naive(rec, style, cheap=True), "gananim": Gananim(rec, style)}
        if not args.no_default:
            loops["naive-mpl"] = Naive(rec, style, cheap=False)
        for loop in loops.values():  # warm-up: fonts, caches, first full draw
            loop.render(0)
        spent = dict.fromkeys(loops, 0.0)
        order = list(loops)
        for i in range(len(rec)):
            for name in order:
                t = time.perf_counter()
                loops[name].render(i)
                spent[name] += time.perf_counter() - t
            order = order[1:] + order[:1]  # rotate who goes first
        n = len(rec)
        fps = {name: n / s for name, s in spent.items()}
        print(f"{style.width}x{style.height}, {n} frames each, interleaved, no encoding")
        for name, v in fps.items():
            print(f"  {name:10s} {v:6.1f} frames/s  ({1000 / v:5.1f} ms/frame)")
        print(f"  ratio gananim / naive      {fps['gananim'] / fps['naive']:.2f}x")
        if "naive-mpl" in fps:
            print(f"  ratio gananim / naive-mpl  {fps['gananim'] / fps['naive-mpl']:.2f}x")
        # no per-frame growth: artists and traced memory over a second pass of the gananim loop
        g = loops["gananim"]
        gc.collect()
        artists = len(g.frame.fig.findobj())
        tracemalloc.start()
        for i in range(n):
            g.render(i)
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        for i in range(n):
            g.render(i)
        gc.collect()
        second, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  gananim artists {artists} -> {len(g.frame.fig.findobj())} after {2 * n} more frames; "
            f"traced memory after pass 1 {first / 1e6:.2f} MB, after pass 2 {second / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
