"""Jupyter display: a recording shows as an inline, looping, muted video of its headline view.

Storage knows nothing of display: `import gananim` calls `register()`, which, inside a running IPython, tells
IPython's HTML formatter to draw Recordings with `video_html`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import sys
import tempfile
from pathlib import Path

from gananim.recording.reader import Recording

NOTEBOOK_SIZE = (640, 360)


def video_html(rec: Recording) -> str:
    """An autoplaying <video> with the recording's default view inlined as base64 MP4 (cached per content)."""
    if not len(rec):
        return f"<pre>{html.escape(repr(rec))}</pre>"
    from gananim.rendering.pipeline import default_view, render

    stamp = f"{rec.path.resolve()}:{len(rec)}:{rec.steps[-1]}"
    cache = Path(tempfile.gettempdir()) / "gananim-notebook" / f"{hashlib.sha1(stamp.encode()).hexdigest()[:16]}.mp4"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        render(rec, default_view(rec), cache, size=NOTEBOOK_SIZE, fps=20)
    data = base64.b64encode(cache.read_bytes()).decode("ascii")
    w, h = NOTEBOOK_SIZE
    return (
        f'<video autoplay loop muted playsinline controls width="{w}" height="{h}" '
        f'src="data:video/mp4;base64,{data}"></video>'
    )


def register(shell=None) -> bool:
    """Show Recordings as inline video in `shell` (default: the running IPython, if any); True if registered.

    IPython is never imported here: outside a notebook or an IPython prompt this does nothing.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(Recording, video_html)
    return True
