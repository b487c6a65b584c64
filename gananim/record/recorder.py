"""Recorder: snapshots any PyTorch GAN every N steps without changing its training.

    with Recorder("runs/ring8", generator=G, discriminator=D, data=target, every=10) as rec:
        for step in range(n):
            ...                                   # your own D and G updates
            rec.step(step, d_loss=d_loss, g_loss=g_loss)   # every step's losses kept; a snapshot every 10

The same three lines record an image GAN: `Recorder("runs/digits", G, D, data=images, every=10)` with `images`
the real batch (n, C, H, W) (or (n, H, W), or vectors (n, d)) as an array or tensor.

Probes run in eval mode, under their own seeded RNGs, with gradients taken by `torch.autograd.grad`
(nothing lands in `.grad`), so the same seed with and without a Recorder ends with identical weights.
A snapshot stores arrays and a few probe scalars only: metrics (mode coverage, divergences, ...) are
computed later from the stored arrays, off the training path. Under torch.distributed only rank 0 records
(gananim.record.distributed).
"""

from __future__ import annotations

import math
import operator
import sys
import time
from pathlib import Path

import torch
from torch import nn

from gananim import kinds
from gananim.about import version
from gananim.errors import GananimError
from gananim.record.arguments import (
    check_game,
    every_of,
    latent_shape_of,
    options_of,
    resolve_game,
    shapes,
)
from gananim.record.distributed import rank, unwrap
from gananim.record.labels import Labels, check_labels_spec
from gananim.record.options import ProbeOptions
from gananim.record.prior import Prior
from gananim.record.prober import ProberSetup
from gananim.record.probes import (
    Players,
    check_module,
    infer_latent_shape,
)
from gananim.record.scalars import held, merged, to_floats
from gananim.recording.reader import load, read_manifest_quietly
from gananim.recording.writer import RecordingWriter


class Recorder:
    """Snapshots a generator/discriminator pair into a recording folder every `every` steps.

    Recorder(path, generator, discriminator=None, data=None, every=None, *, probes=None, latent_dim=None,
             latent_shape=None, prior="normal", prior_range=(-1, 1), d_output=None, loss=None,
             view_box=None, classifier=None, labels=None, conditional=None, overwrite=False, resume=False,
             purge_step=None, seed=0, config=None, quiet=False, inferred=None)

    The generator's output decides the recording's kind. 1D/2D samples, (n,), (n, 1) or (n, 2), make a "points"
    recording (gananim.kinds.points.probe):
    - `data`: a gananim Target, an array of real samples (n, 1) or (n, 2), or a view box (one (low, high) pair per
      data dimension). `view_box=` overrides the box derived from a target or samples.
    Anything larger, images (n, H, W) / (n, C, H, W) with C = 1 or 3 and vectors (n, d), makes an "images" recording
    (gananim.kinds.images.probe: the fixed-latent sample grid, latent paths, a PCA plane, per-sample D scores):
    - `data`: the real samples (array or tensor, any device), shaped like the generator's output;
    - `classifier`: optional, for class coverage: a torch module or callable returning (n, K) logits of samples
      shaped like G's output (run at each snapshot), or a built-in numpy classifier (gananim.kinds.images.user_classifier);
      `labels`: the real data's classes (n,), else its class frequencies are the classifier's on the real batch.
    - `conditional`: a conditional GAN, G(z, y) and D(x, y): `gananim.Labels(n_classes, names=[...], one_hot=False)`
      says how y enters (gananim.record.labels; other forms through a small adapter module) and needs `labels=`.
      Each row of the sample grid is one class, named; D scores every sample given its own label.
    - `every`: snapshot every N steps; None takes `probes.every` (default 10).
    - `probes`: a `ProbeOptions` (sizes, grids, float16, curvature, flushing); None = the defaults. The lab's
      `[record]` config table is this object.
    - The models' set-up, rarely needed: `latent_dim` or `latent_shape` (inferred from G's first layer: a Linear's
      in_features, a ConvTranspose2d's in_channels as (z, 1, 1), an Unflatten's size), `prior` ("normal" or
      "uniform" on `prior_range`).
    - The game, which every view and panel puts into words (gananim.recording.game): `loss`, the family the loop
      trains with: "minimax", "nonsaturating" (the default), "least_squares", "wasserstein" (WGAN with weight
      clipping or a gradient penalty: the penalty stays in your loop, the recording names the game; "wgan-gp" and
      "wgan-clip" are accepted spellings), "hinge" or "relativistic_average"; and `d_output`, what D returns:
      "logits", "probs" (ends in a sigmoid; inferred from D's last module when left out) or "critic" (unbounded
      scores, the default for the Wasserstein, hinge and relativistic losses; d_output="critic" alone means the
      Wasserstein game). For a critic a snapshot stores D's raw scores and `critic_real`, `critic_fake` (E D(real),
      E D(fake)) and `critic_gap` (E D(real) − E D(fake), the Wasserstein estimate) instead of the probabilities
      `d_real`, `d_fake` and V(G, D). The manifest says which were inferred (`loss_inferred`, `d_output_inferred`).
    - `overwrite`/`resume`/`purge_step`: replace, or continue, an existing recording; `seed` seeds the fixed
      latents and real batch; `config` is stored in the manifest as is.
    - `quiet`: say nothing on closing (else one line on stderr: how many snapshots, which steps, where).
    Steps count generator updates: `step(0)` is the models before training, `step(k)` after the k-th update, so
    N updates end at step N, as zero-edit, `attach` and the Lightning callback count them.
    Models in float16/float64 are probed in their own precision; snapshots are stored as float32 (float16 if asked).
    `inferred` is for callers that watched the training (zero-edit, the Lightning callback): the game they found,
    {"loss": (family, how), "d_output": (kind, how)}; an explicit `loss`/`d_output` wins over it.
    """

    def __init__(
        self,
        path: str | Path,
        generator: nn.Module,
        discriminator: nn.Module | None = None,
        data=None,
        every: int | None = None,
        *,
        probes: ProbeOptions | None = None,
        latent_dim: int | None = None,
        latent_shape=None,
        prior: str = "normal",
        prior_range: tuple[float, float] = (-1.0, 1.0),
        d_output: str | None = None,
        loss: str | None = None,
        view_box=None,
        classifier=None,
        labels=None,
        conditional: Labels | None = None,
        overwrite: bool = False,
        resume: bool = False,
        purge_step: int | None = None,
        seed: int = 0,
        config: dict | None = None,
        quiet: bool = False,
        inferred: dict | None = None,
    ):
        # long by its signature only (the public keywords, one a line as formatted): the body is the set-up, a call a step
        generator, discriminator = (
            unwrap(generator),
            unwrap(discriminator),
        )  # DDP, torch.compile: probe the plain modules
        check_module(generator, "generator")
        check_module(discriminator, "discriminator", optional=True)
        self.options = options_of(probes)
        self.every = self.options.every if every is None else every_of(every)
        self._path, self.writer = Path(path), None
        self._hook, self._closed, self._scalars_fn, self.quiet = None, False, None, quiet
        if rank() != 0:  # one recording per run, rank 0's: another rank's Recorder does nothing (no probes, no files)
            return
        check_game(generator, discriminator, latent_dim, loss, d_output, self.options)
        self.loss, self.d_output, self._inferred = resolve_game(discriminator, loss, d_output, inferred)
        self.G, self.D, self.seed = generator, discriminator, seed
        self.conditional = check_labels_spec(conditional)
        self.players = Players(generator, discriminator, self.d_output, self.loss, self.conditional)
        self.device, self.dtype = self.players.device, self.players.dtype
        explicit = latent_dim is not None or latent_shape is not None
        shape = latent_shape_of(latent_dim, latent_shape) or infer_latent_shape(generator)
        shape, g_shape = shapes(self.players, shape, (prior, *map(float, prior_range)), seed, explicit)
        self.latent_dim = math.prod(shape)
        self.prior = Prior(self.latent_dim, prior, float(prior_range[0]), float(prior_range[1]))
        setup = ProberSetup(
            self.players,
            self.prior,
            shape,
            g_shape,
            self.options,
            data,
            view_box,
            seed,
            classifier,
            labels,
            stored=read_manifest_quietly(path) if resume else None,
            conditional=self.conditional,
        )
        self.kind = kinds.for_output(g_shape)
        self.prober = self.kind.prober(setup)
        self._open(path, config, overwrite, resume)
        self._purge_step = purge_step if resume else None
        self._purge_pending = self._purge_dense_pending = resume
        self._last_seen: int | None = None
        self._last_scalars: dict = {}
        self._last_snapshot: int | None = None
        self._pending: list[tuple] = []  # probed snapshots not yet finished and handed to the store
        self._count = 0

    # --- set-up helpers -------------------------------------------------------------------------

    def _open(self, path, config: dict | None, overwrite: bool, resume: bool) -> None:
        """Write (or reopen) the recording: the manifest says what the run and its kind fix, then the prober binds to
        the fixed arrays the recording really has (a resumed one keeps its own)."""
        manifest = {
            "latent_dim": self.latent_dim,
            "prior": self.prior.family,
            "prior_range": [self.prior.low, self.prior.high],
            "d_output": self.d_output,
            "loss": self.loss,
            "loss_inferred": self._inferred.get("loss", False),
            "d_output_inferred": self._inferred.get("d_output", False),
            "every": self.every,
            "seed": self.seed,
            "has_discriminator": self.D is not None,
            "conditional": None,
            "config": config,
            "gananim_version": version(),
            "torch_version": torch.__version__,
        }
        manifest |= kinds.tag(self.kind) | self.prober.manifest
        opts = self.options
        self.writer = RecordingWriter(
            path,
            manifest,
            self.prober.fixed,
            overwrite=overwrite,
            resume=resume,
            float16=opts.float16,
            flush_secs=opts.flush_secs,
            chunk_size=opts.chunk_size,
            convert=to_floats,
        )
        self.prober.bind(self.writer.fixed, self.writer.manifest, self.seed)
        self.grid = self.prober.grid

    # --- recording ------------------------------------------------------------------------------

    def step(self, step: int, scalars: dict | None = None, **named) -> bool:
        """Call once per training step with its scalars (keywords, or a dict: `scalars={"step": ...}`): every call's
        are kept (`Recording.dense`); snapshots when step % every == 0, else only a clock check."""
        if self.writer is None:  # another rank's
            return False
        # the common case first, in this frame: every Python call here costs microseconds beside a training step,
        # whose work has just pushed this code out of the caches (a non-snapshot step measured 21 µs in a digits
        # loop against 2.8 µs called back to back)
        last = self._last_seen
        if not (type(step) is int and last is not None and step > last and not self._closed):
            step = self._check_step(step, repeat_ok=False)
        scalars = self._log(step, named if scalars is None else merged(scalars, named))
        self._last_seen, self._last_scalars = step, scalars
        if step % self.every:
            if self.writer.flush_due(pending=bool(self._pending)):
                self.flush()
            return False
        self._snapshot(step, scalars)
        return True

    def snapshot(self, step: int, scalars: dict | None = None, **named) -> None:
        """Record one snapshot at `step` now, whatever `every` says."""
        if self.writer is not None:
            step = self._check_step(step, repeat_ok=True)
            self._snapshot(step, self._log(step, merged(scalars, named)))

    def _log(self, step: int, scalars: dict) -> dict:
        """Keep this step's scalars (returned as kept), after dropping the values a resumed run logs again: from the
        first step it logs, whatever purge_step says (the lab's purge_step drops an off-grid final snapshot, not the
        losses logged there)."""
        if not scalars:
            return {}
        if self._purge_dense_pending:
            self.writer.dense.purge_from(step)
            self._purge_dense_pending = False
        # the values as kept (numbers, or detached copies of device tensors): the Recorder holds the last step's
        # for its final snapshot, and holding the loop's own loss tensors would keep their graphs alive a step longer
        kept = {k: held(k, v) for k, v in scalars.items()}
        self.writer.add_scalars(step, kept)
        return kept

    def _check_step(self, step, repeat_ok: bool) -> int:
        """Steps are integers that never go back (a snapshot's step, never repeated); the Recorder must be open."""
        if self._closed:
            raise GananimError(
                "this Recorder is closed; to record more, open the folder again with Recorder(..., resume=True)"
            )
        try:
            step = operator.index(step)
        except TypeError:
            raise GananimError(f"step must be an integer, got {step!r}") from None
        last = self._last_seen
        if last is not None and (step < last or (step == last and not repeat_ok)):
            raise GananimError(
                f"step {step} came after step {last}: steps must increase; pass your loop's step counter "
                "(a new run goes to a new folder, or overwrite=True)"
            )
        if self._last_snapshot is not None and step <= self._last_snapshot:
            raise GananimError(
                f"step {step} is already recorded (the last snapshot is step {self._last_snapshot}); steps must increase"
            )
        return step

    def _snapshot(self, step: int, scalars: dict) -> None:
        if self._purge_pending:  # a resumed run drops the snapshots it records again (from its first one)
            self.writer.purge_from(step if self._purge_step is None else self._purge_step)
            self._purge_pending = False
        values = {k: self._scalar(k, v) for k, v in scalars.items()}
        probed, arrays = self.prober.probe(), {}
        batch = self.prober.curvature_batch() if self.options.curvature_every else None
        if batch is not None:
            from gananim.record.curvature import snapshot_curvature  # numpy eigensolvers, torch.func: loaded when asked

            due = step % self.options.curvature_every == 0
            arrays, curv_scalars = snapshot_curvature(self.players, batch, due, self.options.curvature_k, self.seed)
            values = curv_scalars | values
        self._pending.append((step, probed, arrays, values, time.time()))  # the wall time TensorBoard's axes read
        self._last_seen = step
        self._last_snapshot = step
        if len(self._pending) >= self.prober.batch_limit or self.writer.flush_due(pending=True):
            self._drain()

    def _drain(self) -> None:
        """Hand the probed snapshots to the store, finished together (an images snapshot's quantising and
        histograms: one numpy call per batch instead of dozens per snapshot beside training)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        for (step, _, arrays, values, wall), (stored, probed) in zip(
            pending, self.prober.finish([p[1] for p in pending])
        ):
            self.writer.append(step, stored | arrays, probed | values, wall_time=wall)

    @staticmethod
    def _scalar(name: str, value) -> float:
        """A user scalar as a float (tensors are read with .item())."""
        try:
            return float(value.item() if isinstance(value, torch.Tensor) else value)
        except (TypeError, ValueError, RuntimeError):
            raise GananimError(
                f"scalar {name!r} must be a number or a one-element tensor, got {type(value).__name__}"
            ) from None

    # --- hooks and life cycle ---------------------------------------------------------------------

    def attach(self, optimizer: torch.optim.Optimizer, start: int = 0, scalars=None) -> "Recorder":
        """Count each generator-optimizer step as a training step, for loops you can't edit; `scalars`: a function
        returning a dict of scalars, called after each of those steps (e.g. `lambda: {"g_loss": trainer.g_loss}`)."""
        if scalars is not None and not callable(scalars):
            raise GananimError(
                f"attach(scalars=...) takes a function returning a dict of scalars, e.g. "
                f"lambda: {{'g_loss': trainer.g_loss}}; got {type(scalars).__name__}"
            )
        self.detach()
        if self.writer is None:  # another rank's
            return self
        self._count, self._scalars_fn = start, scalars
        if self._last_snapshot is None:
            self.step(start)
        self._hook = optimizer.register_step_post_hook(self._on_optimizer_step)
        return self

    def _on_optimizer_step(self, optimizer, args, kwargs) -> None:
        self._count += 1
        self.step(self._count, self._scalars_fn() if self._scalars_fn is not None else None)

    def detach(self) -> None:
        """Remove the optimizer hook, if any."""
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    @property
    def last_flushed_step(self) -> int | None:
        """The newest snapshot step safely on disk (None on ranks other than 0)."""
        return None if self.writer is None else self.writer.last_flushed_step

    @property
    def path(self) -> Path:
        return self._path

    def flush(self) -> None:
        """Write every snapshot taken so far to disk now."""
        if self.writer is not None:
            self._drain()
            self.writer.flush()

    def close(self, final_snapshot: bool = True) -> None:
        """Detach, take a last snapshot of the last step seen, and flush. Closing twice does nothing more."""
        if self._closed:
            return
        self.detach()
        if self.writer is None:
            self._closed = True
            return
        if final_snapshot and self._last_seen is not None and self._last_seen != self._last_snapshot:
            self.snapshot(self._last_seen, self._last_scalars)
        self._closed = True
        try:
            self._drain()
        finally:
            self.writer.close()
        if not self.quiet:
            say_where(self._path)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(final_snapshot=exc_type is None)


def say_where(path: Path) -> None:
    """The closing line on stderr (stdout stays the training script's own): what was written where, and how to see it."""
    try:
        rec = load(path)
    except GananimError:  # nothing readable was written (closed before any snapshot): say that instead
        print(f"gananim: closed {path}: no snapshot was recorded", file=sys.stderr, flush=True)
        return
    steps = f"steps {int(rec.steps[0]):,}–{int(rec.steps[-1]):,}" if len(rec) else "no snapshot"
    print(
        f"gananim: recorded {len(rec):,} snapshots ({steps}) to {path}; see it: gananim render {path}",
        file=sys.stderr,
        flush=True,
    )
