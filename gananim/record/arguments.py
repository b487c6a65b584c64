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
    if opts.curvature_every and discriminator is not None and loss is not None and loss_family(loss) == "least_squares":
        raise GananimError(  # LSGAN's two losses are not one value's two sides: no Hessian of V, no game Jacobian of V
            "the curvature probes differentiate Goodfellow's value V(G, D); the least-squares game is not zero-sum "
            "and has no such value: set curvature_every=0"
        )
    if opts.curvature_every and discriminator is not None and not (trainable(generator) and trainable(discriminator)):
        raise GananimError(
            "curvature needs trainable parameters in both the generator and the discriminator; set curvature_every=0"
        )


def call_mistake(who: str, form: str, e: TypeError, conditional: bool) -> str:
    """One line for a model called with the wrong arguments: a conditional pair unannounced, or announced wrongly."""
    said = str(e).splitlines()[0] if str(e) else type(e).__name__
    if conditional:
        return (
            f"the {who} refused the call {form} ({said}); conditional=Labels(...) calls G(z, y) and D(x, y) with y "
            "the class indices (or one-hot rows with one_hot=True): wrap other forms in a small module taking (z, y)"
        )
    return (
        f"the {who} refused to be called with one input ({said}); for a conditional GAN, G(z, y) and D(x, y), "
        "pass conditional=gananim.Labels(n_classes) and labels= (the real data's classes)"
    )


def shapes(
    players: Players, latent_shape: tuple[int, ...], prior: tuple[str, float, float], seed: int, explicit: bool
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(one latent's shape, one sample's shape), found by running the generator once.

    A conditional G's first layer often takes z and the label together (z beside a one-hot row, or beside an
    nn.Embedding's vector), so an inferred flat size may count the label too: then the sizes without it are tried
    after it (the first error is the one reported)."""
    candidates = [latent_shape]
    if players.labels is not None and not explicit and len(latent_shape) == 1:
        d = latent_shape[0]
        label_sizes = [players.labels.n_classes] + [
            m.embedding_dim for m in players.G.modules() if isinstance(m, torch.nn.Embedding)
        ]
        candidates += [(d - e,) for e in dict.fromkeys(label_sizes) if d - e >= 1]
    first = None
    for shape in candidates:
        try:
            return shape, output_shape(players, Prior(math.prod(shape), *prior), shape, seed, explicit)
        except GananimError as e:
            first = first or e
    raise first


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
    y = players.label_batch([0, 1])
    with probing(players.G), torch.no_grad():
        try:
            out = players.generate(z.to(players.device, players.dtype), y)
        except TypeError as e:  # G(z) of a G(z, y), or G(z, y) of a G(z): how G is called, not its sizes
            if "argument" not in str(e):
                raise
            raise GananimError(call_mistake("generator", "G(z, y)", e, y is not None)) from None
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


__all__ = [
    "call_mistake",
    "check_game",
    "every_of",
    "latent_shape_of",
    "options_of",
    "output_shape",
    "resolve_game",
    "shapes",
]
