"""The MP4 (H.264) and WebM (VP9) writers, registered by suffix in writers.WRITERS.

Conventions (design.md §5):

* ``yuv420p`` for MP4 and WebM. H.264/VP9 can carry 4:4:4 or RGB, but Safari, QuickTime and
  Firefox (and most hardware decoders) only play 4:2:0; a 4:4:4 file shows as a black or
  broken video there. 4:2:0 halves chroma resolution in both directions, which is why the
  encoded width and height must be even (see :func:`even_size`).
* ``-movflags +faststart`` for MP4: ffmpeg writes the ``moov`` box (the index: codec setup,
  frame sizes and offsets) at the end by default, so a browser must download the whole file
  before it can play the first frame. +faststart moves ``moov`` before ``mdat`` (the data)
  so playback starts while the file is still downloading. tests/media.py's ``faststart_ok`` checks it.
* Colours: RGB -> YUV uses the matrix that players guess for untagged video (BT.601 below 720
  lines, BT.709 from 720 up), and the files are tagged with it, so tag-aware and tag-blind
  players alike convert back with the right matrix (see yuv420; else plot colours shift).
"""

from __future__ import annotations

import os

from gananim.rendering.encode.writers import FrameWriter, register


def yuv420(height: int) -> tuple[str, list[str]]:
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
    graph = (
        f"scale=out_color_matrix={matrix}:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,"
        f"format=yuv420p,setparams=colorspace={tag}:color_primaries=bt709:color_trc=bt709:range=tv"
    )
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
        to_yuv, tags = yuv420(self.out_size[1])
        # write_colr: the colour tags also go into an MP4 `colr` box, which QuickTime/Safari read
        return [
            "-vf",
            ",".join([*self._crop(), to_yuv]),
            "-c:v",
            "libx264",
            "-preset",
            str(o["preset"]),
            "-crf",
            str(o["crf"]),
            *tune,
            "-pix_fmt",
            "yuv420p",
            *tags,
            "-movflags",
            "+faststart+write_colr",
            *map(str, o["extra_args"]),
        ]


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
        to_yuv, tags = yuv420(self.out_size[1])
        return [
            "-vf",
            ",".join([*self._crop(), to_yuv]),
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "0",
            "-crf",
            str(o["crf"]),
            "-deadline",
            str(o["deadline"]),
            "-cpu-used",
            str(o["cpu_used"]),
            "-row-mt",
            "1",
            "-threads",
            str(threads),
            "-pix_fmt",
            "yuv420p",
            *tags,
            *map(str, o["extra_args"]),
        ]


__all__ = ["MP4Writer", "WebMWriter", "yuv420"]
