"""--crf and --preset: one user-facing quality and speed choice turned into each video writer's options.

CRF (constant rate factor) is the quality knob of both codecs, lower is better and larger; their scales
differ (H.264 0–51, default 20 here; VP9 0–63, default 33), so a bare number sets every video format
written and FORMAT=N sets one (`--crf mp4=18 --crf webm=30`).

--preset takes x264's names (ultrafast ... veryslow: slower encodes make smaller files at the same
CRF). VP9 has no presets; its speed is a deadline and a cpu-used level, and the WebM follows the
name at the matching speed below. veryfast is the pair the writers use by default (x264 veryfast,
VP9 good/4: see MP4Writer and WebMWriter for the measurements).
"""

from __future__ import annotations

from typing import Iterable

from gananim.errors import GananimError

CRF_RANGE = {"mp4": (0, 51), "webm": (0, 63)}
CODEC = {"mp4": "the MP4 (H.264)", "webm": "the WebM (VP9)"}

# x264 preset -> VP9 (deadline, cpu-used): realtime 8..7 for the quick looks, good 4..0 as x264 slows down
PRESETS = {
    "ultrafast": ("realtime", 8),
    "superfast": ("realtime", 7),
    "veryfast": ("good", 4),
    "faster": ("good", 3),
    "fast": ("good", 2),
    "medium": ("good", 2),
    "slow": ("good", 1),
    "slower": ("good", 1),
    "veryslow": ("good", 0),
}


def _crf_values(crf, formats: list[str]) -> dict[str, int]:
    """{format: crf} from an int, "N", "FORMAT=N" or a sequence of them; checked against each codec's range."""
    items = [crf] if isinstance(crf, (int, str)) else list(crf)
    chosen: dict[str, int] = {}
    for item in items:
        text = str(item).strip()
        fmt, _, number = text.rpartition("=")
        fmt = fmt.strip().lower().lstrip(".")
        if fmt and fmt not in CRF_RANGE:
            hint = "; a GIF's size is set by --max-mb" if fmt == "gif" else ""
            raise GananimError(f"--crf {text}: no CRF for {fmt!r}; give N, mp4=N or webm=N{hint}")
        try:
            value = int(number)
        except ValueError:
            raise GananimError(
                f"--crf {text}: not a whole number; give N, mp4=N or webm=N (lower is better quality)"
            ) from None
        for f in [fmt] if fmt else [f for f in formats if f in CRF_RANGE]:
            lo, hi = CRF_RANGE[f]
            if not lo <= value <= hi:
                raise GananimError(f"--crf {text}: {CODEC[f]} takes {lo}–{hi} (lower is better quality and larger)")
            chosen[f] = value
    return chosen


def encoder_options(formats: Iterable[str], crf=None, preset: str | None = None) -> dict[str, dict]:
    """Writer options for `formats` ({"mp4": {"crf": 18, "preset": "slow"}, "webm": {...}}) from --crf/--preset.

    None for both gives {} (each writer's defaults). Asking for a CRF or a preset where no MP4 or WebM
    is written (a .gif alone), or a CRF for a format not written, is an error: it would do nothing.
    """
    formats = [f.lower().lstrip(".") for f in formats]
    videos = [f for f in formats if f in CRF_RANGE]
    asked = crf not in (None, (), []) or preset is not None
    if asked and not videos:
        raise GananimError("--crf and --preset set the MP4 and WebM encoders; a GIF's size is set by --max-mb")
    options: dict[str, dict] = {f: {} for f in videos}
    if crf not in (None, (), []):
        for f, value in _crf_values(crf, formats).items():
            if f not in options:
                raise GananimError(f"--crf {f}=...: no .{f} is written here (written: {', '.join(formats)})")
            options[f]["crf"] = value
    if preset is not None:
        name = str(preset).strip().lower()
        if name not in PRESETS:
            raise GananimError(f"--preset {preset}: not an x264 preset; use one of {', '.join(PRESETS)}")
        if "mp4" in options:
            options["mp4"]["preset"] = name
        if "webm" in options:
            options["webm"]["deadline"], options["webm"]["cpu_used"] = PRESETS[name]
    return {f: o for f, o in options.items() if o}
