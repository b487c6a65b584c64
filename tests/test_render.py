"""The render pipeline: frames → encoded files with the right codec, size, frame count; bad requests refused."""

import html.parser

import numpy as np
import pytest
import torch

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.rendering import encode
from gananim.rendering.names import parse_steps
from gananim.rendering.pace import CAPTION_SECONDS
from gananim.rendering.pipeline import (
    RenderOptions,
    default_view,
    gif_stride_for,
    plan_clip,
    render,
    render_files,
)
from gananim.rendering.timeline import Timeline, default_seconds
from gananim.rendering.views import Frame, make_style
from gananim.rendering.webvtt import captions_vtt, chapters_vtt
from media import faststart_ok
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("r") / "blob",
        lambda z, t: 0.3 * z + torch.tensor([3.0 * t, 0.0]),
        lambda x, t: -3.0 * x[:, 0],
        2,
        BOX,
        steps=9,
    )


def test_mp4_is_web_ready(rec, tmp_path):
    out = render(rec, "surface", tmp_path / "a.mp4", size=(160, 120), fps=10, duration=1)
    assert out == tmp_path / "a.mp4"
    info = encode.probe(out)
    assert (info["codec"], info["pix_fmt"], info["width"], info["height"]) == ("h264", "yuv420p", 160, 120)
    assert info["nb_frames"] == 10 and info["duration"] == pytest.approx(1.0, abs=0.05)
    assert faststart_ok(out)


def test_step_range_speed_and_duration_set_the_frame_count(rec, tmp_path):
    info = encode.probe(render(rec, "mapping", tmp_path / "b.webm", size=(160, 120), steps="2:5", fps=4))
    assert info["nb_frames"] == 32 and info["duration"] == pytest.approx(8.0, abs=0.3)  # 4 snapshots: the 8 s floor
    assert encode.probe(render(rec, "surface", tmp_path / "c.mp4", size=(160, 120), fps=4, speed=2))["nb_frames"] == 16
    info = encode.probe(render(rec, "mapping", tmp_path / "d.mp4", size=(160, 120), duration=2, fps=12))
    assert info["nb_frames"] == 24 and info["duration"] == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize(
    "snapshots, seconds", [(2, 8.0), (240, 8.0), (300, 10.0), (450, 15.0), (600, 20.0), (5000, 20.0)]
)
def test_default_duration_adapts_to_the_recording(snapshots, seconds):
    """One snapshot per frame at 30 a second, within 8-20 s; --fps keeps the length, --speed divides it."""
    assert default_seconds(snapshots) == seconds
    steps = np.arange(snapshots) * 5
    for tween in (False, True):
        assert len(Timeline.make(steps, 30, tween=tween)) == round(30 * seconds)
        assert len(Timeline.make(steps, 60, tween=tween)) == round(60 * seconds)
        assert len(Timeline.make(steps, 30, speed=2, tween=tween)) == round(15 * seconds)
        assert len(Timeline.make(steps, 30, duration=3, tween=tween)) == 90


def test_held_timeline_shows_each_snapshot_for_an_equal_share():
    steps = np.arange(0, 100, 10)
    held = Timeline.make(steps, 30)  # 10 snapshots: 8 s, 240 frames, 24 per snapshot
    assert len(held) == 240 and np.all(np.diff(held.steps) >= 0)
    assert [int(np.sum(held.steps == s)) for s in steps] == [24] * 10
    assert Timeline.make(steps, 1, duration=10).steps.tolist() == steps.tolist()


def test_blended_timeline_moves_evenly_through_the_gaps():
    tl = Timeline.make(np.array([0, 10, 20]), 10, duration=0.5, tween=True)
    assert tl.steps.tolist() == [0, 5, 10, 15, 20]  # first and last frame on the first and last snapshot
    # a slowed snapshot slows the gaps it touches: gaps 0-10, 10-20, 20-30 take 1, 3, 3 units of time
    slow = Timeline.make(np.array([0, 10, 20, 30]), 1, duration=8, events=[(20, 30)], slowmo=3, tween=True)
    np.testing.assert_allclose(slow.steps, [0, 10, 10 + 10 / 3, 10 + 20 / 3, 20, 20 + 10 / 3, 20 + 20 / 3, 30])
    assert Timeline.make(np.array([7]), 10, tween=True).steps.tolist() == [7] * 80  # one snapshot: held
    assert parse_steps("10:") == (10, None) and parse_steps(":20") == (None, 20) and parse_steps(None) == (None, None)
    for bad in ("a:b", "5", "9:3", ":"):
        with pytest.raises(GananimError):
            parse_steps(bad)


class Sources(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_embed_writes_every_web_format_and_a_snippet(rec, tmp_path):
    written = render_files(rec, "surface", tmp_path / "web", size=(160, 120), embed=True, dashboard=False)
    names = sorted(p.name for p in written)
    assert names == [
        "blob-surface-poster.png",
        "blob-surface.gif",
        "blob-surface.html",
        "blob-surface.mp4",
        "blob-surface.webm",
    ]
    parser = Sources()
    parser.feed((tmp_path / "web" / "blob-surface.html").read_text())
    video = parser.tags[0]
    assert video[0] == "video" and {"autoplay", "loop", "muted", "playsinline", "poster", "width", "height"} <= set(
        video[1]
    )
    sources = [a["src"] for t, a in parser.tags if t == "source"]
    assert sources == ["blob-surface.webm", "blob-surface.mp4"]
    assert all((tmp_path / "web" / s).exists() for s in sources + [video[1]["poster"]])
    assert encode.probe(tmp_path / "web" / "blob-surface.webm")["codec"] == "vp9"


def test_gif_budget_is_met_not_refused(rec, tmp_path):
    gif = render(rec, "surface", tmp_path / "e.gif", size=(320, 240), max_mb=0.02)
    assert gif.stat().st_size <= 0.02 * 2**20


def test_default_view_follows_the_data(rec, tmp_path):
    assert default_view(rec) == "surface"
    one = record_known(tmp_path / "one", lambda z, t: z, None, 1, [(-2.0, 2.0)], data_dim=1)
    assert default_view(one) == "goodfellow-1d"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(view="nope"), "unknown view"),
        (dict(view="surface", size="huge"), "unknown size"),
        (dict(view="surface", out="x.avi"), "use .mp4"),
        (dict(view="surface", steps="50:60"), "steps 50:60 select no snapshot: .* has steps 0–9"),
    ],
)
def test_bad_requests_write_nothing(rec, tmp_path, monkeypatch, kwargs, match):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GananimError, match=match):
        render(rec, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_incompatible_recordings_for_compare(rec, tmp_path):
    one = record_known(tmp_path / "one", lambda z, t: z, None, 1, [(-2.0, 2.0)], data_dim=1)
    with pytest.raises(GananimError, match="draws 2D data"):
        render([rec, one], "surface", tmp_path / "c.mp4")
    with pytest.raises(GananimError, match="1 to 4"):
        render([rec] * 5, "surface", tmp_path / "c.mp4")
    assert not (tmp_path / "c.mp4").exists()


def test_unwritable_output_is_refused_before_rendering(rec, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(GananimError, match="cannot write"):
        render(rec, "surface", blocker / "out.mp4")
    assert blocker.read_text() == "x"


def test_an_existing_file_survives_a_failed_render(rec, tmp_path):
    keep = tmp_path / "keep.mp4"
    keep.write_bytes(b"precious")
    with pytest.raises(GananimError):
        render(rec, "surface", keep, steps="500:600")
    assert keep.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mp4"]


def test_top_level_render_and_notebook_display(rec, tmp_path):
    import gananim
    from gananim.rendering.notebook import video_html

    assert gananim.render(rec, "mapping", tmp_path / "n.mp4", size=(160, 120)) == tmp_path / "n.mp4"
    page = video_html(rec)  # what IPython shows for a Recording (tests/test_notebook.py: the registration)
    assert page.startswith("<video autoplay loop muted playsinline") and "data:video/mp4;base64," in page


@pytest.fixture(scope="module")
def diverging(tmp_path_factory):
    """Half the samples turn NaN from t = 0.5 on: a divergence event over steps 5–9."""

    def g(z, t):
        out = 0.3 * z
        if t >= 0.5:
            out[::2] = float("nan")
        return out

    return record_known(tmp_path_factory.mktemp("d") / "div", g, lambda x, t: -x[:, 0], 2, BOX, steps=9)


def test_events_caption_frames_and_slow_the_video(diverging, tmp_path):
    (event,) = analyse(diverging).events
    assert (event.kind, event.start, event.end) == ("divergence", 5, 9)
    frame = Frame([diverging], "surface", make_style((200, 150)))
    frame.render(2)
    assert not frame.caption.get_visible()
    frame.render(6)
    assert frame.caption.get_visible() and frame.caption.get_text().startswith("divergence: 50% of samples are NaN/inf")
    slow = Timeline.make(diverging.steps, 10, events=[(5, 9)], slowmo=3)  # 8 s x 2 (half the snapshots 3x as long)
    assert len(slow) == 160 and np.sum(slow.steps == 7) == 24 and np.sum(slow.steps == 2) == 8
    out = render(diverging, "surface", tmp_path / "s.mp4", size=(160, 120), fps=1, slowmo=3)
    assert encode.probe(out)["nb_frames"] == 16


def vtt_cues(text: str) -> list[tuple[float, float, str]]:
    """(start s, end s, text) of each cue of a WebVTT file: a header, then blocks split by blank lines."""
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    secs = lambda t: sum(float(x) * 60**i for i, x in enumerate(reversed(t.split(":"))))  # noqa: E731
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        timing = next(k for k, ln in enumerate(lines) if "-->" in ln)
        start, end = (secs(t.strip()) for t in lines[timing].split("-->"))
        cues.append((start, end, "\n".join(lines[timing + 1 :])))
    return cues


def test_embed_gets_captions_chapters_and_an_event_poster(diverging, tmp_path):
    written = render_files(
        diverging, "surface", tmp_path / "web", size=(160, 120), fps=10, embed=True, slowmo=2, duration=3
    )
    web = tmp_path / "web"
    chapters, captions = web / "div-surface-chapters.vtt", web / "div-surface-captions.vtt"
    assert chapters in written and captions in written
    # the event (steps 5-9): a chapter for the frames that show it, a caption naming its steps, at the same times
    opts = RenderOptions(
        size=(160, 120), fps=10, steps=None, speed=1.0, duration=3, embed=True, dashboard=False, max_mb=None,
        title=None, titles=None, slowmo=2, crf=None, preset=None, controls=False,
    )  # fmt: skip
    timeline = plan_clip([diverging], "surface", opts, gif_stride_for(web, opts)).timeline
    start, end = timeline.seconds(5, 9)
    assert end - start >= CAPTION_SECONDS - 1e-9
    assert vtt_cues(chapters.read_text()) == [(start, end, analyse(diverging).events[0].caption)]
    ((at, until, text),) = vtt_cues(captions.read_text())
    assert (at, until) == (start, end) and text.startswith("steps 5–9: divergence: 50%")
    parser = Sources()
    parser.feed((web / "div-surface.html").read_text())
    tracks = [a for t, a in parser.tags if t == "track"]
    assert [(a["kind"], a["src"], "default" in a) for a in tracks] == [
        ("captions", "div-surface-captions.vtt", False),  # the frames show the caption: the track is there, off
        ("chapters", "div-surface-chapters.vtt", False),
    ]
    # the poster: the event's outcome (step 9) where the clip holds it, not the last frame nor a passing one
    from PIL import Image

    poster = np.asarray(Image.open(web / "div-surface-poster.png").convert("RGB"))
    frame = Frame([diverging], "surface", make_style((160, 120)))
    assert timeline.steps[timeline.poster] == 9 and np.sum(timeline.steps == 9) >= 10
    assert np.array_equal(poster, frame.render_rgba(9.0, pace=timeline.labels()[timeline.poster])[..., :3])
    assert not np.array_equal(poster, frame.render_rgba(7.0)[..., :3])


def test_captions_stay_up_long_enough_to_read():
    """A short event's frames last CAPTION_SECONDS (its last snapshot held), and its cue is those frames; text escaped."""
    from gananim.analysis.events import Event

    timeline = Timeline.make(np.arange(0, 100, 10), 10, duration=10, events=[(10, 10), (30, 30), (90, 90)])
    events = [Event("collapse", 10, 10, "a <b> & c"), Event("sway", 30, 30, "second"), Event("sway", 90, 90, "last")]
    cues = vtt_cues(captions_vtt(events, timeline))
    assert [c[2] for c in cues] == ["step 10: a &lt;b&gt; &amp; c", "step 30: second", "step 90: last"]
    for (start, end, _), e in zip(cues, events):
        assert (start, end) == timeline.seconds(e.start, e.end) and end - start >= CAPTION_SECONDS - 1e-9
    assert [c[:2] for c in vtt_cues(chapters_vtt(events, timeline))] == [c[:2] for c in cues]
