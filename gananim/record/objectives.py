"""The training objectives: the GAN game's losses and value V(G, D) as pure functions of the discriminator's
LOGITS, and the MMD (the lab's `mmd` baseline). Used by the lab's training loop and by the probes alike,
so they live outside the toy lab.

With D(x) = sigmoid(l): log D = logsigmoid(l) = -softplus(-l) and log(1 - D) = -softplus(l),
which stay finite where D saturates at 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from gananim.errors import GananimError
from gananim.recording import game

LOSSES = game.LOSSES


def _check(loss: str) -> None:
    if loss not in LOSSES:
        raise GananimError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def d_loss(loss: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss (to minimise), on D's raw outputs (logits, or a critic's scores).

    minimax / nonsaturating: -E log D(x) - E log(1 - D(G(z)))  (= -V(G, D)).
    least_squares (LSGAN, a=0, b=1, on raw outputs): 1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2.
    wasserstein (WGAN): E D(G(z)) - E D(x), without the user's penalty (clipping or gradient penalty).
    hinge (Lim & Ye 2017; SN-GAN): E relu(1 - D(x)) + E relu(1 + D(G(z))).
    relativistic_average (RaSGAN): -E log σ(C(x) - E C(G(z))) - E log(1 - σ(C(G(z)) - E C(x))).
    """
    _check(loss)
    if loss == "least_squares":
        return 0.5 * (real_logits - 1).pow(2).mean() + 0.5 * fake_logits.pow(2).mean()
    if loss == "wasserstein":
        return fake_logits.mean() - real_logits.mean()
    if loss == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if loss == "relativistic_average":
        real_rel, fake_rel = real_logits - fake_logits.mean(), fake_logits - real_logits.mean()
        return F.softplus(-real_rel).mean() + F.softplus(fake_rel).mean()
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def g_loss(loss: str, fake_logits: torch.Tensor, real_logits: torch.Tensor | None = None) -> torch.Tensor:
    """The generator's loss (to minimise); `real_logits` only for the relativistic loss, which reads both batches.

    minimax (saturating): E log(1 - D(G(z))).
    nonsaturating: -E log D(G(z)).
    least_squares (LSGAN, c=1): 1/2 E (D(G(z)) - 1)^2.
    wasserstein, hinge: -E D(G(z)).
    relativistic_average: -E log σ(C(G(z)) - E C(x)) - E log(1 - σ(C(x) - E C(G(z)))).
    """
    _check(loss)
    if loss == "minimax":
        return -F.softplus(fake_logits).mean()
    if loss == "nonsaturating":
        return F.softplus(-fake_logits).mean()
    if loss in ("wasserstein", "hinge"):
        return -fake_logits.mean()
    if loss == "relativistic_average":
        if real_logits is None:
            raise GananimError("the relativistic average loss reads D's scores on real samples too")
        real_rel, fake_rel = real_logits - fake_logits.mean(), fake_logits - real_logits.mean()
        return F.softplus(-fake_rel).mean() + F.softplus(real_rel).mean()
    return 0.5 * (fake_logits - 1).pow(2).mean()


def value(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The game's value V(G, D) = E log D(x) + E log(1 - D(G(z))); -2 log 2 at the optimum."""
    return -F.softplus(-real_logits).mean() - F.softplus(fake_logits).mean()


def relativistic_value(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """RaSGAN's value E log D_ra(x) + E log(1 - D_ra(G(z))), D_ra(x_r) = σ(C(x_r) - E C(x_f)) and
    D_ra(x_f) = σ(C(x_f) - E C(x_r)): -2 log 2 where real and fake score alike."""
    return value(real_scores - fake_scores.mean(), fake_scores - real_scores.mean())


def _sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # explicit differences (not cdist): exact zeros on the diagonal and a finite gradient there
    return (a[:, None, :] - b[None, :, :]).pow(2).sum(-1)


def _kernel(a: torch.Tensor, b: torch.Tensor, bandwidths: Sequence[float]) -> torch.Tensor:
    d2 = _sq_dists(a, b)
    return sum(torch.exp(-d2 / (2.0 * float(h) ** 2)) for h in bandwidths)


def mmd2(x: torch.Tensor, y: torch.Tensor, bandwidths: Sequence[float], *, unbiased: bool = False) -> torch.Tensor:
    """Squared maximum mean discrepancy between samples x (n, d) and y (m, d).

    Kernel: k(a, b) = sum over h in `bandwidths` of exp(-|a - b|^2 / (2 h^2)).
    Default: the BIASED estimate (V-statistic) mean k(x, x') + mean k(y, y') - 2 mean k(x, y),
    with the diagonal terms included; it is >= 0 and exactly 0 for identical samples.
    unbiased=True drops the diagonal of the x-x and y-y terms (U-statistic; can be < 0).
    """
    if not bandwidths:
        raise GananimError("mmd2 needs at least one kernel bandwidth")
    x = x.reshape(len(x), -1)
    y = y.reshape(len(y), -1)
    kxx, kyy, kxy = _kernel(x, x, bandwidths), _kernel(y, y, bandwidths), _kernel(x, y, bandwidths)
    n, m = len(x), len(y)
    if unbiased:
        if n < 2 or m < 2:
            raise GananimError("the unbiased MMD needs at least 2 samples on each side")
        xx = (kxx.sum() - kxx.diagonal().sum()) / (n * (n - 1))
        yy = (kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
    else:
        xx, yy = kxx.mean(), kyy.mean()
    return xx + yy - 2 * kxy.mean()
