"""The writer registry every writer (MP4, WebM, GIF) is found in by file suffix, and the streaming FrameWriter.

Modelled on matplotlib's ``animation.py``: a registry of writers, each with a setup (the
constructor), ``grab_frame`` and ``finish``. Frames are uint8 RGB arrays of shape (H, W, 3)
streamed to an ffmpeg subprocess's stdin as ``rawvideo rgb24``: nothing is kept on the Python
side, so memory stays flat whatever the frame count.

Odd sizes: MP4/WebM writers accept frames of any size and crop the last column/row to reach an even size
(``writer.out_size``); a 1-pixel figure margin is invisible, padding would add a black line and scaling would blur
every pixel. GIF keeps the exact size. The codecs' conventions are in video.py.

Every file is written under a temporary name and renamed into place on success (see files.py).
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from gananim.errors import GananimError
from gananim.rendering.encode.ffmpeg import ffmpeg_for, fps_arg, root_cause
from gananim.rendering.encode.files import commit, discard, reserve_temp

WRITERS: dict[str, type["FrameWriter"]] = {}


def register(name: str) -> Callable[[type["FrameWriter"]], type["FrameWriter"]]:
    """Class decorator: make a writer available under `name` (its file suffix without the dot)."""

    def wrapper(cls: type[FrameWriter]) -> type[FrameWriter]:
        WRITERS[name] = cls
        return cls

    return wrapper


def even_size(width: int, height: int) -> tuple[int, int]:
    """The largest even (width, height) not above the given one: H.264 and VP9 in 4:2:0 need even sizes."""
    width, height = int(width), int(height)
    if width < 2 or height < 2:
        raise GananimError(f"a video must be at least 2x2 pixels, got {width}x{height}")
    return width - width % 2, height - height % 2


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
        self._scratch: list[Path] = []  # other temporaries (GIF spool, palette), deleted in the end
        self._exe = ffmpeg_for(self.encoder)  # a missing encoder is reported before any file is touched
        self._tmp = reserve_temp(self.path)  # so is an unwritable folder
        try:
            self._stderr = tempfile.TemporaryFile()  # a file, not a pipe: a chatty ffmpeg can never block
            self._proc = subprocess.Popen(
                self._command(self._exe), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
            )
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

    def _inputs(self) -> list[str]:
        """ffmpeg inputs after the frames (pipe:0), for the output's filters (the GIF's reserved colours)."""
        return []

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
        return [
            exe,
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24" if self.channels == 3 else "rgba",
            "-s",
            f"{width}x{height}",
            "-framerate",
            fps_arg(self.fps),
            "-i",
            "pipe:0",
            *self._inputs(),
            "-an",
            *self._output_args(),
            "-f",
            self.muxer,
            str(target),
        ]

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
            raise GananimError(
                f"a frame must be a ({height}, {width}, {c}) uint8 array for a {width}x{height} video, got {got}{hint}"
            )
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
        self.close_input()
        self.complete()
        return self.publish()

    # finish() in three steps, so that write_embed can end all its encoders together and publish
    # the files only once every one of them has succeeded
    def close_input(self) -> None:
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

    def complete(self) -> None:
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
            discard(scratch)
        self._scratch = []

    def publish(self) -> Path:
        """Rename the finished temporary to `path` (atomic: readers see the old file or the new one)."""
        tmp, self._tmp = self._tmp, None
        self._done = True
        return commit(tmp, self.path)

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
        return f"ffmpeg could not write {self.path}: {root_cause(lines) or f'exit status {rc}'}"

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
        discard(tmp)
        for scratch in self._scratch:
            discard(scratch)
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


def writer_for(path, fps: float, size: tuple[int, int], **opts) -> FrameWriter:
    """The writer for `path`'s suffix (.mp4, .webm, .gif)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in WRITERS:
        known = ", ".join(f".{name}" for name in WRITERS)
        given = f".{suffix}" if suffix else "(no suffix)"
        raise GananimError(f"cannot write {Path(path).name!r}: unknown video format {given}; known: {known}")
    return WRITERS[suffix](path, fps, size, **opts)
