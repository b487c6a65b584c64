"""Recording under torch.distributed (DDP): one recording, rank 0's, and probes that never issue collectives.

Every rank runs the same script, so every rank builds a Recorder: rank 0's records, the others' do nothing (no
probes, no files). Probes call the models a DDP (or DataParallel) wrapper holds, never the wrapper: its forward may
broadcast buffers and its backward all-reduces gradients, collectives that the other ranks, not probing, would never
join (a hang). A torch.compile'd module is probed through its original module too: no recompilation for the probes'
batch sizes.
"""

from __future__ import annotations

import os

import torch
from torch import nn


def rank() -> int:
    """This process's global rank: torch.distributed's once initialised, else the launcher's RANK (torchrun), else 0."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    try:
        return int(os.environ.get("RANK", "0"))
    except ValueError:
        return 0


def unwrap(module: nn.Module | None) -> nn.Module | None:
    """The plain module inside DDP/DataParallel and torch.compile wrappers (any nesting); others as they are."""
    while True:
        if isinstance(module, (nn.parallel.DistributedDataParallel, nn.DataParallel)):
            module = module.module
        elif type(module).__name__ == "OptimizedModule" and isinstance(getattr(module, "_orig_mod", None), nn.Module):
            module = module._orig_mod  # checked by name: importing torch._dynamo to test the type costs seconds
        else:
            return module
