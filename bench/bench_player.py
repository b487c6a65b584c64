"""The interactive player in headless Chromium: time to interactive, and frames per second while scrubbing.

Exports RUN [RUN...] (gananim.rendering.player) into a temporary folder, opens it from file:// at each --width and
measures, in the page:
- ready: ms from navigation start to `window.gananimPlayer` being ready (the data file parsed, the first frame drawn);
- scrub: a requestAnimationFrame loop that seeks one snapshot further every frame (the JS API, as a reader's
  scrubbing drives it) for --frames frames: frames drawn per second of wall time (the display's rate caps it:
  headless Chromium runs requestAnimationFrame at 60 a second);
- redraw: the mean ms of one seek() (every layer redrawn: D and the density composed per pixel, samples, dashboard)
  in a tight loop, i.e. the rate scrubbing could reach without the display's cap.
Chromium runs with --disable-gpu (software canvas), as in the tests; a desktop browser with a GPU is faster.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_player.py runs/five-clusters
    PYTHONPATH=$PWD .venv/bin/python bench/bench_player.py runs/strong-d runs/noisy --width 720 --width 1280
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from chromium import Page  # noqa: E402  (tests/chromium.py: Chromium over the DevTools pipe)
from gananim.recording.reader import load  # noqa: E402
from gananim.rendering.player.folder import write_player  # noqa: E402

SCRUB = """new Promise((done) => {
  const p = gananimPlayer, n = %(frames)d; let k = 0, t0 = null;
  p.setLayer('mapping', %(mapping)s);
  function tick(now) {
    if (t0 === null) t0 = now;
    p.seek((p.index + 1) %% p.length);
    if (++k < n) requestAnimationFrame(tick); else done(1000 * (n - 1) / (now - t0));
  }
  requestAnimationFrame(tick);
})"""
REDRAW = """(() => { const p = gananimPlayer, n = %(frames)d, t0 = performance.now();
  for (let k = 0; k < n; k++) p.seek((p.index + 1) %% p.length);
  return (performance.now() - t0) / n; })()"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--width", type=int, action="append", help="viewport widths [720, 1280]")
    ap.add_argument("--frames", type=int, default=120)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gananim-player-bench-") as tmp:
        written = write_player([load(r) for r in args.runs], Path(tmp))
        size = sum(p.stat().st_size for p in written.values())
        print(f"{' + '.join(map(str, args.runs))}: export {size / 1e6:.2f} MB")
        print(f"{'width':>6} {'ready ms':>9} {'scrub fps':>10} {'+arrows':>8} {'redraw ms':>10}")
        for width in args.width or [720, 1280]:
            with Page(timeout=120) as page:
                page.viewport(width, 1000)
                page.page("Page.navigate", {"url": written["index.html"].resolve().as_uri()})
                page.wait_for("window.gananimPlayer && gananimPlayer.ready", timeout=60)
                ready = page.evaluate("gananimPlayer.readyAt")
                opts = {"frames": args.frames, "mapping": "false"}
                fps = page.evaluate(SCRUB % opts)
                arrows = page.evaluate(SCRUB % (opts | {"mapping": "true"}))
                redraw = page.evaluate(REDRAW % opts)
                print(f"{width:>6} {ready:>9.0f} {fps:>10.1f} {arrows:>8.1f} {redraw:>10.1f}")


if __name__ == "__main__":
    main()
