"""A plain GAN training script (nothing of gananim in it): 2D ring, BCEWithLogitsLoss, D step then G step."""

import argparse
import math
import os
import sys

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=30)
parser.add_argument("--save", help="write the final weights here")
parser.add_argument("--exit", type=int, default=0, help="exit with this code")
parser.add_argument("--crash-at", type=int, default=-1, help="raise at this step")
args = parser.parse_args()
print("name", __name__, "argv", sys.argv[1:], "cwd", os.getcwd())

torch.manual_seed(0)
netG = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 2))
netD = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
opt_g = torch.optim.Adam(netG.parameters(), 1e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(netD.parameters(), 1e-3, betas=(0.5, 0.999))
criterion = nn.BCEWithLogitsLoss()


def ring(n):
    angle = torch.randint(0, 8, (n,)) * (2 * math.pi / 8)
    return torch.stack([angle.cos(), angle.sin()], 1) + 0.05 * torch.randn(n, 2)


for step in range(args.steps):
    if step == args.crash_at:
        raise ValueError(f"the data loader broke at step {step}")
    real, z = ring(64), torch.randn(64, 4)
    fake = netG(z)
    d_loss = criterion(netD(real), torch.ones(64, 1)) + criterion(netD(fake.detach()), torch.zeros(64, 1))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = criterion(netD(fake), torch.ones(64, 1))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    if step % 10 == 0:
        print(f"step {step} d_loss {d_loss.item():.4f} g_loss {g_loss.item():.4f}")

print("rng", torch.rand(3).tolist())
if args.save:
    torch.save({"G": netG.state_dict(), "D": netD.state_dict()}, args.save)
sys.exit(args.exit)
