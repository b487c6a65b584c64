"""Nothing lost: --overwrite replaces only gananim's own files, one writer at a time, a full disk and a read-only
folder answered in one line with nothing damaged, and the atomic write under them all (issue 8)."""

import errno
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import gananim
from gananim.errors import GananimError
from gananim.recording.reader import load
from gananim.recording.writer import RecordingWriter
from test_store import FIXED, MANIFEST, files_of, snapshot, write

# --- overwrite replaces only a gananim recording (issue 8: --overwrite deleted a user's thesis) -------------------


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


@pytest.mark.parametrize(
    "extra", ["notes.txt", "chunks/notes.txt", "chunks/sub/000000.npz", "plots/a.png", "chunks/000000.npy"]
)
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
    for name in (
        "analysis.npz",
        "events.json",
        "checkpoint.pt",
        ".checkpoint.pt.tmp",
        "chunks/.000001.npz.tmp",
        ".events.json.0123abcd.tmp",
    ):
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
from gananim.recording.writer import RecordingWriter
writer = RecordingWriter(sys.argv[1], json.loads(sys.argv[2]), {"latents": np.zeros((5, 2), np.float32),
                         "latent_grid": np.zeros((9, 2), np.float32)}, overwrite=True)
print("holding", flush=True)
sys.stdin.read()
"""


def hold_lock(path):
    """Another process writing `path` (it holds the writer lock until killed or its stdin closes)."""
    env = {**os.environ, "PYTHONPATH": str(Path(gananim.__file__).parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), json.dumps(MANIFEST)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
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
                    super().write(bytes(data[: disk.room]))
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
    from gananim.cli.commands import main

    write(tmp_path / "r", range(3))
    read_only(monkeypatch, tmp_path / "r")
    assert main(["analyze", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: cannot write {tmp_path / 'r'}: it is on a read-only file system") and "\n" not in err
    assert not (tmp_path / "r" / "events.json").exists()


def test_record_resume_on_a_read_only_recording(tmp_path, monkeypatch, capsys):
    """Through the CLI and the lab: the checkpoint reads fine, the writer cannot write."""
    from gananim.cli.commands import main
    from gananim.lab.presets import preset_path

    config = tmp_path / "mine.toml"
    config.write_text(preset_path("gauss-1d").read_text())
    out = tmp_path / "run"
    assert main(["record", "--config", str(config), "--steps", "4", "--every", "2", "--out", str(out)]) == 0
    before = files_of(out)
    capsys.readouterr()
    read_only(monkeypatch, out)
    assert main(["record", "--config", str(config), "--steps", "8", "--every", "2", "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: cannot write {out}: it is on a read-only file system") and "\n" not in err
    assert files_of(out) == before


# --- gananim.recording.atomic ---------------------------------------------------------------------------------------------


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from gananim.recording.atomic import atomic_write, write_bytes

    write_bytes(tmp_path / "f", b"old")

    def half_then_fail(f):
        f.write(b"new, but ")
        raise ValueError("the caller's own failure")

    with pytest.raises(ValueError, match="the caller's own failure"):  # not ours to explain: re-raised as it is
        atomic_write(tmp_path / "f", half_then_fail)
    assert (tmp_path / "f").read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["f"]


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "disk full writing"),
        (errno.EDQUOT, "disk full writing"),
        (errno.EACCES, "read-only (no write permission)"),
        (errno.EROFS, "on a read-only file system"),
        (errno.EIO, None),
    ],
)
def test_atomic_write_explains_what_a_user_can_fix(tmp_path, monkeypatch, code, words):
    from gananim.recording.atomic import write_bytes

    def fail(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(GananimError if words else OSError) as err:
        write_bytes(tmp_path / "f", b"data")
    if words:
        assert str(err.value).startswith(
            f"{'disk full writing' if 'disk' in words else 'cannot write'} {tmp_path / 'f'}"
        )
        assert words in str(err.value) and "\n" not in str(err.value)
    else:
        assert err.type is OSError and err.value.errno == errno.EIO  # nothing a user can do: left as it is
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
