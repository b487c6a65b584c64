"""A DCGAN-style script on scikit-learn's 8x8 digits: transposed-conv G from (z, 1, 1), conv D ending in a sigmoid."""

import torch
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
digits = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 8 - 1  # (1797, 1, 8, 8) in [-1, 1]
nz = 16
netG = nn.Sequential(
    nn.ConvTranspose2d(nz, 32, 4, 1, 0, bias=False),
    nn.BatchNorm2d(32),
    nn.ReLU(True),  # 4x4
    nn.ConvTranspose2d(32, 1, 4, 2, 1, bias=False),
    nn.Tanh(),
)  # 8x8
netD = nn.Sequential(
    nn.Conv2d(1, 32, 4, 2, 1, bias=False),
    nn.LeakyReLU(0.2, inplace=True),  # 4x4
    nn.Conv2d(32, 1, 4, 1, 0, bias=False),
    nn.Sigmoid(),
)  # 1x1
criterion = nn.BCELoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
loader = torch.utils.data.DataLoader(digits, batch_size=64, shuffle=True, drop_last=True)

for i, real in enumerate(loader):
    if i == 12:
        break
    b = real.size(0)
    netD.zero_grad()
    errD_real = criterion(netD(real).view(-1), torch.ones(b))
    errD_real.backward()
    fake = netG(torch.randn(b, nz, 1, 1))
    errD_fake = criterion(netD(fake.detach()).view(-1), torch.zeros(b))
    errD_fake.backward()
    optimizerD.step()
    netG.zero_grad()
    errG = criterion(netD(fake).view(-1), torch.ones(b))
    errG.backward()
    optimizerG.step()
print("done", round(errG.item(), 4))
