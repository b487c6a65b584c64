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

from gananim.analysis.analyser import analyse  # noqa: E402
from gananim.analysis.events import Event  # noqa: E402
from gananim.errors import GananimError  # noqa: E402
from gananim.kinds.points.targets import make_target  # noqa: E402
from media import decode_frames  # noqa: E402
from synthetic import record_known  # noqa: E402

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
    hop = record_known(
        root / "hop", travel, left_is_real, 2, RING, scalars=lambda s: {"value": -1.0 - 0.05 * s}, **SMALL2D
    )
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

    from gananim.rendering.manim.camera import FastCamera

    settings = {
        "pixel_width": 160,
        "pixel_height": 90,
        "frame_width": 8.0 * 16 / 9,
        "frame_height": 8.0,
        "frame_rate": 10,
        "background_color": "#ffffff",
        "disable_caching": True,
        "verbosity": "ERROR",
    }
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
    from gananim.rendering.manim.blocks import series

    s = series(recs["hop"])
    a, b = recs["hop"][2].mapping, recs["hop"][3].mapping
    np.testing.assert_allclose(s.at("mapping", 2.0), a, atol=1e-6)
    np.testing.assert_allclose(s.at("mapping", 2.25), 0.75 * a + 0.25 * b, atol=1e-5)
    np.testing.assert_allclose(s.at("mapping", 99), recs["hop"][-1].mapping, atol=1e-6)  # clamped at the end
    assert s.frac(2.5) == pytest.approx(2.5)


def test_clock_slows_down_around_events(recs):
    from gananim.rendering.manim.blocks import Clock

    clock = Clock([recs["hop"]])
    rate = clock.rate_func(slowmo=4.0)
    assert rate(0) == 0 and rate(1) == pytest.approx(1)
    # the event spans steps 2..3 (a sixth of the range) but gets far more than a sixth of the time
    ts = np.linspace(0, 1, 1001)
    steps = np.array([rate(t) for t in ts]) * 6
    inside = ((steps >= 2) & (steps <= 3)).mean()
    assert inside > 0.3
    assert np.all(np.diff(steps) >= -1e-9)


def test_charts_of_runs_of_different_lengths_move_together(recs, tmp_path):
    """The collapse scene's runs differ in length (50,000 plain steps beside 6,000 unrolled ones): on a clock
    synchronised on progress each chart line spans the whole chart and the two dots stand at the same x."""
    from gananim.rendering.manim.blocks import Clock, ScalarChart

    long = record_known(tmp_path / "long", travel, left_is_real, 2, RING, **(SMALL2D | {"steps": 18}))
    short = recs["fix"]
    lines = [(long, "modes_captured", "#ff0000", "long"), (short, "modes_captured", "#0000ff", "short")]
    for sync in ("progress", "step"):
        clock = Clock([long, short], sync=sync)
        chart = ScalarChart(lines, clock, width=6.0, height=1.0, y_range=(0, 4))
        left = chart.cx - chart.w / 2
        for share in (0.5, 1.0):
            clock.tracker.set_value(clock.start + share * (clock.end - clock.start))
            chart.update(0)
            xs = chart.dots.points[:, 0] - left
            assert xs[0] == pytest.approx(share * chart.w)  # the long run: its steps are the clock's either way
            if sync == "progress":  # the short run (6 of 18 steps) beside it, at the same share of its own run
                assert xs[1] == pytest.approx(share * chart.w)
                assert chart.curves[1].points[:, 0].min() == pytest.approx(left)
            else:  # on the step axis its line stops a third of the way and runs on flat
                assert chart.X(short.steps[-1]) - left == pytest.approx(chart.w / 3)


def test_surface_shows_d_and_density(recs, tiny_config):
    from gananim.rendering.manim.blocks import Clock, DSurface, Plane

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
    from gananim.rendering.manim.blocks import Clock, MappingArrows, Plane, SampleCloud

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
    shaft_ends = np.concatenate(
        [m.points.reshape(-1, 4, 3)[: len(idx), 3] for m, idx in zip(arrows.submobjects, arrows.members)]
    )
    order = np.concatenate(arrows.members)
    np.testing.assert_allclose(shaft_ends, heads[order], atol=1e-4)
    frame = grab(tiny_config, cloud, arrows)
    assert (frame < 250).any()


def test_goodfellow_1d_block(recs, tiny_config):
    from gananim.rendering.manim.blocks import Clock, Goodfellow1D

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
    from gananim.rendering.manim.blocks import CaptionBar, Clock, StepCounter

    rec = recs["hop"]
    clock = Clock([rec])
    counter = StepCounter(clock)
    bar = CaptionBar([(rec, None)], clock)
    clock.tracker.set_value(5)
    counter.update(0)
    bar.update(0)
    assert [len(s.points) > 0 for s in counter.slots] == [True]  # "5": one digit slot
    # between events the band says so in grey instead of standing empty (issue 10)
    assert [m.text for m in bar.visible()] == ["noeventatthisstep"]
    clock.tracker.set_value(2.5)
    bar.update(0)
    assert len(bar.visible()) == 1 and "hopstomode1" in bar.visible()[0][1].text
    quiet = CaptionBar([(recs["fix"], None)], Clock([recs["fix"]]))
    quiet.update(0)
    assert [m.text for m in quiet.visible()] == ["noeventdetectedinthisrun"]
    # never two texts in the band, fading in and out too; the group never changes (manim draws what a play's
    # moving mobjects held when it started, so hiding must be by opacity)
    members = list(bar.holder.submobjects)
    for v in np.linspace(clock.start, clock.end, 400):
        clock.tracker.set_value(v)
        bar.update(0)
        assert len(bar.visible()) == 1 and bar.holder.submobjects == members


def test_mountains_block_draws_the_surface(recs, tiny_config):
    from gananim.rendering.manim.blocks import Clock, Mountains

    rec = recs["hop"]
    clock = Clock([rec])
    m = Mountains(rec, clock, width=8, height=6)
    img = m.pixel_array[..., :3].astype(int)
    assert (img.sum(axis=2) < 600).mean() > 0.05  # a coloured surface, not a blank image
    purple = img[..., 2] > img[..., 1] + 30
    assert purple.any()


def test_arrows_and_samples_stay_in_their_panel(tmp_path, tiny_config):
    """issue 10 (swaying at 720p): arrows ran out of the plot into the title, samples out of the inset to the
    frame's edge. Now arrows are cut at the panel's edge (headless there), samples outside are not drawn, and a
    note under the panel counts what was left out."""
    from gananim.rendering.manim.blocks import Clock, MappingArrows, Plane, SampleCloud

    rec = record_known(tmp_path / "far", lambda z, t: 0.3 * z + torch.tensor([1.5 * t, 0.0]), None, 2, RING, **SMALL2D)
    clock = Clock([rec])
    plane = Plane(rec.view_box, height=4.0)
    x0, x1, y0, y1 = plane.bounds()
    cloud, arrows = SampleCloud(rec, plane, clock), MappingArrows(rec, plane, clock)
    clock.tracker.set_value(6)  # everything shifted right by 1.5: the right part beyond the view box (±1.44)
    cloud.update(0)
    arrows.update(0)
    heads = plane.to_scene(rec[-1].mapping)
    head_in = plane.inside(heads)
    assert 0 < head_in.sum() < len(heads)  # some arrows leave the panel, some do not
    drawn = np.concatenate([m.points for m in arrows.submobjects[: len(arrows.members)]])
    assert np.all(
        (drawn[:, 0] >= x0 - 1e-6)
        & (drawn[:, 0] <= x1 + 1e-6)
        & (drawn[:, 1] >= y0 - 1e-6)
        & (drawn[:, 1] <= y1 + 1e-6)
    )
    # an arrow that crosses the panel keeps its shaft; only those whose head is inside get their two barbs
    segments = sum(len(m.points) for m in arrows.submobjects[: len(arrows.members)]) // 4
    shafts = segments - 2 * head_in.sum()
    assert head_in.sum() <= shafts <= len(heads)
    assert arrows.n_outside == (~head_in).sum()
    samples = plane.to_scene(rec[-1].samples)
    inside = plane.inside(samples)
    shown = cloud.points[cloud.points[:, 0] < 1e2]
    assert len(shown) == inside.sum() and cloud.n_outside == (~inside).sum() > 0
    note = cloud.outside
    note.update(0)
    assert sum(len(s.points) > 0 for s in note.slots) == len(str((~inside).sum()))
    assert note.suffix.get_fill_opacity() == 1.0 and note.get_top()[1] < y0  # under the panel
    clock.tracker.set_value(0)  # all inside at the start: the note disappears
    cloud.update(0)
    note.update(0)
    assert (
        cloud.n_outside == 0 and all(len(s.points) == 0 for s in note.slots) and note.suffix.get_fill_opacity() == 0.0
    )


def test_mountains_axis_stands_at_the_floor_clear_of_the_surface(recs, tiny_config):
    """issue 10: the mountains' "0" tick floated above the floor. The axis now stands beside the floor's leftmost
    corner on screen, its 0 at that corner's height, left of every point of the surface, at every azimuth."""
    from gananim.rendering.manim.blocks import Clock, Mountains

    rec = recs["hop"]
    m = Mountains(rec, Clock([rec]), width=8, height=6)
    a = m.aspect
    corners = np.array([[-1, -a], [1, -a], [1, a], [-1, a]], float)
    for az in np.linspace(m.azimuth[0], m.azimuth[1], 11):
        x, ys = m.axis(az)
        sx, sy, _ = m.project(m.gx, m.gy, np.ones_like(m.gx) * 2 * m.z_aspect, az)  # the surface at its highest
        assert x < sx.min()
        cx, cy, _ = m.project(corners[:, 0], corners[:, 1], np.zeros(4), az)
        k = int(np.argmin(cx))
        assert ys[0] == pytest.approx(cy[k]) and abs(x - cx[k]) < 0.02 * m.ph  # 0 is at the floor's corner
        assert ys[0] > ys[1] > ys[2]  # ½ and 1 above it (screen y grows downwards)


def test_goodfellow_tick_labels_are_not_overdrawn_by_arrows(recs):
    """issue 10 (strong_discriminator): arrows ran over the x tick labels. The labels sit on white chips drawn
    after the arrows: under each chip the frame is the label alone, though the arrows do cross there."""
    import manim
    from manim import Scene
    from manim.renderer.cairo_renderer import CairoRenderer

    from gananim.rendering.manim.blocks import Clock, Goodfellow1D
    from gananim.rendering.manim.camera import FastCamera

    settings = {
        "pixel_width": 640,
        "pixel_height": 360,
        "frame_width": 8.0 * 16 / 9,
        "frame_height": 8.0,
        "background_color": "#ffffff",
        "disable_caching": True,
        "verbosity": "ERROR",
    }
    with manim.tempconfig(settings):
        scene = Scene(renderer=CairoRenderer(camera_class=FastCamera))
        rec = recs["one"]
        clock = Clock([rec])
        fig = Goodfellow1D(rec, clock, width=12, height=6)
        clock.tracker.set_value(6)  # G(z) = 5 + 0.5 z: every arrow ends by the middle tick, "5"
        both = grab(scene, fig, fig.overlay)
        arrows = grab(scene, fig)
        alone = grab(scene, fig.overlay)
        crossed = 0
        k = 360 / 8.0  # pixels per unit
        for chip in fig.overlay.submobjects[::2]:
            (left, b, _), (r, t, _) = chip.get_corner([-1, -1, 0]), chip.get_corner([1, 1, 0])
            cols = slice(int((left + 8 * 16 / 18) * k) + 1, int((r + 8 * 16 / 18) * k) - 1)
            rows = slice(int((4 - t) * k) + 1, int((4 - b) * k) - 1)
            np.testing.assert_allclose(both[rows, cols].astype(int), alone[rows, cols].astype(int), atol=8)
            crossed += (arrows[rows, cols] < 200).any()
        assert crossed >= 1  # the test means something: arrows do pass where a label is


# --------------------------------------------------------------------------- scenes

CASES = [
    ("mode_hopping", ["hop"]),
    ("swaying", ["nod"]),
    ("collapse", ["hop", "fix"]),
    ("strong_discriminator", ["one", "one"]),
    ("mountains", ["hop"]),
    ("transform_method", ["exact", "one"]),
]


@pytest.mark.parametrize("name,which", CASES)
def test_scene_frames_match_controls(name, which, recs, assert_frame):
    from gananim.rendering.scenes import check_recordings, load_scene, render_stills

    cls = load_scene(SCENES / f"{name}.py")
    chosen = check_recordings(cls, [recs[k] for k in which])
    w, h, fps = TINY
    share = (cls.TITLE_SECONDS + 2 * cls.FADE + cls.TRAIN_SECONDS * 0.5) / cls.seconds()
    mid, last = render_stills(cls, chosen, w, h, fps, at=(share, 1.0))
    assert mid.shape == (h, w, 3)
    assert_frame(f"scene_{name}-mid", mid, mean_tol=3.0, bad_share=0.02)
    assert_frame(f"scene_{name}-last", last, mean_tol=3.0, bad_share=0.02)


def test_scene_says_what_it_needs(recs):
    from gananim.rendering.scenes import check_recordings, load_scene

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
    from gananim.rendering.manim import require_manim

    monkeypatch.setitem(sys.modules, "manim", None)
    with pytest.raises(GananimError, match=r"pip install 'gananim\[scenes\]'"):
        require_manim()


def test_cli_renders_a_scene_to_mp4(recs, tmp_path, monkeypatch, capsys):
    from gananim.cli.commands import main
    from gananim.rendering import scenes as scene_runner

    monkeypatch.setitem(scene_runner.QUALITIES, "low", (128, 72, 2))
    out = tmp_path / "mh.mp4"
    assert (
        main(["scene", str(SCENES / "mode_hopping.py"), str(recs["hop"].path), "--quality", "low", "--out", str(out)])
        == 0
    )
    assert f"wrote {out}" in capsys.readouterr().out
    frames = decode_frames(out)
    cls = scene_runner.load_scene(SCENES / "mode_hopping.py")
    assert abs(len(frames) - cls.seconds() * 2) <= 3 and frames.shape[1:] == (72, 128, 3)
    assert (
        main(
            [
                "scene",
                str(SCENES / "mode_hopping.py"),
                str(recs["one"].path),
                "--quality",
                "low",
                "--out",
                str(tmp_path / "x.mp4"),
            ]
        )
        == 2
    )
    assert "needs one recording of 2D data" in capsys.readouterr().err


def test_gananim_import_does_not_import_manim():
    import subprocess

    code = "import sys, gananim, gananim.rendering.views, gananim.rendering.pipeline; print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_manim_blocks_do_not_load_matplotlib_or_the_views():
    """The blocks share numpy helpers with the views through gananim.rendering.drawing, not by importing the views."""
    import subprocess

    code = (
        "import sys, gananim.rendering.manim.blocks, gananim.rendering.manim.scene, gananim.rendering.scenes; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib' or m.startswith('gananim.rendering.views')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# --------------------------------------------------------------------------- words from the recording

LOG4 = -2 * math.log(2)


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    """1D games whose scalars are known, analysed from what they recorded (no planted events): one reaching the
    optimum from step 3 on, one whose D saturates and whose G gradient then collapses, one whose D is saturated
    throughout with a small, steady G gradient (seeds/004's strong D as the strong-d preset records it)."""
    root = tmp_path_factory.mktemp("games")

    def converging(s):
        w = min(1.0, s / 3)
        return {"value": -0.5 + w * (LOG4 + 0.5), "d_real": 0.9 - 0.4 * w, "d_fake": 0.1 + 0.4 * w, "g_grad_norm": 1.0}

    def vanishing(s):
        return {"value": 2 * math.log(0.99), "d_real": 0.99, "d_fake": 0.01, "g_grad_norm": 1.0 if s < 4 else 1e-4}

    def saturated(s):
        return {"value": 2 * math.log(0.99), "d_real": 0.99, "d_fake": 0.01, "g_grad_norm": 0.03}

    flat = lambda x, t: 0.0 * x[:, 0]  # noqa: E731  D = ½ everywhere
    kw = dict(data_dim=1, grid_size=40, steps=12)
    return {
        "conv": record_known(
            root / "conv", lambda z, t: 5.0 + z, flat, 1, GAUSS, scalars=converging, prior="normal", **kw
        ),
        "vanish": record_known(root / "vanish", g1, d1, 1, GAUSS, scalars=vanishing, prior="uniform", **kw),
        "saturated": record_known(root / "saturated", g1, d1, 1, GAUSS, scalars=saturated, prior="uniform", **kw),
    }


def cards(name, recs):
    """(subtitle, intro lines, closing lines) a scene builds for these recordings."""
    import manim
    from manim.renderer.cairo_renderer import CairoRenderer

    from gananim.rendering.scenes import check_recordings, load_scene

    cls = load_scene(SCENES / f"{name}.py")
    with manim.tempconfig({"pixel_width": 160, "pixel_height": 90, "verbosity": "ERROR"}):
        scene = cls(renderer=CairoRenderer())
        scene.recs = check_recordings(cls, recs)
        return scene.subtitle(), scene.intro(), scene.closing_lines()


def test_g_crawls_only_where_the_recording_says_so(games):
    """issue 10: the strong_discriminator scene's closing card said "G crawls" while its own V chart reached
    −2 log 2. The card now says it only where G's gradient vanished (or D stayed saturated) and V stayed away."""
    from gananim.rendering.manim.words import Facts, at_optimum, crawls

    kinds = {k: {e.kind for e in analyse(r).events} for k, r in games.items()}
    assert "convergence" in kinds["conv"] and "vanishing_gradient" in kinds["vanish"]
    assert "vanishing_gradient" not in kinds["saturated"]  # too steady for the event: D's saturation tells
    facts = {k: Facts.of(r) for k, r in games.items()}
    assert at_optimum(facts["conv"]) and not crawls(facts["conv"])
    assert crawls(facts["vanish"]) and crawls(facts["saturated"])

    _, intro, closing = cards("strong_discriminator", [games["conv"], games["conv"]])
    assert not any("crawl" in line for line in closing + intro)
    assert any("ends at the optimum" in line and "V −1.39" in line for line in closing)
    assert any("Both games reached the optimum" in line for line in closing)

    _, _, closing = cards("strong_discriminator", [games["vanish"], games["conv"]])
    crawl = [line for line in closing if "G crawls" in line]
    assert len(crawl) == 1 and crawl[0].startswith("vanish: G's gradient vanished (steps 4–12)")
    assert any(line.startswith("vanish ends away from the optimum") for line in closing)
    assert any(line.startswith("Only conv reached −2 log 2") for line in closing)

    _, _, closing = cards("strong_discriminator", [games["saturated"], games["conv"]])
    assert any(line.startswith("saturated: D confident") and line.endswith("G crawls") for line in closing)


def test_scene_cards_follow_the_recordings(recs, games):
    """Each scene's claims come from its recordings: a hop is announced only where one was detected, a
    comparison goes whichever way the numbers go, the 1D map's folds are counted."""
    from gananim.rendering.manim.words import Facts

    subtitle, _, closing = cards("mode_hopping", [recs["hop"]])
    assert subtitle == "hop: 1 hop in 6 steps" and any(
        "steps 2–3: the generator hops to mode 1" in line for line in closing
    )
    subtitle, _, closing = cards("mode_hopping", [recs["fix"]])
    assert subtitle == "fix: no hop detected in 6 steps"
    assert any("no mode hop was detected" in line for line in closing) and not any(
        "moved between" in line for line in closing
    )

    _, _, closing = cards("collapse", [recs["hop"], recs["fix"]])
    k = [Facts.of(r).last_value("modes_captured") for r in (recs["hop"], recs["fix"])]
    said = (
        "fix ends with more"
        if round(k[1]) > round(k[0])
        else "fix ends with fewer"
        if round(k[1]) < round(k[0])
        else "Both end with the same number"
    )  # the card follows the counts the charts end on, whichever they are
    assert sum(line.startswith(said) for line in closing) == 1

    _, _, closing = cards("swaying", [recs["nod"]])
    assert any("no regular swaying" in line for line in closing)

    folding = record_known(
        recs["one"].path.parent / "fold", lambda z, t: 5.0 + 2.0 * (z - 0.5) ** 2, None, 1, GAUSS, **SMALL1D
    )
    _, _, closing = cards("transform_method", [recs["exact"], folding])
    assert any(line.startswith("exact") and "never folds back" in line for line in closing)
    assert any(
        line.startswith("fold") and "folds back in 7 of 7 snapshots, the last included" in line for line in closing
    )


def test_scenes_name_presets_that_exist():
    """issue 10: scenes/collapse.py named a `ring8-fix` preset that does not exist."""
    import re

    from gananim.lab.presets import list_presets
    from gananim.rendering.scenes import load_scene

    known = {name for name, _ in list_presets()}
    for file in sorted(SCENES.glob("*.py")):
        named = set(re.findall(r"runs/([\w-]+)", file.read_text())) | set(load_scene(file).NEEDS.example.split())
        assert named and named <= known, f"{file.name} names {sorted(named - known)}"
