"""One rank of a 2-process DDP GAN over gloo (run by tests/test_ddp.py): trains with a Recorder on every rank, then
again without one, from the same seeds, and saves both runs' final weights.

    python tests/ddp_loop.py RANK INIT_FILE OUT_FOLDER
"""

import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

from gananim import ProbeOptions, Recorder

SMALL = ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, real_samples=32)
STEPS, EVERY, BATCH = 12, 5, 32


def bce(logits, target):
    return nn.functional.binary_cross_entropy_with_logits(logits, target.expand_as(logits))


def train(rank: int, path: Path | None) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    # D has BatchNorm: a DDP forward broadcasts its buffers, a collective a probe through the wrapper would issue alone
    G = DDP(nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2)))
    D = DDP(nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Linear(16, 1)))
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    gen = torch.Generator().manual_seed(100 + rank)  # each rank its own shard of data and noise
    labels = torch.cat([torch.ones(BATCH, 1), torch.zeros(BATCH, 1)])
    rec = Recorder(path, G, D, data=[(-3.0, 3.0), (-3.0, 3.0)], every=EVERY, probes=SMALL) if path else None
    for step in range(STEPS):
        real = torch.randn(BATCH, 2, generator=gen) * 0.3 + 1.0
        with torch.no_grad():  # D's step: G's forward builds no graph (DDP then expects no backward from it)
            fake = G(torch.randn(BATCH, 2, generator=gen))
        d_loss = bce(D(torch.cat([real, fake])), labels)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = bce(D(G(torch.randn(BATCH, 2, generator=gen))), torch.ones(1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if rec is not None:
            rec.step(step, d_loss=d_loss, g_loss=g_loss)
    if rec is not None:
        rec.close()
    params = torch.cat([p.detach().flatten() for m in (G, D) for p in m.parameters()])
    return params, torch.cat([b.flatten().double() for b in D.buffers()])  # BatchNorm's, updated on each rank


def main() -> None:
    rank, init, out = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init}", rank=rank, world_size=2)
    recorded = train(rank, out / "run")  # the same path on every rank, as in a script every rank runs
    plain = train(rank, None)
    torch.save({"recorded": recorded, "plain": plain}, out / f"weights-{rank}.pt")
    # both ranks reach the end before either tears gloo down: a rank that destroys its group while the other is
    # still in its last collective can abort the other ("terminate called without an active exception")
    dist.barrier()
    dist.destroy_process_group()
    sys.stdout.flush()
    # skip the interpreter's teardown: gloo's threads destroyed in C++ static destruction have aborted a rank once
    # (SIGABRT after all its work was saved), a crash of the test harness, not of anything under test
    os._exit(0)


if __name__ == "__main__":
    main()
