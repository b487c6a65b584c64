"""Frames between snapshots: the blend is the hand-computed mix, views draw it, held views hold, videos move."""

import numpy as np
import pytest
import torch

from gananim.rendering.pipeline import render
from gananim.rendering.views import Frame, make_style
from gananim.rendering.views.tween import BLENDED, blend, position
from media import decode_frames
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]
SMALL = make_style((200, 150))


def shift(z, t):
    """G(z) = 0.3 z + (3t, 0): linear in t, so the blend of two snapshots is G at the time between them."""
    return 0.3 * z + torch.tensor([3.0 * t, 0.0])


def left_is_real(x, t):
    return (-3.0 + 2.0 * t) * x[:, 0]


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    """Snapshots at steps 0, 10, 20, 30, 40 (t = 0, ¼, ½, ¾, 1)."""
    return record_known(
        tmp_path_factory.mktemp("tw") / "moving",
        shift,
        left_is_real,
        2,
        BOX,
        steps=40,
        every=10,
        scalars=lambda s: {"d_loss": 1.0 + s},
    )


def test_position_between_snapshots(moving):
    assert moving.steps.tolist() == [0, 10, 20, 30, 40]
    assert position(moving, 15) == (1, 0.5)
    assert position(moving, 12.5) == (1, 0.25)
    assert position(moving, 20) == (2, 0.0)
    assert position(moving, 40) == (4, 0.0) and position(moving, 55) == (4, 0.0) and position(moving, -3) == (0, 0.0)


def test_blend_is_the_hand_computed_mix(moving):
    a, b, w = moving[1], moving[2], 0.25
    out = blend(a, b, w)
    for name in BLENDED:
        np.testing.assert_allclose(
            getattr(out, name), 0.75 * getattr(a, name) + 0.25 * getattr(b, name), rtol=1e-5, atol=1e-6
        )
    # G is linear in t, so the blended samples are G's at t = (1 + w) / 4 exactly
    np.testing.assert_allclose(out.samples, 0.3 * moving.latents + [3.0 * 1.25 / 4, 0.0], atol=1e-5)
    assert out.scalars["d_loss"] == pytest.approx(0.75 * 11.0 + 0.25 * 21.0)
    assert out.step == 10 and out.hessian_eigs is a.hessian_eigs  # curvature is held, not blended
    assert blend(a, b, 0.0) is a
    assert not np.shares_memory(out.samples, a.samples)  # the reader's arrays are never written to


def test_a_nan_in_either_snapshot_stays_nan(moving):
    a = moving[0]
    bad = a.samples.copy()
    bad[3] = np.nan
    out = blend(a, a.replace(samples=bad), 0.5)
    assert np.isnan(out.samples[3]).all() and np.isfinite(np.delete(out.samples, 3, axis=0)).all()


@pytest.mark.parametrize("view", ["density", "mapping", "gradients", "mountains"])
def test_blending_views_draw_the_blend(moving, view):
    frame = Frame([moving], view, SMALL)
    frame.render(25)
    shown = frame.views[0].snap if view != "mapping" else None
    expect = blend(moving[2], moving[3], 0.5)
    if view == "mapping":
        u = frame.views[0].quiver.U
        np.testing.assert_allclose(u + frame.views[0].tails[:, 0], expect.mapping[:, 0], atol=1e-5)
    else:
        np.testing.assert_allclose(shown.density, expect.density, atol=1e-6)
        if shown.d_grid is not None:
            np.testing.assert_allclose(shown.d_grid, expect.d_grid, atol=1e-6)
    assert frame.counter.get_text() == "step 25"


def test_mountains_camera_turns_between_snapshots(moving):
    frame = Frame([moving], "mountains", SMALL)
    view = frame.views[0]
    azimuths = []
    for step in (10, 12.5, 15, 20):
        frame.render(step)
        azimuths.append(view.ax.azim)
    np.testing.assert_allclose(
        azimuths, [view.azimuth(1), view.azimuth(1.25), view.azimuth(1.5), view.azimuth(2)], atol=1e-6
    )
    assert azimuths[0] < azimuths[1] < azimuths[2] < azimuths[3]


def test_held_views_hold_the_snapshot_before(moving):
    frame = Frame([moving], "surface", SMALL)
    frame.render(28)
    assert frame.views[0].snap.step == 20


def test_blended_video_moves_every_frame(moving, tmp_path):
    """Every frame differs from the one before until the clip holds its final state (the poster), surface and
    dashboard included (issue 19: surface held, one frame in six repeated the one before and then jumped)."""
    kw = dict(size=(160, 120), fps=9, duration=2)  # 18 frames: 4 gaps, then the last snapshot held (the poster)

    def changed(frames):  # more than the encoder's drift over a still frame (up to about 0.1)
        return [np.abs(a.astype(int) - b.astype(int)).mean() > 0.5 for a, b in zip(frames, frames[1:])]

    for view in ("density", "surface"):
        moves = changed(decode_frames(render(moving, view, tmp_path / f"{view}.mp4", **kw)))
        still = moves.index(False)  # every frame moves until the clip holds its final state
        assert still >= 6 and not any(moves[still:]), view
    # the dashboard's values are held between snapshots, its cursor is not: frames between two snapshots differ
    frame = Frame([moving], "dashboard", make_style((320, 240)))
    shots = [frame.render(step).copy() for step in (5, 6.25, 7.5, 8.75, 10)]
    assert all(np.any(a != b) for a, b in zip(shots, shots[1:]))
