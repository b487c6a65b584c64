"""The non-adversarial methods the GAN is compared with: "mmd" (a generator trained on the kernel MMD to
the data), "vae" (an encoder/decoder pair; the decoder is the generator) and "transform" (no training:
the inverse-CDF morph from a uniform to the target Gaussian, animated as t = step / steps)."""

from __future__ import annotations

import torch

from gananim.lab.state import LabState
from gananim.record import objectives as losses  # the game objectives live outside the lab


def mmd_step(lab: LabState, step: int) -> dict[str, float]:
    """g_steps generator updates on the biased MMD^2 between a generated and a real batch."""
    tr = lab.config.train
    G, opt_g = lab.generator, lab.optimizers["generator"]
    for _ in range(tr.g_steps):
        real = lab.real(tr.batch_size)
        loss = losses.mmd2(G(lab.latents(tr.batch_size)), real, tr.mmd_bandwidths)
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
    return {"g_loss": float(loss.detach())}


def vae_step(lab: LabState, step: int) -> dict[str, float]:
    """g_steps joint updates of encoder and decoder on reconstruction + vae_beta * KL."""
    tr = lab.config.train
    G, E = lab.generator, lab.models["encoder"]
    opts = (lab.optimizers["generator"], lab.optimizers["encoder"])
    for _ in range(tr.g_steps):
        x = lab.real(tr.batch_size)
        mean, logvar = E(x)
        eps = torch.randn(mean.shape, generator=lab.torch_gen)
        x_hat = G(mean + torch.exp(0.5 * logvar) * eps)
        recon = (x_hat - x).pow(2).sum(dim=1).mean()
        kl = (-0.5 * (1 + logvar - mean.pow(2) - logvar.exp()).sum(dim=1)).mean()
        loss = recon + tr.vae_beta * kl
        for opt in opts:
            opt.zero_grad(set_to_none=True)
        loss.backward()
        for opt in opts:
            opt.step()
    return {"g_loss": float(loss.detach()), "recon": float(recon.detach()), "kl": float(kl.detach())}


def transform_step(lab: LabState, step: int) -> dict[str, float]:
    """Move the morph to t = step / steps (clipped to [0, 1]); it starts at t = 0."""
    steps = lab.config.steps
    t = step / steps if steps > 0 else 0.0
    lab.generator.t.fill_(min(max(t, 0.0), 1.0))
    return {"t": float(lab.generator.t)}
