"""A GAN whose loop is a method of a training class (like R-seny/time-to-reproduce's GAN.train()); D ends in a
sigmoid and is trained with BCELoss; G steps first; 1D data; the models live only inside main()."""

import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


class GAN:
    def __init__(self, batch=32):
        self.G, self.D, self.batch = Generator(), Discriminator(), batch
        self.g_optimizer = torch.optim.SGD(self.G.parameters(), lr=0.05)
        self.d_optimizer = torch.optim.SGD(self.D.parameters(), lr=0.05)
        self.loss = nn.BCELoss()

    def sample_real(self):
        return 2.0 + 0.5 * torch.randn(self.batch, 1)

    def train(self, steps):
        ones, zeros = torch.ones(self.batch, 1), torch.zeros(self.batch, 1)
        for step in range(steps):
            g_loss = self.loss(self.D(self.G(torch.randn(self.batch, 2))), ones)
            self.g_optimizer.zero_grad()
            g_loss.backward()
            self.g_optimizer.step()
            for _ in range(2):  # two D steps per G step
                fake = self.G(torch.randn(self.batch, 2)).detach()
                d_loss = self.loss(self.D(self.sample_real()), ones) + self.loss(self.D(fake), zeros)
                self.d_optimizer.zero_grad()
                d_loss.backward()
                self.d_optimizer.step()
        return g_loss.item(), d_loss.item()


def main():
    torch.manual_seed(1)
    gan = GAN()
    print("final losses", gan.train(20))


if __name__ == "__main__":
    main()
