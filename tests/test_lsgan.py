"""The least-squares game (LSGAN, Mao et al. 2017, a=0, b=1, c=1) in its own words (issue 20, point 1): D's raw
output stored as it is, its D objective against ¼, the views' scales and arrows, the convergence rule, and a
least-squares recording made before (σ of D's output, no `d_scores`) reading as it did."""

import json
import math

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.analysis.events import detect_events
from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.gradients import LOSS_LABELS, GradientsView, push
from gananim.recording.game import game_of
from gananim.rendering.views.dashboard import available_panels

SMALL = ProbeOptions(
    n_samples=64, grid_size=8, latent_grid=5, density_samples=64, real_samples=48, grad_samples=32, arrow_samples=40
)
DATA = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)


def mlp(i, o, seed=1):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(i, 16), nn.LeakyReLU(0.2), nn.Linear(16, o))


def record(path, steps=2):
    G, D = mlp(2, 2), mlp(2, 1, seed=2)
    with Recorder(path, G, D, data=DATA, every=1, probes=SMALL, loss="lsgan") as rec:
        for step in range(steps):
            rec.step(step, d_loss=0.0, g_loss=0.0)
    return G, D, gananim.load(path)


def test_a_least_squares_snapshot_holds_d_raw_output_and_its_objective(tmp_path):
    G, D, r = record(tmp_path / "ls")
    assert r.manifest["d_scores"] == "raw" and game_of(r.manifest).regression
    snap = r[-1]
    points = torch.as_tensor(r.grid.points(), dtype=torch.float32)
    real = torch.as_tensor(r.fixed["data_samples"])
    fake = torch.as_tensor(snap.samples[:40].copy())  # the first max(grad batch, arrows) stored samples
    with torch.no_grad():
        grid, l_real, l_fake = (D(x).reshape(-1).double() for x in (points, real, fake))
    np.testing.assert_allclose(snap.d_grid, grid.numpy().reshape(r.grid.shape), rtol=1e-5, atol=1e-6)  # no sigmoid
    assert snap.scalars["d_real"] == pytest.approx(l_real.mean().item(), rel=1e-5)
    assert snap.scalars["d_fake"] == pytest.approx(l_fake.mean().item(), rel=1e-5)
    # ½ E (l(x) − 1)² + ½ E l(G(z))², written out by hand
    hand = 0.5 * np.mean((l_real.numpy() - 1) ** 2) + 0.5 * np.mean(l_fake.numpy() ** 2)
    assert snap.scalars["ls_value"] == pytest.approx(hand, rel=1e-5)
    assert "value" not in snap.scalars  # no V(G, D) on σ(l), no −2 log 2
    # the arrows: −∇ₓ ½ (D(x) − 1)² = (1 − D(x)) ∇ₓ D(x) on the first arrow_samples samples
    x = fake.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(-0.5 * ((D(x).reshape(-1) - 1) ** 2).sum(), x)
    np.testing.assert_allclose(snap.g_grad[:40], grad.numpy(), rtol=1e-4, atol=1e-6)
    assert np.isnan(snap.g_grad[40:]).all()
    keep = np.arange(40)
    np.testing.assert_allclose(push(r, snap, keep), snap.g_grad[:40], rtol=0)  # drawn as stored
    # G's and D's gradient norms: LSGAN's losses on the gradient batch (32) against as many real samples
    z = torch.as_tensor(r.latents[:32])
    g_loss = 0.5 * ((D(G(z)).reshape(-1) - 1) ** 2).mean()
    g_norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in torch.autograd.grad(g_loss, list(G.parameters()))))
    d_loss = 0.5 * ((D(real[:32]).reshape(-1) - 1) ** 2).mean() + 0.5 * (D(fake[:32]).reshape(-1) ** 2).mean()
    d_norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in torch.autograd.grad(d_loss, list(D.parameters()))))
    assert snap.scalars["g_grad_norm"] == pytest.approx(g_norm, rel=1e-4)
    assert snap.scalars["d_grad_norm"] == pytest.approx(d_norm, rel=1e-4)


def test_the_views_words_for_least_squares(tmp_path):
    _, _, r = record(tmp_path / "ls")
    scale = DScale(r)
    assert scale.ticks == ["fake 0", "½", "real 1"] and scale.title == "D(x) = l(x)"
    assert "LSGAN's regression" in scale.key and "clipped" in scale.key and "clipped" in scale.note
    snap = r[-1]
    d = snap.d_grid.copy()
    d[0, 0], d[0, 1] = 1.7, -0.4  # a regression overshoots its targets: clipped on the scale
    u = scale.unit(snap, d)
    assert (u[0, 0], u[0, 1]) == (1.0, 0.0) and np.array_equal(u[1:], np.clip(d[1:], 0, 1))
    assert game_of(r.manifest).arrow_label == "arrows: −∇ₓ ½(D(x) − 1)²  (G's loss ½ E (D(G(z)) − 1)²)"
    assert LOSS_LABELS["least_squares_raw"] == "−∇ₓ ½(D(x) − 1)²"
    assert GradientsView.named.fget(type("V", (), {"rec": r, "label": LOSS_LABELS["least_squares_raw"]})()) == (
        "−∇ₓ ½(D(x) − 1)²  (G's loss ½ E (D(G(z)) − 1)²)"
    )
    panels = {title: (rows, ref) for title, rows, ref, _ in (p for p in available_panels(r.scalars, r) if p != "modes")}
    assert "value V(G, D)" not in panels and "LSGAN D, raw means" in panels and "discriminator" not in panels
    assert panels["LSGAN D, raw means"][1] == (0.5, "½")
    rows, ref = panels["LSGAN D objective"]
    assert ref == (0.25, "¼") and [row[0] for row in rows] == ["ls_value"]
    assert not any("2 log 2" in str(ref) for _, ref in panels.values())


def lsgan_series(n=20, d_real=0.5, d_fake=0.5, ls_value=0.25):
    return {
        "d_real": np.full(n, d_real),
        "d_fake": np.full(n, d_fake),
        "ls_value": np.full(n, ls_value),
        "g_grad_norm": np.r_[np.ones(10), np.full(n - 10, 1e-8)],
        "js": np.full(n, 0.05),
    }


def test_lsgan_converges_at_one_half_and_one_quarter_and_has_no_vanishing_rule():
    steps = np.arange(20) * 10
    found = detect_events(steps, lsgan_series())
    assert [(e.kind, e.start, e.end) for e in found] == [("convergence", 0, 190)]
    assert found[0].caption == "converged: D ≈ ½ and L_D ≈ ¼"
    assert detect_events(steps, lsgan_series(ls_value=0.4)) == []  # D at ½ but the objective is not at its optimum
    assert detect_events(steps, lsgan_series(d_fake=0.3)) == []
    # a confident D (raw means 1 and 0) and a tiny ‖∇G‖: the sigmoid's rule fires, LSGAN's game does not run it
    confident = lsgan_series(d_real=1.0, d_fake=0.0, ls_value=0.0)
    classic = {k: v for k, v in confident.items() if k != "ls_value"}
    assert [e.kind for e in detect_events(steps, classic)] == ["vanishing_gradient"]
    assert detect_events(steps, confident) == []


def test_a_least_squares_recording_made_before_keeps_reading_as_before(tmp_path):
    _, _, r = record(tmp_path / "ls")
    manifest = json.loads((tmp_path / "ls" / "manifest.json").read_text(encoding="utf-8"))
    del manifest["d_scores"]  # what gananim wrote before: σ(l) on the grid, the arrows ∇ₓ log D
    (tmp_path / "ls" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = gananim.load(tmp_path / "ls")
    game = game_of(old.manifest)
    assert game.loss == "least_squares" and not game.regression and game.value_name is None
    scale = DScale(old)
    assert scale.title == "D(x)" and scale.note is None
    snap = old[-1]
    np.testing.assert_array_equal(scale.unit(snap), snap.d_grid)  # a probability, as it is
    assert game.arrow_label == "arrows: ∇ₓ log D  (G's loss ½ E (D(G(z)) − 1)²)"
    # the arrows are rescaled from ∇ₓ log D as before: (1 − l) / (1 − D) with l the logit of the stored D
    keep = np.arange(4)
    assert not np.allclose(push(old, snap, keep), snap.g_grad[:4])


def test_an_image_least_squares_recording_speaks_its_game(tmp_path):
    """Image GANs trained with LSGAN: D's raw scores stored (not σ of them), its D objective against ¼, and the
    d-hist, projection and dashboard in LSGAN's words (issue 20: the images kind showed σ(l) and V)."""
    from gananim.kinds.images.pixels import to_float
    from gananim.kinds.images.views.d_hist import DHistView
    from gananim.rendering.views import Frame, make_style

    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Unflatten(1, (1, 8, 8)))
    D = nn.Sequential(nn.Flatten(), nn.Linear(64, 1))
    with torch.no_grad():
        D[1].weight.mul_(8.0)  # scores well outside (0, 1): raw, not squashed
    data = torch.rand(96, 1, 8, 8) * 2 - 1
    with Recorder(tmp_path / "ls", G, D, data=data, every=1, loss="least_squares", latent_dim=4, quiet=True) as rec:
        rec.step(0)
        rec.step(1)
    r = gananim.load(tmp_path / "ls")
    assert r.manifest["d_scores"] == "raw" and game_of(r.manifest).regression
    snap = r[-1]
    real = to_float(r.fixed["data_samples"], r.value_range)
    with torch.no_grad():
        expected = D(torch.as_tensor(real, dtype=torch.float32)).reshape(-1).numpy()
    np.testing.assert_allclose(snap.d_real_each, expected, atol=0.05)  # raw l(x), uint8 storage's rounding aside
    assert (np.abs(snap.d_real_each) > 1).any()  # a sigmoid never leaves (0, 1)
    fake = snap.d_fake_each
    want = 0.5 * np.mean((snap.d_real_each - 1) ** 2) + 0.5 * np.mean(fake**2)
    assert snap.scalars["ls_value"] == pytest.approx(want, rel=1e-4) and "value" not in snap.scalars
    frame = Frame([r], "dashboard", make_style((1280, 720)))
    titles = [p.header.title.get_text() for p in frame.views[0].panels if hasattr(p, "header")]
    assert "LSGAN D, raw means (- - ½)" in titles and "LSGAN D objective (- - ¼)" in titles
    hist = Frame([r], "d-hist", make_style((1280, 720)))
    assert isinstance(hist.views[0], DHistView) and "LSGAN's regression" in hist.axes[0].get_xlabel()
