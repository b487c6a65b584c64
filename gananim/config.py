"""Experiment configs: typed dataclasses read from TOML, validated with one-line errors."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from gananim.errors import GananimError

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "sigmoid")
LOSSES = ("minimax", "nonsaturating", "least_squares")
METHODS = ("gan", "mmd", "vae", "transform")
PRIORS = ("normal", "uniform")


@dataclass
class LatentConfig:
    """The generator's input: dimension and prior (uniform draws from [low, high])."""

    dim: int = 2
    prior: str = "normal"
    low: float = -1.0
    high: float = 1.0


@dataclass
class ModelConfig:
    """An MLP (or a single linear layer, kind = "linear") built from sizes and an activation."""

    kind: str = "mlp"
    hidden: list[int] = field(default_factory=lambda: [64, 64])
    activation: str = "leaky_relu"
    batch_norm: bool = False
    maxout: int = 0  # pieces per maxout unit; 0 = plain activation


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
    unroll_optimizer: str = "sgd"  # the unrolled D steps: "sgd" (D's lr) or "adam" (D's Adam update and moments, as in the paper)
    pack: int = 1  # PacGAN (Lin et al. 2018): D judges packs of m samples (input m x data dim); 1 = off
    # seeds/004's gan.py protocol (its claims were made under it): a finite data set and one latent batch per game
    fixed_real: int = 0  # N > 0: N real points drawn once for the whole run, every real batch taken from them; 0 = fresh data
    fixed_z_per_game: bool = False  # one latent batch per iteration for all its D steps (G steps still draw fresh ones)


@dataclass
class RecordConfig:
    """What each snapshot holds and how it is stored."""

    every: int = 10
    n_samples: int = 512
    grid_size: int = 64
    latent_grid: int = 21
    density_samples: int = 10_000
    float16: bool = False
    curvature_every: int = 0  # game-Jacobian (and, for small models, Hessian) eigenvalues every K steps; 0 = off


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
        return dataclasses.asdict(self)

    def validate(self) -> "Config":
        """Check values that types alone don't catch; raise GananimError naming the key."""
        checks = [
            (self.steps >= 0, "steps must be >= 0"),
            (self.record.every >= 1, "record.every must be >= 1"),
            (self.latent.dim >= 1, "latent.dim must be >= 1"),
            (self.latent.prior in PRIORS, f"latent.prior must be one of {PRIORS}"),
            (self.latent.low < self.latent.high, "latent.low must be < latent.high"),
            (self.train.method in METHODS, f"train.method must be one of {METHODS}"),
            (self.train.loss in LOSSES, f"train.loss must be one of {LOSSES}"),
            (self.train.d_steps >= 1 and self.train.g_steps >= 1, "train.d_steps and train.g_steps must be >= 1"),
            (self.train.batch_size >= 1, "train.batch_size must be >= 1"),
            (self.train.instance_noise >= 0, "train.instance_noise must be >= 0"),
            (self.train.unroll_steps >= 0, "train.unroll_steps must be >= 0 (0 = off)"),
            (self.train.pack >= 1, "train.pack must be >= 1 (1 = off)"),
            (self.train.fixed_real >= 0, "train.fixed_real must be >= 0 (0 = a fresh real batch every update)"),
            (self.train.fixed_real == 0 or self.train.method != "transform",
             "train.fixed_real needs a trained method: 'transform' uses no data; set it to 0"),
            (not self.train.fixed_z_per_game or self.train.method == "gan",
             f"train.fixed_z_per_game needs method 'gan' (it fixes the D steps' latents); got method {self.train.method!r}"),
            (self.train.unroll_optimizer in ("sgd", "adam"), "train.unroll_optimizer must be 'sgd' or 'adam'"),
            (self.train.unroll_optimizer != "adam" or self.train.d_optimizer.name == "adam",
             "train.unroll_optimizer 'adam' unrolls D's own Adam: it needs train.d_optimizer.name = 'adam'"),
            (self.train.unroll_steps == 0 or self.train.method == "gan",
             f"train.unroll_steps needs method 'gan' (it unrolls the discriminator); got method {self.train.method!r}"),
            (self.train.pack == 1 or self.train.method == "gan",
             f"train.pack needs method 'gan' (it packs the discriminator's inputs); got method {self.train.method!r}"),
            (self.record.grid_size >= 4 and self.record.latent_grid >= 2, "record.grid_size >= 4 and record.latent_grid >= 2"),
            (self.record.n_samples >= 1 and self.record.density_samples >= 1, "record.n_samples and record.density_samples must be >= 1"),
            (self.record.curvature_every >= 0, "record.curvature_every must be >= 0 (0 = off)"),
        ]
        for model, where in ((self.generator, "generator"), (self.discriminator, "discriminator")):
            checks += [
                (model.kind in ("mlp", "linear"), f"{where}.kind must be 'mlp' or 'linear'"),
                (model.activation in ACTIVATIONS, f"{where}.activation must be one of {ACTIVATIONS}"),
                (all(h >= 1 for h in model.hidden), f"{where}.hidden sizes must be >= 1"),
                (model.maxout == 0 or model.maxout >= 2, f"{where}.maxout must be 0 (off) or >= 2 pieces"),
            ]
        for opt, where in ((self.train.g_optimizer, "train.g_optimizer"), (self.train.d_optimizer, "train.d_optimizer")):
            checks += [
                (opt.name in ("adam", "sgd"), f"{where}.name must be 'adam' or 'sgd'"),
                (opt.lr > 0, f"{where}.lr must be > 0"),
                (len(opt.betas) == 2, f"{where}.betas must be two numbers"),
            ]
        for ok, message in checks:
            if not ok:
                raise GananimError(f"invalid config '{self.name}': {message}")
        return self


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
            raise GananimError(f"config key '{where}' must be a list, got {value!r}")
        (inner,) = typing.get_args(hint) or (typing.Any,)
        return [_coerce(v, inner, f"{where}[{i}]") for i, v in enumerate(value)]
    if hint is dict:
        if not isinstance(value, dict):
            raise GananimError(f"config key '{where}' must be a table, got {value!r}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise GananimError(f"config key '{where}' must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise GananimError(f"config key '{where}' must be an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise GananimError(f"config key '{where}' must be a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise GananimError(f"config key '{where}' must be a string, got {value!r}")
        return value
    return value


def _build(cls, data, where: str):
    """Build dataclass `cls` from a dict, rejecting unknown keys (typos must not pass silently)."""
    if not isinstance(data, dict):
        raise GananimError(f"config key '{where}' must be a table, got {data!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        prefix = f"[{where}] " if where else ""
        raise GananimError(f"unknown config key {prefix}'{unknown[0]}'; allowed: {', '.join(sorted(names))}")
    kwargs = {k: _coerce(v, hints[k], f"{where}.{k}" if where else k) for k, v in data.items()}
    return cls(**kwargs)


def config_from_dict(data: dict) -> Config:
    """Build and validate a Config from a plain dict (as read from TOML or a manifest)."""
    return _build(Config, data, "").validate()


def load_config(path: str | Path) -> Config:
    """Read a TOML config file; any problem becomes a one-line GananimError."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise GananimError(f"cannot read config {path}: {e.strerror or e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GananimError(f"config {path} is not valid TOML: {e}") from None
    data.setdefault("name", path.stem)
    return config_from_dict(data)
