"""Validation of target parameters (config values or arrays): each check returns clean float64 data or
raises a one-line GananimError naming the value and what it should be."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from gananim.errors import GananimError

DIM_HINT = "gananim records 1D or 2D data"


def short(value) -> str:
    """A repr that stays short for long lists (error messages quote what the user gave)."""
    value = value.tolist() if isinstance(value, np.ndarray) else value
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"[{len(value)} items]"
    return repr(value)


def as_floats(name: str, value) -> np.ndarray:
    """`value` as a finite float64 array."""
    try:
        a = np.asarray(value)
    except ValueError:  # ragged nesting
        a = np.asarray(None)
    if a.dtype.kind not in "iuf":
        raise GananimError(f"{name} must be a number or a list of numbers (equal-length rows); got {short(value)}")
    if not np.isfinite(a).all():
        raise GananimError(f"{name} contains NaN or infinite values; remove or fix them")
    return a.astype(np.float64)


def as_point(name: str, value, dim: int | None = None) -> np.ndarray:
    """One location (dim,); a bare number is a 1D point."""
    a = np.atleast_1d(as_floats(name, value))
    if a.ndim != 1 or len(a) not in (1, 2):
        raise GananimError(f"{name} must have 1 or 2 coordinates, got shape {a.shape}: {DIM_HINT}")
    if dim is not None and len(a) != dim:
        raise GananimError(f"{name} needs {dim} coordinates; got {len(a)}")
    return a


def as_points(name: str, value) -> np.ndarray:
    """A non-empty list of locations (K, dim); a list of numbers is K 1D points."""
    a = as_floats(name, value)
    a = a[:, None] if a.ndim == 1 else a
    if a.ndim != 2 or len(a) == 0:
        raise GananimError(f"{name} must be a non-empty list of points, e.g. [[-1, 0], [1, 0]]; got {short(value)}")
    if a.shape[1] not in (1, 2):
        raise GananimError(f"{name} have {a.shape[1]} coordinates each: {DIM_HINT}")
    return a


def as_positive(name: str, value, count: int, what: str) -> np.ndarray:
    """One positive number or `count` of them, as (count,)."""
    a = as_floats(name, value)
    if a.ndim == 0:
        a = np.full(count, a)
    elif a.shape != (count,):
        raise GananimError(f"{name} must be one number or {count} numbers ({what}); got {short(value)}")
    if (a <= 0).any():
        raise GananimError(f"{name} must be > 0; got {short(value)}")
    return a


def as_positive_number(name: str, value) -> float:
    a = as_floats(name, value)
    if a.ndim != 0 or a <= 0:
        raise GananimError(f"{name} must be one number > 0; got {short(value)}")
    return float(a)


def as_count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise GananimError(f"{name} must be a whole number >= {minimum}; got {value!r}")
    return int(value)


def as_weights(value, count: int) -> np.ndarray:
    """Normalised weights (count,); uniform when not given."""
    if value is None:
        return np.full(count, 1 / count)
    w = as_floats("target weights", value)
    if w.shape != (count,):
        raise GananimError(f"target weights must be {count} numbers, one per point/mean; got {short(value)}")
    if (w < 0).any() or w.sum() <= 0:
        raise GananimError(f"target weights must be >= 0 with a positive sum; got {short(value)}")
    return w / w.sum()


def as_samples(data, where: str) -> np.ndarray:
    """Real samples as a finite (n, dim) float64 array with n >= 2 (a 1D array is n 1D samples)."""
    x = as_floats(where, data)
    x = x[:, None] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[1] not in (1, 2):
        raise GananimError(f"{where} has shape {x.shape}; expected (n,), (n, 1) or (n, 2): {DIM_HINT}")
    if len(x) < 2:
        raise GananimError(f"{where} has {len(x)} point(s); a target needs at least 2")
    return x
