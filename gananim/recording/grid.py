"""Regular grids over a view box: where D is probed and where densities are histogrammed."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gananim.errors import GananimError

Bounds = tuple[tuple[float, float], ...]


def as_bounds(box) -> Bounds:
    """Normalise a view box given as one (low, high) pair per data dimension."""
    try:
        bounds = tuple((float(lo), float(hi)) for lo, hi in box)
    except (TypeError, ValueError):
        raise GananimError(
            f"a view box is one (low, high) pair per data dimension, e.g. [(-2, 2), (-2, 2)]; got {box!r}"
        ) from None
    if len(bounds) not in (1, 2):
        raise GananimError(f"data dimension {len(bounds)} is not supported: gananim records 1D or 2D data")
    for lo, hi in bounds:
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise GananimError(f"each view-box pair needs finite low < high; got ({lo}, {hi})")
    return bounds


@dataclass(frozen=True)
class Grid:
    """A regular grid of cells over a box; values live at cell centres, shaped (n,) or (ny, nx)."""

    bounds: Bounds
    size: int

    @property
    def dim(self) -> int:
        return len(self.bounds)

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.size,) * self.dim

    @property
    def edges(self) -> list[np.ndarray]:
        """Cell edges per axis (x first, then y)."""
        return [np.linspace(lo, hi, self.size + 1) for lo, hi in self.bounds]

    @property
    def axes(self) -> list[np.ndarray]:
        """Cell centres per axis (x first, then y)."""
        return [(e[:-1] + e[1:]) / 2 for e in self.edges]

    @property
    def cell_area(self) -> float:
        """Length (1D) or area (2D) of one cell."""
        return float(np.prod([(hi - lo) / self.size for lo, hi in self.bounds]))

    def points(self) -> np.ndarray:
        """All cell centres as (n_cells, dim), in the row-major order of `shape` (y rows, x columns)."""
        if self.dim == 1:
            return self.axes[0][:, None]
        xx, yy = np.meshgrid(*self.axes)
        return np.stack([xx.ravel(), yy.ravel()], axis=1)

    def histogram(self, samples: np.ndarray) -> np.ndarray:
        """Density (per unit length/area) of samples on the grid; mass outside the box is dropped.

        The same counts as np.histogram/histogram2d on `edges` (the last bin closed on the right), by index
        arithmetic and one bincount: the Recorder histograms every snapshot, and histogram2d's general path
        cost a tenth of a snapshot.
        """
        samples = np.asarray(samples, dtype=np.float64)
        return self.histograms(samples.reshape(1, len(samples), self.dim))[0]

    def histograms(self, samples: np.ndarray) -> np.ndarray:
        """`histogram` of each of k sets of n samples (k, n, dim) at once, (k, *shape): one bincount for all."""
        samples = np.asarray(samples, dtype=np.float64)
        k, n = samples.shape[:2]
        flat = samples.reshape(k * n, self.dim)
        finite = np.isfinite(flat).all(axis=1)
        cell, inside = self.cells(flat[finite])
        cells = self.size**self.dim
        cell += cells * (np.flatnonzero(finite) // max(n, 1))  # each set's cells after the previous set's
        counts = np.bincount(cell[inside], minlength=k * cells).reshape(k, *self.shape)
        return counts / max(n, 1) / self.cell_area

    def cells(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row-major cell index, inside the box) of each finite sample (n, dim); np.histogram's bins on `edges`."""
        inside = np.ones(len(samples), dtype=bool)
        cell = np.zeros(len(samples), dtype=np.int64)
        all_edges = self._edges
        for axis, (lo, hi) in reversed(list(enumerate(self.bounds))):  # y first: row-major (ny, nx)
            x, edges = samples[:, axis], all_edges[axis]
            inside &= (x >= lo) & (x <= hi)
            i = np.clip(((x - lo) * (self.size / (hi - lo))).astype(np.int64), 0, self.size - 1)
            # rounding can put a value next to an edge one bin off: correct it against the edges themselves,
            # as numpy's histogram does for uniform bins
            i -= x < edges[i]
            i += (x >= edges[np.minimum(i + 1, self.size)]) & (i < self.size - 1)
            cell = cell * self.size + i
        return cell, inside

    @functools.cached_property
    def _edges(self) -> list[np.ndarray]:
        """`edges` computed once (a snapshot histograms on the same grid every time)."""
        return self.edges

    def to_dict(self) -> dict:
        return {"bounds": [list(b) for b in self.bounds], "size": self.size}

    @classmethod
    def from_dict(cls, d: dict) -> "Grid":
        return cls(as_bounds(d["bounds"]), int(d["size"]))
