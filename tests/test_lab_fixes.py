"""The lab's mode-collapse fixes: Unrolled GAN (train.unroll_steps) and PacGAN (train.pack), their presets,
and the curvature setting of the seeds/004 presets."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.lab import game, presets, train
from gananim.lab.checkpoint import capture, load_checkpoint, restore, save_checkpoint
from gananim.lab.config import Config, LatentConfig, ModelConfig, OptimConfig, config_from_dict
from gananim.lab.models import PackedProbe, build_discriminator, pack_samples
from gananim.lab.state import LabState
from gananim.lab.train import fit, run
from gananim.lab.unrolled import unrolled_state
from gananim.record import objectives as losses
from gananim.recording.reader import load
from synthetic import shrunk


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def small(**overrides) -> Config:
    """A 2D GAN small enough that a run takes a fraction of a second (ring of 4, tanh MLPs)."""
    cfg = Config(name="small", seed=5, steps=6)
    cfg.target = {"kind": "ring", "n": 4, "radius": 1.0, "sigma": 0.05}
    cfg.view_box = [[-1.5, 1.5], [-1.5, 1.5]]
    cfg.latent = LatentConfig(dim=2)
    cfg.generator = ModelConfig(hidden=[8, 8], activation="tanh")
    cfg.discriminator = ModelConfig(hidden=[8, 8], activation="tanh")
    cfg.train.batch_size = 12
    cfg.train.d_optimizer = OptimConfig(name="adam", lr=1e-2)
    return shrunk(cfg, **overrides)


def lab_of(cfg: Config) -> LabState:
    return LabState(cfg, make_target(cfg.target))


def weights(out) -> dict:
    return load_checkpoint(out / "checkpoint.pt")["models"]


def assert_same_weights(a, b) -> None:
    assert a.keys() == b.keys()
    for name in a:
        for k in a[name]:
            assert torch.equal(a[name][k], b[name][k]), f"{name}.{k} differs"


def assert_same_recording(pa, pb) -> None:
    ra, rb = load(pa), load(pb)
    assert np.array_equal(ra.steps, rb.steps)
    for k in ra.scalars:
        assert np.array_equal(ra.scalars[k], rb.scalars[k], equal_nan=True), k
    for sa, sb in zip(ra, rb):
        for field in ("samples", "d_grid", "density", "g_grad"):
            assert np.array_equal(getattr(sa, field), getattr(sb, field)), f"{field} at step {sa.step}"


def g_grad(lab: LabState, z: torch.Tensor) -> torch.Tensor:
    """G's gradient of its loss on latents z, as the lab's G step computes it (D frozen, as in game.gan_step)."""
    G, D = lab.generator, lab.discriminator
    G.zero_grad(set_to_none=True)
    D.requires_grad_(False)
    try:
        game.generator_loss(lab, z).backward()
    finally:
        D.requires_grad_(True)
    return torch.cat([p.grad.reshape(-1) for p in G.parameters()])


def warmed(cfg: Config, steps: int = 3) -> LabState:
    """A lab after a few iterations (D's optimiser has moments)."""
    lab = lab_of(cfg)
    for step in range(1, steps + 1):
        train.iteration(lab, step)
    return lab


def with_state(lab: LabState, other: LabState) -> LabState:
    """Copy `other`'s models, optimisers and RNG states into `lab` (same architecture)."""
    restore(lab, copy.deepcopy(capture(other, 0)))
    return lab


# --- unrolled GAN ------------------------------------------------------------------------------


@pytest.mark.parametrize("unroll_optimizer", ["sgd", "adam"])
def test_unrolling_changes_the_generator_gradient(unroll_optimizer):
    """Same state, same latents: k = 3 gives another G gradient than k = 0, and the difference comes from
    differentiating THROUGH the unrolled steps (a detached look-ahead D gives yet another one)."""
    base = warmed(small())
    z = base.latents(12)
    plain = with_state(lab_of(small()), base)
    unrolled = with_state(lab_of(small(train__unroll_steps=3, train__unroll_optimizer=unroll_optimizer)), base)
    g0, gk = g_grad(plain, z), g_grad(unrolled, z)
    assert torch.isfinite(gk).all()
    assert not torch.allclose(g0, gk, rtol=1e-3, atol=1e-6)
    # the same look-ahead D, but with the fake batch cut out of the unrolled steps' graph
    lookahead = with_state(lab_of(small(train__unroll_steps=3, train__unroll_optimizer=unroll_optimizer)), base)
    G, D = lookahead.generator, lookahead.discriminator
    G.zero_grad(set_to_none=True)
    D.requires_grad_(False)
    fake = G(z)
    state = unrolled_state(lookahead, fake.detach(), 0.0, len(z))
    state = {k: v.detach() for k, v in state.items()}
    losses.g_loss("nonsaturating", torch.func.functional_call(D, state, (fake,))).backward()
    D.requires_grad_(True)
    g_detached = torch.cat([p.grad.reshape(-1) for p in G.parameters()])
    assert not torch.allclose(gk, g_detached, rtol=1e-3, atol=1e-6)


def test_each_unrolled_step_draws_a_fresh_real_batch():
    lab = warmed(small(train__unroll_steps=4))
    sizes = []
    real = lab.real
    lab.real = lambda n: sizes.append(n) or real(n)
    g_grad(lab, lab.latents(12))
    assert sizes == [12] * 4


@pytest.mark.parametrize("batch_norm", [False, True])
def test_unrolling_leaves_the_discriminator_untouched(batch_norm):
    """D's parameters, buffers (batch norm's running stats), .grad and optimiser state are as before."""
    d_model = ModelConfig(hidden=[8, 8], activation="relu", batch_norm=batch_norm)
    lab = warmed(small(train__unroll_steps=3, train__unroll_optimizer="adam", discriminator=d_model))
    D, opt = lab.discriminator, lab.optimizers["discriminator"]
    before = copy.deepcopy(D.state_dict())
    opt_before = copy.deepcopy(opt.state_dict())
    grads_before = [None if p.grad is None else p.grad.clone() for p in D.parameters()]
    g_grad(lab, lab.latents(12))
    after = D.state_dict()
    for k in before:
        assert torch.equal(before[k], after[k]), k
    for p, g in zip(D.parameters(), grads_before):  # nothing accumulated into D's .grad either
        assert (p.grad is None and g is None) or torch.equal(p.grad, g)
    assert all(p.requires_grad for p in D.parameters())
    for key, st in opt_before["state"].items():
        for name, value in st.items():
            assert torch.equal(torch.as_tensor(value), torch.as_tensor(opt.state_dict()["state"][key][name])), name


@pytest.mark.parametrize("unroll_optimizer", ["sgd", "adam"])
def test_one_unrolled_step_is_one_optimiser_step(unroll_optimizer):
    """k = 1: the unrolled parameters equal what D's update (SGD with D's lr, or D's own Adam) would make."""
    lab = warmed(small(train__unroll_steps=1, train__unroll_optimizer=unroll_optimizer))
    G, D = lab.generator, lab.discriminator
    with torch.no_grad():
        fake = G(lab.latents(12))
    rng_state = copy.deepcopy(lab.np_rng.bit_generator.state)
    unrolled = unrolled_state(lab, fake, 0.0, 12)
    lab.np_rng.bit_generator.state = rng_state
    real = lab.real(12)
    D2 = copy.deepcopy(D)
    if unroll_optimizer == "adam":
        opt = torch.optim.Adam(D2.parameters(), lr=1e-2)
        opt.load_state_dict(lab.optimizers["discriminator"].state_dict())
    else:
        opt = torch.optim.SGD(D2.parameters(), lr=1e-2)
    loss = losses.d_loss("nonsaturating", D2(real), D2(fake))
    opt.zero_grad()
    loss.backward()
    opt.step()
    for name, p in D2.named_parameters():
        assert torch.allclose(unrolled[name], p, rtol=1e-5, atol=1e-7), name


def test_unrolled_determinism_and_resume(tmp_path, monkeypatch):
    cfg = small(steps=6, train__unroll_steps=2, train__unroll_optimizer="adam", train__instance_noise=0.1)
    a = run(cfg, tmp_path / "a")
    b = run(cfg, tmp_path / "b")
    assert_same_weights(weights(a), weights(b))
    assert_same_recording(a, b)
    monkeypatch.setattr(train, "CHECKPOINT_SECS", 0.0)

    def crash(step, scalars):
        if step == 4:
            raise KeyboardInterrupt

    crashed = tmp_path / "crashed"
    with pytest.raises(KeyboardInterrupt):
        run(cfg, crashed, progress=crash)
    assert load_checkpoint(crashed / "checkpoint.pt")["step"] == 3
    run(cfg, crashed, resume=True)
    assert_same_weights(weights(a), weights(crashed))
    assert_same_recording(a, crashed)
    # and unrolling does change training
    plain = run(small(steps=6, train__instance_noise=0.1), tmp_path / "plain")
    assert any(
        not torch.equal(weights(a)["generator"][k], weights(plain)["generator"][k]) for k in weights(a)["generator"]
    )


# --- PacGAN ----------------------------------------------------------------------------------------


def test_packed_discriminator_shapes():
    D = build_discriminator(ModelConfig(hidden=[200, 200, 200], maxout=5), data_dim=2, pack=3)
    first = next(m for m in D if isinstance(m, nn.Linear))
    assert first.in_features == 6
    lab = lab_of(small(train__pack=2))
    assert next(m for m in lab.discriminator if isinstance(m, nn.Linear)).in_features == 4
    x = torch.arange(12.0).reshape(6, 2)
    assert torch.equal(pack_samples(x, 2), torch.tensor([[0.0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]))
    assert pack_samples(x, 1) is x
    with pytest.raises(GananimError):
        pack_samples(x, 4)


def test_packed_probe_repeats_each_point():
    D = build_discriminator(ModelConfig(hidden=[8]), data_dim=2, pack=3)
    probe = PackedProbe(D, 3)
    x = torch.randn(5, 2)
    assert torch.equal(probe(x), D(torch.cat([x, x, x], dim=1)))
    assert probe(x).shape == (5, 1)
    assert {id(p) for p in probe.parameters()} == {id(p) for p in D.parameters()}
    D1 = build_discriminator(ModelConfig(hidden=[8]), data_dim=1, pack=2)
    t = torch.randn(4)
    assert torch.equal(PackedProbe(D1, 2)(t), D1(torch.stack([t, t], dim=1)))
    lab = lab_of(small(train__pack=2))
    assert isinstance(lab.probe_discriminator, PackedProbe) and lab.probe_discriminator.pack == 2
    plain = lab_of(small())
    assert plain.probe_discriminator is plain.discriminator  # unpacked: D itself


def test_training_feeds_packs_to_the_discriminator():
    lab = lab_of(small(train__pack=2, train__batch_size=5))
    shapes = []
    lab.discriminator.register_forward_hook(lambda m, args, out: shapes.append(tuple(args[0].shape)))
    train.iteration(lab, 1)
    assert shapes and set(shapes) == {(5, 4)}  # 5 packs of 2 two-dimensional samples


def test_packed_run_records_and_is_deterministic(tmp_path):
    cfg = small(steps=4, train__pack=2)
    a = run(cfg, tmp_path / "a")
    b = run(cfg, tmp_path / "b")
    rec = load(a)
    assert rec[-1].d_grid.shape == (8, 8) and np.isfinite(rec[-1].d_grid).all()
    assert rec[-1].g_grad.shape == (16, 2) and np.isfinite(rec.scalars["d_real"]).all()
    assert_same_weights(weights(a), weights(b))
    assert_same_recording(a, b)


def test_pack_and_unroll_together(tmp_path):
    out = run(small(steps=2, train__pack=2, train__unroll_steps=2), tmp_path / "both")
    assert np.isfinite(load(out)[-1].samples).all()


# --- fit, old checkpoints ------------------------------------------------------------------------


def test_fit_ends_with_the_weights_run_ends_with(tmp_path):
    cfg = small(steps=4, train__pack=2)
    out = run(cfg, tmp_path / "r")
    lab = fit(cfg)
    assert_same_weights(weights(out), {k: m.state_dict() for k, m in lab.models.items()})


def test_a_checkpoint_from_before_the_new_keys_resumes(tmp_path):
    full = run(small(steps=6), tmp_path / "full")
    part = tmp_path / "part"
    run(small(steps=4), part)
    ckpt = load_checkpoint(part / "checkpoint.pt")
    for key in ("unroll_steps", "unroll_optimizer", "pack"):
        del ckpt["config"]["train"][key]
    save_checkpoint(part / "checkpoint.pt", ckpt)
    run(small(steps=6), part, resume=True)
    assert_same_weights(weights(full), weights(part))
    with pytest.raises(GananimError, match="train.pack"):
        run(small(steps=8, train__pack=2), part, resume=True)


# --- presets and validation --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ring8-unrolled", "ring8-pac"])
def test_fix_presets_load_validate_and_run(name, tmp_path):
    cfg = presets.load_preset(name)
    assert cfg.validate() is cfg
    assert presets.preset_path(name).read_text().startswith(f"# {name}:")
    ring8 = presets.load_preset("ring8").to_dict()
    mine = cfg.to_dict()
    for d in (ring8, mine):
        for key in ("name", "description"):
            d.pop(key)
        for key in ("unroll_steps", "unroll_optimizer", "pack"):
            d["train"].pop(key)
    assert mine == ring8  # everything but the fix is ring8's
    if name == "ring8-unrolled":
        assert (cfg.train.unroll_steps, cfg.train.unroll_optimizer, cfg.train.pack) == (5, "adam", 1)
    else:
        assert (cfg.train.unroll_steps, cfg.train.pack) == (0, 2)
    cfg.steps = 3
    cfg.train.batch_size = 16
    cfg.record.every = 1
    cfg.record.n_samples = 16
    cfg.record.grid_size = 8
    cfg.record.latent_grid = 3
    cfg.record.density_samples = 64
    rec = load(run(cfg, tmp_path / name))
    assert list(rec.steps) == [0, 1, 2, 3]
    assert np.isfinite(rec[-1].samples).all() and rec[-1].d_grid.shape == (8, 8)


def test_seed004_presets_record_curvature_every_10(tmp_path):
    for name in ("goodfellow-1d", "strong-d", "strong-g", "noisy"):
        assert presets.load_preset(name).record.curvature_every == 10
    cfg = presets.load_preset("goodfellow-1d")
    cfg.steps = 12
    cfg.record.every = 5
    cfg.record.n_samples = 16
    cfg.record.grid_size = 8
    cfg.record.density_samples = 64
    rec = load(run(cfg, tmp_path / "gf"))
    assert list(rec.steps) == [0, 5, 10, 12]
    h = rec.scalars["hessian_eig_min"]
    assert np.isfinite(h[[0, 2]]).all() and np.isnan(h[[1, 3]]).all()  # due at steps 0 and 10 only
    assert rec[2].hessian_eigs.shape == (4,)


@pytest.mark.parametrize(
    "train_overrides, message",
    [
        ({"pack": 0}, "train.pack must be >= 1"),
        ({"unroll_steps": -1}, "train.unroll_steps must be >= 0"),
        ({"method": "mmd", "unroll_steps": 2}, "unroll_steps needs method 'gan'"),
        ({"method": "vae", "pack": 2}, "pack needs method 'gan'"),
        ({"unroll_steps": 2, "unroll_optimizer": "rmsprop"}, "unroll_optimizer must be"),
        (
            {"unroll_steps": 2, "unroll_optimizer": "adam", "d_optimizer": {"name": "sgd", "lr": 0.1}},
            "needs train.d_optimizer.name = 'adam'",
        ),
    ],
)
def test_validation_errors(train_overrides, message):
    data = presets.load_preset("ring8").to_dict()
    data["train"].update(train_overrides)
    with pytest.raises(GananimError, match=message):
        config_from_dict(data)
    with pytest.raises(GananimError, match="must be an integer"):
        config_from_dict({"train": {"pack": 2.5}})
