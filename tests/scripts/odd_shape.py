"""A GAN of 2-channel 4x4 "images": a data shape gananim does not record."""

import torch
from torch import nn

torch.manual_seed(0)
G = nn.Sequential(nn.Linear(4, 32), nn.Unflatten(1, (2, 4, 4)))
D = nn.Sequential(nn.Flatten(), nn.Linear(32, 1))
opt_d, opt_g = torch.optim.Adam(D.parameters()), torch.optim.Adam(G.parameters())
for step in range(3):
    real = torch.randn(16, 2, 4, 4)
    d_loss = D(G(torch.randn(16, 4)).detach()).mean() - D(real).mean()
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = -D(G(torch.randn(16, 4))).mean()
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
print("done")
