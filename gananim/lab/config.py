"""Experiment configs: typed dataclasses read from TOML, validated with one-line errors."""

from __future__ import annotations

import copy
import dataclasses
import math
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from gananim.errors import GananimError
from gananim.record.options import ProbeOptions as RecordConfig  # the [record] table is the Recorder's options

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "sigmoid")
LOSSES = ("minimax", "nonsaturating", "least_squares")
METHODS = ("gan", "mmd", "vae", "transform")
PRIORS = ("normal", "uniform")

# Bounds. The lower ones are what the maths needs; the upper ones lie far beyond every preset and
# refuse values that are surely typos, before they crash a run halfway or exhaust memory.
# torch.manual_seed takes at most 2**64 - 1 and the lab and Recorder seed further streams from seed + k;
# below 2**63 every derived seed is in range and the seed fits numpy's int64 (and the manifest's readers).
SEED_LIMIT = 2**63
# A billion iterations is weeks of CPU even at 1,000 steps/s; step numbers stay far inside int64.
MAX_STEPS = 10**9
# The presets train at 1e-5..0.1. Adam moves every weight by about lr per step (SGD by lr x gradient), so
# above 10 the weights reach inf/NaN within a few steps (lr = 1e308 overflowed on the first update).
MAX_LR = 10.0
# Targets live within a few units of the origin; floats go through float32 models (max 3.4e38), where
# coordinates of 1e6 and their squares stay finite.
MAX_COORD = 1e6
# Instance noise is a standard deviation in data units: above 100 it hides any target completely.
MAX_NOISE = 100.0
# A β-VAE weighs its KL term by β (papers use up to a few hundred): beyond 1000 reconstruction is ignored.
MAX_VAE_BETA = 1000.0
# Model sizes: the presets use <= 500 units, <= 4 layers, latent dim <= 15, maxout 5. One 8192x8192 float32
# layer already takes 256 MB, and the lab trains on a CPU.
MAX_WIDTH, MAX_LAYERS, MAX_LATENT_DIM, MAX_PIECES = 8192, 32, 1024, 64
# Per-iteration work: the presets use batches <= 500 and <= 50 inner steps; at these bounds one iteration
# already takes seconds. Unrolled GAN unrolls <= 10 steps (Metz et al. 2017), each keeping a differentiable
# copy of D; PacGAN packs 2-4 samples (Lin et al. 2018) and D's input grows with the pack.
MAX_BATCH, MAX_INNER_STEPS, MAX_UNROLL, MAX_PACK = 65_536, 1000, 100, 64


@dataclass
class LatentConfig:
    """The generator's input: dimension and prior (uniform draws from [low, high])."""

    dim: int = 2
    prior: str = "normal"
    low: float = -1.0
    high: float = 1.0


@dataclass
class ModelConfig:
    """An MLP (or a single linear layer, arch "linear") built from sizes and an activation."""

    # "mlp", "linear", or "conv" (image data only: gananim.lab.image_models). Its key in TOML and in stored
    # configs is `kind`, as users' configs, the presets, checkpoints and recordings have always written it.
    arch: str = field(default="mlp", metadata={"key": "kind"})
    hidden: list[int] = field(default_factory=lambda: [64, 64])
    activation: str = "leaky_relu"
    batch_norm: bool = False
    maxout: int = 0  # pieces per maxout unit; 0 = plain activation
    init: str = "default"  # "default" (torch's) or "orthogonal" (times init_gain, zero biases): lab/checks.py
    init_gain: float = 1.0


@dataclass
class OptimConfig:
    """Adam or SGD and their settings."""

    name: str = "adam"
    lr: float = 1e-3
    betas: list[float] = field(default_factory=lambda: [0.5, 0.999])
    momentum: float = 0.0


@dataclass
class TrainConfig:
    """How the game is played: method, loss, steps per iteration, batch, noise, optimisers."""

    method: str = "gan"
    loss: str = "nonsaturating"
    d_steps: int = 1
    g_steps: int = 1
    batch_size: int = 128
    instance_noise: float = 0.0
    noise_anneal_steps: int = 0  # 0 = constant noise; else linear decay to 0 over this many steps
    g_optimizer: OptimConfig = field(default_factory=OptimConfig)
    d_optimizer: OptimConfig = field(default_factory=OptimConfig)
    mmd_bandwidths: list[float] = field(default_factory=lambda: [0.05, 0.2, 1.0])
    vae_beta: float = 1.0
    unroll_steps: int = 0  # Unrolled GAN (Metz et al. 2017): G's loss against D after k differentiable D steps; 0 = off
    # the unrolled D steps: "sgd" (D's lr) or "adam" (D's Adam update and moments, as in the paper)
    unroll_optimizer: str = "sgd"
    pack: int = 1  # PacGAN (Lin et al. 2018): D judges packs of m samples (input m x data dim); 1 = off
    # seeds/004's gan.py protocol (its claims were made under it): a finite data set and one latent batch per game
    fixed_real: int = 0  # N > 0: N real points drawn once, every real batch taken from them; 0 = fresh data
    fixed_z_per_game: bool = False  # one latent batch per iteration for all its D steps (G steps still draw fresh ones)
    conditional: bool = False  # G(z, y), D(x, y) (Mirza & Osindero 2014) on labelled images: gananim.lab.game.cgan_step


@dataclass
class Config:
    """One experiment: the target, the models, the training and the recording."""

    name: str = "custom"
    description: str = ""
    seed: int = 0
    steps: int = 1000
    target: dict = field(default_factory=lambda: {"kind": "gaussian", "mean": [0.0], "sigma": 1.0})
    view_box: list[list[float]] | None = None
    latent: LatentConfig = field(default_factory=LatentConfig)
    generator: ModelConfig = field(default_factory=ModelConfig)
    discriminator: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    record: RecordConfig = field(default_factory=RecordConfig)

    def to_dict(self) -> dict:
        """The config as plain values under its TOML keys: what checkpoints and recordings store."""
        return _as_dict(self)

    def validate(self) -> "Config":
        """Check values that types alone don't catch; raise GananimError naming the key.

        Every value is checked here, before anything is created on disk: a run must not fail halfway
        (leaving a partial recording) on a value that could have been refused up front. Each upper bound
        sits far beyond every preset and says why it is there.
        """
        tr = self.train
        checks = [
            *_run_checks(self),
            *_latent_checks(self.latent),
            *_view_box_checks(self.view_box),
            *_train_checks(tr),
            *_variant_checks(tr),
            *self.record.checks("record."),
            *_model_checks(self.generator, "generator"),
            *_model_checks(self.discriminator, "discriminator"),
            *_optim_checks(tr.g_optimizer, "train.g_optimizer"),
            *_optim_checks(tr.d_optimizer, "train.d_optimizer"),
        ]
        for ok, message in checks:
            if not ok:
                raise GananimError(f"invalid config {_short(self.name)}: {message}")
        return self


# The checks below return (ok, message) pairs; validate raises the first message whose ok is false, so the
# order of the pairs is the order in which problems are reported.
Checks = list[tuple[bool, str]]


def _run_checks(cfg: Config) -> Checks:
    """The run's name (its default folder), seed and length."""
    return [
        (_plain_name(cfg.name), f"name must be a plain folder name (no '/', not '.' or '..'), got {_short(cfg.name)}"),
        (0 <= cfg.seed < SEED_LIMIT, f"seed must be >= 0 and < 2**63, got {_short(cfg.seed)}"),
        (cfg.steps >= 0, "steps must be >= 0"),
        (cfg.steps <= MAX_STEPS, f"steps must be <= {MAX_STEPS:,}, got {_short(cfg.steps)}"),
    ]


def _latent_checks(latent: LatentConfig) -> Checks:
    return [
        (latent.dim >= 1, "latent.dim must be >= 1"),
        (latent.dim <= MAX_LATENT_DIM, f"latent.dim must be <= {MAX_LATENT_DIM}"),
        (latent.prior in PRIORS, f"latent.prior must be one of {PRIORS}"),
        (latent.low < latent.high, "latent.low must be < latent.high"),
        (_within(latent.low, latent.high), f"latent.low and latent.high must lie within ±{MAX_COORD:g}"),
    ]


def _view_box_checks(view_box: list[list[float]] | None) -> Checks:
    return [
        (
            view_box is None or 1 <= len(view_box) <= 2,
            "view_box must be 1 or 2 [low, high] pairs (gananim records 1D or 2D data)",
        ),
        (
            view_box is None or all(len(p) == 2 and p[0] < p[1] for p in view_box),
            "view_box must be [low, high] pairs with low < high, e.g. [[-2.0, 2.0], [-2.0, 2.0]]",
        ),
        (view_box is None or all(_within(*p) for p in view_box), f"view_box values must lie within ±{MAX_COORD:g}"),
    ]


def _train_checks(tr: TrainConfig) -> Checks:
    """The game every method plays: method, loss, steps per iteration, batch, noise, the methods' own knobs."""
    return [
        (tr.method in METHODS, f"train.method must be one of {METHODS}"),
        (tr.loss in LOSSES, f"train.loss must be one of {LOSSES}"),
        (tr.d_steps >= 1 and tr.g_steps >= 1, "train.d_steps and train.g_steps must be >= 1"),
        (
            tr.d_steps <= MAX_INNER_STEPS and tr.g_steps <= MAX_INNER_STEPS,
            f"train.d_steps and train.g_steps must be <= {MAX_INNER_STEPS}",
        ),
        (tr.batch_size >= 1, "train.batch_size must be >= 1"),
        (tr.batch_size <= MAX_BATCH, f"train.batch_size must be <= {MAX_BATCH:,}"),
        (tr.instance_noise >= 0, "train.instance_noise must be >= 0"),
        (
            tr.instance_noise <= MAX_NOISE,
            f"train.instance_noise must be <= {MAX_NOISE:g} (a standard deviation in data units)",
        ),
        (
            0 <= tr.noise_anneal_steps <= MAX_STEPS,
            f"train.noise_anneal_steps must be 0 (constant noise) to {MAX_STEPS:,}",
        ),
        (all(h > 0 for h in tr.mmd_bandwidths), "train.mmd_bandwidths must all be > 0 (kernel widths)"),
        (0 <= tr.vae_beta <= MAX_VAE_BETA, f"train.vae_beta must be >= 0 and <= {MAX_VAE_BETA:g}"),
    ]


def _variant_checks(tr: TrainConfig) -> Checks:
    """The GAN variants and protocols (Unrolled GAN, PacGAN, seeds/004's fixed data and latents): their ranges,
    and the method each needs."""
    return [
        (tr.unroll_steps >= 0, "train.unroll_steps must be >= 0 (0 = off)"),
        (tr.unroll_steps <= MAX_UNROLL, f"train.unroll_steps must be <= {MAX_UNROLL}"),
        (tr.pack >= 1, "train.pack must be >= 1 (1 = off)"),
        (tr.pack <= MAX_PACK, f"train.pack must be <= {MAX_PACK}"),
        (tr.unroll_optimizer in ("sgd", "adam"), "train.unroll_optimizer must be 'sgd' or 'adam'"),
        (
            tr.unroll_optimizer != "adam" or tr.d_optimizer.name == "adam",
            "train.unroll_optimizer 'adam' unrolls D's own Adam: it needs train.d_optimizer.name = 'adam'",
        ),
        (
            tr.unroll_steps == 0 or tr.method == "gan",
            f"train.unroll_steps needs method 'gan' (it unrolls the discriminator); got method {tr.method!r}",
        ),
        (
            tr.pack == 1 or tr.method == "gan",
            f"train.pack needs method 'gan' (it packs the discriminator's inputs); got method {tr.method!r}",
        ),
        (
            0 <= tr.fixed_real <= MAX_BATCH,
            f"train.fixed_real must be 0 (a fresh real batch every update) to {MAX_BATCH:,}",
        ),
        (
            tr.fixed_real == 0 or tr.method != "transform",
            "train.fixed_real needs a trained method: 'transform' uses no data; set it to 0",
        ),
        (
            not tr.fixed_z_per_game or tr.method == "gan",
            f"train.fixed_z_per_game needs method 'gan' (it fixes the D steps' latents); got method {tr.method!r}",
        ),
    ]


def _model_checks(model: ModelConfig, where: str) -> Checks:
    """One model's architecture and sizes; messages name the TOML keys (`kind` for the architecture)."""
    return [
        (model.arch in ("mlp", "linear", "conv"), f"{where}.kind must be 'mlp', 'linear' or 'conv' (image data)"),
        (model.activation in ACTIVATIONS, f"{where}.activation must be one of {ACTIVATIONS}"),
        (all(h >= 1 for h in model.hidden), f"{where}.hidden sizes must be >= 1"),
        (all(h <= MAX_WIDTH for h in model.hidden), f"{where}.hidden sizes must be <= {MAX_WIDTH}"),
        (len(model.hidden) <= MAX_LAYERS, f"{where}.hidden may list at most {MAX_LAYERS} layers"),
        (model.maxout == 0 or model.maxout >= 2, f"{where}.maxout must be 0 (off) or >= 2 pieces"),
        (model.maxout <= MAX_PIECES, f"{where}.maxout must be <= {MAX_PIECES} pieces"),
    ]


def _optim_checks(opt: OptimConfig, where: str) -> Checks:
    return [
        (opt.name in ("adam", "sgd"), f"{where}.name must be 'adam' or 'sgd'"),
        (opt.lr > 0, f"{where}.lr must be > 0"),
        (
            opt.lr <= MAX_LR,
            f"{where}.lr must be <= {MAX_LR:g} (larger steps throw the weights to inf/NaN), got {opt.lr:g}",
        ),
        (len(opt.betas) == 2, f"{where}.betas must be two numbers"),
        (
            all(0 <= b < 1 for b in opt.betas),
            f"{where}.betas must each be >= 0 and < 1 (Adam's decay rates), got {opt.betas}",
        ),
        (0 <= opt.momentum < 1, f"{where}.momentum must be >= 0 and < 1, got {opt.momentum:g}"),
    ]


def _plain_name(name: str) -> bool:
    """A name usable as the default folder runs/NAME: non-empty, no path separators, not '.' or '..'."""
    return bool(name.strip()) and "/" not in name and "\\" not in name and name not in (".", "..") and "\0" not in name


def _within(*values: float) -> bool:
    return all(abs(v) <= MAX_COORD for v in values)


def _short(value, limit: int = 60) -> str:
    """repr(value) cut to `limit` characters: a one-line message must stay one readable line."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (over 4300 digits)
        return "a number too large to print"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _coerce(value, hint, where: str):
    """Convert a TOML value to the field's type, or raise a GananimError naming the key."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        if value is None:
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
        return _coerce(value, hint, where)
    if origin is list:
        if not isinstance(value, list):
            raise GananimError(f"config key '{where}' must be a list, got {_short(value)}")
        (inner,) = typing.get_args(hint) or (typing.Any,)
        return [_coerce(v, inner, f"{where}[{i}]") for i, v in enumerate(value)]
    if hint is dict:
        if not isinstance(value, dict):
            raise GananimError(f"config key '{where}' must be a table, got {_short(value)}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise GananimError(f"config key '{where}' must be true or false, got {_short(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise GananimError(f"config key '{where}' must be an integer, got {_short(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise GananimError(f"config key '{where}' must be a number, got {_short(value)}")
        try:
            number = float(value)  # TOML integers are unbounded: 10**400 does not fit a float
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):  # TOML allows inf and nan; no setting means either
            raise GananimError(f"config key '{where}' must be a finite number, got {_short(value)}")
        return number
    if hint is str:
        if not isinstance(value, str):
            raise GananimError(f"config key '{where}' must be a string, got {_short(value)}")
        return value
    return value


def _key(f: dataclasses.Field) -> str:
    """A field's key in TOML and in stored configs: its name, unless its metadata names another key."""
    return f.metadata.get("key", f.name)


def _build(cls, data, where: str):
    """Build dataclass `cls` from a dict, rejecting unknown keys (typos must not pass silently)."""
    if not isinstance(data, dict):
        raise GananimError(f"config key '{where}' must be a table, got {_short(data)}")
    hints = typing.get_type_hints(cls)
    fields = {_key(f): f.name for f in dataclasses.fields(cls)}  # TOML key -> field name
    unknown = sorted(set(data) - set(fields))
    if unknown:
        prefix = f"[{where}] " if where else ""
        raise GananimError(f"unknown config key {prefix}'{unknown[0]}'; allowed: {', '.join(sorted(fields))}")
    kwargs = {fields[k]: _coerce(v, hints[fields[k]], f"{where}.{k}" if where else k) for k, v in data.items()}
    return cls(**kwargs)


def _as_dict(value):
    """dataclasses.asdict with each field under its TOML key, so that the dict reads back through _build."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_key(f): _as_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(_as_dict(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_dict(v) for k, v in value.items()}
    return copy.deepcopy(value)


def config_from_dict(data: dict) -> Config:
    """Build and validate a Config from a plain dict (as read from TOML or a manifest)."""
    return _build(Config, data, "").validate()


def load_config(path: str | Path) -> Config:
    """Read a TOML config file; any problem becomes a one-line GananimError."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")  # TOML is UTF-8 whatever the locale says
    except OSError as e:
        raise GananimError(f"cannot read config {path}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise GananimError(
            f"config {path} is not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}): save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GananimError(f"config {path} is not valid TOML: {e}") from None
    except ValueError as e:  # e.g. an integer of more than 4300 digits, which Python refuses to convert
        raise GananimError(f"config {path} holds a value Python cannot read: {_short(str(e))}") from None
    data.setdefault("name", path.stem)
    return config_from_dict(data)
