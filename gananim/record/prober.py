"""What the Recorder gives a kind's prober, and what it expects back (gananim.kinds: `Kind.prober(setup)`).

A prober is built once from a `ProberSetup`, when the Recorder opens: it checks the user's data against the
generator's output, draws the fixed batches, and says what the recording fixes (`fixed` arrays, `manifest` fields,
the density's `grid`). `bind` takes the fixed arrays the recording really has (a resumed one keeps its own). Each
snapshot is `probe()`: the torch work beside training, returned as host arrays; `finish(raws)` turns a batch of
those into stored snapshots, (arrays, scalars) each, when the store is about to flush (`batch_limit` at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import torch

from gananim.record.options import ProbeOptions
from gananim.record.prior import Prior
from gananim.record.probes import Players
from gananim.recording.grid import Grid


@dataclass(frozen=True)
class ProberSetup:
    """Everything a prober is built from: the models, the latent side, the data and the user's options."""

    players: Players
    prior: Prior
    latent_shape: tuple[int, ...]  # one latent's shape, as G takes it
    g_shape: tuple[int, ...]  # one sample's shape, as G outputs it
    options: ProbeOptions
    data: Any  # what the user passed as data= (a target, samples, a view box, or None)
    view_box: Any
    seed: int
    classifier: Any = None
    labels: Any = None
    stored: dict | None = None  # the manifest of the recording being resumed, if any
    conditional: Any = None  # a gananim.record.labels.Labels for G(z, y) and D(x, y), else None


class Prober(Protocol):
    fixed: dict[str, np.ndarray]
    manifest: dict
    grid: Grid
    batch_limit: int

    def bind(self, fixed: dict[str, np.ndarray], manifest: dict, seed: int) -> None: ...

    def probe(self) -> dict[str, np.ndarray]: ...

    def finish(self, raws: list[dict[str, np.ndarray]]) -> list[tuple[dict[str, np.ndarray], dict[str, float]]]: ...

    def curvature_batch(self) -> tuple[torch.Tensor, torch.Tensor] | None: ...


__all__ = ["Prober", "ProberSetup"]
