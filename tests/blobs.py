"""A synthetic image data set with known classes: a bright 2×2 blob in one of the four quadrants of a dark 4×4
image, and the classifier that reads it exactly (one feature per quadrant: the sum of its pixels)."""

from __future__ import annotations

import numpy as np

from gananim.kinds.images.classifier import MLPClassifierWeights

SIZE = 4
QUADRANTS = [(0, 0), (0, 2), (2, 0), (2, 2)]  # (row, column) of each class's blob


def blob_images(classes, value_range=(-1.0, 1.0)) -> np.ndarray:
    """(n, 1, 4, 4) float32 images: the blob of class k at QUADRANTS[k] at `hi`, the rest at `lo`; class -1: blank
    (the classifier's logits all 0: class 0 at a confidence of ¼, like an untrained G's noise)."""
    lo, hi = value_range
    out = np.full((len(classes), 1, SIZE, SIZE), lo, dtype=np.float32)
    for i, k in enumerate(classes):
        if k < 0:
            continue
        r, c = QUADRANTS[k]
        out[i, 0, r : r + 2, c : c + 2] = hi
    return out


def quadrant_classifier() -> MLPClassifierWeights:
    """features_k = the sum of quadrant k's pixels (in [0, 1]), logits = features: argmax = the blob's quadrant."""
    w0 = np.zeros((SIZE * SIZE, 4))
    for k, (r, c) in enumerate(QUADRANTS):
        for dr in range(2):
            for dc in range(2):
                w0[(r + dr) * SIZE + c + dc, k] = 1.0
    return MLPClassifierWeights(w0, np.zeros(4), np.eye(4), np.zeros(4), accuracy=1.0, name="quadrants")


def write_blob_recording(path, snapshots, *, user: bool = False, n_real: int = 40, nonfinite=None, scalars=None):
    """An images recording (spec11) of 4×4 blob images written with numpy alone: snapshot i's generated samples
    are blobs of the classes `snapshots[i]`. With the built-in classifier's format (the quadrant classifier's
    weights in fixed.npz), or, with `user`, each snapshot storing a user classifier's `class_logits`.
    `nonfinite` {snapshot: [indices]} flags those samples non-finite (stored as zeros); `scalars` are recorded with
    every snapshot (default D(real) 0.6, D(fake) 0.4)."""
    from gananim.recording.grid import Grid
    from gananim.recording.reader import load
    from gananim.recording.writer import RecordingWriter

    clf = quadrant_classifier()
    n = len(snapshots[0])
    real = blob_images(np.arange(n_real) % 4)
    real_u8 = np.round((real + 1) / 2 * 255).astype(np.uint8)
    real_features = clf.logits(real_u8 / 255.0) + 0.5 if user else clf.features(real_u8 / 255.0)  # a user's: its logits
    flat = real.reshape(n_real, -1).astype(np.float64)
    mean = flat.mean(0)
    components = np.linalg.svd(flat - mean, full_matrices=False)[2][:2]
    grid = Grid(((-4.0, 4.0), (-4.0, 4.0)), 8)
    info = (
        {"name": "user", "source": "user", "classes": 4, "accuracy": None, "features": 4}
        if user
        else {"name": clf.name, "source": "builtin", "classes": 4, "accuracy": 1.0, "features": 4}
    )
    manifest = {
        "kind": "images",
        "version": 2,
        "sample_shape": [1, SIZE, SIZE],
        "is_image": True,
        "latent_shape": [3],
        "latent_dim": 3,
        "value_range": [-1.0, 1.0],
        "n_samples": n,
        "n_real": n_real,
        "n_images": 4,
        "grid": grid.to_dict(),
        "d_bins": 4,
        "classifier": info,
    }
    fixed = {
        "latents": np.zeros((n, 3), np.float32),
        "grid_latents": np.zeros((4, 3), np.float32),
        "data_samples": real_u8,
        "pca_mean": mean,
        "pca_components": components,
        "real_proj": ((flat - mean) @ components.T).astype(np.float32),
        "data_class_freq": np.full(4, 0.25),
        "real_features": real_features.astype(np.float32),
    }
    if not user:
        fixed |= clf.fixed_arrays()
    writer = RecordingWriter(path, manifest, fixed)
    try:
        for i, classes in enumerate(snapshots):
            samples = np.round((blob_images(classes) + 1) / 2 * 255).astype(np.uint8)
            bad = np.zeros(n, np.uint8)
            bad[(nonfinite or {}).get(i, [])] = 1
            samples[bad == 1] = 0
            proj = ((samples.reshape(n, -1) / 127.5 - 1 - mean) @ components.T).astype(np.float32)
            arrays = {"samples": samples, "density": grid.histogram(proj), "nonfinite": bad}
            if user:  # a user classifier's logits, as the Recorder stores them (here: the quadrant sums, shifted)
                arrays["class_logits"] = (clf.logits(samples / 255.0) + 0.5).astype(np.float32)
            writer.append(i * 10, arrays, scalars or {"d_real": 0.6, "d_fake": 0.4})
    finally:
        writer.close()
    return load(path)
