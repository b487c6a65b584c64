"""The lab's own config checks, beyond Config.validate: what training needs of a config and its target."""

from __future__ import annotations

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets import Target
from gananim.lab.config import Config
from gananim.lab.image_data import ImageData

# MLP weights (generator/discriminator init): torch's own, or tf.orthogonal_initializer(gain) with zero biases, as in
# Metz et al. 2017's reference code (poolio/unrolled_gan, gain 1.4); beyond a gain of 10 tanh units saturate at once
INITS, MAX_INIT_GAIN = ("default", "orthogonal"), 10.0


def gaussian_params(target_cfg: dict) -> tuple[float, float] | None:
    """(mean, sigma) of a 1D gaussian target config, else None."""
    if target_cfg.get("kind") != "gaussian":
        return None
    mean = np.atleast_1d(np.asarray(target_cfg.get("mean", 0.0), dtype=np.float64))
    sigma = np.atleast_1d(np.asarray(target_cfg.get("sigma", 1.0), dtype=np.float64))
    if mean.shape != (1,) or sigma.shape != (1,):
        return None
    return float(mean[0]), float(sigma[0])


def check_config(config: Config, target: Target | ImageData) -> None:
    """Reject configs the lab cannot run, with one-line GananimErrors (beyond Config.validate)."""
    name, tr = config.name, config.train
    _check_init(config)
    if isinstance(target, ImageData):
        return _check_images(config, target)
    if tr.conditional:
        raise GananimError(
            f"invalid config '{name}': train.conditional needs labelled image data (target kind \"digits\"); "
            "set it to false for 1D/2D targets"
        )
    for model, where in ((config.generator, "generator"), (config.discriminator, "discriminator")):
        if model.arch == "conv":
            raise GananimError(
                f"invalid config '{name}': {where}.kind 'conv' needs image data (target kind \"digits\"); "
                f"use 'mlp' for 1D/2D targets"
            )
    if config.seed < 0:
        raise GananimError(f"invalid config '{name}': seed must be >= 0")
    if tr.noise_anneal_steps < 0:
        raise GananimError(f"invalid config '{name}': train.noise_anneal_steps must be >= 0 (0 = constant noise)")
    if config.view_box is not None and len(config.view_box) != target.dim:
        raise GananimError(
            f"invalid config '{name}': view_box has {len(config.view_box)} pair(s) but the target is {target.dim}D"
        )
    if tr.method == "transform":
        if gaussian_params(config.target) is None:
            raise GananimError(
                f"invalid config '{name}': method 'transform' (the inverse CDF) needs a 1D gaussian target, "
                f'e.g. target = {{kind = "gaussian", mean = [0.0], sigma = 1.0}}'
            )
        if config.latent.dim != 1 or config.latent.prior != "uniform":
            raise GananimError(
                f"invalid config '{name}': method 'transform' needs a 1D uniform latent "
                f'(latent.dim = 1, latent.prior = "uniform"); got dim {config.latent.dim}, prior {config.latent.prior!r}'
            )
        return
    uses_bn = config.generator.batch_norm or (tr.method in ("gan", "vae") and config.discriminator.batch_norm)
    if uses_bn and tr.batch_size < 2:
        raise GananimError(f"invalid config '{name}': batch norm needs train.batch_size >= 2")
    if tr.method == "mmd" and (not tr.mmd_bandwidths or any(h <= 0 for h in tr.mmd_bandwidths)):
        raise GananimError(
            f"invalid config '{name}': method 'mmd' needs train.mmd_bandwidths, a list of kernel widths > 0"
        )
    if tr.method == "vae" and tr.vae_beta < 0:
        raise GananimError(f"invalid config '{name}': train.vae_beta must be >= 0")


def _check_images(config: Config, data: ImageData) -> None:
    """What the lab trains on images: method "gan" with plain (unpacked, not unrolled) D, no view box."""
    name, tr, family = config.name, config.train, config.target.get("kind")
    refusals = [
        (
            tr.method != "gan",
            f"method {tr.method!r} is for 1D/2D targets; image data (target kind {family!r}) trains method 'gan'",
        ),
        (tr.pack != 1, f"train.pack is for 1D/2D targets; set it to 1 for image data (target kind {family!r})"),
        (
            tr.unroll_steps != 0,
            f"train.unroll_steps is for 1D/2D targets; set it to 0 for image data (target kind {family!r})",
        ),
        (
            config.view_box is not None,
            f"view_box is for 1D/2D targets; remove it for image data (target kind {family!r})",
        ),
        (
            any(m.arch == "linear" for m in (config.generator, config.discriminator)),
            "model kind 'linear' is for 1D/2D targets; use 'mlp' or 'conv' for image data",
        ),
        (
            (config.generator.arch == "conv") != (config.discriminator.arch == "conv"),
            "give generator and discriminator the same kind ('mlp' or 'conv') for image data",
        ),
        (config.generator.batch_norm and tr.batch_size < 2, "batch norm needs train.batch_size >= 2"),
        (
            tr.conditional and tr.fixed_real > 0,
            "train.fixed_real draws unlabelled points; set it to 0 with train.conditional",
        ),
    ]
    for refused, message in refusals:
        if refused:
            raise GananimError(f"invalid config '{name}': {message}")


def _check_init(config: Config) -> None:
    """generator/discriminator init and init_gain: a known init, on an MLP, with a sane gain."""
    for model, where in ((config.generator, "generator"), (config.discriminator, "discriminator")):
        if model.init not in INITS:
            raise GananimError(f"invalid config '{config.name}': {where}.init must be one of {INITS}")
        if model.init != "default" and model.arch != "mlp":
            raise GananimError(f"invalid config '{config.name}': {where}.init applies to kind 'mlp' only")
        if not 0 < model.init_gain <= MAX_INIT_GAIN:
            raise GananimError(
                f"invalid config '{config.name}': {where}.init_gain must be > 0 and <= {MAX_INIT_GAIN:g} "
                f"(Metz et al. use 1.4), got {model.init_gain:g}"
            )
