"""What a recording fixes when it starts: the real batch and view box from the user's `data`, and the
generator's input side (the prior, its fixed latent batches and the latent grid the mapping's arrows start from);
and, for a recording being resumed, the view grid it already has.

Every draw comes from a private seeded generator: the global RNGs, and so training, stay untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gananim.errors import GananimError
from gananim.recording.grid import Bounds, as_bounds
from gananim.recording.layout import MANIFEST
from gananim.record.probes import to_numpy
from gananim.kinds.points.targets import Target, target_from_samples

LATENT_EXTENT = 2.0  # the latent grid covers [-2, 2] per axis for a standard normal: ~95% of the prior's mass


@dataclass(frozen=True)
class Prior:
    """The generator's input distribution: standard normal, or uniform on [low, high] per axis."""

    dim: int
    kind: str = "normal"
    low: float = -1.0
    high: float = 1.0

    def __post_init__(self):
        if self.kind not in ("normal", "uniform"):
            raise GananimError(f"prior must be 'normal' or 'uniform', got {self.kind!r}")
        if self.kind == "uniform" and not (np.isfinite(self.low) and np.isfinite(self.high) and self.low < self.high):
            raise GananimError(f"prior_range must be finite (low, high) with low < high, got ({self.low}, {self.high})")

    @property
    def extent(self) -> tuple[float, float]:
        """The latent range the grid covers: [-2, 2] for a normal prior, the prior's range for a uniform one."""
        return (-LATENT_EXTENT, LATENT_EXTENT) if self.kind == "normal" else (self.low, self.high)

    def sample(self, n: int, seed) -> torch.Tensor:
        """n float32 draws from a private generator seeded with `seed`."""
        gen = torch.Generator().manual_seed(seed)
        if self.kind == "normal":
            return torch.randn(n, self.dim, generator=gen)
        return self.low + (self.high - self.low) * torch.rand(n, self.dim, generator=gen)

    def grid(self, n: int, seed: int) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """The arrows' tails (plane, coords, latents): a line (1D), a square grid (2D) or a grid on a random plane.

        For latent dim > 2 the grid lies on a random 2D plane through the origin: `plane` holds its two
        orthonormal directions as rows, and the latents are coords @ plane.
        """
        axis = np.linspace(*self.extent, n)
        if self.dim == 1:
            return None, axis[:, None], axis[:, None].astype(np.float32)
        xx, yy = np.meshgrid(axis, axis)
        coords = np.stack([xx.ravel(), yy.ravel()], axis=1)
        if self.dim == 2:
            return None, coords, coords.astype(np.float32)
        gen = torch.Generator().manual_seed(seed)
        plane = torch.linalg.qr(torch.randn(self.dim, 2, generator=gen)).Q.T.contiguous()  # (2, dim), orthonormal rows
        return plane.numpy(), coords, (torch.as_tensor(coords, dtype=torch.float32) @ plane).numpy()


def resolve_data(data, view_box, n_real: int, seed: int) -> tuple[Target | None, np.ndarray | None, Bounds | None]:
    """Turn `data` (target, samples or view box) into a target, a fixed real batch of n_real and a view box."""
    target, box = None, None
    if isinstance(data, Target):
        target = data
    elif data is not None and is_view_box(data):
        box = bounds(data)
    elif data is not None:
        samples = to_numpy(data)
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.ndim != 2 or samples.shape[1] not in (1, 2) or len(samples) < 2:
            raise GananimError(f"data samples must have shape (n, 1) or (n, 2) with n >= 2, got {samples.shape}: gananim records 1D or 2D data")
        if not np.isfinite(samples).all():
            raise GananimError("data samples contain NaN or inf; remove them before recording")
        target = target_from_samples(samples)
    if view_box is not None:
        box = bounds(view_box)
    if target is None:
        return None, None, box
    real = target.sample(n_real, np.random.default_rng([seed, 1]))
    return target, real, box or as_bounds(target.view_box())


def is_view_box(data) -> bool:
    """A short list/tuple of (low, high) pairs, one per data dimension, as opposed to an array of samples.

    Three pairs count as a (refused) 3D view box rather than three 2D samples: nobody records three samples.
    """
    return isinstance(data, (list, tuple)) and 1 <= len(data) <= 3 and all(
        isinstance(p, (list, tuple)) and len(p) == 2 for p in data)


def bounds(box) -> Bounds:
    """A view box as bounds; more than two pairs is data gananim does not record (yet)."""
    if isinstance(box, (list, tuple, np.ndarray)) and len(box) > 2:
        raise GananimError(f"gananim records 1D or 2D data (got a {len(box)}-dimensional view box)")
    return as_bounds(box)


def stored_grid_size(path) -> int | None:
    """The grid size of the recording at `path`, if there is one (a damaged one: the writer says what is wrong)."""
    try:
        return int(json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))["grid"]["size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
