"""What every target is: a 1D or 2D distribution with samples, a density on a grid, modes and a
default view box; plus the view-box helpers the kinds share."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets.checks import as_count, short
from gananim.recording.grid import Bounds, Grid


class Target(ABC):
    """A 1D or 2D distribution the generator should learn: samples, density on a grid, modes."""

    dim: int

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n independent draws as an (n, dim) float64 array."""
        return self._sample(as_count("the sample size", n, minimum=0), rng)

    def density(self, grid: Grid) -> np.ndarray:
        """Probability per unit length/area in each cell of `grid`, shaped grid.shape (rows are y in 2D)."""
        if grid.dim != self.dim:
            raise GananimError(f"a {self.dim}D target needs a {self.dim}D grid; got a {grid.dim}D one")
        return self._density(grid)

    @property
    def modes(self) -> np.ndarray:
        """Mode locations (K, dim); none unless the target has discrete modes."""
        return np.zeros((0, self.dim))

    @property
    def mode_scales(self) -> np.ndarray:
        """Each mode's sigma (K,): the yardstick of 'within 3 sigma' quality tests."""
        return np.zeros(0)

    @abstractmethod
    def view_box(self) -> Bounds:
        """A default box around the support, one (low, high) pair per dimension."""

    @abstractmethod
    def to_config(self) -> dict:
        """The config table that make_target turns back into an equal target."""

    @abstractmethod
    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray: ...

    @abstractmethod
    def _density(self, grid: Grid) -> np.ndarray: ...

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Target):
            return NotImplemented
        return type(self) is type(other) and self.to_config() == other.to_config()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={short(v)}" for k, v in self.to_config().items() if k != "kind")
        return f"{type(self).__name__}({params})"


def box(lo: np.ndarray, hi: np.ndarray, margin: np.ndarray) -> Bounds:
    """The box [lo - margin, hi + margin] per dimension."""
    return tuple((float(a - m), float(b + m)) for a, b, m in zip(lo, hi, margin))


def padded_box(x: np.ndarray) -> Bounds:
    """Bounding box of points plus max(25% of the extent, 0.5) per side."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    return box(lo, hi, np.maximum(0.25 * (hi - lo), 0.5))
