"""The embed in a real browser: headless Chromium loads write_embed's page over HTTP and plays each source.

No extra packages: the test's own http.server (a thread on 127.0.0.1) serves the page, and a script
in the page POSTs back what it saw (events, videoWidth, duration, currentTime, decoded pixel
colours) once the clip has played through and looped, or after 6 s. Playback runs in real time:
--dump-dom with --virtual-time-budget was tried first and is flaky for media (sometimes no
`playing`, and the seek that `loop` makes often never completes under virtual time).
One page per source (the other <source> removed), so each codec is tested on its own.

Found with Debian's Chromium 156: it plays H.264 too (canPlayType('video/mp4; codecs="avc1.42E01E"')
is "probably"), so the MP4 is played and checked like the WebM, not merely asked about.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from gananim.rendering.encode import write_embed

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH or at /usr/bin/chromium: browser tests skipped"
)

FPS, N = 10, 20  # a 2-second clip
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (40, 160, 90)

PROBE = """
<img id="gif" src="%(gif)s"><img id="poster" src="%(poster)s">
<script>
const v = document.querySelector('video'), t0 = performance.now();
const r = {page: location.pathname, events: [], times: [], errors: [],
           can_mp4: v.canPlayType('video/mp4; codecs="avc1.42E01E"'), can_webm: v.canPlayType('video/webm; codecs="vp9"')};
let sent = false;
function pixel(g, x, y) { return Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3)); }
function send(why) {
  if (sent) return;
  sent = true;
  r.why = why; r.elapsed_ms = performance.now() - t0;
  r.videoWidth = v.videoWidth; r.videoHeight = v.videoHeight; r.duration = v.duration;
  r.currentTime = v.currentTime; r.currentSrc = v.currentSrc; r.paused = v.paused;
  r.autoplay = v.autoplay; r.loop = v.loop; r.muted = v.muted; r.playsInline = v.playsInline;
  for (const id of ['gif', 'poster']) { const im = document.getElementById(id); r[id] = [im.naturalWidth, im.naturalHeight]; }
  if (v.readyState >= 2 && v.videoWidth) {
    const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext('2d'); g.drawImage(v, 0, 0);
    const w = v.videoWidth, h = v.videoHeight;
    r.left = pixel(g, Math.floor(w * 0.15), Math.floor(h * 0.85));
    r.right = pixel(g, Math.floor(w * 0.85), Math.floor(h * 0.85));
    r.top = pixel(g, Math.floor(w * 0.5), Math.floor(h * 0.1));
  }
  fetch('/result', {method: 'POST', body: JSON.stringify(r)});
}
['loadedmetadata', 'canplay', 'playing', 'ended'].forEach(e => v.addEventListener(e, () => r.events.push(e)));
v.addEventListener('error', () => { r.errors.push('video: ' + (v.error && v.error.code)); send('error'); });
document.querySelectorAll('source').forEach(s => s.addEventListener('error', () => { r.errors.push('source: ' + s.src); send('error'); }));
v.addEventListener('timeupdate', () => {
  const n = r.times.length;
  r.times.push(v.currentTime);
  if (n && v.currentTime < r.times[n - 1] && v.currentTime < 0.5) send('looped');  // back at the start: played through
});
setTimeout(() => send('timeout'), 6000);
</script>
"""


def frames(w, h):
    """Left half red, right half blue, a green band at the top; a thin white line moves through the middle."""
    for i in range(N):
        f = np.empty((h, w, 3), np.uint8)
        f[:, : w // 2] = RED
        f[:, w // 2 :] = BLUE
        f[: h // 4] = GREEN
        f[h // 4 + i % (h // 4)] = 255
        yield f


class Handler(SimpleHTTPRequestHandler):
    """Serves the folder; POST /result stores a page's JSON report."""

    results: dict = {}
    arrived = threading.Condition()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        report = json.loads(body)
        with Handler.arrived:
            Handler.results[report["page"].lstrip("/")] = report
            Handler.arrived.notify_all()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    root = Path(tempfile.mkdtemp(prefix="gananim-browser-"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    shutil.rmtree(root, ignore_errors=True)


def embed(root: Path, name: str, size, **options):
    out = write_embed(lambda: frames(*size), root, name, FPS, size, options=options or None)
    return out, out["html"].read_text()


def page(root: Path, name: str, snippet: str, keep: str, out) -> str:
    """A page holding the embed snippet with only the `keep` source, plus the probe script."""
    lines = [ln for ln in snippet.splitlines() if "<source" not in ln or f'type="{keep}"' in ln]
    assert sum("<source" in ln for ln in lines) == 1
    body = "\n".join(lines) + PROBE % {"gif": out["gif"].name, "poster": out["poster"].name}
    path = root / f"{name}-{keep.split('/')[1]}.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>\n{body}\n</body></html>\n")
    return path.name


def run_chromium(base: str, page_name: str, timeout: float = 25) -> dict:
    """Open base/page_name in headless Chromium and wait for the page's report (the browser is then stopped)."""
    with tempfile.TemporaryDirectory(prefix="gananim-chromium-") as profile:
        cmd = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--mute-audio",
            f"--user-data-dir={profile}",
            f"{base}/{page_name}",
        ]
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
            )  # its own process group: stopped as a whole below
            try:
                with Handler.arrived:
                    Handler.arrived.wait_for(lambda: page_name in Handler.results or proc.poll() is not None, timeout)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(5)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
    report = Handler.results.pop(page_name, None)
    assert report is not None, f"no report from chromium (rc {proc.returncode}): {stderr[-1500:]}"
    return report


def check_plays(r: dict, size, src_suffix: str):
    width, height = size
    assert r["errors"] == [], r
    assert r["currentSrc"].endswith(src_suffix)
    assert r["autoplay"] and r["loop"] and r["muted"] and r["playsInline"]
    assert (r["videoWidth"], r["videoHeight"]) == (width, height)
    assert r["duration"] == pytest.approx(N / FPS, abs=0.05)
    for e in ("loadedmetadata", "canplay", "playing"):
        assert e in r["events"], r["events"]
    # it plays: currentTime advances through the clip, and `loop` brings it back to the start
    assert r["why"] == "looped", r
    times = r["times"]
    first_run = times[:-1]
    assert len(first_run) >= 3 and max(first_run) >= N / FPS - 0.3, times
    assert all(b >= a for a, b in zip(first_run, first_run[1:])), times
    assert 1.5 < r["elapsed_ms"] / 1000 < 6  # real time: about one clip length (2 s) after the page started
    # the decoded picture: colours right, so the RGB -> YUV matrix matches what the browser decodes with
    np.testing.assert_allclose(r["left"], RED, atol=8)
    np.testing.assert_allclose(r["right"], BLUE, atol=14)  # Chromium's BT.709 path gives blue as (1, 0, 243)
    np.testing.assert_allclose(r["top"], GREEN, atol=8)
    assert r["poster"] == [width, height]
    # the GIF is sized for a blog column: at most 720 px wide (EMBED_GIF), the aspect kept to the pixel
    gif_w = min(width, 720)
    assert r["gif"][0] == gif_w and abs(r["gif"][1] - height * gif_w / width) <= 1


@pytest.fixture(scope="module")
def tiny(server):
    root, _ = server
    return embed(root, "tiny", (64, 48))


@pytest.mark.parametrize("kind", ["video/webm", "video/mp4"])
def test_embed_plays_in_chromium(server, tiny, kind):
    root, base = server
    out, snippet = tiny
    r = run_chromium(base, page(root, "tiny", snippet, kind, out))
    check_plays(r, (64, 48), "." + kind.split("/")[1])
    assert r["can_webm"] == "probably"
    # Debian's Chromium is built with H.264: the MP4 plays (checked above for video/mp4), not only "maybe"
    assert r["can_mp4"] == "probably"


def test_hd_colours_in_chromium(server):
    """720 lines and up use BT.709 (what Chromium's H.264 path assumes); both sources decode to the input colours."""
    root, base = server
    size = (1280, 720)
    out, snippet = embed(root, "hd", size, webm={"deadline": "realtime", "cpu_used": 8}, mp4={"preset": "ultrafast"})
    for kind in ("video/webm", "video/mp4"):
        r = run_chromium(base, page(root, "hd", snippet, kind, out))
        check_plays(r, size, "." + kind.split("/")[1])
