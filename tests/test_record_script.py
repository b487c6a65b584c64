"""`gananim record -- python train.py`: unmodified scripts (tests/scripts/) recorded, their results unchanged, and
the failures that answer in one line."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import gananim
from gananim.cli.commands import main

SCRIPTS = Path(__file__).parent / "scripts"
ROOT = Path(__file__).parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code, err, *words):
    assert code == 2, err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    for w in words:
        assert w in lines[0], (w, lines[0])


def python(cwd, *argv):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_a_recorded_script_runs_as_it_would_plainly(tmp_path):
    """Same stdout (its argv, cwd, __name__, losses, the RNG stream after training), exit code and final weights."""
    script, args = str(SCRIPTS / "plain_loop.py"), ["--steps", "12", "--exit", "3"]
    plain = python(tmp_path, script, *args, "--save", "plain.pt")
    recorded = python(
        tmp_path,
        "-m",
        "gananim.cli.commands",
        "record",
        "--every",
        "3",
        "--out",
        "rec",
        "--",
        "python",
        script,
        *args,
        "--save",
        "recorded.pt",
    )
    assert plain.returncode == recorded.returncode == 3, recorded.stderr
    assert (
        recorded.stdout.replace("recorded.pt", "plain.pt") == plain.stdout
        and "rng" in plain.stdout
        and "name __main__" in plain.stdout
    )
    a, b = torch.load(tmp_path / "plain.pt"), torch.load(tmp_path / "recorded.pt")
    assert all(torch.equal(a[m][k], b[m][k]) for m in ("G", "D") for k in a[m])
    r = gananim.load(tmp_path / "rec")
    assert r.steps.tolist() == [0, 3, 6, 9, 12]
    assert (
        np.isnan(r.scalars["d_loss"][0])
        and np.isfinite(r.scalars["d_loss"][1:]).all()
        and np.isfinite(r.scalars["g_loss"][1:]).all()
    )
    found = r.manifest["config"]["script"]["found"]
    assert (
        found["generator"] == "netG (Sequential)"
        and found["discriminator"] == "netD (Sequential)"
        and "watched" in found["how"]
    )
    assert r.manifest["d_output"] == "logits" and r.manifest["data_dim"] == 2  # BCEWithLogitsLoss: D ends in a Linear
    assert "recorded 5 snapshots to rec" in recorded.stderr


def test_loop_in_a_class_method_with_a_sigmoid_d(tmp_path, capsys):
    """G steps first, two D steps per G step, models only reachable as `self.G` inside main(): named gan.G."""
    code, out, err = run(
        capsys, "record", "--every", "5", "--out", str(tmp_path / "r"), "--", str(SCRIPTS / "class_loop.py")
    )
    assert code == 0 and "final losses" in out, err
    r = gananim.load(tmp_path / "r")
    # 20 generator updates (D's steps not counted); G's first update came before D saw a real batch: it starts at 1
    assert r.steps.tolist() == [1, 5, 10, 15, 20]
    assert r.manifest["d_output"] == "probs" and r.manifest["data_dim"] == 1
    ((lo, hi),) = r.view_box  # from the real batches D was shown, N(2, 0.5)
    assert lo < 1.5 and hi > 2.5
    found = r.manifest["config"]["script"]["found"]
    assert found["generator"] == "gan.G (Generator)" and found["discriminator"] == "gan.D (Discriminator)"


def test_dcgan_digits_script_records_images(tmp_path, capsys):
    pytest.importorskip("sklearn")
    code, out, err = run(
        capsys, "record", "--every", "4", "--out", str(tmp_path / "r"), "--", "python", str(SCRIPTS / "dcgan_digits.py")
    )
    assert code == 0 and "done" in out, err
    r = gananim.load(tmp_path / "r")
    assert r.manifest["kind"] == "images" and r.manifest["sample_shape"] == [1, 8, 8]
    assert r.steps.tolist() == [0, 4, 8, 12] and r.manifest["d_output"] == "probs"  # D's (n, 1, 1, 1) sigmoid scores
    assert np.isfinite(r.scalars["g_loss"][1:]).all()


def test_lightning_script(tmp_path, capsys):
    pytest.importorskip("lightning")
    code, out, err = run(
        capsys, "record", "--every", "8", "--out", str(tmp_path / "r"), "--", str(SCRIPTS / "lightning_gan.py")
    )
    assert code == 0 and "trained 64" in out, err  # Lightning's global_step counts both optimizers
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 8, 16, 24, 32]  # 32 generator updates
    assert (
        np.isfinite(r.scalars["g_loss"][1:]).all() and np.isfinite(r.scalars["d_loss"][1:]).all()
    )  # manual_backward's
    found = r.manifest["config"]["script"]["found"]
    assert found["generator"].endswith("generator (Sequential)") and found["discriminator"].endswith(
        "discriminator (Sequential)"
    )


def test_a_crash_shows_the_scripts_traceback_and_keeps_the_recording(tmp_path, capsys):
    code, out, err = run(
        capsys,
        "record",
        "--every",
        "2",
        "--out",
        str(tmp_path / "r"),
        "--",
        str(SCRIPTS / "plain_loop.py"),
        "--crash-at",
        "7",
    )
    assert code == 1
    assert "Traceback (most recent call last)" in err and "ValueError: the data loader broke at step 7" in err
    frames = [ln for ln in err.splitlines() if ln.strip().startswith("File ")]
    assert frames and all("plain_loop.py" in ln for ln in frames), err  # none of gananim's or runpy's frames
    assert "the script failed" in err
    assert gananim.load(tmp_path / "r").steps.tolist() == [0, 2, 4, 6]


@pytest.mark.parametrize(
    "script, flags, words",
    [
        ("not_a_gan.py", [], ["no GAN found", "5 optimizer steps", "--generator NAME --discriminator NAME"]),
        (
            "two_gans.py",
            [],
            [
                "found 2 generator -> discriminator candidates",
                "gan_a[0] (Sequential) -> gan_a[1] (Sequential)",
                "--generator",
            ],
        ),
        ("odd_shape.py", [], ["found the generator G (Sequential) and the discriminator D (Sequential)", "2 channels"]),
        (
            "two_gans.py",
            ["--generator", "netG", "--discriminator", "D"],
            ["no generator/discriminator pair matched --generator netG"],
        ),
    ],
)
def test_failures_are_one_line(tmp_path, capsys, script, flags, words):
    code, _, err = run(capsys, "record", "--out", str(tmp_path / "r"), *flags, "--", "python", str(SCRIPTS / script))
    one_line_error(code, err, *words)
    assert not (tmp_path / "r").exists()  # nothing left behind, even when a first pair had started recording


def test_names_pick_one_of_several_pairs(tmp_path, capsys):
    code, out, err = run(
        capsys,
        "record",
        "--every",
        "2",
        "--out",
        str(tmp_path / "r"),
        "--generator",
        "gan_b[0]",
        "--discriminator",
        "gan_b[1]",
        "--",
        str(SCRIPTS / "two_gans.py"),
    )
    assert code == 0, err
    r = gananim.load(tmp_path / "r")
    assert r.manifest["config"]["script"]["found"]["how"] == "named by --generator and --discriminator"
    assert r.steps.tolist() == [0, 2, 4]
    real = r.fixed["data_samples"]
    assert real.mean() < -0.5  # gan_b's data is centred on -1, gan_a's on +1


@pytest.mark.parametrize(
    "argv, words",
    [
        (["record", "ring8", "--data", "x.npy"], ["for scripts"]),
        (["record", "--steps", "3", "--", "python", "train.py"], ["are for presets"]),
        (["record", "--", "python", "-c", "print(1)"], ["python option -c is not supported"]),
        (["record", "--", "python", "no_such_script.py"], ["no script no_such_script.py"]),
        (
            ["record", "--view-box", "1,0", "--", "python", str(SCRIPTS / "plain_loop.py")],
            ["--view-box takes LOW,HIGH"],
        ),
    ],
)
def test_command_mistakes(capsys, argv, words):
    one_line_error(*run(capsys, *argv)[::2], *words)


def test_python_dash_m_runs_a_module_from_the_working_directory(tmp_path, capsys, monkeypatch):
    (tmp_path / "mygan.py").write_text((SCRIPTS / "plain_loop.py").read_text())
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "record", "--every", "2", "--", "python", "-m", "mygan", "--steps", "4")
    assert code == 0 and "argv ['--steps', '4']" in out, err
    assert gananim.load(tmp_path / "runs" / "mygan").steps.tolist() == [0, 2, 4]
