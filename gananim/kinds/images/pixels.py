"""Image values on disk and on screen: samples stored as uint8 on the recording's value range; numpy only.

Quantising to 256 levels loses nothing a viewer sees and makes a snapshot of 256 8x8 images 16 KB instead of 64 KB.
"""

from __future__ import annotations

import numpy as np


def to_float(u8: np.ndarray, value_range) -> np.ndarray:
    """uint8 levels 0..255 back to float32 values on [lo, hi]."""
    lo, hi = (float(v) for v in value_range)
    return (lo + np.asarray(u8, dtype=np.float32) * np.float32((hi - lo) / 255)).astype(np.float32)


def to_uint8(x: np.ndarray, value_range) -> np.ndarray:
    """Float values on [lo, hi] as uint8 levels (clipped; NaN becomes 0, callers flag such samples themselves)."""
    lo, hi = (float(v) for v in value_range)
    # in place on one float64 temporary (the Recorder quantises every snapshot): fmax/fmin clip to [0, 1] and send
    # NaN to 0 (they return the number where one side is NaN) and ±inf to 1 / 0, in two ufuncs (np.nan_to_num's
    # Python cost a tenth of a digits snapshot's post-processing)
    scaled = np.subtract(x, lo, dtype=np.float64)
    scaled /= hi - lo
    np.fmax(scaled, 0.0, out=scaled)
    np.fmin(scaled, 1.0, out=scaled)
    scaled *= 255
    return np.round(scaled, out=scaled).astype(np.uint8)


__all__ = ["to_float", "to_uint8"]
