"""Networks for the toy lab: MLP / linear generators and discriminators, the VAE encoder,
latent priors, and the analytic uniform -> Gaussian morph used by the `inverse-cdf` preset.

Discriminators output LOGITS shaped (n, 1); D(x) = sigmoid(logit) is applied by the losses
(and by the recorder), never inside the network.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from gananim.errors import GananimError
from gananim.lab.config import LatentConfig, ModelConfig

LEAKY_SLOPE = 0.2


def _activation(name: str) -> nn.Module:
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(LEAKY_SLOPE)
    if name == "tanh":
        return nn.Tanh()
    if name == "elu":
        return nn.ELU()
    if name == "sigmoid":
        return nn.Sigmoid()
    raise GananimError(f"unknown activation {name!r}; choose one of relu, leaky_relu, tanh, elu, sigmoid")


class Maxout(nn.Module):
    """Max over `pieces` consecutive groups: (n, units * pieces) -> (n, units)."""

    def __init__(self, pieces: int):
        super().__init__()
        self.pieces = pieces

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, width = x.shape
        return x.view(n, width // self.pieces, self.pieces).max(dim=2).values

    def extra_repr(self) -> str:
        return f"pieces={self.pieces}"


def build_mlp(model: ModelConfig, in_dim: int, out_dim: int) -> nn.Sequential:
    """Linear layers through `model.hidden`, each followed by optional batch norm and then the
    activation (or a maxout over `model.maxout` pieces, which replaces the activation); a final
    Linear to `out_dim` with no activation. arch "linear" is a single nn.Linear(in_dim, out_dim)."""
    if model.arch == "linear":
        layer = nn.Linear(in_dim, out_dim)
        # seed 004's reference code (gan.py): w ~ N(0, 0.1^2), b = 0 for both players
        with torch.no_grad():
            layer.weight.normal_(0.0, 0.1)
            layer.bias.zero_()
        return nn.Sequential(layer)
    if model.arch != "mlp":
        raise GananimError(f"unknown model arch {model.arch!r} (TOML key kind); choose 'mlp' or 'linear'")
    layers: list[nn.Module] = []
    width = in_dim
    for h in model.hidden:
        pieces = model.maxout if model.maxout and model.maxout >= 2 else 1
        layers.append(nn.Linear(width, h * pieces))
        if model.batch_norm:
            layers.append(nn.BatchNorm1d(h * pieces))
        layers.append(Maxout(pieces) if pieces > 1 else _activation(model.activation))
        width = h
    layers.append(nn.Linear(width, out_dim))
    if model.init == "orthogonal":
        _orthogonal(layers, model.init_gain)
    elif model.init != "default":
        raise GananimError(f"unknown init {model.init!r}; choose 'default' or 'orthogonal'")
    return nn.Sequential(*layers)


def _orthogonal(layers: list[nn.Module], gain: float) -> None:
    """Every Linear's weight an orthogonal matrix times `gain`, biases zero: tf.orthogonal_initializer(gain=1.4)
    and TF's zero bias default in Metz et al. 2017's reference code (poolio/unrolled_gan). Drawn from torch's
    global RNG after the default init, like every other weight here (the lab seeds it before building models)."""
    with torch.no_grad():
        for layer in layers:
            if isinstance(layer, nn.Linear):
                nn.init.orthogonal_(layer.weight, gain=gain)
                layer.bias.zero_()


def build_generator(model: ModelConfig, latent_dim: int, data_dim: int) -> nn.Module:
    """G: R^latent_dim -> R^data_dim."""
    return build_mlp(model, latent_dim, data_dim)


def build_discriminator(model: ModelConfig, data_dim: int, pack: int = 1) -> nn.Module:
    """D: R^(pack * data_dim) -> logits (n, 1); no final sigmoid.

    pack = m > 1 is PacGAN's packed discriminator (Lin et al. 2018): each input row is m samples
    concatenated, all real or all generated, and D judges the pack as a whole."""
    if pack < 1:
        raise GananimError(f"pack must be >= 1, got {pack}")
    return build_mlp(model, data_dim * pack, 1)


def pack_samples(x: torch.Tensor, pack: int) -> torch.Tensor:
    """(n * m, d) samples -> (n, m * d) packs: rows i*m .. i*m + m - 1 side by side (PacGAN's input)."""
    if pack == 1:
        return x
    n, d = x.shape
    if n % pack:
        raise GananimError(f"cannot pack {n} samples into packs of {pack}")
    return x.reshape(n // pack, pack * d)


class PackedProbe(nn.Module):
    """A packed discriminator seen as a function of ONE point: x -> D(x, x, ..., x) (x repeated m times).

    A PacGAN discriminator judges packs of m samples, so it has no value at a single point. This
    wrapper is how gananim draws D's surface for a packed D: the Recorder's grid, its D(real) /
    D(fake) statistics, the generator-gradient arrows and the curvature probes all evaluate D on
    packs of m copies of the same point (gradients w.r.t. x sum over the m copies). Training never
    uses it: the lab feeds the packed D real packs of m distinct samples. It owns no parameters of
    its own; `parameters()` are the wrapped D's.
    """

    def __init__(self, discriminator: nn.Module, pack: int):
        super().__init__()
        if pack < 1:
            raise GananimError(f"pack must be >= 1, got {pack}")
        self.discriminator, self.pack = discriminator, int(pack)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, None] if x.ndim == 1 else x
        return self.discriminator(x.repeat(1, self.pack))

    def extra_repr(self) -> str:
        return f"pack={self.pack}"


class Encoder(nn.Module):
    """VAE encoder q(z|x): an MLP trunk (the model's hidden layers) and two linear heads."""

    def __init__(self, model: ModelConfig, data_dim: int, latent_dim: int):
        super().__init__()
        if model.arch == "linear" or not model.hidden:
            self.trunk: nn.Module = nn.Identity()
            width = data_dim
        else:
            trunk = build_mlp(model, data_dim, 1)
            self.trunk = nn.Sequential(*list(trunk)[:-1])  # drop the output layer
            width = model.hidden[-1]
        self.mean = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        return self.mean(h), self.logvar(h)


def build_encoder(model: ModelConfig, data_dim: int, latent_dim: int) -> Encoder:
    """VAE encoder returning (mean, log-variance), each (n, latent_dim)."""
    return Encoder(model, data_dim, latent_dim)


def sample_latent(n: int, latent: LatentConfig, generator: torch.Generator) -> torch.Tensor:
    """n draws from the prior: standard normal, or uniform on [low, high]; float32 (n, dim)."""
    if latent.prior == "normal":
        return torch.randn(n, latent.dim, generator=generator)
    if latent.prior == "uniform":
        u = torch.rand(n, latent.dim, generator=generator)
        return u * (latent.high - latent.low) + latent.low
    raise GananimError(f"unknown latent prior {latent.prior!r}; choose 'normal' or 'uniform'")


class InverseCdfMorph(nn.Module):
    """G_t(u) = (1 - t) * affine(u) + t * icdf(u): the inverse transform method, animated.

    u ~ U[low, high]. affine(u) is the identity map scaled and shifted so that its output has the
    target's mean and standard deviation (a uniform with the right first two moments); icdf(u) =
    mean + sigma * Phi^-1(p) with p = (u - low) / (high - low) is the exact inverse CDF of
    N(mean, sigma^2), so at t = 1 G(u) is distributed exactly as the target. p is clipped to
    [eps, 1 - eps] so grid points on the interval's ends stay finite (about +-3.7 sigma).
    `t` is a buffer: it travels in state_dict and is set by the training loop each step. The
    target's mean and sigma are frozen parameters (requires_grad=False): nothing here is trained,
    but code that asks a generator for its parameters (device, gradient norms) still finds some.
    """

    def __init__(self, mean: float, sigma: float, low: float = 0.0, high: float = 1.0, eps: float = 1e-4):
        super().__init__()
        if not (sigma > 0 and high > low):
            raise GananimError("the inverse-cdf morph needs sigma > 0 and latent.low < latent.high")
        self.loc = nn.Parameter(torch.tensor(float(mean)), requires_grad=False)
        self.scale = nn.Parameter(torch.tensor(float(sigma)), requires_grad=False)
        self.low, self.high, self.eps = float(low), float(high), eps
        self.register_buffer("t", torch.zeros(()))

    def affine(self, u: torch.Tensor) -> torch.Tensor:
        slope = self.scale * (math.sqrt(12.0) / (self.high - self.low))
        return self.loc + slope * (u - (self.low + self.high) / 2)

    def icdf(self, u: torch.Tensor) -> torch.Tensor:
        p = ((u - self.low) / (self.high - self.low)).clamp(self.eps, 1 - self.eps)
        return self.loc + self.scale * torch.special.ndtri(p)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        t = self.t.to(u.dtype)
        return (1 - t) * self.affine(u) + t * self.icdf(u)

    def extra_repr(self) -> str:
        return f"mean={float(self.loc)}, sigma={float(self.scale)}, low={self.low}, high={self.high}"
