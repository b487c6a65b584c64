"""gananim.lightning.RecorderCallback on a tiny 2D GAN trained by Lightning 2.x on CPU, both optimisation styles.

The clock must be generator updates: the manual GAN steps D on every batch and G on every other one, so Lightning's
global_step (3 per 2 batches) and the batch index both differ from it.
"""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

pl = pytest.importorskip("lightning.pytorch")

import gananim  # noqa: E402
from gananim import ProbeOptions  # noqa: E402
from gananim.errors import GananimError  # noqa: E402
from gananim.lightning import RecorderCallback  # noqa: E402

ROOT = Path(__file__).parents[1]
SMALL = ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, real_samples=32)
REAL = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)


def mlp(i, o):
    return nn.Sequential(nn.Linear(i, 8), nn.LeakyReLU(0.2), nn.Linear(8, o))


def bce(logits, target: float):
    return nn.functional.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


class ManualGAN(pl.LightningModule):
    """The usual Lightning GAN: manual optimisation, two optimizers; here G steps on every other batch."""

    def __init__(self, names=("generator", "discriminator"), g_every=2, g_steps=1):
        super().__init__()
        self.automatic_optimization = False
        self.names, self.g_every, self.g_steps = names, g_every, g_steps
        setattr(self, names[0], mlp(2, 2))
        setattr(self, names[1], mlp(2, 1))

    def training_step(self, batch, batch_idx):
        G, D = (getattr(self, n) for n in self.names)
        opt_g, opt_d = self.optimizers()
        fake = G(torch.randn(len(batch[0]), 2))
        d_loss = bce(D(batch[0]), 1) + bce(D(fake.detach()), 0)
        opt_d.zero_grad()
        self.manual_backward(d_loss)
        opt_d.step()
        self.log("d_loss", d_loss, on_step=True, on_epoch=True)
        for _ in range(self.g_steps if batch_idx % self.g_every == self.g_every - 1 else 0):
            g_loss = bce(D(G(torch.randn(len(batch[0]), 2))), 1)
            opt_g.zero_grad()
            self.manual_backward(g_loss)
            opt_g.step()
            self.log("g_loss", g_loss)

    def configure_optimizers(self):
        return [
            torch.optim.Adam(getattr(self, self.names[0]).parameters(), 1e-3),
            torch.optim.Adam(getattr(self, self.names[1]).parameters(), 1e-3),
        ]


class AutomaticGAN(pl.LightningModule):
    """Automatic optimisation (one optimizer in Lightning 2.x): G and D step together, each on its own loss."""

    def __init__(self):
        super().__init__()
        self.generator, self.discriminator = mlp(2, 2), mlp(2, 1)

    def training_step(self, batch, batch_idx):
        fake = self.generator(torch.randn(len(batch[0]), 2))
        d_loss = bce(self.discriminator(batch[0]), 1) + bce(self.discriminator(fake.detach()), 0)
        self.discriminator.requires_grad_(False)  # G's loss moves G only
        g_loss = bce(self.discriminator(fake), 1)
        self.discriminator.requires_grad_(True)
        self.log_dict({"d_loss": d_loss, "g_loss": g_loss})
        return d_loss + g_loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), 1e-3)


def run_fit(module, callback, epochs: int, ckpt_path=None, **trainer_options):
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.as_tensor(REAL)), batch_size=8)
    options = dict(
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        devices=1,
    )
    trainer = pl.Trainer(max_epochs=epochs, callbacks=[callback], **{**options, **trainer_options})
    trainer.fit(module, loader, ckpt_path=ckpt_path)
    return trainer


def test_manual_optimisation_counts_generator_updates(tmp_path):
    callback = RecorderCallback(tmp_path / "run", data=REAL, every=5, probes=SMALL)
    trainer = run_fit(ManualGAN(), callback, epochs=3)  # 24 batches: 24 D steps, 12 G steps
    assert trainer.global_step == 36 and callback.generator_updates == 12
    rec = gananim.load(tmp_path / "run")
    assert rec.steps.tolist() == [0, 5, 10, 12]  # 0, every, 2*every, and the last update
    # what the module logged, at each recorded step after the first (nothing is logged before training)
    assert np.isnan(rec.scalars["d_loss"][0]) and np.isfinite(rec.scalars["d_loss"][1:]).all()
    assert np.isfinite(rec.scalars["g_loss"][1:]).all()
    assert not any(n.endswith(("_step", "_epoch")) for n in rec.scalars)  # d_loss once, not its forked copies
    assert "d_real" in rec.scalars  # the Recorder's own probes too: D was found
    # the snapshot at 5 shows G after its 5th update: G's weights changed between snapshots
    assert not np.allclose(rec[1].samples, rec[2].samples)
    # every generator update's logged values are kept, not only the snapshots'
    for name in ("d_loss", "g_loss"):
        steps, values = rec.dense[name]
        assert steps.tolist() == list(range(1, 13)) and np.isfinite(values).all()
    assert np.allclose(rec.dense["g_loss"][1][[4, 9]], rec.scalars["g_loss"][[1, 2]])  # the snapshots' own values


def test_automatic_optimisation_and_every_from_the_probes(tmp_path):
    callback = RecorderCallback(tmp_path / "run", data=REAL, probes=dataclasses.replace(SMALL, every=4))
    run_fit(AutomaticGAN(), callback, epochs=2)  # 16 batches, one joint optimizer step each
    rec = gananim.load(tmp_path / "run")
    assert callback.generator_updates == 16
    assert rec.steps.tolist() == [0, 4, 8, 12, 16]
    assert np.isfinite(rec.scalars["d_loss"][1:]).all() and np.isfinite(rec.scalars["g_loss"][1:]).all()
    assert rec.manifest["every"] == 4


def test_several_generator_updates_in_one_batch(tmp_path):
    # 2 G updates per batch: update 3 is recorded just before update 4 moves the weights, not skipped
    callback = RecorderCallback(tmp_path / "run", data=REAL, every=3, probes=SMALL)
    run_fit(ManualGAN(g_every=1, g_steps=2), callback, epochs=1)  # 8 batches, 16 G updates
    rec = gananim.load(tmp_path / "run")
    assert rec.steps.tolist() == [0, 3, 6, 9, 12, 15, 16]
    assert np.isfinite(rec.scalars["g_loss"][1:]).all()


class LogsStep(ManualGAN):
    """Logs a metric named `step` (the Recorder's clock used to drop it)."""

    def training_step(self, batch, batch_idx):
        super().training_step(batch, batch_idx)
        self.log("step", 10.0 * batch_idx)


def test_a_metric_named_step_is_kept(tmp_path):
    callback = RecorderCallback(tmp_path / "run", data=REAL, every=2, probes=SMALL)
    run_fit(LogsStep(), callback, epochs=1)  # 8 batches, a G update after batches 1, 3, 5, 7
    rec = gananim.load(tmp_path / "run")
    assert rec.dense["step"][0].tolist() == [1, 2, 3, 4]
    assert rec.dense["step"][1].tolist() == [10.0, 30.0, 50.0, 70.0]
    assert rec.scalars["step"][1:].tolist() == [30.0, 70.0]  # snapshots at updates 2 and 4


def test_named_models_and_discriminator_none(tmp_path):
    callback = RecorderCallback(
        tmp_path / "named", data=REAL, every=3, generator="netG", discriminator="netD", probes=SMALL
    )
    run_fit(ManualGAN(names=("netG", "netD")), callback, epochs=1)  # 4 G updates
    assert gananim.load(tmp_path / "named").steps.tolist() == [0, 3, 4]
    callback = RecorderCallback(
        tmp_path / "g-only", data=REAL, every=2, generator="netG", discriminator=None, probes=SMALL
    )
    run_fit(ManualGAN(names=("netG", "netD")), callback, epochs=1)
    rec = gananim.load(tmp_path / "g-only")
    assert rec.steps.tolist() == [0, 2, 4] and rec.manifest["has_discriminator"] is False


def test_a_resumed_fit_continues_the_clock(tmp_path):
    callback = RecorderCallback(tmp_path / "run", data=REAL, every=3, probes=SMALL)
    trainer = run_fit(
        ManualGAN(), callback, epochs=1, enable_checkpointing=True, default_root_dir=tmp_path
    )  # 4 G updates
    (checkpoint,) = Path(trainer.checkpoint_callback.dirpath).glob("*.ckpt")
    resumed = RecorderCallback(tmp_path / "run", data=REAL, every=3, probes=SMALL, resume=True)
    run_fit(ManualGAN(), resumed, epochs=2, ckpt_path=checkpoint)  # 4 more
    assert resumed.generator_updates == 8
    rec = gananim.load(tmp_path / "run")
    assert rec.steps.tolist() == [0, 3, 4, 6, 8]
    assert rec.dense["g_loss"][0].tolist() == list(range(1, 9)) and not rec.problems  # update 4 logged once


def test_mistakes_are_one_line(tmp_path):
    with pytest.raises(GananimError, match="unknown option evry=") as e:
        RecorderCallback(tmp_path / "x", data=REAL, evry=5)
    assert "\n" not in str(e.value)
    with pytest.raises(GananimError, match="a string such as 'generator'"):
        RecorderCallback(tmp_path / "x", generator=nn.Linear(2, 2))
    callback = RecorderCallback(tmp_path / "x", data=REAL, probes=SMALL)  # the module calls them netG/netD
    with pytest.raises(GananimError, match=r"ManualGAN has no attribute 'generator' .*generator='ATTRIBUTE'"):
        run_fit(ManualGAN(names=("netG", "netD")), callback, epochs=1)
    assert not (tmp_path / "x").exists()


def test_gananim_never_imports_lightning_and_says_what_to_install(tmp_path):
    code = (
        "import sys, gananim, gananim.cli.commands, gananim.rendering.export\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lightning', 'pytorch_lightning', 'tensorboard', 'wandb')))\n"
        "sys.modules['lightning'] = sys.modules['pytorch_lightning'] = None\n"
        "try:\n    from gananim.lightning import RecorderCallback\n"
        "except gananim.GananimError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    imported, message = done.stdout.splitlines()
    assert imported == "[]"
    assert message == "gananim.lightning needs lightning, which is not installed: pip install 'gananim[lightning]'"
