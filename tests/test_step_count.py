"""One clock for every way of recording: N generator updates end at step N (step 0 = the untrained models), whether
the loop calls the Recorder as documented or is recorded with no edit; the Recorder says where it wrote when it
closes; two zero-edit runs of one script get two folders and two names (issue 20, point 5)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

import gananim
from gananim.cli.commands import main

ROOT = Path(__file__).parents[1]

# a plain training loop; with RECORD_TO set it records itself the way README and the Recorder's docstring say
LOOP = """
import os, sys
import torch
from torch import nn

STEPS = int(sys.argv[1])
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
D = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
opt_g = torch.optim.Adam(G.parameters(), 1e-3)
opt_d = torch.optim.Adam(D.parameters(), 1e-3)
bce = nn.BCEWithLogitsLoss()
rec = None
if os.environ.get("RECORD_TO"):
    from gananim import Recorder
    rec = Recorder(os.environ["RECORD_TO"], G, D, data=[(-2, 2), (-2, 2)], every=3)
    rec.step(0)  # the untrained models
for step in range(1, STEPS + 1):
    real, z = torch.randn(32, 2) * 0.3 + 1, torch.randn(32, 2)
    fake = G(z)
    d_loss = bce(D(real), torch.ones(32, 1)) + bce(D(fake.detach()), torch.zeros(32, 1))
    opt_d.zero_grad(); d_loss.backward(); opt_d.step()
    g_loss = bce(D(fake), torch.ones(32, 1))
    opt_g.zero_grad(); g_loss.backward(); opt_g.step()
    if rec is not None:
        rec.step(step, d_loss=d_loss, g_loss=g_loss)  # after the step-th update
if rec is not None:
    rec.close()
"""


def python(cwd: Path, *argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_recorder_and_zero_edit_agree_on_every_step(tmp_path, capsys):
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    documented = python(tmp_path, str(script), "13", env={"RECORD_TO": "by-hand"})
    assert documented.returncode == 0, documented.stderr
    code = main(["record", "--every", "3", "--out", str(tmp_path / "zero-edit"), "--", str(script), "13"])
    assert code == 0, capsys.readouterr().err
    by_hand, watched = gananim.load(tmp_path / "by-hand"), gananim.load(tmp_path / "zero-edit")
    # 13 updates: snapshots every 3 from the untrained 0, and the last, 13, after the 13th update
    assert by_hand.steps.tolist() == watched.steps.tolist() == [0, 3, 6, 9, 12, 13]
    # the same step shows the same weights: G on the same seeded latents gives the same samples at every snapshot
    for k in range(len(by_hand)):
        np.testing.assert_allclose(by_hand[k].samples, watched[k].samples, rtol=1e-5, atol=1e-6)
    # the Recorder's closing line, on stderr (stdout stays the script's)
    assert documented.stdout == ""
    assert "gananim: recorded 6 snapshots (steps 0–13) to by-hand" in documented.stderr


def test_a_quiet_recorder_says_nothing(tmp_path, capsys):
    G, D = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    with gananim.Recorder(tmp_path / "q", G, D, data=[(-1, 1), (-1, 1)], every=2, quiet=True) as rec:
        rec.step(0)
    assert capsys.readouterr().err == ""
    with gananim.Recorder(tmp_path / "loud", G, D, data=[(-1, 1), (-1, 1)], every=2) as rec:
        rec.step(0)
    assert capsys.readouterr().err == f"gananim: recorded 1 snapshots (steps 0–0) to {tmp_path / 'loud'}; " + (
        f"see it: gananim render {tmp_path / 'loud'}\n"
    )


def test_two_zero_edit_runs_of_one_script_get_two_names(tmp_path, capsys, monkeypatch):
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert main(["record", "--every", "2", "--", "python", str(script), "2"]) == 0
    err = capsys.readouterr().err
    first, second = gananim.load(tmp_path / "runs" / "loop"), gananim.load(tmp_path / "runs" / "loop-2")
    assert f"to {Path('runs') / 'loop-2'} " in err
    # the name renders and exports use: the folder's, so their default video names differ too
    assert first.manifest["config"]["name"] == "loop" and second.manifest["config"]["name"] == "loop-2"
    # --overwrite replaces the first one instead of numbering a third
    assert main(["record", "--every", "2", "--overwrite", "--", "python", str(script), "2"]) == 0
    assert not (tmp_path / "runs" / "loop-3").exists()
