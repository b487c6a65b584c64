"""The Recorder's arguments, checked before anything is probed or written: one line for each mistake, with the fix."""

from __future__ import annotations

import dataclasses
import math
import operator

import torch

from gananim.errors import GananimError
from gananim.record.options import ProbeOptions
from gananim.record.prior import Prior
from gananim.record.probes import Players, check_d_output, infer_d_output, probing, trainable
from gananim.recording.game import CRITIC_LOSSES, check_pair, loss_family


def latent_shape_of(latent_dim: int | None, latent_shape) -> tuple[int, ...] | None:
    """The latent shape the user gave (latent_dim= is a flat one), or None to infer it from the generator."""
    if latent_shape is None:
        return None if latent_dim is None else (latent_dim,)
    try:
        shape = tuple(operator.index(s) for s in latent_shape)
    except TypeError:
        shape = ()
    if not shape or min(shape) < 1:
        raise GananimError(
            f"latent_shape must be a tuple of positive integers (one latent's shape, e.g. (100, 1, 1)), got {latent_shape!r}"
        )
    if latent_dim is not None and latent_dim != math.prod(shape):
        raise GananimError(f"latent_dim={latent_dim} and latent_shape={shape} disagree: pass one of them")
    return shape


def options_of(probes) -> ProbeOptions:
    """A validated copy of the user's probe options (later edits of theirs change nothing), or the defaults."""
    if probes is not None and not isinstance(probes, ProbeOptions):
        raise GananimError(f"probes must be a gananim.ProbeOptions, got {type(probes).__name__}")
    return dataclasses.replace(probes or ProbeOptions()).validate()


def every_of(every) -> int:
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise GananimError(f"every must be an integer >= 1, got {every!r}")
    return every


def check_game(generator, discriminator, latent_dim, loss, d_output, opts: ProbeOptions) -> None:
    """The models and the game as the user described them: one line for each thing that cannot be probed."""
    if latent_dim is not None and (isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1):
        raise GananimError(f"latent_dim must be a positive integer (the generator's input size), got {latent_dim!r}")
    if loss is not None:
        loss_family(loss)
    if d_output is not None:
        check_d_output(d_output)
    critic = d_output == "critic" or (loss is not None and loss_family(loss) in CRITIC_LOSSES)
    if opts.curvature_every and discriminator is not None and critic:  # curvature.py differentiates V(G, D)
        raise GananimError(
            "the curvature probes differentiate the classifier's value V(G, D), not a critic's game; set curvature_every=0"
        )
    if opts.curvature_every and discriminator is not None and not (trainable(generator) and trainable(discriminator)):
        raise GananimError(
            "curvature needs trainable parameters in both the generator and the discriminator; set curvature_every=0"
        )


def resolve_game(discriminator, loss, d_output, inferred: dict | None = None) -> tuple[str, str | None, dict]:
    """(loss family, d_output, how each was inferred) from what the user passed, None for "infer it".

    A loss left out is the critics' Wasserstein game where d_output='critic', else the non-saturating game; a d_output
    left out is "critic" for a critic's loss, else read from D's last module (a Sigmoid: "probs"). `inferred` is what
    a caller that watched the training (zero-edit, the Lightning callback) found: {"loss": (family, how), ...}; an
    explicit argument wins over it. The manifest stores the third item, so a reader knows which words were guessed."""
    inferred, how = inferred or {}, {}
    if discriminator is None:
        return loss_family(loss or "nonsaturating"), None, {}
    if loss is None and "loss" in inferred:
        loss, how["loss"] = inferred["loss"]
    if d_output is None and "d_output" in inferred:
        d_output, how["d_output"] = inferred["d_output"]
    if loss is None:
        critic = d_output == "critic"
        loss = "wasserstein" if critic else "nonsaturating"
        how["loss"] = (
            "d_output='critic' without loss=: the Wasserstein game" if critic else "the default (loss= not given)"
        )
    family = loss_family(loss)
    if d_output is None:
        d_output = "critic" if family in CRITIC_LOSSES else infer_d_output(discriminator)
        how["d_output"] = f"loss={family!r} is a critic's" if family in CRITIC_LOSSES else "D's last module"
    check_pair(family, d_output)
    return family, d_output, how


def output_shape(
    players: Players, prior: Prior, latent_shape: tuple[int, ...], seed: int, explicit: bool
) -> tuple[int, ...]:
    """Run the generator once on two latents to learn the shape of one sample it outputs."""
    z = prior.sample(2, seed).reshape(2, *latent_shape)
    with probing(players.G), torch.no_grad():
        try:
            out = players.G(z.to(players.device, players.dtype))
        except RuntimeError as e:
            what = f"dimension {latent_shape[0]}" if len(latent_shape) == 1 else f"shape {latent_shape}"
            hint = (
                "check latent_dim= / latent_shape="
                if explicit
                else "pass latent_dim= (or latent_shape=, e.g. (100, 1, 1))"
            )
            raise GananimError(f"the generator rejected latents of {what} ({str(e).splitlines()[0]}); {hint}") from None
    if not isinstance(out, torch.Tensor) or out.ndim == 0 or len(out) != 2:
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise GananimError(
            f"the generator returned {got} for 2 latents; it must return one sample per latent, shaped (n, ...)"
        )
    return tuple(out.shape[1:])


__all__ = ["check_game", "every_of", "latent_shape_of", "options_of", "output_shape", "resolve_game"]
