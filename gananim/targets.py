"""Target distributions of the toy-GAN lab (1D or 2D): sampling, density on a grid, modes."""

from __future__ import annotations

import inspect
import math
from abc import ABC, abstractmethod
from numbers import Integral
from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.grid import Bounds, Grid

DIM_HINT = "gananim supports 1D or 2D data"
CIRCLE_QUADRATURE = 100_000  # evenly spaced angles that carry the circle's mass into grid cells
KDE_CHUNK = 1 << 22  # most (grid point, sample) pairs the KDE holds in memory at once


class Target(ABC):
    """A 1D or 2D distribution the generator should learn: samples, density on a grid, modes."""

    dim: int

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n independent draws as an (n, dim) float64 array."""
        return self._sample(_count("the sample size", n, minimum=0), rng)

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
        params = ", ".join(f"{k}={_short(v)}" for k, v in self.to_config().items() if k != "kind")
        return f"{type(self).__name__}({params})"


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
        return _box(lo, hi, 0.1 * (hi - lo))

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
        mean = _point("target mean", mean)
        sigma = _positive("target sigma", sigma, len(mean), "one per dimension")
        super().__init__(mean[None], sigma[None], np.ones(1))

    def to_config(self) -> dict:
        return {"kind": "gaussian", "mean": self.means[0].tolist(), "sigma": _compact(self.sigmas[0])}


class Mixture(_Gaussians):
    """Weighted isotropic Gaussians at arbitrary means, e.g. mixture-1d."""

    def __init__(self, means, sigmas, weights=None):
        means = _points("target means", means)
        sigmas = _positive("target sigmas", sigmas, len(means), "one per mean")
        super().__init__(means, np.repeat(sigmas[:, None], means.shape[1], axis=1), _weights(weights, len(means)))
        self._given_weights = None if weights is None else np.asarray(weights, dtype=np.float64).tolist()

    def to_config(self) -> dict:
        cfg = {"kind": "mixture", "means": self.means.tolist(), "sigmas": _compact(self.sigmas[:, 0])}
        return cfg if self._given_weights is None else {**cfg, "weights": self._given_weights}


class Ring(_Gaussians):
    """n equal Gaussians evenly spaced on a circle (ring8, the mode-collapse benchmark)."""

    def __init__(self, n, sigma, radius=1.0, center=(0.0, 0.0)):
        self.n = _count("ring n", n, minimum=1)
        self.sigma = _positive_number("ring sigma", sigma)
        self.radius = _positive_number("ring radius", radius)
        self.center = _point("ring center", center, dim=2)
        angles = 2 * np.pi * np.arange(self.n) / self.n  # n distinct angles: linspace(0, 2π, n) repeats one
        means = self.center + self.radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        super().__init__(means, np.full((self.n, 2), self.sigma), np.full(self.n, 1 / self.n))

    def to_config(self) -> dict:
        return {"kind": "ring", "n": self.n, "sigma": self.sigma, "radius": self.radius, "center": self.center.tolist()}


class GaussianGrid(_Gaussians):
    """k×k equal Gaussians on a centred square lattice (grid25: k = 5, spacing 2)."""

    def __init__(self, k, sigma, spacing=2.0):
        self.k = _count("grid k", k, minimum=1)
        self.sigma = _positive_number("grid sigma", sigma)
        self.spacing = _positive_number("grid spacing", spacing)
        coords = (np.arange(self.k) - (self.k - 1) / 2) * self.spacing
        xx, yy = np.meshgrid(coords, coords)
        means = np.stack([xx.ravel(), yy.ravel()], axis=1)
        super().__init__(means, np.full(means.shape, self.sigma), np.full(len(means), 1 / len(means)))

    def to_config(self) -> dict:
        return {"kind": "grid", "k": self.k, "sigma": self.sigma, "spacing": self.spacing}


class Circle(Target):
    """Uniform on a circle: a singular target with no discrete modes."""

    dim = 2

    def __init__(self, radius=1.0, center=(0.0, 0.0)):
        self.radius = _positive_number("circle radius", radius)
        self.center = _point("circle center", center, dim=2)

    def view_box(self) -> Bounds:
        return _box(self.center, self.center, np.full(2, 1.3 * self.radius))

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
        self.points = _points("target points", points)
        self.weights = _weights(weights, len(self.points))
        self.scale = _positive_number("points scale", scale)
        self.dim = self.points.shape[1]
        self._given_weights = None if weights is None else np.asarray(weights, dtype=np.float64).tolist()

    @property
    def modes(self) -> np.ndarray:
        return self.points.copy()

    @property
    def mode_scales(self) -> np.ndarray:
        return np.full(len(self.points), self.scale)

    def view_box(self) -> Bounds:
        return _padded_box(self.points)

    def to_config(self) -> dict:
        cfg = {"kind": "points", "points": self.points.tolist(), "scale": self.scale}
        return cfg if self._given_weights is None else {**cfg, "weights": self._given_weights}

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.points[rng.choice(len(self.points), size=n, p=self.weights)]

    def _density(self, grid: Grid) -> np.ndarray:
        return _cell_density(grid, self.points, self.weights)


class Empirical(Target):
    """Real samples from a file or memory: resampled with replacement, density by Gaussian KDE (Scott's rule)."""

    def __init__(self, data, source: str | None = None):
        self.source = source
        self.data = _samples(data, f"target file {source}" if source else "the samples")
        self.dim = self.data.shape[1]
        self._kernel = _scott_kernel(self.data, source or "the samples")

    @classmethod
    def from_file(cls, path) -> "Empirical":
        """Load points from a .npy or .csv file."""
        return cls(_load(path), str(path))

    def view_box(self) -> Bounds:
        return _padded_box(self.data)

    def to_config(self) -> dict:
        return {"kind": "file", "path": self.source} if self.source else {"kind": "samples", "n": len(self.data)}

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.data[rng.integers(0, len(self.data), n)]

    def _density(self, grid: Grid) -> np.ndarray:
        return _kde(grid.points(), self.data, self._kernel).reshape(grid.shape)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Empirical):
            return NotImplemented
        return self.source == other.source and np.array_equal(self.data, other.data)


KINDS = {
    "gaussian": Gaussian,
    "mixture": Mixture,
    "ring": Ring,
    "grid": GaussianGrid,
    "circle": Circle,
    "points": Points,
    "file": Empirical.from_file,
}


def make_target(cfg: dict) -> Target:
    """Build a target from a config table such as {"kind": "ring", "n": 8, "sigma": 0.01}."""
    if not isinstance(cfg, dict):
        raise GananimError(f"a target config is a table with a 'kind'; got {_short(cfg)}")
    params = dict(cfg)
    kind = params.pop("kind", None)
    if kind == "samples":
        raise GananimError("in-memory samples cannot be rebuilt from a config; save them with numpy.save and use kind = 'file'")
    if not isinstance(kind, str) or kind not in KINDS:
        raise GananimError(f"unknown target kind {kind!r}; known kinds: {', '.join(KINDS)}")
    accepted = inspect.signature(KINDS[kind]).parameters
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise GananimError(f"target kind {kind!r} has no key(s) {', '.join(unknown)}; its keys are: {', '.join(accepted)}")
    missing = [name for name, p in accepted.items() if p.default is p.empty and name not in params]
    if missing:
        raise GananimError(f"target kind {kind!r} needs key(s) {', '.join(missing)}")
    return KINDS[kind](**params)


def target_from_samples(x: np.ndarray) -> Target:
    """Wrap an in-memory (n, d) or (n,) array of real samples as a target."""
    return Empirical(x)


# --- validation of config values: each returns clean float64 data or raises a one-line GananimError


def _floats(name: str, value) -> np.ndarray:
    """`value` as a finite float64 array."""
    try:
        a = np.asarray(value)
    except ValueError:  # ragged nesting
        a = np.asarray(None)
    if a.dtype.kind not in "iuf":
        raise GananimError(f"{name} must be a number or a list of numbers (equal-length rows); got {_short(value)}")
    if not np.isfinite(a).all():
        raise GananimError(f"{name} contains NaN or infinite values; remove or fix them")
    return a.astype(np.float64)


def _point(name: str, value, dim: int | None = None) -> np.ndarray:
    """One location (dim,); a bare number is a 1D point."""
    a = np.atleast_1d(_floats(name, value))
    if a.ndim != 1 or len(a) not in (1, 2):
        raise GananimError(f"{name} must have 1 or 2 coordinates, got shape {a.shape}: {DIM_HINT}")
    if dim is not None and len(a) != dim:
        raise GananimError(f"{name} needs {dim} coordinates; got {len(a)}")
    return a


def _points(name: str, value) -> np.ndarray:
    """A non-empty list of locations (K, dim); a list of numbers is K 1D points."""
    a = _floats(name, value)
    a = a[:, None] if a.ndim == 1 else a
    if a.ndim != 2 or len(a) == 0:
        raise GananimError(f"{name} must be a non-empty list of points, e.g. [[-1, 0], [1, 0]]; got {_short(value)}")
    if a.shape[1] not in (1, 2):
        raise GananimError(f"{name} have {a.shape[1]} coordinates each: {DIM_HINT}")
    return a


def _positive(name: str, value, count: int, what: str) -> np.ndarray:
    """One positive number or `count` of them, as (count,)."""
    a = _floats(name, value)
    if a.ndim == 0:
        a = np.full(count, a)
    elif a.shape != (count,):
        raise GananimError(f"{name} must be one number or {count} numbers ({what}); got {_short(value)}")
    if (a <= 0).any():
        raise GananimError(f"{name} must be > 0; got {_short(value)}")
    return a


def _positive_number(name: str, value) -> float:
    a = _floats(name, value)
    if a.ndim != 0 or a <= 0:
        raise GananimError(f"{name} must be one number > 0; got {_short(value)}")
    return float(a)


def _count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise GananimError(f"{name} must be a whole number >= {minimum}; got {value!r}")
    return int(value)


def _weights(value, count: int) -> np.ndarray:
    """Normalised weights (count,); uniform when not given."""
    if value is None:
        return np.full(count, 1 / count)
    w = _floats("target weights", value)
    if w.shape != (count,):
        raise GananimError(f"target weights must be {count} numbers, one per point/mean; got {_short(value)}")
    if (w < 0).any() or w.sum() <= 0:
        raise GananimError(f"target weights must be >= 0 with a positive sum; got {_short(value)}")
    return w / w.sum()


def _samples(data, where: str) -> np.ndarray:
    """Real samples as a finite (n, dim) float64 array with n >= 2."""
    x = _floats(where, data)
    x = x[:, None] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[1] not in (1, 2):
        raise GananimError(f"{where} has shape {x.shape}; expected (n,), (n, 1) or (n, 2): {DIM_HINT}")
    if len(x) < 2:
        raise GananimError(f"{where} has {len(x)} point(s); a target needs at least 2")
    return x


def _load(path) -> np.ndarray:
    """Points from a .npy file or a comma-separated .csv (a non-numeric first line is a header)."""
    p = Path(path)
    if p.suffix.lower() not in (".npy", ".csv"):
        raise GananimError(f"target file {p} must be a .npy or .csv file of points, shape (n,), (n, 1) or (n, 2)")
    if not p.is_file():
        raise GananimError(f"target file {p} does not exist; check the path (relative paths start at {Path.cwd()})")
    try:
        if p.suffix.lower() == ".npy":
            return np.load(p, allow_pickle=False)
        return np.loadtxt(p, delimiter=",", ndmin=2, skiprows=_header_lines(p))
    except (OSError, ValueError) as e:
        raise GananimError(f"could not read target file {p}: {' '.join(str(e).split())}") from None


def _header_lines(p: Path) -> int:
    """1 when the csv's first line is not all numbers (a header), else 0."""
    with p.open() as f:
        first = f.readline()
    try:
        [float(field) for field in first.split(",")]
    except ValueError:
        return 1
    return 0


# --- numerics


_PHI = np.vectorize(lambda z: 0.5 * math.erfc(-z / math.sqrt(2)), otypes=[np.float64])


def _interval_mass(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Standard-normal mass of each [lo, hi], accurate deep in either tail (reflects the upper one)."""
    upper = lo > 0
    return _PHI(np.where(upper, -lo, hi)) - _PHI(np.where(upper, -hi, lo))


def _cell_density(grid: Grid, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted point mass in each cell per unit length/area; mass outside the box is dropped."""
    edges = grid.edges
    if grid.dim == 1:
        mass, _ = np.histogram(x[:, 0], bins=edges[0], weights=w)
    else:  # y first, so rows are y
        mass, _, _ = np.histogram2d(x[:, 1], x[:, 0], bins=[edges[1], edges[0]], weights=w)
    return mass / grid.cell_area


def _scott_kernel(data: np.ndarray, where: str) -> np.ndarray:
    """Cholesky factor of the KDE kernel covariance: data covariance * n^(-2/(d+4)) (Scott's rule)."""
    n, d = data.shape
    cov = np.atleast_2d(np.cov(data, rowvar=False)) * n ** (-2 / (d + 4))
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise GananimError(f"{where}: the points do not spread in every dimension, so no density can be estimated") from None


def _kde(points: np.ndarray, data: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Gaussian KDE of `data` at `points`, with kernel covariance kernel @ kernel.T, in memory-bounded chunks."""
    whiten = np.linalg.inv(kernel).T
    zd, zp = data @ whiten, points @ whiten
    norm = len(data) * (2 * np.pi) ** (data.shape[1] / 2) * np.prod(np.diag(kernel))
    out = np.empty(len(points))
    step = max(1, KDE_CHUNK // len(data))
    for start in range(0, len(points), step):
        chunk = zp[start : start + step]
        sq = sum((chunk[:, None, j] - zd[None, :, j]) ** 2 for j in range(zd.shape[1]))
        out[start : start + step] = np.exp(-0.5 * sq).sum(axis=1)
    return out / norm


# --- small helpers


def _box(lo: np.ndarray, hi: np.ndarray, margin: np.ndarray) -> Bounds:
    return tuple((float(a - m), float(b + m)) for a, b, m in zip(lo, hi, margin))


def _padded_box(x: np.ndarray) -> Bounds:
    """Bounding box of points plus max(25% of the extent, 0.5) per side."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    return _box(lo, hi, np.maximum(0.25 * (hi - lo), 0.5))


def _compact(values: np.ndarray) -> float | list[float]:
    """One float when all values agree, else the list."""
    return float(values[0]) if np.all(values == values[0]) else values.tolist()


def _short(value) -> str:
    """A repr that stays short for long lists."""
    value = value.tolist() if isinstance(value, np.ndarray) else value
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"[{len(value)} items]"
    return repr(value)
