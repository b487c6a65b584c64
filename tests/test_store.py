"""The on-disk recording: round trip, chunks, atomic flushes, refusals, purge, damage, numpy-only reading.
(Overwrite safety, the writer lock, a full disk and a read-only folder: test_store_safety.py.)"""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

import gananim
from gananim.errors import GananimError
from gananim.recording.reader import RecordingWarning, load
from gananim.recording.writer import RecordingWriter

GRID = {"bounds": [[-2.0, 2.0], [-1.0, 1.0]], "size": 8}
MANIFEST = {"data_dim": 2, "latent_dim": 2, "n_samples": 5, "grid": GRID, "latent_grid_shape": [3, 3], "every": 1}
FIXED = {"latents": np.zeros((5, 2), np.float32), "latent_grid": np.zeros((9, 2), np.float32)}


def snapshot(step: int) -> dict[str, np.ndarray]:
    """Arrays whose values encode the step, so reads can be checked exactly."""
    return {
        "samples": np.full((5, 2), step, np.float32),
        "mapping": np.full((9, 2), -step, np.float32),
        "d_grid": np.full((8, 8), step / 100, np.float32),
        "density": np.full((8, 8), step, np.float32),
    }


def write(path, steps, **kw) -> RecordingWriter:
    writer = RecordingWriter(path, MANIFEST, FIXED, **kw)
    for s in steps:
        writer.append(s, snapshot(s), {"d_loss": s * 0.5})
    writer.close()
    return writer


def files_of(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


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
    code = (
        "import sys, gananim; rec = gananim.load(sys.argv[1]); rec[0]; rec.scalars; "
        "assert 'torch' not in sys.modules, 'torch was imported'; print(len(rec))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3"
    assert gananim.Recording is type(load(tmp_path / "r"))


def test_index_at_synchronises_on_step(tmp_path):
    write(tmp_path / "r", range(0, 100, 10))
    rec = load(tmp_path / "r")
    assert [rec.index_at(s) for s in (0, 9, 10, 55, 1000)] == [0, 0, 1, 5, 9]


# --- damaged recordings: one line naming the file -------------------------------------------------------------------


def edit_manifest(r, change):
    m = json.loads((r / "manifest.json").read_text())
    change(m)
    (r / "manifest.json").write_text(json.dumps(m))


@pytest.mark.parametrize(
    "change, words",
    [
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
    ],
)
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


@pytest.mark.parametrize(
    "name, shape",
    [
        ("density", (3, 8, 9)),
        ("samples", (3, 5, 1)),
        ("d_grid", (3, 64)),
        ("mapping", (3, 9)),
        ("scalar__d_loss", (2,)),
    ],
)
def test_arrays_shaped_wrong_for_the_manifest(tmp_path, name, shape):
    write(tmp_path / "r", range(3))
    chunk = tmp_path / "r" / "chunks" / "000000.npz"
    np.savez(chunk, **{**np.load(chunk), name: np.zeros(shape, np.float32)})
    with pytest.raises(GananimError) as err:
        load(tmp_path / "r")[0]
    assert str(err.value).startswith(f"recording file {chunk} is damaged: its {name!r} array has shape {shape}")


def test_fixed_arrays_shaped_wrong(tmp_path):
    write(tmp_path / "r", range(3))
    np.savez(
        tmp_path / "r" / "fixed.npz", latents=np.zeros((5, 3), np.float32), latent_grid=np.zeros((9, 2), np.float32)
    )
    with pytest.raises(GananimError, match="fixed.npz is damaged: its 'latents' array has shape"):
        load(tmp_path / "r")


def chunk_with_steps(path, steps):
    np.savez(
        path,
        step=np.array(steps),
        **{k: np.stack([v] * len(steps)) for k, v in snapshot(0).items()},
        scalar__order=np.arange(len(steps), dtype=np.float64),
    )


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
