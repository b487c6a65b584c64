"""The zero-edit form: a plain PyTorch GAN training script, with nothing of gananim in it, recorded from outside.

The training below (`train`) is what you would write anyway: an MLP generator and discriminator on eight Gaussians
in a ring, the non-saturating BCE loss, a D step then a G step. gananim finds G and D, the clock (G's optimizer
steps) and the two losses by watching torch run it: no import, no call, no edit.

    python examples/zero_edit.py --train                                      # train plainly
    gananim record --every 10 -- python examples/zero_edit.py --train         # the same run, recorded: runs/zero_edit
    gananim render runs/zero_edit                                             # renders/zero_edit-surface.mp4

Run without `--train`, this file runs that `gananim record` command for you, into runs/zero-edit
(GANANIM_EXAMPLE_OUT sets the folder, GANANIM_EXAMPLE_STEPS the number of training steps).
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import torch
from torch import nn

STEPS = int(os.environ.get("GANANIM_EXAMPLE_STEPS", "2000"))


def ring(n: int) -> torch.Tensor:
    """n samples of eight Gaussians (σ 0.05) on the unit circle."""
    angle = torch.randint(0, 8, (n,)) * (2 * math.pi / 8)
    return torch.stack([angle.cos(), angle.sin()], 1) + 0.05 * torch.randn(n, 2)


def train(steps: int) -> None:
    torch.manual_seed(0)
    netG = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    netD = nn.Sequential(
        nn.Linear(2, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1)
    )
    opt_g = torch.optim.Adam(netG.parameters(), 1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(netD.parameters(), 1e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(256, 1), torch.zeros(256, 1)
    for step in range(1, steps + 1):
        real, fake = ring(256), netG(torch.randn(256, 2))
        d_loss = bce(netD(real), ones) + bce(netD(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = bce(netD(fake), ones)  # non-saturating: G maximises log D(G(z))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if step % 500 == 0:
            print(f"step {step}: d_loss {d_loss.item():.3f}, g_loss {g_loss.item():.3f}")


if __name__ == "__main__":
    if "--train" in sys.argv:
        train(STEPS)
    else:
        out = Path(os.environ.get("GANANIM_EXAMPLE_OUT", "runs")) / "zero-edit"
        # `python -m gananim.cli.commands` is the `gananim` command, run by this interpreter
        gananim = [sys.executable, "-m", "gananim.cli.commands"]
        command = [*gananim, "record", "--every", "10", "--overwrite", "--out", str(out), "--", __file__, "--train"]
        sys.exit(subprocess.run(command).returncode)
