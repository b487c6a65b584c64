"""Targets without a density function: a uniform circle and a finite set of points. Their density on a
grid is the mass that falls into each cell, per unit length/area."""

from __future__ import annotations

import numpy as np

from gananim.kinds.points.targets.base import Target, box, padded_box
from gananim.kinds.points.targets.checks import as_point, as_points, as_positive_number, as_weights
from gananim.recording.grid import Bounds, Grid

CIRCLE_QUADRATURE = 100_000  # evenly spaced angles that carry the circle's mass into grid cells


def _cell_density(grid: Grid, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted point mass in each cell per unit length/area; mass outside the box is dropped."""
    edges = grid.edges
    if grid.dim == 1:
        mass, _ = np.histogram(x[:, 0], bins=edges[0], weights=w)
    else:  # y first, so rows are y
        mass, _, _ = np.histogram2d(x[:, 1], x[:, 0], bins=[edges[1], edges[0]], weights=w)
    return mass / grid.cell_area


class Circle(Target):
    """Uniform on a circle: a singular target with no discrete modes."""

    dim = 2

    def __init__(self, radius=1.0, center=(0.0, 0.0)):
        self.radius = as_positive_number("circle radius", radius)
        self.center = as_point("circle center", center, dim=2)

    def view_box(self) -> Bounds:
        return box(self.center, self.center, np.full(2, 1.3 * self.radius))

    def to_config(self) -> dict:
        return {"kind": "circle", "radius": self.radius, "center": self.center.tolist()}

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._at(rng.uniform(0, 2 * np.pi, n))

    def _density(self, grid: Grid) -> np.ndarray:
        """Cell mass / cell area from a dense deterministic quadrature of the circle."""
        angles = 2 * np.pi * (np.arange(CIRCLE_QUADRATURE) + 0.5) / CIRCLE_QUADRATURE
        return _cell_density(grid, self._at(angles), np.full(CIRCLE_QUADRATURE, 1 / CIRCLE_QUADRATURE))

    def _at(self, angles: np.ndarray) -> np.ndarray:
        return self.center + self.radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


class Points(Target):
    """A finite set of exact points with weights (two-points, four-points); `scale` is the sigma for mode metrics."""

    def __init__(self, points, weights=None, scale=0.05):
        self.points = as_points("target points", points)
        self.weights = as_weights(weights, len(self.points))
        self.scale = as_positive_number("points scale", scale)
        self.dim = self.points.shape[1]
        self._given_weights = None if weights is None else np.asarray(weights, dtype=np.float64).tolist()

    @property
    def modes(self) -> np.ndarray:
        return self.points.copy()

    @property
    def mode_scales(self) -> np.ndarray:
        return np.full(len(self.points), self.scale)

    def view_box(self) -> Bounds:
        return padded_box(self.points)

    def to_config(self) -> dict:
        cfg = {"kind": "points", "points": self.points.tolist(), "scale": self.scale}
        return cfg if self._given_weights is None else {**cfg, "weights": self._given_weights}

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.points[rng.choice(len(self.points), size=n, p=self.weights)]

    def _density(self, grid: Grid) -> np.ndarray:
        return _cell_density(grid, self.points, self.weights)
