"""The on-disk recording: round trip, chunks, atomic flushes, refusals, purge, damage, numpy-only reading;
overwrite only of gananim's own files, one writer at a time, a full disk, a read-only folder."""

import errno
import io
import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import gananim
from gananim.errors import GananimError
from gananim.store import RecordingWarning, RecordingWriter, load

GRID = {"bounds": [[-2.0, 2.0], [-1.0, 1.0]], "size": 8}
MANIFEST = {"data_dim": 2, "latent_dim": 2, "n_samples": 5, "grid": GRID, "latent_grid_shape": [3, 3], "every": 1}
FIXED = {"latents": np.zeros((5, 2), np.float32), "latent_grid": np.zeros((9, 2), np.float32)}


def snapshot(step: int) -> dict[str, np.ndarray]:
    """Arrays whose values encode the step, so reads can be checked exactly."""
    return {"samples": np.full((5, 2), step, np.float32), "mapping": np.full((9, 2), -step, np.float32),
            "d_grid": np.full((8, 8), step / 100, np.float32), "density": np.full((8, 8), step, np.float32)}


def write(path, steps, **kw) -> RecordingWriter:
    writer = RecordingWriter(path, MANIFEST, FIXED, **kw)
    for s in steps:
        writer.append(s, snapshot(s), {"d_loss": s * 0.5})
    writer.close()
    return writer


def test_round_trip(tmp_path):
    write(tmp_path / "r", range(0, 50, 5))
    rec = load(tmp_path / "r")
    assert len(rec) == 10 and rec.steps.tolist() == list(range(0, 50, 5))
    snap = rec[3]
    assert snap.step == 15 and np.all(snap.samples == 15) and np.all(snap.mapping == -15)
    assert snap.d_grid.shape == (8, 8) and snap.g_grad is None
    np.testing.assert_allclose(rec.scalars["d_loss"], np.arange(0, 50, 5) * 0.5)
    assert rec[-1].step == 45
    assert rec.manifest["format"] == "gananim-recording" and rec.manifest["version"] == 1
    assert rec.grid.shape == (8, 8)
    with pytest.raises(IndexError):
        rec[10]


def test_chunks_hold_chunk_size_snapshots(tmp_path):
    write(tmp_path / "r", range(10), chunk_size=3)
    assert len(list((tmp_path / "r" / "chunks").glob("*.npz"))) == 4
    assert load(tmp_path / "r").steps.tolist() == list(range(10))


def test_scalars_missing_in_some_snapshots_are_nan(tmp_path):
    writer = RecordingWriter(tmp_path / "r", MANIFEST, FIXED, chunk_size=2)
    writer.append(0, snapshot(0), {"a": 1.0})
    writer.append(1, snapshot(1), {"b": 2.0})
    writer.append(2, snapshot(2), {"a": 3.0})
    writer.close()
    rec = load(tmp_path / "r")
    np.testing.assert_array_equal(rec.scalars["a"], [1.0, np.nan, 3.0])
    np.testing.assert_array_equal(rec.scalars["b"], [np.nan, 2.0, np.nan])


def test_float16_halves_the_arrays(tmp_path):
    write(tmp_path / "a", range(20))
    write(tmp_path / "b", range(20), float16=True)
    a, b = load(tmp_path / "a"), load(tmp_path / "b")
    assert b[4].samples.dtype == np.float32 and np.all(b[4].samples == 4)
    chunk = lambda p: (p / "chunks" / "000000.npz").stat().st_size  # noqa: E731
    assert chunk(tmp_path / "b") < 0.6 * chunk(tmp_path / "a")
    assert a.manifest["dtype"] == "float32" and b.manifest["dtype"] == "float16"


def test_reader_sees_snapshots_as_they_are_flushed(tmp_path):
    writer = RecordingWriter(tmp_path / "r", MANIFEST, FIXED, chunk_size=4, flush_secs=3600)
    writer.append(0, snapshot(0), {})
    writer.flush()
    rec = load(tmp_path / "r")
    assert len(rec) == 1
    for s in range(1, 7):
        writer.append(s, snapshot(s), {})
    assert len(rec.refresh()) == 4  # the first chunk filled and flushed itself; steps 4-6 still buffered
    writer.flush()
    assert rec.refresh().steps.tolist() == list(range(7))
    assert np.all(rec[6].samples == 6)


def test_time_based_flush(tmp_path):
    writer = RecordingWriter(tmp_path / "r", MANIFEST, FIXED, flush_secs=0.0)
    writer.append(0, snapshot(0), {})
    assert len(load(tmp_path / "r")) == 1 and writer.last_flushed_step == 0


def test_existing_recording_is_refused_and_untouched(tmp_path):
    write(tmp_path / "r", range(3))
    before = {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()}
    with pytest.raises(GananimError, match="already exists.*--overwrite"):
        RecordingWriter(tmp_path / "r", MANIFEST, FIXED)
    assert before == {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()}


def test_overwrite_replaces(tmp_path):
    write(tmp_path / "r", range(3))
    write(tmp_path / "r", [7], overwrite=True)
    assert load(tmp_path / "r").steps.tolist() == [7]


def test_never_deletes_a_folder_that_is_not_a_recording(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "thesis.tex").write_text("precious")
    with pytest.raises(GananimError, match="refusing to replace .*thesis.tex, which gananim did not write"):
        RecordingWriter(tmp_path / "r", MANIFEST, FIXED, overwrite=True)
    assert (tmp_path / "r" / "thesis.tex").read_text() == "precious"


def test_never_writes_into_a_folder_that_is_not_a_recording(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "thesis.tex").write_text("precious")
    for kw in ({}, {"resume": True}):
        with pytest.raises(GananimError, match=r"r exists and is not a gananim recording \(it holds thesis.tex\)"):
            RecordingWriter(tmp_path / "r", MANIFEST, FIXED, **kw)
    assert files_of(tmp_path / "r") == {"thesis.tex": b"precious"}


def test_resume_purges_from_step_and_continues(tmp_path):
    write(tmp_path / "r", range(0, 100, 10), chunk_size=4)
    writer = RecordingWriter(tmp_path / "r", MANIFEST, FIXED, resume=True, chunk_size=4)
    assert writer.last_step == 90
    writer.purge_from(50)
    for s in (50, 60):
        writer.append(s, snapshot(s), {"d_loss": -1.0})
    writer.close()
    rec = load(tmp_path / "r")
    assert rec.steps.tolist() == [0, 10, 20, 30, 40, 50, 60]
    assert rec.scalars["d_loss"][-1] == -1.0 and rec.scalars["d_loss"][4] == 20.0


def test_resume_refuses_an_incompatible_run(tmp_path):
    write(tmp_path / "r", range(3))
    with pytest.raises(GananimError, match="cannot resume.*n_samples"):
        RecordingWriter(tmp_path / "r", {**MANIFEST, "n_samples": 6}, FIXED, resume=True)


def test_steps_must_increase(tmp_path):
    writer = RecordingWriter(tmp_path / "r", MANIFEST, FIXED)
    writer.append(5, snapshot(5), {})
    with pytest.raises(GananimError, match="must increase"):
        writer.append(5, snapshot(5), {})


@pytest.mark.parametrize("damage", ["truncate_chunk", "garbage_manifest", "delete_fixed", "no_manifest"])
def test_damaged_recordings_give_a_clear_error(tmp_path, damage):
    write(tmp_path / "r", range(5))
    r = tmp_path / "r"
    if damage == "truncate_chunk":
        chunk = r / "chunks" / "000000.npz"
        chunk.write_bytes(chunk.read_bytes()[:300])
    elif damage == "garbage_manifest":
        (r / "manifest.json").write_text("{not json")
    elif damage == "delete_fixed":
        (r / "fixed.npz").unlink()
    else:
        (r / "manifest.json").unlink()
    with pytest.raises(GananimError) as err:
        load(r)
    assert "\n" not in str(err.value) and str(r) in str(err.value)


def test_missing_path(tmp_path):
    with pytest.raises(GananimError, match="does not exist"):
        load(tmp_path / "nope")


def test_newer_format_is_refused(tmp_path):
    write(tmp_path / "r", range(2))
    m = json.loads((tmp_path / "r" / "manifest.json").read_text())
    (tmp_path / "r" / "manifest.json").write_text(json.dumps({**m, "version": 99}))
    with pytest.raises(GananimError, match="upgrade"):
        load(tmp_path / "r")


def test_reading_needs_numpy_only(tmp_path):
    write(tmp_path / "r", range(3))
    code = ("import sys, gananim; rec = gananim.load(sys.argv[1]); rec[0]; rec.scalars; "
            "assert 'torch' not in sys.modules, 'torch was imported'; print(len(rec))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3"
    assert gananim.Recording is type(load(tmp_path / "r"))


def test_index_at_synchronises_on_step(tmp_path):
    write(tmp_path / "r", range(0, 100, 10))
    rec = load(tmp_path / "r")
    assert [rec.index_at(s) for s in (0, 9, 10, 55, 1000)] == [0, 0, 1, 5, 9]


# --- overwrite replaces only a gananim recording (issue 8: --overwrite deleted a user's thesis) -------------------

def files_of(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_overwrite_refuses_a_foreign_manifest_beside_a_users_file(tmp_path):
    """The exact case of the issue: {"name": "my web app"} beside thesis.txt; both were deleted."""
    r = tmp_path / "r"
    r.mkdir()
    (r / "manifest.json").write_text(json.dumps({"name": "my web app"}))
    (r / "thesis.txt").write_text("four years of work")
    with pytest.raises(GananimError) as err:
        RecordingWriter(r, MANIFEST, FIXED, overwrite=True)
    assert "refusing to replace" in str(err.value) and "thesis.txt" in str(err.value) and "\n" not in str(err.value)
    assert files_of(r) == {"manifest.json": b'{"name": "my web app"}', "thesis.txt": b"four years of work"}


def test_overwrite_refuses_a_manifest_gananim_did_not_write(tmp_path):
    r = tmp_path / "r"
    r.mkdir()
    (r / "manifest.json").write_text(json.dumps({"name": "my web app"}))
    with pytest.raises(GananimError, match='not written by gananim.*"format": "gananim-recording"'):
        RecordingWriter(r, MANIFEST, FIXED, overwrite=True)
    assert files_of(r) == {"manifest.json": b'{"name": "my web app"}'}


@pytest.mark.parametrize("extra", ["notes.txt", "chunks/notes.txt", "chunks/sub/000000.npz", "plots/a.png", "chunks/000000.npy"])
def test_overwrite_refuses_a_recording_holding_a_users_file(tmp_path, extra):
    r = tmp_path / "r"
    write(r, range(3))
    (r / extra).parent.mkdir(parents=True, exist_ok=True)
    (r / extra).write_text("mine")
    before = files_of(r)
    with pytest.raises(GananimError, match=f"refusing to replace {r}: it holds .*which gananim did not write"):
        RecordingWriter(r, MANIFEST, FIXED, overwrite=True)
    assert files_of(r) == before


def test_overwrite_refuses_a_folder_without_a_readable_manifest(tmp_path):
    r = tmp_path / "r"
    write(r, range(3))
    (r / "manifest.json").write_text("{not json")
    with pytest.raises(GananimError, match="manifest.json cannot be read, so it is not provably a gananim recording"):
        RecordingWriter(r, MANIFEST, FIXED, overwrite=True)
    (r / "manifest.json").unlink()
    with pytest.raises(GananimError, match="no manifest.json, so it is not provably"):
        RecordingWriter(r, MANIFEST, FIXED, overwrite=True)
    assert (r / "fixed.npz").exists()


def test_overwrite_replaces_everything_gananim_writes_and_keeps_the_lock_file(tmp_path):
    r = tmp_path / "r"
    write(r, range(3))
    for name in ("analysis.npz", "events.json", "checkpoint.pt", ".checkpoint.pt.tmp", "chunks/.000001.npz.tmp",
                 ".events.json.0123abcd.tmp"):
        (r / name).write_bytes(b"gananim's")
    lock = (r / ".writer.lock").stat().st_ino
    write(r, [7], overwrite=True)
    assert sorted(files_of(r)) == [".writer.lock", "chunks/000000.npz", "fixed.npz", "manifest.json"]
    assert (r / ".writer.lock").stat().st_ino == lock  # the same lock file: a concurrent writer cannot miss it
    assert load(r).steps.tolist() == [7]


def test_a_folder_holding_only_a_lock_file_counts_as_empty(tmp_path):
    r = tmp_path / "r"
    r.mkdir()
    (r / ".writer.lock").write_text('{"pid": 1, "host": "gone"}')
    write(r, [1])
    assert load(r).steps.tolist() == [1]


# --- one writer at a time ------------------------------------------------------------------------------------------

HOLD = """
import json, sys
import numpy as np
from gananim.store import RecordingWriter
writer = RecordingWriter(sys.argv[1], json.loads(sys.argv[2]), {"latents": np.zeros((5, 2), np.float32),
                         "latent_grid": np.zeros((9, 2), np.float32)}, overwrite=True)
print("holding", flush=True)
sys.stdin.read()
"""


def hold_lock(path):
    """Another process writing `path` (it holds the writer lock until killed or its stdin closes)."""
    env = {**os.environ, "PYTHONPATH": str(Path(gananim.__file__).parent.parent)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), json.dumps(MANIFEST)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_second_writer_is_refused_while_another_process_writes(tmp_path):
    r = tmp_path / "r"
    write(r, range(3))
    proc = hold_lock(r)
    try:
        before = files_of(r)
        for kw in ({"overwrite": True}, {"resume": True}, {}):
            with pytest.raises(GananimError) as err:
                RecordingWriter(r, MANIFEST, FIXED, **kw)
            message = str(err.value)
            assert f"{r} is being written by another process (pid {proc.pid})" in message, message
            assert "wait for it to finish or choose another --out" in message and "\n" not in message
        assert files_of(r) == before  # the refused overwrite deleted nothing
    finally:
        proc.kill()
        proc.wait()


def test_a_lock_left_by_a_killed_writer_does_not_block(tmp_path):
    r = tmp_path / "r"
    proc = hold_lock(r)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert f'"pid": {proc.pid}' in (r / ".writer.lock").read_text()  # the dead writer's lock file is still there
    write(r, [3, 4], resume=True)
    assert load(r).steps.tolist() == [3, 4]
    write(r, [5], overwrite=True)
    assert load(r).steps.tolist() == [5]


def test_two_writers_in_one_process(tmp_path):
    first = RecordingWriter(tmp_path / "r", MANIFEST, FIXED)
    with pytest.raises(GananimError, match="already being written by a writer in this process; close"):
        RecordingWriter(tmp_path / "r", MANIFEST, FIXED, resume=True)
    first.close()
    first.close()  # closing twice is harmless
    with pytest.raises(GananimError, match="closed"):
        first.append(1, snapshot(1), {})
    write(tmp_path / "r", [2], resume=True)  # close() released the lock
    assert load(tmp_path / "r").steps.tolist() == [2]


def test_a_refused_resume_releases_the_lock(tmp_path):
    write(tmp_path / "r", range(3))
    with pytest.raises(GananimError, match="cannot resume"):
        RecordingWriter(tmp_path / "r", {**MANIFEST, "n_samples": 6}, FIXED, resume=True)
    write(tmp_path / "r", [3], resume=True)
    assert load(tmp_path / "r").steps.tolist() == [0, 1, 2, 3]


def test_resume_after_a_deleted_chunk_appends_after_the_last_one(tmp_path):
    write(tmp_path / "r", range(10), chunk_size=3)
    (tmp_path / "r" / "chunks" / "000001.npz").unlink()
    write(tmp_path / "r", [10, 11], resume=True, chunk_size=3)
    assert load(tmp_path / "r").steps.tolist() == [0, 1, 2, 6, 7, 8, 9, 10, 11]


# --- a full disk, a read-only folder ----------------------------------------------------------------------------

class FillingDisk:
    """os.fdopen for files that fail with ENOSPC once `room` more bytes have been written (all files together)."""

    def __init__(self, room: int):
        self.room = room

    def __call__(self, fd, mode="r", *args, **kwargs):
        disk = self

        class File(io.FileIO):
            def write(self, data):
                if len(data) > disk.room:  # part of the data fits, then the disk is full: mid-file
                    super().write(bytes(data[:disk.room]))
                    disk.room = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.room -= len(data)
                return super().write(data)

        return io.BufferedWriter(File(fd, "wb"))


def test_disk_full_while_recording(tmp_path, monkeypatch):
    r = tmp_path / "r"
    writer = RecordingWriter(r, MANIFEST, FIXED, chunk_size=4, flush_secs=3600)
    for s in range(6):
        writer.append(s, snapshot(s), {})
    writer.flush()
    monkeypatch.setattr(os, "fdopen", FillingDisk(room=700))
    writer.append(6, snapshot(6), {})
    with pytest.raises(GananimError) as err:
        writer.flush()
    assert str(err.value).startswith(f"disk full writing {r / 'chunks' / '000001.npz'}: free some space")
    assert "--resume" in str(err.value) and "\n" not in str(err.value)
    assert not list(r.rglob("*.tmp"))  # no stray .000001.npz.*.tmp
    assert load(r).steps.tolist() == list(range(6))  # what is on disk still loads: the chunk's previous version
    monkeypatch.undo()  # space freed: the buffered snapshot is still written
    writer.close()
    assert load(r).steps.tolist() == list(range(7))


def test_disk_full_at_the_start(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fdopen", FillingDisk(room=10))
    with pytest.raises(GananimError, match="disk full writing"):
        RecordingWriter(tmp_path / "r", MANIFEST, FIXED)
    assert not list((tmp_path / "r").rglob("*.tmp"))
    monkeypatch.undo()
    write(tmp_path / "r", [0], overwrite=True)  # nothing but gananim's files were left: overwrite may replace them
    assert load(tmp_path / "r").steps.tolist() == [0]


def read_only(monkeypatch, folder):
    """Make os.open fail as on a read-only mount for writes under `folder` (root ignores chmod)."""
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_resume_on_a_read_only_recording(tmp_path, monkeypatch):
    write(tmp_path / "r", range(3))
    before = files_of(tmp_path / "r")
    read_only(monkeypatch, tmp_path / "r")
    with pytest.raises(GananimError) as err:
        RecordingWriter(tmp_path / "r", MANIFEST, FIXED, resume=True)
    assert str(err.value).startswith(f"cannot write {tmp_path / 'r'}: it is on a read-only file system")
    with pytest.raises(GananimError, match="read-only file system"):
        RecordingWriter(tmp_path / "r" / "new", MANIFEST, FIXED)
    assert load(tmp_path / "r").steps.tolist() == [0, 1, 2]  # reading needs no write
    assert files_of(tmp_path / "r") == before


def test_analyze_on_a_read_only_recording(tmp_path, monkeypatch, capsys):
    from gananim.cli import main

    write(tmp_path / "r", range(3))
    read_only(monkeypatch, tmp_path / "r")
    assert main(["analyze", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: cannot write {tmp_path / 'r'}: it is on a read-only file system") and "\n" not in err
    assert not (tmp_path / "r" / "events.json").exists()


# --- damaged recordings: one line naming the file -------------------------------------------------------------------

def edit_manifest(r, change):
    m = json.loads((r / "manifest.json").read_text())
    change(m)
    (r / "manifest.json").write_text(json.dumps(m))


@pytest.mark.parametrize("change, words", [
    (lambda m: m.pop("grid"), "no 'grid' field"),
    (lambda m: m.update(version="2"), "'version' field must be a whole number"),
    (lambda m: m["grid"].update(size="8"), "'grid' field must be"),
    (lambda m: m["grid"].update(size=8.5), "'grid' field must be"),
    (lambda m: m["grid"].update(bounds=[[2, -2], [-1, 1]]), "'grid' field must be"),
    (lambda m: m["grid"].update(bounds="[-2, 2]"), "'grid' field must be"),
    (lambda m: m.update(data_dim="2"), "'data_dim' field must be 1 or 2"),
    (lambda m: m.update(data_dim=1), "grid has 2 dimension(s) but data_dim is 1"),
    (lambda m: m.update(latent_dim=None), "'latent_dim' field must be"),
    (lambda m: m.update(n_samples=[5]), "'n_samples' field must be"),
    (lambda m: m.update(dtype="float8"), "'dtype' field must be"),
    (lambda m: m.update(config={"name": 3}), "'config' field must be"),
])
def test_a_manifest_with_a_missing_or_mistyped_field(tmp_path, change, words):
    write(tmp_path / "r", range(3))
    edit_manifest(tmp_path / "r", change)
    with pytest.raises(GananimError) as err:
        load(tmp_path / "r")
    assert str(err.value).startswith(f"{tmp_path / 'r' / 'manifest.json'} is damaged") and words in str(err.value)
    assert "\n" not in str(err.value)


def test_a_chunk_without_its_step_array(tmp_path):
    write(tmp_path / "r", range(6), chunk_size=3)
    chunk = tmp_path / "r" / "chunks" / "000001.npz"
    np.savez(chunk, **{k: v for k, v in np.load(chunk).items() if k != "step"})
    with pytest.raises(GananimError, match=f"{chunk} is damaged: it has no 'step' array"):
        load(tmp_path / "r")


def test_steps_that_are_not_whole_numbers(tmp_path):
    write(tmp_path / "r", range(3))
    chunk = tmp_path / "r" / "chunks" / "000000.npz"
    np.savez(chunk, **{**np.load(chunk), "step": np.array([0.0, 1.0, 2.0])})
    with pytest.raises(GananimError, match=f"{chunk} is damaged: its 'step' array"):
        load(tmp_path / "r")


@pytest.mark.parametrize("name, shape", [("density", (3, 8, 9)), ("samples", (3, 5, 1)), ("d_grid", (3, 64)),
                                         ("mapping", (3, 9)), ("scalar__d_loss", (2,))])
def test_arrays_shaped_wrong_for_the_manifest(tmp_path, name, shape):
    write(tmp_path / "r", range(3))
    chunk = tmp_path / "r" / "chunks" / "000000.npz"
    np.savez(chunk, **{**np.load(chunk), name: np.zeros(shape, np.float32)})
    with pytest.raises(GananimError) as err:
        load(tmp_path / "r")[0]
    assert str(err.value).startswith(f"recording file {chunk} is damaged: its {name!r} array has shape {shape}")


def test_fixed_arrays_shaped_wrong(tmp_path):
    write(tmp_path / "r", range(3))
    np.savez(tmp_path / "r" / "fixed.npz", latents=np.zeros((5, 3), np.float32), latent_grid=np.zeros((9, 2), np.float32))
    with pytest.raises(GananimError, match="fixed.npz is damaged: its 'latents' array has shape"):
        load(tmp_path / "r")


def chunk_with_steps(path, steps):
    np.savez(path, step=np.array(steps), **{k: np.stack([v] * len(steps)) for k, v in snapshot(0).items()},
             scalar__order=np.arange(len(steps), dtype=np.float64))


def test_repeated_and_backward_steps_are_dropped_keeping_the_first(tmp_path):
    write(tmp_path / "r", [0])
    chunks = tmp_path / "r" / "chunks"
    chunk_with_steps(chunks / "000000.npz", [0, 10, 10, 20])  # a repeat within a chunk
    chunk_with_steps(chunks / "000001.npz", [20, 5, 30])  # across chunks, and going back
    with pytest.warns(RecordingWarning) as warned:
        rec = load(tmp_path / "r")
    assert rec.steps.tolist() == [0, 10, 20, 30] and len(rec) == 4
    assert rec.scalars["order"].tolist() == [0, 1, 3, 2]  # the first snapshot of step 10 is kept
    assert rec[3].step == 30 and rec.index_at(25) == 2
    assert [str(w.message) for w in warned] == rec.problems and len(rec.problems) == 2
    assert "000000.npz repeats or goes back to steps read before: 1 snapshot(s) left out" in rec.problems[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec.refresh()  # the same problems are not warned again
    assert len(rec.problems) == 2
