"""A points recording's data: the real batch and view box from the user's `data` (a target, samples or a view box).

Every draw comes from a private seeded generator: the global RNGs, and so training, stay untouched.
"""

from __future__ import annotations

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets import Target, target_from_samples
from gananim.record.probes import to_numpy
from gananim.recording.grid import Bounds, as_bounds


def resolve_data(data, view_box, n_real: int, seed: int) -> tuple[Target | None, np.ndarray | None, Bounds | None]:
    """Turn `data` (target, samples or view box) into a target, a fixed real batch of n_real and a view box."""
    target, box = None, None
    if isinstance(data, Target):
        target = data
    elif data is not None and is_view_box(data):
        box = bounds(data)
    elif data is not None:
        samples = to_numpy(data)
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.ndim != 2 or samples.shape[1] not in (1, 2) or len(samples) < 2:
            raise GananimError(
                f"data samples must have shape (n, 1) or (n, 2) with n >= 2, got {samples.shape}: gananim records 1D or 2D data"
            )
        if not np.isfinite(samples).all():
            raise GananimError("data samples contain NaN or inf; remove them before recording")
        target = target_from_samples(samples)
    if view_box is not None:
        box = bounds(view_box)
    if target is None:
        return None, None, box
    real = target.sample(n_real, np.random.default_rng([seed, 1]))
    return target, real, box or as_bounds(target.view_box())


def is_view_box(data) -> bool:
    """A short list/tuple of (low, high) pairs, one per data dimension, as opposed to an array of samples.

    Three pairs count as a (refused) 3D view box rather than three 2D samples: nobody records three samples.
    """
    return (
        isinstance(data, (list, tuple))
        and 1 <= len(data) <= 3
        and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in data)
    )


def bounds(box) -> Bounds:
    """A view box as bounds; more than two pairs is data gananim does not record (yet)."""
    if isinstance(box, (list, tuple, np.ndarray)) and len(box) > 2:
        raise GananimError(f"gananim records 1D or 2D data (got a {len(box)}-dimensional view box)")
    return as_bounds(box)
