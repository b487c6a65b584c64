"""Targets that are weighted sums of axis-aligned Gaussians: one Gaussian, a mixture, a ring, a grid.
Their density on a grid is the exact mass of each cell, so modes narrower than a cell still show."""

from __future__ import annotations

import math

import numpy as np

from gananim.kinds.points.targets.base import Target, box
from gananim.kinds.points.targets.checks import (
    as_count,
    as_point,
    as_points,
    as_positive,
    as_positive_number,
    as_weights,
)
from gananim.recording.grid import Bounds, Grid

_PHI = np.vectorize(lambda z: 0.5 * math.erfc(-z / math.sqrt(2)), otypes=[np.float64])


def _interval_mass(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Standard-normal mass of each [lo, hi], accurate deep in either tail (reflects the upper one)."""
    upper = lo > 0
    return _PHI(np.where(upper, -lo, hi)) - _PHI(np.where(upper, -hi, lo))


def _compact(values: np.ndarray) -> float | list[float]:
    """One float when all values agree, else the list."""
    return float(values[0]) if np.all(values == values[0]) else values.tolist()


class _Gaussians(Target):
    """Shared machinery of targets that are weighted sums of axis-aligned Gaussians."""

    def __init__(self, means: np.ndarray, sigmas: np.ndarray, weights: np.ndarray):
        self.means, self.sigmas, self.weights = means, sigmas, weights  # (K, dim), (K, dim), (K,)
        self.dim = means.shape[1]

    @property
    def modes(self) -> np.ndarray:
        return self.means.copy()

    @property
    def mode_scales(self) -> np.ndarray:
        """The largest per-axis sigma of each component (the sigma itself when isotropic)."""
        return self.sigmas.max(axis=1)

    def view_box(self) -> Bounds:
        lo = (self.means - 4 * self.sigmas).min(axis=0)
        hi = (self.means + 4 * self.sigmas).max(axis=0)
        return box(lo, hi, 0.1 * (hi - lo))

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        return self.means[k] + self.sigmas[k] * rng.standard_normal((n, self.dim))

    def _density(self, grid: Grid) -> np.ndarray:
        """Exact cell mass / cell area, so modes narrower than a cell are neither missed nor inflated."""
        total = np.zeros(grid.shape)
        for mean, sigma, weight in zip(self.means, self.sigmas, self.weights):
            z = [(e - m) / s for e, m, s in zip(grid.edges, mean, sigma)]
            mass = [_interval_mass(a[:-1], a[1:]) for a in z]
            total += weight * (mass[0] if grid.dim == 1 else np.outer(mass[1], mass[0]))
        return total / grid.cell_area


class Gaussian(_Gaussians):
    """One axis-aligned Gaussian, e.g. goodfellow-1d's N(5, 1)."""

    def __init__(self, mean, sigma):
        mean = as_point("target mean", mean)
        sigma = as_positive("target sigma", sigma, len(mean), "one per dimension")
        super().__init__(mean[None], sigma[None], np.ones(1))

    def to_config(self) -> dict:
        return {"kind": "gaussian", "mean": self.means[0].tolist(), "sigma": _compact(self.sigmas[0])}


class Mixture(_Gaussians):
    """Weighted isotropic Gaussians at arbitrary means, e.g. mixture-1d."""

    def __init__(self, means, sigmas, weights=None):
        means = as_points("target means", means)
        sigmas = as_positive("target sigmas", sigmas, len(means), "one per mean")
        super().__init__(means, np.repeat(sigmas[:, None], means.shape[1], axis=1), as_weights(weights, len(means)))
        self._given_weights = None if weights is None else np.asarray(weights, dtype=np.float64).tolist()

    def to_config(self) -> dict:
        cfg = {"kind": "mixture", "means": self.means.tolist(), "sigmas": _compact(self.sigmas[:, 0])}
        return cfg if self._given_weights is None else {**cfg, "weights": self._given_weights}


class Ring(_Gaussians):
    """n equal Gaussians evenly spaced on a circle (ring8, the mode-collapse benchmark)."""

    def __init__(self, n, sigma, radius=1.0, center=(0.0, 0.0)):
        self.n = as_count("ring n", n, minimum=1)
        self.sigma = as_positive_number("ring sigma", sigma)
        self.radius = as_positive_number("ring radius", radius)
        self.center = as_point("ring center", center, dim=2)
        angles = 2 * np.pi * np.arange(self.n) / self.n  # n distinct angles: linspace(0, 2π, n) repeats one
        means = self.center + self.radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        super().__init__(means, np.full((self.n, 2), self.sigma), np.full(self.n, 1 / self.n))

    def to_config(self) -> dict:
        return {"kind": "ring", "n": self.n, "sigma": self.sigma, "radius": self.radius, "center": self.center.tolist()}


class GaussianGrid(_Gaussians):
    """k×k equal Gaussians on a centred square lattice (grid25: k = 5, spacing 2)."""

    def __init__(self, k, sigma, spacing=2.0):
        self.k = as_count("grid k", k, minimum=1)
        self.sigma = as_positive_number("grid sigma", sigma)
        self.spacing = as_positive_number("grid spacing", spacing)
        coords = (np.arange(self.k) - (self.k - 1) / 2) * self.spacing
        xx, yy = np.meshgrid(coords, coords)
        means = np.stack([xx.ravel(), yy.ravel()], axis=1)
        super().__init__(means, np.full(means.shape, self.sigma), np.full(len(means), 1 / len(means)))

    def to_config(self) -> dict:
        return {"kind": "grid", "k": self.k, "sigma": self.sigma, "spacing": self.spacing}
