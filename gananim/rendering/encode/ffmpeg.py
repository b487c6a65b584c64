"""Find ffmpeg (and ffprobe) and run them: which binary has which encoder, one-line errors, probing files.

imageio-ffmpeg's bundled binary comes first (it works with no system ffmpeg), then `ffmpeg` on PATH;
each encoder is taken from the first binary that lists it (the bundled one may lack libvpx, say).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

from gananim.errors import GananimError

INSTALL_HINT = (
    "install ffmpeg: `apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS) "
    "or `conda install -c conda-forge ffmpeg`"
)


def candidates() -> list[str]:
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
def encoders(exe: str) -> frozenset[str]:
    """The encoder names an ffmpeg binary lists in `ffmpeg -hide_banner -encoders`."""
    try:
        out = subprocess.run(
            [exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        ).stdout
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
    found = candidates()
    for exe in found:
        if encoder in encoders(exe):
            return exe
    tried = ", ".join(found) if found else "no ffmpeg binary found"
    raise GananimError(f"no ffmpeg with the {encoder} encoder (tried: {tried}); {INSTALL_HINT}")


def any_ffmpeg() -> str:
    """Any ffmpeg binary (for decoding and probing, which every build can do)."""
    found = candidates()
    if not found:
        raise GananimError(f"no ffmpeg binary found; {INSTALL_HINT}")
    return found[0]


def fps_arg(fps: float) -> str:
    """fps as an exact ffmpeg rational (29.97 -> 2997/100), so long clips don't drift."""
    return str(Fraction(fps).limit_denominator(1001))


def root_cause(stderr_lines: list[str]) -> str:
    """The line of ffmpeg's error output that says what went wrong, without its "[libx264 @ 0x...]" tags.

    ffmpeg runs with -loglevel error, so every line is an error; the first is the cause, the
    last is usually the consequence ("Nothing was written into output file", "Conversion failed!").
    """
    lines = [re.sub(r"^(\[[^\]]*\] ?)+", "", ln.strip()).strip() for ln in stderr_lines]
    lines = [ln for ln in lines if ln]
    return lines[0] if lines else ""


def run(cmd: list[str], target: Path) -> None:
    """Run one ffmpeg command to completion; a failure is one GananimError line naming `target` and the cause."""
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").splitlines()
        raise GananimError(f"ffmpeg could not write {target}: {root_cause(lines) or f'exit status {done.returncode}'}")


# --------------------------------------------------------------------------- probe


def probe(path, count_frames: bool = True) -> dict:
    """codec, pix_fmt, width, height, fps, nb_frames, duration of a file's first video stream.

    Uses the system `ffprobe` if there is one, else parses `ffmpeg -i` (imageio-ffmpeg ships no
    ffprobe). nb_frames is counted by decoding (exact for WebM/GIF, whose headers don't say).
    """
    path = Path(path)
    if not path.is_file():
        raise GananimError(f"no such file: {path}")
    ffprobe = shutil.which("ffprobe")
    return _probe_ffprobe(ffprobe, path, count_frames) if ffprobe else _probe_ffmpeg(any_ffmpeg(), path, count_frames)


def _rate(text: str | None) -> float | None:
    try:
        value = float(Fraction(text))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value or None


def _probe_ffprobe(ffprobe: str, path: Path, count_frames: bool) -> dict:
    cmd = [
        ffprobe,
        "-v",
        "error",
        "-select_streams",
        "v:0",
        *(["-count_frames"] if count_frames else []),
        "-show_entries",
        "stream=codec_name,pix_fmt,width,height,nb_frames,nb_read_frames,avg_frame_rate,"
        "r_frame_rate,duration:format=duration,format_name",
        "-of",
        "json",
        str(path),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise GananimError(f"cannot read {path}: {(done.stderr.strip().splitlines() or ['ffprobe failed'])[-1]}")
    data = json.loads(done.stdout or "{}")
    streams = data.get("streams") or []
    if not streams:
        raise GananimError(f"{path} has no video stream")
    s, fmt = streams[0], data.get("format", {})
    n = s.get("nb_read_frames") if count_frames else s.get("nb_frames")
    duration = s.get("duration") if s.get("duration") not in (None, "N/A") else fmt.get("duration")
    return {
        "codec": s.get("codec_name"),
        "pix_fmt": s.get("pix_fmt"),
        "width": int(s["width"]),
        "height": int(s["height"]),
        "fps": _rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
        "nb_frames": int(n) if n not in (None, "N/A") else None,
        "duration": float(duration) if duration not in (None, "N/A") else None,
        "format": fmt.get("format_name"),
    }


_STREAM_RE = re.compile(
    r"Stream #\d+:\d+.*?: Video: (?P<codec>\w+)[^,]*, (?P<pix>\w+)(?:\([^)]*\))?, "
    r"(?P<w>\d+)x(?P<h>\d+)(?P<rest>.*)"
)


def _probe_ffmpeg(exe: str, path: Path, count_frames: bool) -> dict:
    cmd = [exe, "-hide_banner", "-nostdin", "-i", str(path)]
    if count_frames:
        cmd += ["-map", "0:v:0", "-fps_mode", "passthrough", "-f", "null", "-"]
    err = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL).stderr
    m = _STREAM_RE.search(err)
    if not m:
        raise GananimError(f"cannot read {path}: {(err.strip().splitlines() or ['ffmpeg failed'])[-1]}")
    fps = re.search(r"([\d.]+) fps", m["rest"])
    dur = re.search(r"Duration: (\d+):(\d+):([\d.]+)", err)
    frames = re.findall(r"frame=\s*(\d+)", err) if count_frames else []
    return {
        "codec": m["codec"],
        "pix_fmt": m["pix"],
        "width": int(m["w"]),
        "height": int(m["h"]),
        "fps": float(fps[1]) if fps else None,
        "nb_frames": int(frames[-1]) if frames else None,
        "duration": int(dur[1]) * 3600 + int(dur[2]) * 60 + float(dur[3]) if dur else None,
        "format": None,
    }
