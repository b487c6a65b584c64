"""What an images recording fixes when it starts: the samples' shape and value range, the fixed real batch, the PCA
plane it is seen on (with the grid of the generated density there), and the fixed latent batches.

Every draw comes from a private seeded generator: the global RNGs, and so training, stay untouched.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gananim.errors import GananimError
from gananim.kinds.images.pixels import to_float, to_uint8
from gananim.record.prior import Prior
from gananim.recording.grid import Grid

PCA_ROWS = 10_000  # the plane is fitted on at most this many real samples (a random subset of larger data): 10,000
#                    rows pin the top two directions of 8x8 to 32x32 images far below a pixel's worth of change
PLANE_MARGIN = 0.1  # the density grid's box: the projected real data's box widened by this share of its span per side
PLANE_CELLS = 32  # cells per axis of that grid, as for 2D points recordings (probe_options.GRID_BY_DIM)


def sample_shape_of(shape: tuple[int, ...], who: str) -> tuple[int, ...]:
    """One sample's shape as stored: (d,) for vectors, (C, H, W) for images ((H, W) is one grey channel)."""
    if len(shape) == 1:
        return shape
    if len(shape) == 2:
        return (1, *shape)
    if len(shape) == 3:
        if shape[0] not in (1, 3):
            raise GananimError(
                f"{who} has {shape[0]} channels (shape (n, {', '.join(map(str, shape))})); gananim records "
                "images with 1 (grey) or 3 (RGB) channels first: (n, C, H, W)"
            )
        return shape
    raise GananimError(
        f"{who} has shape (n, {', '.join(map(str, shape))}); gananim records vectors (n, d), images (n, H, W) "
        "or (n, C, H, W)"
    )


def real_samples(data, sample_shape: tuple[int, ...]) -> np.ndarray:
    """The user's real data (array or tensor, on any device) as float32 (n, *sample_shape), checked."""
    if isinstance(data, torch.Tensor):
        data = data.detach().to("cpu", torch.float32).numpy()
    try:
        x = np.asarray(data, dtype=np.float32)
    except (TypeError, ValueError):
        raise GananimError(f"data must be an array or tensor of real samples, got {type(data).__name__}") from None
    if x.ndim < 2 or len(x) < 2:
        raise GananimError(
            f"data must hold at least 2 real samples, shaped (n, ...) like the generator's output; got shape {x.shape}"
        )
    have = sample_shape_of(tuple(x.shape[1:]), "the data")
    if have != sample_shape:
        if math.prod(have) != math.prod(sample_shape) or len(have) == 3:
            raise GananimError(
                f"the data's samples have shape {have} but the generator outputs {sample_shape}; "
                "pass real data shaped like the generator's output"
            )
    x = x.reshape(
        len(x), *sample_shape
    )  # (n, H, W) as one grey channel; flat data for an image generator laid out as images
    if not np.isfinite(x).all():
        raise GananimError("data samples contain NaN or inf; remove them before recording")
    return x


def value_range(x: np.ndarray) -> tuple[float, float]:
    """[-1, 1] for data in it with some value < 0 (a tanh generator's), [0, 1] for data in [0, 1], else [min, max]."""
    lo, hi = float(x.min()), float(x.max())
    if lo >= -1 and hi <= 1:
        return (-1.0, 1.0) if lo < 0 else (0.0, 1.0)
    return lo, hi if hi > lo else lo + 1.0


def fit_pca(x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean (D,), components (2, D)) float64: the top two principal directions of the flattened data, by SVD.

    Each direction's sign is fixed so that its largest-magnitude entry is positive (SVD's sign is arbitrary)."""
    flat = x.reshape(len(x), -1).astype(np.float64)
    if len(flat) > PCA_ROWS:
        flat = flat[np.sort(np.random.default_rng([seed, 7]).choice(len(flat), PCA_ROWS, replace=False))]
    mean = flat.mean(axis=0)
    # torch's SVD, not numpy's: numpy's BLAS threads would spin on after it, taking CPU from the training loop
    vt = torch.linalg.svd(torch.from_numpy(flat - mean), full_matrices=False).Vh.numpy()
    components = np.zeros((2, flat.shape[1]))
    components[: len(vt[:2])] = vt[:2]
    signs = np.sign(components[np.arange(2), np.abs(components).argmax(axis=1)])
    return mean, components * np.where(signs == 0, 1.0, signs)[:, None]


def project(x: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Samples (n, ...) on the PCA plane: (n, 2) float64 (in torch, for the reason fit_pca gives)."""
    flat = torch.from_numpy(x.reshape(len(x), -1).astype(np.float64) - mean)
    return (flat @ torch.from_numpy(np.ascontiguousarray(components.T))).numpy()


def plane_density_grid(proj: np.ndarray) -> Grid:
    """The grid of the generated density: a box around the projected real data, PLANE_MARGIN wider per side."""
    lo, hi = proj.min(axis=0), proj.max(axis=0)
    pad = np.where(hi > lo, (hi - lo) * PLANE_MARGIN, 1.0)
    return Grid(tuple((float(a - p), float(b + p)) for a, b, p in zip(lo, hi, pad)), PLANE_CELLS)


def real_rows(n_data: int, n: int, seed: int) -> np.ndarray:
    """Which rows of the data the fixed real batch of n holds (sorted; with replacement where the data has fewer)."""
    rng = np.random.default_rng([seed, 1])
    return np.sort(rng.choice(n_data, n, replace=n_data < n))


def fixed_labels(k: int, n: int, cols: int) -> np.ndarray:
    """The conditioning labels of n fixed latents for k classes (int64): row r of a grid `cols` wide is class r mod k,
    so the sample grid (the first latents) shows each class on a row, and the rest cycle through the classes."""
    return (np.arange(n) // cols % k).astype(np.int64)


def label_batches(
    k: int, n_samples: int, n_images: int, cols: int, interp: tuple[int, int] | None, real_labels: np.ndarray
) -> dict[str, np.ndarray]:
    """A conditional recording's fixed labels: `latent_labels` (the stored samples') and `grid_labels` (row r of the
    grid, `cols` wide: class r mod k, so its rows are the classes in order), `interp_labels` (path p: class p mod k;
    pictures only) and `real_labels`, the fixed real batch's own."""
    out = {"latent_labels": fixed_labels(k, n_samples, cols), "real_labels": real_labels.astype(np.int64)}
    if interp is not None:
        out |= {"grid_labels": fixed_labels(k, n_images, cols), "interp_labels": fixed_labels(k, interp[0], 1)}
    return out


def class_labels(labels, n_data: int, k: int) -> np.ndarray:
    """The real data's classes (n_data,) int64 in [0, k), checked (a conditional recording scores real samples
    given them)."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    try:
        y = np.asarray(labels)
    except (TypeError, ValueError):
        y = np.zeros(0)
    if y.ndim == 2 and y.shape[1] == k and len(y) == n_data:  # one-hot rows
        y = y.argmax(axis=1)
    whole = y.dtype.kind in "iu" or (y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)))
    if y.shape != (n_data,) or not whole or (len(y) and (y.min() < 0 or y.max() >= k)):
        raise GananimError(
            f"labels= must hold one class per real sample, {n_data} whole numbers from 0 to {k - 1} (or one-hot rows), "
            f"got {'shape ' + str(y.shape) if y.shape != (n_data,) else 'values outside that range'}"
        )
    return y.astype(np.int64)


def real_batch(x: np.ndarray, n: int, seed: int, vrange: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """(stored, float) fixed real batch of n: uint8 quantised on the value range for images (vrange given), float32
    for vectors. The float batch is what the stored one reads back as, so everything computed on it at set-up
    (projection, classifier features) is recomputable from the recording."""
    batch = x[real_rows(len(x), n, seed)]
    if vrange is None:
        return batch.astype(np.float32), batch.astype(np.float32)
    stored = to_uint8(batch, vrange)
    return stored, to_float(stored, vrange)


def latent_batches(
    prior: Prior,
    latent_shape: tuple[int, ...],
    n_samples: int,
    n_images: int,
    interp: tuple[int, int] | None,
    seed: int,
) -> dict[str, np.ndarray]:
    """The fixed latents: `latents` (the stored samples'), `grid_latents` (the sample grid's: the first n_images of
    the latents, so that the grid costs no generator call of its own) and `interp_latents` (paths, points, ...):
    straight lines between two fixed prior draws per path. float32."""
    shape = lambda z, *lead: z.numpy().reshape(*lead, *latent_shape).astype(np.float32)  # noqa: E731
    out = {"latents": shape(prior.sample(n_samples, seed), n_samples)}
    if interp is None:  # flat vectors: no picture to show
        return out
    out["grid_latents"] = (
        out["latents"][:n_images] if n_images <= n_samples else shape(prior.sample(n_images, seed + 4), n_images)
    )
    paths, points = interp
    ends = prior.sample(2 * paths, seed + 5).reshape(2, paths, 1, -1)
    t = torch.linspace(0, 1, points).reshape(1, points, 1)
    out["interp_latents"] = shape(ends[0] + t * (ends[1] - ends[0]), paths, points)
    return out
