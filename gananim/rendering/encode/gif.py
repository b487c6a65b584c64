"""Animated GIFs: one palette made from the whole clip (two streaming ffmpeg passes), and fit_gif for a size budget."""

from __future__ import annotations

import math
from pathlib import Path

from gananim.errors import GananimError
from gananim.rendering.encode.ffmpeg import ffmpeg_for, fps_arg, probe, run
from gananim.rendering.encode.files import commit, discard, reserve_temp
from gananim.rendering.encode.writers import FrameWriter, register

# Browsers clamp GIF frame delays under 2/100 s to 10/100 s, so a GIF faster than 50 fps plays slower.
GIF_MAX_FPS = 50.0


def gif_stride(src_fps: float, max_fps: float | None = None) -> int:
    """Every how many source frames a GIF keeps one: the fewest that bring `src_fps` to at most `max_fps` (and
    GIF_MAX_FPS). A whole stride keeps the kept frames equally far apart, the first one first: ffmpeg's fps filter
    took 30 fps to 12.5 by keeping frames 1, 3, 5, 8, 10, 13, … (steps of 2 and 3, and never frame 0)."""
    cap = min(float(max_fps or GIF_MAX_FPS), GIF_MAX_FPS)
    ratio = float(src_fps) / cap
    return max(1, math.ceil(ratio - 1e-9)) if math.isfinite(ratio) else 1  # a bad fps is refused elsewhere


def _gif_head(src_fps: float, stride: int = 1, width: int | None = None) -> list[str]:
    """Filters before the palette: keep every `stride`-th frame from the first (see gif_stride), scale to `width`."""
    head = []
    if stride > 1:
        fps = fps_arg(src_fps / stride)
        # select keeps frames 0, k, 2k, …; setpts spaces them evenly again and fps= tells the muxer the new rate
        head += [f"select=not(mod(n\\,{int(stride)}))", f"setpts=N/({fps})/TB", f"fps={fps}"]
    if width:
        head.append(f"scale={int(width)}:-2:flags=lanczos")  # -2: the height keeps the aspect and stays even
    return head


def _paletteuse(dither: str) -> str:
    # bayer dithering is ordered: a pixel that doesn't change keeps its dither pattern from frame to
    # frame, so diff_mode=rectangle re-encodes only the changed rectangle. Error diffusion (sierra)
    # makes noise that differs on every frame: GIFs several times larger for the same plot.
    return f"paletteuse=dither={dither}" + (":bayer_scale=5" if dither == "bayer" else "") + ":diff_mode=rectangle"


def _gif_filter(head: list[str], dither: str = "bayer", max_colors: int = 256) -> str:
    """The one-graph GIF: split -> palettegen over the whole clip -> paletteuse.

    stats_mode=diff builds the palette from what changes between frames (the moving parts of a
    plot get the colours, not the static background). palettegen emits its palette only at the
    end of the stream, so ffmpeg holds every frame meanwhile (measured: ~3.7 MB a 1280x720
    frame, 1.2 GB for 10 s at 30 fps): only for short clips, see GIFWriter.
    """
    chain = ",".join(head) + "," if head else ""
    gen = f"palettegen=stats_mode=diff:max_colors={int(max_colors)}"
    return f"{chain}split[a][b];[a]{gen}[p];[b][p]{_paletteuse(dither)}"


def _gif_two_pass(
    exe: str, src: Path, tmp_gif: Path, palette: Path, head: list[str], dither: str, max_colors: int, target: Path
) -> None:
    """GIF from a video file in two streaming passes (flat memory): palettegen -> PNG, then paletteuse."""
    chain = ",".join(head) + "," if head else ""
    base = [exe, "-hide_banner", "-nostats", "-loglevel", "error", "-y"]
    run(
        [
            *base,
            "-i",
            str(src),
            "-vf",
            f"{chain}palettegen=stats_mode=diff:max_colors={int(max_colors)}",
            "-frames:v",
            "1",
            "-update",
            "1",
            "-f",
            "image2",
            "-c:v",
            "png",
            str(palette),
        ],
        target,
    )
    run(
        [
            *base,
            "-i",
            str(src),
            "-i",
            str(palette),
            "-an",
            "-lavfi",
            f"[0:v]{chain}null[v];[v][1:v]{_paletteuse(dither)}",
            "-loop",
            "0",
            "-f",
            "gif",
            str(tmp_gif),
        ],
        target,
    )


@register("gif")
class GIFWriter(FrameWriter):
    """An animated GIF with one palette made from the whole clip, looping forever (-loop 0).

    A global palette needs every frame before the first can be written. palette="spool" (the
    default) streams the frames losslessly (PNG in Matroska: exact RGB, ~0.1 MB a 720p plot
    frame) to a hidden file next to the GIF, then runs palettegen and paletteuse as two
    streaming passes over it: flat memory in Python and in ffmpeg (measured at 720p: ffmpeg
    peaks at ~100 MB for 100 or 300 frames). palette="graph" does it in one ffmpeg filter
    graph (split + palettegen + paletteuse): no spool file, but ffmpeg keeps every frame until
    the palette is done (measured: 450 MB for 100 frames, 1.2 GB for 300); fine for short small
    clips. Both give byte-identical GIFs at about the same speed (~35 fps at 720p).
    fps above 50 are lowered to 50 (browsers slow faster GIFs down). Options `max_fps` and `max_width`
    make the GIF at a lower frame rate (every k-th frame, see gif_stride) and a smaller width (aspect kept) than the
    frames given: the spool keeps every frame at full size, the palette passes drop and scale them.
    """

    suffix = ".gif"
    encoder = "gif"
    muxer = "gif"
    even = False
    defaults = {
        "dither": "bayer",
        "max_colors": 256,
        "palette": "spool",
        "max_fps": None,
        "max_width": None,
        "extra_args": (),
    }

    def _head(self) -> list[str]:
        """Keep every k-th frame to stay within `max_fps`; scale down to `max_width` (never up: a GIF at most the
        frames' size)."""
        width = self.opts["max_width"]
        stride = gif_stride(self.fps, self.opts["max_fps"])
        return _gif_head(self.fps, stride, int(width) if width and int(width) < self.size[0] else None)

    def _output_args(self) -> list[str]:
        o = self.opts
        if o["palette"] not in ("spool", "graph"):
            raise GananimError(f"GIF palette must be 'spool' or 'graph', got {o['palette']!r}")
        if o["palette"] == "graph":
            graph = _gif_filter(self._head(), dither=o["dither"], max_colors=o["max_colors"])
            return ["-vf", graph, "-loop", "0", *map(str, o["extra_args"])]
        return ["-c:v", "png", "-compression_level", "1"]

    def _stream_target(self) -> Path:
        if self.opts["palette"] == "graph":
            return self._tmp
        self.muxer = "matroska"
        spool = reserve_temp(self.path, "spool")
        self._scratch.append(spool)
        return spool

    def _after_stream(self) -> None:
        if self.opts["palette"] == "graph":
            return
        palette = reserve_temp(self.path, "palette")
        self._scratch.append(palette)
        o = self.opts
        _gif_two_pass(
            self._exe, self._scratch[0], self._tmp, palette, self._head(), o["dither"], o["max_colors"], self.path
        )


def shrunk_gif(stride: int, width: int, ratio: float, max_stride: int, min_width: int) -> tuple[int, int]:
    """The stride (see gif_stride) and even width for a GIF `ratio` times too large: its size goes roughly as
    fps x area, so the stride grows by sqrt(ratio), to a whole number of frames, and the width shrinks by
    ratio**0.25, neither past its limit."""
    new_stride = min(max_stride, max(stride, math.ceil(stride * math.sqrt(ratio) - 1e-9)))
    new_width = max(min_width, int(width / ratio**0.25))
    return new_stride, new_width - new_width % 2


def fit_gif(
    src_video,
    dst_gif,
    max_mb: float,
    fps: float | None = None,
    width: int | None = None,
    dither: str = "bayer",
    min_fps: float = 2.0,
    min_width: int = 32,
) -> Path:
    """Make `dst_gif` from `src_video` no larger than `max_mb`, lowering fps and width as needed.

    Starts at (fps, width) (default: the source's), measures, and shrinks both from the measured ratio (a GIF's
    size is roughly proportional to fps x area): fps by sqrt(ratio) and width by ratio**0.25, with a 10 % margin.
    The fps is always the source's divided by a whole stride (every k-th frame, the first one kept), so a clip
    that advances evenly still does. Never fails for size: at the floors it also cuts the palette, and returns
    the smallest GIF it made.
    """
    src_video, dst_gif = Path(src_video), Path(dst_gif)
    if max_mb <= 0:
        raise GananimError(f"the GIF budget must be positive, got {max_mb} MB")
    info = probe(src_video, count_frames=False)
    src_fps = float(info.get("fps") or 25.0)
    stride, width = gif_stride(src_fps, fps), int(width or info["width"])
    max_stride = max(stride, math.floor(src_fps / min_fps + 1e-9))
    exe = ffmpeg_for("gif")
    budget = max_mb * 2**20
    colors = 256
    tmp = reserve_temp(dst_gif)
    palette = reserve_temp(dst_gif, "palette")
    try:
        for _ in range(12):
            _gif_two_pass(exe, src_video, tmp, palette, _gif_head(src_fps, stride, width), dither, colors, dst_gif)
            got = tmp.stat().st_size
            if got <= budget:
                break
            at_floor = stride >= max_stride and width <= min_width
            if at_floor and colors <= 16:
                break  # the smallest we make: keep it
            new_stride, new_width = shrunk_gif(stride, width, got / budget * 1.1, max_stride, min_width)
            if (new_stride, new_width) == (stride, width) or at_floor:
                colors = max(16, colors // 2)
            stride, width = new_stride, new_width
    except BaseException:
        discard(tmp)
        raise
    finally:
        discard(palette)
    return commit(tmp, dst_gif)
