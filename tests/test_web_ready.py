"""Blog-ready output (issue 12): the embed's GIF sized for a column and a 3 MB budget, --crf/--preset reaching the files."""

import inspect
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.colors import rgb_to_hsv

import gananim
from gananim.analysis import analyse
from gananim.analysis.events import Event
from gananim.errors import GananimError
from gananim.kinds.points import analysis as points_analysis
from gananim.rendering import encode
from gananim.rendering.drawing import MEANING_COLOURS, hex_rgb
from gananim.rendering.encode import EMBED_GIF_MB, encoder_options, probe, write_embed
from gananim.rendering.pipeline import render_files
from gananim.rendering.views import render_frame
from gananim.rendering.views.style import make_style
from media import decode_frames
from synthetic import record_known


def stripes(n, w, h):
    """Vertical colour stripes that shift each frame: every frame differs everywhere (a busy GIF)."""
    x = np.arange(w)
    for i in range(n):
        f = np.empty((h, w, 3), np.uint8)
        f[..., 0] = (x * 7 + i * 13) % 256
        f[..., 1] = (x * 3 + i * 29) % 256
        f[..., 2] = 128
        yield f


def gif_colours(path) -> int:
    """Distinct colours shown over all frames (ffmpeg pads the table itself to 256 entries)."""
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        seen = {tuple(c) for f in ImageSequence.Iterator(im) for c in np.asarray(f.convert("RGB")).reshape(-1, 3)}
    return len(seen)


def x264_settings(mp4) -> str:
    """The settings x264 writes into its stream (an SEI message: 'x264 - core ... crf=20.0 ...')."""
    data = mp4.read_bytes()
    i = data.find(b"x264 - core")
    assert i >= 0
    return data[i : data.find(b"\0", i)].decode("ascii", "replace")


def test_embed_gif_is_sized_for_a_blog_column(tmp_path):
    """No options: at most 720 px wide (aspect kept), at most 12.5 fps (every 3rd frame of 30 fps: 10 fps, a whole
    10/100 s a frame), 128 colours; the video stays full."""
    out = write_embed(
        lambda: stripes(30, 960, 540),
        tmp_path,
        "c",
        30,
        (960, 540),
        formats=("mp4", "gif"),
        options={"mp4": {"preset": "ultrafast"}},
    )
    gif = probe(out["gif"])
    assert (gif["width"], gif["height"]) == (720, 406) and gif["fps"] == pytest.approx(10)
    assert gif["nb_frames"] == 10 and gif["duration"] == pytest.approx(1.0, abs=0.1)  # same length, fewer frames
    assert 64 < gif_colours(out["gif"]) <= 128  # the stripes have thousands
    assert probe(out["mp4"])["width"] == 960
    # the blog defaults never enlarge: a small clip keeps its size and fps
    small = write_embed(lambda: stripes(10, 160, 90), tmp_path, "s", 10, (160, 90), formats=("gif",))
    info = probe(small["gif"])
    assert (info["width"], info["height"], info["nb_frames"]) == (160, 90, 10)
    # and the caller can ask for the full size
    full = write_embed(
        lambda: stripes(4, 960, 540),
        tmp_path,
        "f",
        10,
        (960, 540),
        formats=("gif",),
        options={"gif": {"max_width": None}},
    )
    assert probe(full["gif"])["width"] == 960


def test_embed_gif_budget_is_3_mb_by_default(tmp_path, monkeypatch):
    """write_embed and render --embed (no --max-mb) both hold the GIF to EMBED_GIF_MB; shrunk here to stay fast."""
    assert EMBED_GIF_MB == 3.0 and inspect.signature(write_embed).parameters["gif_max_mb"].default == EMBED_GIF_MB
    rec = record_known(
        tmp_path / "r",
        lambda z, t: 0.3 * z + torch.tensor([3.0 * t, 0.0]),
        lambda x, t: -3.0 * x[:, 0] * (1 + t),
        2,
        [(-4.0, 4.0), (-4.0, 4.0)],
        steps=9,
    )
    kwargs = dict(size=(320, 180), fps=10, duration=2, embed=True)
    unbounded = render_files(rec, "surface", tmp_path / "big", max_mb=1000, **kwargs)
    big = next(p for p in unbounded if p.suffix == ".gif").stat().st_size
    budget = big / 2**20 / 3
    monkeypatch.setattr(encode, "EMBED_GIF_MB", budget)  # what the pipeline reads when no max_mb is given
    written = render_files(rec, "surface", tmp_path / "small", **kwargs)
    gif = next(p for p in written if p.suffix == ".gif")
    assert gif.stat().st_size <= budget * 2**20 < big


# ----------------------------------------------------------------------------- colours that survive the GIF


def hue_sectors(frame) -> np.ndarray:
    """Saturated pixels (S >= 0.25, V >= 0.25) per 30-degree hue sector (0-30, 30-60, ...)."""
    hsv = rgb_to_hsv(frame.reshape(-1, 3) / 255.0)
    hue = hsv[(hsv[:, 1] >= 0.25) & (hsv[:, 2] >= 0.25), 0]
    return np.bincount((hue * 12).astype(int) % 12, minlength=12)


@pytest.fixture(scope="module")
def dashboard_clip(tmp_path_factory):
    """A real frame (surface + dashboard, inside the fixture's mode hop: the caption and the orange span shown),
    as an MP4 and as the embed's 128-colour GIF: (the frame, the MP4's first frame, the GIF's)."""
    folder = tmp_path_factory.mktemp("clip")
    shutil.copytree(Path(__file__).parent / "fixtures" / "v1-2d", folder / "rec")
    for cache in ("analysis.npz", "events.json"):
        (folder / "rec" / cache).unlink(missing_ok=True)
    # a mode hop over steps 20-40, so that its caption box and orange span are drawn (the fixture's frames show none
    # since the rules read the protocol's window; here the colours matter, not the rule)
    hop = Event("mode_hop", 20, 40, "mode hop: mass moves from mode 0 to mode 4")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(points_analysis, "events", lambda rec, series: [hop])
        rec = gananim.load(folder / "rec")
        assert analyse(rec).events == [hop]
        index = int(np.flatnonzero((rec.steps > hop.start) & (rec.steps < hop.end))[0])
        frame = render_frame([rec], index, "surface", make_style("720x405"), dashboard=True)
    h, w = frame.shape[:2]
    out = write_embed(
        lambda: (frame for _ in range(4)), folder, "clip", 10, (w, h), formats=("mp4", "gif"), gif_max_mb=None
    )
    assert probe(out["gif"])["width"] == w  # the GIF at the frame's own size: pixels compare one to one
    return frame, decode_frames(out["mp4"], 1)[0], decode_frames(out["gif"], 1)[0]


def test_embed_gif_keeps_every_hue_the_mp4_shows(dashboard_clip):
    """Issue 19: in the 128-colour GIF the orange span's key turned pink and whole hue sectors vanished (0-30 and
    30-60 degrees here: the red curves' edges over the orange span, the span's key). Each 30-degree sector holding
    >= 0.05 % of the MP4 frame's saturated pixels holds some (>= 0.01 %) in the GIF's, unless the frame itself holds
    none: the MP4's 4:2:0 chroma makes a few hues of its own (210-240 degrees, 0.046 % here: blue beside grey)."""
    frame, mp4, gif = dashboard_clip
    in_frame, in_mp4, in_gif = hue_sectors(frame), hue_sectors(mp4), hue_sectors(gif)
    some = lambda counts, k: counts[k] >= 0.0001 * counts.sum()  # noqa: E731
    shown = [k for k in range(12) if in_mp4[k] >= 0.0005 * in_mp4.sum()]
    assert {0, 1, 6, 8, 11} <= set(shown)  # red edges, orange span key, blue, purple, red
    lost = [
        f"{30 * k}-{30 * k + 30}°: {in_mp4[k]} px in the MP4, {in_gif[k]} in the GIF"
        for k in shown
        if some(in_frame, k) and not some(in_gif, k)
    ]
    assert not lost, lost


def test_embed_gif_keeps_the_meaning_colours_where_they_are(dashboard_clip):
    """Each colour of MEANING_COLOURS drawn in the frame (the series, the span and its key, the caption's box) is in
    the GIF within a few levels, at 90 % of the pixels where the frame has it exactly."""
    frame, _, gif = dashboard_clip
    frame, gif = frame.astype(int), gif.astype(int)
    kept, lost = [], []
    for colour in MEANING_COLOURS:
        rgb = np.round(hex_rgb(colour) * 255).astype(int)
        at = (frame == rgb).all(axis=2)
        if at.sum() < 20:
            continue  # not in this frame (another kind's series, an event that did not happen)
        near = (np.abs(gif[at] - rgb).max(axis=1) <= 3).mean()
        (kept if near >= 0.9 else lost).append(f"{colour}: {near:.0%} of {at.sum()} px")
    assert not lost, lost
    assert len(kept) >= 6, kept  # blue, red, purple, grey series, the caption's box, the mode hop's span and key


# ----------------------------------------------------------------------------- --crf / --preset


def test_encoder_options_map_crf_and_preset_to_each_writer():
    assert encoder_options(["mp4", "webm", "gif"]) == {}
    assert encoder_options(["mp4", "webm", "gif"], crf=["28"]) == {"mp4": {"crf": 28}, "webm": {"crf": 28}}
    assert encoder_options(["webm", "mp4"], crf=("mp4=18", "webm=40"), preset="slow") == {
        "mp4": {"crf": 18, "preset": "slow"},
        "webm": {"crf": 40, "deadline": "good", "cpu_used": 1},
    }
    assert encoder_options([".webm"], preset="ultrafast") == {"webm": {"deadline": "realtime", "cpu_used": 8}}
    assert encoder_options([".mp4"], crf=51) == {"mp4": {"crf": 51}}
    # veryfast is the writers' default pair (x264 veryfast, VP9 good/4)
    assert encode.MP4Writer.defaults["preset"] == "veryfast"
    assert encoder_options(["webm"], preset="veryfast")["webm"] == {
        k: encode.WebMWriter.defaults[k] for k in ("deadline", "cpu_used")
    }


@pytest.mark.parametrize(
    "formats, crf, preset, words",
    [
        (["mp4"], ["52"], None, ["--crf 52", "H.264", "0–51"]),
        (["webm", "mp4"], ["60"], None, ["--crf 60", "H.264"]),  # 60 suits VP9 but not the MP4 written beside it
        (["webm"], ["webm=64"], None, ["VP9", "0–63"]),
        (["mp4"], ["-1"], None, ["0–51"]),
        (["mp4"], ["high"], None, ["not a whole number"]),
        (["mp4"], ["gif=3"], None, ["no CRF for 'gif'", "--max-mb"]),
        (["mp4"], ["webm=30"], None, ["no .webm is written"]),
        (["mp4"], ["avi=3"], None, ["no CRF for 'avi'"]),
        ([".gif"], ["20"], None, ["--max-mb"]),
        ([".gif"], None, "slow", ["--max-mb"]),
        (["mp4"], None, "quick", ["--preset quick", "ultrafast", "veryslow"]),
    ],
)
def test_bad_crf_and_preset_are_one_line(formats, crf, preset, words):
    with pytest.raises(GananimError) as e:
        encoder_options(formats, crf=crf, preset=preset)
    assert "\n" not in str(e.value)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


@pytest.fixture(scope="module")
def blob(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("r") / "blob",
        lambda z, t: 0.3 * z + torch.tensor([3.0 * t, 0.0]),
        lambda x, t: -3.0 * x[:, 0],
        2,
        [(-4.0, 4.0), (-4.0, 4.0)],
        steps=9,
    )


def test_crf_and_preset_reach_the_mp4(blob, tmp_path):
    kwargs = dict(size=(160, 120), fps=10, duration=1)
    (default,) = render_files(blob, "surface", tmp_path / "d.mp4", **kwargs)
    (chosen,) = render_files(blob, "surface", tmp_path / "c.mp4", crf=["31"], preset="ultrafast", **kwargs)
    before, after = x264_settings(default), x264_settings(chosen)
    assert "crf=20.0" in before and re.search(r"\bcabac=1\b", before)  # veryfast keeps CABAC
    assert "crf=31.0" in after and re.search(r"\bcabac=0\b", after)  # ultrafast turns it off


def test_crf_reaches_the_webm_and_the_embed(blob, tmp_path):
    kwargs = dict(size=(160, 120), fps=10, duration=1)
    (fine,) = render_files(blob, "surface", tmp_path / "f.webm", crf=["10"], **kwargs)
    (coarse,) = render_files(blob, "surface", tmp_path / "c.webm", crf=["55"], **kwargs)
    assert fine.stat().st_size > 1.5 * coarse.stat().st_size
    written = render_files(blob, "surface", tmp_path / "web", embed=True, crf=["mp4=35", "webm=55"], **kwargs)
    mp4 = next(p for p in written if p.suffix == ".mp4")
    webm = next(p for p in written if p.suffix == ".webm")
    assert "crf=35.0" in x264_settings(mp4) and webm.stat().st_size == pytest.approx(coarse.stat().st_size, rel=0.2)


def test_bad_crf_writes_nothing(blob, tmp_path):
    with pytest.raises(GananimError, match="0–51"):
        render_files(blob, "surface", tmp_path / "out" / "x.mp4", size=(160, 120), crf=["99"])
    with pytest.raises(GananimError, match="--controls is for --embed"):
        render_files(blob, "surface", tmp_path / "out" / "x.mp4", size=(160, 120), controls=True)
    assert not (tmp_path / "out").exists()


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_snippet_scales_to_its_column_and_takes_controls(blob, tmp_path):
    written = render_files(
        blob, "surface", tmp_path / "web", size=(320, 180), fps=10, duration=1, embed=True, controls=True
    )
    parser = Tags()
    parser.feed(next(p for p in written if p.suffix == ".html").read_text())
    tag, video = parser.tags[0]
    assert tag == "video" and {"autoplay", "loop", "muted", "playsinline", "controls"} <= set(video)
    assert (video["width"], video["height"]) == ("320", "180")
    style = dict(rule.split(":") for rule in video["style"].split(";"))
    assert style == {"width": "100%", "max-width": "320px", "height": "auto", "aspect-ratio": "320/180"}
    # a GIF alone: a responsive <img> at the GIF's own size
    out = write_embed(lambda: stripes(4, 960, 540), tmp_path / "g", "g", 10, (960, 540), formats=("gif",))
    parser = Tags()
    parser.feed(out["html"].read_text())
    tag, img = parser.tags[0]
    assert tag == "img" and (img["width"], img["height"]) == ("720", "406") and "max-width:720px" in img["style"]
