"""`gananim export`: the scalars, events and clip, read back with TensorBoard's own event reader and from wandb's
offline run files. Each export runs the CLI in a fresh interpreter without torch (exporting, like rendering, must
not need it) and with a small, short clip.
"""

import io
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gananim.analysis import analyse
from gananim.recording.reader import load
from gananim.rendering.encode import probe

ROOT = Path(__file__).parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "v1-2d"
CLI = 'import sys; sys.modules["torch"] = None; {block}from gananim.cli.commands import main; sys.exit(main(sys.argv[1:]))'
CLIP = ["--size", "160x120", "--fps", "5", "--duration", "2"]


def gananim(*args, cwd: Path, block: tuple[str, ...] = (), env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a fresh interpreter without torch (and without the `block`ed packages)."""
    code = CLI.format(block="".join(f'sys.modules["{name}"] = None; ' for name in block))
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=300,
    )


@pytest.fixture
def recording(tmp_path):
    """A copy of a 7-snapshot 2D recording (exporting analyses it, which caches beside it)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


def expected_series(run: Path) -> dict[str, dict[int, float]]:
    """What every export must hold: each analysed series by tag, finite points only, by step. The loop's own scalars
    keep their names: what it logged at every step (the dense series), in the fixture (gananim 0.1.0, before those)
    its two losses; everything gananim measured (probes, metrics) is under gananim/."""
    rec = load(run)
    a, logged = analyse(rec), set(rec.dense) or {"d_loss", "g_loss"}
    out = {}
    for name, values in a.series.items():
        points = {int(s): float(v) for s, v in zip(a.steps, values) if np.isfinite(v)}
        if points:
            out[name if name in logged else f"gananim/{name}"] = points
    return out


def test_tensorboard_export_reads_back_with_tensorboards_reader(recording, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    # an event to export: a third of the samples NaN at step 30 (the fixture's own frames show no event since the
    # rules read the protocol's window: its old "mode hop" was a band sweeping past the modes, issue 19)
    with np.load(recording / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    arrays["scalar__nonfinite_share"] = np.where(arrays["step"] == 30, 0.3, 0.0)
    np.savez(recording / "chunks" / "000000.npz", **arrays)
    done = gananim("export", recording, "--tensorboard", tmp_path / "tb", *CLIP, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "tb" / "v1-2d"  # one TensorBoard run per recording, named like its videos
    assert f"exported to TensorBoard: {folder}" in done.stdout.replace("\n", "")
    files = list(folder.glob("events.out.tfevents.*"))
    assert len(files) == 1
    acc = EventAccumulator(str(folder), size_guidance={"images": 0, "scalars": 0, "tensors": 0}).Reload()
    tags = acc.Tags()
    want = expected_series(recording)
    assert set(tags["scalars"]) == set(want) and {"d_loss", "gananim/d_real", "gananim/core_share"} <= set(want)
    for tag, points in want.items():
        got = {e.step: e.value for e in acc.Scalars(tag)}
        assert got.keys() == points.keys(), tag
        np.testing.assert_allclose(list(got.values()), list(points.values()), rtol=1e-6, err_msg=tag)
    assert 0 not in {e.step for e in acc.Scalars("d_loss")}  # not logged at step 0: left out, not a NaN point
    # the clip: an animated GIF at the last step, which TensorBoard's Images tab plays
    (clip,) = acc.Images("gananim/clip")
    assert clip.step == 60 and (clip.width, clip.height) == (160, 120)
    gif = Image.open(io.BytesIO(clip.encoded_image_string))
    assert gif.format == "GIF" and gif.size == (160, 120) and gif.n_frames > 1
    # the events, as a text summary
    (events,) = acc.Tensors("gananim/events")
    text = events.tensor_proto.string_val[0].decode()
    assert events.step == 60 and text.count("divergence") == 1, text  # the caption once, not "divergence: divergence"
    # a recording before wall times were kept: a proxy that keeps the order, from the manifest's `created` on
    walls = [e.wall_time for e in acc.Scalars("gananim/d_real")]
    created = datetime.strptime(load(recording).manifest["created"], "%Y-%m-%dT%H:%M:%S%z").timestamp()
    assert walls == [created + k for k in range(len(walls))]


def test_logged_scalars_are_exported_at_every_step_they_were_logged(recording, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    (recording / "dense").mkdir()  # what a Recorder writes for `rec.step(step, d_loss=...)` on steps 1..60
    steps = np.arange(1, 61)
    np.savez_compressed(
        recording / "dense" / "000000.npz", step__d_loss=steps, value__d_loss=(steps / 64).astype(np.float32)
    )
    done = gananim("export", recording, "--tensorboard", tmp_path / "tb", *CLIP, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    acc = EventAccumulator(str(tmp_path / "tb" / "v1-2d"), size_guidance={"scalars": 0}).Reload()
    assert [(e.step, e.value) for e in acc.Scalars("d_loss")] == [(s, s / 64) for s in range(1, 61)]
    assert [e.step for e in acc.Scalars("gananim/d_real")] == load(recording).steps.tolist()  # at the snapshots


def test_tensorboard_keeps_the_recordings_wall_times(tmp_path):
    """A Recorder keeps when each snapshot was taken; the export's events carry those times (TensorBoard's Wall
    and Relative axes), and a step logged between two snapshots gets a time between theirs."""
    torch = pytest.importorskip("torch")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from gananim.record.recorder import Recorder

    G, D = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    with Recorder(tmp_path / "run", G, D, data=[(-1, 1), (-1, 1)], every=4, quiet=True) as rec:
        for step in range(9):
            rec.step(step, scalars={"train/d_loss": step / 8})
            time.sleep(0.05)  # the snapshots' wall times, apart
    taken = load(tmp_path / "run").wall_times
    assert len(taken) == 3 and (np.diff(taken) >= 0.2).all()  # steps 0, 4, 8: four sleeps apart
    out = gananim("export", tmp_path / "run", "--tensorboard", tmp_path / "tb", *CLIP, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    acc = EventAccumulator(str(tmp_path / "tb" / "run"), size_guidance={"scalars": 0}).Reload()
    assert "train/d_loss" in acc.Tags()["scalars"] and "gananim/d_fake" in acc.Tags()["scalars"]
    np.testing.assert_allclose([e.wall_time for e in acc.Scalars("gananim/d_fake")], taken, rtol=0, atol=1e-6)
    dense = {e.step: e.wall_time for e in acc.Scalars("train/d_loss")}
    np.testing.assert_allclose(dense[2], (taken[0] + taken[1]) / 2, rtol=0, atol=1e-6)  # halfway, by step
    assert dense[0] == pytest.approx(taken[0], abs=1e-6) and dense[8] == pytest.approx(taken[2], abs=1e-6)


def test_tensorboard_export_again_needs_overwrite(recording, tmp_path):
    tb = tmp_path / "tb"
    assert gananim("export", recording, "--tensorboard", tb, *CLIP, "--duration", "0.5", cwd=tmp_path).returncode == 0
    (first,) = (tb / "v1-2d").glob("events.out.tfevents.*")
    again = gananim("export", recording, "--tensorboard", tb, *CLIP, cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1, again.stderr
    assert "already holds TensorBoard event files" in again.stderr and "--overwrite" in again.stderr
    assert list((tb / "v1-2d").glob("events.out.tfevents.*")) == [first]  # untouched
    assert (
        gananim(
            "export", recording, "--tensorboard", tb, *CLIP, "--duration", "0.5", "--overwrite", cwd=tmp_path
        ).returncode
        == 0
    )
    (second,) = (tb / "v1-2d").glob("events.out.tfevents.*")
    assert second != first


def wandb_records(file: Path) -> list:
    """The records of a wandb run file (a LevelDB-style log: 7-byte header, 32 KiB blocks, records split across
    blocks as FIRST/MIDDLE/LAST), as wandb's own protobuf messages."""
    from wandb.proto import wandb_internal_pb2

    data, block = file.read_bytes(), 32768
    assert data[:4] == b":W&B"
    pos, part, out = 7, b"", []
    while pos + 7 <= len(data):
        if block - pos % block < 7:  # a block's tail too short for a header is padding
            pos += block - pos % block
            continue
        length, kind = int.from_bytes(data[pos + 4 : pos + 6], "little"), data[pos + 6]
        part += data[pos + 7 : pos + 7 + length]
        pos += 7 + length
        if kind in (1, 4):  # FULL or LAST: a whole record
            out.append(wandb_internal_pb2.Record.FromString(part))
            part = b""
    return out


def test_wandb_export_in_offline_mode(recording, tmp_path):
    env = {"WANDB_MODE": "offline", "WANDB_DIR": str(tmp_path / "wb"), "WANDB_SILENT": "true"}
    (tmp_path / "wb").mkdir()
    done = gananim("export", recording, "--wandb", "--project", "p", "--name", "ring [1]", *CLIP, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    (run_dir,) = (tmp_path / "wb" / "wandb").glob("offline-run-*")
    assert f"wandb sync {run_dir}" in done.stdout.replace("\n", "")
    records = wandb_records(next(run_dir.glob("run-*.wandb")))
    (run,) = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert (run.project, run.display_name) == ("p", "ring [1]")
    history = {}
    for r in records:
        if r.WhichOneof("record_type") == "history":
            items = {"/".join(i.nested_key) or i.key: i.value_json for i in r.history.item}
            history.setdefault(r.history.step.num, {}).update(items)
    assert sorted(history) == load(recording).steps.tolist()
    for tag, points in expected_series(recording).items():
        got = {step: float(row[tag]) for step, row in history.items() if tag in row}
        assert got.keys() == points.keys(), tag
        np.testing.assert_allclose(list(got.values()), list(points.values()), rtol=1e-6, err_msg=tag)
    # the clip as a wandb.Video of the MP4, at the last step
    last = history[60]
    assert last["gananim/clip/_type"] == '"video-file"'
    mp4 = run_dir / "files" / last["gananim/clip/path"].strip('"')
    info = probe(mp4)
    assert mp4.suffix == ".mp4" and (info["width"], info["height"]) == (160, 120) and info["nb_frames"] > 1


def test_export_mistakes_are_one_line(recording, tmp_path):
    cases = [
        (["export", tmp_path / "nope", "--tensorboard", tmp_path / "tb"], (), "no recording at"),
        (["export", recording], (), "say where to export: --tensorboard DIR, --wandb, or both"),
        (
            ["export", recording, "--tensorboard", tmp_path / "tb"],
            ("tensorboard",),
            "exporting to TensorBoard needs tensorboard, which is not installed: pip install 'gananim[tensorboard]'",
        ),
        (
            ["export", recording, "--wandb"],
            ("wandb",),
            "exporting to Weights & Biases needs wandb, which is not installed: pip install 'gananim[wandb]'",
        ),
    ]
    for args, block, message in cases:
        done = gananim(*args, cwd=tmp_path, block=block)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "tb").exists() and not (tmp_path / "wandb").exists()  # refused before anything is written
