"""A recording from a stranger cannot hurt you (issue 21): each hostile input found by hand, reproduced.

Writes outside the recording (a symlinked lock or dense/, a config name of ".."), memory bombs (a huge member
deflated into a small file, a million declared snapshots), special files (symlinks to /dev/zero, FIFOs), terminal
injection, mathtext, captions trusted from the recording, and the tracebacks that used to escape.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import gananim
from gananim.analysis import analyse
from gananim.cli.commands import main
from gananim.errors import GananimError
from gananim.recording import reader

FIXTURE = Path(__file__).parent / "fixtures" / "v1-2d"
ESC = "\x1b"


@pytest.fixture
def run(tmp_path):
    """A copy of the v1-2d fixture, without the analysis caches a test run may have left beside it."""
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    for cache in ("analysis.npz", "events.json"):
        (run / cache).unlink(missing_ok=True)
    return run


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code: int, err: str, *words: str) -> None:
    """Exit 2 and one line "error: ...", the last one (a render that fails midway has drawn its progress bar first,
    on as many lines as the terminal's width makes it)."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert code == 2 and len(errors) == 1 and lines[-1] == errors[0], (code, err)
    for word in words:
        assert word in errors[0], (word, errors[0])


def edit_manifest(run: Path, **fields) -> None:
    m = json.loads((run / "manifest.json").read_text())
    for key, value in fields.items():
        target = m
        *path, last = key.split("__")
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    (run / "manifest.json").write_text(json.dumps(m))


def add_member(npz: Path, name: str, array: np.ndarray, compress: bool) -> None:
    """Append one .npy member to an .npz, deflated or stored (np.savez writes stored members)."""
    with zipfile.ZipFile(npz, "a", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        with z.open(f"{name}.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array(f, array, allow_pickle=False)


def no_hang(fn, seconds: float = 20.0):
    """Run fn in a thread; fail (instead of hanging the suite) if it does not return in time."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001  (handed to the test thread)
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn} still running after {seconds} s: it hangs"
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --- writes outside the recording ------------------------------------------------------------------------------


def test_a_symlinked_lock_file_is_not_written_through(run, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (run / ".writer.lock").symlink_to(victim)
    from gananim.recording.writer import RecordingWriter

    with pytest.raises(GananimError, match="writer.lock"):
        RecordingWriter(run, {}, {}, resume=True)
    assert victim.read_text() == "precious"


def test_a_symlinked_lock_in_a_new_folder_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "new"
    out.mkdir()
    (out / ".writer.lock").symlink_to(victim)
    from gananim.recording.writer import RecordingWriter

    with pytest.raises(GananimError, match="symbolic link"):
        RecordingWriter(out, {"latent_dim": 2, "grid": {"bounds": [[0, 1], [0, 1]], "size": 4}}, {})
    assert victim.read_text() == "precious"


def test_a_symlinked_dense_folder_is_refused_on_resume(run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(run / "dense", ignore_errors=True)
    (run / "dense").symlink_to(elsewhere, target_is_directory=True)
    from gananim.recording.writer import RecordingWriter

    with pytest.raises(GananimError, match="cannot resume .* dense/"):
        RecordingWriter(run, {}, {}, resume=True)
    assert not list(elsewhere.iterdir())


@pytest.mark.parametrize("name", ["..", ".", "../../escape", ".hidden", "a/b", "\x1b]0;x\x07"])
def test_a_config_name_is_a_safe_file_name(run, tmp_path, name):
    from gananim.rendering.names import file_name

    edit_manifest(run, config__name=name)
    safe = file_name(gananim.load(run))
    assert safe and not safe.startswith(".") and "/" not in safe and all(c.isalnum() or c in "._-" for c in safe)


def test_export_of_a_dotdot_name_stays_in_its_folder_and_deletes_nothing(run, tmp_path):
    pytest.importorskip("tensorboard")
    from gananim.rendering.export import tensorboard_folder

    edit_manifest(run, config__name="..")
    root = tmp_path / "tbroot"
    (root / "tb").mkdir(parents=True)
    other = root / "events.out.tfevents.other-run"
    other.write_text("another run's events")
    folder = tensorboard_folder(root / "tb", gananim.load(run), overwrite=True)
    assert folder.parent == root / "tb" and other.read_text() == "another run's events"


# --- memory bombs ---------------------------------------------------------------------------------------------


BOMB = np.zeros(50_000_000, dtype=np.float32)  # 200 MB of zeros: deflated, about 200 KB


def peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_an_unknown_member_is_never_read(run):
    add_member(run / "fixed.npz", "extra", BOMB, compress=True)
    add_member(run / "chunks" / "000000.npz", "extra", BOMB, compress=True)
    assert (run / "fixed.npz").stat().st_size < 2_000_000

    def read():
        rec = gananim.load(run)
        [rec[i] for i in range(len(rec))]

    assert peak_mb(read) < 50  # the 200 MB members are never decompressed


def test_a_known_member_deflated_is_refused_before_it_is_read(run):
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    arrays["samples"] = np.zeros((len(arrays["step"]), 10_000_000, 2), np.float32)  # 560 MB, deflates to 0.5 MB
    np.savez_compressed(run / "chunks" / "000000.npz", **arrays)
    assert (run / "chunks" / "000000.npz").stat().st_size < 3_000_000

    def read():
        with pytest.raises(GananimError, match="array is compressed"):
            gananim.load(run)[0]

    assert peak_mb(read) < 50


def test_a_header_claiming_more_than_the_member_holds_is_refused(run):
    path = run / "fixed.npz"
    with np.load(path) as z:
        arrays = dict(z)
    np.savez(path, **arrays)
    with zipfile.ZipFile(path) as z:
        raw = z.read("latents.npy")
    header = raw[: raw.index(b"\n") + 1]
    bigger = header.replace(str(arrays["latents"].shape).encode(), b"(1000000000, 2)")
    bigger = bigger[:-1].ljust(len(header) - 1) + b"\n"
    arrays.pop("latents")
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("latents.npy", bigger + raw[len(header) :])
    with pytest.raises(GananimError, match="damaged"):
        gananim.load(run)


def test_a_million_declared_snapshots_are_refused_before_any_work(run, monkeypatch, capsys):
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    n = 1000  # more than the manifest's chunk_size (64): a file the writer never writes
    many = {k: np.repeat(v[:1], n, axis=0) for k, v in arrays.items()}
    many["step"] = np.arange(n)
    np.savez(run / "chunks" / "000000.npz", **many)
    code, _, err = cli(capsys, "info", run)
    one_line_error(code, err, "holds 1,000 snapshots", "chunk_size is 64")
    assert not (run / "analysis.npz").exists()


def test_too_many_chunk_files_are_refused_before_one_is_read(run, monkeypatch, capsys):
    monkeypatch.setattr(reader, "MAX_SNAPSHOTS", 100)
    for k in range(1, 4):
        shutil.copyfile(run / "chunks" / "000000.npz", run / "chunks" / f"{k:06d}.npz")
    code, _, err = cli(capsys, "info", run)
    one_line_error(code, err, "more than gananim reads (100)")


# --- special files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["manifest.json", "fixed.npz", "chunks/000000.npz"])
def test_a_file_linked_to_dev_zero_is_refused(run, capsys, name):
    (run / name).unlink()
    (run / name).symlink_to("/dev/zero")
    code, _, err = no_hang(lambda: cli(capsys, "info", run))
    one_line_error(code, err, "symbolic link")


def test_events_json_linked_to_dev_zero_is_replaced_not_read(run, capsys):
    (run / "events.json").symlink_to("/dev/zero")
    code, out, err = no_hang(lambda: cli(capsys, "info", run))
    assert code == 0, err
    assert (run / "events.json").is_file() and not (run / "events.json").is_symlink()


@pytest.mark.parametrize("name", ["manifest.json", "chunks/000000.npz", "fixed.npz"])
def test_a_fifo_does_not_hang_a_reader(run, capsys, name):
    (run / name).unlink()
    os.mkfifo(run / name)
    code, _, err = no_hang(lambda: cli(capsys, "info", run))
    one_line_error(code, err, "FIFO")


def test_a_fifo_lock_file_does_not_hang_a_reader(run, capsys):
    os.mkfifo(run / ".writer.lock")
    code, _, err = no_hang(lambda: cli(capsys, "info", run))
    assert code == 0, err


# --- terminal injection ---------------------------------------------------------------------------------------

HOSTILE = f"{ESC}]0;owned\x07{ESC}[2J{ESC}[8mhidden{ESC}]8;;http://x{ESC}\\link{ESC}[5A\x9b1m"


def test_control_characters_from_a_recording_never_reach_the_terminal(run, capsys):
    # (d_output is one of a few names since critics came (gananim.recording.game): a hostile one is refused on read,
    # its value escaped in the one-line error: tests/test_games.py)
    edit_manifest(run, config__name=HOSTILE, config__description=HOSTILE, prior=HOSTILE)
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    arrays[f"scalar__{HOSTILE}"] = np.zeros(len(arrays["step"]))
    np.savez(run / "chunks" / "000000.npz", **arrays)
    for argv in (["info", run], ["analyze", run]):
        code, out, err = cli(capsys, *argv)
        assert code == 0, err
        assert ESC not in out + err and "\x07" not in out + err and "\x9b" not in out + err
    code, out, _ = cli(capsys, "info", run)
    assert "\\x1b]0;owned\\x07" in out  # shown, made visible


def test_a_caption_with_control_characters_is_shown_as_text(run, capsys, tmp_path):
    from gananim.analysis.events import Event, timeline
    from gananim.cli.terminal import say
    from gananim.rendering.webvtt import chapters_vtt

    say(timeline([Event("collapse", 0, 10, HOSTILE)])[0])
    assert ESC not in capsys.readouterr().out

    class Clock:  # a timeline of 10 s at 10 fps where every step is on screen
        fps = 10

        def __len__(self):
            return 100

        def seconds(self, a, b):
            return (0.0, 1.0)

    vtt = chapters_vtt([Event("collapse", 0, 10, f"<img src=x> {HOSTILE}")], Clock())
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) < 0xA0 for c in vtt) and "<img" not in vtt


def test_tensorboard_text_is_plain(run):
    from gananim.rendering.export import literal

    text = literal(f"mode hop <img src=x onerror=alert(1)> [a](javascript:alert(1)) {HOSTILE}")
    assert "<img" not in text and "](" not in text and ESC not in text


# --- text is text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["$\\sqrt{$", "{" * 40 + "$x$" + "}" * 40, "$$", "\\frac{1}{0}"])
def test_mathtext_in_names_draws_literally(run, name):
    from gananim.rendering.views import make_style, render_frame

    edit_manifest(run, config__name=name)
    frame = render_frame([gananim.load(run)], 0, "surface", make_style("320x180"))
    assert frame.shape == (180, 320, 3)


# --- captions are computed, not trusted ------------------------------------------------------------------------


def test_a_shipped_events_cache_is_not_trusted(run):
    true = analyse(gananim.load(run)).events
    data = json.loads((run / "events.json").read_text())
    data["events"] = [{"kind": "mode_hop", "start": 0, "end": 10, "caption": "a lie the data does not show"}]
    (run / "events.json").write_text(json.dumps(data))  # the old key still matches: anyone can compute it
    assert analyse(gananim.load(run)).events == true


# --- tracebacks that used to escape -------------------------------------------------------------------------------


def test_a_chunk_without_d_grid_is_refused_in_one_line(run, capsys, tmp_path):
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = {k: v for k, v in z.items() if k != "d_grid"}
    np.savez(run / "chunks" / "000000.npz", **arrays)
    code, _, err = cli(capsys, "render", run, "--view", "surface", "--size", "160x90", "--out", tmp_path / "x.gif")
    one_line_error(code, err, "'d_grid'")


@pytest.mark.parametrize("box", [[[-1e308, 1e308], [-10, 10]], [[0, 5e-324], [-10, 10]], [[0, float("inf")], [0, 1]]])
def test_an_absurd_view_box_is_refused_in_one_line(run, capsys, box):
    m = json.loads((run / "manifest.json").read_text())
    m["grid"]["bounds"] = box
    (run / "manifest.json").write_text(json.dumps(m))
    code, _, err = cli(capsys, "info", run)
    one_line_error(code, err, "'grid' field")


@pytest.mark.parametrize("chunk", [0, 1])
def test_a_snapshot_without_the_array_a_view_draws_is_refused_in_one_line(run, capsys, tmp_path, chunk):
    """The mapping view drew `None - tails` (a TypeError) on a chunk without `mapping`, first or later."""
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    first = {k: v[:4] for k, v in arrays.items()}
    second = {k: v[4:] for k, v in arrays.items()}
    (first if chunk == 0 else second).pop("mapping")
    np.savez(run / "chunks" / "000000.npz", **first)
    np.savez(run / "chunks" / "000001.npz", **second)
    code, _, err = cli(capsys, "render", run, "--view", "mapping", "--size", "160x90", "--out", tmp_path / "m.gif")
    one_line_error(code, err, "has no 'mapping' array")


def test_names_draw_literally_and_our_own_mathtext_still_renders(run):
    """Titles are escaped, not the whole figure's mathtext turned off: matplotlib's own mathtext (log-axis ticks were
    $\\mathdefault{10^{1}}$ until issue 19 wrote them as plain numbers) must still render (a figure-wide
    parse_math=False drew them as source)."""
    from matplotlib.text import Text

    from gananim.rendering.views import Frame, make_style

    edit_manifest(run, config__name="$\\sqrt{$ \x1b[2J")
    frame = Frame([gananim.load(run)], "surface", make_style("720x405"), dashboard=True)
    frame.render(int(frame.recs[0].steps[-1]))
    texts = [t for t in frame.fig.findobj(Text) if t.get_text()]
    assert frame.titles == ["\\$\\sqrt{\\$ [2J"]
    assert all(t.get_parse_math() for t in texts)  # escaped, not switched off
