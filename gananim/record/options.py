"""What each snapshot holds and how it is stored: the Recorder's options, and the lab's `[record]` table.

Torch-free on purpose: configs are read (and validated) by commands that never train.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from gananim.errors import GananimError

# Upper bounds: far beyond any sensible recording, they refuse typos before they exhaust memory or time.
# Per snapshot: grid_size² D values and density cells (1024² float32 = 4 MB each), latent_grid² mapping arrows,
# n_samples stored points, density_samples generator calls; a schedule of a billion steps is weeks of CPU.
MAX = {
    "every": 10**9,
    "n_samples": 100_000,
    "grid_size": 1024,
    "latent_grid": 256,
    "density_samples": 10_000_000,
    "real_samples": 100_000,
    "grad_samples": 100_000,
    "arrow_samples": 100_000,
    "curvature_every": 10**9,
    "curvature_k": 64,
    "chunk_size": 4096,
    "image_samples": 100_000,
    "image_real": 100_000,
    "image_grad_samples": 100_000,
    "n_images": 10_000,
    "interp_paths": 256,
    "interp_points": 256,
    "d_bins": 1000,
}


# The default grid per data dimension. 2D: 32 x 32, where the 2,500 stored samples fill the density cells as densely
# as 10,000 extra samples filled 64 x 64 (on 64 x 64 they turn into speckle), and D's grid costs a quarter of 64 x 64
# (the views upsample both; D's surface looked the same on ring8 and five-clusters). 1D: 64 cells cost nothing.
GRID_BY_DIM = {1: 64, 2: 32}


@dataclass
class ProbeOptions:
    """The probes' sizes, grids and schedule, and the store's precision and flushing.

    `Recorder(..., probes=ProbeOptions(n_samples=512))`; the lab's `[record]` table is this object. Fields (each
    explained beside it in the source): `every`; 1D/2D: `n_samples`, `grid_size`, `latent_grid`,
    `density_samples`, `real_samples`, `grad_samples`, `arrow_samples`; images: `image_samples`, `image_real`,
    `image_grad_samples`, `n_images`, `interp_paths`, `interp_points`, `d_bins`; both: `float16`,
    `curvature_every`, `curvature_k`, `flush_secs`, `chunk_size`.
    """

    every: int = 10  # snapshot every N steps (a Recorder's own `every=` argument wins)
    n_samples: int = 2_500  # fixed latents whose samples (and gradient arrows) every snapshot stores: the VEEGAN/PacGAN protocol's count
    grid_size: int = 0  # cells per axis of the view-box grid (D's surface, the density histogram); 0 = by the data's
    #                     dimension (GRID_BY_DIM)
    latent_grid: int = 21  # points per axis of the latent grid (the mapping's arrows)
    density_samples: int = 2_500  # generated samples histogrammed into each snapshot's density: the stored samples
    #                               (first) and, past n_samples, extra latents at extra G calls. = n_samples keeps
    #                               the density recomputable from the stored samples and costs no G call of its own
    real_samples: int = 512  # fixed real batch for D(real) and V(G, D); the curvature pits it against as many of the
    #                          stored samples (balanced batches, as in training)
    grad_samples: int = 256  # the gradient norms' balanced batches: the first N stored samples against N real ones
    arrow_samples: int = 512  # ∇x log D arrows (g_grad) for the first N stored samples; the other rows are NaN
    # images recordings (samples of more than 2 numbers: images and vectors; the issue-11 format): sized so that a
    # snapshot costs ~5 % of the digits loop's time at every=10 (bench/bench_recorder.py --only-digits --phases:
    # 2.0 ms against a 3.9 ms step on one thread); the spec's 256 samples / 256 real cost twice that
    image_samples: int = 128  # generated samples stored per snapshot (their projection, D score, class)
    image_real: int = 128  # the fixed real batch (D's score on it, the projection's reference)
    image_grad_samples: int = 16  # the gradient norms' balanced batches: the first N stored samples against N real
    #                               ones (an eighth of the digits loop's batch: the norm's scale does not depend on the
    #                               batch size, its noise does; 32 costs 0.3 ms more per snapshot, +0.7 % at every=10)
    n_images: int = 64  # the fixed-latent sample grid: the first n_images of the stored samples' latents
    interp_paths: int = 4  # latent paths, each a straight line between two fixed prior draws ...
    interp_points: int = 8  # ... with this many points
    d_bins: int = 20  # D-score histogram bins on [0, 1]
    float16: bool = False  # store snapshots in float16 (half the bytes)
    curvature_every: int = 0  # game-Jacobian (and, for small models, Hessian) eigenvalues every K steps; 0 = off
    curvature_k: int = 6  # game-Jacobian eigenvalues kept
    flush_secs: float = 2.0  # the newest snapshot reaches the disk within this many seconds
    chunk_size: int = 64  # snapshots per chunk file

    def checks(self, where: str = "") -> list[tuple[bool, str]]:
        """(holds, message) for every rule, each message naming the key as `where` + field name."""
        ints = {
            "every": 1,
            "n_samples": 1,
            "latent_grid": 2,
            "density_samples": 1,
            "real_samples": 1,
            "grad_samples": 1,
            "arrow_samples": 1,
            "curvature_every": 0,
            "curvature_k": 1,
            "chunk_size": 1,
            "image_samples": 2,
            "image_real": 2,
            "image_grad_samples": 1,
            "n_images": 1,
            "interp_paths": 1,
            "interp_points": 2,
            "d_bins": 1,
        }
        out = []
        for name, low in ints.items():
            value = getattr(self, name)
            ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX[name]
            out.append(
                (
                    ok,
                    f"{where}{name} must be an integer from {low}{' (0 = off)' if low == 0 else ''} to {MAX[name]:,}, got {value!r}",
                )
            )
        size = self.grid_size
        out.append(
            (
                isinstance(size, int) and not isinstance(size, bool) and (size == 0 or 4 <= size <= MAX["grid_size"]),
                f"{where}grid_size must be an integer from 4 to {MAX['grid_size']:,} (or 0: by the data's dimension), got {size!r}",
            )
        )
        secs = self.flush_secs
        out.append(
            (
                isinstance(secs, (int, float)) and not isinstance(secs, bool) and math.isfinite(secs) and secs >= 0,
                f"{where}flush_secs must be a finite number >= 0, got {secs!r}",
            )
        )
        out.append((isinstance(self.float16, bool), f"{where}float16 must be true or false, got {self.float16!r}"))
        return out

    def validate(self, where: str = "") -> "ProbeOptions":
        """Raise a one-line GananimError at the first rule broken; return self."""
        for ok, message in self.checks(where):
            if not ok:
                raise GananimError(message)
        return self

    def grid_cells(self, dim: int) -> int:
        """Cells per axis of the grid for data of dimension `dim`."""
        return self.grid_size or GRID_BY_DIM[dim]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
