"""One run's training state, built from a Config: the models, the optimisers and the RNGs, and the
batches those RNGs draw (real samples, latents, instance noise). A checkpoint saves exactly this.

Determinism: a torch.Generator (latents, instance noise, the VAE's reparameterisation) and a numpy
Generator (real samples), both seeded from `config.seed` on the lab's own stream, and
torch.manual_seed(seed) right before the models are built (the weight init). With train.fixed_real = N
the N real points are the numpy Generator's first draw, made here: a resumed run draws the same ones
before its checkpoint's RNG states are put back, so it needs no copy of them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.kinds.points.targets import Target
from gananim.lab.checks import gaussian_params
from gananim.lab.config import Config, OptimConfig
from gananim.lab.image_data import ImageData
from gananim.lab.image_models import build_conditional_pair, build_image_discriminator, build_image_generator
from gananim.lab.models import (
    InverseCdfMorph,
    PackedProbe,
    build_discriminator,
    build_encoder,
    build_generator,
    sample_latent,
)

LAB_STREAM = 0x6C6162  # "lab": keeps the training RNG streams apart from the recorder's (seeded from seed, seed+2, ...)


def build_optimizer(params, opt: OptimConfig, where: str) -> torch.optim.Optimizer:
    """Adam or SGD over `params`; what torch refuses (e.g. betas outside [0, 1)) is a one-line GananimError."""
    params = list(params)
    try:
        if opt.name == "adam":
            return torch.optim.Adam(params, lr=opt.lr, betas=(float(opt.betas[0]), float(opt.betas[1])))
        if opt.name == "sgd":
            return torch.optim.SGD(params, lr=opt.lr, momentum=opt.momentum)
    except ValueError as e:
        raise GananimError(f"invalid config [{where}]: {e}; fix that value") from None
    raise GananimError(f"unknown optimizer {opt.name!r} in [{where}]; choose 'adam' or 'sgd'")


class LabState:
    """The models, optimisers and RNGs of one run (method "gan", "mmd", "vae" or "transform")."""

    def __init__(self, config: Config, target: Target | ImageData):
        self.config, self.target = config, target
        self.method = config.train.method
        images = isinstance(target, ImageData)  # image data: method "gan" only (gananim.lab.checks)
        self.conditional = images and config.train.conditional  # G(z, y), D(x, y): gananim.lab.game.cgan_step
        # a conv G takes its latents as (n, z, 1, 1) (DCGAN): the shape the Recorder infers from its ConvTranspose2d
        z = config.latent.dim
        self.latent_shape = (z, 1, 1) if images and config.generator.arch == "conv" else (z,)
        self._seed_streams(config.seed)
        torch.manual_seed(config.seed)  # weight init
        self.models: dict[str, nn.Module] = {}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self._build_generator(images)
        self.pack = config.train.pack if self.method == "gan" else 1
        self.unroll_steps = config.train.unroll_steps if self.method == "gan" else 0
        self._build_critic(images)
        for model in self.models.values():
            model.train()
        # seeds/004's gan.py draws its data once ("x = self.data.sample(10)" before the games): a finite data set
        # a strong D can separate for good, which fresh batches never let it do
        self.dataset: torch.Tensor | None = None
        if config.train.fixed_real > 0:
            self.dataset = self.real(config.train.fixed_real)

    def _seed_streams(self, seed: int) -> None:
        """The lab's own RNGs: a torch.Generator (latents, instance noise) and a numpy Generator (real samples)."""
        self.torch_gen = torch.Generator().manual_seed(
            int(np.random.SeedSequence([seed, LAB_STREAM]).generate_state(1, np.uint64)[0] >> 1)
        )
        self.np_rng = np.random.default_rng(np.random.SeedSequence([seed, LAB_STREAM, 1]))

    def _build_generator(self, images: bool) -> None:
        """G and its optimiser; for method "transform" the analytic inverse-CDF morph, which nothing trains."""
        config, latent = self.config, self.config.latent
        if self.method == "transform":
            mean, sigma = gaussian_params(config.target)
            self.models["generator"] = InverseCdfMorph(mean, sigma, latent.low, latent.high)
            return
        if images and self.conditional:  # G(z, y) and D(x, y), built together (G's weights drawn first, as otherwise)
            self.models["generator"], self._conditional_d = build_conditional_pair(
                config.generator, config.discriminator, latent.dim, self.target.shape, self.target.n_classes
            )
        elif images:
            self.models["generator"] = build_image_generator(config.generator, latent.dim, self.target.shape)
        else:
            self.models["generator"] = build_generator(config.generator, latent.dim, self.target.dim)
        self.optimizers["generator"] = build_optimizer(
            self.models["generator"].parameters(), config.train.g_optimizer, "train.g_optimizer"
        )

    def _build_critic(self, images: bool) -> None:
        """The second model and its optimiser: D for method "gan" (taking packs of `pack` points), the encoder
        for "vae"; none for "mmd" and "transform"."""
        config, tr = self.config, self.config.train
        if self.method == "gan":
            self.models["discriminator"] = (
                self._conditional_d
                if self.conditional
                else build_image_discriminator(config.discriminator, self.target.shape)
                if images
                else build_discriminator(config.discriminator, self.target.dim, pack=self.pack)
            )
            self.optimizers["discriminator"] = build_optimizer(
                self.models["discriminator"].parameters(), tr.d_optimizer, "train.d_optimizer"
            )
        elif self.method == "vae":
            self.models["encoder"] = build_encoder(config.discriminator, self.target.dim, config.latent.dim)
            self.optimizers["encoder"] = build_optimizer(
                self.models["encoder"].parameters(), tr.d_optimizer, "train.d_optimizer"
            )

    @property
    def generator(self) -> nn.Module:
        return self.models["generator"]

    @property
    def discriminator(self) -> nn.Module | None:
        """The trained D (for pack = m > 1 it takes packs: input m x data dim)."""
        return self.models.get("discriminator")

    @property
    def probe_discriminator(self) -> nn.Module | None:
        """D as a function of single points, for the Recorder: D itself, or PackedProbe(D, m) when packed."""
        D = self.discriminator
        if D is None or self.pack == 1:
            return D
        return PackedProbe(D, self.pack)

    def real(self, n: int) -> torch.Tensor:
        """n real samples (n, dim): fresh from the target, or from the fixed data set (train.fixed_real = N):
        all N of them when n == N, in their order, else n of them drawn with replacement."""
        if self.dataset is None:
            return torch.from_numpy(self.target.sample(n, self.np_rng)).to(torch.float32)
        if n == len(self.dataset):
            return self.dataset
        return self.dataset[torch.from_numpy(self.np_rng.integers(0, len(self.dataset), n))]

    def real_labelled(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """n real images (n, C, H, W) and their classes (n,) long, fresh from the data (a conditional run's batch)."""
        images, labels = self.target.sample_labelled(n, self.np_rng)
        return torch.from_numpy(images).to(torch.float32), torch.from_numpy(labels).long()

    def classes(self, n: int) -> torch.Tensor:
        """n classes drawn uniformly (n,) long: what a conditional G is asked to draw."""
        return torch.randint(0, self.target.n_classes, (n,), generator=self.torch_gen)

    def latents(self, n: int) -> torch.Tensor:
        """n fresh latents from the config's prior, shaped (n, *latent_shape)."""
        return sample_latent(n, self.config.latent, self.torch_gen).reshape(n, *self.latent_shape)

    def noisy(self, x: torch.Tensor, sigma: float) -> torch.Tensor:
        """x plus Gaussian instance noise of standard deviation sigma (x itself when sigma is 0)."""
        if sigma <= 0:
            return x
        return x + sigma * torch.randn(x.shape, generator=self.torch_gen)
