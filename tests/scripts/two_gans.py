"""Two GANs trained side by side in one loop: which one to record is the user's call."""

import torch
from torch import nn

torch.manual_seed(0)


def pair():
    G, D = (
        nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)),
        nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1)),
    )
    return G, D, torch.optim.Adam([*G.parameters(), *D.parameters()], 1e-3)


gan_a, gan_b = pair(), pair()
for step in range(4):
    for (G, D, opt), shift in ((gan_a, 1.0), (gan_b, -1.0)):
        real = torch.randn(32, 2) + shift
        loss = D(G(torch.randn(32, 2))).mean() - D(real).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
print("done")
