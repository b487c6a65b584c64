"""The lab's image data: real images a run trains on, drawn like a target's samples (numpy; torch-free).

    [target]
    kind = "digits"        # scikit-learn's bundled 8×8 digits, on [-1, 1] (gananim.kinds.images.datasets)

An ImageData stands where a 1D/2D gananim Target stands in the lab: `sample(n, rng)` draws n images (with
replacement), `shape` is one image's (C, H, W). It keeps the labels, so a recording of it stores the data's true
class frequencies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets import Target, make_target

IMAGE_FAMILIES = ("digits",)  # the target families (key kind) that are image data


@dataclass(frozen=True)
class ImageData:
    """A fixed set of images (n, C, H, W) float32 and their labels."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    n_classes: int

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.images.shape[1:])

    @property
    def class_freq(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=self.n_classes) / len(self.labels)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n images drawn uniformly with replacement: (n, C, H, W) float32."""
        return self.images[rng.integers(0, len(self.images), n)]

    def sample_labelled(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n images and their labels, drawn as `sample` draws them (the same rows for the same RNG state)."""
        rows = rng.integers(0, len(self.images), n)
        return self.images[rows], self.labels[rows]


def is_image_config(target_cfg) -> bool:
    """Whether a [target] table names image data rather than a 1D/2D target."""
    return isinstance(target_cfg, dict) and target_cfg.get("kind") in IMAGE_FAMILIES


def make_data(target_cfg: dict) -> Target | ImageData:
    """The run's data: image data for kind "digits", else the 1D/2D target (gananim.kinds.points.targets.make_target)."""
    if not is_image_config(target_cfg):
        return make_target(target_cfg)
    extra = sorted(set(target_cfg) - {"kind"})
    if extra:
        raise GananimError(f"target kind {target_cfg['kind']!r} takes no other keys; remove {', '.join(extra)}")
    from gananim.kinds.images.datasets import DIGITS_CLASSES, load_digits

    digits = load_digits()
    return ImageData("digits", digits.images, digits.labels, DIGITS_CLASSES)


__all__ = ["IMAGE_FAMILIES", "ImageData", "is_image_config", "make_data"]
