"""WGAN-GP on two moons: a spectral-norm critic with a gradient penalty, recorded as a Wasserstein game.

`loss="wasserstein"` tells gananim the game (the penalty stays in this loop: the recording names the game), so the
videos colour the critic's unbounded scores around the real/fake decision, plot E D(real) − E D(fake), the
Wasserstein estimate, and label the gradient arrows with G's loss −E D(G(z)).

    python examples/wgan_gp_moons.py          # records runs/wgan-gp-moons (GANANIM_EXAMPLE_STEPS, GANANIM_EXAMPLE_OUT)
    gananim render runs/wgan-gp-moons --view surface --dashboard
"""

import os
from pathlib import Path

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from gananim import Recorder

STEPS = int(os.environ.get("GANANIM_EXAMPLE_STEPS", "1500"))
OUT = Path(os.environ.get("GANANIM_EXAMPLE_OUT", "runs")) / "wgan-gp-moons"
N_CRITIC, PENALTY, BATCH = 5, 10.0, 64  # Gulrajani et al. 2017: 5 critic steps per G step, λ = 10

torch.set_num_threads(1)  # models this small train faster on one thread (and share a busy machine's cores)
torch.manual_seed(0)
moons, _ = make_moons(n_samples=2000, noise=0.05, random_state=0)
data = torch.tensor(moons, dtype=torch.float32)
G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
critic = nn.Sequential(
    spectral_norm(nn.Linear(2, 64)),
    nn.LeakyReLU(0.2),
    spectral_norm(nn.Linear(64, 64)),
    nn.LeakyReLU(0.2),
    spectral_norm(nn.Linear(64, 1)),
)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.9))
opt_c = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))


def gradient_penalty(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """(‖∇ₓ D(x̂)‖ − 1)² at random points between real and generated samples."""
    t = torch.rand(len(real), 1)
    x = (t * real + (1 - t) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


with Recorder(OUT, G, critic, data=data[:512].numpy(), every=10, loss="wasserstein", overwrite=True) as rec:
    for step in range(STEPS):
        for _ in range(N_CRITIC):
            real = data[torch.randint(len(data), (BATCH,))]
            fake = G(torch.randn(BATCH, 2)).detach()
            c_loss = critic(fake).mean() - critic(real).mean() + PENALTY * gradient_penalty(real, fake)
            opt_c.zero_grad()
            c_loss.backward()
            opt_c.step()
        g_loss = -critic(G(torch.randn(BATCH, 2))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        rec.step(step, d_loss=c_loss, g_loss=g_loss)
