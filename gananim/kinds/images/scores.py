"""D's statistics on an images snapshot's scores, in numpy: the probe gathers (k, n_fake + n_real) scores on the
training device and turns them into the game's scalars here, after the step (gananim.kinds.images.probe.finish)."""

from __future__ import annotations

import numpy as np


def d_value(logits: np.ndarray, n_fake: int) -> np.ndarray:
    """V(G, D) = E log D(x) + E log(1 - D(G(z))) per snapshot of (k, n_fake + n_real) logits (objectives.value in
    numpy: log D = -softplus(-l), log(1 - D) = -softplus(l), softplus(l) = logaddexp(0, l))."""
    with np.errstate(invalid="ignore"):  # a non-finite sample's NaN score makes V NaN, as in torch, silently
        return -np.logaddexp(0.0, -logits[:, n_fake:]).mean(axis=1) - np.logaddexp(0.0, logits[:, :n_fake]).mean(axis=1)


def game_scalars(loss: str, critic: bool, logits: np.ndarray, n_fake: int, raw: bool = False) -> dict[str, np.ndarray]:
    """Per snapshot of (k, n_fake + n_real) scores, D's statistics in the game's terms (as the points kind's
    game_scalars): a classifier's mean probabilities and V(G, D); a critic's mean scores and E D(real) − E D(fake), or
    RaSGAN's D_ra and value."""
    fake, real = logits[:, :n_fake], logits[:, n_fake:]
    if raw:  # LSGAN's raw D (a=0, b=1): its means, and its D objective against ¼ (gananim.recording.game.LS_OPTIMUM)
        return {
            "d_fake": fake.mean(axis=1),
            "d_real": real.mean(axis=1),
            "ls_value": 0.5 * ((real - 1.0) ** 2).mean(axis=1) + 0.5 * (fake**2).mean(axis=1),
        }
    if not critic:
        d = sigmoid(logits)
        return {
            "d_fake": d[:, :n_fake].mean(axis=1),
            "d_real": d[:, n_fake:].mean(axis=1),
            "value": d_value(logits, n_fake),
        }
    out = {"critic_real": real.mean(axis=1), "critic_fake": fake.mean(axis=1)}
    if loss != "relativistic_average":
        return out | {"critic_gap": out["critic_real"] - out["critic_fake"]}
    rel = np.concatenate([fake - out["critic_real"][:, None], real - out["critic_fake"][:, None]], axis=1)
    d = sigmoid(rel)
    return out | {
        "d_fake": d[:, :n_fake].mean(axis=1),
        "d_real": d[:, n_fake:].mean(axis=1),
        "value": d_value(rel, n_fake),
    }


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """σ(logits), overflow to 0 or 1 without a warning."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-logits))
