"""The Recorder: snapshot contents on known generators, untouched training, hooks, resume, crash safety."""

import dataclasses
import math
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.record import objectives

RING = {"kind": "ring", "n": 8, "radius": 1.0, "sigma": 0.05}
SMALL = ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=500, real_samples=64)


class Affine(nn.Module):
    """A generator that is a known function: G(z) = z * scale + shift."""

    def __init__(self, scale, shift):
        super().__init__()
        self.lin = nn.Linear(len(scale), len(scale))
        with torch.no_grad():
            self.lin.weight.copy_(torch.diag(torch.tensor(scale, dtype=torch.float32)))
            self.lin.bias.copy_(torch.tensor(shift, dtype=torch.float32))

    def forward(self, z):
        return self.lin(z)


def mlp(i, o, *extra):
    return nn.Sequential(nn.Linear(i, 16), nn.LeakyReLU(0.2), nn.Linear(16, o), *extra)


def test_snapshot_of_a_known_generator(tmp_path):
    G = Affine([0.5, 2.0], [1.0, -1.0])
    D = mlp(2, 1)
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), every=5, probes=SMALL) as rec:
        for step in range(11):
            rec.step(step, d_loss=torch.tensor(0.25), g_loss=step)
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 5, 10]
    snap = r[0]
    np.testing.assert_allclose(snap.samples, r.latents * [0.5, 2.0] + [1.0, -1.0], atol=1e-6)
    np.testing.assert_allclose(snap.mapping, r.latent_grid * [0.5, 2.0] + [1.0, -1.0], atol=1e-6)
    assert r.latent_grid.shape == (25, 2) and r.latent_grid.min() == -2 and r.latent_grid.max() == 2
    assert snap.d_grid.shape == (8, 8) and snap.density.shape == (8, 8)
    assert ((snap.d_grid > 0) & (snap.d_grid < 1)).all()
    assert snap.g_grad.shape == (16, 2)
    assert r.scalars["d_loss"].tolist() == [0.25] * 3 and r.scalars["g_loss"].tolist() == [0, 5, 10]
    for name in ("d_real", "d_fake", "value", "g_grad_norm", "d_grad_norm"):
        assert np.isfinite(r.scalars[name]).all(), name
    assert r.manifest["d_output"] == "logits" and r.manifest["target"]["kind"] == "ring"
    assert r.modes.shape == (8, 2) and r.data_density.shape == (8, 8)


def test_density_is_the_histogram_of_the_generated_batch(tmp_path):
    """A generator that sends everything to one point puts all density in that point's cell."""
    G = Affine([0.0, 0.0], [0.3, 0.3])
    with Recorder(tmp_path / "r", G, data=[(-1, 1), (-1, 1)], probes=SMALL) as rec:
        rec.step(0)
    snap = gananim.load(tmp_path / "r")[0]
    cell = 2 / 8
    assert snap.density[5, 5] == pytest.approx(1 / cell**2) and snap.density.sum() * cell**2 == pytest.approx(1)
    assert snap.d_grid is None


def test_d_grid_holds_probabilities_for_logit_and_sigmoid_discriminators(tmp_path):
    G = Affine([1.0], [0.0])
    w = nn.Linear(1, 1)
    with torch.no_grad():
        w.weight.fill_(2.0)
        w.bias.fill_(-1.0)
    for name, D, expect in (("logits", w, "logits"), ("probs", nn.Sequential(w, nn.Sigmoid()), "probs")):
        with Recorder(tmp_path / name, G, D, data=[(-3, 3)], probes=SMALL) as rec:
            rec.step(0)
        r = gananim.load(tmp_path / name)
        assert r.manifest["d_output"] == expect
        x = r.grid.points()[:, 0]
        np.testing.assert_allclose(r[0].d_grid, 1 / (1 + np.exp(-(2 * x - 1))), rtol=1e-4)


@pytest.mark.parametrize("latent_dim", [1, 2, 15])
def test_latent_dimensions(tmp_path, latent_dim):
    G = mlp(latent_dim, 2)
    with Recorder(tmp_path / "r", G, mlp(2, 1), data=make_target(RING), probes=SMALL) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    assert r.latents.shape == (16, latent_dim)
    assert r.latent_grid.shape == ((5, latent_dim) if latent_dim == 1 else (25, latent_dim))
    assert r[0].mapping.shape == (len(r.latent_grid), 2)
    if latent_dim > 2:  # the grid lies on a 2D plane through the origin spanned by orthonormal directions
        plane = r.fixed["latent_plane"]
        np.testing.assert_allclose(plane @ plane.T, np.eye(2), atol=1e-5)
        np.testing.assert_allclose(r.latent_grid, r.fixed["latent_grid_coords"] @ plane, atol=1e-5)


def test_data_as_samples_or_view_box(tmp_path):
    real = np.random.default_rng(0).normal(3, 0.5, size=(400, 1))
    with Recorder(tmp_path / "a", mlp(1, 1), mlp(1, 1), data=real, probes=SMALL) as rec:
        rec.step(0)
    a = gananim.load(tmp_path / "a")
    ((lo, hi),) = a.view_box
    assert lo < 2 and hi > 4 and "d_real" in a.scalars
    with Recorder(tmp_path / "b", mlp(1, 2), mlp(2, 1), data=[(-1.5, 2.5), (-1, 1.5)], probes=SMALL) as rec:
        rec.step(0)
    b = gananim.load(tmp_path / "b")
    assert b.view_box == ((-1.5, 2.5), (-1.0, 1.5)) and "d_real" not in b.scalars and "d_fake" in b.scalars


@pytest.mark.parametrize(
    "G, data, match",
    [
        (lambda: mlp(2, 3), [(-1, 1), (-1, 1)], "1D or 2D"),
        (lambda: mlp(2, 2), [(-1, 1)], "view box has 1 dimension"),
        (lambda: mlp(2, 2), None, "view box"),
        (
            lambda: mlp(2, 2),
            np.zeros((10, 3)),
            r"data.s samples have shape \(3,\) but the generator outputs 2",
        ),  # 3 numbers each: disagree
        (lambda: mlp(2, 2), [(1, -1), (0, 1)], "low < high"),
    ],
)
def test_unsupported_set_ups_get_clear_errors(tmp_path, G, data, match):
    with pytest.raises(GananimError, match=match):
        Recorder(tmp_path / "r", G(), data=data, probes=SMALL)
    assert not (tmp_path / "r").exists()


def train(recorder_path=None, steps=30, loss="nonsaturating", sigmoid_d=False, curvature_every=0):
    """A tiny GAN loop with dropout and batch norm; optionally recorded. Returns the final weights and the next RNG draw."""
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 2))
    D = nn.Sequential(
        nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Dropout(0.2), nn.Linear(16, 1), *([nn.Sigmoid()] if sigmoid_d else [])
    )
    D.eval()  # a user's odd choice of modes must survive recording too
    target = make_target(RING)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    bce = nn.BCELoss() if sigmoid_d else nn.BCEWithLogitsLoss()
    probes = dataclasses.replace(SMALL, curvature_every=curvature_every)
    rec = Recorder(recorder_path, G, D, data=target, every=3, loss=loss, probes=probes) if recorder_path else None
    for step in range(steps):
        real = torch.as_tensor(target.sample(32, np.random.default_rng(step)), dtype=torch.float32)
        fake = G(torch.randn(32, 2))
        d_loss = bce(D(real), torch.ones(32, 1)) + bce(D(fake.detach()), torch.zeros(32, 1))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()  # noqa: E702
        g_loss = bce(D(fake), torch.ones(32, 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()  # noqa: E702
        if rec:
            rec.step(step, d_loss=d_loss, g_loss=g_loss)
    if rec:
        rec.close()
    assert G.training and not D.training
    return [p.detach().clone() for p in (*G.parameters(), *D.parameters())] + [G[1].running_mean.clone()], torch.rand(3)


@pytest.mark.parametrize(
    "loss, sigmoid_d, curvature_every",
    [
        ("nonsaturating", False, 6),  # and the curvature probes (exact Hessian: 179 parameters)
        ("minimax", True, 0),  # D returns probabilities
        ("least_squares", False, 0),  # D's raw scores (curvature is refused for LSGAN: it has no V)
    ],
)
def test_recording_does_not_change_training(tmp_path, loss, sigmoid_d, curvature_every):
    plain_weights, plain_rng = train(loss=loss, sigmoid_d=sigmoid_d)
    rec_weights, rec_rng = train(tmp_path / "r", loss=loss, sigmoid_d=sigmoid_d, curvature_every=curvature_every)
    assert all(torch.equal(a, b) for a, b in zip(plain_weights, rec_weights))
    assert torch.equal(plain_rng, rec_rng)  # the global RNG stream is where it would have been
    r = gananim.load(tmp_path / "r")
    assert len(r) == 11  # steps 0, 3, ..., 27 and the final step 29
    assert np.isfinite(r.scalars["g_grad_norm"]).all() and np.isfinite(r.scalars["d_grad_norm"]).all()
    if curvature_every:
        assert np.isfinite(r[0].hessian_eigs).all() and np.isnan(r[1].hessian_eigs).all()


# least_squares stores D's raw scores, its own arrows and objective: tests/test_lsgan.py checks them against autograd
@pytest.mark.parametrize("loss", ["nonsaturating", "minimax"])
def test_gradient_probes_equal_direct_autograd(tmp_path, loss):
    """The probes give what plain autograd gives: arrows on the first arrow_samples stored samples (NaN rows after),
    D(fake) and V on those samples against the real batch, the gradient norms on balanced batches (the first
    grad_samples stored samples against as many real ones)."""
    torch.manual_seed(1)
    G, D = mlp(3, 2), mlp(2, 1)
    probes = dataclasses.replace(SMALL, n_samples=40, real_samples=24, grad_samples=16, arrow_samples=30)
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), loss=loss, probes=probes) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    z, real = torch.as_tensor(r.latents), torch.as_tensor(r.fixed["data_samples"])
    fake = G(z)
    x = fake.detach().requires_grad_(True)
    (arrows,) = torch.autograd.grad(nn.functional.logsigmoid(D(x)).sum(), x)
    g_grads = torch.autograd.grad(objectives.g_loss(loss, D(fake[:16]).reshape(-1)), list(G.parameters()))
    d_loss = objectives.d_loss(loss, D(real[:16]).reshape(-1), D(fake[:16].detach()).reshape(-1))
    d_grads = torch.autograd.grad(d_loss, list(D.parameters()))
    s = {k: v[0] for k, v in r.scalars.items()}
    assert r[0].g_grad.shape == (40, 2) and len(real) == 24
    assert r.manifest["g_grad_rows"] == 30 and r.manifest["grad_samples"] == 16
    np.testing.assert_allclose(r[0].g_grad[:30], arrows[:30].numpy(), rtol=1e-4, atol=1e-7)
    assert np.isnan(r[0].g_grad[30:]).all()
    np.testing.assert_allclose(r[0].samples, fake.detach().numpy(), rtol=1e-5, atol=1e-6)  # gradient batch included
    assert s["g_grad_norm"] == pytest.approx(float(torch.sqrt(sum((g**2).sum() for g in g_grads))), rel=1e-4)
    assert s["d_grad_norm"] == pytest.approx(float(torch.sqrt(sum((g**2).sum() for g in d_grads))), rel=1e-4)
    assert s["value"] == pytest.approx(objectives.value(D(real).reshape(-1), D(fake[:30]).reshape(-1)).item(), rel=1e-5)
    assert s["d_fake"] == pytest.approx(torch.sigmoid(D(fake[:30])).mean().item(), rel=1e-5)
    assert s["d_real"] == pytest.approx(torch.sigmoid(D(real)).mean().item(), rel=1e-5)


class Constant(nn.Module):
    """A discriminator that ignores its input: D(x) = sigmoid(b) everywhere."""

    def __init__(self):
        super().__init__()
        self.b = nn.Parameter(torch.tensor(0.3))

    def forward(self, x):
        return self.b.expand(len(x))


def test_discriminator_that_ignores_its_input(tmp_path):
    """autograd.grad to inputs D never used raised a bare RuntimeError; the arrows are zero, the norms recorded."""
    with Recorder(tmp_path / "r", mlp(2, 2), Constant(), data=make_target(RING), probes=SMALL) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    assert (r[0].g_grad == 0).all() and r.scalars["g_grad_norm"][0] == 0
    assert r.scalars["d_grad_norm"][0] > 0 and r.scalars["d_fake"][0] == pytest.approx(1 / (1 + math.exp(-0.3)))


def test_density_is_the_histogram_of_the_stored_samples(tmp_path):
    """By default the density costs no generator call of its own, and anyone can recompute it from the samples."""
    assert ProbeOptions().density_samples == ProbeOptions().n_samples
    G = mlp(2, 2)
    with Recorder(
        tmp_path / "r", G, data=make_target(RING), every=1, probes=dataclasses.replace(SMALL, density_samples=16)
    ) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    np.testing.assert_allclose(r[0].density, r.grid.histogram(r[0].samples), rtol=1e-6)


def test_grid_size_by_data_dimension_and_kept_on_resume(tmp_path):
    """grid_size 0 (the default): 32 x 32 in 2D, 64 in 1D; a size given wins; a resumed recording keeps its grid."""
    opts = dataclasses.replace(SMALL, grid_size=ProbeOptions().grid_size)
    assert opts.grid_size == 0
    with Recorder(tmp_path / "2d", mlp(2, 2), data=make_target(RING), probes=opts) as rec:
        rec.step(0)
    with Recorder(tmp_path / "1d", mlp(1, 1), data=[(-1, 1)], probes=opts) as rec:
        rec.step(0)
    assert gananim.load(tmp_path / "2d")[0].density.shape == (32, 32) and gananim.load(tmp_path / "1d").grid.size == 64
    with Recorder(
        tmp_path / "old", mlp(2, 2), mlp(2, 1), data=make_target(RING), probes=dataclasses.replace(opts, grid_size=64)
    ) as rec:
        rec.step(0)
    with Recorder(tmp_path / "old", mlp(2, 2), mlp(2, 1), data=make_target(RING), probes=opts, resume=True) as rec:
        rec.step(1)
    r = gananim.load(tmp_path / "old")
    assert r.steps.tolist() == [0, 1] and r[1].d_grid.shape == (64, 64)


def test_attach_records_a_loop_it_cannot_edit(tmp_path):
    G, D = mlp(2, 2), mlp(2, 1)
    opt = torch.optim.SGD(G.parameters(), lr=0.1)

    def closed_train_method():
        for _ in range(10):
            opt.zero_grad()
            (-D(G(torch.randn(8, 2))).mean()).backward()
            opt.step()

    with Recorder(tmp_path / "r", G, D, data=make_target(RING), every=4, probes=SMALL).attach(opt):
        closed_train_method()
    assert not opt._optimizer_step_post_hooks  # leaving the block removed the hook
    assert gananim.load(tmp_path / "r").steps.tolist() == [0, 4, 8, 10]


def test_resume_drops_snapshots_at_or_after_the_resumed_step(tmp_path):
    G, D = mlp(2, 2), mlp(2, 1)
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), every=2, probes=SMALL) as rec:
        for step in range(11):
            rec.step(step, tag=1)
    latents = gananim.load(tmp_path / "r").latents
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), every=2, resume=True, seed=5, probes=SMALL) as rec:
        for step in range(6, 9):  # training resumed from its step-6 checkpoint
            rec.step(step, tag=2)
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 2, 4, 6, 8]
    assert r.scalars["tag"].tolist() == [1, 1, 1, 2, 2]
    np.testing.assert_array_equal(r.latents, latents)  # the resumed run keeps the recording's fixed latents


def test_existing_recording_is_refused(tmp_path):
    with Recorder(tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], probes=SMALL) as rec:
        rec.step(0)
    with pytest.raises(GananimError, match="already exists"):
        Recorder(tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], probes=SMALL)
    assert len(gananim.load(tmp_path / "r")) == 1


def test_diverged_generator_is_recorded_not_fatal(tmp_path):
    G = Affine([1.0, 1.0], [0.0, 0.0])
    with torch.no_grad():
        G.lin.bias[0] = float("nan")
    with Recorder(tmp_path / "r", G, mlp(2, 1), data=make_target(RING), probes=SMALL) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    assert np.isnan(r[0].samples).any() and r.scalars["nonfinite_share"][0] == 1.0
    assert r[0].density.sum() == 0


CRASHING_LOOP = textwrap.dedent("""
    import sys, time, torch
    from torch import nn
    from gananim import ProbeOptions, Recorder
    from gananim.kinds.points.targets import make_target
    G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    D = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    rec = Recorder(sys.argv[1], G, D, data=make_target({"kind": "ring", "n": 8, "sigma": 0.05}), every=1,
                   probes=ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, flush_secs=0.05, chunk_size=4))
    step = 0
    while True:
        rec.step(step, d_loss=float(step))
        step += 1
        time.sleep(0.01)
""")


def test_sigkill_mid_run_leaves_a_loadable_recording(tmp_path):
    path = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_LOOP, str(path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        seen = 0
        while seen < 12 and time.monotonic() < deadline:  # read while it is being written
            time.sleep(0.1)
            if (path / "manifest.json").exists():
                seen = len(gananim.load(path))
        assert seen >= 12, proc.stderr.read() if proc.poll() is not None else "too slow"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    r = gananim.load(path)
    assert len(r) >= seen
    assert r.steps.tolist() == list(range(len(r)))
    assert r.scalars["d_loss"].tolist() == list(range(len(r)))
    assert np.isfinite(r[-1].samples).all()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_models_on_the_gpu(tmp_path):
    G, D = mlp(2, 2).cuda(), mlp(2, 1).cuda()
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), probes=SMALL) as rec:
        rec.step(0)
    assert gananim.load(tmp_path / "r")[0].samples.shape == (16, 2)


def test_snapshots_hold_probes_not_metrics(tmp_path):
    """Metrics are computed after the fact from the stored arrays: training pays only for the probes."""
    with Recorder(tmp_path / "r", mlp(2, 2), mlp(2, 1), data=make_target(RING), probes=SMALL) as rec:
        rec.step(0, d_loss=1.0)
    r = gananim.load(tmp_path / "r")
    assert set(r.scalars) == {"d_loss", "d_real", "d_fake", "value", "g_grad_norm", "d_grad_norm", "nonfinite_share"}
    assert r[0].samples.shape == (16, 2) and r.manifest["n_samples"] == 16


def test_default_sample_count_is_the_protocols():
    """The VEEGAN/PacGAN protocol scores 2,500 samples: the default stores that many, so the metric is recomputable."""
    from gananim.kinds.points.metrics import PROTOCOL_SAMPLES

    assert ProbeOptions().n_samples == PROTOCOL_SAMPLES


def test_curvature_every_k_steps(tmp_path):
    """The linear Goodfellow game: Hessian eigenvalues of V every 2 steps match gananim.record.curvature directly."""
    from gananim.record import curvature

    G, D = nn.Linear(1, 1), nn.Linear(1, 1)
    target = make_target({"kind": "gaussian", "mean": [5.0], "sigma": 1.0})
    with Recorder(
        tmp_path / "r",
        G,
        D,
        data=target,
        every=1,
        prior="uniform",
        probes=dataclasses.replace(SMALL, curvature_every=2, curvature_k=3),
    ) as rec:
        for step in range(4):
            rec.step(step)
    r = gananim.load(tmp_path / "r")
    expect = curvature.value_hessian_eigs(G, D, torch.as_tensor(r.latents), torch.as_tensor(r.fixed["data_samples"]))
    np.testing.assert_allclose(r[2].hessian_eigs, expect, rtol=1e-4, atol=1e-6)
    assert r[0].game_eigs.shape == (3,) and np.isfinite(r[0].game_eigs).all()
    assert np.isnan(r[1].game_eigs).all() and np.isnan(r[1].hessian_eigs).all()  # step 1: not due
    assert r.scalars["hessian_eig_min"][2] == pytest.approx(expect[0], rel=1e-4)


# --- issue 8: misuses of the Recorder API end in one clear GananimError ---------------------------------------


class Doubler(nn.Module):
    """A generator without parameters: G(z) = 2z."""

    def forward(self, z):
        return 2 * z


class TwoScores(nn.Module):
    """A discriminator that returns two numbers per sample."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)

    def forward(self, x):
        return self.lin(x)


def test_generator_without_parameters_is_recorded(tmp_path):
    """next(G.parameters()) used to raise StopIteration; the device now comes from buffers, else the CPU."""
    with Recorder(tmp_path / "r", Doubler(), mlp(2, 1), data=make_target(RING), latent_dim=2, probes=SMALL) as rec:
        rec.step(0)
    r = gananim.load(tmp_path / "r")
    np.testing.assert_allclose(r[0].samples, 2 * r.latents, atol=1e-6)
    assert np.isnan(r.scalars["g_grad_norm"][0]) and np.isfinite(r.scalars["d_grad_norm"][0])
    with pytest.raises(GananimError, match="pass latent_dim="):
        Recorder(tmp_path / "s", Doubler(), data=make_target(RING), probes=SMALL)


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (lambda: (mlp(2, 2), None), {"latent_dim": -1}, r"latent_dim must be a positive integer .* got -1"),
        (lambda: (mlp(2, 2), None), {"latent_dim": 0}, r"latent_dim must be a positive integer .* got 0"),
        (lambda: (mlp(2, 2), TwoScores()), {}, r"returned shape \(2, 2\) .* one score per sample, \(2,\) or \(2, 1\)"),
        (
            lambda: (mlp(2, 2), None),
            {"probes": dataclasses.replace(SMALL, density_samples=0)},
            "density_samples must be an integer from 1 to",
        ),
        (
            lambda: (mlp(2, 2), None),
            {"probes": dataclasses.replace(SMALL, grid_size=2)},
            "grid_size must be an integer from 4 to",
        ),
        (
            lambda: (mlp(2, 2), None),
            {"probes": dataclasses.replace(SMALL, arrow_samples=0)},
            "arrow_samples must be an integer from 1 to",
        ),
        (
            lambda: (mlp(2, 2), None),
            {"probes": dataclasses.replace(SMALL, grad_samples=1.5)},
            "grad_samples must be an integer from 1 to",
        ),
        (
            lambda: (mlp(2, 2), None),
            {"probes": dataclasses.replace(SMALL, flush_secs=float("nan"))},
            "flush_secs must be a finite",
        ),
        (lambda: (mlp(2, 2), None), {"every": 0}, "every must be an integer >= 1"),
        (lambda: (mlp(2, 2), None), {"loss": "wasserstien"}, "loss must be one of"),
        (lambda: (mlp(2, 2), None), {"probes": {"n_samples": 16}}, "probes must be a gananim.ProbeOptions"),
        (lambda: (lambda z: z, None), {}, "generator must be a torch.nn.Module, got function"),
    ],
)
def test_bad_recorder_arguments(tmp_path, make, kwargs, match):
    G, D = make()
    kwargs = {"probes": SMALL} | kwargs
    with pytest.raises(GananimError, match=match):
        Recorder(tmp_path / "r", G, D, data=make_target(RING), **kwargs)
    assert not (tmp_path / "r").exists()  # refused before anything is written


def test_three_dimensional_view_box_says_what_is_supported(tmp_path):
    """Three (low, high) pairs were taken as three samples ("the points do not spread in every dimension")."""
    for box in ([(-1, 1), (-1, 1), (-1, 1)], None):
        with pytest.raises(GananimError, match=r"^gananim records 1D or 2D data \(got a 3-dimensional view box\)$"):
            Recorder(
                tmp_path / "r",
                mlp(2, 2),
                data=box or make_target(RING),
                view_box=None if box else [(-1, 1)] * 3,
                probes=SMALL,
            )
    assert not (tmp_path / "r").exists()


def test_step_after_close_is_refused(tmp_path):
    rec = Recorder(tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], every=1, probes=SMALL)
    rec.step(0)
    rec.close()
    for call in (lambda: rec.step(1), lambda: rec.snapshot(1)):
        with pytest.raises(GananimError, match="Recorder is closed; .*resume=True"):
            call()
    rec.close()  # closing again is harmless
    assert gananim.load(tmp_path / "r").steps.tolist() == [0]


@pytest.mark.parametrize(
    "steps, match",
    [
        ([0, 5, 3], r"^step 3 came after step 5: steps must increase"),  # a snapshot-free step going back
        ([0, 1, 1], r"^step 1 came after step 1: steps must increase"),
        ([10, 0], r"^step 0 came after step 10: steps must increase"),  # a snapshot step going back
    ],
)
def test_steps_going_backwards_are_refused(tmp_path, steps, match):
    with Recorder(tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], every=2, probes=SMALL) as rec:
        for step in steps[:-1]:
            rec.step(step)
        with pytest.raises(GananimError, match=match):
            rec.step(steps[-1])
    assert gananim.load(tmp_path / "r").steps.tolist() == sorted({s for s in steps[:-1] if s % 2 == 0} | {steps[-2]})


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16])
def test_models_are_probed_in_their_own_precision(tmp_path, dtype):
    """float64 and float16 models got a misleading "pass latent_dim=" hint; they are probed as they are."""
    G, D = Affine([0.5, 2.0], [1.0, -1.0]).to(dtype), mlp(2, 1).to(dtype)
    with Recorder(tmp_path / "r", G, D, data=make_target(RING), every=1, probes=SMALL) as rec:
        rec.step(0)
        rec.step(1)
    r = gananim.load(tmp_path / "r")
    assert r[0].samples.dtype == np.float32 and r.latents.dtype == np.float32
    np.testing.assert_allclose(
        r[1].samples, r.latents * [0.5, 2.0] + [1.0, -1.0], atol=1e-2 if dtype == torch.float16 else 1e-6
    )
    for name in ("d_real", "d_fake", "value", "g_grad_norm", "d_grad_norm"):
        assert np.isfinite(r.scalars[name]).all(), name
    assert ((r[0].d_grid > 0) & (r[0].d_grid < 1)).all() and np.isfinite(r[0].g_grad).all()


@pytest.mark.parametrize("name", ["evry", "with_metrics", "n_samples"])  # the last two: 0.1.0's, never published
def test_unknown_arguments_are_pythons_type_error(tmp_path, name):
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'"):
        Recorder(tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], probes=SMALL, **{name: 5})
    assert not (tmp_path / "r").exists()


def test_every_argument_wins_over_the_options(tmp_path):
    with Recorder(
        tmp_path / "r", mlp(2, 2), data=[(-1, 1), (-1, 1)], every=2, probes=dataclasses.replace(SMALL, every=3)
    ) as rec:
        for step in range(5):
            rec.step(step)
    assert gananim.load(tmp_path / "r").steps.tolist() == [0, 2, 4]
    with Recorder(
        tmp_path / "s", mlp(2, 2), data=[(-1, 1), (-1, 1)], probes=dataclasses.replace(SMALL, every=3)
    ) as rec:
        for step in range(5):
            rec.step(step)
    assert gananim.load(tmp_path / "s").steps.tolist() == [0, 3, 4]
