"""Animated GIFs: one palette made from the whole clip (two streaming ffmpeg passes), and fit_gif for a size budget.

The palette keeps the colours that carry meaning (drawing.MEANING_COLOURS: series, event spans, the caption's box):
palettegen picks the rest from the clip, and the reserved colours take its last rows (see _reserve_image).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from gananim.errors import GananimError
from gananim.rendering.drawing import MEANING_COLOURS
from gananim.rendering.encode.ffmpeg import ffmpeg_for, fps_arg, probe, run
from gananim.rendering.encode.files import commit, discard, reserve_temp
from gananim.rendering.encode.writers import FrameWriter, register

# Browsers clamp GIF frame delays under 2/100 s to 10/100 s, so a GIF faster than 50 fps plays slower.
GIF_MAX_FPS = 50.0
# palettegen's entry for transparency (reserve_transparent, on by default): its last one, green at alpha 0. The GIF
# encoder leaves unchanged pixels transparent with it (smaller GIFs), so a palette with reserved colours keeps it.
TRANSPARENT = (0, 255, 0, 0)


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


def _reserved(colours: Sequence[str], max_colors: int) -> list[str]:
    """The colours the palette keeps: the first ones, a quarter of the palette at most (palettegen keeps 4 or more)."""
    if isinstance(colours, str):
        colours = (colours,)
    bad = [c for c in colours if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(c))]
    if bad:
        raise GananimError(f"GIF reserve colours are '#rrggbb', got {', '.join(map(repr, bad[:3]))}")
    unique = list(dict.fromkeys(str(c).lower() for c in colours))
    return unique[: min(int(max_colors) // 4, max(int(max_colors) - 4, 0))]


def _reserve_image(colours: Sequence[str]) -> np.ndarray:
    """The palette's last rows, (rows, 16, 4) RGBA: the reserved colours, repeated to fill the rows (a repeat is no
    new colour), and palettegen's transparent entry last, where it had it (entry 255)."""
    rows = -(-(len(colours) + 1) // 16)
    rgba = [(*(int(c[k : k + 2], 16) for k in (1, 3, 5)), 255) for c in colours]
    cells = [rgba[i % len(rgba)] for i in range(16 * rows - 1)] + [TRANSPARENT]
    return np.array(cells, np.uint8).reshape(rows, 16, 4)


def _write_reserve(path: Path, colours: Sequence[str]) -> Path:
    """The reserved rows as a PNG at `path` (a temporary): the palette filter's second input."""
    from PIL import Image

    try:
        Image.fromarray(_reserve_image(colours)).save(path, format="PNG")
    except OSError as e:
        raise GananimError(f"cannot write {path}: {e.strerror or e}") from None
    return path


def _palettegen(max_colors: int, reserved: int) -> str:
    """Filters from the clip (the graph's input) to its palette: palettegen, and with `reserved` colours, its rows
    above the reserved ones stacked on the reserved rows (input [1:v], see _reserve_image).

    palettegen puts its colours first and pads the 16x16 palette with copies of its last colour, so asking it for
    max_colors - reserved (fewer where the reserved rows would cover its colours) loses none of them; the palette
    keeps max_colors entries in all, as without reserved ones. stats_mode=diff builds the palette from what changes
    between frames (the moving parts of a plot get the colours, not the static background): static series, spans
    and captions count in the first frame only, so a clip's moving parts took their colours (blue went grey,
    orange pink) until they were reserved."""
    if not reserved:
        return f"palettegen=stats_mode=diff:max_colors={int(max_colors)}"
    rows = -(-(reserved + 1) // 16)
    gen = min(int(max_colors) - reserved, 16 * (16 - rows) + 1)  # + 1: its transparent entry, left out by the crop
    return f"palettegen=stats_mode=diff:max_colors={gen},crop=16:{16 - rows}:0:0[top];[top][1:v]vstack"


def _gif_filter(head: list[str], dither: str = "bayer", max_colors: int = 256, reserved: int = 0) -> str:
    """The one-graph GIF: split -> palettegen over the whole clip (+ the reserved rows) -> paletteuse.

    palettegen emits its palette only at the end of the stream, so ffmpeg holds every frame meanwhile
    (measured: ~3.7 MB a 1280x720 frame, 1.2 GB for 10 s at 30 fps): only for short clips, see GIFWriter.
    """
    chain = ",".join(head) + "," if head else ""
    return f"[0:v]{chain}split[a][b];[a]{_palettegen(max_colors, reserved)}[p];[b][p]{_paletteuse(dither)}"


def _gif_two_pass(
    exe: str,
    src: Path,
    tmp_gif: Path,
    palette: Path,
    head: list[str],
    dither: str,
    max_colors: int,
    target: Path,
    reserve: Sequence[str] = (),
) -> None:
    """GIF from a video file in two streaming passes (flat memory): palettegen -> PNG, then paletteuse.

    `reserve`: colours the palette keeps (as many as _reserved allows), their rows written beside the palette."""
    # long only by its two ffmpeg command lines, one argument a line as formatted: one call a pass
    chain = ",".join(head) + "," if head else ""
    base = [exe, "-hide_banner", "-nostats", "-loglevel", "error", "-y"]
    kept = _reserved(reserve, max_colors)
    rows = reserve_temp(target, "reserve") if kept else None
    try:
        if rows:
            _write_reserve(rows, kept)
        run(
            [
                *base,
                "-i",
                str(src),
                *(["-i", str(rows)] if rows else []),
                "-lavfi",
                f"[0:v]{chain}{_palettegen(max_colors, len(kept))}",
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
    finally:
        discard(rows)
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
    Option `reserve` lists colours ('#rrggbb') the palette keeps exactly, by priority, at most a quarter of
    `max_colors` (default: drawing.MEANING_COLOURS, the colours of series, event spans and the caption's box;
    () for a palette made from the clip alone). They take entries of the palette, never add any: a 128-colour
    GIF still shows 128 colours at most.
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
        "reserve": MEANING_COLOURS,
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
        reserved = len(_reserved(o["reserve"], o["max_colors"]))  # a bad colour is refused before any frame
        if o["palette"] == "graph":
            graph = _gif_filter(self._head(), dither=o["dither"], max_colors=o["max_colors"], reserved=reserved)
            return ["-filter_complex", graph, "-loop", "0", *map(str, o["extra_args"])]
        return ["-c:v", "png", "-compression_level", "1"]

    def _inputs(self) -> list[str]:
        """The one-graph GIF reads the reserved colours' rows (a PNG written now) as its second input."""
        kept = _reserved(self.opts["reserve"], self.opts["max_colors"])
        if self.opts["palette"] != "graph" or not kept:
            return []
        rows = reserve_temp(self.path, "reserve")
        self._scratch.append(rows)
        return ["-i", str(_write_reserve(rows, kept))]

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
            self._exe,
            self._scratch[0],
            self._tmp,
            palette,
            self._head(),
            o["dither"],
            o["max_colors"],
            self.path,
            o["reserve"],
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
    reserve: Sequence[str] = MEANING_COLOURS,
) -> Path:
    """Make `dst_gif` from `src_video` no larger than `max_mb`, lowering fps and width as needed.

    Starts at (fps, width) (default: the source's), measures, and shrinks both from the measured ratio (a GIF's
    size is roughly proportional to fps x area): fps by sqrt(ratio) and width by ratio**0.25, with a 10 % margin.
    The fps is always the source's divided by a whole stride (every k-th frame, the first one kept), so a clip
    that advances evenly still does. Never fails for size: at the floors it also cuts the palette, and returns
    the smallest GIF it made. `reserve`: colours the palette keeps, as GIFWriter's option (a cut palette keeps
    the first ones: a quarter of it).
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
            head = _gif_head(src_fps, stride, width)
            _gif_two_pass(exe, src_video, tmp, palette, head, dither, colors, dst_gif, reserve)
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
