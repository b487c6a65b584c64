"""Pacing a clip (issue 19): captions up long enough and said once, a poster held on screen, even steps in every
format from the first snapshot, more time where the picture changes, and a clock that says when it is not even."""

import html.parser
import math

import numpy as np
import pytest
import torch

from gananim.analysis import analyse
from gananim.analysis.events import Event
from gananim.rendering import encode, pipeline
from gananim.rendering.encode import fit_gif, probe, write_embed, writer_for
from gananim.rendering.pace import CAPTION_SECONDS, POSTER_SECONDS, frame_change
from gananim.rendering.timeline import Timeline, default_seconds, pace_label
from gananim.rendering.views import Frame, make_style
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]
SIZE, FPS = (160, 120), 10


def hop_then_diverge(z, t):
    """Still samples, except a hop to the right over t = 0.2-0.25 and half of them NaN at t = 0.6-0.61 (a short
    divergence event: 2 of 121 snapshots, which an even clock shows for 0.13 s)."""
    out = 0.3 * z + torch.tensor([2.0 * min(max((t - 0.2) / 0.05, 0.0), 1.0), 0.0])
    if 0.6 <= t <= 0.61:
        out[::2] = float("nan")
    return out


@pytest.fixture(scope="module")
def burst(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("b") / "burst", hop_then_diverge, lambda x, t: -x[:, 0], 2, BOX, steps=120
    )


@pytest.fixture(scope="module")
def embed(burst, tmp_path_factory):
    """The burst's embed (surface) and the clip it drew."""
    folder = tmp_path_factory.mktemp("web") / "web"
    written = pipeline.render_files(burst, "surface", folder, size=SIZE, fps=FPS, embed=True)
    opts = pipeline.RenderOptions(
        size=SIZE, fps=FPS, steps=None, speed=1.0, duration=None, embed=True, dashboard=False, max_mb=None,
        title=None, titles=None, slowmo=1.0, crf=None, preset=None, controls=False,
    )  # fmt: skip
    clip = pipeline.plan_clip([burst], "surface", opts, pipeline.gif_stride_for(folder, opts))
    return folder, written, clip


def cues(text: str) -> list[tuple[float, float]]:
    """(start, end) seconds of each WebVTT cue."""
    secs = lambda t: sum(float(x) * 60**i for i, x in enumerate(reversed(t.split(":"))))  # noqa: E731
    lines = [ln for ln in text.splitlines() if "-->" in ln]
    return [tuple(secs(t.strip()) for t in ln.split("-->")) for ln in lines]


def held_runs(keys: list) -> list[tuple[int, int]]:
    """[start, end) of each run of equal consecutive values."""
    cuts = [0] + [k for k in range(1, len(keys)) if keys[k] != keys[k - 1]] + [len(keys)]
    return list(zip(cuts[:-1], cuts[1:]))


def test_a_short_event_is_captioned_long_enough_and_the_track_says_when(burst, embed):
    """The divergence lasts 2 of 121 snapshots: 0.13 s on an even clock. Now its caption is up CAPTION_SECONDS in the
    frames, and the captions track's cue is exactly the frames' (the cue once ran 2.5 s past them)."""
    folder, written, clip = embed
    (event,) = analyse(burst).events
    assert (event.kind, event.start, event.end) == ("divergence", 72, 73)
    timeline = clip.timeline
    up = [k for k, s in enumerate(timeline.steps) if clip.frame.captions(s)]  # the frames drawing the caption
    assert len(up) >= CAPTION_SECONDS * FPS and up == list(range(up[0], up[-1] + 1))
    (cue,) = cues((folder / "burst-surface-captions.vtt").read_text())
    assert cue == pytest.approx((up[0] / FPS, (up[-1] + 1) / FPS), abs=1e-3)
    assert cues((folder / "burst-surface-chapters.vtt").read_text()) == [cue]


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_a_caption_is_shown_once(embed):
    """The frames carry the caption, so the captions track is there (screen readers, search, the captions menu) but
    not on by default: a reader saw every caption twice."""
    folder, _, _ = embed
    parser = Tags()
    parser.feed((folder / "burst-surface.html").read_text())
    tracks = {a["kind"]: a for t, a in parser.tags if t == "track"}
    assert set(tracks) == {"captions", "chapters"} and not any("default" in a for a in tracks.values())
    assert (
        encode.embed_snippet(
            folder / "p.png", [folder / "x.mp4"], 10, 10, tracks=[(folder / "c.vtt", "captions")], default_captions=True
        ).count(" default>")
        == 1
    )


def test_the_poster_is_the_first_event_held_on_screen(burst, embed):
    """The poster shows the first event's outcome under its caption, a frame on screen POSTER_SECONDS or more (it was
    the middle of the event: a frame on screen 0.1 s)."""
    from PIL import Image

    folder, _, clip = embed
    timeline = clip.timeline
    k = timeline.poster
    keys = list(zip(timeline.steps, timeline.labels()))
    (a, b) = next(run for run in held_runs(keys) if run[0] <= k < run[1])
    assert timeline.steps[k] == 73 and (b - a) / FPS >= POSTER_SECONDS
    poster = np.asarray(Image.open(folder / "burst-surface-poster.png").convert("RGB"))
    frame = Frame([burst], "surface", make_style(SIZE))
    assert np.array_equal(poster, frame.render_rgba(73.0, pace=keys[k][1])[..., :3])
    assert frame.caption.get_visible()


def test_the_poster_tells_the_likeliest_story():
    """four-points' poster was its first event, a divergence in the first seconds (samples flung out of view): the
    poster now shows the first mode hop's outcome, and a divergence only where nothing else happened."""
    ev = lambda kind, a, b: Event(kind, a, b, kind)  # noqa: E731
    events = [ev("divergence", 5, 35), ev("sway", 345, 440), ev("mode_hop", 485, 490), ev("collapse", 575, 605)]
    assert [e.kind for e in pipeline.story_order(events)] == ["mode_hop", "collapse", "sway", "divergence"]
    ordered = [(e.start, e.end) for e in pipeline.story_order(events)]
    timeline = Timeline.make(np.arange(0, 1001, 5), 30, events=ordered, change=np.ones(200), poster=POSTER_SECONDS)
    assert timeline.steps[timeline.poster] == 490
    alone = Timeline.make(np.arange(0, 1001, 5), 30, events=[(5, 35)], change=np.ones(200), poster=POSTER_SECONDS)
    assert alone.steps[alone.poster] == 35


def test_without_events_the_poster_is_the_final_state_held():
    timeline = Timeline.make(np.arange(0, 500, 5), 30, poster=POSTER_SECONDS, change=np.ones(99))
    k = timeline.poster
    assert timeline.steps[k] == 495 and np.sum(timeline.steps == 495) >= POSTER_SECONDS * 30


def frame_index_picture(k: int, w: int = 64, h: int = 32) -> np.ndarray:
    """A frame whose index is written in 6 black/white bars (lossless to decode after a GIF palette)."""
    f = np.zeros((h, w, 3), np.uint8)
    for bit in range(6):
        f[:, bit * 10 : bit * 10 + 10] = 255 * ((k >> bit) & 1)
    return f


def decoded_indices(gif) -> list[int]:
    from PIL import Image, ImageSequence

    with Image.open(gif) as im:
        frames = [np.asarray(f.convert("L")) for f in ImageSequence.Iterator(im)]
    rows = [f[len(f) // 2] for f in frames]  # the bars at any width the GIF was shrunk to
    return [sum(int(r[(bit * 10 + 5) * len(r) // 64] > 128) << bit for bit in range(6)) for r in rows]


def test_the_gif_keeps_every_kth_frame_from_the_first(tmp_path):
    """30 fps into a GIF of at most 12.5 fps: frames 0, 3, 6, ... (ffmpeg's fps filter kept 1, 3, 5, 8, 10, ...:
    uneven steps, and never the first frame)."""
    out = write_embed(lambda: (frame_index_picture(k) for k in range(60)), tmp_path, "i", 30, (64, 32), formats=["gif"])
    assert decoded_indices(out["gif"]) == list(range(0, 60, 3))
    assert probe(out["gif"])["fps"] == pytest.approx(10)


def test_fit_gif_lowers_the_fps_by_whole_strides(tmp_path):
    """A budget makes the GIF keep every k-th frame for a whole k, still from the first."""
    with writer_for(tmp_path / "i.mp4", 30, (64, 32), crf=0, preset="ultrafast") as w:
        for k in range(60):
            w.grab_frame(frame_index_picture(k))
    src = w.finish()
    full = fit_gif(src, tmp_path / "full.gif", max_mb=100)
    tight = fit_gif(src, tmp_path / "tight.gif", max_mb=full.stat().st_size / 2**20 / 3, width=64)
    kept = decoded_indices(tight)
    stride = kept[1] - kept[0]
    assert stride > 1 and kept == list(range(0, 60, stride))
    assert probe(tight)["fps"] == pytest.approx(30 / stride, rel=0.01)


def even(steps: np.ndarray, labels: list, every: int) -> bool:
    """Within each stretch of one pace, every `every`-th frame advances by the same step (or holds, then advances
    by one snapshot at a regular beat)."""
    for a, b in held_runs(labels):
        picked = steps[a:b][::every]
        moves = np.diff(picked)
        if len(moves) < 3:
            continue
        inner = moves[1:-1]  # a stretch's first and last move cross from or into the next pace
        if np.all(inner > 0):
            if np.ptp(inner) > 1e-6:
                return False
        else:
            beats = np.diff(np.flatnonzero(inner > 0))
            if len(np.unique(inner[inner > 0])) > 1 or (len(beats) > 1 and np.ptp(beats[:-1]) > 0):
                return False
    return True


def demo_like_change(n: int) -> np.ndarray:
    """Change between snapshots like a GAN's: big early, a burst at a fifth of the run, quiet after."""
    x = np.linspace(0, 1, n - 1)
    return 0.3 + 3 * np.exp(-x / 0.05) + 2 * np.exp(-(((x - 0.2) / 0.02) ** 2))


@pytest.mark.parametrize("tween", [False, True])
def test_frames_advance_evenly_and_start_at_the_first_snapshot(tween):
    """201 snapshots in 8 s at 30 fps (the demo): held views showed 0 or 1 snapshot a frame, irregularly; the GIF
    (every 3rd frame) then moved 10, 20 or 30 steps a frame. Every stretch of one pace now moves evenly in the video
    and in the GIF, and both start on step 0."""
    steps = np.arange(0, 2001, 10)
    events = [(20, 40), (400, 440)]
    timeline = Timeline.make(
        steps, 30, events=events, tween=tween, change=demo_like_change(201), poster=POSTER_SECONDS, stride=3
    )
    labels = timeline.labels()
    assert len(timeline) == 240 and timeline.steps[0] == 0
    assert even(timeline.steps, labels, 1) and even(timeline.steps, labels, 3)
    if not tween:
        shown = np.unique(timeline.steps)
        assert set(shown) <= set(steps)  # a held view shows recorded snapshots only


@pytest.mark.parametrize("tween", [False, True])
def test_time_goes_where_the_picture_changes(tween):
    """The early, changing stretch and the events get more seconds per step than the quiet rest, the clip keeps its
    length, and the frames say so: a pace beside the step counter wherever it is not the clip's usual one."""
    steps = np.arange(0, 2001, 10)
    events = [(400, 440)]
    timeline = Timeline.make(steps, 30, events=events, tween=tween, change=demo_like_change(201), stride=3)
    assert len(timeline) == 30 * default_seconds(201)
    per_step = lambda a, b: np.sum((timeline.steps >= a) & (timeline.steps < b)) / (b - a)  # noqa: E731
    assert per_step(0, 200) > 1.9 * per_step(1000, 2000)
    assert per_step(400, 450) > 1.9 * per_step(1000, 2000)
    for a, b in events:
        (start, end) = timeline.seconds(a, b)
        assert end - start >= CAPTION_SECONDS - 1e-9
    labels = timeline.labels()
    late = {labels[k] for k in np.flatnonzero(timeline.steps > 1500)}
    assert late and all(t.startswith("×") and float(t[1:]) >= 2 for t in late)  # the quiet end plays fast, and says so
    assert "paused" in labels  # the event's outcome held for its caption
    # --speed and --duration keep their meaning: the whole clip, warped within
    assert len(Timeline.make(steps, 30, speed=2, events=events, change=demo_like_change(201))) == 15 * 8
    assert len(Timeline.make(steps, 30, duration=5, events=events, change=demo_like_change(201))) == 150


BUSY = [(a, a + 10 * (k % 3)) for k, a in enumerate(range(20, 1000, 65))]  # 15 events in 1000 steps (four-points)


@pytest.mark.parametrize("tween", [False, True])
def test_a_busy_clip_grows_until_every_caption_can_be_read(tween):
    """four-points has 15 events in 1000 steps: half an 8 s clip cannot hold 15 captions 1.5 s each. The holds
    once grew past the clip, which then ended at step 545 of 1000 with 7 events never shown. Now the clip grows
    until every caption is up CAPTION_SECONDS, and still ends on the last snapshot."""
    steps = np.arange(0, 1001, 5)
    timeline = Timeline.make(steps, 30, events=BUSY, tween=tween, change=demo_like_change(201), poster=1, stride=3)
    assert timeline.steps[0] == 0 and timeline.steps[-1] == 1000
    assert len(timeline) > 30 * default_seconds(201) and timeline.unread == 0
    for a, b in BUSY:
        start, end = timeline.seconds(a, b)
        assert end - start >= CAPTION_SECONDS - 1e-9
    assert np.all(np.diff(timeline.steps) >= 0)


@pytest.mark.parametrize("tween", [False, True])
def test_a_given_duration_is_kept_and_the_captions_it_cuts_short_are_counted(tween):
    """--duration 8 on the busy recording: 8 s it is, the whole run still shown, and `unread` says how many captions
    are up under CAPTION_SECONDS (the CLI says so), none of them left out."""
    steps = np.arange(0, 1001, 5)
    timeline = Timeline.make(steps, 30, duration=8, events=BUSY, tween=tween, change=demo_like_change(201), stride=3)
    assert len(timeline) == 240 and timeline.steps[0] == 0 and timeline.steps[-1] == 1000
    shown = [timeline.seconds(a, b) for a, b in BUSY]
    short = sum(end - start < CAPTION_SECONDS - 1e-9 for start, end in shown)
    assert all(shown) and timeline.unread == short > 0


def test_no_change_given_keeps_an_even_clock():
    """Without a change to follow (--even), every step gets the same time and no pace is shown."""
    timeline = Timeline.make(np.arange(0, 100, 10), 30)
    assert set(timeline.labels()) == {""} and [int(np.sum(timeline.steps == s)) for s in range(0, 100, 10)] == [24] * 10


def test_pace_labels():
    assert [pace_label(r) for r in (1.0, 1.1, 2.0, 4.1, 1.5, 0.5, 0.25, 1 / 3, 0.125, 0.4, 0.0)] == [
        "", "", "×2", "×4", "×1.5", "×½", "×¼", "×⅓", "×⅛", "×0.4", "paused",
    ]  # fmt: skip


def test_the_frame_shows_the_pace_beside_the_step_counter(burst):
    frame = Frame([burst], "surface", make_style((320, 180)))
    plain = frame.render_rgba(10.0).copy()
    assert frame.pace.get_text() == ""
    slow = frame.render_rgba(10.0, pace="×¼").copy()
    assert frame.pace.get_text() == "×¼" and not np.array_equal(plain, slow)
    left = frame.pace.get_window_extent(frame.canvas.get_renderer())
    assert left.x1 < frame.counter.get_window_extent(frame.canvas.get_renderer()).x0  # beside it, not over it


def test_change_follows_the_samples(burst):
    """The hop (t = 0.2-0.25, steps 24-30) is where the picture changes most."""
    change = frame_change([burst], burst.steps)
    assert len(change) == len(burst) - 1 and change.mean() == pytest.approx(1.0)
    assert 23 <= int(np.argmax(change)) <= 30


def test_even_keeps_an_even_clock_in_a_render(burst, tmp_path):
    """render --even: the same time for every step (captions still held long enough to read)."""
    opts = dict(size=SIZE, fps=FPS, steps=None, speed=1.0, duration=None, embed=False, dashboard=False)
    opts |= dict(max_mb=None, title=None, titles=None, slowmo=1.0, crf=None, preset=None, controls=False)
    even_clip = pipeline.plan_clip([burst], "surface", pipeline.RenderOptions(**opts, even=True))
    paced = pipeline.plan_clip([burst], "surface", pipeline.RenderOptions(**opts))
    # frames spent on steps 10-20 and 100-110 (surface blends: its frames show fractional steps)
    shown = lambda tl: [int(np.sum((tl.steps >= s) & (tl.steps < s + 10))) for s in (10, 100)]  # noqa: E731
    assert shown(even_clip.timeline)[0] == shown(even_clip.timeline)[1]
    assert shown(paced.timeline)[0] != shown(paced.timeline)[1]
    assert math.isclose(len(even_clip.timeline), len(paced.timeline))
