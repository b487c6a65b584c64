"""Checks of encoded files that only the tests need: MP4 box order (faststart) and decoding a clip to frames."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import numpy as np

from gananim.rendering.encode.ffmpeg import any_ffmpeg, probe


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


def decode_frames(path, max_frames: int | None = None) -> np.ndarray:
    """Decode a video (or GIF) to an (N, H, W, 3) uint8 RGB array; for small clips."""
    info = probe(path, count_frames=False)
    width, height = info["width"], info["height"]
    cmd = [
        any_ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-fps_mode",
        "passthrough",
        *(["-frames:v", str(max_frames)] if max_frames else []),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    run = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        raise AssertionError(f"cannot decode {Path(path)}: {run.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    frame_bytes = width * height * 3
    n = len(run.stdout) // frame_bytes
    return np.frombuffer(run.stdout[: n * frame_bytes], np.uint8).reshape(n, height, width, 3)
