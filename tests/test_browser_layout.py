"""The embed in a blog column, in headless Chromium: it fits a phone (420 px) and a desktop (1280 px), keeps its
aspect ratio, plays, and shows the event's caption over the video. Screenshots go to $GANANIM_SCREENSHOTS (a
folder) when set, else to the test's tmp_path.

Chromium is driven over the DevTools protocol on a pipe (tests/chromium.py); the page is served over HTTP
(text tracks don't load from file://). The video is paused inside the caption's cue before each screenshot,
then the same screenshot is taken with the track hidden: the pixels that change are the caption's.
"""

import io
import os
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from chromium import CHROMIUM, Page
from gananim.rendering.pipeline import render_files
from synthetic import record_known

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH or at /usr/bin/chromium: browser tests skipped"
)

W, H = 960, 540
COLUMN = 720  # the blog's text column (max-width), inside 16 px of padding each side

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0 auto; padding: 0 16px; max-width: %(column)dpx; font: 18px/1.5 serif }</style></head><body>
<h1>How a GAN diverges</h1><p>Half of the samples turn NaN halfway through training; the clip shows when.</p>
%(snippet)s
<p>The caption above the controls is the event the analysis found.</p></body></html>
"""

SEEK_INTO_CAPTION = """(() => {
  const v = document.querySelector('video'), cue = v.textTracks[0].cues[0];
  v.pause();
  v.currentTime = (cue.startTime + cue.endTime) / 2;
  return v.currentTime;
})()"""

# paused where asked, the seek done, the cue on, and two frames painted since
SETTLED = """(() => {
  const v = document.querySelector('video'), t = v.textTracks[0];
  if (!(v.paused && !v.seeking && Math.abs(v.currentTime - %(at)f) < 0.01 && t.activeCues && t.activeCues.length)) return false;
  return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
})()"""

STATE = """(() => {
  const v = document.querySelector('video'), t = v.textTracks[0], r = v.getBoundingClientRect();
  return {kind: t.kind, mode: t.mode, active: t.activeCues ? Array.from(t.activeCues).map(c => c.text) : [],
          left: r.left, top: r.top, width: r.width, height: r.height, inner: innerWidth,
          scroll: document.documentElement.scrollWidth, autoplay: v.autoplay, loop: v.loop, muted: v.muted,
          playsInline: v.playsInline, controls: v.controls};
})()"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A diverging recording (an event over steps 5-9) embedded in a blog page, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")

    def g(z, t):
        out = 0.3 * z
        if t >= 0.5:
            out[::2] = float("nan")
        return out

    rec = record_known(root / "div", g, lambda x, t: -x[:, 0], 2, [(-4.0, 4.0), (-4.0, 4.0)], steps=9)
    written = render_files(
        rec, "surface", root / "web", size=(W, H), fps=10, duration=2, embed=True, preset="ultrafast", controls=True
    )
    snippet = next(p for p in written if p.suffix == ".html").read_text()
    (root / "web" / "post.html").write_text(PAGE % {"column": COLUMN, "snippet": snippet})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root / "web")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/post.html"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files with byte ranges, as any web server serves them: Chromium seeks in media only where it can
    ask for a range (http.server alone answers 200 with the whole file, and a seek then lands back at 0)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if not match or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match[1])
        end = min(int(match[2]) if match[2] else len(data) - 1, len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start : end + 1])

    def log_message(self, *args):
        pass


def shots_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("GANANIM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pixels(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("width", [420, 1280])
def test_embed_fits_the_column_and_shows_captions(site, tmp_path, width):
    with Page() as page:
        page.viewport(width, 900)
        page.page("Page.navigate", {"url": site})
        # the frames show the captions, so the track is off until a reader turns it on (issue 19: shown twice)
        assert page.wait_for(
            "(() => { const v = document.querySelector('video'); return v && v.textTracks.length; })()"
        )
        assert page.evaluate("document.querySelector('video').textTracks[0].mode") != "showing"
        page.evaluate("document.querySelector('video').textTracks[0].mode = 'showing'")  # a reader turns it on
        playing = page.wait_for(
            "(() => { const v = document.querySelector('video'); const t = v && v.textTracks[0];"
            " return v && v.currentTime > 0 && !v.paused && t && t.cues && t.cues.length > 0; })()"
        )
        assert playing, page.evaluate(STATE)
        at = page.evaluate(SEEK_INTO_CAPTION)
        assert page.wait_for(SETTLED % {"at": at}), page.evaluate(STATE)
        s = page.evaluate(STATE)
        shot = page.screenshot(shots_dir(tmp_path) / f"embed-{width}.png")
        page.evaluate("document.querySelector('video').textTracks[0].mode = 'hidden'")
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))")
        bare = page.screenshot(shots_dir(tmp_path) / f"embed-{width}-no-captions.png")
    assert s["autoplay"] and s["loop"] and s["muted"] and s["playsInline"] and s["controls"]
    # it fits: no sideways scrolling, the column's width (at most the video's own), the aspect ratio kept
    column = min(COLUMN, width - 32)
    assert s["scroll"] <= s["inner"] == width and s["left"] + s["width"] <= width
    assert s["width"] == pytest.approx(min(column, W), abs=1)
    assert s["height"] / s["width"] == pytest.approx(H / W, abs=0.01)
    # the caption is on: the captions track shows, its cue (the event's steps and caption) is active ...
    assert (s["kind"], s["mode"]) == ("captions", "showing")
    assert len(s["active"]) == 1 and s["active"][0].startswith("steps 5–9: divergence")
    # ... and drawn: hiding the track changes pixels only inside the video, in its lower half, dark ones
    a, b = pixels(shot), pixels(bare)
    changed = np.abs(a - b).max(axis=2) > 40
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 0.005 * s["width"] * s["height"]
    assert xs.min() >= s["left"] - 1 and xs.max() <= s["left"] + s["width"] + 1
    assert ys.min() >= s["top"] + s["height"] / 2 and ys.max() <= s["top"] + s["height"] + 1
    assert a[changed].mean() < b[changed].mean()  # the cue's dark box over the light plot
