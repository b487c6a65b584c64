"""Recorder: snapshots any PyTorch GAN every N steps without changing its training.

    with Recorder("runs/ring8", generator=G, discriminator=D, data=target, every=10) as rec:
        for step in range(n):
            ...                                   # your own D and G updates
            rec.step(step, d_loss=d_loss, g_loss=g_loss)

Probes run in eval mode, under their own seeded RNGs, with gradients taken by `torch.autograd.grad`
(nothing lands in `.grad`), so the same seed with and without a Recorder ends with identical weights.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gananim import __version__, metrics
from gananim.errors import GananimError
from gananim.grid import Grid, as_bounds
from gananim.lab import losses
from gananim.store import RecordingWriter
from gananim.targets import Target, target_from_samples

HESSIAN_PARAMS = 200  # models this small get every eigenvalue of the exact Hessian of V (seeds/004's plots)
LATENT_EXTENT = 2.0  # the latent grid covers [-2, 2] per axis for a standard normal: ~95% of the prior's mass


def _to_numpy(x) -> np.ndarray:
    """Copy a tensor (on any device) or array-like to a float64 numpy array."""
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def _is_view_box(data) -> bool:
    """A list/tuple of one (low, high) pair per data dimension, as opposed to an array of samples."""
    return isinstance(data, (list, tuple)) and 1 <= len(data) <= 2 and all(
        isinstance(p, (list, tuple)) and len(p) == 2 for p in data)


def _infer_latent_dim(generator: nn.Module) -> int:
    """The generator's input size, read from its first layer that declares one."""
    for module in generator.modules():
        if hasattr(module, "in_features"):
            return int(module.in_features)
    raise GananimError("cannot infer the generator's latent dimension from its layers; pass latent_dim=")


def _infer_d_output(discriminator: nn.Module) -> str:
    """'probs' if the discriminator's last module is a sigmoid, else 'logits'."""
    last = list(discriminator.modules())[-1]
    return "probs" if isinstance(last, nn.Sigmoid) else "logits"


@contextlib.contextmanager
def probing(*models: nn.Module | None):
    """Eval mode and the global torch RNG forked for a probe; every submodule's training flag restored afterwards."""
    models = [m for m in models if m is not None]
    modes = [(m, m.training) for model in models for m in model.modules()]
    cuda = sorted({p.device.index or 0 for model in models for p in model.parameters() if p.device.type == "cuda"})
    try:
        with torch.random.fork_rng(devices=cuda):
            for model in models:
                model.eval()
            yield
    finally:
        for m, training in modes:
            m.training = training


class Recorder:
    """Snapshots a generator/discriminator pair into a recording folder every `every` steps."""

    def __init__(self, path: str | Path, generator: nn.Module, discriminator: nn.Module | None = None, data=None,
                 every: int = 10, *, latent_dim: int | None = None, prior: str = "normal",
                 prior_range: tuple[float, float] = (-1.0, 1.0), d_output: str | None = None,
                 loss: str = "nonsaturating", view_box=None, n_samples: int = 512, grid_size: int = 64,
                 latent_grid: int = 21, density_samples: int = 10_000, real_samples: int = 512,
                 float16: bool = False, overwrite: bool = False, resume: bool = False,
                 purge_step: int | None = None, seed: int = 0, config: dict | None = None,
                 with_metrics: bool = True, curvature_every: int = 0, curvature_k: int = 6,
                 flush_secs: float = 2.0, chunk_size: int = 64):
        if every < 1:
            raise GananimError(f"every must be >= 1, got {every}")
        if prior not in ("normal", "uniform"):
            raise GananimError(f"prior must be 'normal' or 'uniform', got {prior!r}")
        if d_output not in (None, "logits", "probs"):
            raise GananimError(f"d_output must be 'logits' or 'probs', got {d_output!r}")
        self.G, self.D, self.every, self.seed, self.loss = generator, discriminator, every, seed, loss
        self.device = next(generator.parameters()).device
        self.latent_dim = latent_dim or _infer_latent_dim(generator)
        self.prior, self.prior_range = prior, (float(prior_range[0]), float(prior_range[1]))
        self.d_output = None if discriminator is None else d_output or _infer_d_output(discriminator)
        self.density_samples = density_samples
        self.with_metrics = with_metrics  # mode coverage, divergences, MMD... on the first 2,500 of the density batch
        self.curvature_every, self.curvature_k = curvature_every, curvature_k  # game eigenvalues every K steps (0 = off)
        self.target, real, box = self._resolve_data(data, view_box, real_samples)
        latents = self._sample_latents(n_samples, torch.Generator().manual_seed(seed))
        data_dim = self._data_dim(latents)
        if box is None:
            raise GananimError("cannot tell the view box: pass data= a gananim target, an array of real samples, or one (low, high) pair per data dimension")
        if len(box) != data_dim:
            raise GananimError(f"the view box has {len(box)} dimension(s) but the generator outputs {data_dim}")
        self.grid = Grid(box, grid_size)
        plane, coords, grid_z = self._latent_grid(latent_grid)
        fixed = {"latents": latents.numpy().astype(np.float32), "latent_grid": grid_z.numpy().astype(np.float32),
                 "latent_grid_coords": coords.astype(np.float32)}
        if plane is not None:
            fixed["latent_plane"] = plane.numpy().astype(np.float32)
        if real is not None:
            fixed["data_samples"] = real.astype(np.float32)
        if self.target is not None:
            fixed |= {"data_density": self.target.density(self.grid).astype(np.float32),
                      "modes": np.asarray(self.target.modes, np.float64), "mode_scales": np.asarray(self.target.mode_scales, np.float64)}
        manifest = {"data_dim": data_dim, "latent_dim": self.latent_dim, "prior": prior, "prior_range": list(self.prior_range),
                    "n_samples": n_samples, "grid": self.grid.to_dict(), "latent_grid_shape": [latent_grid] * coords.shape[1],
                    "latent_extent": self._latent_extent(), "d_output": self.d_output, "loss": loss, "every": every,
                    "density_samples": density_samples, "seed": seed, "has_discriminator": discriminator is not None,
                    "target": self.target.to_config() if self.target is not None else None, "config": config,
                    "gananim_version": __version__, "torch_version": torch.__version__}
        self.writer = RecordingWriter(path, manifest, fixed, overwrite=overwrite, resume=resume, float16=float16,
                                      flush_secs=flush_secs, chunk_size=chunk_size)
        fixed = self.writer.fixed  # a resumed recording keeps its own latents and grids
        self._latents = torch.as_tensor(fixed["latents"]).to(self.device)
        self._latent_grid = torch.as_tensor(fixed["latent_grid"]).to(self.device)
        self._real = torch.as_tensor(fixed["data_samples"]).to(self.device) if "data_samples" in fixed else None
        self._grid_points = torch.as_tensor(self.grid.points(), dtype=torch.float32).to(self.device)
        self._density_z = self._density_latents()
        self._purge_step = purge_step if resume else None
        self._purge_pending = resume
        self._last_seen: int | None = None
        self._last_scalars: dict = {}
        self._last_snapshot: int | None = None
        self._hook = None
        self._count = 0

    # --- set-up helpers -------------------------------------------------------------------------

    def _resolve_data(self, data, view_box, n_real: int) -> tuple[Target | None, np.ndarray | None, tuple | None]:
        """Turn `data` (target, samples or view box) into a target, a fixed real batch and a view box."""
        target, box = None, None
        if isinstance(data, Target):
            target = data
        elif data is not None and _is_view_box(data):
            box = as_bounds(data)
        elif data is not None:
            samples = _to_numpy(data)
            if samples.ndim == 1:
                samples = samples[:, None]
            if samples.ndim != 2 or samples.shape[1] not in (1, 2) or len(samples) < 2:
                raise GananimError(f"data samples must have shape (n, 1) or (n, 2) with n >= 2, got {samples.shape}: gananim records 1D or 2D data")
            if not np.isfinite(samples).all():
                raise GananimError("data samples contain NaN or inf; remove them before recording")
            target = target_from_samples(samples)
        if view_box is not None:
            box = as_bounds(view_box)
        if target is None:
            return None, None, box
        real = target.sample(n_real, np.random.default_rng([self.seed, 1]))
        return target, real, box or as_bounds(target.view_box())

    def _latent_extent(self) -> tuple[float, float]:
        """The latent range the grid covers: [-2, 2] for a normal prior, the prior's range for a uniform one."""
        return (-LATENT_EXTENT, LATENT_EXTENT) if self.prior == "normal" else self.prior_range

    def _sample_latents(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """Draw latents from the prior with a private generator (the global RNG stays untouched)."""
        if self.prior == "normal":
            return torch.randn(n, self.latent_dim, generator=gen)
        lo, hi = self.prior_range
        return lo + (hi - lo) * torch.rand(n, self.latent_dim, generator=gen)

    def _latent_grid(self, n: int) -> tuple[torch.Tensor | None, np.ndarray, torch.Tensor]:
        """The arrows' tails: a line (1D), a square grid (2D) or a grid on a random 2D plane (higher)."""
        lo, hi = self._latent_extent()
        axis = np.linspace(lo, hi, n)
        if self.latent_dim == 1:
            return None, axis[:, None], torch.as_tensor(axis[:, None], dtype=torch.float32)
        xx, yy = np.meshgrid(axis, axis)
        coords = np.stack([xx.ravel(), yy.ravel()], axis=1)
        if self.latent_dim == 2:
            return None, coords, torch.as_tensor(coords, dtype=torch.float32)
        gen = torch.Generator().manual_seed(self.seed + 2)
        plane = torch.linalg.qr(torch.randn(self.latent_dim, 2, generator=gen)).Q.T.contiguous()  # (2, latent_dim), orthonormal rows
        return plane, coords, torch.as_tensor(coords, dtype=torch.float32) @ plane

    def _data_dim(self, latents: torch.Tensor) -> int:
        """Run the generator once to learn its output dimension, which must be 1 or 2."""
        with probing(self.G), torch.no_grad():
            try:
                out = self.G(latents[:2].to(self.device))
            except RuntimeError as e:
                raise GananimError(f"the generator rejected latents of dimension {self.latent_dim} ({str(e).splitlines()[0]}); pass latent_dim=") from None
        shape = tuple(out.shape)
        if len(shape) == 1 or (len(shape) == 2 and shape[1] in (1, 2)):
            return 1 if len(shape) == 1 else shape[1]
        raise GananimError(f"the generator outputs shape {shape}; gananim records 1D or 2D data: (n,), (n, 1) or (n, 2)")

    # --- recording ------------------------------------------------------------------------------

    def step(self, step: int, **scalars) -> bool:
        """Call once per training step: snapshots when step % every == 0, else only a clock check."""
        self._last_seen, self._last_scalars = step, scalars
        if step % self.every:
            self.writer.maybe_flush()
            return False
        self.snapshot(step, **scalars)
        return True

    def snapshot(self, step: int, **scalars) -> None:
        """Record one snapshot at `step` now, whatever `every` says."""
        if self._purge_pending:
            self.writer.purge_from(step if self._purge_step is None else self._purge_step)
            self._purge_pending = False
        values = {k: self._scalar(k, v) for k, v in scalars.items()}
        arrays, probed = self._probe()
        if self.curvature_every and self.D is not None and self._real is not None:
            curv_arrays, curv_scalars = self._curvature(step % self.curvature_every == 0)
            arrays |= curv_arrays
            probed |= curv_scalars
        self.writer.append(step, arrays, probed | values)
        self._last_seen = step
        self._last_snapshot = step

    @staticmethod
    def _scalar(name: str, value) -> float:
        """A user scalar as a float (tensors are read with .item())."""
        try:
            return float(value.item() if isinstance(value, torch.Tensor) else value)
        except (TypeError, ValueError, RuntimeError):
            raise GananimError(f"scalar {name!r} must be a number or a one-element tensor, got {type(value).__name__}") from None

    def _out(self, x: torch.Tensor) -> torch.Tensor:
        """The generator's output as (n, data_dim)."""
        y = self.G(x)
        return y[:, None] if y.ndim == 1 else y

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        """The discriminator's output as logits, whichever it returns."""
        y = self.D(x).reshape(len(x))
        if self.d_output == "probs":
            y = y.clamp(1e-7, 1 - 1e-7)
            return torch.log(y) - torch.log1p(-y)
        return y

    def _probe(self) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Everything one snapshot holds, computed without touching training state."""
        with probing(self.G, self.D):
            with torch.no_grad():
                samples = self._out(self._latents)
                mapping = self._out(self._latent_grid)
                batch = self._density_batch()
            arrays = {"samples": _to_numpy(samples), "mapping": _to_numpy(mapping), "density": self.grid.histogram(batch)}
            scalars = {"nonfinite_share": float(1 - torch.isfinite(samples).all(dim=1).float().mean())}
            if self.D is not None:
                d_arrays, d_scalars = self._probe_discriminator(samples)
                arrays |= d_arrays
                scalars |= d_scalars
        if self.with_metrics:
            fixed = self.writer.fixed
            scalars |= metrics.metrics(batch[:metrics.PROTOCOL_SAMPLES], arrays["density"], arrays.get("d_grid"),
                                       grid=self.grid, data_density=fixed.get("data_density"), modes=fixed.get("modes"),
                                       scales=fixed.get("mode_scales"), real=fixed.get("data_samples"))
        return arrays, scalars

    def _density_latents(self) -> list[torch.Tensor]:
        """The density batch's fixed latents, drawn once in chunks of 8192 and kept on the models' device."""
        gen = torch.Generator().manual_seed(self.seed + 3)
        sizes = [min(8192, self.density_samples - start) for start in range(0, self.density_samples, 8192)]
        return [self._sample_latents(n, gen).to(self.device) for n in sizes]

    def _density_batch(self) -> np.ndarray:
        """A large generated batch from fixed latents (the same every snapshot, so density changes are real)."""
        return np.concatenate([_to_numpy(self._out(z)) for z in self._density_z])

    def _probe_discriminator(self, samples: torch.Tensor) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """D on the grid, the generator-gradient arrows, D statistics, V(G, D) and gradient norms."""
        with torch.no_grad():
            d_grid = torch.sigmoid(self._logits(self._grid_points)).reshape(self.grid.shape)
        x = samples.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            fake_logits = self._logits(x)
            (g_grad,) = torch.autograd.grad(nn.functional.logsigmoid(fake_logits).sum(), x)
            fake = self._out(self._latents)
            fake_logits = self._logits(fake)
            scalars = {"d_fake": torch.sigmoid(fake_logits).mean().item(),
                       "g_grad_norm": self._grad_norm(losses.g_loss(self.loss, fake_logits), self.G)}
            if self._real is not None:
                real_logits = self._logits(self._real)
                scalars |= {"d_real": torch.sigmoid(real_logits).mean().item(),
                            "value": losses.value(real_logits, fake_logits).item(),
                            "d_grad_norm": self._grad_norm(losses.d_loss(self.loss, real_logits, self._logits(fake.detach())), self.D)}
        return {"d_grid": _to_numpy(d_grid), "g_grad": _to_numpy(g_grad)}, scalars

    def _curvature(self, due: bool) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Top game-Jacobian eigenvalues (and, for small models, every Hessian eigenvalue of V) when due, else NaN."""
        from gananim import curvature

        n_params = sum(p.numel() for m in (self.G, self.D) for p in m.parameters() if p.requires_grad)
        exact = n_params <= HESSIAN_PARAMS
        game = np.full((self.curvature_k, 2), np.nan)
        hessian = np.full(n_params if exact else 0, np.nan)
        if due:
            eigs = curvature.game_jacobian_eigs(self.G, self.D, self._latents, self._real, k=min(self.curvature_k, n_params),
                                                seed=self.seed, d_output=self.d_output)
            game[: len(eigs)] = np.stack([eigs.real, eigs.imag], axis=1)
            if exact:
                hessian = curvature.value_hessian_eigs(self.G, self.D, self._latents, self._real, d_output=self.d_output)
        scalars = {"game_eig_abs": float(np.hypot(*game[0])), "game_eig_real_max": float(np.nanmax(game[:, 0])) if due else math.nan}
        if exact:
            scalars |= {"hessian_eig_min": float(hessian[0]), "hessian_eig_max": float(hessian[-1])}
        return {"game_eigs": game, **({"hessian_eigs": hessian} if exact else {})}, scalars

    @staticmethod
    def _grad_norm(loss: torch.Tensor, model: nn.Module) -> float:
        """L2 norm of d(loss)/d(params) by autograd.grad: nothing accumulates in `.grad`."""
        params = [p for p in model.parameters() if p.requires_grad]
        if not params or not loss.requires_grad:
            return math.nan
        grads = torch.autograd.grad(loss, params, allow_unused=True, retain_graph=True)
        return float(torch.sqrt(sum((g.double() ** 2).sum() for g in grads if g is not None)))

    # --- hooks and life cycle ---------------------------------------------------------------------

    def attach(self, optimizer: torch.optim.Optimizer, start: int = 0) -> "Recorder":
        """Count each generator-optimizer step as a training step, for loops you can't edit."""
        self.detach()
        self._count = start
        if self._last_snapshot is None:
            self.step(start)
        self._hook = optimizer.register_step_post_hook(self._on_optimizer_step)
        return self

    def _on_optimizer_step(self, optimizer, args, kwargs) -> None:
        self._count += 1
        self.step(self._count)

    def detach(self) -> None:
        """Remove the optimizer hook, if any."""
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    @property
    def last_flushed_step(self) -> int | None:
        """The newest step safely on disk."""
        return self.writer.last_flushed_step

    @property
    def path(self) -> Path:
        return self.writer.path

    def flush(self) -> None:
        self.writer.flush()

    def close(self, final_snapshot: bool = True) -> None:
        """Detach, take a last snapshot of the last step seen, and flush."""
        self.detach()
        if final_snapshot and self._last_seen is not None and self._last_seen != self._last_snapshot:
            self.snapshot(self._last_seen, **self._last_scalars)
        self.writer.close()

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(final_snapshot=exc_type is None)
