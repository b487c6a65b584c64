"""Losses and critics (issue 20, point 1): the games a Recorder accepts, what a critic's snapshot stores, how zero-edit
reads the game from the losses' graphs, and the words every view puts on a critic's numbers."""

import json
import math
import textwrap

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.analysis import analyse
from gananim.cli.commands import main
from gananim.errors import GananimError
from gananim.kinds.points.views.d_scale import DScale
from gananim.record import objectives
from gananim.record.game_graph import game_of_d_loss, ops_above
from gananim.recording.game import game_of, loss_family
from gananim.rendering.views.dashboard import available_panels

SMALL = ProbeOptions(n_samples=64, grid_size=8, latent_grid=5, density_samples=64, real_samples=64, arrow_samples=32)
MOONS = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)


def mlp(i, o):
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(i, 16), nn.LeakyReLU(0.2), nn.Linear(16, o))


def test_the_critics_losses_against_hand_computed_values():
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([-1.0, 0.5])  # E real 1, E fake −0.25
    assert objectives.d_loss("wasserstein", real, fake).item() == pytest.approx(-0.25 - 1.0)
    assert objectives.g_loss("wasserstein", fake).item() == pytest.approx(0.25)
    # hinge: relu(1 − 2) = 0, relu(1 − 0) = 1 → 0.5; relu(1 − 1) = 0, relu(1 + 0.5) = 1.5 → 0.75
    assert objectives.d_loss("hinge", real, fake).item() == pytest.approx(0.5 + 0.75)
    assert objectives.g_loss("hinge", fake).item() == pytest.approx(0.25)
    # relativistic average at equal scores: every D_ra is ½, so each side costs log 2 and V is −2 log 2
    same = torch.tensor([0.3, 0.3])
    assert objectives.d_loss("relativistic_average", same, same).item() == pytest.approx(2 * math.log(2))
    assert objectives.g_loss("relativistic_average", same, same).item() == pytest.approx(2 * math.log(2))
    assert objectives.relativistic_value(same, same).item() == pytest.approx(-2 * math.log(2))
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    # D_ra(x_r) = σ(C_r − E C_f) with E C_f = −0.25; D_ra(x_f) = σ(C_f − E C_r) with E C_r = 1
    hand = -np.mean([math.log(sig(2.25)), math.log(sig(0.25))]) - np.mean(
        [math.log(1 - sig(-2)), math.log(1 - sig(-0.5))]
    )
    assert objectives.d_loss("relativistic_average", real, fake).item() == pytest.approx(hand, rel=1e-6)


@pytest.mark.parametrize(
    "name, family",
    [("wgan-gp", "wasserstein"), ("WGAN_clip", "wasserstein"), ("hinge", "hinge"), ("RaGAN", "relativistic_average")],
)
def test_loss_spellings_name_their_family(name, family):
    assert loss_family(name) == family


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "hinge", "d_output": "probs"}, "pass d_output='critic'"),
        ({"loss": "minimax", "d_output": "critic"}, "d_output='critic' is for the critics' losses"),
        ({"d_output": "sigmoid"}, "d_output must be 'logits', 'probs' or 'critic'"),
        ({"loss": "energy"}, "loss must be one of"),
    ],
)
def test_a_game_that_does_not_fit_is_refused_in_one_line(tmp_path, kwargs, match):
    with pytest.raises(GananimError, match=match):
        Recorder(tmp_path / "r", mlp(2, 2), mlp(2, 1), data=MOONS, probes=SMALL, **kwargs)
    assert not (tmp_path / "r").exists()


def record(path, loss=None, d_output=None, steps=3, **kw):
    G, D = mlp(2, 2), mlp(2, 1)
    with Recorder(path, G, D, data=MOONS, every=1, probes=SMALL, loss=loss, d_output=d_output, **kw) as rec:
        for step in range(steps):
            rec.step(step, d_loss=0.0, g_loss=0.0)
    return G, D, gananim.load(path)


def test_a_critics_snapshot_holds_its_raw_scores_and_the_wasserstein_estimate(tmp_path):
    G, D, r = record(tmp_path / "w", loss="wgan-gp")
    m = r.manifest
    assert (m["loss"], m["d_output"], m["loss_inferred"]) == ("wasserstein", "critic", False)
    assert "critic" in m["d_output_inferred"]
    snap = r[-1]
    with torch.no_grad():
        grid = D(torch.as_tensor(r.grid.points(), dtype=torch.float32)).numpy().reshape(r.grid.shape)
        real = D(torch.as_tensor(r.fixed["data_samples"])).mean().item()
        fake = D(torch.as_tensor(snap.samples[:64].copy())).mean().item()  # the first max(grad batch, arrows) stored
    np.testing.assert_allclose(snap.d_grid, grid, rtol=1e-5, atol=1e-6)  # scores as they are: no sigmoid
    assert snap.scalars["critic_real"] == pytest.approx(real, rel=1e-5)
    assert snap.scalars["critic_fake"] == pytest.approx(fake, rel=1e-5)
    assert snap.scalars["critic_gap"] == pytest.approx(real - fake, rel=1e-5, abs=1e-6)
    assert not {"d_real", "d_fake", "value"} & set(snap.scalars)  # no probabilities, no V against −2 log 2
    # the arrows are −∇ₓ of G's loss −E D(G(z)): ∇ₓ D at each sample
    x = torch.as_tensor(snap.samples[:32].copy()).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x).sum(), x)
    np.testing.assert_allclose(snap.g_grad[:32], grad.numpy(), rtol=1e-4, atol=1e-6)
    assert np.isnan(snap.g_grad[32:]).all()
    # G's gradient norm: −E D(G(z)) over the gradient batch (64 = min(n_samples, real_samples, grad_samples))
    G.zero_grad()
    (-D(G(torch.as_tensor(r.latents[:64]))).mean()).backward()
    hand = math.sqrt(sum(float((p.grad.double() ** 2).sum()) for p in G.parameters()))
    assert snap.scalars["g_grad_norm"] == pytest.approx(hand, rel=1e-4)


def test_hinge_and_relativistic_snapshots_speak_their_game(tmp_path):
    _, D, hinge = record(tmp_path / "h", loss="hinge")
    assert hinge.manifest["d_output"] == "critic" and "critic_gap" in hinge[-1].scalars
    _, D, ra = record(tmp_path / "ra", loss="relativistic_average")
    s = ra[-1].scalars
    real, fake = s["critic_real"], s["critic_fake"]
    assert "critic_gap" not in s and s["value"] == pytest.approx(
        objectives.relativistic_value(
            D(torch.as_tensor(ra.fixed["data_samples"])).detach().reshape(-1),
            D(torch.tensor(ra[-1].samples[:64])).detach().reshape(-1),
        ).item(),
        rel=1e-5,
    )
    assert 0 < s["d_real"] < 1 and real == pytest.approx(
        D(torch.as_tensor(ra.fixed["data_samples"])).mean().item(), rel=1e-5
    )
    assert math.isfinite(fake)


def test_critic_alone_means_the_wasserstein_game_and_defaults_keep_the_old_one(tmp_path):
    _, _, r = record(tmp_path / "c", d_output="critic")
    assert r.manifest["loss"] == "wasserstein" and "d_output='critic'" in r.manifest["loss_inferred"]
    _, _, old = record(tmp_path / "o")
    assert (old.manifest["loss"], old.manifest["d_output"]) == ("nonsaturating", "logits")
    assert old.manifest["loss_inferred"] == "the default (loss= not given)"
    assert ((old[-1].d_grid > 0) & (old[-1].d_grid < 1)).all() and "value" in old[-1].scalars


def test_old_manifests_keep_their_meaning_and_bad_game_fields_are_refused(tmp_path):
    assert game_of({}) == game_of({"loss": "nonsaturating", "d_output": "logits"})
    assert not game_of({}).critic and game_of({}).classic_value
    _, _, r = record(tmp_path / "r")
    manifest = json.loads((r.path / "manifest.json").read_text())
    for field, bad in (("loss", "energy"), ("d_output", "scores"), ("loss_inferred", 3), ("d_output", "\x1b[2J")):
        (r.path / "manifest.json").write_text(json.dumps(manifest | {field: bad}))
        with pytest.raises(GananimError, match=field) as refused:
            gananim.load(r.path)
        assert "\x1b" not in str(refused.value)  # a control character is shown escaped, never sent to a terminal


def test_a_critic_has_no_sigmoid_events_and_its_dashboard_speaks_the_game(tmp_path):
    _, _, r = record(tmp_path / "w", loss="wasserstein", steps=8)
    a = analyse(r)
    assert not [e for e in a.events if e.kind in ("vanishing_gradient", "convergence")]
    titles = {spec[0]: [row[1] for row in spec[1]] for spec in available_panels(a.series, r) if spec != "modes"}
    assert titles["critic"] == ["E D(real)", "E D(fake)"]
    assert titles["Wasserstein estimate"] == ["E D(real) − E D(fake)"]
    assert "discriminator" not in titles and "value V(G, D)" not in titles  # no D(real) ½, no −2 log 2
    _, _, h = record(tmp_path / "h", loss="hinge", steps=2)
    assert "critic gap" in {spec[0] for spec in available_panels(analyse(h).series, h) if spec != "modes"}


def test_the_critic_colour_scale_is_symmetric_about_the_decision(tmp_path):
    _, _, r = record(tmp_path / "w", loss="wasserstein")
    scale = DScale(r)
    snap = r[-1]
    mid = 0.5 * (snap.scalars["critic_real"] + snap.scalars["critic_fake"])
    assert scale.centre(snap) == pytest.approx(mid)
    u = scale.unit(snap)
    # a score at the decision is the middle colour, ±R the ends; mirror images about it mirror about ½
    probe = np.array([mid, mid + scale.half, mid - scale.half, mid + 0.3 * scale.half, mid - 0.3 * scale.half])
    np.testing.assert_allclose(scale.unit(snap, probe), [0.5, 1.0, 0.0, 0.65, 0.35], atol=1e-6)
    assert u.min() >= 0 and u.max() <= 1 and "real 1" not in scale.ticks and scale.title == "critic D(x)"
    _, _, h = record(tmp_path / "h", loss="hinge")
    assert DScale(h).centre(h[-1]) == 0.0 and DScale(h).ticks[1] == "0"
    _, _, old = record(tmp_path / "o")
    assert DScale(old).ticks == ["fake 0", "½", "real 1"] and DScale(old).unit(old[0]) is old[0].d_grid


def _graph_ops(d_loss_of):
    D = mlp(2, 1)
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    outs = []
    hook = D.register_forward_hook(lambda m, a, o: outs.append(o.grad_fn))
    loss = d_loss_of(D, real, fake)
    hook.remove()
    return ops_above(loss.grad_fn, outs)


def _gradient_penalty(D, real, fake):
    x = (0.5 * real + 0.5 * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return ((g.norm(dim=1) - 1) ** 2).mean()


@pytest.mark.parametrize(
    "d_loss, expect",
    [
        (lambda D, r, f: D(f).mean() - D(r).mean() + 10 * _gradient_penalty(D, r, f), "wasserstein"),
        (lambda D, r, f: torch.relu(1 - D(r)).mean() + torch.relu(1 + D(f)).mean(), "hinge"),
        (lambda D, r, f: ((D(r) - 1) ** 2).mean() + (D(f) ** 2).mean(), "least_squares"),
        (
            lambda D, r, f: (
                nn.functional.binary_cross_entropy_with_logits(D(r), torch.ones(8, 1))
                + nn.functional.binary_cross_entropy_with_logits(D(f), torch.zeros(8, 1))
            ),
            None,
        ),
    ],
)
def test_the_game_is_read_from_ds_loss_graph(d_loss, expect):
    """A gradient penalty's squares do not reach D's output node: WGAN-GP reads as Wasserstein, not least squares."""
    found = game_of_d_loss(_graph_ops(d_loss))
    assert (found["loss"][0] if found else None) == expect


def test_zero_edit_infers_a_hinge_critic(tmp_path, capsys, monkeypatch):
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            torch.manual_seed(0)
            G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
            critic = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
            og, oc = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(critic.parameters(), 1e-3)
            for step in range(6):
                real = torch.randn(64, 2) * 0.3 + 1
                fake = G(torch.randn(64, 2)).detach()
                c_loss = torch.relu(1 - critic(real)).mean() + torch.relu(1 + critic(fake)).mean()
                oc.zero_grad(); c_loss.backward(); oc.step()
                g_loss = -critic(G(torch.randn(64, 2))).mean()
                og.zero_grad(); g_loss.backward(); og.step()
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    code = main(["record", "--every", "2", "--out", "rec", "--", "python", str(script)])
    assert code == 0, capsys.readouterr().err
    m = gananim.load(tmp_path / "rec").manifest
    assert (m["loss"], m["d_output"]) == ("hinge", "critic")
    assert "margin" in m["loss_inferred"] and "Relu" in m["loss_inferred"]


def test_the_lightning_callback_reads_a_hinge_game_from_the_first_loss(tmp_path):
    pl = pytest.importorskip("lightning.pytorch")
    from gananim.lightning import RecorderCallback

    class HingeGAN(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.automatic_optimization = False
            self.generator, self.discriminator = mlp(2, 2), mlp(2, 1)

        def training_step(self, batch, batch_idx):
            opt_g, opt_d = self.optimizers()
            fake = self.generator(torch.randn(len(batch[0]), 2))
            d = self.discriminator
            d_loss = torch.relu(1 - d(batch[0])).mean() + torch.relu(1 + d(fake.detach())).mean()
            opt_d.zero_grad()
            self.manual_backward(d_loss)
            opt_d.step()
            g_loss = -d(fake).mean()
            opt_g.zero_grad()
            self.manual_backward(g_loss)
            opt_g.step()

        def configure_optimizers(self):
            return torch.optim.Adam(self.generator.parameters()), torch.optim.Adam(self.discriminator.parameters())

    data = torch.utils.data.TensorDataset(torch.as_tensor(MOONS))
    callback = RecorderCallback(tmp_path / "rec", data=MOONS, every=2, probes=SMALL)
    trainer = pl.Trainer(
        max_epochs=1,
        callbacks=[callback],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(HingeGAN(), torch.utils.data.DataLoader(data, batch_size=50))
    r = gananim.load(tmp_path / "rec")
    assert (r.manifest["loss"], r.manifest["d_output"]) == ("hinge", "critic")
    assert r.manifest["loss_inferred"].startswith("the first loss Lightning back-propagated")
    assert r.steps[0] == 0 and len(r) >= 2


@pytest.mark.parametrize("loss", ["hinge", "least_squares"])
def test_curvature_is_refused_where_the_game_has_no_v(tmp_path, loss):
    """curvature.py differentiates Goodfellow's V(G, D): a critic's game and LSGAN's (not zero-sum) have none."""
    with pytest.raises(GananimError, match="curvature_every=0"):
        Recorder(tmp_path / "r", mlp(2, 2), mlp(2, 1), data=MOONS, loss=loss, probes=ProbeOptions(curvature_every=5))


def test_zero_edit_keeps_a_gradient_penaltys_interpolates_out_of_the_real_batch(tmp_path, capsys, monkeypatch):
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            torch.manual_seed(0)
            G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
            critic = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
            og, oc = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(critic.parameters(), 1e-3)
            for step in range(4):
                real = torch.randn(64, 2) * 0.1 + 5  # far from the generated samples: interpolates are not
                fake = G(torch.randn(64, 2)).detach()
                x = (0.5 * real + 0.5 * fake).requires_grad_(True)
                (g,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
                c_loss = critic(fake).mean() - critic(real).mean() + 10 * ((g.norm(dim=1) - 1) ** 2).mean()
                oc.zero_grad(); c_loss.backward(); oc.step()
                g_loss = -critic(G(torch.randn(64, 2))).mean()
                og.zero_grad(); g_loss.backward(); og.step()
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    assert main(["record", "--every", "2", "--out", "rec", "--", "python", str(script)]) == 0, capsys.readouterr().err
    r = gananim.load(tmp_path / "rec")
    assert r.manifest["loss"] == "wasserstein" and "Pow" not in r.manifest["loss_inferred"]
    assert (r.fixed["data_samples"].min(axis=0) > 4).all()  # only the real batches, none of the interpolates


def test_a_critics_image_projection_is_centred_at_the_decision(tmp_path):
    """The projection coloured a critic's scores over their 1st–99th percentile, so the colour at the decision moved
    with the scores; now it is the points views' scale (DScale): the decision (0 for hinge) at the bar's middle, the
    same ±R either side, the bar's ticks saying so."""
    from gananim.rendering.views import Frame, make_style

    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Unflatten(1, (1, 8, 8)))
    D = nn.Sequential(nn.Flatten(), nn.Linear(64, 1))
    data = torch.rand(96, 1, 8, 8) * 2 - 1
    with Recorder(tmp_path / "h", G, D, data=data, every=1, loss="hinge", latent_dim=4, quiet=True) as rec:
        rec.step(0)
        rec.step(1)
    r = gananim.load(tmp_path / "h")
    frame = Frame([r], "projection", make_style((640, 360)))
    frame.render_rgba(1.0)
    view, snap = frame.views[0], r[-1]
    half = view.d_scale.half
    expected = np.clip(0.5 + snap.d_real_each / (2 * half), 0, 1)  # hinge: the decision is 0
    np.testing.assert_allclose(np.asarray(view.real.get_array()), expected, rtol=1e-5)
    bar = [a for a in frame.axes[0].child_axes if a.get_ylabel().startswith("critic")][0]
    assert [t.get_text() for t in bar.get_yticklabels()] == view.d_scale.ticks
    assert view.d_scale.ticks[1] == "0" and view.d_scale.ticks[0].startswith("fake −")
