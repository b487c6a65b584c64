"""The interactive player (issue 22): the exported folder, its data file, and the page in headless Chromium.

The recording is of known functions (tests/synthetic.py): G(z) = 0.3 z, still for the first half of training,
then moving right; D's logit −1.2 x (purple on the left, white on the right). So the canvas must stay the same
between two snapshots of the still half and change once G moves, and D's colour at a point is known.
"""

import base64
import io
import json
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from chromium import CHROMIUM, Page
from gananim.analysis import analyse
from gananim.recording.reader import load
from gananim.rendering.player.folder import data_script, payload, snippets, write_player
from gananim.rendering.player.serve import make_server, url_of
from gananim.rendering.views import Frame, make_style
from synthetic import record_known

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH or at /usr/bin/chromium: browser tests skipped"
)
BOX = [(-4.0, 4.0), (-4.0, 4.0)]
STEPS = 8
ROOT = Path(__file__).parents[1]


def still_then_right(z, t):
    """0.3 z, still until t = 0.5, then moving right by 4 (t − 0.5)."""
    return 0.3 * z + torch.tensor([4.0 * max(t - 0.5, 0.0), 0.0])


def left_is_real(x, t):
    return -1.2 * x[:, 0]


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("p") / "known",
        still_then_right,
        left_is_real,
        2,
        BOX,
        steps=STEPS,
        scalars=lambda s: {"d_loss": 1.0 + 0.1 * s, "g_loss": 2.0 - 0.1 * s},
    )


@pytest.fixture(scope="module")
def folder(rec, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "player"
    write_player([rec], out)
    return out


def read_data(out: Path) -> dict:
    text = (out / "data.js").read_text()
    prefix = "window.GANANIM_DATA = "
    assert text.startswith(prefix) and text.rstrip().endswith(";")
    return json.loads(text[len(prefix) :].rstrip().rstrip(";"))


def unblob(b: dict) -> np.ndarray:
    """An array of the data file, read back as its format says (pack.blob): inflate, unshuffle, reorder."""
    raw = np.frombuffer(zlib.decompress(base64.b64decode(b["z"])), np.uint8)
    dtype = {"uint8": np.uint8, "float16": "<f2", "float32": "<f4"}[b["dtype"]]
    if b.get("shuffle"):
        raw = raw.reshape(b["shuffle"], -1).T.copy()
    shape = b["shape"]
    if b.get("order") == "last":
        return np.moveaxis(np.frombuffer(raw.tobytes(), dtype).reshape(*shape[1:], shape[0]), -1, 0)
    return np.frombuffer(raw.tobytes(), dtype).reshape(shape)


def test_folder_is_self_contained(folder):
    assert sorted(p.name for p in folder.iterdir()) == ["data.js", "index.html", "player.css", "player.js"]
    for name in ("index.html", "player.js", "player.css"):
        text = (folder / name).read_text()
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, name
    html = (folder / "index.html").read_text()
    assert 'src="data.js"' in html and 'src="player.js"' in html and 'href="player.css"' in html


def test_data_file_holds_the_recording(rec, folder):
    data = read_data(folder)
    run = data["runs"][0]
    assert run["steps"] == rec.steps.tolist()
    # the captions are the analysis's, the same the frames print (Frame.captions)
    assert [e["caption"] for e in run["events"]] == [e.caption for e in analyse(rec).events]
    # samples as float16: within float16's precision of the recording's
    samples = unblob(run["samples"])
    np.testing.assert_allclose(samples[5], rec[5].samples, atol=2e-3, rtol=1e-3)
    # D quantised to uint8 on [0, 1]
    d = unblob(run["d"])
    np.testing.assert_allclose(d[3] / 255, rec[3].d_grid, atol=0.5 / 255 + 1e-6)
    # every series the analysis has, by name, values as recorded (NaN as null)
    assert run["series"]["d_loss"] == pytest.approx([1.0 + 0.1 * s for s in range(STEPS + 1)])
    # the colours come from gananim.rendering.drawing, not from the JS
    from gananim.rendering.drawing import EVENT_COLOURS, MEANING_COLOURS

    assert data["palette"]["events"] == EVENT_COLOURS and data["palette"]["meaning"] == list(MEANING_COLOURS)


def test_data_script_cannot_end_its_script_tag(rec):
    data = payload([rec])
    data["runs"][0]["events"].append({"kind": "sway", "start": 0, "end": 1, "caption": "</script><b>x"})
    text = data_script(data)
    assert "</script>" not in text and json.loads(text.split("= ", 1)[1].rstrip().rstrip(";"))


def test_snippets_are_responsive():
    s = snippets("p/")
    assert 'src="p/index.html"' in s["iframe"] and "width:100%" in s["iframe"]
    assert '<div class="gananim-player"></div>' in s["div"] and 'src="p/player.js"' in s["div"]


def test_cli_export_html_several_runs(rec, tmp_path, capsys):
    from gananim.cli.commands import main

    code = main(["export", str(rec.path), str(rec.path), "--html", str(tmp_path / "two")])
    assert code in (0, None), capsys.readouterr().err
    assert len(read_data(tmp_path / "two")["runs"]) == 2
    code = main(["export", str(rec.path), str(rec.path), "--tensorboard", str(tmp_path / "tb")])
    err = capsys.readouterr().err
    assert code == 2 and "one RUN at a time" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------- in the browser

PIXELS = """(() => { const c = gananimPlayer.canvas(%d);
  return c.toDataURL('image/png'); })()"""


def canvas(page: Page, k: int = 0) -> np.ndarray:
    url = page.evaluate(PIXELS % k)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")).astype(int)


def errors(page: Page) -> list:
    """Console errors, uncaught exceptions and failed loads the page reported."""
    out = []
    for e in page.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown" or (m == "Runtime.consoleAPICalled" and p.get("type") == "error"):
            out.append(p)
        if m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(p["entry"])
    return out


def open_page(url: str, width: int = 900, height: int = 1000) -> Page:
    page = Page()
    page.viewport(width, height)
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        page.page(domain)
    page.page("Page.navigate", {"url": url})
    assert page.wait_for("window.gananimPlayer && gananimPlayer.ready"), errors(page)
    return page


@pytest.fixture(scope="module")
def page(folder):
    p = open_page((folder / "index.html").resolve().as_uri())
    yield p
    p.close()


@needs_chromium
def test_loads_from_file_without_errors(page, rec):
    assert page.evaluate("location.protocol") == "file:"
    assert page.evaluate("gananimPlayer.length") == len(rec)
    assert page.evaluate("gananimPlayer.index") == 0
    assert errors(page) == []


@needs_chromium
def test_seek_changes_the_canvas_where_the_data_changed(page):
    page.evaluate("gananimPlayer.seek(0)")
    first = canvas(page)
    page.evaluate("gananimPlayer.seek(2)")  # G still, D the same function: the same picture
    assert page.evaluate("gananimPlayer.index") == 2
    assert (np.abs(canvas(page) - first).max(axis=2) > 0).mean() == 0
    page.evaluate(f"gananimPlayer.seek({STEPS})")  # G moved right by 2: the samples and the density moved
    moved = np.abs(canvas(page) - first).max(axis=2) > 30
    assert moved.mean() > 0.005
    box = page.evaluate("gananimPlayer.plotBox(0)")
    cols = np.flatnonzero(moved.any(axis=0))
    # the change lies inside the plot, around where the samples were (x ≈ 0) and went (x ≈ 2), not at the far left
    x = box["bounds"][0][0] + (cols - box["left"]) / box["width"] * (box["bounds"][0][1] - box["bounds"][0][0])
    assert x.min() > -2.5 and x.max() < 4.0, (x.min(), x.max())
    assert errors(page) == []


@needs_chromium
@pytest.mark.parametrize("layer", ["d", "density", "samples", "mapping", "modes", "gradients"])
def test_layer_toggles_change_the_canvas(page, layer, rec):
    page.evaluate(f"gananimPlayer.seek({STEPS})")
    on = page.evaluate(f"gananimPlayer.layers[{layer!r}]")
    before = canvas(page)
    page.evaluate(f"gananimPlayer.setLayer({layer!r}, {str(not on).lower()})")
    after = canvas(page)
    page.evaluate(f"gananimPlayer.setLayer({layer!r}, {str(on).lower()})")
    again = canvas(page)
    if layer == "modes" and not len(rec.modes):  # a box, no modes: there is nothing for the toggle to show
        return
    assert (np.abs(after - before).max(axis=2) > 30).sum() > 20, layer
    assert np.array_equal(again, before)


@needs_chromium
def test_play_advances_and_pauses(page):
    page.evaluate("gananimPlayer.seek(0); gananimPlayer.setSpeed(1); gananimPlayer.play()")
    assert page.wait_for("gananimPlayer.index >= 2", timeout=5)
    page.evaluate("gananimPlayer.pause()")
    stopped = page.evaluate("gananimPlayer.index")
    time.sleep(0.4)
    assert page.evaluate("gananimPlayer.index") == stopped and not page.evaluate("gananimPlayer.playing")


@needs_chromium
def test_arrow_keys_and_buttons_step(page):
    page.evaluate("gananimPlayer.seek(3)")
    page.evaluate("document.querySelector('.gananim-player').focus()")
    for key, code in (("ArrowRight", 39), ("ArrowRight", 39), ("ArrowLeft", 37)):
        for kind in ("keyDown", "keyUp"):
            page.page("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code})
    assert page.evaluate("gananimPlayer.index") == 4
    page.evaluate("document.querySelector('.gp-back').click()")
    assert page.evaluate("gananimPlayer.index") == 3


def pixel_of(box: dict, x: float, y: float) -> tuple[int, int]:
    (x0, x1), (y0, y1) = box["bounds"]
    col = box["left"] + (x - x0) / (x1 - x0) * box["width"]
    row = box["top"] + (y1 - y) / (y1 - y0) * box["height"]
    return int(row), int(col)


@needs_chromium
def test_truthful_against_render_frame(page, rec):
    """At snapshot i the player's D colour at known points is the surface view's, and its samples are where the
    density view draws them."""
    i = STEPS - 1
    frame = Frame([rec], "surface", make_style((900, 700)))
    image = frame.render(int(rec.steps[i]))
    page.evaluate(
        f"gananimPlayer.seek({i}); gananimPlayer.setLayer('samples', false); gananimPlayer.setLayer('modes', false)"
    )
    drawn = canvas(page)
    box = page.evaluate("gananimPlayer.plotBox(0)")
    # D = sigmoid(−1.2 x) in the middle of its bands 1, 3, 5, 7, 8 (no band edge within a pixel), at rows with and
    # without generated mass
    for p in (0.15, 0.35, 0.55, 0.75, 0.85):
        x = -np.log(p / (1 - p)) / 1.2
        for y in (-3.0, 0.0, 2.5):
            fx, fy = frame.axes[0].transData.transform((x, y))
            expected = image[int(image.shape[0] - fy), int(fx)]
            got = drawn[pixel_of(box, x, y)]
            np.testing.assert_allclose(got, expected, atol=10, err_msg=f"D colour at ({x:.2f}, {y})")
    # the samples: only that layer on, over white; every sample the density view draws is a dark dot in the player
    page.evaluate("for (const l of ['d', 'density', 'mapping', 'gradients']) gananimPlayer.setLayer(l, false);"
                  "gananimPlayer.setLayer('samples', true)")  # fmt: skip
    dots = canvas(page)
    view = Frame([rec], "density", make_style((900, 700)))
    view.render(int(rec.steps[i]))
    where = view.views[0].dots.get_offsets()
    assert len(where) == len(rec[i].samples)
    dark = dots.sum(axis=2) < 600
    hits = [dark[pixel_of(box, x, y)] for x, y in where]
    assert np.mean(hits) == 1.0
    # and nowhere else: the dark pixels all lie within 3 px of a sample
    rows, cols = np.nonzero(
        dark[
            int(box["top"]) + 2 : int(box["top"] + box["height"]) - 2,
            int(box["left"]) + 2 : int(box["left"] + box["width"]) - 2,
        ]
    )
    centres = np.array([pixel_of(box, x, y) for x, y in where]) - [int(box["top"]) + 2, int(box["left"]) + 2]
    far = np.min(np.abs(rows[:, None] - centres[None, :, 0]) + np.abs(cols[:, None] - centres[None, :, 1]), axis=1)
    assert far.max() <= 4
    page.evaluate("for (const l of ['d', 'density', 'modes']) gananimPlayer.setLayer(l, true)")


def restless_g(z, t):
    return 1.2 * z + torch.sin(9 * z.flip(1) + 40 * t)


def restless_d(x, t):
    return 2 * torch.sin(1.7 * x[:, 0] + 40 * t) * torch.cos(1.3 * x[:, 1] - 30 * t)


@needs_chromium
def test_size_budget_for_200_snapshots(tmp_path):
    """A 200-snapshot 2D recording at the five-clusters preset's probe sizes exports within 5 MB."""
    from gananim.lab.presets import load_preset

    r = load_preset("five-clusters").record
    sizes = dict(n_samples=r.n_samples, grid_size=r.grid_size, latent_grid=r.latent_grid, density_samples=2000)
    # G and D change everywhere at every step (smooth known functions would deflate to a tenth: 0.23 MB)
    big = record_known(tmp_path / "big", restless_g, restless_d, 2, BOX, steps=199, **sizes)
    assert len(big) == 200
    written = write_player([big], tmp_path / "out")
    total = sum(p.stat().st_size for p in written.values())
    assert total <= 5 << 20, total  # 1.9 MB (the real five-clusters recording: 2.5 MB)
    p = open_page(written["index.html"].resolve().as_uri())
    try:
        assert p.evaluate("gananimPlayer.length") == 200 and errors(p) == []
    finally:
        p.close()


# ---------------------------------------------------------------------------------------------- live: gananim serve

GROWER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    import torch
    from synthetic import Known
    from gananim import Recorder
    from gananim.record.options import ProbeOptions
    out, go = Path(sys.argv[1]), Path(sys.argv[2])
    G = Known(lambda z, t: 0.3 * z + t, 2)
    D = Known(lambda x, t: -x[:, 0], 2)
    options = ProbeOptions(n_samples=32, grid_size=8, latent_grid=3, density_samples=200, real_samples=32, flush_secs=0)
    with Recorder(out, G, D, data=[(-4.0, 4.0), (-4.0, 4.0)], every=1, probes=options) as rec:
        for step in range(6):
            if step == 3:
                while not go.exists():
                    time.sleep(0.05)
            G.t = step / 5
            rec.step(step)
    """
)


@needs_chromium
def test_serve_follows_a_growing_recording(tmp_path):
    run, go = tmp_path / "growing", tmp_path / "go"
    script = tmp_path / "grow.py"
    script.write_text(GROWER.format(tests=str(Path(__file__).parent)))
    proc = subprocess.Popen([sys.executable, str(script), str(run), str(go)], env={"PYTHONPATH": str(ROOT), "PATH": ""})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the first three snapshots flushed
            try:
                if len(load(run)) >= 3:
                    break
            except Exception:
                pass
            time.sleep(0.1)
        server = make_server([run], port=0)
        assert server.server_address[0] == "127.0.0.1"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        page = open_page(url_of(server))
        try:
            assert page.evaluate("gananimPlayer.length") == 3
            page.evaluate("gananimPlayer.seek(2)")  # at the end: the player follows the end as it grows
            go.touch()
            assert page.wait_for("gananimPlayer.length == 6", timeout=30), page.evaluate("gananimPlayer.length")
            assert page.evaluate("gananimPlayer.index") == 5
            assert errors(page) == []
        finally:
            page.close()
            server.shutdown()
            server.server_close()
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_answers_only_its_own_names(rec):
    import urllib.error
    import urllib.request

    server = make_server([rec.path], port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = url_of(server)
    try:
        assert server.server_address[0] == "127.0.0.1"
        for good in ("", "index.html", "player.js", "player.css", "data.js", "data.json", "stamp"):
            with urllib.request.urlopen(base + good) as r:
                assert r.status == 200
        with urllib.request.urlopen(base + "data.json") as r:
            assert json.loads(r.read())["runs"][0]["steps"] == rec.steps.tolist()
        for bad in ("manifest.json", "../manifest.json", "%2e%2e/manifest.json", "chunks/000000.npz", "etc/passwd"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + bad)
            assert e.value.code == 404, bad
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------- more of the page

MOUSE = "Input.dispatchMouseEvent"


def client_xy(page: Page, canvas_js: str, x_css: float, y_css: float) -> tuple[float, float]:
    rect = page.evaluate(f"(() => {{ const r = {canvas_js}.getBoundingClientRect(); return [r.left, r.top]; }})()")
    return rect[0] + x_css, rect[1] + y_css


@needs_chromium
def test_hover_shows_the_latent_and_the_move(page, rec):
    i = 6
    page.evaluate(f"gananimPlayer.seek({i}); gananimPlayer.setLayer('samples', true)")
    box = page.evaluate("gananimPlayer.plotBox(0)")
    samples = rec[i].samples
    k = int(np.argmax(samples[:, 1]))  # the topmost sample: no other within its few pixels
    row, col = pixel_of(box, *samples[k])
    x, y = client_xy(page, "gananimPlayer.canvas(0)", col + 0.5, row + 0.5)
    page.page(MOUSE, {"type": "mouseMoved", "x": x, "y": y})
    tip = page.wait_for("(() => { const t = document.querySelector('.gp-tip');"
                        " return t.style.display === 'block' && t.textContent; })()")  # fmt: skip
    assert tip.startswith(f"sample {k} · z = (")
    z = rec.latents[k]
    assert f"{z[0]:.3g}".replace("-", "−") in tip and f"{z[1]:.3g}".replace("-", "−") in tip
    prev = rec[i - 1].samples[k]
    assert f"moved from ({prev[0]:.3g}".replace("-", "−") in tip and f"at step {int(rec.steps[i - 1])}" in tip
    page.page(MOUSE, {"type": "mouseMoved", "x": 1, "y": 1})


@needs_chromium
def test_dashboard_click_seeks(page, rec):
    page.evaluate("gananimPlayer.seek(0)")
    box = page.evaluate("(() => { const b = gananimPlayer.players[0].views[0].dashBox; return [b.x0, b.x1]; })()")
    target = 5
    frac = (rec.steps[target] - rec.steps[0]) / (rec.steps[-1] - rec.steps[0])
    x, y = client_xy(page, "gananimPlayer.players[0].views[0].dash", box[0] + frac * (box[1] - box[0]), 40)
    for kind in ("mousePressed", "mouseReleased"):
        page.page(MOUSE, {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
    assert page.wait_for(f"gananimPlayer.index === {target}", timeout=3)


def diverging(z, t):
    out = 0.3 * z
    if t > 0.5:
        out[::2] = float("nan")
    return out


@needs_chromium
def test_captions_and_spans_are_the_videos(tmp_path):
    """A run that diverges halfway: the player's caption at every snapshot is the frame's, and the span is drawn in
    the event's colour on the timeline."""
    rec = record_known(tmp_path / "nan", diverging, left_is_real, 2, BOX, steps=STEPS)
    events = analyse(rec).events
    assert events, "the diverging run should have an event"
    frame = Frame([rec], "surface", make_style((400, 300)))
    written = write_player([rec], tmp_path / "out")
    p = open_page(written["index.html"].resolve().as_uri())
    try:
        for i, step in enumerate(rec.steps):
            p.evaluate(f"gananimPlayer.seek({i})")
            assert p.evaluate("gananimPlayer.caption()") == "   ·   ".join(frame.captions(int(step))), step
        e = events[0]
        from gananim.rendering.drawing import EVENT_COLOURS, hex_rgb

        colour = (hex_rgb(EVENT_COLOURS[e.kind]) * 255).round()
        strip = p.evaluate("""(() => { const c = document.querySelector('.gp-timeline'), g = c.getContext('2d');
            const b = gananimPlayer.players[0].tlBox, X = (s) => b.x0 + (s - b.first) / (b.last - b.first) * (b.x1 - b.x0);
            return [%d, %d].map((s) => Array.from(g.getImageData(Math.round(X(s)), 6, 1, 1).data.slice(0, 3))); })()"""
            % ((e.start + e.end) // 2 if e.end > e.start else e.start, 0))  # fmt: skip
        np.testing.assert_allclose(strip[0], colour, atol=2)
        assert errors(p) == []
    finally:
        p.close()


@needs_chromium
def test_side_by_side_synchronised_on_step(rec, tmp_path):
    sparse = record_known(tmp_path / "sparse", still_then_right, left_is_real, 2, BOX, steps=STEPS, every=2)
    written = write_player([rec, sparse], tmp_path / "two")
    p = open_page(written["index.html"].resolve().as_uri(), width=1280)
    try:
        assert p.evaluate("gananimPlayer.length") == len(np.union1d(rec.steps, sparse.steps))
        for i in (3, 5, STEPS):
            p.evaluate(f"gananimPlayer.seek({i})")
            step = p.evaluate("gananimPlayer.step")
            shown = p.evaluate("gananimPlayer.players[0].views.map((v) => v.run.steps[v.i])")
            assert shown == [int(rec.steps[rec.index_at(step)]), int(sparse.steps[sparse.index_at(step)])]
        assert errors(p) == []
    finally:
        p.close()


@needs_chromium
def test_1d_and_images_recordings_play(tmp_path):
    from image_recording import write_image_recording

    line = record_known(
        tmp_path / "line", lambda z, t: z + 2 * t, lambda x, t: -x[:, 0], 1, [(-3.0, 5.0)], data_dim=1, steps=4
    )
    images = write_image_recording(tmp_path / "images", snapshots=4)
    for rec in (line, images):
        written = write_player([rec], tmp_path / f"out-{rec.path.name}")
        p = open_page(written["index.html"].resolve().as_uri())
        try:
            first = canvas(p)
            p.evaluate(f"gananimPlayer.seek({len(rec) - 1})")
            assert (np.abs(canvas(p) - first).max(axis=2) > 30).mean() > 0.002, rec.path.name
            assert errors(p) == [], rec.path.name
        finally:
            p.close()


@needs_chromium
def test_swipe_steps_on_a_phone(page):
    page.evaluate("gananimPlayer.seek(3)")
    rect = page.evaluate("(() => { const r = gananimPlayer.canvas(0).getBoundingClientRect(); return [r.left, r.top, r.width]; })()")  # fmt: skip
    y = rect[1] + 100
    for kind, x in (
        ("touchStart", rect[0] + 0.7 * rect[2]),
        ("touchMove", rect[0] + 0.5 * rect[2]),
        ("touchEnd", None),
    ):
        points = [] if x is None else [{"x": x, "y": y}]
        page.page("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    assert page.wait_for("gananimPlayer.index === 4", timeout=3)  # a swipe to the left: the next snapshot


def test_serve_refuses_a_missing_recording(tmp_path, capsys):
    from gananim.cli.commands import main

    code = main(["serve", str(tmp_path / "nope"), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2 and "no recording at" in err and "Traceback" not in err


def test_export_without_a_destination_names_html(rec, capsys):
    from gananim.cli.commands import main

    code = main(["export", str(rec.path)])
    err = capsys.readouterr().err
    assert code == 2 and "--html DIR" in err and err.count("\n") == 1
