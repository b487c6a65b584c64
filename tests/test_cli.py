"""The `gananim` command: happy paths end to end, and user mistakes as one line with exit code 2."""

import json
import os
import shlex
import subprocess
import sys

import click
import pytest
import torch

import gananim
from gananim.cli import commands as cli
from gananim.cli import terminal
from gananim.cli.commands import main
from gananim.lab import train
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
    for name in (
        "two-points",
        "four-points",
        "circle",
        "vae-circle",
        "gauss-1d",
        "mixture-1d",
        "five-clusters",
        "goodfellow-1d",
        "strong-d",
        "strong-g",
        "noisy",
        "mmd",
        "inverse-cdf",
        "ring8",
        "grid25",
    ):
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
    code, _, err = run(
        capsys,
        "record",
        "--config",
        str(tiny_config),
        "--steps",
        "8",
        "--every",
        "2",
        "--out",
        str(out_dir),
        "--resume",
    )
    assert code == 0, err
    assert gananim.load(out_dir).steps.tolist() == [0, 2, 4, 6, 8]
    assert gananim.load(out_dir).manifest["config"]["steps"] == 8  # the manifest tells the resumed run's config
    code, _, err = run(
        capsys,
        "record",
        "--config",
        str(tiny_config),
        "--steps",
        "2",
        "--every",
        "2",
        "--out",
        str(out_dir),
        "--overwrite",
    )
    assert code == 0, err
    assert gananim.load(out_dir).steps.tolist() == [0, 2]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["record", "no-such-preset"], ["no-such-preset"]),
        (["record"], ["preset"]),
        (["record", "--config", "/nonexistent.toml"], ["cannot read config"]),
        (["record", "ring8", "--every", "0"], ["--every"]),
        (["record", "ring8", "--bogus"], ["--bogus"]),
        (["info", "/nonexistent"], ["does not exist"]),
        (["render", "/nonexistent"], ["does not exist"]),
        (["presets", "--show", "nope"], ["nope"]),
        (["presets", "--show", ""], ["unknown preset ''", "ring8"]),  # listed the presets with exit 0
        (["record", "ring8", "--config", "my.toml"], ["not both"]),
        (["record", "ring8", "--seed", "99999999999999999999"], ["seed must be >= 0 and < 2**63"]),
        (["render", "/nonexistent", "--fps", "nan"], ["--fps", "not a finite number"]),
        (["render", "/nonexistent", "--speed", "inf"], ["--speed", "not a finite number"]),
        (["render", "runs/x", "--scene", "scenes/mode_hopping.py"], ["No such option '--scene'"]),
        (["scene", "runs/x", "scenes/mode_hopping.py"], ["the script comes first"]),
    ],
)
def test_user_mistakes_are_one_line(capsys, argv, words):
    code, _, err = run(capsys, *argv)
    one_line_error(code, err, *words)


def test_invalid_config_values(tmp_path, capsys, tiny_config):
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny_config.read_text().replace("[train]", "[train]\nlos = 'x'", 1))
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "unknown config key", "los")
    bad.write_text("this is = = not toml")
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "not valid TOML")
    bad.write_text(
        tiny_config.read_text().replace("[train]", "[train]\nloss = 'wasserstein'", 1)
        if "loss =" not in tiny_config.read_text()
        else tiny_config.read_text().replace('loss = "', 'loss = "x', 1)
    )
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "train.loss")


def test_corrupt_recording(tmp_path, capsys):
    rec = record_known(tmp_path / "r", lambda z, t: z, None, 2, [(-2.0, 2.0), (-2.0, 2.0)])
    chunk = rec.path / "chunks" / "000000.npz"
    chunk.write_bytes(chunk.read_bytes()[:100])
    one_line_error(*run(capsys, "info", str(rec.path))[::2], "damaged")
    one_line_error(*run(capsys, "render", str(rec.path))[::2], "damaged")


def test_render_from_the_command_line(tmp_path, capsys):
    rec = record_known(
        tmp_path / "r",
        lambda z, t: 0.5 * z + torch.tensor([t, 0.0]),
        lambda x, t: x[:, 0],
        2,
        [(-2.0, 2.0), (-2.0, 2.0)],
    )
    code, out, err = run(
        capsys, "render", str(rec.path), "--view", "surface", "--size", "160x120", "--out", str(tmp_path / "v.mp4")
    )
    assert code == 0, err
    assert f"wrote {tmp_path / 'v.mp4'}" in out and (tmp_path / "v.mp4").exists()
    one_line_error(*run(capsys, "render", str(rec.path), "--view", "mountainz")[::2], "unknown view")
    one_line_error(*run(capsys, "render", str(rec.path), "--steps", "x")[::2], "--steps")


def test_the_installed_command_exits_2_without_traceback(tmp_path):
    exe = [sys.executable, "-m", "gananim.cli.commands"]
    result = subprocess.run(exe + ["info", str(tmp_path / "missing")], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "does not exist" in result.stderr


def test_bare_command_prints_the_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and out.startswith("Usage: gananim") and "scene" in out


# --------------------------------------------------------------------------- issue 8: printed literally


def test_user_strings_print_literally(tmp_path, capsys, tiny_config):
    # rich read these as markup: '[/x]' crashed with MarkupError, '[lr=1e-3]' vanished from the path
    one_line_error(*run(capsys, "info", f"{tmp_path}/[/x]")[::2], f"{tmp_path}/[/x]")
    one_line_error(
        *run(capsys, "info", str(tmp_path / "exp[lr=1e-3]"))[::2], f"no recording at {tmp_path / 'exp[lr=1e-3]'}"
    )
    bad = tmp_path / "bad.toml"  # the section name '[train]' was eaten
    bad.write_text(tiny_config.read_text().replace("[train]", "[train]\nlos = 'x'", 1))
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "unknown config key [train] 'los'")
    rec = record_known(tmp_path / "exp[lr=1e-3]", lambda z, t: z, None, 2, [(-2.0, 2.0), (-2.0, 2.0)])
    code, out, err = run(capsys, "info", str(rec.path))
    assert code == 0, err
    assert str(rec.path) in "".join(out.split())  # the table may wrap the path, never drop a part of it


def test_config_named_like_markup_records_and_says_where(tmp_path, capsys, tiny_config):
    config = tmp_path / "exp[lr=1e-3].toml"
    config.write_text(tiny_config.read_text())
    out_dir = tmp_path / "runs" / "exp[lr=1e-3]"
    code, out, err = run(capsys, "record", "--config", str(config), *TINY, "--out", str(out_dir))
    assert code == 0, err
    assert f"to {out_dir}" in out and gananim.load(out_dir).manifest["config"]["name"] == "exp[lr=1e-3]"


# --------------------------------------------------------------------------- issue 8: --out and configs


def test_out_naming_a_file_is_refused(tmp_path, capsys, tiny_config):
    afile = tmp_path / "notes.txt"
    afile.write_text("mine")
    one_line_error(
        *run(capsys, "record", "--config", str(tiny_config), *TINY, "--out", str(afile))[::2], "is a file, not a folder"
    )
    one_line_error(
        *run(capsys, "record", "--config", str(tiny_config), *TINY, "--out", str(afile / "run"))[::2],
        "is a file, not a folder",
    )
    assert afile.read_text() == "mine" and set(tmp_path.iterdir()) == {afile, tiny_config}


def set_key(text: str, key: str, value: str) -> str:
    """The config text with every `key = ...` line's value replaced."""
    lines = [f"{key} = {value}" if ln.split("=")[0].strip() == key else ln for ln in text.splitlines()]
    assert lines != text.splitlines(), key
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("lr", "1e308", ["lr must be <= 10"]),  # overflowed mid-run and left a partial recording
        ("betas", "[5, -1]", ["betas must each be >= 0 and < 1"]),  # torch's ValueError traceback
        ("seed", "99999999999999999999", ["seed must be >= 0 and < 2**63"]),  # torch.manual_seed overflow traceback
        ("instance_noise", "nan", ["train.instance_noise", "finite"]),
        ("momentum", "1.5", ["momentum must be >= 0 and < 1"]),
        ("batch_size", "99999999999", ["train.batch_size must be <="]),
    ],
)
def test_bad_config_values_leave_nothing_on_disk(tmp_path, capsys, tiny_config, key, value, words):
    bad = tmp_path / "bad.toml"
    bad.write_text(set_key(tiny_config.read_text(), key, value))
    out_dir = tmp_path / "run"
    one_line_error(*run(capsys, "record", "--config", str(bad), "--out", str(out_dir))[::2], *words)
    assert not out_dir.exists()


def test_config_not_utf8(tmp_path, capsys):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'name = "caf\xe9"\n')
    one_line_error(*run(capsys, "record", "--config", str(bad))[::2], "is not UTF-8 text")


@pytest.mark.parametrize(
    "override, words",
    [
        (["--seed", "99999999999999999999"], ["seed must be >= 0 and < 2**63"]),
        (["--seed", "-1"], ["seed must be >= 0"]),
        (["--steps", "99999999999999"], ["steps must be <="]),
        (["--every", "99999999999999"], ["record.every must be an integer from 1 to 1,000,000,000"]),
    ],
)
def test_bad_overrides_leave_nothing_on_disk(tmp_path, capsys, tiny_config, override, words):
    out_dir = tmp_path / "run"
    one_line_error(*run(capsys, "record", "--config", str(tiny_config), *override, "--out", str(out_dir))[::2], *words)
    assert not out_dir.exists()


# --------------------------------------------------------------------------- issue 8: render arguments


@pytest.fixture(scope="module")
def steps_0_to_4(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("r") / "r", lambda z, t: z, lambda x, t: x[:, 0], 2, [(-2.0, 2.0), (-2.0, 2.0)]
    )


@pytest.mark.parametrize(
    "size, words",
    [
        ("100000x100000", ["100000x100000 is too large", "the largest allowed is 7680x4320"]),  # was a MemoryError
        ("7682x4320", ["too large"]),
        ("0x0", ["0x0 is too small", "at least 64x64"]),
        ("-640x480", ["too small"]),
        ("720x480x3", ["unknown size '720x480x3'"]),
        ("1e3x600", ["unknown size"]),
    ],
)
def test_render_sizes_are_refused_up_front(tmp_path, capsys, steps_0_to_4, size, words):
    out = tmp_path / "out" / "v.mp4"
    one_line_error(*run(capsys, "render", str(steps_0_to_4.path), "--size", size, "--out", str(out))[::2], *words)
    assert not (tmp_path / "out").exists()


def test_render_odd_size_is_rounded_down_to_even(tmp_path, capsys, steps_0_to_4):
    from media import decode_frames

    out = tmp_path / "v.mp4"
    code, _, err = run(capsys, "render", str(steps_0_to_4.path), "--size", "161x121", "--out", str(out))
    assert code == 0, err
    assert decode_frames(out).shape[1:3] == (120, 160)


@pytest.mark.parametrize(
    "steps, words",
    [
        ("5000:6000", ["steps 5000:6000 select no snapshot", "has steps 0–4"]),  # said only "no snapshots in the range"
        ("5:", ["steps 5: select no snapshot", "has steps 0–4"]),
        ("1:2:3", ["--steps takes A:B"]),
        ("-5:3", ["--steps takes A:B"]),
        (":", ["--steps takes A:B"]),
        ("3:1", ["the start is after the end"]),
    ],
)
def test_render_steps_outside_the_recording(tmp_path, capsys, steps_0_to_4, steps, words):
    code, _, err = run(capsys, "render", str(steps_0_to_4.path), "--steps", steps, "--out", str(tmp_path / "v.mp4"))
    one_line_error(code, err, *words)
    assert not (tmp_path / "v.mp4").exists()


def test_render_length_is_bounded(tmp_path, capsys, steps_0_to_4):
    one_line_error(*run(capsys, "render", str(steps_0_to_4.path), "--duration", "1e9")[::2], "at most 3,600 s")


# --------------------------------------------------------------------------- issue 8: Ctrl-C


def ctrl_c_at(monkeypatch, count: int):
    """Press Ctrl-C when a progress bar reaches `count` (the first time only)."""
    update = terminal.LazyProgress.update
    pressed = []

    def press(self, completed, *args, **kwargs):
        if completed >= count and not pressed:
            pressed.append(completed)
            raise KeyboardInterrupt
        return update(self, completed, *args, **kwargs)

    monkeypatch.setattr(terminal.LazyProgress, "update", press)
    return pressed


def test_ctrl_c_in_record_prints_the_command_that_continues(tmp_path, capsys, monkeypatch, tiny_config):
    monkeypatch.setattr(train, "CHECKPOINT_SECS", 0.0)  # a checkpoint after every step
    out_dir = tmp_path / "my runs" / "r"
    ctrl_c_at(monkeypatch, 3)
    code, _, err = run(
        capsys, "record", "--config", str(tiny_config), "--steps", "6", "--every", "1", "--out", str(out_dir)
    )
    assert code == 130 and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"interrupted at step 3 of 6: what was flushed is in {out_dir}; continue with `"), line
    again = shlex.split(line.split("`")[1])
    assert again[:2] == ["gananim", "record"] and again[-1] == "--resume"
    monkeypatch.undo()
    monkeypatch.setattr(train, "CHECKPOINT_SECS", 0.0)
    code, _, err = run(capsys, *again[1:])
    assert code == 0, err
    assert gananim.load(out_dir).steps.tolist() == list(range(7))


def test_ctrl_c_in_render_says_no_video_was_written(tmp_path, capsys, monkeypatch, steps_0_to_4):
    ctrl_c_at(monkeypatch, 2)
    out = tmp_path / "v.mp4"
    code, _, err = run(capsys, "render", str(steps_0_to_4.path), "--size", "160x120", "--out", str(out))
    assert code == 130 and err.strip().splitlines()[-1].startswith("interrupted: no video was written")
    assert list(tmp_path.iterdir()) == []  # no video, no temporary file


def test_ctrl_c_outside_a_command(capsys, monkeypatch):
    for raised in (click.exceptions.Abort, KeyboardInterrupt):

        def press(*args, **kwargs):
            raise raised()

        monkeypatch.setattr(cli.cli, "main", press)
        code, _, err = run(capsys, "info", "x")
        assert code == 130 and err.strip() == "interrupted before any command ran: nothing was written"


def test_render_out_through_a_file(tmp_path, capsys, steps_0_to_4):
    afile = tmp_path / "notes"
    afile.write_text("mine")
    for out in (afile, afile / "v.mp4", afile / "sub" / "v.mp4"):  # was "File exists" / "Not a directory"
        one_line_error(*run(capsys, "render", str(steps_0_to_4.path), "--out", str(out))[::2], "a file is in the way")
    assert afile.read_text() == "mine" and list(tmp_path.iterdir()) == [afile]


def test_resume_without_a_checkpoint_prints_a_note(tmp_path, capsys, monkeypatch):
    """The lab's "nothing to resume: starting from step 0" reaches the terminal as one literal `note:` line."""
    out = tmp_path / "run[1]"
    code, _, err = run(capsys, "record", "goodfellow-1d", "--steps", "4", "--every", "2", "--out", str(out), "--resume")
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    assert notes == [f"note: nothing to resume in {out} (no checkpoint.pt): starting from step 0"]


# --------------------------------------------------------------------------- issue 12: output for pipes and shells


def test_info_json_is_one_line_per_field(tmp_path, capsys, steps_0_to_4):
    """`info --json` was 336 lines for 151 snapshots (a step a line); now a top-level field a line, still one JSON value."""
    code, out, err = run(capsys, "info", str(steps_0_to_4.path), "--json")
    assert code == 0, err
    data = json.loads(out)
    lines = out.strip().splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and len(lines) == len(data) + 2
    for line, key in zip(lines[1:-1], data):
        assert line.startswith(f'  "{key}": ') and json.loads(line.split(": ", 1)[1].rstrip(",")) == data[key]
    assert data["steps"] == steps_0_to_4.steps.tolist() and len(steps_0_to_4.steps) > 2


def test_render_says_where_it_writes_before_it_starts(tmp_path, capsys, steps_0_to_4, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seen = []
    from gananim.rendering import pipeline

    real_frames = pipeline.frames

    def frames(*args, **kwargs):  # what was printed by the time the first frame is drawn
        seen.append(capsys.readouterr().out)
        yield from real_frames(*args, **kwargs)

    monkeypatch.setattr(pipeline, "frames", frames)
    code, out, err = run(
        capsys,
        "render",
        str(steps_0_to_4.path),
        "--view",
        "surface",
        "--size",
        "160x120",
        "--duration",
        "1",
        "--fps",
        "10",
    )
    assert code == 0, err
    target = "renders/r-surface.mp4"
    assert seen and f"rendering 10 frames (1.0 s at 10 fps) into {target}" in seen[0]
    assert (tmp_path / target).is_file() and f"wrote {target}" in out


@pytest.mark.parametrize(
    "shell, marker",
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef gananim"), ("fish", "complete --no-files --command gananim")],
)
def test_shell_completion_script_is_produced(shell, marker):
    """The README's `eval "$(_GANANIM_COMPLETE=bash_source gananim)"`: click writes the script for each shell."""
    env = {**os.environ, "_GANANIM_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from gananim.cli.commands import main; sys.exit(main())"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout and "_GANANIM_COMPLETE" in done.stdout


def test_shell_completion_completes_commands_and_options():
    """What the script asks at a TAB: `gananim ren<TAB>` → render, `gananim render --cr<TAB>` → --crf."""

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_GANANIM_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),  # after a space: a new word
        }
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from gananim.cli.commands import main; sys.exit(main())"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return [ln.split(",", 1)[1] for ln in done.stdout.splitlines()]

    assert complete("gananim ren") == ["render"]
    assert complete("gananim render --cr") == ["--crf"]
    # view names for --view, preset names for a preset: the lists the commands themselves accept
    from gananim.lab.presets import list_presets
    from gananim.rendering.views.base import view_names

    assert complete("gananim render runs/x --view ") == view_names()
    assert {"grid", "surface", "dashboard", "goodfellow-1d"} <= set(view_names())
    assert complete("gananim render runs/x --view m") == ["mapping", "mountains"]
    assert complete("gananim export runs/x --view d") == [n for n in view_names() if n.startswith("d")]
    presets = [name for name, _ in list_presets()]
    assert complete("gananim record ") == presets and "five-clusters" in presets
    assert complete("gananim record ring") == [p for p in presets if p.startswith("ring")] and "ring8" in presets
    assert complete("gananim presets --show dig") == [p for p in presets if p.startswith("dig")]
