"""Every logged scalar kept (issue 12, items 3 and 4): the dense series beside the snapshots, `scalars=` dicts,
losses from closed loops through attach(scalars=...), crash safety, resume, and old recordings."""

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
import weakref
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.errors import GananimError
from gananim.record.scalars import held, to_floats

ROOT = Path(__file__).parents[1]
SMALL = ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, real_samples=32)
BOX = [(-2.0, 2.0), (-2.0, 2.0)]


def mlp(i, o):
    return nn.Sequential(nn.Linear(i, 8), nn.LeakyReLU(0.2), nn.Linear(8, o))


def recorder(path, every=10, **options):
    torch.manual_seed(0)
    return Recorder(path, mlp(2, 2), mlp(2, 1), data=BOX, every=every, probes=SMALL, **options)


def test_every_call_is_kept_not_only_snapshots(tmp_path):
    with recorder(tmp_path / "r", every=10) as rec:
        for step in range(25):
            loss = torch.tensor(0.5 * step, requires_grad=True) * 1.0  # a loss with a graph, as in training
            rec.step(step, d_loss=loss, g_loss=np.float32(step), scalars={"step": 2 * step, "lr": 1e-3})
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 10, 20, 24]
    assert sorted(r.dense) == ["d_loss", "g_loss", "lr", "step"]
    steps, values = r.dense["d_loss"]
    assert steps.dtype == np.int64 and values.dtype == np.float32
    assert steps.tolist() == list(range(25)) and values.tolist() == [0.5 * s for s in range(25)]
    assert r.dense["step"][1].tolist() == [2 * s for s in range(25)]  # a scalar named `step`, through scalars=
    assert r.scalars["d_loss"].tolist() == [0.0, 5.0, 10.0, 12.0]  # the snapshots keep their own, as before
    assert r.scalars["step"].tolist() == [0, 20, 40, 48]
    assert not r.dense["d_loss"][1].flags.writeable


def test_the_recorder_holds_no_loss_tensor_of_the_loop(tmp_path):
    """What a step logs is kept as numbers: the loop's loss (and through it its graph) is freed when the loop drops
    it, as without a Recorder, and the final snapshot still has the last step's value."""
    with recorder(tmp_path / "r", every=10) as rec:
        for step in range(13):
            loss = torch.tensor(0.5 * step, requires_grad=True) * 1.0
            rec.step(step, d_loss=loss)
            alive = weakref.ref(loss)
            del loss
            assert alive() is None
    assert gananim.load(tmp_path / "r").scalars["d_loss"].tolist() == [0.0, 5.0, 6.0]


def test_steps_that_log_nothing_or_some_names(tmp_path):
    with recorder(tmp_path / "r", every=5) as rec:
        for step in range(12):
            rec.step(step, **({"g_loss": step} if step % 3 == 0 else {}))  # a loss logged every third step
    r = gananim.load(tmp_path / "r")
    assert r.dense["g_loss"][0].tolist() == [0, 3, 6, 9]
    assert r.dense["g_loss"][1].tolist() == [0, 3, 6, 9]


def test_scalar_mistakes_are_one_line_at_the_call(tmp_path):
    with recorder(tmp_path / "r") as rec:
        with pytest.raises(GananimError, match=r"^scalar 'd_loss' must be a number or a one-element tensor, got str$"):
            rec.step(1, d_loss="low")
        with pytest.raises(GananimError, match="scalar 'g_loss' is given twice"):
            rec.step(2, g_loss=1.0, scalars={"g_loss": 2.0})
        with pytest.raises(GananimError, match="scalars= must be a dict"):
            rec.step(3, scalars=[1.0])
        with pytest.raises(GananimError, match="one-element tensor, got Tensor"):
            rec.step(4, d_loss=torch.ones(3))
        rec.step(5, d_loss=1.0)
    assert gananim.load(tmp_path / "r").dense["d_loss"][0].tolist() == [5]


def test_closed_loop_losses_through_attach(tmp_path):
    G, D = mlp(2, 2), mlp(2, 1)
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    losses = {}

    def train(steps):  # a closed loop: it exposes its last losses, nothing more
        for _ in range(steps):
            real, z = torch.randn(16, 2), torch.randn(16, 2)
            d_loss = nn.functional.softplus(-D(real)).mean() + nn.functional.softplus(D(G(z).detach())).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = nn.functional.softplus(-D(G(z))).mean()
            losses.update(d_loss=d_loss.detach(), g_loss=g_loss.detach())
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()

    rec = Recorder(tmp_path / "r", G, D, data=BOX, every=4, probes=SMALL)
    rec.attach(opt_g, scalars=lambda: dict(losses))
    train(9)
    rec.close()
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 4, 8, 9]
    assert r.dense["g_loss"][0].tolist() == list(range(1, 10)) and np.isfinite(r.dense["d_loss"][1]).all()
    assert np.isfinite(r.scalars["g_loss"][1:]).all()  # the dashboard's losses panel has its series
    assert float(r.dense["g_loss"][1][-1]) == pytest.approx(float(losses["g_loss"]))
    with pytest.raises(GananimError, match=r"attach\(scalars=...\) takes a function returning a dict"):
        Recorder(tmp_path / "s", G, D, data=BOX, probes=SMALL).attach(opt_g, scalars={"g_loss": 1.0})


def test_flushed_values_are_readable_while_growing(tmp_path):
    rec = Recorder(
        tmp_path / "r", mlp(2, 2), mlp(2, 1), data=BOX, every=100, probes=dataclasses.replace(SMALL, flush_secs=3600)
    )
    for step in range(1, 6):
        rec.step(step, d_loss=float(step))
    assert gananim.load(tmp_path / "r").dense == {}  # not flushed yet: nothing on disk, nothing half-written
    rec.flush()
    reader = gananim.load(tmp_path / "r")
    assert reader.dense["d_loss"][0].tolist() == [1, 2, 3, 4, 5]
    rec.step(6, d_loss=6.0)
    rec.flush()
    assert reader.refresh().dense["d_loss"][0].tolist() == [1, 2, 3, 4, 5, 6]
    rec.close()


def test_files_roll_over_and_read_back_in_order(tmp_path):
    rec = Recorder(
        tmp_path / "r", mlp(2, 2), mlp(2, 1), data=BOX, every=100, probes=dataclasses.replace(SMALL, flush_secs=3600)
    )
    rec.writer.dense.chunk_steps = 4  # small files: the roll-over after a flush that fills one
    for step in range(1, 11):
        rec.step(step, a=step, **({"b": -step} if step % 2 else {}))
        if step % 3 == 0:
            rec.flush()
    rec.snapshot(10, a=99.0)  # a snapshot again at the last step: its value is kept once, the first
    rec.close()
    # flushes after 3, 6 (the file holds 6 calls: full), 9 and at close: steps 1-6, then 7-10
    assert sorted(p.name for p in (tmp_path / "r" / "dense").iterdir()) == ["000000.npz", "000001.npz"]
    assert np.load(tmp_path / "r" / "dense" / "000000.npz")["step__a"].tolist() == list(range(1, 7))
    series = gananim.load(tmp_path / "r").dense
    assert series["a"][0].tolist() == list(range(1, 11)) and series["a"][1].tolist() == list(range(1, 11))
    assert series["b"][0].tolist() == [1, 3, 5, 7, 9] and series["b"][1].tolist() == [-1, -3, -5, -7, -9]


def test_resume_logs_again_from_its_first_step(tmp_path):
    with recorder(tmp_path / "r", every=10) as rec:
        for step in range(30):
            rec.step(step, d_loss=1.0)
    with recorder(tmp_path / "r", every=10, resume=True) as rec:
        for step in range(15, 40):
            rec.step(step, d_loss=2.0)
    r = gananim.load(tmp_path / "r")
    steps, values = r.dense["d_loss"]
    assert steps.tolist() == list(range(40)) and not r.problems
    assert values.tolist() == [1.0] * 15 + [2.0] * 25
    assert r.steps.tolist() == [0, 10, 20, 30, 39]


def test_overwrite_replaces_a_recording_with_dense_series(tmp_path):
    with recorder(tmp_path / "r") as rec:
        rec.step(0, d_loss=1.0)
    with recorder(tmp_path / "r", overwrite=True) as rec:
        rec.step(0, g_loss=1.0)
    assert list(gananim.load(tmp_path / "r").dense) == ["g_loss"]


def test_a_damaged_dense_file_is_one_line(tmp_path):
    with recorder(tmp_path / "r") as rec:
        rec.step(0, d_loss=1.0)
    np.savez(tmp_path / "r" / "dense" / "000000.npz", step__d_loss=np.arange(3), value__d_loss=np.zeros(2, np.float32))
    with pytest.raises(GananimError, match=r"000000.npz is damaged: its series 'd_loss' has no matching") as e:
        gananim.load(tmp_path / "r").dense
    assert "\n" not in str(e.value)
    (tmp_path / "r" / "dense" / "000000.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(GananimError, match="000000.npz is damaged"):
        gananim.load(tmp_path / "r").dense


@pytest.mark.parametrize("fixture", ["v1-1d", "v1-2d", "v2-images"])
def test_old_recordings_load_without_dense_series(fixture):
    r = gananim.load(ROOT / "tests" / "fixtures" / fixture)
    assert r.dense == {} and len(r) > 0


def test_values_are_read_in_one_copy_per_device():
    values = [1, 2.5, torch.tensor(3.0, dtype=torch.bfloat16), torch.tensor([4.0], dtype=torch.float64), np.float32(5)]
    kept = [held(str(i), v) for i, v in enumerate(values)]
    assert to_floats(kept).tolist() == [1.0, 2.5, 3.0, 4.0, 5.0]
    assert to_floats([torch.tensor(1.0), torch.tensor(2, dtype=torch.int32)]).tolist() == [1.0, 2.0]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_losses_are_held_and_read_at_the_flush(tmp_path):
    accumulator = torch.zeros((), device="cuda")
    with recorder(tmp_path / "r", every=100) as rec:
        for step in range(5):
            accumulator += 1  # changed in place after each call: each step keeps its own value
            rec.step(step, total=accumulator)
    assert gananim.load(tmp_path / "r").dense["total"][1].tolist() == [1, 2, 3, 4, 5]


KILLED_LOOP = textwrap.dedent("""
    import sys, time, torch
    from torch import nn
    from gananim import ProbeOptions, Recorder
    G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    D = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    rec = Recorder(sys.argv[1], G, D, data=[(-2, 2), (-2, 2)], every=100000,
                   probes=ProbeOptions(n_samples=16, grid_size=8, latent_grid=5, density_samples=200, flush_secs=0.05))
    step = 0
    while True:
        rec.step(step, d_loss=torch.tensor(float(step)))
        step += 1
        time.sleep(0.002)
""")


def test_sigkill_keeps_every_flushed_value(tmp_path):
    path = tmp_path / "r"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOOP, str(path)],
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline, seen = time.monotonic() + 60, 0
        while seen < 200 and time.monotonic() < deadline:  # read while it is being written
            time.sleep(0.1)
            if (path / "fixed.npz").exists():
                seen = len(gananim.load(path).dense.get("d_loss", ((),))[0])
        assert seen >= 200, proc.stderr.read() if proc.poll() is not None else "too slow"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    steps, values = gananim.load(path).dense["d_loss"]
    assert len(steps) >= seen and steps.tolist() == list(range(len(steps))) and values.tolist() == steps.tolist()


def test_dashboard_draws_every_logged_value_under_the_snapshots(tmp_path):
    from gananim.rendering.views import Frame, make_style

    with recorder(tmp_path / "r", every=5) as rec:
        for step in range(21):
            rec.step(step, d_loss=float(np.sin(step)), g_loss=1.0)  # g_loss: the same at every step
    frame = Frame([gananim.load(tmp_path / "r")], "dashboard", make_style((320, 240)))
    frame.render(5)  # the snapshot at step 5
    losses = frame.views[0].panels[0]
    thin, d_line, g_line, *_ = losses.chart.get_lines()
    assert thin.get_xdata().tolist() == list(range(21)) and np.allclose(thin.get_ydata(), np.sin(np.arange(21)))
    assert thin.get_color() == d_line.get_color() and thin.get_linewidth() < d_line.get_linewidth()
    assert d_line.get_xdata().tolist() == [0, 5, 10, 15, 20]
    assert [e.get_text() for e in losses.header.entries] == [
        f"━ D loss {np.sin(5):.3g}".replace("-", "−"),
        "━ G loss 1",
    ]


def test_a_long_dense_series_is_thinned_for_drawing_keeping_its_spikes():
    from gananim.rendering.views.chart import thinned

    steps = np.arange(100_000)
    values = np.random.default_rng(0).normal(size=len(steps)).astype(np.float32)
    values[54_321], values[77_777], values[3] = 40.0, -30.0, np.nan
    x, y = thinned(steps, values, n=1000)
    assert len(x) == 2000 and (np.diff(x) > 0).all()
    assert y.max() == 40.0 and y.min() == -30.0 and x[np.argmax(y)] == 54_321 and np.isfinite(y).all()
