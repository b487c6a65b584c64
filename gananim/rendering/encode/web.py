"""Files for the web page: a poster PNG, the HTML <video> snippet, and write_embed that makes them all at once."""

from __future__ import annotations

import html
import io
import os
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

import numpy as np

from gananim.errors import GananimError
from gananim.rendering.encode.ffmpeg import probe
from gananim.rendering.encode.files import write_bytes
from gananim.rendering.encode.gif import GIFWriter, fit_gif, gif_stride, shrunk_gif
from gananim.rendering.encode.writers import WRITERS, FrameWriter, even_size


def write_poster(frame: np.ndarray, path) -> Path:
    """Save an (H, W, 3) uint8 frame as a PNG (the <video> poster, shown before playback)."""
    from PIL import Image

    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
        got = f"{frame.shape} {frame.dtype}" if isinstance(frame, np.ndarray) else type(frame).__name__
        raise GananimError(f"a poster must be an (H, W, 3) uint8 RGB (or RGBA) array, got {got}")
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(frame)).save(buf, format="PNG", optimize=True)
    return write_bytes(Path(path), buf.getvalue())


_VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".ogv": "video/ogg"}


def _href(path: Path, base: Path) -> str:
    rel = os.path.relpath(Path(path).absolute(), Path(base).absolute())
    return quote(Path(rel).as_posix(), safe="/")


def _fluid(width: int, height: int) -> str:
    """CSS that scales the element to its column: never wider than the column nor than its own pixels, aspect kept.

    The width/height attributes stay too: they reserve the right box before the file loads (no layout jump)
    and give the aspect ratio where a blog engine strips `style` attributes.
    """
    return f"width:100%;max-width:{int(width)}px;height:auto;aspect-ratio:{int(width)}/{int(height)}"


def embed_snippet(
    poster,
    sources: Sequence,
    width: int,
    height: int,
    tracks: Sequence[tuple[Path, str]] | None = None,
    base=None,
    controls: bool = False,
    default_captions: bool = False,
) -> str:
    """An HTML <video> element for the web: autoplay loop muted playsinline, WebM then MP4, as wide as its column.

    Only muted video autoplays; iOS Safari also needs ``playsinline`` (else it plays fullscreen).
    Browsers take the first <source> they can play, so WebM (smaller) comes first and MP4
    (Safari, older iOS) second. `tracks` are (file, kind) pairs, e.g. (captions.vtt, "captions"):
    a captions track is off until the reader turns it on, because gananim's frames carry their captions
    already (a default track drew each one twice); `default_captions` makes the first one the default, for
    frames without captions of their own. A chapters track is never drawn by browsers; it names the video's
    sections for players that list them. `controls` adds the browser's play/pause bar (and its captions menu).
    Paths are written relative to `base`, the folder the snippet will live in (default: the poster's).
    """
    poster = Path(poster)
    base = Path(base) if base is not None else poster.parent
    srcs = [Path(s) for s in sources]
    if not srcs:
        raise GananimError("an embed needs at least one video source (.webm or .mp4)")
    for s in srcs:
        if s.suffix.lower() not in _VIDEO_TYPES:
            raise GananimError(f"{s.name}: not a <video> source (use {', '.join(_VIDEO_TYPES)})")
    order = list(_VIDEO_TYPES)
    srcs.sort(key=lambda s: order.index(s.suffix.lower()))
    a = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    flags = "autoplay loop muted playsinline" + (" controls" if controls else "")
    lines = [
        f'<video {flags} poster="{a(_href(poster, base))}" width="{int(width)}" height="{int(height)}" '
        f'style="{_fluid(width, height)}">'
    ]
    for s in srcs:
        lines.append(f'  <source src="{a(_href(s, base))}" type="{_VIDEO_TYPES[s.suffix.lower()]}">')
    tracks = [(Path(t), str(k)) for t, k in tracks or []]
    captions = next((i for i, (_, k) in enumerate(tracks) if k in ("captions", "subtitles")), None)
    shown = captions if default_captions else None
    for i, (track, kind) in enumerate(tracks):
        default = " default" if i == shown else ""
        lines.append(
            f'  <track kind="{a(kind)}" src="{a(_href(track, base))}" srclang="en" '
            f'label="{a(kind.capitalize())}"{default}>'
        )
    fallback = srcs[-1]
    lines.append(f'  Your browser cannot play this video: <a href="{a(_href(fallback, base))}">download it</a>.')
    lines.append("</video>")
    return "\n".join(lines) + "\n"


# The GIF in an embed is the fallback for places that take no <video> (READMEs, feeds, e-mail): sized for a blog
# column, not for the full frame. Measured on the default preset (five-clusters, 201 snapshots, `surface`, 720p,
# 240 frames): 12.0 MB at 1280 px, 30 fps, 256 colours; 5.5 MB at 800 px and 20 fps; 2.6 MB at 720 px, 12.5 fps,
# 128 colours, with the text still legible and the bands of D and the red density intact. The GIF keeps every k-th
# frame (gif_stride): at most 12.5 fps, so 10 fps (every third frame, 10/100 s each) from a 30 fps video, 12.5 from 25.
EMBED_GIF = {"max_width": 720, "max_fps": 12.5, "max_colors": 128}
EMBED_GIF_MB = 3.0  # what a blog post can carry; a larger GIF is remade smaller (fit_gif)


def write_embed(
    frames,
    out_dir,
    name: str,
    fps: float,
    size: tuple[int, int],
    formats: Sequence[str] = ("webm", "mp4", "gif"),
    gif_max_mb: float | None = EMBED_GIF_MB,
    poster: int = -1,
    options: dict[str, dict] | None = None,
    channels: int = 3,
    tracks: Sequence[tuple[Path, str]] | None = None,
    controls: bool = False,
) -> dict[str, Path]:
    """Write NAME.webm/.mp4/.gif, NAME-poster.png and NAME.html (the <video> snippet) into `out_dir`.

    `frames` is an iterable of (H, W, 3) uint8 frames or a zero-argument callable returning one.
    Frames are rendered ONCE and tee'd to every encoder's stdin (the ffmpeg processes run in
    parallel), and the files replace existing ones only once every format has succeeded.
    `poster` is the index of the frame used as poster (-1, the default: the last).
    The GIF is made at EMBED_GIF's width, fps and colours (never above the frames'), for a blog column: every k-th
    frame from the first (gif_stride), so a clip that advances evenly still does in the GIF.
    `gif_max_mb` (default EMBED_GIF_MB, None for no limit): if the GIF is larger, it is re-made from
    the MP4 (or WebM) already written at a lower fps and a smaller size until it fits (see
    :func:`fit_gif`); size never fails it.
    `options` maps a format to its writer options, e.g. {"mp4": {"preset": "medium"}} (for "gif",
    merged over EMBED_GIF: {"gif": {"max_width": None}} keeps the full width).
    `channels` is 3 for RGB frames or 4 for RGBA ones (alpha ignored; no copy for a canvas buffer).
    `tracks` are (file, kind) pairs for the snippet, e.g. WebVTT captions written beforehand;
    `controls` gives the snippet the browser's controls (see :func:`embed_snippet`).
    Returns {"webm": ..., "mp4": ..., "gif": ..., "poster": ..., "html": ...} (formats asked for).
    """
    formats = _checked_formats(formats, name, poster)
    out_dir = Path(out_dir)
    options = dict(options or {})
    if "gif" in formats:
        options["gif"] = {**EMBED_GIF, **options.get("gif", {})}
    size = (int(size[0]), int(size[1]))
    paths = {f: out_dir / f"{name}.{f}" for f in formats}
    result, kept = _encode_all(frames, paths, fps, size, channels, options, poster, name)
    if "gif" in result and gif_max_mb is not None and result["gif"].stat().st_size > gif_max_mb * 2**20:
        _refit_gif(result, gif_max_mb, fps, size, options["gif"])
    video_size = even_size(*size)
    result["poster"] = write_poster(kept[: video_size[1], : video_size[0]], out_dir / f"{name}-poster.png")
    snippet = _snippet(result, name, video_size, out_dir, tracks, controls)
    result["html"] = write_bytes(out_dir / f"{name}.html", snippet.encode("utf-8"))
    return result


def _checked_formats(formats: Sequence[str], name: str, poster) -> list[str]:
    """The formats asked for, lower case, each once; a bad format, name or poster index is refused here."""
    formats = list(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise GananimError(f"unknown format(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(WRITERS)}")
    if not name or "/" in name or os.sep in name:
        raise GananimError(f"the embed name must be a plain file name, got {name!r}")
    if not isinstance(poster, int) or poster < -1:
        raise GananimError(f"poster must be a frame index (0, 1, ...) or -1 for the last frame, got {poster!r}")
    return formats


def _encode_all(
    frames,
    paths: dict[str, Path],
    fps: float,
    size: tuple[int, int],
    channels: int,
    options: dict,
    poster: int,
    name: str,
) -> tuple[dict[str, Path], np.ndarray]:
    """Every format from one pass over the frames; returns {format: file} and the poster frame (RGB).

    The files replace existing ones only once every format has succeeded; on any failure none is left.
    """
    writers: list[FrameWriter] = []
    try:
        # all writers (and so all writability checks) exist before the first frame is rendered
        for f, path in paths.items():
            writers.append(WRITERS[f](path, fps, size, channels=channels, **options.get(f, {})))
        kept = _feed(writers, frames() if callable(frames) else frames, poster, name)
        for w in writers:  # all encoders flush at once
            w.close_input()
        for w in writers:
            w.complete()
    except BaseException:
        for w in writers:
            w.abort()
        raise
    # every format succeeded: only now do they replace files of the same names
    return {w.suffix.lstrip("."): w.publish() for w in writers}, kept


def _feed(writers: list[FrameWriter], frames, poster: int, name: str) -> np.ndarray:
    """Hand each frame to every writer; returns a copy of the poster frame's RGB (a canvas buffer is reused)."""
    kept = None
    for i, frame in enumerate(frames):
        for w in writers:
            w.grab_frame(frame)
        if poster < 0 or i == poster:
            kept = np.array(frame[..., :3], copy=True)  # one frame, whatever the clip's length
    if kept is None:
        raise GananimError(
            f"no frames for {name}"
            if writers[0].frames == 0
            else f"poster frame {poster} is past the clip's {writers[0].frames} frames"
        )
    return kept


def _refit_gif(result: dict[str, Path], gif_max_mb: float, fps: float, size: tuple[int, int], gif: dict) -> None:
    """Remake the GIF under its budget from the video already written (no re-rendering), starting from the stride
    and width that its measured size over budget suggests (`gif`: its writer options); fit_gif refines them."""
    width, height = size
    src = result.get("mp4") or result.get("webm") or result["gif"]
    ratio = result["gif"].stat().st_size / (gif_max_mb * 2**20) * 1.1
    made_stride = gif_stride(fps, gif["max_fps"])
    made_width = min(even_size(width, height)[0], int(gif["max_width"] or width))
    stride, gif_width = shrunk_gif(
        made_stride, made_width, ratio, max_stride=max(made_stride, int(fps)), min_width=32
    )  # a first guess: fit_gif starts from it as given
    reserve = gif.get("reserve", GIFWriter.defaults["reserve"])
    fit_gif(src, result["gif"], gif_max_mb, fps=float(fps) / stride, width=gif_width, reserve=reserve)


def _snippet(result: dict[str, Path], name: str, video_size: tuple[int, int], out_dir: Path, tracks, controls) -> str:
    """The HTML: a <video> of the WebM and MP4 (with the poster and tracks), or an <img> for a GIF alone."""
    videos = [result[f] for f in ("webm", "mp4") if f in result]
    if videos:
        return embed_snippet(result["poster"], videos, *video_size, tracks=tracks, base=out_dir, controls=controls)
    gif_info = probe(result["gif"], count_frames=False)
    gif_size = (gif_info["width"], gif_info["height"])
    return (
        f'<img src="{html.escape(_href(result["gif"], out_dir), quote=True)}" width="{gif_size[0]}" '
        f'height="{gif_size[1]}" style="{_fluid(*gif_size)}" alt="{html.escape(name, quote=True)}">\n'
    )
