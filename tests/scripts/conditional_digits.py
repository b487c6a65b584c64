"""A conditional GAN on scikit-learn's 8x8 digits, as people write them: G(z, y) embeds the class beside z, D(x, y)
takes the class's one-hot planes beside the image (--one-hot: both take one-hot rows); --float-label: a G whose
second input is a continuous code, not a class; --keyword: the label passed by keyword, G(z, y=y)."""

import sys

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F

ONE_HOT, FLOAT, KEYWORD = "--one-hot" in sys.argv, "--float-label" in sys.argv, "--keyword" in sys.argv
torch.manual_seed(0)
data = load_digits()
images = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 8 - 1
labels = torch.tensor(data.target)


class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        self.net = nn.Sequential(nn.Linear(16 + 8 if not ONE_HOT else 26, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh())

    def forward(self, z, y):
        h = y if ONE_HOT else (y.repeat(1, 8) if FLOAT else self.embed(y))
        return self.net(torch.cat([z, h], 1)).view(-1, 1, 8, 8)


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(11, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(256, 1))

    def forward(self, x, y):
        hot = y if ONE_HOT else F.one_hot(y, 10).float()
        return self.net(torch.cat([x, hot[:, :, None, None].expand(-1, -1, 8, 8)], 1))


netG, netD = G(), D()
opt_g, opt_d = torch.optim.Adam(netG.parameters(), 2e-4), torch.optim.Adam(netD.parameters(), 2e-4)
bce = nn.BCEWithLogitsLoss()


def judge(x, y):
    return netD(x, y=y) if KEYWORD else netD(x, y)


for step in range(9):
    rows = torch.randint(len(images), (64,))
    x, y = images[rows], labels[rows]
    fy = torch.randint(10, (64,))
    y, fy = (F.one_hot(y, 10).float(), F.one_hot(fy, 10).float()) if ONE_HOT else (y, fy)
    code = torch.rand(64, 1) if FLOAT else fy
    fake = netG(torch.randn(64, 16), y=code) if KEYWORD else netG(torch.randn(64, 16), code)
    d_loss = bce(judge(x, y), torch.ones(64, 1)) + bce(judge(fake.detach(), fy), torch.zeros(64, 1))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = bce(judge(fake, fy), torch.ones(64, 1))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
print("done", round(g_loss.item(), 4))
