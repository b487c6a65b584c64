"""The Unrolled GAN's look-ahead discriminator (Metz et al. 2017): D's parameters after k differentiable
updates, for G's loss to be scored against. The unrolled steps draw their real batches and instance
noise from the lab's generators and read (never write) D's optimiser state: determinism and resume hold.
"""

from __future__ import annotations

import torch

from gananim.lab.models import pack_samples
from gananim.lab.state import LabState
from gananim.record import objectives as losses  # the game objectives live outside the lab

SQRT_FLOOR = 1e-30  # added inside Adam's root: keeps its derivative finite where a weight's gradient is exactly 0


def unrolled_state(lab: LabState, fake: torch.Tensor, sigma: float, n: int) -> dict[str, torch.Tensor]:
    """D's parameters after `unroll_steps` differentiable D updates, as a dict for functional_call.

    Each step: a fresh real batch of n samples (packed like training) and the CURRENT fake batch,
    which depends on G; the update stays in the graph (create_graph=True), so backpropagating G's
    loss through the returned parameters reaches G through every unrolled step (Metz et al. 2017,
    eq. 12). unroll_optimizer "sgd": plain SGD steps with the D optimiser's lr, a common
    simplification of the paper, which unrolls D's actual optimiser (Adam). Beware: with Adam's
    small lr (1e-4 in ring8) an SGD step lr * g is far smaller than Adam's step of about lr per
    weight, so the SGD unrolling barely moves D. "adam": the paper's way, D's own Adam update
    (lr, betas, eps, bias correction), continued from D's optimiser moments and step count, all
    differentiated through. D's real parameters, buffers and optimiser state are untouched: the
    steps start from detached views of the parameters, copies of the moments and CLONES of the
    buffers (batch norm's running statistics update the clones).
    """
    tr = lab.config.train
    D = lab.discriminator
    params = {name: p.detach().requires_grad_(True) for name, p in D.named_parameters()}
    buffers = {name: b.clone() for name, b in D.named_buffers()}
    adam = tr.unroll_optimizer == "adam"
    if adam:
        opt = lab.optimizers["discriminator"]
        group = opt.param_groups[0]
        lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], float(group["eps"])
        moments = _adam_moments(D, opt)
    else:
        lr = float(tr.d_optimizer.lr)
    with torch.enable_grad():
        for _ in range(lab.unroll_steps):
            real = pack_samples(lab.real(n), lab.pack)
            state = params | buffers
            loss_d = losses.d_loss(
                tr.loss,
                torch.func.functional_call(D, state, (lab.noisy(real, sigma),)),
                torch.func.functional_call(D, state, (lab.noisy(fake, sigma),)),
            )
            grads = torch.autograd.grad(loss_d, list(params.values()), create_graph=True)
            if not adam:
                params = {name: p - lr * g for (name, p), g in zip(params.items(), grads)}
                continue
            stepped = {}
            for (name, p), g in zip(params.items(), grads):
                t, m, v = moments[name]
                t, m, v = t + 1, beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
                moments[name] = (t, m, v)
                denom = (v / (1 - beta2**t) + SQRT_FLOOR).sqrt() + eps
                stepped[name] = p - lr * (m / (1 - beta1**t)) / denom
            params = stepped
    return params | buffers


def _adam_moments(D: torch.nn.Module, opt: torch.optim.Optimizer) -> dict[str, tuple]:
    """(step count, first moment, second moment) per parameter name: copies of D's Adam state, zeros before its first step."""
    moments = {}
    for name, p in D.named_parameters():
        st = opt.state.get(p) or {}
        moments[name] = (
            int(st["step"]) if "step" in st else 0,
            st["exp_avg"].detach().clone() if "exp_avg" in st else torch.zeros_like(p),
            st["exp_avg_sq"].detach().clone() if "exp_avg_sq" in st else torch.zeros_like(p),
        )
    return moments
