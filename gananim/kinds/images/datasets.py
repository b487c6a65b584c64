"""Real image data sets that need no download: scikit-learn's bundled 8×8 handwritten digits.

    from gananim.kinds.images.datasets import load_digits
    d = load_digits()          # Digits(images (1797, 1, 8, 8) float32 in [-1, 1], labels (1797,) int64)

The digits (UCI "Optical Recognition of Handwritten Digits", 1,797 images of 10 classes, grey levels 0..16)
ship inside scikit-learn's package, so the `digits` presets and the built-in digits classifier run offline.
Scaled to [-1, 1] because that is the range of a tanh generator, the usual image-GAN output layer (DCGAN,
Radford et al. 2016).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.errors import GananimError

DIGITS_MAX = 16.0  # the digits' grey levels run 0..16 (4×4 blocks of 32×32 bitmaps counted)
DIGITS_CLASSES = 10


@dataclass(frozen=True)
class Digits:
    """The 8×8 digits: images (n, 1, 8, 8) float32 in [-1, 1] and their labels 0..9."""

    images: np.ndarray
    labels: np.ndarray

    @property
    def class_freq(self) -> np.ndarray:
        """Each class's share of the images (K,), summing to 1."""
        return np.bincount(self.labels, minlength=DIGITS_CLASSES) / len(self.labels)


def sklearn_digits():
    """scikit-learn's digits Bunch; a one-line GananimError saying how to install it when it is missing."""
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError:
        raise GananimError(
            "the digits data set ships with scikit-learn, which is not installed: "
            "pip install 'gananim[torch]' (or pip install scikit-learn)"
        ) from None
    return sk_load_digits()


def load_digits() -> Digits:
    """All 1,797 digits, scaled from grey levels 0..16 to [-1, 1], with their labels."""
    bunch = sklearn_digits()
    images = (bunch.images.astype(np.float32) / DIGITS_MAX) * 2 - 1
    return Digits(images=images[:, None, :, :], labels=bunch.target.astype(np.int64))


__all__ = ["DIGITS_CLASSES", "Digits", "load_digits"]
