"""The `mountains` view: D as a 3D surface with the generated density in red on it, camera turning slowly."""

import math

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.kinds.points.views.mountains import AZIMUTH_START, ELEVATION, SWEEP
from gananim.rendering.views import Frame, make_style, render_frame
from synthetic import record_known

TINY = make_style((160, 120))
BOX = [(-6.0, 6.0), (-6.0, 6.0)]
RING = {"kind": "ring", "n": 5, "radius": 3.0, "sigma": 0.5}


def bump_at(cx, cy, width=1.0):
    """D's logit: a single bump at (cx, cy), D ≈ 0.95 on top and ≈ 0.05 far away."""
    return lambda x, t: 6.0 * torch.exp(-((x[:, :1] - cx) ** 2 + (x[:, 1:] - cy) ** 2) / (2 * width**2)) - 3.0


def point(px, py):
    """G sends every latent to (px, py): all generated mass in one grid cell."""
    return lambda z, t: z[:, :2] * 0.0 + torch.tensor([px, py])


def ring_d(x, t):
    """Bumps on the ring's modes whose heights rise and fall with t: D forgetting and relearning clusters."""
    logit = torch.full((len(x), 1), -3.0)
    for k in range(5):
        a = 2 * math.pi * k / 5
        h = 3.0 + 3.0 * math.cos(2 * math.pi * (t + k / 5))
        logit = logit + h * torch.exp(-((x[:, :1] - 3 * math.cos(a)) ** 2 + (x[:, 1:] - 3 * math.sin(a)) ** 2) / 0.8)
    return logit


def circling(z, t):
    """A blob of samples travelling a quarter of the way round the ring."""
    a = math.pi / 2 * t
    return 0.4 * z + torch.tensor([3 * math.cos(a), 3 * math.sin(a)])


@pytest.fixture(scope="module")
def ring(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("r") / "ring", circling, ring_d, 2, make_target(RING), steps=6)


def test_control_frames(ring, assert_frame):
    assert_frame("mountains-first", render_frame(ring, 0, "mountains", TINY))
    assert_frame("mountains-last", render_frame(ring, -1, "mountains", TINY))


def _face_centres(faces):
    return faces[:, :, :2].mean(axis=1)


def _red_faces(view):
    """Faces tinted red (the generated density painted on them); D's purples and whites have blue >= red."""
    rgb = np.asarray(view.surface._facecolor3d)[:, :3]  # the collection's own per-face colours, in face order
    return rgb[:, 0] - rgb[:, 1:].max(axis=1) > 0.2


@pytest.mark.parametrize("grid_size", [16, 64])  # 16: one face per grid cell; 64: faces are 2×2 blocks of cells
def test_peak_and_red_patch_sit_where_d_and_g_put_them(tmp_path, grid_size):
    rec = record_known(tmp_path / "r", point(-3.0, 2.0), bump_at(3.0, 0.0), 2, BOX, steps=1, grid_size=grid_size)
    frame = Frame([rec], "mountains", TINY)
    frame.render(int(rec.steps[-1]))
    view = frame.views[0]
    faces = view.surface._faces  # the collection's 3D data (matplotlib 3.10+): (faces, 4, xyz)
    assert faces is view.faces and faces.shape[1:] == (4, 3)
    verts = faces.reshape(-1, 3)
    top = verts[np.argmax(verts[:, 2])]
    cell = 12.0 / grid_size
    assert abs(top[0] - 3.0) <= 2 * cell and abs(top[1]) <= 2 * cell, top
    assert 0.85 < top[2] <= 1.0  # fixed z-limits: the height is D itself
    assert verts[:, 2].min() < 0.1
    red = _red_faces(view)
    assert red.sum() == 1, red.sum()  # all the mass in one grid cell: one face (of 1 or of 2×2 cells) turns red
    centres = _face_centres(faces)[red]
    assert np.all(np.abs(centres - [-3.0, 2.0]).max(axis=1) < 2 * cell), centres
    # and nowhere near the bump: no density there, so no red
    far = np.abs(_face_centres(faces) - [3.0, 0.0]).max(axis=1) < 1.5
    assert not red[far].any()


def test_peak_moves_when_d_does(tmp_path):
    """The heights are rewritten every frame: a bump that walks from x = -3 to x = +3 is found at both ends."""
    walk = lambda x, t: bump_at(-3.0 + 6.0 * t, 0.0)(x, t)  # noqa: E731
    rec = record_known(tmp_path / "r", point(0.0, 0.0), walk, 2, BOX, steps=2)
    frame = Frame([rec], "mountains", TINY)
    tops = []
    for step in rec.steps:
        frame.render(int(step))
        verts = frame.views[0].surface._faces.reshape(-1, 3)
        tops.append(verts[np.argmax(verts[:, 2]), 0])
    assert tops[0] == pytest.approx(-3.0, abs=1.0) and tops[1] == pytest.approx(0.0, abs=1.0)
    assert tops[2] == pytest.approx(3.0, abs=1.0)


def test_modes_are_marked_on_the_surface(ring):
    frame = Frame([ring], "mountains", TINY)
    frame.render(int(ring.steps[0]))
    xs, ys, zs = frame.views[0].markers.get_data_3d()
    np.testing.assert_allclose(np.stack([xs, ys], axis=1), ring.modes)
    d = ring[0].d_grid
    assert np.all((zs > d.min()) & (zs <= d.max() + 0.02))  # at D's height there, not on the floor


def test_camera_turns_by_the_sweep_and_frames_are_pure(ring):
    frame = Frame([ring], "mountains", TINY)
    ax = frame.views[0].ax
    frame.render(int(ring.steps[-1]))
    last = ax.azim
    frame.render(int(ring.steps[0]))
    first = ax.azim
    assert first == pytest.approx(AZIMUTH_START) and last - first == pytest.approx(SWEEP)
    assert ax.elev == pytest.approx(ELEVATION)
    frame.render(int(ring.steps[3]))
    middle = ax.azim
    assert first < middle < last
    # pure in the index: the same pixels from a fresh frame, twice, and from a frame that drew others before
    a = render_frame(ring, 3, "mountains", TINY)
    b = render_frame(ring, 3, "mountains", TINY)
    np.testing.assert_array_equal(a, b)
    frame.render(int(ring.steps[5]))
    np.testing.assert_array_equal(frame.render(int(ring.steps[3])), a)
    assert not np.array_equal(a, render_frame(ring, 4, "mountains", TINY))


def test_no_growth_in_artists(ring):
    frame = Frame([ring], "mountains", TINY)
    frame.render(int(ring.steps[0]))
    view = frame.views[0]
    surface, count = view.surface, len(frame.fig.findobj())
    for _ in range(3):
        for step in ring.steps:
            frame.render(int(step))
    assert len(frame.fig.findobj()) == count and view.surface is surface
    assert len(view.ax.collections) == 2  # the surface and the floor grid, nothing added per frame


def test_refuses_1d_data_and_recordings_without_d(tmp_path):
    one_d = record_known(tmp_path / "1d", lambda z, t: z, lambda x, t: x, 1, [(-3.0, 3.0)], data_dim=1)
    with pytest.raises(GananimError, match="2D"):
        render_frame(one_d, 0, "mountains", TINY)
    no_d = record_known(tmp_path / "nod", circling, None, 2, BOX)
    with pytest.raises(GananimError, match="discriminator"):
        render_frame(no_d, 0, "mountains", TINY)


def test_nan_in_d_and_density_renders(tmp_path):
    rec = record_known(tmp_path / "r", point(-3.0, 2.0), bump_at(3.0, 0.0), 2, BOX, steps=1)
    chunk = rec.path / "chunks" / "000000.npz"
    with np.load(chunk) as z:
        arrays = dict(z)
    arrays["d_grid"][:, :4, :4] = np.nan
    arrays["d_grid"][:, 8, 12] = np.inf
    arrays["density"][:, 6:9, 6:9] = np.nan
    np.savez(chunk, **arrays)
    rec.refresh()
    frame = Frame([rec], "mountains", TINY)
    img = frame.render(int(rec.steps[-1]))
    assert img.shape == (120, 160, 3) and img.dtype == np.uint8
    view = frame.views[0]
    assert np.isfinite(view.surface._faces).all()
    grey = np.all(np.abs(np.asarray(view.surface._facecolor3d)[:, :3] - 0.62) < 1e-6, axis=1)
    assert grey.sum() == 16 + 1  # the 4×4 NaN corner and the inf cell: drawn grey, at height 0
    assert np.isfinite(np.asarray(view.surface._facecolor3d)).all()
