"""The hinge loss on two moons: a spectral-norm critic (SN-GAN, Miyato et al. 2018), recorded as the hinge game.

`loss="hinge"` tells gananim the game: D is trained towards +1 on real and −1 on generated samples and G minimises
−E D(G(z)), so the videos colour the critic's scores around 0 (its decision), plot E D(real), E D(fake) and their gap,
and label the gradient arrows with G's loss.

    python examples/hinge_moons.py            # records runs/hinge-moons (GANANIM_EXAMPLE_STEPS, GANANIM_EXAMPLE_OUT)
    gananim render runs/hinge-moons --view gradients --dashboard
"""

import os
from pathlib import Path

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from gananim import Recorder

STEPS = int(os.environ.get("GANANIM_EXAMPLE_STEPS", "2000"))
OUT = Path(os.environ.get("GANANIM_EXAMPLE_OUT", "runs")) / "hinge-moons"
N_CRITIC, BATCH = 2, 64

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
opt_c = torch.optim.Adam(critic.parameters(), lr=4e-4, betas=(0.5, 0.9))


with Recorder(OUT, G, critic, data=data[:512].numpy(), every=10, loss="hinge", overwrite=True) as rec:
    for step in range(STEPS):
        for _ in range(N_CRITIC):
            real = data[torch.randint(len(data), (BATCH,))]
            fake = G(torch.randn(BATCH, 2)).detach()
            c_loss = torch.relu(1 - critic(real)).mean() + torch.relu(1 + critic(fake)).mean()
            opt_c.zero_grad()
            c_loss.backward()
            opt_c.step()
        g_loss = -critic(G(torch.randn(BATCH, 2))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        rec.step(step, d_loss=c_loss, g_loss=g_loss)
