"""A synthetic images recording written with numpy alone (no torch), exactly as the images format says (spec11).

The data: 8x8 images of a bright blob at one of four positions (class k = position k), on [-1, 1]. The generator
is a known function G(z, t) of the latent and of training time t in [0, 1]: at t = 0 every latent draws blob 0
under heavy noise; as t grows the noise fades and the latents spread over 1 + 3t blobs, all four at t = 1. So the
sample grid goes from one noisy blob to four sharp ones, and the class shares, recorded as scalars
`class_share_{k}`, are known exactly. D(x, t) is a sigmoid of how blob-like x is, flattening to ½ as t → 1.
"""

from __future__ import annotations

from math import erf, sqrt
from pathlib import Path

import numpy as np

from gananim.kinds.images.pixels import to_uint8
from gananim.recording.grid import Grid
from gananim.recording.reader import load
from gananim.recording.writer import RecordingWriter

SIDE = 8
CENTRES = np.array([(2.0, 2.0), (2.0, 5.5), (5.5, 2.0), (5.5, 5.5)])  # (row, col) of each class's blob
TINTS = np.array([(1.0, 0.3, 0.3), (0.3, 1.0, 0.3), (0.3, 0.3, 1.0), (1.0, 1.0, 0.3)])  # colour images: one per class
RANGE = (-1.0, 1.0)
LATENT = 8


def blob(centre, width: float = 1.1) -> np.ndarray:
    """An 8x8 image on [-1, 1]: background -1, a Gaussian bump reaching +1 at `centre` (row, col)."""
    r, c = np.mgrid[0:SIDE, 0:SIDE]
    bump = np.exp(-((r - centre[0]) ** 2 + (c - centre[1]) ** 2) / (2 * width**2))
    return -1.0 + 2.0 * bump


def shape_for(channels: int | None) -> tuple[int, ...]:
    return (SIDE * SIDE,) if channels is None else (channels, SIDE, SIDE)


def as_sample(img: np.ndarray, k: int, channels: int | None) -> np.ndarray:
    """One (8, 8) image as a sample of the recording's shape: grey, tinted by class, or flattened."""
    if channels is None:
        return img.ravel()
    if channels == 1:
        return img[None]
    return -1.0 + (img[None] + 1.0) * TINTS[k][:, None, None]


def real_data(n: int, seed: int = 0, channels: int | None = 1) -> tuple[np.ndarray, np.ndarray]:
    """n real samples (blobs jittered a little, faint noise) and their classes (uniform over the four)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    out = [
        as_sample(
            np.clip(blob(CENTRES[k] + 0.25 * rng.standard_normal(2)) + 0.05 * rng.standard_normal((SIDE, SIDE)), -1, 1),
            k,
            channels,
        )
        for k in labels
    ]
    return np.stack(out).astype(np.float32), labels


_MIX = np.random.default_rng(123).standard_normal((SIDE * SIDE, LATENT)) / sqrt(LATENT)  # fixed: G's noise pattern


def classes(z: np.ndarray, t: float) -> np.ndarray:
    """The blob each latent draws at time t: its prior quantile of z[0] spread over 1 + 3t blobs."""
    u = np.array([0.5 * (1 + erf(v / sqrt(2))) for v in z.reshape(len(z), -1)[:, 0]])
    return np.minimum((u * (1 + 3 * t)).astype(int), 3)


def generate(z: np.ndarray, t: float, channels: int | None = 1) -> np.ndarray:
    """G(z, t) in float: the class's blob, shifted by z[1:3], under noise that fades as t grows."""
    z2 = z.reshape(len(z), -1)
    out = []
    for zi, k in zip(z2, classes(z, t)):
        img = blob(CENTRES[k] + 0.3 * zi[1:3]) * (0.4 + 0.6 * t) + 0.9 * (1 - t) * np.tanh(_MIX @ zi).reshape(
            SIDE, SIDE
        )
        out.append(as_sample(np.clip(img, -1, 1), k, channels))
    return np.stack(out).astype(np.float32)


_CLEAN = np.stack([blob(c).ravel() for c in CENTRES])


def discriminate(x: np.ndarray, t: float) -> np.ndarray:
    """D(x, t): a sigmoid of x's best correlation with a clean blob, flattening towards ½ as t → 1."""
    grey = x.reshape(len(x), -1, SIDE * SIDE).mean(axis=1) if x.ndim > 2 else x
    with np.errstate(invalid="ignore", divide="ignore"):  # an all-NaN (zeroed) sample has no correlation
        sim = np.nan_to_num(np.corrcoef(np.vstack([grey, _CLEAN]))[: len(grey), len(grey) :].max(axis=1))
    return (1 / (1 + np.exp(-6 * (1 - t) * (sim - 0.75)))).astype(np.float32)


def pca(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and the top two principal directions (rows) of flattened data, by SVD."""
    mean = flat.mean(axis=0)
    _, _, vt = np.linalg.svd(flat - mean, full_matrices=False)
    return mean, vt[:2]


def write_image_recording(
    path: str | Path,
    *,
    snapshots: int = 6,
    every: int = 10,
    channels: int | None = 1,
    n_samples: int = 128,
    n_real: int = 128,
    n_images: int = 64,
    interp_shape=(4, 8),
    d_bins: int = 20,
    nonfinite: dict[int, list[int]] | None = None,
    name: str = "blobs",
    seed: int = 0,
):
    """Write the recording and return it read back. `nonfinite` {snapshot: [sample indices]} makes those
    generated samples NaN at that snapshot (stored as zeros and flagged, as the Recorder does)."""
    rng = np.random.default_rng(seed)
    shape = shape_for(channels)
    real, _ = real_data(400, seed, channels)
    flat = real.reshape(len(real), -1).astype(np.float64)
    mean, components = pca(flat)
    batch = real[:n_real]
    real_proj = (batch.reshape(n_real, -1) - mean) @ components.T
    lo, hi = real_proj.min(axis=0), real_proj.max(axis=0)
    margin = 0.15 * (hi - lo)
    grid = Grid(((lo[0] - margin[0], hi[0] + margin[0]), (lo[1] - margin[1], hi[1] + margin[1])), 32)
    latents = rng.standard_normal((n_samples, LATENT)).astype(np.float32)
    grid_latents = rng.standard_normal((n_images, LATENT)).astype(np.float32)
    ends = rng.standard_normal((interp_shape[0], 2, LATENT))
    w = np.linspace(0, 1, interp_shape[1])[None, :, None]
    interp_latents = ((1 - w) * ends[:, :1] + w * ends[:, 1:]).astype(np.float32)
    edges = np.linspace(0, 1, d_bins + 1)
    is_image = channels is not None
    store = (lambda x: to_uint8(x, RANGE)) if is_image else (lambda x: x.astype(np.float32))
    manifest = {
        "kind": "images",
        "version": 2,
        "sample_shape": list(shape),
        "is_image": is_image,
        "latent_shape": [LATENT],
        "latent_dim": LATENT,
        "value_range": list(RANGE),
        "n_samples": n_samples,
        "n_real": n_real,
        "n_images": n_images,
        "interp_shape": list(interp_shape),
        "grid": grid.to_dict(),
        "d_bins": d_bins,
        "classifier": None,
        "every": every,
        "seed": seed,
        "loss": "non-saturating",
        "d_output": "probs",
        "has_discriminator": True,
        "prior": "normal",
        "prior_range": [-1.0, 1.0],
        "config": {"name": name},
    }
    fixed = {
        "latents": latents,
        "data_samples": store(batch),
        "pca_mean": mean,
        "pca_components": components,
        "real_proj": real_proj.astype(np.float32),
        "d_edges": edges,
    }
    if is_image:
        fixed |= {"grid_latents": grid_latents, "interp_latents": interp_latents}
    writer = RecordingWriter(path, manifest, fixed)
    try:
        for i in range(snapshots):
            t = i / max(snapshots - 1, 1)
            samples = generate(latents, t, channels)
            bad = np.zeros(n_samples, dtype=np.uint8)
            for j in (nonfinite or {}).get(i, []):
                samples[j] = np.nan
                bad[j] = 1
            proj = ((samples.reshape(n_samples, -1) - mean) @ components.T).astype(np.float32)
            d_fake, d_real = discriminate(np.nan_to_num(samples), t), discriminate(batch, t)
            d_fake[bad == 1] = np.nan
            ok = bad == 0
            stored = store(samples)
            stored[bad == 1] = 0  # uint8 cannot hold NaN: all zeros, flagged in `nonfinite`
            arrays = {
                "samples": stored,
                "density": grid.histogram(proj),
                "proj": proj,
                "d_fake": d_fake,
                "d_real": d_real,
                "d_hist_fake": (np.histogram(d_fake[ok], edges)[0] / n_samples).astype(np.float32),
                "d_hist_real": (np.histogram(d_real, edges)[0] / n_real).astype(np.float32),
                "nonfinite": bad,
            }
            if is_image:
                images = store(generate(grid_latents, t, channels))
                images_bad = np.zeros(n_images, np.uint8)
                for j in (nonfinite or {}).get(i, []):  # the same latent indices diverge in the grid
                    if j < n_images:
                        images[j], images_bad[j] = 0, 1
                arrays |= {
                    "images": images,
                    "images_nonfinite": images_bad,
                    "interp": store(generate(interp_latents.reshape(-1, LATENT), t, channels)).reshape(
                        *interp_shape, *shape
                    ),
                }
            share = np.bincount(classes(latents[ok], t), minlength=4) / max(ok.sum(), 1)
            d_r, d_f = float(d_real.mean()), float(np.nanmean(d_fake))
            scalars = {
                "d_loss": -np.log(d_r) - np.log(1 - d_f),
                "g_loss": -np.log(d_f),
                "d_real": d_r,
                "d_fake": d_f,
                "value": np.log(d_r) + np.log(1 - d_f),
                "g_grad_norm": 2.0 * (1 - t) + 0.1,
                "d_grad_norm": 1.0 + t,
                "nonfinite_share": float(bad.mean()),
                "classes_captured": float((share >= 0.1 * 0.25).sum()),
                **{f"class_share_{k}": float(v) for k, v in enumerate(share)},
            }
            writer.append(i * every, arrays, scalars)
    finally:
        writer.close()
    return load(path)
