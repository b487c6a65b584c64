"""The gradients view on recordings of known functions: arrows point where D rises, on one scale for the video."""

import math

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.views.gradients import MAX_LENGTH, TARGET
from gananim.rendering.views import Frame, make_style, render_frame
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]
CONTROL = make_style((200, 150))
BIG = make_style((480, 400))


def g_blob(z, t):
    """G(z) = 0.8 z + (-2 + 2t, 0): a blob that moves right over training."""
    return 0.8 * z + torch.tensor([-2.0 + 2.0 * t, 0.0])


def d_right(x, t):
    """D's logit (1.5 - t / 2) x: D rises toward +x, so ∇ log D points right; it weakens over training."""
    return (1.5 - 0.5 * t) * x[:, 0]


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("grad") / "known", g_blob, d_right, 2, BOX, n_samples=12)


def px(ax, x, y):
    """(row, col) of a data point in the frame."""
    cx, cy = ax.transData.transform((x, y))
    return int(round(ax.figure.bbox.height - cy)), int(round(cx))


def dark(rgb):
    return np.asarray(rgb).astype(int).max(axis=-1) < 175  # a 1-pixel shaft is antialiased over two rows


def test_control_frames(known, assert_frame):
    assert_frame("gradients-first", render_frame(known, 0, "gradients", CONTROL))
    assert_frame("gradients-last", render_frame(known, -1, "gradients", CONTROL))


def test_gradient_points_toward_higher_d(known):
    for snap in known:
        x = snap.samples[:, 0].astype(float)
        t = snap.step / 4
        a = 1.5 - 0.5 * t
        expect = a * (1 - 1 / (1 + np.exp(-a * x)))  # d/dx log σ(a x) = a (1 − σ(a x))
        np.testing.assert_allclose(snap.g_grad[:, 0], expect, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(snap.g_grad[:, 1], 0, atol=1e-6)


@pytest.mark.parametrize("index", [0, -1])
def test_arrows_leave_the_dots_to_the_right(known, index):
    frame = Frame([known], "gradients", BIG)
    img = frame.render(int(known.steps[index]))
    view, ax = frame.views[0], frame.axes[0]
    snap = known[index]
    tails, vec = view.vectors(snap)
    assert len(tails) == len(snap.samples) and (vec[:, 0] > 0).all()
    np.testing.assert_allclose(vec, snap.g_grad * view.gain, rtol=1e-5)  # relative lengths kept (none is capped)
    verts = view.arrows.get_paths()
    assert len(verts) == len(tails)
    # on screen: dark arrow pixels ahead of each dot (right), none straight behind it (left)
    ahead = behind = 0
    for (x, y), (u, _) in zip(tails, vec):
        r, c = px(ax, x + 0.7 * u, y)
        ahead += dark(img[r - 1 : r + 2, c]).any()
        r, c = px(ax, x - 0.7 * u, y)
        behind += dark(img[r - 1 : r + 2, c]).any()
    assert ahead >= len(tails) - 1 and behind <= 1, (ahead, behind)


def test_one_arrow_scale_for_the_whole_video(known):
    view = Frame([known], "gradients", BIG).views[0]
    lengths = np.concatenate([np.hypot(*s.g_grad.T) for s in known])
    assert view.gain * np.quantile(lengths, 0.95) == pytest.approx(TARGET * 8.0, rel=1e-5)
    first, last = (np.hypot(*view.vectors(known[i])[1].T).mean() for i in (0, -1))
    grads = [np.hypot(*known[i].g_grad.T).mean() for i in (0, -1)]
    assert last / first == pytest.approx(grads[1] / grads[0], rel=1e-5)  # D weakens: arrows really shrink
    assert last < first


def test_longest_arrows_are_capped(tmp_path):
    def one_far(z, t):
        out = 0.3 * z + torch.tensor([2.0, 0.0])  # where D ≈ 1: tiny gradients
        out[0] = torch.tensor([-3.5, 0.0])  # far left, where ∇ log D ≈ 4: an outlier
        return out

    rec = record_known(tmp_path / "cap", one_far, lambda x, t: 4.0 * x[:, 0], 2, BOX, n_samples=40)
    view = Frame([rec], "gradients", BIG).views[0]
    lengths = np.hypot(*view.vectors(rec[0])[1].T)
    assert lengths.max() == pytest.approx(MAX_LENGTH * 8.0)


def test_nan_and_out_of_box_samples_are_not_drawn(tmp_path):
    def diverging(z, t):
        out = 0.3 * z
        if t > 0.5:
            out = out.clone()
            out[::4] = math.nan
            out[1::4, 0] += 10.0  # off the right edge of the box
        return out

    rec = record_known(tmp_path / "nan", diverging, d_right, 2, BOX, n_samples=16)
    frame = Frame([rec], "gradients", CONTROL)
    frame.render(0)
    view = frame.views[0]
    assert frame.warning.get_text() == "" and view.outside.get_text() == ""
    img = frame.render(4)
    assert "25% of generated samples are NaN/inf" in frame.warning.get_text()
    assert view.outside.get_text() == "4 of 16 samples outside the view"
    assert len(view.dots.get_offsets()) == 8 and len(view.arrows.get_paths()) == 8
    assert img.shape == (150, 200, 3)


def test_recordings_without_d_are_refused(tmp_path):  # 1D data is drawn: tests/test_view_gradients_line.py
    rec = record_known(tmp_path / "r", g_blob, None, 2, BOX)
    with pytest.raises(GananimError, match="needs a discriminator"):
        Frame([rec], "gradients", CONTROL)
