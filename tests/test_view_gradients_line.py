"""The gradients view on 1D recordings: arrows along the x line where G's loss pushes each sample (seeds/004)."""

import numpy as np
import pytest

from gananim.kinds.points.targets import make_target
from gananim.kinds.points.views.gradients import TARGET, push
from gananim.kinds.points.views.gradients_line import LineGradients
from gananim.rendering.views import Frame, make_style, render_frame
from synthetic import record_known

DATA = make_target({"kind": "gaussian", "mean": [2.0], "sigma": 0.5})
BOX = [(-4.0, 4.0)]
ONE_D = dict(data_dim=1, prior="uniform", grid_size=64, view_box=BOX, n_samples=64)
CONTROL = make_style((240, 160))
BIG = make_style((640, 400))


def g_left(z, t):
    """G(z) = -2 + 0.5 z + t: samples on [-2.5, -1.5] moving right, left of the data at 2."""
    return -2.0 + t + 0.5 * z


def d_rising(x, t):
    """D's logit a (x - 0.5), a = 1 + 2t: D rises to the right (toward the data), steeper over training."""
    return (1.0 + 2.0 * t) * (x[:, 0] - 0.5)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.fixture(scope="module", params=["nonsaturating", "minimax"])
def known(request, tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("gl") / request.param, g_left, d_rising, 1, DATA, loss=request.param, **ONE_D
    )


def test_control_frames(tmp_path, assert_frame):
    rec = record_known(tmp_path / "minimax", g_left, d_rising, 1, DATA, loss="minimax", **ONE_D)
    assert_frame("gradients-line-first", render_frame(rec, 0, "gradients", CONTROL))
    assert_frame("gradients-line-last", render_frame(rec, -1, "gradients", CONTROL))


def test_push_is_minus_the_gradient_of_the_g_loss(known):
    """∇ₓ log D = a (1 - D); minimax: −∇ₓ log(1 − D) = a D: both from the recorded ∇ log D and D off its grid."""
    loss = known.manifest["loss"]
    for i, snap in enumerate(known):
        a = 1.0 + 2.0 * i / 4
        x = snap.samples[:, 0].astype(float)
        d = sigmoid(a * (x - 0.5))
        keep = np.ones(len(x), bool)
        expect = a * (1 - d) if loss == "nonsaturating" else a * d
        np.testing.assert_allclose(push(known, snap, keep)[:, 0], expect, rtol=2e-3)


def test_view_is_the_line_form_and_arrows_point_toward_the_data(known):
    frame = Frame([known], "gradients", BIG)
    view, ax = frame.views[0], frame.axes[0]
    assert isinstance(view, LineGradients)
    img = frame.render(int(known.steps[-1]))
    assert (view.quiver.U > 0).all() and np.allclose(view.quiver.V, 0)  # D rises to the right: pushed right
    offsets = view.quiver.get_offsets()
    np.testing.assert_allclose(offsets[:, 0], known[-1].samples[view.idx, 0], atol=1e-6)
    assert np.all(np.diff(known.latents[view.idx, 0]) >= 0) and np.all(np.diff(offsets[:, 1]) > 0)  # z rises upward
    # on screen: dark pixels just ahead (right) of each row's dot, along its row
    dark = img.astype(int).max(axis=-1) < 200  # grey shafts, antialiased over two rows (red dots stay above 200)
    hits = 0
    long = 0
    for (x, y), u in zip(offsets, view.quiver.U):
        (x0, _), (cx, cy) = ax.transData.transform([(x, y), (x + 0.75 * u, y)])
        if cx - x0 < 10:  # on a short arrow that point lies on the dot
            continue
        long += 1
        r, c = int(round(frame.style.height - cy)), int(round(cx))
        hits += dark[r - 1 : r + 2, c].any()
    assert long >= 10 and hits >= long - 1, (hits, long)


def test_one_scale_for_the_video_and_vanishing_under_minimax(known):
    view = Frame([known], "gradients", BIG).views[0]
    lengths = np.concatenate([np.abs(push(known, s, np.ones(len(s.samples), bool))[:, 0]) for s in known])
    assert view.gain * np.quantile(lengths, 0.95) == pytest.approx(TARGET * 8.0, rel=1e-6)
    # the same samples, the same D: minimax pushes far less where D(G(z)) is small (the samples left of x = 0.5)
    mean = np.abs(push(known, known[0], np.ones(64, bool))).mean()
    a = 1.0
    x = known[0].samples[:, 0].astype(float)
    nonsat = (a * (1 - sigmoid(a * (x - 0.5)))).mean()
    if known.manifest["loss"] == "minimax":
        assert mean < 0.2 * nonsat
        assert view.label == "−∇ₓ log(1 − D(x))"
    else:
        assert mean == pytest.approx(nonsat, rel=2e-3)
        assert view.label == "∇ₓ log D(x)"
    frame = Frame([known], "gradients", BIG)
    frame.render(0)
    assert frame.views[0].mean.get_text() == f"mean |{view.label}| = {mean:.2g}"


def test_nan_and_outside_samples_are_not_drawn(tmp_path):
    def broken(z, t):
        out = g_left(z, t).clone()
        if t > 0.5:
            out[::4] = float("nan")
            out[1::4] = 9.0  # right of the box
        return out

    rec = record_known(tmp_path / "nan", broken, d_rising, 1, DATA, **ONE_D)
    frame = Frame([rec], "gradients", CONTROL)
    frame.render(int(rec.steps[-1]))
    view = frame.views[0]
    assert view.outside.get_text() == "16 of 64 samples outside the view"
    shown = ~np.broadcast_to(view.quiver.Umask, len(view.idx))  # quiver keeps U filled and the mask apart
    x = rec[-1].samples[view.idx, 0]
    assert np.array_equal(shown, np.isfinite(x) & (x <= 4.0))
