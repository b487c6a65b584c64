"""`gananim export RUN [RUN...] --html DIR`: the player as a self-contained folder.

DIR/index.html, player.js and player.css (package data, copied as they are) and data.js, one script that sets
`window.GANANIM_DATA`: a script, not a JSON file fetched, because a page opened from file:// may not fetch (Chromium
refuses file:// requests from a file:// page), while a <script src> loads from anywhere. Nothing is fetched from the
network: the page works from file:// and from any static host.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from gananim.errors import GananimError
from gananim.recording.reader import Recording
from gananim.rendering.player.pack import SAMPLES, pack, palette

STATIC = ("index.html", "player.js", "player.css")
# player.js is these fragments of static/js in this order, one closure (head.js opens it, start.js closes it): the
# page loads one script, the sources stay one part to a file (decoding, controls, canvas, 2D and 1D, images, charts)
PARTS = ("head.js", "decode.js", "core.js", "canvas.js", "plane.js", "images.js", "dashboard.js", "start.js")
DATA = "data.js"
MAX_RUNS = 4  # side by side, as `render` (a wider row is unreadable on a blog column)


def static_text(name: str) -> str:
    """One of the page's files (STATIC), from the package's data: player.js put together from its PARTS."""
    static = resources.files("gananim.rendering.player").joinpath("static")
    if name == "player.js":
        return "\n".join(static.joinpath("js", part).read_text(encoding="utf-8") for part in PARTS)
    return static.joinpath(name).read_text(encoding="utf-8")


def title_of(rec: Recording) -> str:
    """A recording's experiment name, or its folder name (as the frames title it)."""
    return (rec.manifest.get("config") or {}).get("name") or rec.path.name


def payload(recs: list[Recording], live: bool = False, samples: int = SAMPLES) -> dict:
    """The data file's object: the colours, and each recording packed (points: its first `samples` samples)."""
    if samples < 1:
        raise GananimError(f"--samples must be at least 1, got {samples}")
    if not 1 <= len(recs) <= MAX_RUNS:
        raise GananimError(f"give 1 to {MAX_RUNS} recordings for the player, got {len(recs)}")
    titles = [title_of(r) for r in recs]
    if len(set(titles)) < len(titles):  # two runs of one preset: their folders tell them apart
        titles = [r.path.name for r in recs]
    return {"format": "gananim-player", "version": 1, "live": live, "palette": palette(),
            "runs": [pack(r, t, samples) for r, t in zip(recs, titles)]}  # fmt: skip


def data_script(data: dict) -> str:
    """data.js: the object as one assignment ('</' escaped, so no string in it can end the <script>)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return f"window.GANANIM_DATA = {text};\n"


def write_player(recs: list[Recording], out: Path, samples: int = SAMPLES) -> dict[str, Path]:
    """Write the player folder for `recs` into `out` (points: their first `samples` samples); return the files
    written by name."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GananimError(f"--html {out} is a file, not a folder; give a folder for the player")
    data = data_script(payload(recs, samples=samples))
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = {}
        for name in STATIC:
            (out / name).write_text(static_text(name), encoding="utf-8")
            written[name] = out / name
        (out / DATA).write_text(data, encoding="utf-8")
        written[DATA] = out / DATA
    except OSError as e:
        raise GananimError(f"cannot write the player into {out}: {e.strerror or e}") from None
    return written


def snippets(url: str = "player/") -> dict[str, str]:
    """The two ways to put the player in a blog post: an <iframe> of index.html, or a <div> and the scripts."""
    iframe = (
        f'<iframe src="{url}index.html" title="GAN training, interactive" loading="lazy"\n'
        '        style="width:100%; aspect-ratio:4/3; border:0"></iframe>'
    )
    div = (
        f'<link rel="stylesheet" href="{url}player.css">\n'
        '<div class="gananim-player"></div>\n'
        f'<script src="{url}data.js"></script>\n'
        f'<script src="{url}player.js"></script>'
    )
    return {"iframe": iframe, "div": div}
