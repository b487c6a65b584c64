"""The lab's training loop: build the target, the models and the optimisers from a Config, play the
game (or train the MMD / VAE baselines, or animate the inverse-CDF transform), and record it.

Determinism: every random draw comes from generators seeded from `config.seed` (a torch.Generator
for latents, instance noise and the VAE's reparameterisation; a numpy Generator for real samples;
torch.manual_seed(seed) right before the models are built, for the weight init). Same config and
seed on CPU => identical weights and an identical recording. A checkpoint (models, optimisers,
every RNG state) is written atomically to OUT/checkpoint.pt every few seconds and at the end, so
`resume=True` continues an interrupted run and ends bit-identical to an uninterrupted one.

Two mode-collapse fixes are options of method "gan" (design.md §4 holds the published protocol):
- `train.unroll_steps = k` (Unrolled GAN, Metz et al. 2017): each G update scores G against a copy
  of D moved k differentiable steps ahead (SGD, or D's own Adam with `unroll_optimizer = "adam"`; on
  fresh real batches and the current fake batch), so G's gradient sees how D would answer; D itself
  is then trained as usual. The unrolled steps draw their real batches and instance noise from the
  lab's generators and read (never write) D's optimiser state: determinism and resume hold.
- `train.pack = m` (PacGAN, Lin et al. 2018): D judges packs of m samples (input m x data dim), all
  real or all generated; a batch is batch_size packs (batch_size * m samples). The Recorder sees D
  through `PackedProbe` (each probed point repeated m times).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gananim.config import Config, OptimConfig, config_from_dict
from gananim.errors import GananimError
from gananim import objectives as losses  # the game objectives live outside the lab
from gananim.lab.models import (
    InverseCdfMorph,
    PackedProbe,
    build_discriminator,
    build_encoder,
    build_generator,
    pack_samples,
    sample_latent,
)
from gananim.targets import Target, make_target

CHECKPOINT = "checkpoint.pt"
CHECKPOINT_FORMAT = "gananim-checkpoint"
CHECKPOINT_VERSION = 1
CHECKPOINT_SECS = 5.0  # wall time between periodic checkpoints
_LAB_STREAM = 0x6C6162  # "lab": keeps the training RNG streams apart from the recorder's (seeded from seed, seed+2, ...)
_RESUME_FREE_KEYS = ("steps", "name", "description")  # a resumed run may change these, nothing else

Progress = Callable[[int, dict[str, float]], None]


def noise_std(step: int, instance_noise: float, anneal_steps: int) -> float:
    """Instance-noise standard deviation at `step`: constant when anneal_steps == 0, else a linear
    decay instance_noise * max(0, 1 - step / anneal_steps) that reaches 0 at step anneal_steps."""
    if instance_noise <= 0:
        return 0.0
    if anneal_steps <= 0:
        return float(instance_noise)
    return float(instance_noise) * max(0.0, 1.0 - step / anneal_steps)


def _optimizer(params, opt: OptimConfig) -> torch.optim.Optimizer:
    params = list(params)
    if opt.name == "adam":
        return torch.optim.Adam(params, lr=opt.lr, betas=(float(opt.betas[0]), float(opt.betas[1])))
    if opt.name == "sgd":
        return torch.optim.SGD(params, lr=opt.lr, momentum=opt.momentum)
    raise GananimError(f"unknown optimizer {opt.name!r}; choose 'adam' or 'sgd'")


def _gaussian_params(target_cfg: dict) -> tuple[float, float] | None:
    """(mean, sigma) of a 1D gaussian target config, else None."""
    if target_cfg.get("kind") != "gaussian":
        return None
    mean = np.atleast_1d(np.asarray(target_cfg.get("mean", 0.0), dtype=np.float64))
    sigma = np.atleast_1d(np.asarray(target_cfg.get("sigma", 1.0), dtype=np.float64))
    if mean.shape != (1,) or sigma.shape != (1,):
        return None
    return float(mean[0]), float(sigma[0])


def check_config(config: Config, target: Target) -> None:
    """Reject configs the lab cannot run, with one-line GananimErrors (beyond Config.validate)."""
    name, tr = config.name, config.train
    if config.seed < 0:
        raise GananimError(f"invalid config '{name}': seed must be >= 0")
    if tr.noise_anneal_steps < 0:
        raise GananimError(f"invalid config '{name}': train.noise_anneal_steps must be >= 0 (0 = constant noise)")
    if config.view_box is not None and len(config.view_box) != target.dim:
        raise GananimError(f"invalid config '{name}': view_box has {len(config.view_box)} pair(s) but the target is {target.dim}D")
    if tr.method == "transform":
        if _gaussian_params(config.target) is None:
            raise GananimError(f"invalid config '{name}': method 'transform' (the inverse CDF) needs a 1D gaussian target, "
                               f"e.g. target = {{kind = \"gaussian\", mean = [0.0], sigma = 1.0}}")
        if config.latent.dim != 1 or config.latent.prior != "uniform":
            raise GananimError(f"invalid config '{name}': method 'transform' needs a 1D uniform latent "
                               f"(latent.dim = 1, latent.prior = \"uniform\"); got dim {config.latent.dim}, prior {config.latent.prior!r}")
        return
    uses_bn = config.generator.batch_norm or (tr.method in ("gan", "vae") and config.discriminator.batch_norm)
    if uses_bn and tr.batch_size < 2:
        raise GananimError(f"invalid config '{name}': batch norm needs train.batch_size >= 2")
    if tr.method == "mmd" and (not tr.mmd_bandwidths or any(h <= 0 for h in tr.mmd_bandwidths)):
        raise GananimError(f"invalid config '{name}': method 'mmd' needs train.mmd_bandwidths, a list of kernel widths > 0")
    if tr.method == "vae" and tr.vae_beta < 0:
        raise GananimError(f"invalid config '{name}': train.vae_beta must be >= 0")


class _Lab:
    """The models, optimisers and RNGs of one run, and one training iteration of each method."""

    def __init__(self, config: Config, target: Target):
        self.config, self.target = config, target
        self.method = config.train.method
        dim, latent = target.dim, config.latent
        self.torch_gen = torch.Generator().manual_seed(int(np.random.SeedSequence([config.seed, _LAB_STREAM]).generate_state(1, np.uint64)[0] >> 1))
        self.np_rng = np.random.default_rng(np.random.SeedSequence([config.seed, _LAB_STREAM, 1]))
        torch.manual_seed(config.seed)  # weight init
        self.models: dict[str, nn.Module] = {}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        tr = config.train
        if self.method == "transform":
            mean, sigma = _gaussian_params(config.target)
            self.models["generator"] = InverseCdfMorph(mean, sigma, latent.low, latent.high)
        else:
            self.models["generator"] = build_generator(config.generator, latent.dim, dim)
            self.optimizers["generator"] = _optimizer(self.models["generator"].parameters(), tr.g_optimizer)
        self.pack = tr.pack if self.method == "gan" else 1
        self.unroll_steps = tr.unroll_steps if self.method == "gan" else 0
        if self.method == "gan":
            self.models["discriminator"] = build_discriminator(config.discriminator, dim, pack=self.pack)
            self.optimizers["discriminator"] = _optimizer(self.models["discriminator"].parameters(), tr.d_optimizer)
        elif self.method == "vae":
            self.models["encoder"] = build_encoder(config.discriminator, dim, latent.dim)
            self.optimizers["encoder"] = _optimizer(self.models["encoder"].parameters(), tr.d_optimizer)
        for model in self.models.values():
            model.train()

    @property
    def generator(self) -> nn.Module:
        return self.models["generator"]

    @property
    def discriminator(self) -> nn.Module | None:
        """The trained D (for pack = m > 1 it takes packs: input m x data dim)."""
        return self.models.get("discriminator")

    @property
    def probe_discriminator(self) -> nn.Module | None:
        """D as a function of single points, for the Recorder: D itself, or PackedProbe(D, m) when packed."""
        D = self.discriminator
        if D is None or self.pack == 1:
            return D
        return PackedProbe(D, self.pack)

    # --- data ------------------------------------------------------------------------------------

    def _real(self, n: int) -> torch.Tensor:
        return torch.from_numpy(self.target.sample(n, self.np_rng)).to(torch.float32)

    def _latents(self, n: int) -> torch.Tensor:
        return sample_latent(n, self.config.latent, self.torch_gen)

    def _noisy(self, x: torch.Tensor, sigma: float) -> torch.Tensor:
        if sigma <= 0:
            return x
        return x + sigma * torch.randn(x.shape, generator=self.torch_gen)

    # --- one iteration -----------------------------------------------------------------------------

    def set_step(self, step: int) -> None:
        """The transform's morph parameter t = step / steps (the other methods have no schedule here)."""
        if self.method == "transform":
            t = step / self.config.steps if self.config.steps > 0 else 0.0
            self.generator.t.fill_(min(max(t, 0.0), 1.0))

    def iteration(self, step: int) -> dict[str, float]:
        """One iteration at `step` (1-based); returns the scalars to log."""
        return {"gan": self._gan, "mmd": self._mmd, "vae": self._vae, "transform": self._transform}[self.method](step)

    def _gan(self, step: int) -> dict[str, float]:
        tr = self.config.train
        G, D = self.generator, self.discriminator
        opt_g, opt_d = self.optimizers["generator"], self.optimizers["discriminator"]
        n = tr.batch_size * self.pack  # batch_size packs of m samples (m = 1: plain samples)
        sigma = noise_std(step, tr.instance_noise, tr.noise_anneal_steps)
        for _ in range(tr.d_steps):
            real = pack_samples(self._real(n), self.pack)
            z = self._latents(n)
            with torch.no_grad():
                fake = pack_samples(G(z), self.pack)
            loss_d = losses.d_loss(tr.loss, D(self._noisy(real, sigma)), D(self._noisy(fake, sigma)))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        D.requires_grad_(False)  # the G step needs gradients through D, not for D's weights
        try:
            for _ in range(tr.g_steps):
                loss_g = self.generator_loss(self._latents(n), sigma)
                opt_g.zero_grad(set_to_none=True)
                loss_g.backward()
                opt_g.step()
        finally:
            D.requires_grad_(True)
        return {"d_loss": float(loss_d.detach()), "g_loss": float(loss_g.detach())}

    def generator_loss(self, z: torch.Tensor, sigma: float = 0.0) -> torch.Tensor:
        """G's loss on latents z (batch_size * pack rows): against D itself, or, with unroll_steps = k,
        against D moved k differentiable steps ahead (the unrolled steps draw fresh real batches)."""
        tr = self.config.train
        D = self.discriminator
        fake = pack_samples(self.generator(z), self.pack)
        if self.unroll_steps == 0:
            return losses.g_loss(tr.loss, D(self._noisy(fake, sigma)))
        state = self._unrolled_state(fake, sigma, len(z))
        return losses.g_loss(tr.loss, torch.func.functional_call(D, state, (self._noisy(fake, sigma),)))

    def _unrolled_state(self, fake: torch.Tensor, sigma: float, n: int) -> dict[str, torch.Tensor]:
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
        tr = self.config.train
        D = self.discriminator
        params = {name: p.detach().requires_grad_(True) for name, p in D.named_parameters()}
        buffers = {name: b.clone() for name, b in D.named_buffers()}
        adam = tr.unroll_optimizer == "adam"
        if adam:
            opt = self.optimizers["discriminator"]
            group = opt.param_groups[0]
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], float(group["eps"])
            moments = {}
            for name, p in D.named_parameters():
                st = opt.state.get(p) or {}
                moments[name] = (int(st["step"]) if "step" in st else 0,
                                 st["exp_avg"].detach().clone() if "exp_avg" in st else torch.zeros_like(p),
                                 st["exp_avg_sq"].detach().clone() if "exp_avg_sq" in st else torch.zeros_like(p))
        else:
            lr = float(tr.d_optimizer.lr)
        with torch.enable_grad():
            for _ in range(self.unroll_steps):
                real = pack_samples(self._real(n), self.pack)
                state = params | buffers
                loss_d = losses.d_loss(tr.loss, torch.func.functional_call(D, state, (self._noisy(real, sigma),)),
                                       torch.func.functional_call(D, state, (self._noisy(fake, sigma),)))
                grads = torch.autograd.grad(loss_d, list(params.values()), create_graph=True)
                if not adam:
                    params = {name: p - lr * g for (name, p), g in zip(params.items(), grads)}
                    continue
                stepped = {}
                for (name, p), g in zip(params.items(), grads):
                    t, m, v = moments[name]
                    t, m, v = t + 1, beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
                    moments[name] = (t, m, v)
                    # + 1e-30 inside the root keeps its derivative finite where a weight's gradient is exactly 0
                    denom = (v / (1 - beta2 ** t) + 1e-30).sqrt() + eps
                    stepped[name] = p - lr * (m / (1 - beta1 ** t)) / denom
                params = stepped
        return params | buffers

    def _mmd(self, step: int) -> dict[str, float]:
        tr = self.config.train
        G, opt_g = self.generator, self.optimizers["generator"]
        for _ in range(tr.g_steps):
            real = self._real(tr.batch_size)
            loss = losses.mmd2(G(self._latents(tr.batch_size)), real, tr.mmd_bandwidths)
            opt_g.zero_grad(set_to_none=True)
            loss.backward()
            opt_g.step()
        return {"g_loss": float(loss.detach())}

    def _vae(self, step: int) -> dict[str, float]:
        tr = self.config.train
        G, E = self.generator, self.models["encoder"]
        opts = (self.optimizers["generator"], self.optimizers["encoder"])
        for _ in range(tr.g_steps):
            x = self._real(tr.batch_size)
            mean, logvar = E(x)
            eps = torch.randn(mean.shape, generator=self.torch_gen)
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

    def _transform(self, step: int) -> dict[str, float]:
        self.set_step(step)
        return {"t": float(self.generator.t)}

    # --- checkpoints ---------------------------------------------------------------------------

    def state(self, step: int) -> dict:
        return {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "step": step,
            "config": self.config.to_dict(),
            "models": {k: m.state_dict() for k, m in self.models.items()},
            "optimizers": {k: o.state_dict() for k, o in self.optimizers.items()},
            "rng": {
                "torch_generator": self.torch_gen.get_state(),
                "numpy": _encode_np_state(self.np_rng.bit_generator.state),
                "torch_global": torch.get_rng_state(),
            },
        }

    def load(self, ckpt: dict) -> int:
        for k, m in self.models.items():
            m.load_state_dict(ckpt["models"][k])
        for k, o in self.optimizers.items():
            o.load_state_dict(ckpt["optimizers"][k])
        self.torch_gen.set_state(ckpt["rng"]["torch_generator"])
        self.np_rng.bit_generator.state = _decode_np_state(ckpt["rng"]["numpy"])
        torch.set_rng_state(ckpt["rng"]["torch_global"])
        return int(ckpt["step"])


def _encode_np_state(state):
    """numpy's bit-generator state holds 128-bit ints; store them as strings (weights_only-safe)."""
    if isinstance(state, dict):
        return {k: _encode_np_state(v) for k, v in state.items()}
    if isinstance(state, int) and not isinstance(state, bool):
        return {"__int__": str(state)}
    return state


def _decode_np_state(state):
    if isinstance(state, dict):
        if set(state) == {"__int__"}:
            return int(state["__int__"])
        return {k: _decode_np_state(v) for k, v in state.items()}
    return state


def save_checkpoint(path: Path, state: dict) -> None:
    """Write the checkpoint atomically: a temporary file, fsync, then os.replace."""
    buf = io.BytesIO()
    torch.save(state, buf)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict:
    """Read OUT/checkpoint.pt; a damaged or foreign file is a GananimError."""
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for a truncated or foreign file
        raise GananimError(f"cannot read checkpoint {path} ({type(e).__name__}); record again with --overwrite") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise GananimError(f"{path} is not a gananim checkpoint; record again with --overwrite")
    if ckpt.get("version") != CHECKPOINT_VERSION:
        raise GananimError(f"checkpoint {path} has version {ckpt.get('version')}, this gananim reads {CHECKPOINT_VERSION}; record again with --overwrite")
    return ckpt


def _first_difference(a, b, where: str = "") -> str | None:
    """The first key path where two nested config dicts differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if where == "" and k in _RESUME_FREE_KEYS:
                continue
            d = _first_difference(a.get(k), b.get(k), f"{where}.{k}" if where else k)
            if d is not None:
                return d
        return None
    return None if a == b else f"{where} ({a!r} in the checkpoint, {b!r} now)"


def _with_defaults(saved: dict) -> dict:
    """A checkpoint's config with keys added since it was written filled by their defaults (so an older
    checkpoint, written before e.g. train.unroll_steps existed, still resumes); as saved if it no longer validates."""
    try:
        return config_from_dict(saved).to_dict()
    except (GananimError, TypeError):
        return saved


@contextlib.contextmanager
def _deterministic_algorithms():
    """Ask torch for deterministic kernels during the run; restore the caller's setting after."""
    enabled = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)


def fit(config: Config, progress: Progress | None = None) -> _Lab:
    """Train `config` for config.steps iterations WITHOUT recording (no Recorder, no checkpoint) and
    return the lab (its models, optimisers and RNGs). The weights equal those `run` ends with: the
    Recorder never touches training state. For benchmarks (bench/bench_modes.py) and tests."""
    config.validate()
    target = make_target(config.target)
    check_config(config, target)
    with _deterministic_algorithms():
        lab = _Lab(config, target)
        lab.set_step(0)
        for step in range(1, config.steps + 1):
            scalars = lab.iteration(step)
            if progress is not None:
                progress(step, scalars)
    return lab


def run(config: Config, out: Path | str, *, overwrite: bool = False, resume: bool = False,
        progress: Progress | None = None) -> Path:
    """Train (or animate) `config` and record it into the folder `out`; returns the recording path.

    Step 0 records the untrained state; each step 1..config.steps is one iteration (for "gan":
    d_steps D updates then g_steps G updates, each on a fresh batch), then a recorder step and
    `progress(step, scalars)`. The last step is always snapshotted. `resume=True` continues from
    OUT/checkpoint.pt (same config; only `steps` may grow).
    """
    from gananim.recorder import Recorder  # torch side; keeps `import gananim.lab` light

    config.validate()
    if overwrite and resume:
        raise GananimError("choose one of --overwrite (start afresh) and --resume (continue)")
    out = Path(out)
    target = make_target(config.target)
    check_config(config, target)
    ckpt_path = out / CHECKPOINT
    ckpt = None
    if resume:
        if not ckpt_path.is_file():
            raise GananimError(f"no checkpoint in {out} to resume from; record without --resume or use --overwrite")
        ckpt = load_checkpoint(ckpt_path)
        diff = _first_difference(_with_defaults(ckpt.get("config", {})), config.to_dict())
        if diff is not None:
            raise GananimError(f"cannot resume {out}: the config differs from the checkpoint's at {diff}; use --overwrite to start afresh")

    with _deterministic_algorithms():
        lab = _Lab(config, target)
        start = lab.load(ckpt) if ckpt is not None else 0
        if start >= config.steps and ckpt is not None:
            return out  # already trained that far
        every = config.record.every
        rec = Recorder(
            # a packed D is probed point by point through PackedProbe (each point repeated m times)
            out, lab.generator, lab.probe_discriminator, data=target, probes=config.record,
            latent_dim=config.latent.dim, prior=config.latent.prior, prior_range=(config.latent.low, config.latent.high),
            d_output="logits" if lab.discriminator is not None else None, loss=config.train.loss,
            view_box=config.view_box, seed=config.seed, config=config.to_dict(), overwrite=overwrite, resume=ckpt is not None,
            # a snapshot at an off-grid checkpoint step exists only as the earlier run's final one: drop it
            purge_step=None if ckpt is None else (start + 1 if start % every == 0 else start),
        )
        with rec:
            if ckpt is None:
                lab.set_step(0)
                rec.step(0)  # the untrained state
            last_save = time.monotonic()
            for step in range(start + 1, config.steps + 1):
                scalars = lab.iteration(step)
                if step == config.steps:
                    rec.snapshot(step, **scalars)  # the final state always, with its losses
                else:
                    rec.step(step, **scalars)
                if progress is not None:
                    progress(step, scalars)
                if time.monotonic() - last_save >= CHECKPOINT_SECS and step < config.steps:
                    rec.flush()  # the recording on disk reaches the checkpoint's step
                    save_checkpoint(ckpt_path, lab.state(step))
                    last_save = time.monotonic()
        save_checkpoint(ckpt_path, lab.state(max(config.steps, start)))
    return Path(rec.path)
