"""The density view (any generator, with or without D) and the default view that lets a GAN meet a VAE."""

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.rendering.pipeline import default_view, render
from gananim.rendering.views import Frame, make_style, render_frame
from media import decode_frames
from synthetic import record_known

DATA = make_target({"kind": "gaussian", "mean": [-1.5, 0.0], "sigma": 0.5})
BOX = [(-4.0, 4.0), (-4.0, 4.0)]
CONTROL = make_style((240, 180))
BIG = make_style((480, 400))


def g_blob(z, t):
    """G(z) = 0.3 z + (1.5 - 3t, 0): a blob that starts right of the data and ends on it."""
    return 0.3 * z + torch.tensor([1.5 - 3.0 * t, 0.0])


@pytest.fixture(scope="module")
def no_d(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("dens") / "vae-like", g_blob, None, 2, DATA, view_box=BOX)


@pytest.fixture(scope="module")
def with_d(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("dens") / "gan", g_blob, lambda x, t: -x[:, 0], 2, DATA, view_box=BOX)


def pixel(frame, x, y):
    px, py = frame.axes[0].transData.transform((x, y))
    return frame.style.height - int(round(py)), int(round(px))


def test_control_frames(no_d, assert_frame):
    assert_frame("density-first", render_frame(no_d, 0, "density", CONTROL))
    assert_frame("density-last", render_frame(no_d, -1, "density", CONTROL))


def test_red_where_g_is_purple_where_the_data_is_dots_on_the_samples(no_d):
    frame = Frame([no_d], "density", BIG)
    first = frame.render(0)
    view = frame.views[0]
    r, c = pixel(frame, 1.5, 0.0)  # the blob's centre at t = 0: red
    red = first[r - 2 : r + 3, c - 2 : c + 3].reshape(-1, 3).astype(int).mean(axis=0)
    assert red[0] > 140 and red[0] - red[1] > 60 and red[0] - red[2] > 60, red
    r, c = pixel(frame, -1.5, 1.0)  # the data at 2σ, no generated mass: light purple (blue above green)
    purple = first[r, c].astype(int)
    assert purple[2] > purple[1] + 10 and purple.min() > 150, purple
    r, c = pixel(frame, 3.5, 3.5)  # neither: white
    assert first[r, c].min() > 240
    np.testing.assert_allclose(view.dots.get_offsets(), no_d[0].samples, atol=1e-6)
    last = frame.render(int(no_d.steps[-1]))
    r, c = pixel(frame, -1.5, 0.0)  # at t = 1 the blob sits on the data: red over purple
    patch = last[r - 3 : r + 4, c - 3 : c + 4].reshape(-1, 3).astype(int).mean(axis=0)
    assert patch[0] > patch[1] + 60 and patch[0] > patch[2] + 60, patch
    assert view.outside.get_text() == ""


def test_samples_outside_the_box_are_counted(tmp_path):
    def far(z, t):
        out = 0.3 * z
        out[:5, 0] += 50.0
        return out

    rec = record_known(tmp_path / "far", far, None, 2, DATA, n_samples=40, view_box=BOX)
    frame = Frame([rec], "density", CONTROL)
    frame.render(0)
    assert frame.views[0].outside.get_text() == "5 of 40 samples outside the view"
    assert len(frame.views[0].dots.get_offsets()) == 35


def test_default_view_is_one_every_recording_can_show(no_d, with_d, tmp_path):
    assert default_view(with_d) == "surface" and default_view([with_d, with_d]) == "surface"
    assert default_view(no_d) == "density"
    assert default_view([with_d, no_d]) == "density" and default_view([no_d, with_d]) == "density"
    one = record_known(tmp_path / "one", lambda z, t: z, None, 1, [(-2.0, 2.0)], data_dim=1)
    assert default_view(one) == "goodfellow-1d"


def test_a_gan_and_a_generator_without_d_side_by_side(no_d, with_d, tmp_path):
    out = render([with_d, no_d], None, tmp_path / "vs.mp4", size=(320, 180), fps=4, duration=1)
    frames = decode_frames(out)
    assert frames.shape == (4, 180, 320, 3)
    with pytest.raises(GananimError, match="needs a discriminator"):
        render([with_d, no_d], "surface", tmp_path / "no.mp4", size=(320, 180))


def test_refuses_1d_data(tmp_path):
    one = record_known(tmp_path / "one", lambda z, t: z, None, 1, [(-2.0, 2.0)], data_dim=1)
    with pytest.raises(GananimError, match="draws 2D data"):
        Frame([one], "density", CONTROL)
