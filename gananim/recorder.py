"""Recorder: snapshots any PyTorch GAN every N steps without changing its training.

    with Recorder("runs/ring8", generator=G, discriminator=D, data=target, every=10) as rec:
        for step in range(n):
            ...                                   # your own D and G updates
            rec.step(step, d_loss=d_loss, g_loss=g_loss)

Probes run in eval mode, under their own seeded RNGs, with gradients taken by `torch.autograd.grad`
(nothing lands in `.grad`), so the same seed with and without a Recorder ends with identical weights.
A snapshot stores arrays and a few probe scalars only: metrics (mode coverage, divergences, ...) are
computed later from the stored arrays, off the training path.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gananim import __version__, objectives
from gananim.errors import GananimError
from gananim.fixed import Prior, resolve_data, stored_grid_size
from gananim.grid import Grid
from gananim.probe_options import ProbeOptions
from gananim.probes import (as_logits, check_d_output, check_module, grad_norm, infer_d_output, infer_latent_dim,
                            norm, placement, probing, to_host, trainable)
from gananim.store import RecordingWriter

HESSIAN_PARAMS = 200  # models this small get every eigenvalue of the exact Hessian of V (seeds/004's plots)
ARRAYS = ("samples", "mapping", "d_grid", "g_grad")  # probe results stored as arrays; the rest are scalars


class Recorder:
    """Snapshots a generator/discriminator pair into a recording folder every `every` steps.

    Recorder(path, generator, discriminator=None, data=None, every=None, *, probes=None, latent_dim=None,
             prior="normal", prior_range=(-1, 1), d_output=None, loss="nonsaturating", view_box=None,
             overwrite=False, resume=False, purge_step=None, seed=0, config=None)

    - `data`: a gananim Target, an array of real samples (n, 1) or (n, 2), or a view box (one (low, high) pair per
      data dimension). `view_box=` overrides the box derived from a target or samples.
    - `every`: snapshot every N steps; None takes `probes.every` (default 10).
    - `probes`: a `ProbeOptions` (sizes, grids, float16, curvature, flushing); None = the defaults. The lab's
      `[record]` config table is this object.
    - The models' set-up, rarely needed: `latent_dim` (inferred from G's first layer), `prior` ("normal" or
      "uniform" on `prior_range`), `d_output` ("logits" or "probs", inferred from D's last module) and `loss`
      (the G/D losses behind `g_grad_norm`/`d_grad_norm`: "minimax", "nonsaturating", "least_squares").
    - `overwrite`/`resume`/`purge_step`: replace, or continue, an existing recording; `seed` seeds the fixed
      latents and real batch; `config` is stored in the manifest as is.
    Models in float16/float64 are probed in their own precision; snapshots are stored as float32 (float16 if asked).
    """

    def __init__(self, path: str | Path, generator: nn.Module, discriminator: nn.Module | None = None, data=None,
                 every: int | None = None, *, probes: ProbeOptions | None = None, latent_dim: int | None = None,
                 prior: str = "normal", prior_range: tuple[float, float] = (-1.0, 1.0), d_output: str | None = None,
                 loss: str = "nonsaturating", view_box=None, overwrite: bool = False, resume: bool = False,
                 purge_step: int | None = None, seed: int = 0, config: dict | None = None, **removed):
        _refuse_removed(removed)
        check_module(generator, "generator")
        check_module(discriminator, "discriminator", optional=True)
        if probes is not None and not isinstance(probes, ProbeOptions):
            raise GananimError(f"probes must be a gananim.ProbeOptions, got {type(probes).__name__}")
        opts = dataclasses.replace(probes or ProbeOptions()).validate()  # a copy: later edits of `probes` change nothing
        every = opts.every if every is None else every
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise GananimError(f"every must be an integer >= 1, got {every!r}")
        if latent_dim is not None and (isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1):
            raise GananimError(f"latent_dim must be a positive integer (the generator's input size), got {latent_dim!r}")
        if loss not in objectives.LOSSES:
            raise GananimError(f"loss must be one of {', '.join(objectives.LOSSES)}, got {loss!r}")
        if d_output is not None:
            check_d_output(d_output)
        if opts.curvature_every and discriminator is not None and not (trainable(generator) and trainable(discriminator)):
            raise GananimError("curvature needs trainable parameters in both the generator and the discriminator; set curvature_every=0")
        self.G, self.D, self.every, self.seed, self.loss, self.options = generator, discriminator, every, seed, loss, opts
        self.device, self.dtype = placement(generator)  # probes run in the models' own device and precision
        self._d_device, self._d_dtype = placement(discriminator) if discriminator is not None else (self.device, self.dtype)
        self.latent_dim = latent_dim or infer_latent_dim(generator)
        self.prior = Prior(self.latent_dim, prior, float(prior_range[0]), float(prior_range[1]))
        self.d_output = None if discriminator is None else d_output or infer_d_output(discriminator)
        self.target, real, box = resolve_data(data, view_box, opts.real_samples, seed)
        latents = self.prior.sample(opts.n_samples, seed)
        data_dim = self._data_dim(latents, explicit=latent_dim is not None)
        if box is None:
            raise GananimError("cannot tell the view box: pass data= a gananim target, an array of real samples, or one (low, high) pair per data dimension")
        if len(box) != data_dim:
            raise GananimError(f"the view box has {len(box)} dimension(s) but the generator outputs {data_dim}")
        # grid_size 0 (the default): by the data's dimension, but a resumed recording keeps the grid it has
        self.grid = Grid(box, opts.grid_size or (resume and stored_grid_size(path)) or opts.grid_cells(data_dim))
        self._check_discriminator(data_dim)
        plane, coords, grid_z = self.prior.grid(opts.latent_grid, seed + 2)
        fixed = {"latents": latents.numpy(), "latent_grid": grid_z, "latent_grid_coords": coords.astype(np.float32)}
        if plane is not None:
            fixed["latent_plane"] = plane.astype(np.float32)
        if real is not None:
            fixed["data_samples"] = real.astype(np.float32)
        if self.target is not None:
            fixed |= {"data_density": self.target.density(self.grid).astype(np.float32),
                      "modes": np.asarray(self.target.modes, np.float64), "mode_scales": np.asarray(self.target.mode_scales, np.float64)}
        # sizes of the gradient batch and of the arrows (stored in the manifest: g_grad's rows past g_grad_rows are NaN)
        self._n_grad = min(opts.n_samples, opts.real_samples, opts.grad_samples) if self._has_gradient_batch() else 0
        self._n_arrows = min(opts.n_samples, opts.arrow_samples) if discriminator is not None else 0
        manifest = {"data_dim": data_dim, "latent_dim": self.latent_dim, "prior": prior, "prior_range": [self.prior.low, self.prior.high],
                    "n_samples": opts.n_samples, "grid": self.grid.to_dict(), "latent_grid_shape": [opts.latent_grid] * coords.shape[1],
                    "latent_extent": self.prior.extent, "d_output": self.d_output, "loss": loss, "every": every,
                    "density_samples": opts.density_samples, "g_grad_rows": self._n_arrows,
                    "grad_samples": self._n_grad, "seed": seed, "has_discriminator": discriminator is not None,
                    "target": self.target.to_config() if self.target is not None else None, "config": config,
                    "gananim_version": __version__, "torch_version": torch.__version__}
        self.writer = RecordingWriter(path, manifest, fixed, overwrite=overwrite, resume=resume, float16=opts.float16,
                                      flush_secs=opts.flush_secs, chunk_size=opts.chunk_size)
        fixed = self.writer.fixed  # a resumed recording keeps its own latents and grids
        self._latents = self._on_g(fixed["latents"])
        self._real = self._on_d(fixed["data_samples"]) if "data_samples" in fixed else None
        self._grid_points = self._on_d(self.grid.points())
        # G runs once per snapshot on each latent it needs: on the gradient batch (the first stored latents) with
        # its graph, and in one no-grad call on the other stored latents, the mapping's latent grid and, only if
        # density_samples > n_samples, extra density latents
        n = len(self._latents)
        self._n_mapping = len(fixed["latent_grid"])
        self._density_samples = opts.density_samples
        extra = self.prior.sample(max(0, opts.density_samples - n), seed + 3)
        self._n_grad = min(self._n_grad, n, len(self._real) if self._real is not None else n)  # a resumed recording's
        self._nograd_z = torch.cat([self._latents[self._n_grad:], self._on_g(fixed["latent_grid"]), extra.to(self.device, self.dtype)])
        # the curvature's balanced batches (off by default): the whole real batch and as many stored latents
        self._n_balanced = min(n, len(self._real) if self._real is not None else opts.real_samples)
        self._n_params = sum(p.numel() for m in (self.G, self.D) if m is not None for _, p in trainable(m))
        self._purge_step = purge_step if resume else None
        self._purge_pending = resume
        self._last_seen: int | None = None
        self._last_scalars: dict = {}
        self._last_snapshot: int | None = None
        self._hook = None
        self._count = 0
        self._closed = False

    # --- set-up helpers -------------------------------------------------------------------------

    def _on_g(self, x) -> torch.Tensor:
        """A fixed batch on the generator's device, in its precision."""
        return torch.as_tensor(np.asarray(x)).to(self.device, self.dtype)

    def _on_d(self, x) -> torch.Tensor:
        """A fixed batch on the discriminator's device, in its precision."""
        return torch.as_tensor(np.asarray(x)).to(self._d_device, self._d_dtype)

    def _data_dim(self, latents: torch.Tensor, explicit: bool) -> int:
        """Run the generator once to learn its output dimension, which must be 1 or 2."""
        with probing(self.G), torch.no_grad():
            try:
                out = self.G(latents[:2].to(self.device, self.dtype))
            except RuntimeError as e:
                hint = "check latent_dim=" if explicit else "pass latent_dim="
                raise GananimError(f"the generator rejected latents of dimension {self.latent_dim} ({str(e).splitlines()[0]}); {hint}") from None
        shape = tuple(out.shape)
        if len(shape) == 1 or (len(shape) == 2 and shape[1] in (1, 2)):
            return 1 if len(shape) == 1 else shape[1]
        raise GananimError(f"the generator outputs shape {shape}; gananim records 1D or 2D data: (n,), (n, 1) or (n, 2)")

    def _check_discriminator(self, data_dim: int) -> None:
        """Run D once on two grid points: it must take (n, data_dim) samples and return one score per sample."""
        if self.D is None:
            return
        with probing(self.D), torch.no_grad():
            try:
                out = self.D(self._on_d(self.grid.points()[:2]))
            except RuntimeError as e:
                raise GananimError(f"the discriminator rejected samples of shape (2, {data_dim}) ({str(e).splitlines()[0]}); "
                                   "D must take the generator's output") from None
            as_logits(out, self.d_output, 2)

    # --- recording ------------------------------------------------------------------------------

    def step(self, step: int, **scalars) -> bool:
        """Call once per training step: snapshots when step % every == 0, else only a clock check."""
        step = self._check_step(step, repeat_ok=False)
        self._last_seen, self._last_scalars = step, scalars
        if step % self.every:
            self.writer.maybe_flush()
            return False
        self._snapshot(step, scalars)
        return True

    def snapshot(self, step: int, **scalars) -> None:
        """Record one snapshot at `step` now, whatever `every` says."""
        self._snapshot(self._check_step(step, repeat_ok=True), scalars)

    def _check_step(self, step, repeat_ok: bool) -> int:
        """Steps are integers that never go back (a snapshot's step, never repeated); the Recorder must be open."""
        if self._closed:
            raise GananimError("this Recorder is closed; to record more, open the folder again with Recorder(..., resume=True)")
        try:
            step = operator.index(step)
        except TypeError:
            raise GananimError(f"step must be an integer, got {step!r}") from None
        last = self._last_seen
        if last is not None and (step < last or (step == last and not repeat_ok)):
            raise GananimError(f"step {step} came after step {last}: steps must increase; pass your loop's step counter "
                               "(a new run goes to a new folder, or overwrite=True)")
        if self._last_snapshot is not None and step <= self._last_snapshot:
            raise GananimError(f"step {step} is already recorded (the last snapshot is step {self._last_snapshot}); steps must increase")
        return step

    def _snapshot(self, step: int, scalars: dict) -> None:
        if self._purge_pending:
            self.writer.purge_from(step if self._purge_step is None else self._purge_step)
            self._purge_pending = False
        values = {k: self._scalar(k, v) for k, v in scalars.items()}
        arrays, probed = self._probe()
        if self.options.curvature_every and self.D is not None and self._real is not None:
            curv_arrays, curv_scalars = self._curvature(step % self.options.curvature_every == 0)
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

    def _gen(self, z: torch.Tensor) -> torch.Tensor:
        """The generator's output as (n, data_dim)."""
        y = self.G(z)
        return y[:, None] if y.ndim == 1 else y

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        """The discriminator's output as (n,) logits, whichever it returns."""
        return as_logits(self.D(x), self.d_output, len(x))

    def _has_gradient_batch(self) -> bool:
        """The gradient norms need a discriminator and parameters to differentiate."""
        return self.D is not None and bool(trainable(self.G) or trainable(self.D))

    def _probe(self) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Everything one snapshot holds, computed without touching training state; one copy to the host.

        Sized for the overhead target (bench/bench_recorder.py): G runs once on each latent (the gradient batch
        with its graph, the rest in one no-grad call); the density is the histogram of the stored samples
        (density_samples = n_samples by default: no G call of its own, and recomputable from what is stored).
        """
        k, n, m = self._n_grad, len(self._latents), self._n_mapping
        with probing(self.G, self.D):
            with torch.no_grad():
                rest = self._gen(self._nograd_z)
            with torch.enable_grad():
                head = self._gen(self._latents[:k]) if k else rest[:0]  # the gradient batch, with its graph
            samples = torch.cat([head.detach(), rest[: n - k]])
            out = {"samples": samples, "mapping": rest[n - k: n - k + m],
                   "density_batch": torch.cat([samples, rest[n - k + m:]])[: self._density_samples],
                   "nonfinite_share": 1 - torch.isfinite(samples).all(dim=1).float().mean()}
            if self.D is not None:
                out |= self._probe_discriminator(head, samples)
        host = to_host(out)
        arrays = {"density": self.grid.histogram(host.pop("density_batch"))}
        arrays |= {name: host.pop(name) for name in ARRAYS if name in host}
        return arrays, {name: float(v) for name, v in host.items()}

    def _probe_discriminator(self, head: torch.Tensor, samples: torch.Tensor) -> dict[str, torch.Tensor]:
        """D on the grid, the generator-gradient arrows, D statistics, V(G, D) and the gradient norms.

        D sees the first max(grad_samples, arrow_samples) stored samples (512 by default) in two batches, the
        gradient batch (`head`, still on G's graph) and the rest; that one forward serves:
        - the arrows ∇x log D(x), on the first arrow_samples only: the gradients view reads them as a random subset
          (the latents are i.i.d.), and on all 2,500 their forward and backward through D cost 5 times as much.
          The other rows of g_grad are NaN (manifest `g_grad_rows`), which the view skips like a diverged sample's;
        - d_fake and V(G, D): averages over those samples (V against the whole real batch);
        - the gradient norms: G's and D's losses on the first grad_samples (256) stored samples against as many
          real ones (balanced, as in training; half the toy loop's batch: the norm's scale is the same, its noise a
          little higher). D's takes one backward; G's rides on the arrows' backward (nonsaturating) or takes one.
        """
        k, a = self._n_grad, self._n_arrows
        with torch.no_grad():
            d_grid = torch.sigmoid(self._logits(self._grid_points)).reshape(self.grid.shape)
        with torch.enable_grad():
            batches = [head.to(self._d_device, self._d_dtype), samples[k: max(k, a)].to(self._d_device, self._d_dtype)]
            # leaves to differentiate to where G's graph does not reach (the rest, or a G without parameters)
            batches = [x if x.requires_grad else x.detach().requires_grad_(True) for x in batches if len(x)]
            logits = [self._logits(x) for x in batches]
            # nonsaturating: G's loss -mean log D(x) over the gradient batch is -1/k times the arrows' objective
            # Σ log D there, so the arrows' backward, continued into G, gives G's gradient too (× -k)
            reaches_g = k > 0 and head.requires_grad  # else no gradient reaches G's parameters: its norm is NaN
            fused = [p for _, p in trainable(self.G)] if reaches_g and self.loss == "nonsaturating" else []
            if logits[0].requires_grad:  # the arrows: ∇x log D(x) = σ(-l) ∇x l, one backward to the inputs (and G)
                grads = torch.autograd.grad(logits, batches + fused, grad_outputs=[torch.sigmoid(-l.detach()) for l in logits],
                                            retain_graph=k > 0, allow_unused=True)
            else:  # D ignores its input and has no parameters
                grads = [None] * (len(batches) + len(fused))
            grads, g_param_grads = grads[: len(batches)], grads[len(batches):]
            arrows = torch.cat([torch.zeros_like(x) if g is None else g for g, x in zip(grads, batches)]).detach()
            g_grad = torch.cat([arrows[:a], arrows.new_full((len(samples) - a, arrows.shape[1]), math.nan)])
            fake = torch.cat([l.detach() for l in logits])
            out = {"d_grid": d_grid, "g_grad": g_grad, "d_fake": torch.sigmoid(fake).mean()}
            nan = torch.tensor(math.nan, dtype=torch.float64)
            if self._real is not None:
                real_k = self._logits(self._real[:k]) if k else None
                with torch.no_grad():
                    real_rest = self._logits(self._real[k:]) if k < len(self._real) else None
                real = torch.cat([r.detach() for r in (real_k, real_rest) if r is not None])
                out |= {"d_real": torch.sigmoid(real).mean(), "value": objectives.value(real, fake),
                        "d_grad_norm": grad_norm(objectives.d_loss(self.loss, real_k, logits[0]), self.D) if k else nan}
            if fused:
                out["g_grad_norm"] = norm(g_param_grads) / k
            elif reaches_g:
                out["g_grad_norm"] = grad_norm(objectives.g_loss(self.loss, logits[0]), self.G, retain_graph=False)
            else:
                out["g_grad_norm"] = nan
        return out

    def _curvature(self, due: bool) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Top game-Jacobian eigenvalues (and, for small models, every Hessian eigenvalue of V) when due, else NaN."""
        from gananim import curvature  # numpy eigensolvers and torch.func: loaded only when asked for

        k, exact = self.options.curvature_k, self._n_params <= HESSIAN_PARAMS
        game = np.full((k, 2), np.nan)
        hessian = np.full(self._n_params if exact else 0, np.nan)
        if due:
            eigs = curvature.game_jacobian_eigs(self.G, self.D, self._latents[: self._n_balanced], self._real, k=min(k, self._n_params),
                                                seed=self.seed, d_output=self.d_output)
            game[: len(eigs)] = np.stack([eigs.real, eigs.imag], axis=1)
            if exact:
                hessian = curvature.value_hessian_eigs(self.G, self.D, self._latents[: self._n_balanced], self._real,
                                                       d_output=self.d_output)
        scalars = {"game_eig_abs": float(np.hypot(*game[0])), "game_eig_real_max": float(np.nanmax(game[:, 0])) if due else math.nan}
        if exact:
            scalars |= {"hessian_eig_min": float(hessian[0]), "hessian_eig_max": float(hessian[-1])}
        return {"game_eigs": game, **({"hessian_eigs": hessian} if exact else {})}, scalars

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
        """Detach, take a last snapshot of the last step seen, and flush. Closing twice does nothing more."""
        if self._closed:
            return
        self.detach()
        if final_snapshot and self._last_seen is not None and self._last_seen != self._last_snapshot:
            self.snapshot(self._last_seen, **self._last_scalars)
        self._closed = True
        self.writer.close()

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(final_snapshot=exc_type is None)


def _refuse_removed(kwargs: dict) -> None:
    """Arguments older gananim took: with_metrics is ignored with a warning, probe sizes moved into ProbeOptions."""
    for name in kwargs:
        if name == "with_metrics":
            warnings.warn("Recorder(with_metrics=...) is ignored: metrics are now computed from the stored arrays after "
                          "recording (gananim analyze), never during training", FutureWarning, stacklevel=3)
        elif name in ProbeOptions.names():
            raise GananimError(f"Recorder({name}=...) moved into the probe options: "
                               f"Recorder(..., probes=gananim.ProbeOptions({name}=...))")
        else:
            raise GananimError(f"Recorder() got an unknown argument {name}=; see help(gananim.Recorder)")
