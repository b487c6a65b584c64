"""A target made of real samples, from a .npy/.csv file or from memory: resampled with replacement,
its density a Gaussian kernel density estimate (Scott's rule)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets.base import Target, padded_box
from gananim.kinds.points.targets.checks import as_samples
from gananim.recording.grid import Bounds, Grid

KDE_CHUNK = 1 << 22  # most (grid point, sample) pairs the KDE holds in memory at once


class Empirical(Target):
    """Real samples from a file or memory: resampled with replacement, density by Gaussian KDE (Scott's rule)."""

    def __init__(self, data, source: str | None = None):
        self.source = source
        self.data = as_samples(data, f"target file {source}" if source else "the samples")
        self.dim = self.data.shape[1]
        self._kernel = _scott_kernel(self.data, source or "the samples")

    @classmethod
    def from_file(cls, path) -> "Empirical":
        """Load points from a .npy or .csv file."""
        return cls(_load(path), str(path))

    def view_box(self) -> Bounds:
        return padded_box(self.data)

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


def _scott_kernel(data: np.ndarray, where: str) -> np.ndarray:
    """Cholesky factor of the KDE kernel covariance: data covariance * n^(-2/(d+4)) (Scott's rule)."""
    n, d = data.shape
    cov = np.atleast_2d(np.cov(data, rowvar=False)) * n ** (-2 / (d + 4))
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise GananimError(
            f"{where}: the points do not spread in every dimension, so no density can be estimated"
        ) from None


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
