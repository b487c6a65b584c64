"""The lab's training loop: build one run's state from a Config, then train it (or animate it) step by
step while a Recorder records it. The pieces, one job each:

    checks.py      the lab's config checks           state.py       models, optimisers, RNGs, batches
    game.py        method "gan" (and PacGAN)         unrolled.py    the Unrolled GAN's look-ahead D
    baselines.py   methods "mmd", "vae", "transform"  checkpoint.py  OUT/checkpoint.pt and resume checks

Determinism: same config and seed on CPU => identical weights and an identical recording (state.py
says where each random draw comes from). A checkpoint (models, optimisers, every RNG state) is written
atomically to OUT/checkpoint.pt every few seconds and at the end, so `resume=True` continues an
interrupted run and ends bit-identical to an uninterrupted one. A run stopped before its first
checkpoint left nothing to continue: `resume=True` then starts it over from step 0, and says so.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from gananim.errors import GananimError
from gananim.lab import baselines, game
from gananim.lab.checkpoint import CHECKPOINT, capture, config_difference, load_checkpoint, restore, save_checkpoint
from gananim.lab.checks import check_config
from gananim.lab.config import Config
from gananim.lab.image_data import ImageData, make_data
from gananim.lab.state import LabState

if TYPE_CHECKING:
    from gananim.record.recorder import Recorder

CHECKPOINT_SECS = 5.0  # wall time between periodic checkpoints
# torch intra-op threads while the lab trains and records: the lab's matrices are small, and a second thread's
# hand-offs cost more than it saves when the cores are shared (two-points: 6x slower in wall time with 2 threads
# than with 1 on the 2-core dev machine under load, circle 12x; the widest, ring8-unrolled and five-clusters, ran
# only 1.2x faster with 2)
LAB_THREADS = 1
STEPS = {
    "gan": game.gan_step,
    "mmd": baselines.mmd_step,
    "vae": baselines.vae_step,
    "transform": baselines.transform_step,
}
NUMERICAL = re.compile(r"\b(overflow|nan|nans|inf|infs|infinite|infinity)\b", re.IGNORECASE)

Progress = Callable[[int, dict[str, float]], None]
log = logging.getLogger(__name__)


def iteration(lab: LabState, step: int) -> dict[str, float]:
    """One iteration of the lab's method at `step` (1-based); returns the scalars to log."""
    return STEPS[lab.method](lab, step)


def run(
    config: Config, out: Path | str, *, overwrite: bool = False, resume: bool = False, progress: Progress | None = None
) -> Path:
    """Train (or animate) `config` and record it into the folder `out`; returns the recording path.

    Step 0 records the untrained state; each step 1..config.steps is one iteration (for "gan":
    d_steps D updates then g_steps G updates, each on a fresh batch), then a recorder step and
    `progress(step, scalars)`. The last step is always snapshotted. `resume=True` continues from
    OUT/checkpoint.pt (same config; only `steps` may grow); with no checkpoint there it starts over
    from step 0, replacing this run's partial recording, and logs one line saying so (logger
    `gananim.lab.train`, level WARNING). The whole config is checked and the models and optimisers
    built before anything is written.
    """
    config.validate()
    if overwrite and resume:
        raise GananimError("choose one of --overwrite (start afresh) and --resume (continue)")
    out = Path(out)
    target = make_data(config.target)
    check_config(config, target)
    ckpt = None
    if resume:
        ckpt = _checkpoint_to_resume(out, config)
        if ckpt is None:
            overwrite = _start_over(out, config)  # True: replace this run's partial recording

    with _deterministic_algorithms(), _torch_threads(LAB_THREADS):
        lab = LabState(config, target)
        start = restore(lab, ckpt) if ckpt is not None else 0
        if start >= config.steps and ckpt is not None:
            return out  # already trained that far
        rec = _recorder(lab, out, overwrite=overwrite, resumed_at=None if ckpt is None else start)
        with rec:
            if ckpt is None:
                rec.step(0)  # the untrained state
            _train_steps(lab, rec, start, out, progress)
        save_checkpoint(out / CHECKPOINT, capture(lab, max(config.steps, start)))
    return Path(rec.path)


def _recorder(lab: LabState, out: Path, *, overwrite: bool, resumed_at: int | None) -> Recorder:
    """The Recorder of this run, writing into `out`; `resumed_at` is the checkpoint's step when resuming."""
    from gananim.record.recorder import Recorder  # torch side; keeps `import gananim.lab` light

    config, every = lab.config, lab.config.record.every
    return Recorder(
        # a packed D is probed point by point through PackedProbe (each point repeated m times)
        out,
        lab.generator,
        lab.probe_discriminator,
        probes=config.record,
        **_data_args(config, lab.target),
        latent_shape=lab.latent_shape,
        prior=config.latent.prior,
        prior_range=(config.latent.low, config.latent.high),
        d_output="logits" if lab.discriminator is not None else None,
        loss=config.train.loss,
        seed=config.seed,
        config=config.to_dict(),
        quiet=True,  # `gananim record` says what it wrote itself, with the size
        overwrite=overwrite,
        resume=resumed_at is not None,
        # a snapshot at an off-grid checkpoint step exists only as the earlier run's final one: drop it
        purge_step=None if resumed_at is None else (resumed_at + 1 if resumed_at % every == 0 else resumed_at),
    )


def _train_steps(lab: LabState, rec: Recorder, start: int, out: Path, progress: Progress | None) -> None:
    """Steps start+1..config.steps, each recorded, with OUT/checkpoint.pt rewritten every CHECKPOINT_SECS of
    wall time so that an interrupted run can resume close to where it stopped."""
    steps = lab.config.steps
    last_save = time.monotonic()
    for step in range(start + 1, steps + 1):
        with numbers_checked(lab, step, out):
            scalars = iteration(lab, step)
            if step == steps:
                rec.snapshot(step, **scalars)  # the final state always, with its losses
            else:
                rec.step(step, **scalars)
        if progress is not None:
            progress(step, scalars)
        if time.monotonic() - last_save >= CHECKPOINT_SECS and step < steps:
            rec.flush()  # the recording on disk reaches the checkpoint's step
            save_checkpoint(out / CHECKPOINT, capture(lab, step))
            last_save = time.monotonic()


def _data_args(config: Config, target) -> dict:
    """What the Recorder is told about the data: a 1D/2D target and its view box, or the real images with their
    labels and the built-in classifier behind class coverage (trained at first use, then cached)."""
    if not isinstance(target, ImageData):
        return {"data": target, "view_box": config.view_box}
    from gananim.kinds.images.classifier import digits_classifier

    args = {"data": target.images, "labels": target.labels, "classifier": digits_classifier()}
    if config.train.conditional:  # G(z, y), D(x, y): a grid row per class, D scoring each sample given its label
        from gananim.record.labels import Labels

        args["conditional"] = Labels(target.n_classes)
    return args


def fit(config: Config, progress: Progress | None = None) -> LabState:
    """Train `config` for config.steps iterations WITHOUT recording (no Recorder, no checkpoint) and
    return the lab state (its models, optimisers and RNGs). The weights equal those `run` ends with:
    the Recorder never touches training state. For benchmarks (bench/bench_modes.py) and tests."""
    config.validate()
    target = make_data(config.target)
    check_config(config, target)
    with _deterministic_algorithms(), _torch_threads(LAB_THREADS):
        lab = LabState(config, target)
        for step in range(1, config.steps + 1):
            with numbers_checked(lab, step):
                scalars = iteration(lab, step)
            if progress is not None:
                progress(step, scalars)
    return lab


@contextlib.contextmanager
def numbers_checked(lab: LabState, step: int, out: Path | None = None):
    """Training that breaks down numerically (a learning rate or weights beyond float32, a NaN torch
    refuses) ends in one GananimError line naming the step and what to change, not a torch traceback.
    Other errors are bugs and pass unchanged."""
    try:
        yield
    except (RuntimeError, ArithmeticError, ValueError) as e:
        if not (isinstance(e, ArithmeticError) or NUMERICAL.search(str(e)) or not _finite(lab)):
            raise
        tr = lab.config.train
        what = (str(e).strip().splitlines() or [type(e).__name__])[0]
        then = (
            "" if out is None else f"; the recording in {out} keeps the steps before it: record again with --overwrite"
        )
        raise GananimError(
            f"training broke down numerically at step {step} ({what}): lower the learning rates "
            f"(train.g_optimizer.lr = {tr.g_optimizer.lr:g}, train.d_optimizer.lr = {tr.d_optimizer.lr:g}){then}"
        ) from e


def _finite(lab: LabState) -> bool:
    """Whether every weight of every model is still a finite number."""
    return all(bool(torch.isfinite(p).all()) for model in lab.models.values() for p in model.parameters())


def _checkpoint_to_resume(out: Path, config: Config) -> dict | None:
    """OUT's checkpoint, when this config may continue it; None when OUT holds no checkpoint."""
    path = out / CHECKPOINT
    if not path.is_file():
        return None
    ckpt = load_checkpoint(path)
    diff = config_difference(ckpt.get("config", {}), config.to_dict())
    if diff is not None:
        raise GananimError(
            f"cannot resume {out}: the config differs from the checkpoint's at {diff}; use --overwrite to start afresh"
        )
    return ckpt


def _start_over(out: Path, config: Config) -> bool:
    """Resume asked, no checkpoint: nothing can be continued, so the run starts over from step 0.

    Returns True when OUT holds this run's partial recording (same config, not finished: a run killed
    before its first checkpoint), which the new run replaces; False when OUT is empty or absent.
    Anything else in OUT is refused and left untouched.
    """
    from gananim.recording.reader import load  # numpy side: reads the manifest and the steps, nothing else

    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        log.warning(f"nothing to resume in {out} (no {CHECKPOINT}): starting from step 0")
        return False
    try:
        rec = load(out)
    except GananimError:
        raise GananimError(
            f"cannot resume {out}: it has no {CHECKPOINT} and holds no readable gananim recording; "
            f"choose another output path"
        ) from None
    saved = rec.manifest.get("config")
    if not isinstance(saved, dict):
        raise GananimError(
            f"cannot resume {out}: it has no {CHECKPOINT}, and its recording was not made by "
            f"`gananim record`; choose another output path"
        )
    diff = config_difference(saved, config.to_dict())
    if diff is not None:
        raise GananimError(
            f"cannot resume {out}: it has no {CHECKPOINT}, and its recording's config differs at {diff}; "
            f"use --overwrite to start afresh"
        )
    if len(rec) and isinstance(saved.get("steps"), int) and int(rec.steps[-1]) >= saved["steps"]:
        raise GananimError(
            f"cannot resume {out}: its recording is complete (steps {int(rec.steps[0])}–{int(rec.steps[-1])}) "
            f"but its {CHECKPOINT} is gone; use --overwrite to train it again"
        )
    log.warning(f"nothing to resume in {out}: the run stopped before its first checkpoint; starting over from step 0")
    return True


@contextlib.contextmanager
def _torch_threads(n: int):
    """Run with n torch intra-op threads; restore the caller's count after."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
