"""The goodfellow-1d view on recordings of known functions: things are drawn where they should be."""

import math

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.rendering.views import Frame, make_style, render_frame
from synthetic import record_known

DATA = make_target({"kind": "gaussian", "mean": [5.0], "sigma": 1.0})  # view box [0.2, 9.8]
ONE_D = dict(data_dim=1, prior="uniform", grid_size=48)  # bins 0.2 wide, edges at 0.2 + 0.2 k
CONTROL = make_style((240, 160))
BIG = make_style((640, 400))


def g_moving(z, t):
    """G(z) = (2 + 3t) + (1.5 - t) z: at t = 0 on [0.5, 3.5], at t = 1 G(z) = 5 + 0.5 z on [4.5, 5.5]."""
    return 2.0 + 3.0 * t + (1.5 - t) * z


def d_step(x, t):
    """D's logit: a soft slope at t = 0 that becomes a step at x = 5 (D ≈ 0 left of 5, ≈ 1 right of it)."""
    return (1.0 + 39.0 * t) * (x[:, 0] - 5.0)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("gf") / "known", g_moving, d_step, 1, DATA, **ONE_D)


def px(ax, x, y):
    """(row, col) of a data point in the frame (rows from the top)."""
    cx, cy = ax.transData.transform((x, y))
    return ax.figure.bbox.height - cy, cx


def reddish(img):
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return (r - g > 40) & (r - b > 40)


def greenish(img):
    r, g, b = (img[..., k].astype(int) for k in range(3))
    return (g - r > 40) & (g - b > 20)


def dark(img):
    return img.astype(int).max(axis=-1) < 200


def test_control_frames(known, assert_frame):
    assert_frame("goodfellow-first", render_frame(known, 0, "goodfellow-1d", CONTROL))
    assert_frame("goodfellow-last", render_frame(known, -1, "goodfellow-1d", CONTROL))


@pytest.mark.parametrize("index, lo, hi", [(0, 0.5, 3.5), (-1, 4.5, 5.5)])
def test_generated_density_is_red_above_g_of_z(known, index, lo, hi):
    frame = Frame([known], "goodfellow-1d", BIG)
    img = frame.render(int(known.steps[index]))
    view, ax = frame.views[0], frame.axes[0]
    top_row, _ = px(ax, 5.0, view.peak)  # up to the scale's peak: the legend lives in the headroom above
    base_row, _ = px(ax, 5.0, 0.0)
    band = reddish(img[int(top_row) + 1 : int(base_row) - 1])
    cols = np.flatnonzero(band.any(axis=0))
    _, c_lo = px(ax, lo, 0)
    _, c_hi = px(ax, hi, 0)
    bin_px = px(ax, 0.2, 0)[1] - px(ax, 0.0, 0)[1]
    assert len(cols), "no red drawn"
    assert cols.min() >= c_lo - bin_px - 2 and cols.max() <= c_hi + bin_px + 2, (cols.min(), cols.max(), c_lo, c_hi)
    inner = np.arange(int(c_lo + bin_px), int(c_hi - bin_px))
    assert np.isin(inner, cols).all(), "red must cover G's range"
    assert view.peak >= DATA.density(known.grid).max()  # the fixed y scale holds the data's peak


def test_arrows_run_from_the_z_line_to_g_of_z(known):
    frame = Frame([known], "goodfellow-1d", BIG)
    view, ax = frame.views[0], frame.axes[0]
    z = known.fixed["latent_grid_coords"][:, 0]
    ((x0, x1),) = known.view_box
    # z in [-1, 1] spreads affinely over the x range (inset by 4% at each end)
    np.testing.assert_allclose(view.tails, x0 + 0.04 * (x1 - x0) + (z + 1) / 2 * 0.92 * (x1 - x0), rtol=1e-6)
    for index, t in ((0, 0.0), (-1, 1.0)):
        img = frame.render(int(known.steps[index]))
        heads = g_moving(torch.as_tensor(z), t).numpy()
        np.testing.assert_allclose(view.quiver.U + view.tails, heads, atol=1e-5)  # tips land on G(z) ...
        np.testing.assert_allclose(view.quiver.V, -view.z_y)  # ... on the x line
        # on a pixel row across the arrow band, a dark line crosses where each straight arrow should be
        y = 0.45 * view.z_y
        row = int(round(px(ax, 0, y)[0]))
        want = np.array([px(ax, h + (tl - h) * y / view.z_y, y)[1] for h, tl in zip(heads, view.tails)])
        rows_per_arrow = px(ax, 0, view.z_y)[0] - px(ax, 0, 0)[0]
        spread = (
            2
            + np.abs(np.array([px(ax, tl, 0)[1] - px(ax, h, 0)[1] for h, tl in zip(heads, view.tails)]))
            / rows_per_arrow
        )
        line = dark(img[row])  # a shallow arrow covers about `spread` pixels of a row
        for c, w in zip(want, spread):
            assert line[int(c - w) : int(c + w) + 1].any(), f"no arrow at column {c:.0f}"
        found = np.flatnonzero(line)
        assert all((np.abs(f - want) <= spread).any() for f in found), "dark pixels where no arrow should be"


def test_d_curve_is_green_on_its_own_axis(known):
    frame = Frame([known], "goodfellow-1d", BIG)
    img = frame.render(int(known.steps[-1]))
    twin = frame.views[0].twin
    green = greenish(img)
    for x, d in ((3.0, 0.0), (7.0, 1.0)):  # the step: D ≈ 0 left of 5, D ≈ 1 right of it
        r, c = px(twin, x, d)
        rows = np.flatnonzero(green[:, int(round(c))])
        rows = rows[np.abs(rows - r) < 40]
        assert len(rows) and np.abs(rows - r).min() <= 3, (x, d, rows, r)
    r_half, c = px(twin, 5.0, 0.5)  # the dashed D = ½ line
    assert green[int(round(r_half)) - 1 : int(round(r_half)) + 2, int(px(twin, 1.0, 0.5)[1]) : int(c)].any()
    assert frame.views[0].d_line.get_ydata()[-1] == pytest.approx(1.0, abs=1e-3)


def test_nan_snapshot_masks_arrows_and_warns(tmp_path):
    def diverging(z, t):
        out = 5.0 + 0.5 * z
        if t > 0.5:
            out = out.clone()
            out[::2] = math.nan
        return out

    rec = record_known(tmp_path / "nan", diverging, d_step, 1, DATA, **ONE_D)
    frame = Frame([rec], "goodfellow-1d", CONTROL)
    frame.render(0)
    assert frame.warning.get_text() == ""
    img = frame.render(4)
    assert "NaN/inf" in frame.warning.get_text() and img.shape == (160, 240, 3)
    masked = np.asarray(frame.views[0].quiver.Umask)  # NaN heads: masked arrows, not drawn
    assert masked.sum() == np.isnan(rec[4].mapping[:, 0]).sum() > 0


def test_without_a_discriminator_no_d_curve(tmp_path):
    rec = record_known(tmp_path / "noD", g_moving, None, 1, DATA, **ONE_D)
    frame = Frame([rec], "goodfellow-1d", BIG)
    img = frame.render(4)
    assert not frame.views[0].has_d and not hasattr(frame.views[0], "twin")
    assert not greenish(img).any()
    texts = [t.get_text() for t in frame.axes[0].get_legend().get_texts()]
    assert texts == ["data", "G(z) density"]


def test_a_2d_recording_is_refused(tmp_path):
    rec = record_known(tmp_path / "2d", lambda z, t: z, lambda x, t: x[:, 0], 2, [(-2.0, 2.0), (-2.0, 2.0)])
    with pytest.raises(GananimError, match="draws 1D data"):
        Frame([rec], "goodfellow-1d", CONTROL)


@pytest.mark.parametrize("view", ["goodfellow-1d", "gradients"])
def test_a_spike_above_the_band_is_marked_with_its_height(tmp_path, view):
    rec = record_known(tmp_path / "spike", lambda z, t: 5.0 + (0.5 - 0.49 * t) * z, d_step, 1, DATA, **ONE_D)
    frame = Frame([rec], view, BIG)
    frame.render(0)  # G(z) on [4.5, 5.5]: a density of about 1, inside the band (scaled to hold the usual peaks)
    mark = frame.views[0].peak_label
    top = frame.axes[0].get_ylim()[1]
    assert rec[0].density.max() < top and not mark.get_visible()
    frame.render(int(rec.steps[-1]))  # G(z) on [4.99, 5.01]: all in one bin, far above the band
    last = rec[-1].density.max()
    assert last > top and mark.get_visible() and mark.get_text() == f"▲ peak {last:.3g}"
    assert mark.get_position()[0] == pytest.approx(rec.grid.axes[0][np.argmax(rec[-1].density)])


def test_the_d_axis_labels_stay_inside_the_frame(known):
    frame = Frame([known], "goodfellow-1d", BIG)
    frame.render(0)
    renderer = frame.canvas.get_renderer()
    twin = frame.views[0].twin
    right = max(t.get_window_extent(renderer).x1 for t in twin.get_yticklabels() if t.get_text())
    assert right <= BIG.width - 2
