"""Method "gan": one iteration is d_steps D updates, then g_steps G updates, each on a fresh batch.

seeds/004's protocol (gan.py): train.fixed_real = N takes every real batch from N points drawn once
(state.py); train.fixed_z_per_game draws ONE latent batch per iteration ("game") for all its D steps,
while each G step still draws its own.

Instance noise (train.instance_noise, optionally annealed) blurs what D sees. PacGAN (train.pack = m,
Lin et al. 2018): D judges packs of m samples (input m x data dim), all real or all generated; a batch
is batch_size packs. Unrolled GAN (train.unroll_steps = k, Metz et al. 2017): G's loss is scored
against D moved k differentiable steps ahead (unrolled.py); D itself is then trained as usual.
"""

from __future__ import annotations

import contextlib

import torch

from gananim.lab.models import pack_samples
from gananim.lab.state import LabState
from gananim.lab.unrolled import unrolled_state
from gananim.record import objectives as losses  # the game objectives live outside the lab


def noise_std(step: int, instance_noise: float, anneal_steps: int) -> float:
    """Instance-noise standard deviation at `step`: constant when anneal_steps == 0, else a linear
    decay instance_noise * max(0, 1 - step / anneal_steps) that reaches 0 at step anneal_steps."""
    if instance_noise <= 0:
        return 0.0
    if anneal_steps <= 0:
        return float(instance_noise)
    return float(instance_noise) * max(0.0, 1.0 - step / anneal_steps)


def _update(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


@contextlib.contextmanager
def _frozen(D: torch.nn.Module):
    """D's weights out of the graph while G steps: G's loss needs gradients through D, not for D's weights."""
    D.requires_grad_(False)
    try:
        yield
    finally:
        D.requires_grad_(True)


def gan_step(lab: LabState, step: int) -> dict[str, float]:
    """One iteration at `step` (1-based); returns the losses to log."""
    if lab.conditional:
        return cgan_step(lab, step)
    tr = lab.config.train
    G, D = lab.generator, lab.discriminator
    opt_g, opt_d = lab.optimizers["generator"], lab.optimizers["discriminator"]
    n = tr.batch_size * lab.pack  # batch_size packs of m samples (m = 1: plain samples)
    sigma = noise_std(step, tr.instance_noise, tr.noise_anneal_steps)
    game_z = lab.latents(n) if tr.fixed_z_per_game else None
    for _ in range(tr.d_steps):
        real = pack_samples(lab.real(n), lab.pack)
        z = lab.latents(n) if game_z is None else game_z
        with torch.no_grad():
            fake = pack_samples(G(z), lab.pack)
        loss_d = losses.d_loss(tr.loss, D(lab.noisy(real, sigma)), D(lab.noisy(fake, sigma)))
        _update(opt_d, loss_d)
    with _frozen(D):
        for _ in range(tr.g_steps):
            loss_g = generator_loss(lab, lab.latents(n), sigma)
            _update(opt_g, loss_g)
    return {"d_loss": float(loss_d.detach()), "g_loss": float(loss_g.detach())}


def generator_loss(lab: LabState, z: torch.Tensor, sigma: float = 0.0) -> torch.Tensor:
    """G's loss on latents z (batch_size * pack rows): against D itself, or, with unroll_steps = k,
    against D moved k differentiable steps ahead (the unrolled steps draw fresh real batches)."""
    loss = lab.config.train.loss
    D = lab.discriminator
    fake = pack_samples(lab.generator(z), lab.pack)
    if lab.unroll_steps == 0:
        return losses.g_loss(loss, D(lab.noisy(fake, sigma)))
    state = unrolled_state(lab, fake, sigma, len(z))
    return losses.g_loss(loss, torch.func.functional_call(D, state, (lab.noisy(fake, sigma),)))


def cgan_step(lab: LabState, step: int) -> dict[str, float]:
    """One iteration of a class-conditional GAN (train.conditional; Mirza & Osindero 2014): D judges real images
    given their own labels and generated ones given the classes G was asked for (drawn uniformly); G's loss is D's
    verdict on G(z, y) given y. Same schedule, losses, instance noise and fixed_z_per_game as `gan_step`."""
    tr = lab.config.train
    G, D = lab.generator, lab.discriminator
    opt_g, opt_d = lab.optimizers["generator"], lab.optimizers["discriminator"]
    n, sigma = tr.batch_size, noise_std(step, tr.instance_noise, tr.noise_anneal_steps)
    game = (lab.latents(n), lab.classes(n)) if tr.fixed_z_per_game else None
    for _ in range(tr.d_steps):
        real, real_y = lab.real_labelled(n)
        z, y = (lab.latents(n), lab.classes(n)) if game is None else game
        with torch.no_grad():
            fake = G(z, y)
        loss_d = losses.d_loss(tr.loss, D(lab.noisy(real, sigma), real_y), D(lab.noisy(fake, sigma), y))
        _update(opt_d, loss_d)
    with _frozen(D):
        for _ in range(tr.g_steps):
            z, y = lab.latents(n), lab.classes(n)
            loss_g = losses.g_loss(tr.loss, D(lab.noisy(G(z, y), sigma), y))
            _update(opt_g, loss_g)
    return {"d_loss": float(loss_d.detach()), "g_loss": float(loss_g.detach())}
