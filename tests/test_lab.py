"""The toy-GAN lab: losses, models, presets, the training loop, determinism and resume."""

from __future__ import annotations

import math
import re
import tomllib

import numpy as np
import pytest
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.lab import models, presets, train
from gananim.lab.checkpoint import load_checkpoint, save_checkpoint
from gananim.lab.config import Config, LatentConfig, ModelConfig
from gananim.lab.game import noise_std
from gananim.lab.state import LabState
from gananim.lab.train import run
from gananim.record import objectives as losses
from gananim.recording.reader import load
from synthetic import shrunk

LOG2 = math.log(2.0)
PRESET_NAMES = {
    "two-points",
    "four-points",
    "circle",
    "vae-circle",
    "gauss-1d",
    "mixture-1d",
    "five-clusters",
    "goodfellow-1d",
    "strong-d",
    "strong-g",
    "noisy",
    "mmd",
    "inverse-cdf",
    "ring8",
    "grid25",
    "ring8-unrolled",
    "ring8-pac",
    "ring8-metz",
    "ring8-metz-unrolled",
    "digits",
    "digits-dcgan",
    "digits-collapse",
    "digits-conditional",
}
IMAGE_PRESETS = {"digits", "digits-dcgan", "digits-collapse", "digits-conditional"}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """These models are tiny: one intra-op thread is as fast, and immune to a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _t(*values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64).reshape(-1, 1)


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def tiny(**overrides) -> Config:
    """A 1D GAN small enough that a run takes a fraction of a second."""
    cfg = Config(name="tiny", seed=3, steps=6)
    cfg.target = {"kind": "gaussian", "mean": [1.0], "sigma": 0.5}
    cfg.latent = LatentConfig(dim=1)
    cfg.generator = ModelConfig(hidden=[8])
    cfg.discriminator = ModelConfig(hidden=[8])
    cfg.train.batch_size = 16
    return shrunk(cfg, **overrides)


def weights(out) -> dict[str, dict[str, torch.Tensor]]:
    return load_checkpoint(out / "checkpoint.pt")["models"]


def assert_same_weights(a, b) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].keys() == b[name].keys()
        for k in a[name]:
            assert torch.equal(a[name][k], b[name][k]), f"{name}.{k} differs"


def assert_same_recording(pa, pb) -> None:
    ra, rb = load(pa), load(pb)
    assert np.array_equal(ra.steps, rb.steps)
    assert ra.scalars.keys() == rb.scalars.keys()
    for k in ra.scalars:
        assert np.array_equal(ra.scalars[k], rb.scalars[k], equal_nan=True), k
    assert ra.dense.keys() == rb.dense.keys() and ra.dense and not rb.problems  # every step's losses, once each
    for k, (steps, values) in ra.dense.items():
        assert np.array_equal(steps, rb.dense[k][0]) and np.array_equal(values, rb.dense[k][1], equal_nan=True), k
    for sa, sb in zip(ra, rb):
        for field in ("samples", "mapping", "d_grid", "density", "g_grad"):
            va, vb = getattr(sa, field), getattr(sb, field)
            assert (va is None) == (vb is None), field
            if va is not None:
                assert np.array_equal(va, vb), f"{field} at step {sa.step}"
    for k in ra.fixed:
        assert np.array_equal(ra.fixed[k], rb.fixed[k]), k


# --- losses ------------------------------------------------------------------------------------


def test_losses_at_zero_logits():
    """Logits 0 => D = 1/2 everywhere: the Goodfellow optimum."""
    zero = _t(0.0, 0.0, 0.0)
    for loss in ("minimax", "nonsaturating"):
        assert losses.d_loss(loss, zero, zero).item() == pytest.approx(2 * LOG2)
    assert losses.value(zero, zero).item() == pytest.approx(-2 * LOG2)
    assert losses.g_loss("minimax", zero).item() == pytest.approx(-LOG2)
    assert losses.g_loss("nonsaturating", zero).item() == pytest.approx(LOG2)
    assert losses.d_loss("least_squares", zero, zero).item() == pytest.approx(0.5)
    assert losses.g_loss("least_squares", zero).item() == pytest.approx(0.5)


def test_losses_hand_computed():
    real, fake = _t(2.0, -0.5), _t(-1.0, 3.0)
    d_real = [_sig(2.0), _sig(-0.5)]
    d_fake = [_sig(-1.0), _sig(3.0)]
    e_log_d_real = (math.log(d_real[0]) + math.log(d_real[1])) / 2
    e_log_1m_d_fake = (math.log(1 - d_fake[0]) + math.log(1 - d_fake[1])) / 2
    e_log_d_fake = (math.log(d_fake[0]) + math.log(d_fake[1])) / 2
    assert losses.value(real, fake).item() == pytest.approx(e_log_d_real + e_log_1m_d_fake)
    assert losses.d_loss("minimax", real, fake).item() == pytest.approx(-e_log_d_real - e_log_1m_d_fake)
    assert losses.d_loss("nonsaturating", real, fake).item() == pytest.approx(-e_log_d_real - e_log_1m_d_fake)
    assert losses.g_loss("minimax", fake).item() == pytest.approx(e_log_1m_d_fake)
    assert losses.g_loss("nonsaturating", fake).item() == pytest.approx(-e_log_d_fake)
    # LSGAN on raw outputs: 1/2 E (D(x) - 1)^2 + 1/2 E D(G(z))^2 and 1/2 E (D(G(z)) - 1)^2
    ls_d = 0.5 * ((2.0 - 1) ** 2 + (-0.5 - 1) ** 2) / 2 + 0.5 * ((-1.0) ** 2 + 3.0**2) / 2
    ls_g = 0.5 * ((-1.0 - 1) ** 2 + (3.0 - 1) ** 2) / 2
    assert losses.d_loss("least_squares", real, fake).item() == pytest.approx(ls_d)
    assert losses.g_loss("least_squares", fake).item() == pytest.approx(ls_g)


def test_losses_are_finite_at_saturation():
    big = _t(100.0, -100.0)
    for loss in losses.LOSSES:
        assert torch.isfinite(losses.d_loss(loss, big, -big))
        assert torch.isfinite(losses.g_loss(loss, big, -big))  # the relativistic loss reads the real scores too
    assert torch.isfinite(losses.value(big, -big))
    x = torch.tensor([[-60.0]], requires_grad=True)
    losses.g_loss("nonsaturating", x).backward()
    assert torch.isfinite(x.grad).all() and x.grad.item() == pytest.approx(-1.0)


def test_unknown_loss():
    with pytest.raises(GananimError, match="unknown loss"):
        losses.g_loss("energy", _t(0.0))


def test_mmd2():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 2, generator=gen)
    assert losses.mmd2(x, x.clone(), [0.5, 1.0]).item() == pytest.approx(0.0, abs=1e-6)
    assert abs(losses.mmd2(x, x.clone(), [0.5, 1.0], unbiased=True).item()) < 0.1
    shifted = losses.mmd2(x, x + 3.0, [0.5, 1.0]).item()
    assert shifted > 0.5
    assert losses.mmd2(x, x + 0.5, [0.5, 1.0]).item() < shifted
    # one point each, one kernel: k(x,x) + k(y,y) - 2 k(x,y) = 2 - 2 exp(-1/2)
    assert losses.mmd2(_t(0.0), _t(1.0), [1.0]).item() == pytest.approx(2 - 2 * math.exp(-0.5))
    # two kernels add
    assert losses.mmd2(_t(0.0), _t(1.0), [1.0, 2.0]).item() == pytest.approx(
        4 - 2 * (math.exp(-0.5) + math.exp(-1 / 8))
    )
    # differentiable, with a finite gradient at zero distance
    y = x.clone().requires_grad_(True)
    losses.mmd2(y, x, [1.0]).backward()
    assert torch.isfinite(y.grad).all()


# --- models ------------------------------------------------------------------------------------


def test_mlp_shapes():
    g = models.build_generator(ModelConfig(hidden=[16, 8]), latent_dim=3, data_dim=2)
    d = models.build_discriminator(ModelConfig(hidden=[16, 8]), data_dim=2)
    z = torch.randn(5, 3)
    assert g(z).shape == (5, 2)
    assert d(g(z)).shape == (5, 1)
    linears = [m for m in g if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(3, 16), (16, 8), (8, 2)]
    assert not isinstance(list(d)[-1], nn.Sigmoid)  # logits


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "elu", "sigmoid"])
def test_activations(activation):
    g = models.build_generator(ModelConfig(hidden=[4], activation=activation), 2, 2)
    assert g(torch.randn(3, 2)).shape == (3, 2)
    if activation == "leaky_relu":
        assert list(g)[1].negative_slope == 0.2


def test_maxout():
    d = models.build_discriminator(ModelConfig(hidden=[200, 200, 200], maxout=5), data_dim=2)
    linears = [m for m in d if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(2, 1000), (200, 1000), (200, 1000), (200, 1)]
    assert sum(isinstance(m, models.Maxout) for m in d) == 3
    assert d(torch.randn(7, 2)).shape == (7, 1)
    m = models.Maxout(3)
    x = torch.tensor([[1.0, 5.0, 2.0, -1.0, -3.0, -2.0]])
    assert torch.equal(m(x), torch.tensor([[5.0, -1.0]]))


def test_batch_norm():
    g = models.build_generator(ModelConfig(hidden=[8, 8], activation="relu", batch_norm=True), 2, 2)
    kinds = [type(m).__name__ for m in g]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Linear"]
    assert g(torch.randn(4, 2)).shape == (4, 2)


def test_linear_kind():
    torch.manual_seed(0)
    g = models.build_generator(ModelConfig(arch="linear", hidden=[]), 1, 1)
    d = models.build_discriminator(ModelConfig(arch="linear", hidden=[50]), 1)
    for net in (g, d):
        (layer,) = list(net)
        assert isinstance(layer, nn.Linear) and (layer.in_features, layer.out_features) == (1, 1)
        assert layer.bias.item() == 0.0
    w, b = g[0].weight.item(), g[0].bias.item()
    z = torch.tensor([[0.0], [1.0]])
    assert torch.allclose(g(z), torch.tensor([[b], [w + b]]))


def test_encoder():
    e = models.build_encoder(ModelConfig(hidden=[16, 8]), data_dim=2, latent_dim=5)
    mean, logvar = e(torch.randn(4, 2))
    assert mean.shape == logvar.shape == (4, 5)


def test_sample_latent():
    gen = torch.Generator().manual_seed(1)
    z = models.sample_latent(2000, LatentConfig(dim=3, prior="uniform", low=2.0, high=5.0), gen)
    assert z.shape == (2000, 3) and z.min() >= 2.0 and z.max() <= 5.0
    n = models.sample_latent(4000, LatentConfig(dim=2), gen)
    assert abs(n.mean().item()) < 0.1 and abs(n.std().item() - 1) < 0.1
    a = models.sample_latent(5, LatentConfig(dim=2), torch.Generator().manual_seed(7))
    b = models.sample_latent(5, LatentConfig(dim=2), torch.Generator().manual_seed(7))
    assert torch.equal(a, b)


def test_inverse_cdf_morph():
    morph = models.InverseCdfMorph(mean=2.0, sigma=3.0, low=0.0, high=1.0)
    u = torch.linspace(0.05, 0.95, 19)[:, None]
    # t = 0: the identity, scaled to the target's mean and standard deviation
    out = morph(u)
    assert torch.allclose(out, 2.0 + 3.0 * math.sqrt(12) * (u - 0.5), atol=1e-5)
    big = torch.rand(200_000, 1, generator=torch.Generator().manual_seed(0))
    assert morph(big).mean().item() == pytest.approx(2.0, abs=0.05)
    assert morph(big).std().item() == pytest.approx(3.0, abs=0.05)
    # t = 1: the exact inverse CDF of N(2, 9)
    morph.t.fill_(1.0)
    expected = [2.0 + 3.0 * torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(p)).item() for p in u[:, 0].tolist()]
    assert torch.allclose(morph(u)[:, 0], torch.tensor(expected), atol=1e-4)
    assert torch.isfinite(morph(torch.tensor([[0.0], [1.0]]))).all()
    assert "t" in morph.state_dict()
    assert not any(p.requires_grad for p in morph.parameters())


# --- presets -------------------------------------------------------------------------------------


def test_preset_list():
    listed = dict(presets.list_presets())
    assert set(listed) == PRESET_NAMES
    assert presets.DEFAULT_PRESET == "five-clusters" and presets.DEFAULT_PRESET in listed
    assert all(description.strip() for description in listed.values())


@pytest.mark.parametrize("name", sorted(PRESET_NAMES))
def test_preset_file_is_complete(name):
    path = presets.preset_path(name)
    text = path.read_text()
    assert text.startswith(f"# {name}:")  # the comment header names the preset and its source
    data = tomllib.loads(text)
    for section in ("target", "latent", "generator", "discriminator", "train", "record"):
        assert section in data, f"{name} lacks [{section}]"
    for section in ("g_optimizer", "d_optimizer"):
        assert section in data["train"], f"{name} lacks [train.{section}]"
    cfg = presets.load_preset(name)
    assert cfg.name == name and cfg.description == data["description"]
    assert cfg.validate() is cfg


def test_preset_settings_follow_the_sources():
    tp = presets.load_preset("two-points")
    assert (tp.latent.dim, tp.generator.hidden, tp.discriminator.hidden) == (15, [50] * 4, [100, 50, 50])
    assert tp.train.g_optimizer.lr == tp.train.d_optimizer.lr == 1e-5
    assert (tp.train.d_steps, tp.train.g_steps, tp.train.batch_size) == (10, 10, 500)
    gf = presets.load_preset("goodfellow-1d")
    assert (gf.steps, gf.train.d_steps, gf.train.g_steps, gf.train.loss) == (1500, 1, 1, "minimax")
    assert gf.generator.arch == gf.discriminator.arch == "linear" and gf.latent.prior == "uniform"
    assert gf.train.g_optimizer.name == "sgd" and gf.train.g_optimizer.lr == 0.1
    assert (presets.load_preset("strong-d").train.d_steps, presets.load_preset("strong-g").train.g_steps) == (50, 50)
    assert presets.load_preset("noisy").train.instance_noise == 1.0
    fc = presets.load_preset("five-clusters")
    assert fc.target == {"kind": "ring", "n": 5, "radius": 5.0, "sigma": 1.0} and fc.steps == 2000
    assert fc.view_box == [[-10.0, 10.0], [-10.0, 10.0]] and fc.latent.dim == 2
    r8, g25 = presets.load_preset("ring8"), presets.load_preset("grid25")
    for cfg in (r8, g25):
        assert cfg.generator.hidden == [400] * 4 and cfg.generator.batch_norm and cfg.generator.activation == "relu"
        assert cfg.discriminator.hidden == [200] * 3 and cfg.discriminator.maxout == 5
        assert (
            cfg.train.g_optimizer.betas[0] == 0.8 and cfg.train.g_optimizer.lr == 1e-4 and cfg.train.batch_size == 100
        )
    assert r8.target["sigma"] == 0.01 and g25.target["sigma"] == 0.05
    assert presets.load_preset("mmd").train.method == "mmd"
    assert presets.load_preset("vae-circle").train.method == "vae"
    assert presets.load_preset("inverse-cdf").train.method == "transform"


def test_unknown_preset():
    with pytest.raises(GananimError, match="unknown preset 'nope'.*five-clusters"):
        presets.load_preset("nope")
    with pytest.raises(GananimError):
        presets.preset_path("../config")


@pytest.mark.parametrize("name", sorted(PRESET_NAMES - IMAGE_PRESETS))  # the image ones: tests/test_lab_images.py
def test_every_preset_runs(name, tmp_path):
    cfg = presets.load_preset(name)
    cfg.steps = 3
    cfg.train.batch_size = min(cfg.train.batch_size, 32)
    cfg.train.d_steps = min(cfg.train.d_steps, 2)
    cfg.train.g_steps = min(cfg.train.g_steps, 2)
    cfg.record.every = 1
    cfg.record.n_samples = 16
    cfg.record.grid_size = 8
    cfg.record.latent_grid = 3
    cfg.record.density_samples = 64
    out = run(cfg, tmp_path / name)
    rec = load(out)
    assert list(rec.steps) == [0, 1, 2, 3]
    assert np.isfinite(rec[-1].samples).all()
    assert (rec[-1].d_grid is not None) == (cfg.train.method == "gan")


# --- training --------------------------------------------------------------------------------


def test_noise_schedule():
    assert noise_std(0, 1.0, 100) == 1.0
    assert noise_std(25, 2.0, 100) == pytest.approx(1.5)
    assert noise_std(50, 1.0, 100) == pytest.approx(0.5)
    assert noise_std(100, 1.0, 100) == 0.0
    assert noise_std(150, 1.0, 100) == 0.0
    assert noise_std(10_000, 0.7, 0) == 0.7  # no annealing: constant
    assert noise_std(5, 0.0, 100) == 0.0


def test_run_records_every_step_and_the_last(tmp_path):
    seen = []
    out = run(tiny(steps=5), tmp_path / "r", progress=lambda step, scalars: seen.append((step, sorted(scalars))))
    assert [s for s, _ in seen] == [1, 2, 3, 4, 5]
    assert seen[0][1] == ["d_loss", "g_loss"]
    rec = load(out)
    assert list(rec.steps) == [0, 2, 4, 5]  # every 2, plus the final step
    assert np.isnan(rec.scalars["d_loss"][0]) and np.isfinite(rec.scalars["d_loss"][1:]).all()
    assert (out / "checkpoint.pt").is_file()
    assert rec.manifest["config"]["name"] == "tiny"


def test_recording_does_not_change_training(tmp_path):
    """The same updates by hand, without a Recorder, end with the same weights."""
    cfg = tiny(steps=4)
    out = run(cfg, tmp_path / "r")
    lab = LabState(cfg, make_target(cfg.target))
    for step in range(1, 5):
        train.iteration(lab, step)
    assert_same_weights(weights(out), {k: m.state_dict() for k, m in lab.models.items()})


def test_determinism(tmp_path):
    cfg = tiny(steps=6, train__instance_noise=0.3, train__noise_anneal_steps=4)
    a = run(cfg, tmp_path / "a")
    b = run(cfg, tmp_path / "b")
    assert_same_weights(weights(a), weights(b))
    assert_same_recording(a, b)
    c = run(tiny(steps=6, seed=4, train__instance_noise=0.3, train__noise_anneal_steps=4), tmp_path / "c")
    wa, wc = weights(a), weights(c)
    assert any(not torch.equal(wa["generator"][k], wc["generator"][k]) for k in wa["generator"])
    assert not np.array_equal(load(a)[-1].samples, load(c)[-1].samples)


@pytest.mark.parametrize(
    "overrides",
    [
        {
            "generator": ModelConfig(hidden=[8, 8], activation="relu", batch_norm=True),
            "discriminator": ModelConfig(hidden=[6, 6], maxout=3),
            "train__loss": "least_squares",
        },
        {"train__method": "vae", "latent": LatentConfig(dim=2)},
        {"train__method": "mmd", "train__mmd_bandwidths": [0.5, 1.0]},
    ],
    ids=["batchnorm-maxout", "vae", "mmd"],
)
def test_determinism_of_each_method(tmp_path, overrides):
    a = run(tiny(steps=4, **overrides), tmp_path / "a")
    b = run(tiny(steps=4, **overrides), tmp_path / "b")
    assert_same_weights(weights(a), weights(b))
    assert_same_recording(a, b)


def test_resume_matches_an_uninterrupted_run(tmp_path):
    full = run(tiny(steps=8), tmp_path / "full")
    part = tmp_path / "part"
    run(tiny(steps=3), part)  # stops after step 3 (off the every-2 grid: its final snapshot is redone)
    assert load_checkpoint(part / "checkpoint.pt")["step"] == 3
    run(tiny(steps=8), part, resume=True)
    assert_same_weights(weights(full), weights(part))
    assert_same_recording(full, part)


@pytest.mark.parametrize("method", ["gan", "mmd", "vae"])
def test_resume_after_a_crash(tmp_path, monkeypatch, method):
    """Checkpoint every step, die mid-run, resume: bit-identical weights and recording."""
    overrides = {"train__method": method, "train__d_optimizer__name": "sgd", "train__d_optimizer__momentum": 0.5}
    full = run(tiny(steps=7, **overrides), tmp_path / "full")
    monkeypatch.setattr(train, "CHECKPOINT_SECS", 0.0)

    def crash(step, scalars):
        if step == 5:
            raise KeyboardInterrupt

    crashed = tmp_path / "crashed"
    with pytest.raises(KeyboardInterrupt):
        run(tiny(steps=7, **overrides), crashed, progress=crash)
    assert load_checkpoint(crashed / "checkpoint.pt")["step"] == 4
    run(tiny(steps=7, **overrides), crashed, resume=True)
    assert_same_weights(weights(full), weights(crashed))
    assert_same_recording(full, crashed)


def test_resume_errors(tmp_path):
    out = run(tiny(steps=2), tmp_path / "r")
    with pytest.raises(GananimError, match="config differs.*train.batch_size"):
        run(tiny(steps=4, train__batch_size=8), out, resume=True)
    with pytest.raises(GananimError, match="already exists"):
        run(tiny(steps=2), out)
    run(tiny(steps=2), out, overwrite=True)
    with pytest.raises(GananimError):
        run(tiny(steps=2), out, overwrite=True, resume=True)


def files_of(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def killed_before_its_first_checkpoint(cfg, out, monkeypatch, at_step: int):
    """A run stopped at `at_step` before any checkpoint was due: manifest and chunks on disk, no checkpoint.pt."""
    monkeypatch.setattr(train, "CHECKPOINT_SECS", 1e9)

    def kill(step, scalars):
        if step == at_step:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(cfg, out, progress=kill)
    monkeypatch.undo()


def test_resume_without_a_checkpoint_starts_over(tmp_path, monkeypatch, caplog):
    """Issue 8: a run killed before its first checkpoint could neither be resumed ("no checkpoint") nor
    recorded again ("already exists"). --resume now starts it over from step 0 and says so."""
    full = run(tiny(steps=8), tmp_path / "full")
    out = tmp_path / "killed"
    killed_before_its_first_checkpoint(tiny(steps=8), out, monkeypatch, at_step=5)
    assert (out / "manifest.json").is_file() and list((out / "chunks").glob("*.npz"))
    assert not (out / "checkpoint.pt").exists()
    assert list(load(out).steps) == [0, 2, 4]
    with pytest.raises(GananimError, match="already exists"):
        run(tiny(steps=8), out)
    with caplog.at_level("WARNING", logger="gananim.lab.train"):
        run(tiny(steps=8), out, resume=True)
    notes = [r.getMessage() for r in caplog.records if r.name == "gananim.lab.train"]
    assert len(notes) == 1 and "starting over from step 0" in notes[0] and str(out) in notes[0]
    assert list(load(out).steps) == [0, 2, 4, 6, 8]  # complete and contiguous
    assert_same_weights(weights(full), weights(out))
    assert_same_recording(full, out)
    caplog.clear()
    with caplog.at_level("WARNING", logger="gananim.lab.train"):
        run(tiny(steps=2), tmp_path / "new", resume=True)  # nothing there at all: a plain start, said so
    assert list(load(tmp_path / "new").steps) == [0, 2]
    assert ["starting from step 0" in r.getMessage() for r in caplog.records] == [True]


def test_resume_without_a_checkpoint_refuses_what_is_not_this_runs(tmp_path, monkeypatch):
    """Starting over replaces only this run's partial recording; everything else is refused, untouched."""
    other = tmp_path / "other-config"
    killed_before_its_first_checkpoint(tiny(steps=8, seed=9), other, monkeypatch, at_step=3)
    done = run(tiny(steps=2), tmp_path / "done")
    (done / "checkpoint.pt").unlink()  # a finished recording whose checkpoint was deleted to save space
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("four years of work")
    (foreign / "manifest.json").write_text('{"name": "my web app"}')
    cases = [(other, "differs at seed"), (done, "recording is complete"), (foreign, "no readable gananim recording")]
    for folder, message in cases:
        before = files_of(folder)
        with pytest.raises(GananimError, match=message) as e:
            run(tiny(steps=8), folder, resume=True)
        assert "\n" not in str(e.value)
        assert files_of(folder) == before


def test_a_numerical_breakdown_is_one_line(tmp_path):
    """Issue 8: lr = 1e308 ended in a torch overflow traceback. Training that breaks down numerically
    ends in one GananimError naming the step and the learning rates; other errors pass unchanged."""
    cfg = tiny(steps=4)
    lab = LabState(cfg, make_target(cfg.target))
    lab.optimizers["discriminator"].param_groups[0]["lr"] = 1e300  # past float32: torch refuses it in the update
    with pytest.raises(
        GananimError, match=r"broke down numerically at step 1 \(.*overflow.*\): lower the learning rates"
    ) as e:
        with train.numbers_checked(lab, 1):
            train.iteration(lab, 1)
    assert "\n" not in str(e.value) and isinstance(e.value.__cause__, RuntimeError)
    with pytest.raises(RuntimeError, match="a bug"):  # not numerical: a bug keeps its traceback
        with train.numbers_checked(LabState(cfg, make_target(cfg.target)), 1):
            raise RuntimeError("a bug")
    # the config of the report, end to end: one line whichever check stops it first
    cfg.train.g_optimizer.lr = cfg.train.d_optimizer.lr = 1e308
    out = tmp_path / "huge-lr"
    with pytest.raises(GananimError) as e:
        run(cfg, out)
    assert "\n" not in str(e.value)
    stopped = re.search(r"broke down numerically at step (\d+)", str(e.value))
    if stopped:  # training met it (Adam's first steps overflow float32): the steps before it stay recorded
        assert 0 < int(stopped[1]) <= 2 and str(out) in str(e.value)
        assert list(load(out).steps) == [s for s in (0, 2) if s < int(stopped[1])]
    else:  # the config check met it: nothing was written
        assert not out.exists()


def test_what_torch_refuses_is_refused_before_anything_is_written(tmp_path):
    cfg = tiny()
    cfg.train.d_optimizer.betas = [5.0, -1.0]
    with pytest.raises(GananimError, match="(?i)beta") as e:
        run(cfg, tmp_path / "b")
    assert "\n" not in str(e.value)
    assert not (tmp_path / "b").exists()


def test_a_failed_checkpoint_write_leaves_no_temporary_file(tmp_path):
    (tmp_path / "checkpoint.pt").mkdir()  # the rename into place fails
    (tmp_path / "checkpoint.pt" / "x").write_text("x")
    with pytest.raises(GananimError, match="cannot write checkpoint"):
        save_checkpoint(tmp_path / "checkpoint.pt", {"step": 1})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]


def test_transform_method(tmp_path):
    cfg = tiny(
        steps=4,
        train__method="transform",
        latent=LatentConfig(dim=1, prior="uniform", low=0.0, high=1.0),
        target={"kind": "gaussian", "mean": [1.0], "sigma": 0.5},
    )
    out = run(cfg, tmp_path / "t")
    rec = load(out)
    assert list(rec.steps) == [0, 2, 4]
    u = rec.latent_grid[:, 0]
    p = np.clip(u, 1e-4, 1 - 1e-4)
    expected = [1.0 + 0.5 * torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(float(v))).item() for v in p]
    assert np.allclose(rec[-1].mapping[:, 0], expected, atol=1e-4)
    assert np.allclose(rec[0].mapping[:, 0], 1.0 + 0.5 * math.sqrt(12) * (u - 0.5), atol=1e-5)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"latent": LatentConfig(dim=2, prior="uniform")}, "1D uniform latent"),
        ({"latent": LatentConfig(dim=1, prior="normal")}, "1D uniform latent"),
        (
            {"latent": LatentConfig(dim=1, prior="uniform"), "target": {"kind": "ring", "n": 3, "sigma": 0.1}},
            "1D gaussian target",
        ),
    ],
)
def test_transform_needs_uniform_latent_and_gaussian(tmp_path, overrides, message):
    with pytest.raises(GananimError, match=message):
        run(tiny(train__method="transform", **overrides), tmp_path / "x")


def test_config_mistakes(tmp_path):
    with pytest.raises(GananimError, match="batch norm needs"):
        run(tiny(train__batch_size=1, generator=ModelConfig(hidden=[4], batch_norm=True)), tmp_path / "a")
    with pytest.raises(GananimError, match="mmd_bandwidths"):
        run(tiny(train__method="mmd", train__mmd_bandwidths=[]), tmp_path / "b")
    with pytest.raises(GananimError, match="view_box"):
        run(tiny(view_box=[[-1.0, 1.0], [-1.0, 1.0]]), tmp_path / "c")
    with pytest.raises(GananimError, match="seed"):
        run(tiny(seed=-1), tmp_path / "d")
