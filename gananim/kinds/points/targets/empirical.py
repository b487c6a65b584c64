"""A target made of real samples, from a .npy/.csv file or from memory: resampled with replacement,
its density a Gaussian kernel density estimate (Scott's rule, narrowed to the data's nearest-neighbour spacing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets.base import Target, padded_box
from gananim.kinds.points.targets.checks import as_samples
from gananim.recording.grid import Bounds, Grid

KDE_CHUNK = 1 << 22  # most (grid point, sample) pairs the KDE holds in memory at once
# The kernel's width: Scott's rule at most, narrowed to the median distance to the K-th nearest neighbour (in the
# data's whitened coordinates) among at most NEIGHBOUR_SAMPLE evenly spread samples. Scott's rule is the right width
# for one Gaussian blob and far too wide for data on curves: two moons and a swiss roll came out as blobs (issue 20).
# The neighbour distance follows the data's local spacing (the k-th nearest neighbour method, Silverman 1986, §5.2).
NEIGHBOURS = 10
NEIGHBOUR_SAMPLE = 1000
LEAST_FOR_NEIGHBOURS = 100  # fewer samples than this: Scott's rule alone (ten neighbours are most of the data)


class Empirical(Target):
    """Real samples from a file or memory: resampled with replacement, density by Gaussian KDE (Scott's rule)."""

    def __init__(self, data, source: str | None = None):
        self.source = source
        self.data = as_samples(data, f"target file {source}" if source else "the samples")
        self.dim = self.data.shape[1]
        self._kernel = _kernel(self.data, source or "the samples")

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
        return _kde(grid.points(), self.data, on_grid(self._kernel, grid)).reshape(grid.shape)

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


def _kernel(data: np.ndarray, where: str) -> np.ndarray:
    """Cholesky factor of the KDE kernel covariance: data covariance * f², f = n^(-1/(d+4)) (Scott's rule), or f the
    median K-th-neighbour distance in whitened coordinates where that is narrower (see NEIGHBOURS)."""
    n, d = data.shape
    try:
        chol = np.linalg.cholesky(np.atleast_2d(np.cov(data, rowvar=False)))
    except np.linalg.LinAlgError:
        raise GananimError(
            f"{where}: the points do not spread in every dimension, so no density can be estimated"
        ) from None
    factor = n ** (-1 / (d + 4))
    if n >= LEAST_FOR_NEIGHBOURS:
        white = np.linalg.solve(chol, data.T).T  # unit covariance: one distance for every direction
        factor = min(factor, neighbour_distance(white[np.linspace(0, n - 1, min(n, NEIGHBOUR_SAMPLE)).astype(int)]))
    return chol * factor


def neighbour_distance(x: np.ndarray, k: int = NEIGHBOURS) -> float:
    """The median over the points (m, d) of the distance to their k-th nearest other point (m ≤ NEIGHBOUR_SAMPLE:
    the m × m distances are at most 8 MB)."""
    sq = (x * x).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * x @ x.T, 0.0)
    np.fill_diagonal(d2, np.inf)
    return float(np.sqrt(np.median(np.partition(d2, k - 1, axis=1)[:, k - 1])))


def on_grid(kernel: np.ndarray, grid: Grid) -> np.ndarray:
    """The kernel widened, where it is narrower than half a cell along an axis, to half a cell: a kernel narrower
    than the spacing of the points it is evaluated at puts mass between them, and the density on the grid is speckle
    that no longer integrates to one."""
    spread = np.sqrt(np.diag(kernel @ kernel.T))
    cells = np.array([(hi - lo) / grid.size for lo, hi in grid.bounds])
    return kernel * max(1.0, float(np.max(0.5 * cells / spread)))


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
