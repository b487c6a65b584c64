"""Frames of the surface, mapping and dashboard views, and the frame around them, on recordings of known functions."""

import math

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.views import Frame, make_style, render_frame
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]
SMALL = make_style((200, 150))


def shift(z, t):
    """G(z) = 0.3 z + (3 t, 0): a blob that moves right over training."""
    return 0.3 * z + torch.tensor([3.0 * t, 0.0])


def left_is_real(x, t):
    """D's logit grows to the left: D ≈ 1 (purple) for x < 0, ≈ 0 (white) for x > 0."""
    return -3.0 * x[:, 0]


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("r") / "moving", shift, left_is_real, 2, BOX,
                        scalars=lambda s: {"d_loss": 1.0 + s, "g_loss": 2.0 - 0.1 * s})


def pixel(frame: Frame, k: int, x: float, y: float) -> tuple[int, int]:
    """(row, col) of data point (x, y) in panel k."""
    px, py = frame.axes[k].transData.transform((x, y))
    return frame.style.height - int(round(py)), int(round(px))


def test_surface_draws_d_and_density_where_they_are(moving, assert_frame):
    frame = Frame([moving], "surface", make_style((320, 240)))
    last = frame.render(4)
    r, c = pixel(frame, 0, 3.0, 0.0)  # the blob's centre at t = 1
    red = last[r - 2:r + 3, c - 2:c + 3].reshape(-1, 3).mean(axis=0)
    assert red[0] > 150 and red[1] < 110 and red[2] < 110, red
    r, c = pixel(frame, 0, -3.0, 3.0)  # D ≈ 1 there: dark purple
    assert last[r, c, 1] < 90 and last[r, c, 2] > last[r, c, 1]
    r, c = pixel(frame, 0, 3.0, 3.5)  # D ≈ 0 there: white
    assert last[r, c].min() > 235
    first = frame.render(0)
    r, c = pixel(frame, 0, 0.0, 0.0)  # at t = 0 the blob sits at the origin
    assert first[r, c, 0] > 150 and first[r, c, 1] < 110
    assert_frame("surface-last", render_frame(moving, -1, "surface", SMALL))


def test_mapping_arrows_run_from_latent_grid_to_g(moving, assert_frame):
    frame = Frame([moving], "mapping", SMALL)
    frame.render(4)
    quiver = frame.views[0].quiver
    tails = moving.fixed["latent_grid_coords"]
    np.testing.assert_allclose(quiver.U, -0.7 * tails[:, 0] + 3.0, atol=1e-5)
    np.testing.assert_allclose(quiver.V, -0.7 * tails[:, 1], atol=1e-5)
    assert_frame("mapping-first", render_frame(moving, 0, "mapping", SMALL))
    assert_frame("mapping-last", render_frame(moving, -1, "mapping", SMALL))


def test_dashboard_plots_scalars_with_a_cursor(moving, assert_frame):
    frame = Frame([moving], "dashboard", make_style((320, 240)))
    frame.render(2)
    dash = frame.views[0]
    assert all(c.get_xdata()[0] == 2 for c in dash.cursors)
    titles = [t.get_text() for t, _, _ in dash.labels]
    assert titles[0].startswith("losses") and "D loss 3" in titles[0] and "G loss 1.8" in titles[0]
    assert any(t.startswith("discriminator") for t in titles)  # D(fake) only: a view box has no real data
    assert not any(t.startswith("value") for t in titles)
    assert_frame("dashboard-mid", render_frame(moving, 2, "dashboard", SMALL))


def test_view_with_dashboard_layout(moving, assert_frame):
    img = render_frame(moving, -1, "surface", make_style((320, 180)), dashboard=True)
    assert img.shape == (180, 320, 3)
    assert_frame("surface-dashboard", img)


def test_compare_synchronises_on_step(tmp_path, moving, assert_frame):
    sparse = record_known(tmp_path / "sparse", shift, left_is_real, 2, BOX, steps=4, every=2)
    frame = Frame([moving, sparse], "surface", make_style((400, 200)), titles=["every step", "every 2"])
    assert frame.steps().tolist() == [0, 1, 2, 3, 4]
    frame.render(3)
    assert frame.views[0].snap.step == 3 and frame.views[1].snap.step == 2
    assert_frame("compare-surface", frame.render(4))


def test_frame_size_is_exact_and_even():
    style = make_style((161, 121))
    assert (style.width, style.height) == (160, 120)
    assert make_style("720p").width == 1280 and make_style("square").height == 720


def test_counter_and_nan_warning(tmp_path):
    def diverging(z, t):
        out = 0.3 * z
        if t > 0.5:
            out[::2] = math.nan
        return out

    rec = record_known(tmp_path / "nan", diverging, left_is_real, 2, BOX)
    frame = Frame([rec], "surface", SMALL)
    frame.render(0)
    assert frame.counter.get_text() == "step 0" and frame.warning.get_text() == ""
    img = frame.render(4)
    assert "50% of generated samples are NaN/inf" in frame.warning.get_text()
    assert img.shape == (150, 200, 3)
    Frame([rec], "mapping", SMALL).render(4)  # NaN arrow heads are skipped, not fatal


@pytest.mark.parametrize("view, match", [("surface", "draws 2D data"), ("nope", "unknown view")])
def test_bad_view_requests(tmp_path, view, match):
    rec = record_known(tmp_path / "one", lambda z, t: z, lambda x, t: x[:, 0], 1, [(-2.0, 2.0)], data_dim=1)
    with pytest.raises(GananimError, match=match):
        Frame([rec], view, SMALL)


def test_surface_needs_a_discriminator(tmp_path):
    rec = record_known(tmp_path / "noD", shift, None, 2, BOX)
    with pytest.raises(GananimError, match="needs a discriminator"):
        Frame([rec], "surface", SMALL)
    Frame([rec], "mapping", SMALL).render(0)


@pytest.mark.parametrize("colours", ["D_COLOURS", "DATA_TINT_COLOURS"])
def test_numpy_ramps_match_matplotlib_colormaps(colours):
    """The manim blocks colour D with drawing.Ramp and never load matplotlib: its colours must be matplotlib's, exactly."""
    from matplotlib.colors import LinearSegmentedColormap

    from gananim import drawing

    hexes = getattr(drawing, colours)
    values = np.concatenate([np.linspace(0, 1, 20001), (np.arange(64) + 0.5) / 64, [0.0, 1.0, -0.3, 1.7]])
    np.testing.assert_array_equal(drawing.Ramp(hexes)(values), LinearSegmentedColormap.from_list("x", hexes)(values)[:, :3])


def test_drawing_helpers_import_without_matplotlib():
    import subprocess
    import sys

    code = "import sys, gananim.drawing; print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
