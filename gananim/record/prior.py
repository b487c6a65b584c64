"""The generator's input side: the prior, its draws and the latent grid the mapping's arrows start from.

Every draw comes from a private seeded generator: the global RNGs, and so training, stay untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from gananim.errors import GananimError

LATENT_EXTENT = 2.0  # the latent grid covers [-2, 2] per axis for a standard normal: ~95% of the prior's mass


@dataclass(frozen=True)
class Prior:
    """The generator's input distribution: standard normal, or uniform on [low, high] per axis."""

    dim: int
    family: str = "normal"  # "normal" or "uniform"
    low: float = -1.0
    high: float = 1.0

    def __post_init__(self):
        if self.family not in ("normal", "uniform"):
            raise GananimError(f"prior must be 'normal' or 'uniform', got {self.family!r}")
        if self.family == "uniform" and not (np.isfinite(self.low) and np.isfinite(self.high) and self.low < self.high):
            raise GananimError(f"prior_range must be finite (low, high) with low < high, got ({self.low}, {self.high})")

    @property
    def extent(self) -> tuple[float, float]:
        """The latent range the grid covers: [-2, 2] for a normal prior, the prior's range for a uniform one."""
        return (-LATENT_EXTENT, LATENT_EXTENT) if self.family == "normal" else (self.low, self.high)

    def sample(self, n: int, seed) -> torch.Tensor:
        """n float32 draws from a private generator seeded with `seed`."""
        gen = torch.Generator().manual_seed(seed)
        if self.family == "normal":
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


__all__ = ["LATENT_EXTENT", "Prior"]
