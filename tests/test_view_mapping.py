"""The mapping view for latent dimension > 2: arrows end on the samples, never where G sends atypical latents."""

import numpy as np
import pytest
import torch

from gananim.kinds.points.targets import make_target
from gananim.kinds.points.views.mapping import MAX_SAMPLE_ARROWS
from gananim.rendering.views import Frame, make_style, render_frame
from synthetic import record_known

LATENT = 15
CIRCLE = make_target({"kind": "circle", "radius": 1.0})
SMALL = make_style((240, 180))


def radial(z, t):
    """A decoder like vae-circle's: the angle of (z1, z2), the radius |z| / √15 (≈ 1 for z ~ N(0, I₁₅), since
    |z| ≈ √15), so samples lie near the unit circle while the recorded grid (|z| ≤ 2√2) maps inside it."""
    angle = torch.atan2(z[:, 1], z[:, 0])
    r = z.norm(dim=1) / LATENT**0.5 * (0.5 + 0.5 * t)
    return torch.stack([r * torch.cos(angle), r * torch.sin(angle)], dim=1)


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("map") / "deep", radial, None, LATENT, CIRCLE, n_samples=400)


def test_control_frames(deep, assert_frame):
    assert_frame("mapping-deep-first", render_frame(deep, 0, "mapping", SMALL))
    assert_frame("mapping-deep-last", render_frame(deep, -1, "mapping", SMALL))


def test_arrows_end_on_the_samples_not_inside_the_circle(deep):
    """The original case (vae-circle, 15-D latent): heads from the latent grid had radius ≤ 0.73, samples ≈ 1."""
    grid_radius = np.hypot(*deep[-1].mapping.T)
    sample_radius = np.hypot(*deep[-1].samples.T)
    assert grid_radius.max() < 0.75 and np.median(sample_radius) == pytest.approx(1.0, abs=0.05)  # the contradiction
    frame = Frame([deep], "mapping", SMALL)
    frame.render(int(deep.steps[-1]))
    view = frame.views[0]
    heads = view.tails + np.column_stack([view.quiver.U, view.quiver.V])
    np.testing.assert_allclose(heads, deep[-1].samples[view.idx], atol=1e-5)
    assert np.median(np.hypot(*heads.T)) == pytest.approx(1.0, abs=0.05)
    assert len(view.idx) == min(400, MAX_SAMPLE_ARROWS)


def test_tails_are_the_latents_projected_on_the_recorded_plane(deep):
    view = Frame([deep], "mapping", SMALL).views[0]
    plane = deep.fixed["latent_plane"]
    assert plane.shape == (2, LATENT)
    np.testing.assert_allclose(view.tails, deep.latents[view.idx] @ plane.T, atol=1e-5)
    assert 0.8 < view.tails.std(axis=0).mean() < 1.2  # a 2D N(0, I) cloud, like the 2D latent grid's span
    assert "15" in view.ax_label


def test_two_d_latents_keep_the_grid(tmp_path):
    rec = record_known(tmp_path / "flat", lambda z, t: 0.5 * z, None, 2, CIRCLE)
    frame = Frame([rec], "mapping", SMALL)
    frame.render(0)
    view = frame.views[0]
    np.testing.assert_allclose(view.tails, rec.fixed["latent_grid_coords"])
    np.testing.assert_allclose(view.tails + np.column_stack([view.quiver.U, view.quiver.V]), rec[0].mapping, atol=1e-6)
