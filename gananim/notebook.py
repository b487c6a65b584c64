"""Jupyter display: a recording shows as an inline, looping, muted video of its headline view."""

from __future__ import annotations

import base64
import hashlib
import tempfile
from pathlib import Path

NOTEBOOK_SIZE = (640, 360)


def video_html(rec) -> str:
    """An autoplaying <video> with the recording's default view inlined as base64 MP4 (cached per content)."""
    from gananim.pipeline import default_view, render

    stamp = f"{rec.path.resolve()}:{len(rec)}:{rec.steps[-1] if len(rec) else -1}"
    cache = Path(tempfile.gettempdir()) / "gananim-notebook" / f"{hashlib.sha1(stamp.encode()).hexdigest()[:16]}.mp4"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        render(rec, default_view(rec), cache, size=NOTEBOOK_SIZE, fps=20)
    data = base64.b64encode(cache.read_bytes()).decode("ascii")
    w, h = NOTEBOOK_SIZE
    return (f'<video autoplay loop muted playsinline controls width="{w}" height="{h}" '
            f'src="data:video/mp4;base64,{data}"></video>')
