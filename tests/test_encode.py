"""Encoded files: codecs, sizes, frame counts, content, faststart, GIF loop/palette/budget, embed snippet, refusals."""

import os
import shutil
import subprocess
import tracemalloc
from html.parser import HTMLParser

import numpy as np
import pytest

from gananim.errors import GananimError
from gananim.rendering.encode import (
    WRITERS,
    GIFWriter,
    MP4Writer,
    WebMWriter,
    embed_snippet,
    even_size,
    ffmpeg,
    fit_gif,
    probe,
    write_embed,
    write_poster,
    writer_for,
)
from media import decode_frames, faststart_ok

W, H = 64, 48
RED, BLUE = (255, 0, 0), (0, 0, 255)


def halves(n=10, w=W, h=H):
    """Left half red, right half blue, with a white line moving down (so frames differ)."""
    for i in range(n):
        f = np.empty((h, w, 3), np.uint8)
        f[:, : w // 2] = RED
        f[:, w // 2 :] = BLUE
        f[i % h] = 255
        yield f


def solid(color, n=10, w=W, h=H):
    for _ in range(n):
        yield np.full((h, w, 3), color, np.uint8)


def noise(n, w, h, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def write(path, frames, fps=10, size=(W, H), **opts):
    with writer_for(path, fps, size, **opts) as w:
        for f in frames:
            w.grab_frame(f)
    return path


def leftovers(folder):
    """Temporary files (hidden .NAME.xxxx.part/.spool/.palette) left in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def half_means(frame):
    """Mean colour of the left and right halves, away from the edge between them and the moving line."""
    h, w = frame.shape[:2]
    rows = np.r_[h // 2 : h]
    left = frame[rows, 4 : w // 2 - 4].reshape(-1, 3).mean(0)
    right = frame[rows, w // 2 + 4 : w - 4].reshape(-1, 3).mean(0)
    return left, right


# ----------------------------------------------------------------------------- MP4


def test_mp4_is_h264_yuv420p_faststart_with_the_right_frames(tmp_path):
    path = write(tmp_path / "a.mp4", halves(30), fps=15)
    info = probe(path)
    assert (info["codec"], info["pix_fmt"], info["width"], info["height"]) == ("h264", "yuv420p", W, H)
    assert info["nb_frames"] == 30
    assert info["duration"] == pytest.approx(30 / 15, abs=0.05)
    assert faststart_ok(path)
    assert leftovers(tmp_path) == []


def test_mp4_first_frame_decodes_to_the_input_colours(tmp_path):
    path = write(tmp_path / "a.mp4", halves(10))
    left, right = half_means(decode_frames(path, max_frames=1)[0].astype(float))
    np.testing.assert_allclose(left, RED, atol=10)
    np.testing.assert_allclose(right, BLUE, atol=10)


def test_odd_size_is_cropped_to_even(tmp_path):
    """Decision: MP4/WebM take frames of any size and drop the last column/row (a margin pixel) to be even."""
    assert even_size(65, 47) == (64, 46) and even_size(64, 48) == (64, 48)
    with pytest.raises(GananimError):
        even_size(1, 10)
    with writer_for(tmp_path / "odd.mp4", 10, (65, 47)) as w:
        assert w.out_size == (64, 46)
        for f in halves(5, 65, 47):
            w.grab_frame(f)
    info = probe(tmp_path / "odd.mp4")
    assert (info["width"], info["height"], info["nb_frames"]) == (64, 46, 5)
    left, right = half_means(decode_frames(tmp_path / "odd.mp4", 1)[0].astype(float))
    np.testing.assert_allclose(left, RED, atol=10)
    np.testing.assert_allclose(right, BLUE, atol=10)


def test_faststart_checker_sees_moov_after_mdat(tmp_path):
    """Sanity of the checker: a plain ffmpeg MP4 (no +faststart) has its index at the end."""
    exe = ffmpeg.ffmpeg_for("libx264")
    plain = tmp_path / "plain.mp4"
    subprocess.run(
        [
            exe,
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=64x48:r=10:d=1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(plain),
        ],
        check=True,
    )
    assert not faststart_ok(plain)
    assert faststart_ok(write(tmp_path / "fast.mp4", halves(5)))


def test_mp4_options_pass_through(tmp_path):
    path = write(tmp_path / "a.mp4", halves(5), preset="ultrafast", crf=30)
    assert probe(path)["codec"] == "h264"
    with pytest.raises(GananimError, match="unknown option"):
        writer_for(tmp_path / "b.mp4", 10, (W, H), bitrate="1M")


# ----------------------------------------------------------------------------- WebM


def test_webm_is_vp9_with_the_right_size_and_frames(tmp_path):
    path = write(tmp_path / "a.webm", halves(20), fps=20)
    info = probe(path)
    assert (info["codec"], info["pix_fmt"], info["width"], info["height"]) == ("vp9", "yuv420p", W, H)
    assert info["nb_frames"] == 20
    assert info["duration"] == pytest.approx(1.0, abs=0.06)
    left, right = half_means(decode_frames(path, 1)[0].astype(float))
    np.testing.assert_allclose(left, RED, atol=12)
    np.testing.assert_allclose(right, BLUE, atol=12)


# ----------------------------------------------------------------------------- GIF


def netscape_loop_count(data: bytes):
    """The loop count of a GIF's NETSCAPE2.0 application extension, or None if it has none."""
    i = data.find(b"\x21\xff\x0bNETSCAPE2.0")
    if i < 0:
        return None
    sub = data[i + 14 : i + 18]  # sub-block: size 3, id 1, little-endian uint16 count
    assert sub[0] == 3 and sub[1] == 1
    return int.from_bytes(sub[2:4], "little")


def test_gif_loops_forever_and_keeps_frames(tmp_path):
    path = write(tmp_path / "a.gif", halves(12), fps=10)
    assert netscape_loop_count(path.read_bytes()) == 0  # 0 = forever
    info = probe(path)
    assert (info["codec"], info["width"], info["height"], info["nb_frames"]) == ("gif", W, H, 12)
    assert info["duration"] == pytest.approx(1.2, abs=0.05)
    assert leftovers(tmp_path) == []  # the spool and the palette are gone


def test_gif_palette_reproduces_known_colours(tmp_path):
    from PIL import Image

    frames = [*solid((220, 30, 40), 4), *halves(4)]
    path = write(tmp_path / "a.gif", frames)
    with Image.open(path) as im:
        assert im.n_frames == 8
        im.seek(1)
        first = np.asarray(im.convert("RGB"), float)
        im.seek(6)
        mixed = np.asarray(im.convert("RGB"), float)
    np.testing.assert_allclose(first.reshape(-1, 3).mean(0), (220, 30, 40), atol=4)
    left, right = half_means(mixed)
    np.testing.assert_allclose(left, RED, atol=4)
    np.testing.assert_allclose(right, BLUE, atol=4)


def test_gif_spool_and_one_graph_give_the_same_file(tmp_path):
    a = write(tmp_path / "spool.gif", halves(8), palette="spool")
    b = write(tmp_path / "graph.gif", halves(8), palette="graph")
    assert a.read_bytes() == b.read_bytes()


def test_gif_palette_keeps_the_reserved_colours(tmp_path):
    """A static line among noise that changes everywhere: stats_mode=diff gives it no weight, so a palette made from
    the clip alone maps it 52 levels off; reserved, it stays exact, in both palette modes, within max_colors colours."""
    line = (31, 119, 180)

    def frames(n=8, w=96, h=64):
        rng = np.random.default_rng(1)
        for _ in range(n):
            f = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            f[30:32] = line
            yield f

    made = {}
    for reserve in ((), ("#1F77B4",)):
        for palette in ("spool", "graph"):
            path = write(
                tmp_path / f"{palette}{len(reserve)}.gif",
                frames(),
                size=(96, 64),
                max_colors=32,
                reserve=reserve,
                palette=palette,
            )
            shown = decode_frames(path)
            off = np.abs(shown[-1, 30:32].astype(int) - line).max()
            assert len(np.unique(shown.reshape(-1, 3), axis=0)) <= 32
            made[reserve, palette] = path.read_bytes(), off
    assert made[(), "spool"] == made[(), "graph"] and made[(), "spool"][1] > 20
    reserved = made[("#1F77B4",), "spool"]
    assert reserved == made[("#1F77B4",), "graph"] and reserved[1] == 0
    for palette in ("spool", "graph"):  # a colour that is not '#rrggbb' is refused before any frame
        with pytest.raises(GananimError, match="#rrggbb"):
            writer_for(tmp_path / "bad.gif", 10, (W, H), reserve=("#1f77b4", "blue"), palette=palette)
    assert leftovers(tmp_path) == []  # the reserved rows' PNG is gone too


def test_gif_reserves_a_quarter_of_the_palette_at_most():
    from gananim.rendering.drawing import MEANING_COLOURS
    from gananim.rendering.encode.gif import TRANSPARENT, _palettegen, _reserve_image, _reserved

    assert _reserved(MEANING_COLOURS, 256) == list(MEANING_COLOURS) and len(_reserved(MEANING_COLOURS, 128)) == 28
    assert _reserved(MEANING_COLOURS, 16) == list(MEANING_COLOURS[:4]) and _reserved(MEANING_COLOURS, 4) == []
    rows = _reserve_image(MEANING_COLOURS[:20])  # 20 colours and the transparent entry: two rows, repeats after
    assert rows.shape == (2, 16, 4) and tuple(rows[-1, -1]) == TRANSPARENT
    assert {tuple(c[:3]) for c in rows.reshape(-1, 4)[:-1]} == {tuple(c[:3]) for c in rows.reshape(-1, 4)[:20]}
    # palettegen's colours stay above the reserved rows: 128 - 28 (99 and its transparent entry, cropped away)
    assert _palettegen(128, 28) == ("palettegen=stats_mode=diff:max_colors=100,crop=16:14:0:0[top];[top][1:v]vstack")
    assert _palettegen(256, 28).startswith("palettegen=stats_mode=diff:max_colors=225,")  # rows 0-13 hold 224
    assert _palettegen(128, 0) == "palettegen=stats_mode=diff:max_colors=128"
    with pytest.raises(GananimError, match="#rrggbb"):
        _reserved(("#1f77b4", "blue"), 128)


def test_gif_fps_is_capped_at_50(tmp_path):
    """60 fps is over GIF_MAX_FPS: every other frame is kept (a whole stride keeps the frames evenly apart)."""
    info = probe(write(tmp_path / "a.gif", halves(60), fps=60))
    assert info["nb_frames"] == 30 and info["duration"] == pytest.approx(1.0, abs=0.03)


def test_gif_budget_is_met_by_lowering_fps_and_size(tmp_path):
    n, w, h = 20, 96, 72
    out = write_embed(lambda: noise(n, w, h), tmp_path, "noisy", 20, (w, h), formats=("mp4", "gif"))
    big = out["gif"].stat().st_size
    budget_mb = big / 2**20 / 4
    mp4_bytes = out["mp4"].read_bytes()
    out = write_embed(
        lambda: noise(n, w, h), tmp_path, "noisy", 20, (w, h), formats=("mp4", "gif"), gif_max_mb=budget_mb
    )
    assert out["gif"].stat().st_size <= budget_mb * 2**20
    info = probe(out["gif"])
    assert info["width"] < w or info["nb_frames"] < n
    assert info["width"] % 2 == 0 and info["height"] % 2 == 0
    assert info["duration"] == pytest.approx(n / 20, abs=0.3)  # same clip length, fewer frames
    assert netscape_loop_count(out["gif"].read_bytes()) == 0
    assert out["mp4"].read_bytes() == mp4_bytes  # the video is untouched (x264 is deterministic here)
    assert leftovers(tmp_path) == []


def test_fit_gif_never_fails_for_size(tmp_path):
    src = write(tmp_path / "n.mp4", noise(20, 96, 64), fps=10, size=(96, 64))
    path = fit_gif(src, tmp_path / "tiny.gif", max_mb=0.0001)  # 100 bytes: impossible
    assert path.is_file() and netscape_loop_count(path.read_bytes()) == 0
    info = probe(path)
    assert info["width"] <= 32 and info["nb_frames"] <= 4
    assert leftovers(tmp_path) == []


# ----------------------------------------------------------------------------- embed


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_write_embed_writes_everything_and_a_valid_snippet(tmp_path):
    frames = list(halves(10))
    out = write_embed(lambda: iter(frames), tmp_path / "web", "clip", 10, (W, H))
    assert set(out) == {"webm", "mp4", "gif", "poster", "html"}
    assert all(p.is_file() and p.parent == tmp_path / "web" for p in out.values())
    for fmt, codec in (("webm", "vp9"), ("mp4", "h264"), ("gif", "gif")):
        info = probe(out[fmt])
        assert (info["codec"], info["width"], info["height"], info["nb_frames"]) == (codec, W, H, 10)
    from PIL import Image

    with Image.open(out["poster"]) as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), frames[-1])  # the last frame, lossless

    p = Collect()
    p.feed(out["html"].read_text())
    video = [a for t, a in p.tags if t == "video"]
    assert len(video) == 1
    v = video[0]
    for flag in ("autoplay", "loop", "muted", "playsinline"):
        assert flag in v
    assert v["width"] == str(W) and v["height"] == str(H)
    sources = [a for t, a in p.tags if t == "source"]
    assert [s["type"] for s in sources] == ["video/webm", "video/mp4"]
    referenced = [v["poster"], *(s["src"] for s in sources), *(a["href"] for t, a in p.tags if t == "a")]
    for ref in referenced:
        assert not os.path.isabs(ref)
        assert (tmp_path / "web" / ref).is_file(), ref
    assert leftovers(tmp_path / "web") == []


def test_embed_snippet_orders_sources_quotes_paths_and_adds_tracks(tmp_path):
    tracks = [(tmp_path / "x.vtt", "chapters"), (tmp_path / "c.vtt", "captions")]
    snippet = embed_snippet(
        tmp_path / "my clip-poster.png",
        [tmp_path / "v" / "x.mp4", tmp_path / "v" / "x.webm"],
        640,
        360,
        tracks=tracks,
        base=tmp_path,
    )
    p = Collect()
    p.feed(snippet)
    tags = dict((t, a) for t, a in p.tags)
    assert tags["video"]["poster"] == "my%20clip-poster.png"
    assert "controls" not in tags["video"]
    assert [a["src"] for t, a in p.tags if t == "source"] == ["v/x.webm", "v/x.mp4"]
    # no track is on by default (gananim's frames carry their captions); browsers never draw chapters
    assert [a for t, a in p.tags if t == "track"] == [
        {"kind": "chapters", "src": "x.vtt", "srclang": "en", "label": "Chapters"},
        {"kind": "captions", "src": "c.vtt", "srclang": "en", "label": "Captions"},
    ]
    # for frames without captions of their own, the captions track is the one shown, wherever it is listed
    p = Collect()
    p.feed(embed_snippet(tmp_path / "p.png", [tmp_path / "x.webm"], 640, 360, tracks=tracks, default_captions=True))
    assert [("default" in a, a["kind"]) for t, a in p.tags if t == "track"] == [(False, "chapters"), (True, "captions")]
    p = Collect()
    p.feed(embed_snippet(tmp_path / "p.png", [tmp_path / "x.webm"], 640, 360, controls=True))
    assert "controls" in p.tags[0][1]
    with pytest.raises(GananimError):
        embed_snippet(tmp_path / "p.png", [tmp_path / "x.gif"], 10, 10)
    with pytest.raises(GananimError):
        embed_snippet(tmp_path / "p.png", [], 10, 10)


def test_write_embed_accepts_a_plain_iterable_and_a_subset_of_formats(tmp_path):
    out = write_embed(halves(6), tmp_path, "m", 10, (W, H), formats=("mp4",))
    assert set(out) == {"mp4", "poster", "html"}
    assert "video/webm" not in out["html"].read_text()


def test_write_poster_round_trips(tmp_path):
    from PIL import Image

    frame = next(noise(1, 30, 20))
    path = write_poster(frame, tmp_path / "p.png")
    with Image.open(path) as im:
        assert np.array_equal(np.asarray(im), frame)


# ----------------------------------------------------------------------------- refusals and damage


def test_wrong_frames_are_refused(tmp_path):
    with writer_for(tmp_path / "a.mp4", 10, (W, H)) as w:
        with pytest.raises(GananimError, match=r"\(48, 64, 3\) uint8"):
            w.grab_frame(np.zeros((H, W + 2, 3), np.uint8))
        with pytest.raises(GananimError, match="drop alpha"):
            w.grab_frame(np.zeros((H, W, 4), np.uint8))
        with pytest.raises(GananimError):
            w.grab_frame(np.zeros((H, W, 3), np.float32))
        with pytest.raises(GananimError):
            w.grab_frame([[0]])
        w.grab_frame(np.zeros((H, W, 3), np.uint8))  # still usable after a refused frame
    assert probe(tmp_path / "a.mp4")["nb_frames"] == 1


def test_bad_fps_and_size_are_refused(tmp_path):
    for fps, size in ((0, (W, H)), (-1, (W, H)), (float("nan"), (W, H)), (10, (0, H)), (10, "big")):
        with pytest.raises(GananimError):
            writer_for(tmp_path / "a.mp4", fps, size)
    assert leftovers(tmp_path) == []


def test_unknown_suffix_lists_the_known_ones(tmp_path):
    with pytest.raises(GananimError) as e:
        writer_for(tmp_path / "a.avi", 10, (W, H))
    for suffix in (".mp4", ".webm", ".gif"):
        assert suffix in str(e.value)
    assert set(WRITERS) == {"mp4", "webm", "gif"}
    assert WRITERS["mp4"] is MP4Writer and WRITERS["webm"] is WebMWriter and WRITERS["gif"] is GIFWriter
    assert isinstance(writer_for(tmp_path / "UP.MP4", 10, (W, H)), MP4Writer)  # suffixes are case-insensitive
    with pytest.raises(GananimError, match="unknown format"):
        write_embed(halves(1), tmp_path, "x", 10, (W, H), formats=("avi",))


def test_unwritable_folder_is_refused_before_rendering(tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("not a folder")
    rendered = []

    def frames():
        rendered.append(1)
        yield from halves(2)

    with pytest.raises(GananimError, match="cannot write to .*file.txt") as e:
        write_embed(frames, afile / "out", "clip", 10, (W, H))
    assert "\n" not in str(e.value)
    assert rendered == []
    with pytest.raises(GananimError, match="cannot write to"):
        writer_for(afile / "out.mp4", 10, (W, H))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions (the regular-file case covers root)")
def test_read_only_folder_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(GananimError, match="cannot write to .*: permission denied"):
            writer_for(ro / "a.mp4", 10, (W, H))
    finally:
        ro.chmod(0o700)


def test_failed_encode_leaves_the_existing_file_alone(tmp_path):
    target = tmp_path / "a.mp4"
    target.write_bytes(b"precious")
    # an exception while frames are being made
    with pytest.raises(RuntimeError):
        with writer_for(target, 10, (W, H)) as w:
            w.grab_frame(next(halves(1)))
            raise RuntimeError("render crashed")
    assert target.read_bytes() == b"precious" and leftovers(tmp_path) == []
    # ffmpeg itself fails: the cause from its stderr is in the one-line error
    w = writer_for(target, 10, (W, H), extra_args=("-profile:v", "nonsense"))
    with pytest.raises(GananimError, match="ffmpeg could not write .*a.mp4: .*profile") as e:
        for f in halves(5):
            w.grab_frame(f)
        w.finish()
    assert "\n" not in str(e.value)
    assert target.read_bytes() == b"precious" and leftovers(tmp_path) == []
    # write_embed: a frame source that raises midway aborts every format
    (tmp_path / "clip.webm").write_bytes(b"old webm")

    def broken():
        yield from halves(3)
        raise ValueError("boom")

    with pytest.raises(ValueError):
        write_embed(broken, tmp_path, "clip", 10, (W, H))
    assert (tmp_path / "clip.webm").read_bytes() == b"old webm"
    assert not (tmp_path / "clip.mp4").exists() and not (tmp_path / "clip.gif").exists()
    assert leftovers(tmp_path) == []


def test_no_frames_is_an_error(tmp_path):
    with pytest.raises(GananimError, match="no frames"):
        with writer_for(tmp_path / "a.gif", 10, (W, H)):
            pass
    with pytest.raises(GananimError, match="no frames"):
        write_embed([], tmp_path, "e", 10, (W, H))
    assert list(tmp_path.iterdir()) == []


def test_writer_keeps_no_frames(tmp_path):
    """Frames are streamed: writing 200 fresh 320x240 frames (46 MB) allocates only about one at a time."""
    tracemalloc.start()
    try:
        with writer_for(tmp_path / "m.mp4", 30, (320, 240), preset="ultrafast") as w:
            for i in range(200):
                w.grab_frame(np.full((240, 320, 3), i % 256, np.uint8))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 320 * 240 * 3
    assert probe(tmp_path / "m.mp4")["nb_frames"] == 200


# ----------------------------------------------------------------------------- ffmpeg discovery and probe


def test_probe_without_ffprobe_parses_ffmpeg(tmp_path, monkeypatch):
    paths = {
        "mp4": write(tmp_path / "a.mp4", halves(7)),
        "webm": write(tmp_path / "a.webm", halves(7)),
        "gif": write(tmp_path / "a.gif", halves(7)),
    }
    with_ffprobe = {k: probe(p) for k, p in paths.items()} if shutil.which("ffprobe") else None
    real_which = shutil.which
    monkeypatch.setattr(ffmpeg.shutil, "which", lambda name: None if name == "ffprobe" else real_which(name))
    keys = ("codec", "pix_fmt", "width", "height", "nb_frames", "duration")
    for k, p in paths.items():
        info = probe(p)
        assert (info["nb_frames"], info["width"], info["height"]) == (7, W, H)
        if with_ffprobe:
            assert {x: info[x] for x in keys} == pytest.approx({x: with_ffprobe[k][x] for x in keys}, abs=0.02)
    with pytest.raises(GananimError):
        probe(tmp_path / "missing.mp4")


def test_encoder_lookup_falls_back_to_a_system_ffmpeg(monkeypatch):
    ffmpeg.ffmpeg_for.cache_clear()
    monkeypatch.setattr(ffmpeg, "candidates", lambda: ["/bundled/ffmpeg", "/usr/bin/ffmpeg"])
    listing = {
        "/bundled/ffmpeg": frozenset({"libx264", "gif"}),
        "/usr/bin/ffmpeg": frozenset({"libx264", "libvpx-vp9"}),
    }
    monkeypatch.setattr(ffmpeg, "encoders", lambda exe: listing[exe])
    try:
        assert ffmpeg.ffmpeg_for("libx264") == "/bundled/ffmpeg"
        assert ffmpeg.ffmpeg_for("libvpx-vp9") == "/usr/bin/ffmpeg"
        with pytest.raises(GananimError, match="apt-get install ffmpeg"):
            ffmpeg.ffmpeg_for("libaom-av1")
    finally:
        ffmpeg.ffmpeg_for.cache_clear()


def test_the_bundled_encoder_listing_is_read():
    names = ffmpeg.encoders(ffmpeg.candidates()[0])
    assert "libx264" in names and "gif" in names
