"""The `gananim` command: happy paths end to end, and user mistakes as one line with exit code 2."""

import json
import subprocess
import sys

import pytest
import torch

import gananim
from gananim.cli import main
from synthetic import record_known

TINY = ["--steps", "4", "--every", "2"]


def run(capsys, *argv):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code, err, *words):
    assert code == 2, err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture
def tiny_config(tmp_path):
    """A copy of a preset, shrunk so a record takes a second."""
    from gananim.lab.presets import preset_path

    text = preset_path("gauss-1d").read_text()
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


def test_presets_lists_every_experiment(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name in ("two-points", "four-points", "circle", "vae-circle", "gauss-1d", "mixture-1d", "five-clusters",
                 "goodfellow-1d", "strong-d", "strong-g", "noisy", "mmd", "inverse-cdf", "ring8", "grid25"):
        assert name in out
    code, out, _ = run(capsys, "presets", "--show", "ring8")
    assert code == 0 and "[target]" in out


def test_record_then_info(tmp_path, capsys, tiny_config):
    out_dir = tmp_path / "run"
    code, out, err = run(capsys, "record", "--config", str(tiny_config), *TINY, "--seed", "3", "--out", str(out_dir))
    assert code == 0, err
    assert f"recorded 3 snapshots (steps 0–4) to {out_dir}" in out
    rec = gananim.load(out_dir)
    assert rec.steps.tolist() == [0, 2, 4] and rec.manifest["config"]["seed"] == 3
    code, out, _ = run(capsys, "info", str(out_dir))
    assert code == 0 and "snapshots" in out and "d_loss" in out
    code, out, _ = run(capsys, "info", str(out_dir), "--json")
    data = json.loads(out)
    assert data["snapshots"] == 3 and data["manifest"]["data_dim"] == 1 and "d_loss" in data["scalars"]


def test_existing_recording_is_refused_then_overwritten_or_resumed(tmp_path, capsys, tiny_config):
    out_dir = tmp_path / "run"
    assert run(capsys, "record", "--config", str(tiny_config), *TINY, "--out", str(out_dir))[0] == 0
    before = {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    code, _, err = run(capsys, "record", "--config", str(tiny_config), *TINY, "--out", str(out_dir))
    one_line_error(code, err, "already exists", "--overwrite", "--resume")
    assert before == {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    code, _, err = run(capsys, "record", "--config", str(tiny_config), "--steps", "8", "--every", "2", "--out", str(out_dir), "--resume")
    assert code == 0, err
    assert gananim.load(out_dir).steps.tolist() == [0, 2, 4, 6, 8]
    assert gananim.load(out_dir).manifest["config"]["steps"] == 8  # the manifest tells the resumed run's config
    code, _, err = run(capsys, "record", "--config", str(tiny_config), "--steps", "2", "--every", "2", "--out", str(out_dir), "--overwrite")
    assert code == 0, err
    assert gananim.load(out_dir).steps.tolist() == [0, 2]


@pytest.mark.parametrize("argv, words", [
    (["record", "no-such-preset"], ["no-such-preset"]),
    (["record"], ["preset"]),
    (["record", "--config", "/nonexistent.toml"], ["cannot read config"]),
    (["record", "ring8", "--every", "0"], ["--every"]),
    (["record", "ring8", "--bogus"], ["--bogus"]),
    (["info", "/nonexistent"], ["does not exist"]),
    (["render", "/nonexistent"], ["does not exist"]),
    (["presets", "--show", "nope"], ["nope"]),
])
def test_user_mistakes_are_one_line(capsys, argv, words):
    code, _, err = run(capsys, *argv)
    one_line_error(code, err, *words)


def test_invalid_config_values(tmp_path, capsys, tiny_config):
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny_config.read_text().replace("[train]", "[train]\nlos = 'x'", 1))
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "unknown config key", "los")
    bad.write_text("this is = = not toml")
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "not valid TOML")
    bad.write_text(tiny_config.read_text().replace("[train]", "[train]\nloss = 'wasserstein'", 1) if "loss =" not in tiny_config.read_text()
                   else tiny_config.read_text().replace('loss = "', 'loss = "x', 1))
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "train.loss")


def test_corrupt_recording(tmp_path, capsys):
    rec = record_known(tmp_path / "r", lambda z, t: z, None, 2, [(-2.0, 2.0), (-2.0, 2.0)])
    chunk = rec.path / "chunks" / "000000.npz"
    chunk.write_bytes(chunk.read_bytes()[:100])
    one_line_error(*run(capsys, "info", str(rec.path))[::2], "damaged")
    one_line_error(*run(capsys, "render", str(rec.path))[::2], "damaged")


def test_render_from_the_command_line(tmp_path, capsys):
    rec = record_known(tmp_path / "r", lambda z, t: 0.5 * z + torch.tensor([t, 0.0]), lambda x, t: x[:, 0], 2,
                       [(-2.0, 2.0), (-2.0, 2.0)])
    code, out, err = run(capsys, "render", str(rec.path), "--view", "surface", "--size", "160x120", "--out", str(tmp_path / "v.mp4"))
    assert code == 0, err
    assert f"wrote {tmp_path / 'v.mp4'}" in out and (tmp_path / "v.mp4").exists()
    one_line_error(*run(capsys, "render", str(rec.path), "--view", "mountainz")[::2], "unknown view")
    one_line_error(*run(capsys, "render", str(rec.path), "--steps", "x")[::2], "--steps")


def test_the_installed_command_exits_2_without_traceback(tmp_path):
    exe = [sys.executable, "-m", "gananim.cli"]
    result = subprocess.run(exe + ["info", str(tmp_path / "missing")], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "does not exist" in result.stderr
