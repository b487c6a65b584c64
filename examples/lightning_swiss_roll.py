"""A PyTorch Lightning GAN on a 2D swiss roll, recorded with one callback, then rendered with the real data on screen.

Shows: `gananim.lightning.RecorderCallback` on a LightningModule with manual optimisation (two D steps per G step),
the module's own `self.log` scalars ("loss/d", "loss/g", "disc/real_logit", "disc/fake_logit") kept at every
generator update, and the render of data given as samples: the stored real samples drawn as blue dots (on by
default for such data), and the dashboard's panels picked among the logged scalars, grouped by their "/" prefix.

    python examples/lightning_swiss_roll.py            # records runs/lightning-swiss-roll (about a minute on a CPU)
    gananim render runs/lightning-swiss-roll --view surface --dashboard --scalars loss,disc

Needs the lightning extra (`pip install 'gananim[lightning]'`) and scikit-learn (the torch extra).
"""

import os
from pathlib import Path

import lightning.pytorch as pl
import numpy as np
import torch
from sklearn.datasets import make_swiss_roll
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from gananim.lightning import RecorderCallback

STEPS = int(os.environ.get("GANANIM_EXAMPLE_STEPS", "1200"))  # generator updates
OUT = Path(os.environ.get("GANANIM_EXAMPLE_OUT", "runs")) / "lightning-swiss-roll"
BATCH = 256
Z_DIM = 8


class SwissRollGAN(pl.LightningModule):
    """A non-saturating GAN of two MLPs; `generator` and `discriminator` are the names the callback looks for."""

    def __init__(self):
        super().__init__()
        self.automatic_optimization = False  # two D steps per G step
        self.generator = nn.Sequential(
            nn.Linear(Z_DIM, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 2)
        )
        self.discriminator = nn.Sequential(
            nn.Linear(2, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1)
        )

    def training_step(self, batch, batch_idx):
        (real,) = batch
        opt_g, opt_d = self.optimizers()
        bce = nn.functional.binary_cross_entropy_with_logits
        for _ in range(2):
            fake = self.generator(torch.randn(len(real), Z_DIM, device=self.device)).detach()
            on_real, on_fake = self.discriminator(real), self.discriminator(fake)
            d_loss = bce(on_real, torch.ones_like(on_real)) + bce(on_fake, torch.zeros_like(on_fake))
            opt_d.zero_grad()
            self.manual_backward(d_loss)
            opt_d.step()
        on_fake = self.discriminator(self.generator(torch.randn(len(real), Z_DIM, device=self.device)))
        g_loss = bce(on_fake, torch.ones_like(on_fake))
        opt_g.zero_grad()
        self.manual_backward(g_loss)
        opt_g.step()
        self.log_dict({"loss/d": d_loss, "loss/g": g_loss})
        self.log_dict({"disc/real_logit": on_real.mean(), "disc/fake_logit": on_fake.mean()})

    def configure_optimizers(self):
        adam = lambda params: torch.optim.Adam(params, 2e-4, betas=(0.5, 0.999))  # noqa: E731
        return adam(self.generator.parameters()), adam(self.discriminator.parameters())


def swiss_roll(n: int = 8000) -> torch.Tensor:
    """scikit-learn's swiss roll seen from its side: the (x, z) plane, a spiral, scaled to about [-2.5, 3]²."""
    x, _ = make_swiss_roll(n, noise=0.25, random_state=1)
    return torch.tensor(x[:, [0, 2]] / 5.0, dtype=torch.float32)


def main() -> None:
    torch.manual_seed(0)
    np.random.seed(0)
    data = swiss_roll()
    batches = len(data) // BATCH
    loader = DataLoader(TensorDataset(data), batch_size=BATCH, shuffle=True, drop_last=True)
    trainer = pl.Trainer(
        max_steps=STEPS * 3,  # Lightning counts every optimizer's steps: 2 D + 1 G per batch
        max_epochs=-(-STEPS // batches),
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[RecorderCallback(OUT, data=data, every=10, overwrite=True)],
    )
    trainer.fit(SwissRollGAN(), loader)
    print(f"recorded {OUT}; render it with: gananim render {OUT} --view surface --dashboard --scalars loss,disc")


if __name__ == "__main__":
    main()
