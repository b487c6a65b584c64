"""Manim building blocks on recordings of known functions, the scene scripts against control frames, the runner.

Scenes render at a tiny size and a low frame rate (whole scene, two frames kept) so the file runs in well under
two minutes; `pytest --regenerate-frames` rewrites tests/control_frames/scene_*.png (look at them first).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("manim")

from media import decode_frames  # noqa: E402
from synthetic import record_known  # noqa: E402

from gananim.analysis import analyse  # noqa: E402
from gananim.errors import GananimError  # noqa: E402
from gananim.events import Event  # noqa: E402
from gananim.targets import make_target  # noqa: E402

SCENES = Path(__file__).parent.parent / "scenes"
RING = make_target({"kind": "ring", "n": 4, "sigma": 0.05, "radius": 1.0})
GAUSS = make_target({"kind": "gaussian", "mean": [5.0], "sigma": 1.0})
SMALL2D = dict(steps=6, grid_size=24, latent_grid=5)
SMALL1D = dict(data_dim=1, prior="uniform", grid_size=40, steps=6)
TINY = (128, 72, 2)  # width, height, fps for whole-scene renders


def travel(z, t):
    """A collapsed blob going round the ring: at (1, 0) at t = 0, (0, 1) at t = 1/3, (−1, 0) at 2/3, (0, −1) at 1."""
    a = 2 * math.pi * 0.75 * t
    return 0.08 * z + torch.tensor([math.cos(a), math.sin(a)])


def left_is_real(x, t):
    return -6.0 * x[:, 0]


def g1(z, t):
    return 2.0 + 3.0 * t + (1.5 - t) * z


def d1(x, t):
    return (1.0 + 9.0 * t) * (x[:, 0] - 5.0)


@pytest.fixture(scope="module")
def recs(tmp_path_factory):
    root = tmp_path_factory.mktemp("scenes")  # each recording's events are planted in its (memoised) analysis
    hop = record_known(root / "hop", travel, left_is_real, 2, RING, scalars=lambda s: {"value": -1.0 - 0.05 * s}, **SMALL2D)
    analyse(hop).events[:] = [Event("mode_hop", 2, 3, "the generator hops to mode 1")]
    fix = record_known(root / "fix", lambda z, t: 0.5 * z, left_is_real, 2, RING, **SMALL2D)
    analyse(fix).events[:] = []
    nod = record_known(root / "nod", travel, None, 2, RING, **SMALL2D)
    analyse(nod).events[:] = []
    one = record_known(root / "one", g1, d1, 1, GAUSS, scalars=lambda s: {"value": -1.0 - 0.06 * s}, **SMALL1D)
    analyse(one).events[:] = [Event("vanishing_gradient", 1, 4, "D saturates: G's gradient vanishes")]
    exact = record_known(root / "exact", g1, None, 1, GAUSS, **SMALL1D)
    analyse(exact).events[:] = []
    return {"hop": hop, "fix": fix, "nod": nod, "one": one, "exact": exact}


@pytest.fixture
def tiny_config():
    import manim

    from gananim.manim.camera import FastCamera

    settings = {"pixel_width": 160, "pixel_height": 90, "frame_width": 8.0 * 16 / 9, "frame_height": 8.0,
                "frame_rate": 10, "background_color": "#ffffff", "disable_caching": True, "verbosity": "ERROR"}
    with manim.tempconfig(settings):
        from manim import Scene
        from manim.renderer.cairo_renderer import CairoRenderer

        scene = Scene(renderer=CairoRenderer(camera_class=FastCamera))
        yield scene


def grab(scene, *mobs) -> np.ndarray:
    """Draw mobjects (after running their updaters) and return the RGB frame."""
    for m in mobs:
        m.update(0)
    scene.renderer.camera.reset()
    scene.renderer.camera.capture_mobjects(list(mobs))
    return scene.renderer.get_frame()[..., :3]


# --------------------------------------------------------------------------- building blocks

def test_series_interpolates_between_snapshots(recs):
    from gananim.manim.blocks import series

    s = series(recs["hop"])
    a, b = recs["hop"][2].mapping, recs["hop"][3].mapping
    np.testing.assert_allclose(s.at("mapping", 2.0), a, atol=1e-6)
    np.testing.assert_allclose(s.at("mapping", 2.25), 0.75 * a + 0.25 * b, atol=1e-5)
    np.testing.assert_allclose(s.at("mapping", 99), recs["hop"][-1].mapping, atol=1e-6)  # clamped at the end
    assert s.frac(2.5) == pytest.approx(2.5)


def test_clock_slows_down_around_events(recs):
    from gananim.manim.blocks import Clock

    clock = Clock([recs["hop"]])
    rate = clock.rate_func(slowmo=4.0)
    assert rate(0) == 0 and rate(1) == pytest.approx(1)
    # the event spans steps 2..3 (a sixth of the range) but gets far more than a sixth of the time
    ts = np.linspace(0, 1, 1001)
    steps = np.array([rate(t) for t in ts]) * 6
    inside = ((steps >= 2) & (steps <= 3)).mean()
    assert inside > 0.3
    assert np.all(np.diff(steps) >= -1e-9)


def test_surface_shows_d_and_density(recs, tiny_config):
    from gananim.manim.blocks import Clock, DSurface, Plane

    rec = recs["hop"]
    clock = Clock([rec])
    plane = Plane(rec.view_box, height=8.0)
    surface = DSurface(rec, plane, clock)
    img = surface.pixel_array
    h, w = img.shape[:2]
    left, right = img[h // 4, w // 8, :3].astype(int), img[h // 4, w - w // 8, :3].astype(int)
    assert left.sum() < right.sum() - 150  # purple where D says real (x < 0), white where fake
    # at step 0 the blob sits at (1, 0): red there (right of centre), at step 6 at (0, −1): red below the centre
    def reddest(a):
        redness = a[..., 0].astype(int) - a[..., 1].astype(int)
        return np.unravel_index(np.argmax(redness), redness.shape)
    r0, c0 = reddest(img)
    assert c0 > w * 0.7 and abs(r0 - h / 2) < h * 0.15
    clock.tracker.set_value(6)
    surface.update(0)
    r1, c1 = reddest(surface.pixel_array)
    assert r1 > h * 0.7 and abs(c1 - w / 2) < w * 0.15


def test_samples_and_arrows_follow_the_recording(recs, tiny_config):
    from gananim.manim.blocks import Clock, MappingArrows, Plane, SampleCloud

    rec = recs["hop"]
    clock = Clock([rec])
    plane = Plane(rec.view_box, height=6.0)
    cloud = SampleCloud(rec, plane, clock)
    arrows = MappingArrows(rec, plane, clock)
    clock.tracker.set_value(1.5)
    cloud.update(0)
    arrows.update(0)
    expected = plane.to_scene((rec[1].samples + rec[2].samples) / 2)
    np.testing.assert_allclose(cloud.points, expected, atol=1e-4)
    heads = plane.to_scene((rec[1].mapping + rec[2].mapping) / 2)
    shaft_ends = np.concatenate([m.points.reshape(-1, 4, 3)[: len(idx), 3] for m, idx in zip(arrows.submobjects, arrows.members)])
    order = np.concatenate(arrows.members)
    np.testing.assert_allclose(shaft_ends, heads[order], atol=1e-4)
    frame = grab(tiny_config, cloud, arrows)
    assert (frame < 250).any()


def test_goodfellow_1d_block(recs, tiny_config):
    from gananim.manim.blocks import Clock, Goodfellow1D

    rec = recs["one"]
    clock = Clock([rec])
    fig = Goodfellow1D(rec, clock, width=10, height=6)
    clock.tracker.set_value(6)
    fig.update(0)
    # at t = 1 G(z) = 5 + 0.5 z: every arrow head lands within [4.5, 5.5] on the x line
    heads = fig.arrows.points.reshape(-1, 4, 3)[: len(fig.tails_x), 3]
    assert np.all(heads[:, 0] >= fig.X(4.45)) and np.all(heads[:, 0] <= fig.X(5.55))
    assert np.allclose(heads[:, 1], fig.base)
    # D = sigmoid(10 (x − 5)): below ½ left of 5, above right of it
    d = fig.d_curve.points[::4]
    left = d[d[:, 0] < fig.X(4.0)]
    right = d[d[:, 0] > fig.X(6.0)]
    assert np.all(left[:, 1] < fig.base + 0.5 * fig.d_unit) and np.all(right[:, 1] > fig.base + 0.5 * fig.d_unit)


def test_step_counter_and_captions(recs, tiny_config):
    from gananim.manim.blocks import CaptionBar, Clock, StepCounter

    rec = recs["hop"]
    clock = Clock([rec])
    counter = StepCounter(clock)
    bar = CaptionBar([(rec, None)], clock)
    clock.tracker.set_value(5)
    counter.update(0)
    bar.update(0)
    assert [len(s.points) > 0 for s in counter.slots] == [True]  # "5": one digit slot
    assert bar.holder.submobjects == []
    clock.tracker.set_value(2.5)
    bar.update(0)
    assert len(bar.holder.submobjects) == 1 and "hopstomode1" in bar.holder.submobjects[0][1].text


def test_mountains_block_draws_the_surface(recs, tiny_config):
    from gananim.manim.blocks import Clock, Mountains

    rec = recs["hop"]
    clock = Clock([rec])
    m = Mountains(rec, clock, width=8, height=6)
    img = m.pixel_array[..., :3].astype(int)
    assert (img.sum(axis=2) < 600).mean() > 0.05  # a coloured surface, not a blank image
    purple = (img[..., 2] > img[..., 1] + 30)
    assert purple.any()


# --------------------------------------------------------------------------- scenes

CASES = [("mode_hopping", ["hop"]), ("swaying", ["nod"]), ("collapse", ["hop", "fix"]),
         ("strong_discriminator", ["one", "one"]), ("mountains", ["hop"]), ("transform_method", ["exact", "one"])]


@pytest.mark.parametrize("name,which", CASES)
def test_scene_frames_match_controls(name, which, recs, assert_frame):
    from gananim.scene_runner import check_recordings, load_scene, render_stills

    cls = load_scene(SCENES / f"{name}.py")
    chosen = check_recordings(cls, [recs[k] for k in which])
    w, h, fps = TINY
    share = (cls.TITLE_SECONDS + 2 * cls.FADE + cls.TRAIN_SECONDS * 0.5) / cls.seconds()
    mid, last = render_stills(cls, chosen, w, h, fps, at=(share, 1.0))
    assert mid.shape == (h, w, 3)
    assert_frame(f"scene_{name}-mid", mid, mean_tol=3.0, bad_share=0.02)
    assert_frame(f"scene_{name}-last", last, mean_tol=3.0, bad_share=0.02)


def test_scene_says_what_it_needs(recs):
    from gananim.scene_runner import check_recordings, load_scene

    cls = load_scene(SCENES / "mode_hopping.py")
    with pytest.raises(GananimError, match="needs one recording of 2D data with a discriminator.*got 2 recordings"):
        check_recordings(cls, [recs["hop"], recs["fix"]])
    with pytest.raises(GananimError, match="got .*1D"):
        check_recordings(cls, [recs["one"]])
    two = load_scene(SCENES / "strong_discriminator.py")
    with pytest.raises(GananimError, match="needs 2 recordings of 1D data"):
        check_recordings(two, [recs["one"]])
    with pytest.raises(GananimError, match="no scene file"):
        load_scene(SCENES / "nope.py")


def test_missing_manim_is_one_line_with_the_fix(monkeypatch):
    from gananim.manim import require_manim

    monkeypatch.setitem(sys.modules, "manim", None)
    with pytest.raises(GananimError, match=r"pip install 'gananim\[scenes\]'"):
        require_manim()


def test_cli_renders_a_scene_to_mp4(recs, tmp_path, monkeypatch, capsys):
    from gananim import scene_runner
    from gananim.cli import main

    monkeypatch.setitem(scene_runner.QUALITIES, "low", (128, 72, 2))
    out = tmp_path / "mh.mp4"
    assert main(["scene", str(SCENES / "mode_hopping.py"), str(recs["hop"].path), "--quality", "low", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    frames = decode_frames(out)
    cls = scene_runner.load_scene(SCENES / "mode_hopping.py")
    assert abs(len(frames) - cls.seconds() * 2) <= 3 and frames.shape[1:] == (72, 128, 3)
    assert main(["scene", str(SCENES / "mode_hopping.py"), str(recs["one"].path), "--quality", "low",
                 "--out", str(tmp_path / "x.mp4")]) == 2
    assert "needs one recording of 2D data" in capsys.readouterr().err


def test_gananim_import_does_not_import_manim():
    import subprocess

    code = "import sys, gananim, gananim.views, gananim.pipeline; print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_manim_blocks_do_not_load_matplotlib_or_the_views():
    """The blocks share numpy helpers with the views through gananim.drawing, not by importing the views."""
    import subprocess

    code = ("import sys, gananim.manim.blocks, gananim.manim.scene, gananim.scene_runner; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib' or m.startswith('gananim.views')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
