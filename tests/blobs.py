"""A synthetic image data set with known classes: a bright 2×2 blob in one of the four quadrants of a dark 4×4
image, and the classifier that reads it exactly (one feature per quadrant: the sum of its pixels)."""

from __future__ import annotations

import numpy as np

from gananim.classifier import MLPClassifierWeights

SIZE = 4
QUADRANTS = [(0, 0), (0, 2), (2, 0), (2, 2)]  # (row, column) of each class's blob


def blob_images(classes, value_range=(-1.0, 1.0)) -> np.ndarray:
    """(n, 1, 4, 4) float32 images: the blob of class k at QUADRANTS[k] at `hi`, the rest at `lo`."""
    lo, hi = value_range
    out = np.full((len(classes), 1, SIZE, SIZE), lo, dtype=np.float32)
    for i, k in enumerate(classes):
        r, c = QUADRANTS[k]
        out[i, 0, r:r + 2, c:c + 2] = hi
    return out


def quadrant_classifier() -> MLPClassifierWeights:
    """features_k = the sum of quadrant k's pixels (in [0, 1]), logits = features: argmax = the blob's quadrant."""
    w0 = np.zeros((SIZE * SIZE, 4))
    for k, (r, c) in enumerate(QUADRANTS):
        for dr in range(2):
            for dc in range(2):
                w0[(r + dr) * SIZE + c + dc, k] = 1.0
    return MLPClassifierWeights(w0, np.zeros(4), np.eye(4), np.zeros(4), accuracy=1.0, name="quadrants")
