"""Frames -> web files: MP4 (H.264), WebM (VP9), GIF, a poster PNG and an HTML embed snippet.

One job a module:

    ffmpeg.py   find ffmpeg/ffprobe, run them, probe a file
    files.py    temporary file beside the destination, renamed into place on success
    writers.py  the writer registry and the streaming FrameWriter
    video.py    MP4 and WebM (yuv420p, +faststart, colour tags)
    gif.py      the palette GIF writer (two streaming passes) and fit_gif for a size budget
    web.py      poster PNG, <video> snippet, write_embed (every format from one pass over the frames)
    quality.py  --crf and --preset turned into each video writer's options

Importing this package registers every writer (mp4, webm, gif) in WRITERS.
"""

from gananim.rendering.encode.ffmpeg import ffmpeg_for, probe
from gananim.rendering.encode.gif import GIFWriter, fit_gif, gif_stride
from gananim.rendering.encode.quality import encoder_options
from gananim.rendering.encode.video import MP4Writer, WebMWriter
from gananim.rendering.encode.web import EMBED_GIF, EMBED_GIF_MB, embed_snippet, write_embed, write_poster
from gananim.rendering.encode.writers import WRITERS, FrameWriter, even_size, register, writer_for

__all__ = [
    "FrameWriter",
    "MP4Writer",
    "WebMWriter",
    "GIFWriter",
    "WRITERS",
    "writer_for",
    "even_size",
    "write_poster",
    "embed_snippet",
    "write_embed",
    "fit_gif",
    "gif_stride",
    "probe",
    "ffmpeg_for",
    "register",
    "encoder_options",
    "EMBED_GIF",
    "EMBED_GIF_MB",
]
