"""Frames -> web files: MP4 (H.264), WebM (VP9), GIF, a poster PNG and an HTML embed snippet.

Modelled on matplotlib's ``animation.py``: a registry of writers, each with a setup (the
constructor), ``grab_frame`` and ``finish``. Frames are uint8 RGB arrays of shape (H, W, 3)
streamed to an ffmpeg subprocess's stdin as ``rawvideo rgb24``: nothing is kept on the Python
side, so memory stays flat whatever the frame count.

Conventions (design.md §5):

* ``yuv420p`` for MP4 and WebM. H.264/VP9 can carry 4:4:4 or RGB, but Safari, QuickTime and
  Firefox (and most hardware decoders) only play 4:2:0; a 4:4:4 file shows as a black or
  broken video there. 4:2:0 halves chroma resolution in both directions, which is why the
  encoded width and height must be even (see :func:`even_size`).
* ``-movflags +faststart`` for MP4: ffmpeg writes the ``moov`` box (the index: codec setup,
  frame sizes and offsets) at the end by default, so a browser must download the whole file
  before it can play the first frame. +faststart moves ``moov`` before ``mdat`` (the data)
  so playback starts while the file is still downloading. :func:`faststart_ok` checks it.
* Colours: RGB -> YUV uses the matrix that players guess for untagged video (BT.601 below 720
  lines, BT.709 from 720 up), and the files are tagged with it, so tag-aware and tag-blind
  players alike convert back with the right matrix (see _yuv420; else plot colours shift).
* Odd sizes: MP4/WebM writers accept frames of any size and crop the last column/row to reach
  an even size (``writer.out_size``); a 1-pixel figure margin is invisible, padding would add a
  black line and scaling would blur every pixel. GIF keeps the exact size.

Every file is written under a temporary name in the destination folder (created if missing) and
renamed into place on success; a failure deletes the temporary and leaves any existing file of the
same name alone. An unwritable folder is reported when a writer is made, before any frame.
"""

from __future__ import annotations

import functools
import html
import io
import math
import os
import re
import secrets
import shutil
import struct
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import quote

import numpy as np

from gananim.errors import GananimError

__all__ = [
    "FrameWriter", "MP4Writer", "WebMWriter", "GIFWriter", "WRITERS", "writer_for", "even_size",
    "write_poster", "embed_snippet", "write_embed", "fit_gif", "probe", "faststart_ok",
    "decode_frames", "ffmpeg_for", "register",
]

INSTALL_HINT = ("install ffmpeg: `apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS) "
                "or `conda install -c conda-forge ffmpeg`")

# Browsers clamp GIF frame delays under 2/100 s to 10/100 s, so a GIF faster than 50 fps plays slower.
GIF_MAX_FPS = 50.0


# --------------------------------------------------------------------------- ffmpeg binaries

def _ffmpeg_candidates() -> list[str]:
    """imageio-ffmpeg's bundled binary first (works with no system ffmpeg), then `ffmpeg` on PATH."""
    found: list[str] = []
    try:
        import imageio_ffmpeg

        found.append(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:  # not installed, or no binary for this platform
        pass
    system = shutil.which("ffmpeg")
    if system:
        found.append(system)
    unique: list[str] = []
    for exe in found:
        if exe not in unique and os.path.realpath(exe) not in map(os.path.realpath, unique):
            unique.append(exe)
    return unique


@functools.lru_cache(maxsize=None)
def _encoders(exe: str) -> frozenset[str]:
    """The encoder names an ffmpeg binary lists in `ffmpeg -hide_banner -encoders`."""
    try:
        out = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True,
                             timeout=60, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in out.splitlines():
        parts = line.split()
        # lines look like " V....D libx264   libx264 H.264 / AVC ..."; the legend has "=" in column 2
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS" and parts[1] != "=":
            names.add(parts[1])
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def ffmpeg_for(encoder: str) -> str:
    """The first ffmpeg binary that can use `encoder` (the bundled one may lack libvpx, say)."""
    candidates = _ffmpeg_candidates()
    for exe in candidates:
        if encoder in _encoders(exe):
            return exe
    tried = ", ".join(candidates) if candidates else "no ffmpeg binary found"
    raise GananimError(f"no ffmpeg with the {encoder} encoder (tried: {tried}); {INSTALL_HINT}")


def _any_ffmpeg() -> str:
    candidates = _ffmpeg_candidates()
    if not candidates:
        raise GananimError(f"no ffmpeg binary found; {INSTALL_HINT}")
    return candidates[0]


# --------------------------------------------------------------------------- files

def even_size(width: int, height: int) -> tuple[int, int]:
    """The largest even (width, height) not above the given one: H.264 and VP9 in 4:2:0 need even sizes."""
    width, height = int(width), int(height)
    if width < 2 or height < 2:
        raise GananimError(f"a video must be at least 2x2 pixels, got {width}x{height}")
    return width - width % 2, height - height % 2


def _root_cause(stderr_lines: list[str]) -> str:
    """The line of ffmpeg's error output that says what went wrong, without its "[libx264 @ 0x...]" tags.

    ffmpeg runs with -loglevel error, so every line is an error; the first is the cause, the
    last is usually the consequence ("Nothing was written into output file", "Conversion failed!").
    """
    lines = [re.sub(r"^(\[[^\]]*\] ?)+", "", ln.strip()).strip() for ln in stderr_lines]
    lines = [ln for ln in lines if ln]
    return lines[0] if lines else ""


def _reserve_temp(path: Path, tag: str = "part") -> Path:
    """Create an empty temporary file next to `path` (same folder, so the final rename is atomic).

    This is the writability check: it fails before any frame is rendered.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            tmp = folder / f".{path.name}.{secrets.token_hex(4)}.{tag}"
            try:
                # 0o666 and the umask, like a normally created file (mkstemp would give 0o600)
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                return tmp
            except FileExistsError:
                continue
        raise GananimError(f"cannot write to {folder}: could not find a free temporary name")
    except OSError as e:
        raise GananimError(f"cannot write to {folder}: {(e.strerror or str(e)).lower()}") from None


def _unlink(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass


def _commit(tmp: Path, path: Path) -> Path:
    try:
        os.replace(tmp, path)
    except OSError as e:
        _unlink(tmp)
        raise GananimError(f"cannot write {path}: {(e.strerror or str(e)).lower()}") from None
    return path


def _atomic_write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    tmp = _reserve_temp(path)
    try:
        tmp.write_bytes(data)
    except OSError as e:
        _unlink(tmp)
        raise GananimError(f"cannot write {path}: {(e.strerror or str(e)).lower()}") from None
    return _commit(tmp, path)


# --------------------------------------------------------------------------- writers

WRITERS: dict[str, type["FrameWriter"]] = {}


def register(name: str) -> Callable[[type["FrameWriter"]], type["FrameWriter"]]:
    """Class decorator: make a writer available under `name` (its file suffix without the dot)."""

    def wrapper(cls: type[FrameWriter]) -> type[FrameWriter]:
        WRITERS[name] = cls
        return cls

    return wrapper


def _fps_arg(fps: float) -> str:
    """fps as an exact ffmpeg rational (29.97 -> 2997/100), so long clips don't drift."""
    return str(Fraction(fps).limit_denominator(1001))


class FrameWriter:
    """Stream RGB frames to an ffmpeg process that writes one file; a context manager.

    ``with writer_for("out.mp4", fps=30, size=(640, 480)) as w: w.grab_frame(frame)`` writes
    ``out.mp4`` on a clean exit and deletes everything it wrote if the block raises.
    Subclasses set ``suffix``, ``encoder`` (the ffmpeg encoder needed), ``muxer``,
    ``defaults`` (the options ``**opts`` may override) and implement ``_output_args``.
    """

    suffix: str = ""
    encoder: str = ""
    muxer: str = ""
    even: bool = True  # crop to an even size (4:2:0 video)
    defaults: dict = {}

    def __init__(self, path, fps: float, size: tuple[int, int], *, channels: int = 3, **opts):
        self.path = Path(path)
        if channels not in (3, 4):
            raise GananimError(f"frames have 3 (RGB) or 4 (RGBA, alpha ignored) channels, got {channels}")
        self.channels = channels  # RGBA lets a renderer hand over its canvas buffer without a copy
        try:
            self.fps = float(fps)
        except (TypeError, ValueError):
            raise GananimError(f"fps must be a number, got {fps!r}") from None
        if not math.isfinite(self.fps) or self.fps <= 0:
            raise GananimError(f"fps must be positive, got {fps!r}")
        try:
            width, height = (int(v) for v in size)
        except (TypeError, ValueError):
            raise GananimError(f"size must be (width, height), got {size!r}") from None
        if width < 1 or height < 1:
            raise GananimError(f"size must be positive, got {width}x{height}")
        self.size = (width, height)
        self.out_size = even_size(width, height) if self.even else self.size
        unknown = set(opts) - set(self.defaults)
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise GananimError(f"unknown option(s) for {self.suffix}: {', '.join(sorted(unknown))} (known: {known})")
        self.opts = {**self.defaults, **opts}
        self.frames = 0
        self._proc: subprocess.Popen | None = None
        self._stderr = None
        self._done = False
        self._tmp: Path | None = None
        self._scratch: list[Path] = []          # other temporaries (GIF spool, palette), deleted in the end
        self._exe = ffmpeg_for(self.encoder)    # a missing encoder is reported before any file is touched
        self._tmp = _reserve_temp(self.path)    # so is an unwritable folder
        try:
            self._stderr = tempfile.TemporaryFile()  # a file, not a pipe: a chatty ffmpeg can never block
            self._proc = subprocess.Popen(self._command(self._exe), stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=self._stderr)
        except BaseException:
            self._abort()
            raise

    # -- what subclasses provide
    def _output_args(self) -> list[str]:
        """ffmpeg output options (codec, filters) for the streaming process."""
        raise NotImplementedError

    def _stream_target(self) -> Path:
        """Where the streaming ffmpeg writes: the temporary final file, unless the format needs a second step."""
        return self._tmp

    def _after_stream(self) -> None:
        """A second step once all frames are in (the GIF's palette passes); raise GananimError on failure."""

    def _crop(self) -> list[str]:
        """Filters that crop an odd input to the even output size (none when already even)."""
        if self.out_size == self.size:
            return []
        return [f"crop={self.out_size[0]}:{self.out_size[1]}:0:0"]

    def _command(self, exe: str) -> list[str]:
        width, height = self.size
        target = self._stream_target()  # first: it may change the muxer
        return [exe, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                "-f", "rawvideo", "-pix_fmt", "rgb24" if self.channels == 3 else "rgba", "-s", f"{width}x{height}",
                "-framerate", _fps_arg(self.fps),
                "-i", "pipe:0", "-an", *self._output_args(), "-f", self.muxer, str(target)]

    # -- the writer protocol
    def grab_frame(self, frame: np.ndarray) -> None:
        """Send one (H, W, channels) uint8 RGB or RGBA frame to ffmpeg."""
        if self._done or self._proc is None:
            raise GananimError(f"{self.path}: the writer is already finished")
        width, height = self.size
        c = self.channels
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.shape != (height, width, c):
            got = f"{frame.shape} {frame.dtype}" if isinstance(frame, np.ndarray) else type(frame).__name__
            hint = " (drop alpha with frame[..., :3])" if c == 3 and getattr(frame, "shape", ())[-1:] == (4,) else ""
            raise GananimError(f"a frame must be a ({height}, {width}, {c}) uint8 array for a {width}x{height} "
                               f"video, got {got}{hint}")
        data = np.ascontiguousarray(frame)
        try:
            self._proc.stdin.write(data.data)
        except (BrokenPipeError, OSError, ValueError):  # ffmpeg has quit: say why
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
            message = self._error_message()
            self._abort()
            raise GananimError(message) from None
        self.frames += 1

    def finish(self) -> Path:
        """Wait for ffmpeg and move the file into place; a failed encode raises GananimError."""
        if self._done:
            return self.path
        self._close_input()
        self._complete()
        return self._publish()

    # finish() in three steps, so that write_embed can end all its encoders together and publish
    # the files only once every one of them has succeeded
    def _close_input(self) -> None:
        """No more frames: ffmpeg sees the end of its input and flushes its encoder."""
        if self._proc is None:
            raise GananimError(f"{self.path}: the writer was aborted")
        if self.frames == 0:
            self._abort()
            raise GananimError(f"no frames were given for {self.path}")
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _complete(self) -> None:
        """Wait for ffmpeg and run the second step; afterwards the finished file waits under its temporary name."""
        if self._proc is None:
            raise GananimError(f"{self.path}: the writer was aborted")
        try:
            rc = self._proc.wait()
        except BaseException:
            self._abort()
            raise
        if rc != 0:
            message = self._error_message()
            self._abort()
            raise GananimError(message)
        self._close_stderr()
        self._proc = None
        try:
            self._after_stream()
        except BaseException:
            self._abort()
            raise
        for scratch in self._scratch:
            _unlink(scratch)
        self._scratch = []

    def _publish(self) -> Path:
        """Rename the finished temporary to `path` (atomic: readers see the old file or the new one)."""
        tmp, self._tmp = self._tmp, None
        self._done = True
        return _commit(tmp, self.path)

    def abort(self) -> None:
        """Stop ffmpeg and delete the partial file; an existing file at `path` is untouched."""
        self._abort()

    def _error_message(self) -> str:
        lines = []
        if self._stderr is not None:
            try:
                self._stderr.seek(0)
                lines = [ln.strip() for ln in self._stderr.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            except (OSError, ValueError):
                pass
        rc = self._proc.returncode if self._proc is not None else None
        return f"ffmpeg could not write {self.path}: {_root_cause(lines) or f'exit status {rc}'}"

    def _close_stderr(self) -> None:
        if self._stderr is not None:
            try:
                self._stderr.close()
            except OSError:
                pass
            self._stderr = None

    def _abort(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.stdin.close()
            except (OSError, ValueError):
                pass
            proc.wait()
        self._close_stderr()
        tmp, self._tmp = self._tmp, None
        _unlink(tmp)
        for scratch in self._scratch:
            _unlink(scratch)
        self._done = True

    def __enter__(self) -> "FrameWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            self._abort()
        else:
            self.finish()
        return False

    def __del__(self):  # a writer dropped unfinished leaves no process and no temporary behind
        try:
            if not self._done:
                self._abort()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, fps={self.fps:g}, size={self.size})"


def _yuv420(height: int) -> tuple[str, list[str]]:
    """The RGB -> YUV 4:2:0 filter and the matching colour tags for a video `height` pixels tall.

    The matrix is the one a player that ignores tags guesses: BT.709 from 720 lines up, BT.601
    below. Measured in Chromium 156 (tests/test_browser.py): its H.264 path ignores the tags
    (in the stream and in an MP4 `colr` box) and decodes with exactly that guess, so a 480p
    BT.709 file showed pure red as (233, 0, 3); its VP9 path follows the tags. Tag-aware
    players (Safari, Firefox, Chrome for VP9) read the tags, which say the same thing. The
    primaries and transfer are BT.709's (the sRGB primaries our frames are in), limited range.
    """
    hd = height >= 720
    matrix, tag = ("bt709", "bt709") if hd else ("bt601", "smpte170m")
    # setparams: recent ffmpeg takes the tags from the frames, and the scale filter leaves primaries
    # and transfer "unknown" whatever -color_primaries says; the output options serve older ones
    graph = (f"scale=out_color_matrix={matrix}:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,"
             f"format=yuv420p,setparams=colorspace={tag}:color_primaries=bt709:color_trc=bt709:range=tv")
    tags = ["-colorspace", tag, "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
    return graph, tags


@register("mp4")
class MP4Writer(FrameWriter):
    """H.264 in yuv420p, +faststart: plays everywhere (Safari and iOS need it: no WebM on old ones).

    crf 20: visually clean for plots (thin lines, flat colours) at a modest size; lower is
    better quality. preset "veryfast" by default, for speed: on the 2-core dev machine, 1280x720
    matplotlib frames (contours + scatter) encoded at ~33 fps against ~18 fps for "medium",
    with the same file size and 0.7 dB less PSNR; matplotlib itself renders such frames at
    ~11 fps, and in write_embed x264 shares the cores with VP9 and the GIF, so a slower preset
    would cost time for no visible gain. preset="medium"/"slow" is there for final renders.
    """

    suffix = ".mp4"
    encoder = "libx264"
    muxer = "mp4"
    defaults = {"crf": 20, "preset": "veryfast", "tune": None, "extra_args": ()}

    def _output_args(self) -> list[str]:
        o = self.opts
        tune = ["-tune", str(o["tune"])] if o["tune"] else []
        to_yuv, tags = _yuv420(self.out_size[1])
        # write_colr: the colour tags also go into an MP4 `colr` box, which QuickTime/Safari read
        return ["-vf", ",".join([*self._crop(), to_yuv]), "-c:v", "libx264", "-preset", str(o["preset"]),
                "-crf", str(o["crf"]), *tune, "-pix_fmt", "yuv420p", *tags,
                "-movflags", "+faststart+write_colr", *map(str, o["extra_args"])]


@register("webm")
class WebMWriter(FrameWriter):
    """VP9 in yuv420p, constant quality (-b:v 0 -crf 33): usually smaller than the MP4 at similar quality.

    WebM is what Chrome/Firefox pick first, so it should be the small file: deadline "good"
    with cpu-used 4 and row-based multithreading (-row-mt 1). Measured on the 2-core dev
    machine at 1280x720: ~10 fps, 25 % smaller than the MP4 at a slightly better PSNR, and
    the slowest encoder in write_embed. deadline="realtime", cpu_used=6 runs ~3x faster
    (~30 fps) but makes a file ~35 % larger, larger even than the MP4: pass those options
    for quick previews.
    """

    suffix = ".webm"
    encoder = "libvpx-vp9"
    muxer = "webm"
    defaults = {"crf": 33, "deadline": "good", "cpu_used": 4, "threads": None, "extra_args": ()}

    def _output_args(self) -> list[str]:
        o = self.opts
        threads = o["threads"] or min(os.cpu_count() or 1, 16)
        to_yuv, tags = _yuv420(self.out_size[1])
        return ["-vf", ",".join([*self._crop(), to_yuv]), "-c:v", "libvpx-vp9", "-b:v", "0",
                "-crf", str(o["crf"]), "-deadline", str(o["deadline"]), "-cpu-used", str(o["cpu_used"]),
                "-row-mt", "1", "-threads", str(threads), "-pix_fmt", "yuv420p", *tags,
                *map(str, o["extra_args"])]


def _gif_head(src_fps: float | None, fps: float | None = None, width: int | None = None) -> list[str]:
    """Filters before the palette: drop frames to `fps` (at most 50, see GIF_MAX_FPS) and scale to `width`."""
    head = []
    target = min(fps or src_fps or GIF_MAX_FPS, GIF_MAX_FPS)
    if src_fps is None or target < src_fps - 1e-9:
        head.append(f"fps={_fps_arg(target)}")
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


def _run_ffmpeg(cmd: list[str], target: Path) -> None:
    run = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if run.returncode != 0:
        lines = run.stderr.decode("utf-8", "replace").splitlines()
        raise GananimError(f"ffmpeg could not write {target}: {_root_cause(lines) or f'exit status {run.returncode}'}")


def _gif_two_pass(exe: str, src: Path, tmp_gif: Path, palette: Path, head: list[str], dither: str,
                  max_colors: int, target: Path) -> None:
    """GIF from a video file in two streaming passes (flat memory): palettegen -> PNG, then paletteuse."""
    chain = ",".join(head) + "," if head else ""
    base = [exe, "-hide_banner", "-nostats", "-loglevel", "error", "-y"]
    _run_ffmpeg([*base, "-i", str(src), "-vf", f"{chain}palettegen=stats_mode=diff:max_colors={int(max_colors)}",
                 "-frames:v", "1", "-update", "1", "-f", "image2", "-c:v", "png", str(palette)], target)
    _run_ffmpeg([*base, "-i", str(src), "-i", str(palette), "-an",
                 "-lavfi", f"[0:v]{chain}null[v];[v][1:v]{_paletteuse(dither)}", "-loop", "0", "-f", "gif",
                 str(tmp_gif)], target)


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
    fps above 50 are lowered to 50 (browsers slow faster GIFs down).
    """

    suffix = ".gif"
    encoder = "gif"
    muxer = "gif"
    even = False
    defaults = {"dither": "bayer", "max_colors": 256, "palette": "spool", "extra_args": ()}

    def _output_args(self) -> list[str]:
        o = self.opts
        if o["palette"] not in ("spool", "graph"):
            raise GananimError(f"GIF palette must be 'spool' or 'graph', got {o['palette']!r}")
        if o["palette"] == "graph":
            graph = _gif_filter(_gif_head(self.fps), dither=o["dither"], max_colors=o["max_colors"])
            return ["-vf", graph, "-loop", "0", *map(str, o["extra_args"])]
        return ["-c:v", "png", "-compression_level", "1"]

    def _stream_target(self) -> Path:
        if self.opts["palette"] == "graph":
            return self._tmp
        self.muxer = "matroska"
        spool = _reserve_temp(self.path, "spool")
        self._scratch.append(spool)
        return spool

    def _after_stream(self) -> None:
        if self.opts["palette"] == "graph":
            return
        palette = _reserve_temp(self.path, "palette")
        self._scratch.append(palette)
        o = self.opts
        _gif_two_pass(self._exe, self._scratch[0], self._tmp, palette, _gif_head(self.fps), o["dither"],
                      o["max_colors"], self.path)


def writer_for(path, fps: float, size: tuple[int, int], **opts) -> FrameWriter:
    """The writer for `path`'s suffix (.mp4, .webm, .gif)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in WRITERS:
        known = ", ".join(f".{name}" for name in WRITERS)
        given = f".{suffix}" if suffix else "(no suffix)"
        raise GananimError(f"cannot write {Path(path).name!r}: unknown video format {given}; known: {known}")
    return WRITERS[suffix](path, fps, size, **opts)


# --------------------------------------------------------------------------- poster and snippet

def write_poster(frame: np.ndarray, path) -> Path:
    """Save an (H, W, 3) uint8 frame as a PNG (the <video> poster, shown before playback)."""
    from PIL import Image

    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
        got = f"{frame.shape} {frame.dtype}" if isinstance(frame, np.ndarray) else type(frame).__name__
        raise GananimError(f"a poster must be an (H, W, 3) uint8 RGB (or RGBA) array, got {got}")
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(frame)).save(buf, format="PNG", optimize=True)
    return _atomic_write_bytes(Path(path), buf.getvalue())


_VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".ogv": "video/ogg"}


def _href(path: Path, base: Path) -> str:
    rel = os.path.relpath(Path(path).absolute(), Path(base).absolute())
    return quote(Path(rel).as_posix(), safe="/")


def embed_snippet(poster, sources: Sequence, width: int, height: int,
                  tracks: Sequence[tuple[Path, str]] | None = None, base=None) -> str:
    """An HTML <video> element for the web: autoplay loop muted playsinline, WebM then MP4.

    Only muted video autoplays; iOS Safari also needs ``playsinline`` (else it plays fullscreen).
    Browsers take the first <source> they can play, so WebM (smaller) comes first and MP4
    (Safari, older iOS) second. `tracks` are (file, kind) pairs, e.g. (chapters.vtt, "chapters").
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
    lines = [f'<video autoplay loop muted playsinline poster="{a(_href(poster, base))}" '
             f'width="{int(width)}" height="{int(height)}">']
    for s in srcs:
        lines.append(f'  <source src="{a(_href(s, base))}" type="{_VIDEO_TYPES[s.suffix.lower()]}">')
    for i, (track, kind) in enumerate(tracks or []):
        default = " default" if i == 0 else ""
        lines.append(f'  <track kind="{a(kind)}" src="{a(_href(Path(track), base))}" srclang="en" '
                     f'label="{a(str(kind).capitalize())}"{default}>')
    fallback = srcs[-1]
    lines.append(f'  Your browser cannot play this video: <a href="{a(_href(fallback, base))}">download it</a>.')
    lines.append("</video>")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- all at once

def write_embed(frames, out_dir, name: str, fps: float, size: tuple[int, int],
                formats: Sequence[str] = ("webm", "mp4", "gif"), gif_max_mb: float | None = None,
                poster: int = -1, options: dict[str, dict] | None = None, channels: int = 3,
                tracks: Sequence[tuple[Path, str]] | None = None) -> dict[str, Path]:
    """Write NAME.webm/.mp4/.gif, NAME-poster.png and NAME.html (the <video> snippet) into `out_dir`.

    `frames` is an iterable of (H, W, 3) uint8 frames or a zero-argument callable returning one.
    Frames are rendered ONCE and tee'd to every encoder's stdin (the ffmpeg processes run in
    parallel), and the files replace existing ones only once every format has succeeded.
    `poster` is the index of the frame used as poster (-1, the default: the last).
    `gif_max_mb`: if the GIF is larger, it is re-made from the MP4 (or WebM) already written at
    a lower fps and a smaller size until it fits (see :func:`fit_gif`); size never fails it.
    `options` maps a format to its writer options, e.g. {"mp4": {"preset": "medium"}}.
    `channels` is 3 for RGB frames or 4 for RGBA ones (alpha ignored; no copy for a canvas buffer).
    `tracks` are (file, kind) pairs for the snippet, e.g. WebVTT chapters written beforehand.
    Returns {"webm": ..., "mp4": ..., "gif": ..., "poster": ..., "html": ...} (formats asked for).
    """
    formats = list(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise GananimError(f"unknown format(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(WRITERS)}")
    if not name or "/" in name or os.sep in name:
        raise GananimError(f"the embed name must be a plain file name, got {name!r}")
    if not isinstance(poster, int) or poster < -1:
        raise GananimError(f"poster must be a frame index (0, 1, ...) or -1 for the last frame, got {poster!r}")
    out_dir = Path(out_dir)
    options = options or {}
    paths = {f: out_dir / f"{name}.{f}" for f in formats}
    width, height = int(size[0]), int(size[1])
    writers: list[FrameWriter] = []
    try:
        # all writers (and so all writability checks) exist before the first frame is rendered
        for f in formats:
            writers.append(WRITERS[f](paths[f], fps, (width, height), channels=channels, **options.get(f, {})))
        if callable(frames):
            frames = frames()
        kept = None
        for i, frame in enumerate(frames):
            for w in writers:
                w.grab_frame(frame)
            if poster < 0 or i == poster:
                kept = np.array(frame[..., :3], copy=True)  # one frame, whatever the clip's length
        if kept is None:
            raise GananimError(f"no frames for {name}" if writers[0].frames == 0
                               else f"poster frame {poster} is past the clip's {writers[0].frames} frames")
        for w in writers:  # all encoders flush at once
            w._close_input()
        for w in writers:
            w._complete()
    except BaseException:
        for w in writers:
            w.abort()
        raise
    # every format succeeded: only now do they replace files of the same names
    result: dict[str, Path] = {w.suffix.lstrip("."): w._publish() for w in writers}
    if "gif" in result and gif_max_mb is not None and result["gif"].stat().st_size > gif_max_mb * 2**20:
        # re-made from the video already written (no re-rendering), starting from a guess that
        # the measured size over budget suggests; fit_gif refines it
        src = result.get("mp4") or result.get("webm") or result["gif"]
        ratio = result["gif"].stat().st_size / (gif_max_mb * 2**20) * 1.1
        gif_fps = 100 / math.ceil(100 / (min(float(fps), GIF_MAX_FPS) / math.sqrt(ratio)))
        gif_width = max(32, int(even_size(width, height)[0] / ratio ** 0.25))
        fit_gif(src, result["gif"], gif_max_mb, fps=gif_fps, width=gif_width - gif_width % 2)
    video_size = even_size(width, height)
    result["poster"] = write_poster(kept[: video_size[1], : video_size[0]], out_dir / f"{name}-poster.png")
    videos = [result[f] for f in ("webm", "mp4") if f in result]
    if videos:
        snippet = embed_snippet(result["poster"], videos, *video_size, tracks=tracks, base=out_dir)
    else:  # a GIF alone: an <img>
        snippet = (f'<img src="{html.escape(_href(result["gif"], out_dir), quote=True)}" '
                   f'width="{width}" height="{height}" alt="{html.escape(name, quote=True)}">\n')
    result["html"] = _atomic_write_bytes(out_dir / f"{name}.html", snippet.encode("utf-8"))
    return result


def fit_gif(src_video, dst_gif, max_mb: float, fps: float | None = None, width: int | None = None,
            dither: str = "bayer", min_fps: float = 2.0, min_width: int = 32) -> Path:
    """Make `dst_gif` from `src_video` no larger than `max_mb`, lowering fps and width as needed.

    Starts at (fps, width) (default: the source's), measures, and shrinks both from the
    measured ratio (a GIF's size is roughly proportional to fps x area): fps by sqrt(ratio)
    and width by ratio**0.25, with a 10 % margin. Never fails for size: at the floors it also
    cuts the palette, and returns the smallest GIF it made.
    """
    src_video, dst_gif = Path(src_video), Path(dst_gif)
    if max_mb <= 0:
        raise GananimError(f"the GIF budget must be positive, got {max_mb} MB")
    if fps is None or width is None:
        info = probe(src_video, count_frames=False)
        src_fps = info.get("fps") or 25.0
        fps = fps or src_fps
        width = width or info["width"]
    fps, width = min(float(fps), GIF_MAX_FPS), int(width)
    exe = ffmpeg_for("gif")
    budget = max_mb * 2**20
    colors = 256
    tmp = _reserve_temp(dst_gif)
    palette = _reserve_temp(dst_gif, "palette")
    try:
        for _ in range(12):
            _gif_two_pass(exe, src_video, tmp, palette, _gif_head(None, fps, width), dither, colors, dst_gif)
            got = tmp.stat().st_size
            if got <= budget:
                break
            at_floor = fps <= min_fps and width <= min_width
            if at_floor and colors <= 16:
                break  # the smallest we make: keep it
            ratio = got / budget * 1.1
            # GIF delays are whole 1/100 s: take fps = 100/k so that every frame gets the same delay
            new_fps = max(min_fps, 100 / math.ceil(100 / (fps / math.sqrt(ratio))))
            new_width = max(min_width, int(width / ratio ** 0.25))
            new_width -= new_width % 2
            if (new_fps, new_width) == (fps, width) or at_floor:
                colors = max(16, colors // 2)
            fps, width = new_fps, new_width
    except BaseException:
        _unlink(tmp)
        raise
    finally:
        _unlink(palette)
    return _commit(tmp, dst_gif)


# --------------------------------------------------------------------------- checks

def faststart_ok(mp4_path) -> bool:
    """True if the MP4's top-level `moov` box (the index) comes before `mdat` (the data)."""
    order = []
    with open(mp4_path, "rb") as f:
        end = os.fstat(f.fileno()).st_size
        pos = 0
        while pos + 8 <= end:
            f.seek(pos)
            size, kind = struct.unpack(">I4s", f.read(8))
            if size == 1:  # 64-bit size follows the type
                size = struct.unpack(">Q", f.read(8))[0]
            elif size == 0:  # the box runs to the end of the file
                size = end - pos
            if size < 8:
                break  # corrupt
            order.append(kind)
            pos += size
    return b"moov" in order and b"mdat" in order and order.index(b"moov") < order.index(b"mdat")


def probe(path, count_frames: bool = True) -> dict:
    """codec, pix_fmt, width, height, fps, nb_frames, duration of a file's first video stream.

    Uses the system `ffprobe` if there is one, else parses `ffmpeg -i` (imageio-ffmpeg ships no
    ffprobe). nb_frames is counted by decoding (exact for WebM/GIF, whose headers don't say).
    """
    path = Path(path)
    if not path.is_file():
        raise GananimError(f"no such file: {path}")
    ffprobe = shutil.which("ffprobe")
    return _probe_ffprobe(ffprobe, path, count_frames) if ffprobe else _probe_ffmpeg(_any_ffmpeg(), path, count_frames)


def _rate(text: str | None) -> float | None:
    try:
        value = float(Fraction(text))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value or None


def _probe_ffprobe(ffprobe: str, path: Path, count_frames: bool) -> dict:
    import json

    cmd = [ffprobe, "-v", "error", "-select_streams", "v:0",
           *(["-count_frames"] if count_frames else []),
           "-show_entries", "stream=codec_name,pix_fmt,width,height,nb_frames,nb_read_frames,avg_frame_rate,"
           "r_frame_rate,duration:format=duration,format_name", "-of", "json", str(path)]
    run = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        raise GananimError(f"cannot read {path}: {(run.stderr.strip().splitlines() or ['ffprobe failed'])[-1]}")
    data = json.loads(run.stdout or "{}")
    streams = data.get("streams") or []
    if not streams:
        raise GananimError(f"{path} has no video stream")
    s, fmt = streams[0], data.get("format", {})
    n = s.get("nb_read_frames") if count_frames else s.get("nb_frames")
    duration = s.get("duration") if s.get("duration") not in (None, "N/A") else fmt.get("duration")
    return {"codec": s.get("codec_name"), "pix_fmt": s.get("pix_fmt"), "width": int(s["width"]),
            "height": int(s["height"]), "fps": _rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
            "nb_frames": int(n) if n not in (None, "N/A") else None,
            "duration": float(duration) if duration not in (None, "N/A") else None,
            "format": fmt.get("format_name")}


_STREAM_RE = re.compile(r"Stream #\d+:\d+.*?: Video: (?P<codec>\w+)[^,]*, (?P<pix>\w+)(?:\([^)]*\))?, "
                        r"(?P<w>\d+)x(?P<h>\d+)(?P<rest>.*)")


def _probe_ffmpeg(exe: str, path: Path, count_frames: bool) -> dict:
    cmd = [exe, "-hide_banner", "-nostdin", "-i", str(path)]
    if count_frames:
        cmd += ["-map", "0:v:0", "-fps_mode", "passthrough", "-f", "null", "-"]
    run = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    err = run.stderr
    m = _STREAM_RE.search(err)
    if not m:
        raise GananimError(f"cannot read {path}: {(err.strip().splitlines() or ['ffmpeg failed'])[-1]}")
    fps = re.search(r"([\d.]+) fps", m["rest"])
    dur = re.search(r"Duration: (\d+):(\d+):([\d.]+)", err)
    frames = re.findall(r"frame=\s*(\d+)", err) if count_frames else []
    return {"codec": m["codec"], "pix_fmt": m["pix"], "width": int(m["w"]), "height": int(m["h"]),
            "fps": float(fps[1]) if fps else None, "nb_frames": int(frames[-1]) if frames else None,
            "duration": int(dur[1]) * 3600 + int(dur[2]) * 60 + float(dur[3]) if dur else None,
            "format": None}


def decode_frames(path, max_frames: int | None = None) -> np.ndarray:
    """Decode a video (or GIF) to an (N, H, W, 3) uint8 RGB array; for tests and checks of small clips."""
    info = probe(path, count_frames=False)
    width, height = info["width"], info["height"]
    cmd = [_any_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-map", "0:v:0",
           "-fps_mode", "passthrough", *(["-frames:v", str(max_frames)] if max_frames else []),
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    run = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        raise GananimError(f"cannot decode {path}: {run.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    frame_bytes = width * height * 3
    n = len(run.stdout) // frame_bytes
    return np.frombuffer(run.stdout[: n * frame_bytes], np.uint8).reshape(n, height, width, 3)
