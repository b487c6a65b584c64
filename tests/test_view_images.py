"""Images recordings (spec11): read back with numpy alone, and the views grid, interp, projection, d-hist and the
images dashboard, on a synthetic recording whose content is known (tests/image_recording.py)."""

import numpy as np
import pytest

from gananim.errors import GananimError
from gananim.kinds.images.pixels import to_float, to_uint8
from gananim.recording.reader import load
from gananim.rendering.pipeline import default_view, render, render_files
from gananim.rendering.tiles import BAD_MARK, BAD_RGB, mosaic
from gananim.rendering.views import Frame, make_style, render_frame
from image_recording import LATENT, RANGE, classes, generate, write_image_recording
from media import decode_frames
from synthetic import record_known

CONTROL = make_style((480, 320))
BAD = {1: [0, 3]}  # latents 0 and 3 give NaN at snapshot 1


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    return write_image_recording(tmp_path_factory.mktemp("img") / "blobs", snapshots=4, nonfinite=BAD)


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    return write_image_recording(tmp_path_factory.mktemp("img") / "vec", snapshots=3, channels=None, name="vectors")


def test_read_back_with_numpy_alone(rec):
    chunk = np.load(rec.path / "chunks" / "000000.npz")
    fixed = np.load(rec.path / "fixed.npz")
    assert (
        chunk["samples"].dtype == np.uint8 and chunk["images"].dtype == np.uint8 and chunk["interp"].dtype == np.uint8
    )
    assert fixed["data_samples"].dtype == np.uint8
    for i in range(len(rec)):
        snap = rec[i]
        np.testing.assert_array_equal(chunk["samples"][i], snap.samples)
        np.testing.assert_array_equal(chunk["images"][i], snap.images)
        np.testing.assert_array_equal(chunk["interp"][i], snap.interp)
        np.testing.assert_array_equal(chunk["proj"][i], snap.proj)
        np.testing.assert_array_equal(chunk["d_fake"][i], snap.d_fake_each)
        np.testing.assert_array_equal(chunk["d_hist_real"][i], snap.d_hist_real)
        assert snap.mapping is None and snap.d_grid is None and snap.g_grad is None
    # the stored samples are G's output quantised on the value range: within half a level of it
    t = 2 / 3
    want = generate(fixed["latents"], t)
    np.testing.assert_array_equal(chunk["samples"][2], to_uint8(want, RANGE))
    assert np.abs(to_float(chunk["samples"][2], RANGE) - want).max() <= (RANGE[1] - RANGE[0]) / 255 / 2 + 1e-6
    np.testing.assert_array_equal(np.flatnonzero(chunk["nonfinite"][1]), BAD[1])
    assert (chunk["samples"][1][BAD[1]] == 0).all() and np.isnan(chunk["proj"][1][BAD[1]]).all()
    assert rec.kind == "images" and rec.sample_shape == (1, 8, 8) and rec.is_image and rec.value_range == RANGE
    assert rec.manifest["version"] == 2 and fixed["latents"].shape == (128, LATENT)


def test_control_frames(rec, assert_frame):
    assert_frame("images-grid-first", render_frame(rec, 0, "grid", CONTROL))
    assert_frame("images-grid-nonfinite", render_frame(rec, 1, "grid", CONTROL))
    assert_frame("images-grid-last", render_frame(rec, -1, "grid", CONTROL))
    assert_frame("images-interp-last", render_frame(rec, -1, "interp", CONTROL))
    assert_frame("images-projection-first", render_frame(rec, 0, "projection", CONTROL))
    assert_frame("images-projection-last", render_frame(rec, -1, "projection", CONTROL))
    assert_frame("images-d-hist-first", render_frame(rec, 0, "d-hist", CONTROL))
    assert_frame("images-dashboard-mid", render_frame(rec, 2, "dashboard", make_style((960, 540))))
    assert_frame("images-grid-beside-dashboard", render_frame(rec, 2, "grid", make_style((960, 540)), dashboard=True))


def test_grid_shows_the_snapshot_images_and_crosses_out_nonfinite_ones(rec):
    frame = Frame([rec], "grid", CONTROL)
    view = frame.views[0]
    frame.render(int(rec.steps[1]))
    shown = np.asarray(view.image.get_array())
    np.testing.assert_array_equal(shown, mosaic(rec[1].images, 8, 8, 1, rec[1].images_nonfinite))
    assert tuple(shown[0, 1]) == BAD_RGB and tuple(shown[0, 0]) == BAD_MARK  # tile 0: pale red, crossed
    assert view.note.get_text() == "2 NaN/inf, crossed out"
    assert (
        frame.warning.get_text() == "⚠ 2% of generated samples are NaN/inf (diverged): crossed out"
    )  # was "not drawn"
    frame.render(int(rec.steps[-1]))
    grey = np.asarray(view.image.get_array())[:8, :8]
    np.testing.assert_array_equal(grey[..., 0], rec[-1].images[0, 0])  # grey levels as stored, light = high
    assert view.note.get_text() == ""


def test_projection_histograms_and_class_bars_follow_the_snapshot(rec):
    frame = Frame([rec], "dashboard", make_style((960, 540)))
    dash = frame.views[0]
    projection, d_hist = (p for p in dash.parts if p.name in ("projection", "d-hist"))
    bars = next(p for p in dash.panels if hasattr(p, "poly"))
    for i in (1, len(rec) - 1):
        frame.render(int(rec.steps[i]))
        snap = rec[i]
        ok = np.isfinite(snap.proj).all(axis=1)
        np.testing.assert_allclose(projection.fake.get_offsets(), snap.proj[ok])
        np.testing.assert_allclose(projection.fake.get_array(), snap.d_fake_each[ok])
        np.testing.assert_allclose(d_hist.fake.get_data().values, snap.d_hist_fake)
        np.testing.assert_allclose(d_hist.real.get_data().values, snap.d_hist_real)
        heights = bars.corners[:, 1, 1]
        share = (
            np.bincount(classes(rec.latents[snap.nonfinite == 0], i / (len(rec) - 1)), minlength=4)
            / (snap.nonfinite == 0).sum()
        )
        np.testing.assert_allclose(heights, share)
        assert bars.header.entries[0].get_text().endswith(f"{int((share >= 0.025).sum())} of 4")
    assert f"{np.nanmean(rec[-1].d_fake_each):.3g}" in d_hist.header.entries[1].get_text()


def test_views_refuse_other_kinds_naming_the_views_that_can(rec, vectors, tmp_path):
    with pytest.raises(
        GananimError,
        match=r"view 'surface' cannot draw .*1x8x8 images; views that can: d-hist, dashboard, grid, interp, projection$",
    ):
        Frame([rec], "surface", CONTROL)
    with pytest.raises(
        GananimError,
        match=r"view 'grid' cannot draw .*vectors of 64 numbers; views that can: d-hist, dashboard, projection$",
    ):
        Frame([vectors], "grid", CONTROL)
    points = record_known(tmp_path / "pts", lambda z, t: z, None, 2, [(-2.0, 2.0), (-2.0, 2.0)])
    with pytest.raises(GananimError, match=r"view 'projection' cannot draw .*2D points; views that can: .*density"):
        Frame([points], "projection", CONTROL)
    with pytest.raises(GananimError, match="side by side"):
        default_view([rec, points])
    assert default_view(rec) == "grid" and default_view(vectors) == "projection"
    assert len(Frame([vectors], "dashboard", CONTROL).views[0].parts) == 2  # no grid for vectors


def test_render_mp4_compare_and_embed(rec, vectors, tmp_path):
    out = render(rec, None, tmp_path / "blobs.mp4", size=(320, 240), fps=4, duration=1)
    frames = decode_frames(out)
    assert frames.shape == (4, 240, 320, 3)
    assert frames[0].std() > 10 and not np.array_equal(frames[0], frames[-1])  # pictures, and they change
    side = render([rec, load(rec.path)], "grid", tmp_path / "two.mp4", size=(480, 240), fps=4, duration=1)
    assert decode_frames(side).shape == (4, 240, 480, 3)
    written = render_files(rec, "dashboard", tmp_path / "web", size=(320, 240), fps=4, duration=1, embed=True)
    names = sorted(p.name for p in written)
    assert names == [
        "blobs-dashboard-captions.vtt",
        "blobs-dashboard-chapters.vtt",
        "blobs-dashboard-poster.png",
        "blobs-dashboard.gif",
        "blobs-dashboard.html",
        "blobs-dashboard.mp4",
        "blobs-dashboard.webm",
    ]
    for vtt in ("captions", "chapters"):  # captioned like the frames
        assert "divergence" in (tmp_path / "web" / f"blobs-dashboard-{vtt}.vtt").read_text()
    frame = Frame([rec], "grid", CONTROL)
    assert frame.captions(int(rec.steps[1])) and not frame.captions(int(rec.steps[0]))


def test_digits_collapse_scene(rec, tmp_path, assert_frame):
    """The images scene draws the grid and the class bars; a points recording is refused in one line."""
    pytest.importorskip("manim")
    from pathlib import Path

    from gananim.rendering.scenes import check_recordings, load_scene, render_stills

    cls = load_scene(Path(__file__).parent.parent / "scenes" / "digits_collapse.py")
    points = record_known(tmp_path / "pts", lambda z, t: z, lambda x, t: x[:, 0], 2, [(-2.0, 2.0), (-2.0, 2.0)])
    with pytest.raises(
        GananimError, match=r"needs one recording of images with a discriminator .*; got .*\(2D points, with"
    ):
        check_recordings(cls, [points])
    chosen = check_recordings(cls, [rec])
    share = (cls.TITLE_SECONDS + 2 * cls.FADE + cls.TRAIN_SECONDS * 0.5) / cls.seconds()
    mid, last = render_stills(cls, chosen, 256, 144, 2, at=(share, 1.0))
    assert_frame("scene_digits_collapse-mid", mid, mean_tol=3.0, bad_share=0.02)
    assert_frame("scene_digits_collapse-last", last, mean_tol=3.0, bad_share=0.02)


def test_a_captured_class_with_a_few_samples_shows_a_visible_bar(rec):
    """digits at step 2,720: class 7 held 2 of 128 samples (1.6%, captured) but its bar on a linear 0-100% axis was
    2 pixels tall, read as empty under "captured 10 of 10". On the square-root axis it reaches a tenth of the panel."""
    frame = Frame([rec], "dashboard", make_style((960, 540)))
    bars = next(p for p in frame.views[0].panels if hasattr(p, "poly"))
    height = lambda v: bars.ax.transAxes.inverted().transform(bars.ax.transData.transform((0, v)))[1]  # noqa: E731
    assert height(2 / 128) > 0.1 and height(0) == pytest.approx(0) and height(bars.top) == pytest.approx(1)


@pytest.mark.parametrize(
    "view, drawn",
    [
        ("interp", "crossed out"),
        ("projection", "not drawn"),
        ("dashboard", "crossed out in the grid, not drawn on the plane"),
    ],
)
def test_the_frames_nonfinite_warning_says_what_the_view_does_with_them(rec, view, drawn):
    frame = Frame([rec], view, CONTROL)
    frame.render(int(rec.steps[1]))
    assert frame.warning.get_text().endswith(f"(diverged): {drawn}")


def test_digits_collapse_scene_closing_card_dates_its_events(tmp_path):
    """digits-collapse's two collapses have one caption: the closing card listed the same line twice, undated."""
    pytest.importorskip("manim")
    from pathlib import Path
    from types import SimpleNamespace

    from gananim.analysis import analyse
    from gananim.rendering.scenes import load_scene

    cls = load_scene(Path(__file__).parent.parent / "scenes" / "digits_collapse.py")
    rec = write_image_recording(tmp_path / "blobs", snapshots=4, nonfinite=BAD)
    events = [e for e in analyse(rec).events if e.kind in ("collapse", "mode_hop", "divergence")]
    assert events  # the NaN samples at snapshot 1: a divergence
    lines = cls.findings(SimpleNamespace(recs=[rec]))
    assert (
        f"Step {events[0].start}: {events[0].caption}." in lines
        or f"Steps {events[0].start}–{events[0].end}: {events[0].caption}." in lines
    )


def test_to_uint8_clips_to_the_range_and_sends_nan_to_zero():
    # the Recorder quantises every snapshot with it: ±inf clip to the range's ends, NaN is level 0 (flagged apart)
    x = np.array([np.nan, np.inf, -np.inf, -3.0, -1.0, 0.0, 1.0, 7.0, -0.0])
    expected = np.round(np.clip(np.nan_to_num((x + 1) / 2, nan=0.0), 0, 1) * 255).astype(np.uint8)
    assert to_uint8(x, (-1, 1)).tolist() == expected.tolist() == [0, 255, 0, 0, 0, 128, 255, 255, 128]
