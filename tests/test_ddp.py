"""The Recorder under torch.distributed (issue 12, item 2): rank 0 records, the other ranks' Recorders do nothing,
and probes go to the modules inside DDP wrappers, so they never issue a collective the other ranks don't join."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.record.distributed import unwrap

ROOT = Path(__file__).parents[1]
SMALL = ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, real_samples=32)
TIMEOUT = 240  # seconds for both ranks together: a hang fails the test instead of stalling the suite


def test_two_ranks_over_gloo_make_one_recording_and_train_as_without_it(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    env.pop("RANK", None)
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "ddp_loop.py"), str(rank), str(tmp_path / "init"), str(tmp_path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for rank in (0, 1)
    ]
    outputs = []
    try:
        for proc in procs:
            outputs.append(proc.communicate(timeout=TIMEOUT)[0])
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
            proc.wait()
        raise AssertionError(f"the DDP ranks did not finish in {TIMEOUT} s (a hang: a collective only one rank joined)")
    for proc, out in zip(procs, outputs):
        assert proc.returncode == 0, out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "init") == ["run", "weights-0.pt", "weights-1.pt"]
    rec = gananim.load(tmp_path / "run")  # one recording, rank 0's
    assert rec.steps.tolist() == [0, 5, 10, 11] and rec.dense["g_loss"][0].tolist() == list(range(12))
    assert np.isfinite(rec.scalars["d_fake"]).all() and np.isfinite(rec.scalars["g_grad_norm"]).all()
    weights = [torch.load(tmp_path / f"weights-{rank}.pt") for rank in (0, 1)]
    for w in weights:  # recording changed nothing on either rank: parameters and BatchNorm's statistics
        assert all(torch.equal(a, b) for a, b in zip(w["recorded"], w["plain"]))
    assert torch.equal(weights[0]["plain"][0], weights[1]["plain"][0])  # DDP kept the ranks' parameters in step


def test_another_ranks_recorder_does_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK", "1")  # torchrun's variable, before the process group is initialised
    G, D = nn.Linear(2, 2), nn.Linear(2, 1)
    with Recorder(tmp_path / "r", G, D, data=[(-1, 1), (-1, 1)], every=2, probes=SMALL) as rec:
        assert rec.attach(torch.optim.SGD(G.parameters(), 0.1), scalars=lambda: {"g_loss": 1.0}) is rec
        assert [rec.step(s, d_loss=1.0) for s in range(4)] == [False] * 4
        rec.snapshot(4)
        rec.flush()
        assert rec.last_flushed_step is None and rec.path == tmp_path / "r"
    assert not (tmp_path / "r").exists()


def test_wrappers_are_unwrapped():
    G = nn.Linear(2, 2)
    assert unwrap(nn.DataParallel(G)) is G and unwrap(G) is G and unwrap(None) is None

    class OptimizedModule(nn.Module):  # what torch.compile returns holds the module as _orig_mod
        def __init__(self, mod):
            super().__init__()
            self._orig_mod = mod

    assert unwrap(OptimizedModule(nn.DataParallel(G))) is G
