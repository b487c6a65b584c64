"""The scalars a training loop logs: checked when logged, read as numbers when flushed.

A loss is usually a tensor on the training device. Reading a CUDA tensor (`.item()`, `float()`) waits for the
device, so a value logged on a step that is not a snapshot is held as it is (detached: its graph is freed; copied:
an accumulator changed in place later keeps this step's value) and read at the store's next flush, all of one
device's values in one copy. CPU tensors and Python numbers are read at once: that costs nothing.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import torch

from gananim.errors import GananimError


def merged(scalars, named: dict) -> dict:
    """`rec.step(step, scalars={...}, **named)`: one dict (a dict can hold names such as `step`)."""
    if scalars is None:
        return named
    if not isinstance(scalars, Mapping):
        raise GananimError(f"scalars= must be a dict of name -> number, got {type(scalars).__name__}")
    both = set(scalars) & set(named)
    if both:
        raise GananimError(f"scalar {sorted(both)[0]!r} is given twice, in scalars= and as a keyword; give it once")
    return {**scalars, **named} if named else dict(scalars)


def held(name: str, value):
    """A logged value as kept until the flush: a float, or a detached copy of a one-element device tensor."""
    if isinstance(value, (float, int)):
        return value
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        if value.device.type == "cpu":
            return value.item()
        return value.detach().reshape(()).clone()
    try:
        return float(value)  # numpy numbers and anything else that reads as one
    except (TypeError, ValueError):
        raise GananimError(
            f"scalar {name!r} must be a number or a one-element tensor, got {type(value).__name__}"
        ) from None


def to_floats(values: list) -> np.ndarray:
    """Held values as float64, the device tensors among them copied to the host once per device."""
    out = np.empty(len(values), dtype=np.float64)
    on_device: dict[torch.device, list[int]] = {}
    for i, v in enumerate(values):
        if isinstance(v, torch.Tensor):
            on_device.setdefault(v.device, []).append(i)
        else:
            out[i] = v
    for at in on_device.values():
        out[at] = torch.stack([values[i].to(torch.float64) for i in at]).cpu().numpy()
    return out
