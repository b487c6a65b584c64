"""Image networks for the lab: an MLP generator/discriminator that reshape to and from images, and a small
DCGAN-style pair (Radford et al. 2016: transposed convolutions with batch norm and ReLU in G, a tanh output,
strided convolutions with leaky ReLU in D, no pooling) for 8×8 images.

arch "mlp": G = the lab's MLP from the latent to C·H·W numbers, tanh, Unflatten to (C, H, W); D = Flatten, MLP.
arch "conv": G takes latents shaped (n, z, 1, 1): ConvTranspose2d(z, h0, 4) to 4×4, a 3×3 ConvTranspose2d per
further hidden size, then ConvTranspose2d(·, C, 4, stride 2) to 8×8 and tanh; D: Conv2d(C, h0, 4, stride 2) to
4×4, Conv2d(h0, h1, 4, stride 2) to 2×2 (further hidden sizes: 3×3 convolutions at 2×2), Flatten, Linear to one
logit. `hidden` lists the channel counts. tanh because the lab's image data lie on [-1, 1]. In TOML, arch is
written `kind` (gananim.lab.config.ModelConfig).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from gananim.errors import GananimError
from gananim.lab.config import ModelConfig
from gananim.lab.models import LEAKY_SLOPE, build_mlp

CONV_SIZE = 8  # the conv models are laid out for 8×8 images (the digits); other sizes take arch "mlp"


def build_image_generator(model: ModelConfig, latent_dim: int, shape: tuple[int, ...]) -> nn.Module:
    """G: latents (n, latent_dim) for "mlp", (n, latent_dim, 1, 1) for "conv" -> images (n, C, H, W) on [-1, 1]."""
    if model.arch == "conv":
        _check_conv(shape)
        hidden = list(model.hidden) or [64]
        layers: list[nn.Module] = [nn.ConvTranspose2d(latent_dim, hidden[0], 4, 1, 0), *_norm_relu(model, hidden[0])]
        for a, b in zip(hidden, hidden[1:]):
            layers += [nn.ConvTranspose2d(a, b, 3, 1, 1), *_norm_relu(model, b)]
        layers += [nn.ConvTranspose2d(hidden[-1], shape[0], 4, 2, 1), nn.Tanh()]
        return nn.Sequential(*layers)
    mlp = build_mlp(model, latent_dim, math.prod(shape))
    return nn.Sequential(*mlp, nn.Tanh(), nn.Unflatten(1, shape))


def build_image_discriminator(model: ModelConfig, shape: tuple[int, ...]) -> nn.Module:
    """D: images (n, C, H, W) -> logits (n, 1); no final sigmoid."""
    if model.arch == "conv":
        _check_conv(shape)
        hidden = list(model.hidden) or [32, 64]
        layers: list[nn.Module] = []
        width, side = shape[0], CONV_SIZE
        for i, h in enumerate(hidden):
            halve = i < 2  # 8 -> 4 -> 2, then 3×3 convolutions that keep 2×2
            layers += [
                nn.Conv2d(width, h, 4, 2, 1) if halve else nn.Conv2d(width, h, 3, 1, 1),
                nn.LeakyReLU(LEAKY_SLOPE),
            ]
            width, side = h, side // 2 if halve else side
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * side * side, 1))
    return nn.Sequential(nn.Flatten(), *build_mlp(model, math.prod(shape), 1))


class ConditionalGenerator(nn.Module):
    """G(z, y): the class's one-hot row beside the latent, into an unconditional network built one input wider per
    class (Mirza & Osindero 2014's conditional GAN; for a conv G, extra channels of its (n, z, 1, 1) input)."""

    def __init__(self, net: nn.Module, n_classes: int):
        super().__init__()
        self.net, self.n_classes = net, n_classes

    def forward(self, z, y):
        h = nn.functional.one_hot(y, self.n_classes).to(z.dtype)
        return self.net(torch.cat([z, h.reshape(*h.shape, *([1] * (z.ndim - 2)))], 1))


class ConditionalDiscriminator(nn.Module):
    """D(x, y): the class's one-hot row beside the flattened image (MLP), or as constant planes beside its channels
    (conv: the cDCGAN layout), into an unconditional network built that much wider."""

    def __init__(self, net: nn.Module, n_classes: int, conv: bool):
        super().__init__()
        self.net, self.n_classes, self.conv = net, n_classes, conv

    def forward(self, x, y):
        h = nn.functional.one_hot(y, self.n_classes).to(x.dtype)
        if self.conv:
            return self.net(torch.cat([x, h[:, :, None, None].expand(-1, -1, *x.shape[2:])], 1))
        return self.net(torch.cat([x.reshape(len(x), -1), h], 1))


def build_conditional_pair(
    g: ModelConfig, d: ModelConfig, latent_dim: int, shape: tuple[int, ...], n_classes: int
) -> tuple[nn.Module, nn.Module]:
    """G(z, y) and D(x, y) for `n_classes` classes: the unconditional models with the labels' one-hot columns."""
    G = ConditionalGenerator(build_image_generator(g, latent_dim + n_classes, shape), n_classes)
    conv = d.arch == "conv"
    wide = (shape[0] + n_classes, *shape[1:]) if conv else (math.prod(shape) + n_classes,)
    if conv:
        _check_conv(shape)
    return G, ConditionalDiscriminator(build_image_discriminator(d, wide), n_classes, conv)


def _norm_relu(model: ModelConfig, channels: int) -> list[nn.Module]:
    return [nn.BatchNorm2d(channels), nn.ReLU()] if model.batch_norm else [nn.ReLU()]


def _check_conv(shape: tuple[int, ...]) -> None:
    if len(shape) != 3 or shape[1:] != (CONV_SIZE, CONV_SIZE):
        raise GananimError(
            f"kind 'conv' models are laid out for {CONV_SIZE}×{CONV_SIZE} images; got samples shaped "
            f"{tuple(shape)}: use kind 'mlp'"
        )


__all__ = [
    "CONV_SIZE",
    "ConditionalDiscriminator",
    "ConditionalGenerator",
    "build_conditional_pair",
    "build_image_discriminator",
    "build_image_generator",
]
