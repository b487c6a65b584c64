"""Recordings whose content is known: generators and discriminators that are fixed functions of (input, t)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

import gananim
from gananim import Recorder
from gananim.record.options import ProbeOptions

Fn = Callable[[torch.Tensor, float], torch.Tensor]
TINY = dict(n_samples=64, grid_size=16, latent_grid=7, density_samples=2000, real_samples=64)


class Known(nn.Module):
    """Computes fn(x, t) for the current training time t in [0, 1]; one dummy layer declares the input size."""

    def __init__(self, fn: Fn, in_dim: int):
        super().__init__()
        self.fn, self.t = fn, 0.0
        self.shape = nn.Linear(in_dim, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x, self.t)


def shrunk(cfg, **overrides):
    """A lab Config with tiny record sizes, plus overrides named like `train__batch_size` (a__b sets cfg.a.b)."""
    tiny = {
        "record__every": 2,
        "record__n_samples": 16,
        "record__grid_size": 8,
        "record__latent_grid": 3,
        "record__density_samples": 64,
    }
    for key, value in (tiny | overrides).items():
        obj = cfg
        *path, last = key.split("__")
        for part in path:
            obj = getattr(obj, part)
        setattr(obj, last, value)
    return cfg.validate()


def record_known(
    path,
    g: Fn,
    d: Fn | None,
    latent_dim: int,
    data,
    data_dim: int = 2,
    steps: int = 4,
    every: int = 1,
    scalars=None,
    **kw,
):
    """Record `steps + 1` snapshots (t = 0 … 1) of known functions; `scalars(step)` adds per-step scalars."""
    G = Known(g, latent_dim)
    D = Known(d, data_dim) if d else None
    options = ProbeOptions(**(TINY | {k: kw.pop(k) for k in list(kw) if k in ProbeOptions.names()}))
    kw.setdefault(
        "quiet", True
    )  # tests read the CLI's own lines on stderr: the Recorder's closing line is tested apart
    with Recorder(path, G, D, data=data, every=every, probes=options, **kw) as rec:
        for step in range(steps + 1):
            G.t = step / max(steps, 1)
            if D is not None:
                D.t = G.t
            rec.step(step, **(scalars(step) if scalars else {}))
    return gananim.load(path)
