"""The analysis layer: every metric computed from what a recording stores, cached beside it, extended as it grows."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from gananim.analysis import analyser as analysis
from gananim.analysis.analyser import EVENTS_FILE, SERIES_FILE, analyse, sealed_parts
from gananim.analysis.seal import seal
from gananim.errors import GananimError
from gananim.kinds.points import metrics
from gananim.kinds.points.metrics import MODE_SHARE, mode_coverage
from gananim.kinds.points.targets import Ring
from gananim.recording.grid import Grid
from gananim.recording.reader import Recording, load
from gananim.recording.writer import RecordingWriter

RING = Ring(8, 0.01)
GRID = Grid(((-1.5, 1.5), (-1.5, 1.5)), 24)
FIXTURES = Path(__file__).parent / "fixtures"
EVERY = 10


def _samples(i: int, rng) -> np.ndarray:
    """Snapshot i's samples: on the whole ring for i < 10, then collapsed on mode 4."""
    return RING.sample(300, rng) if i < 10 else RING.modes[[4]] + rng.normal(0, 0.01, (300, 2))


def _writer(path: Path, **kw) -> RecordingWriter:
    rng = np.random.default_rng(0)
    fixed = {
        "latents": np.zeros((300, 1), np.float32),
        "latent_grid": np.zeros((4, 1), np.float32),
        "data_samples": RING.sample(200, rng).astype(np.float32),
        "data_density": RING.density(GRID).astype(np.float32),
        "modes": RING.modes,
        "mode_scales": RING.mode_scales,
    }
    return RecordingWriter(path, {"data_dim": 2, "latent_dim": 1, "grid": GRID.to_dict()}, fixed, **kw)


def _append(writer: RecordingWriter, indices, seed: int = 1, scalars=lambda i: {}) -> None:
    rng = np.random.default_rng(seed)
    for i in indices:
        x = _samples(i, rng).astype(np.float32)
        writer.append(
            i * EVERY,
            {"samples": x, "density": GRID.histogram(x), "d_grid": np.full(GRID.shape, 0.4, np.float32)},
            {"nonfinite_share": 0.25 if i == 15 else 0.0, **scalars(i)},
        )
    writer.flush()


@pytest.fixture
def rec(tmp_path) -> Recording:
    writer = _writer(tmp_path / "rec")
    _append(writer, range(20))
    writer.close()
    return load(tmp_path / "rec")


def test_analysed_mode_coverage_is_mode_coverage_of_the_stored_samples(rec):
    a = analyse(rec)
    for i, snap in enumerate(rec):
        cov = mode_coverage(snap.samples, rec.modes, rec.mode_scales)  # an independent call on what is stored
        assert a.series["modes_captured"][i] == cov.captured and a.series["hq_share"][i] == cov.hq_share
        assert [a.series[MODE_SHARE.format(k)][i] for k in range(8)] == cov.per_mode.tolist()
    assert a.series["scored_samples"].tolist() == [300] * 20 and {"modes_captured", "mmd", "js"} <= set(a.analysed)
    assert a.series["nonfinite_share"] is rec.scalars["nonfinite_share"]  # recorded ones pass through
    assert (rec.path / SERIES_FILE).exists() and (rec.path / EVENTS_FILE).exists() and a.cached


def test_the_analysis_says_whether_the_protocol_applies_and_scores_the_data_itself(rec, tmp_path):
    a = analyse(rec)
    assert a.protocol.applies and a.protocol.reason == ""  # ring8's 3σ windows: 0.3% of the view
    real = rec.fixed["data_samples"]
    core = mode_coverage(real, rec.modes, rec.mode_scales, k_sigma=1.0)  # the reference: the stored real samples
    assert a.data["core_share"] == core.hq_share and 0.3 < a.data["core_share"] < 0.5  # ≈ 1 − e^(−1/2) in 2D
    assert a.data["hq_share"] == mode_coverage(real, rec.modes, rec.mode_scales).hq_share
    for i in (0, 15):
        snap_core = mode_coverage(rec[i].samples, rec.modes, rec.mode_scales, k_sigma=1.0)
        assert a.series["core_share"][i] == snap_core.hq_share and a.series["core_share_4"][i] == snap_core.per_mode[4]
    # the same ring with σ 0.3 in the same view: 3σ windows of neighbours 0.77 apart overlap
    wide = Ring(8, 0.3)
    writer = RecordingWriter(
        tmp_path / "wide",
        {"data_dim": 2, "latent_dim": 1, "grid": GRID.to_dict()},
        {
            "latents": np.zeros((300, 1), np.float32),
            "latent_grid": np.zeros((4, 1), np.float32),
            "modes": wide.modes,
            "mode_scales": wide.mode_scales,
        },
    )
    rng = np.random.default_rng(3)
    for i in range(8):  # every sample near mode 2 (σ 0.1): a collapse, captioned with the 1σ share, not "high quality"
        x = (wide.modes[[2]] + rng.normal(0, 0.1, (300, 2))).astype(np.float32)
        writer.append(i * EVERY, {"samples": x, "density": GRID.histogram(x)}, {})
    writer.close()
    wide_rec = load(tmp_path / "wide")
    a = analyse(wide_rec)
    assert not a.protocol.applies and a.protocol.reason == "3σ windows overlap" and a.data == {}
    (collapse,) = [e for e in a.events if e.kind == "collapse"]
    within = np.median(a.series["core_share"])  # 1 − e^(−4.5) ≈ 99% of N(0, 0.1²) lies within 0.3
    assert collapse.caption == f"mode collapse: 1 of 8 modes captured ({within:.0%} of samples within 1σ of a mode)"


def test_events_come_from_the_series_of_the_stored_arrays(rec):
    kinds = {e.kind: e for e in analyse(rec).events}
    hq = mode_coverage(rec[12].samples, rec.modes, rec.mode_scales).hq_share  # one collapsed snapshot: ≈ 99% (3σ in 2D)
    assert kinds["collapse"].start == 10 * EVERY and kinds["collapse"].caption.startswith(
        "mode collapse: 1 of 8 modes captured ("
    )
    assert (
        kinds["collapse"].caption.endswith(" of samples high quality)")
        and abs(int(kinds["collapse"].caption.split("(")[1][:2]) - 100 * hq) <= 2
    )
    assert (kinds["divergence"].start, kinds["divergence"].end) == (15 * EVERY, 15 * EVERY)


def _refuse(error: Exception):
    """An atomic_write that fails like a read-only folder or a full disk."""

    def write(path, write):
        raise error

    return write


def _cold(path: Path) -> analysis.Analysis:
    """An analysis of a copy of the recording with no cache."""
    copy = path.parent / f"{path.name}-cold"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(path, copy, ignore=shutil.ignore_patterns(SERIES_FILE, EVENTS_FILE))
    return analyse(load(copy))


def _same(a: analysis.Analysis, b: analysis.Analysis) -> None:
    np.testing.assert_array_equal(a.steps, b.steps)
    assert a.series.keys() == b.series.keys() and a.events == b.events and a.analysed == b.analysed
    for name in a.series:
        np.testing.assert_array_equal(a.series[name], b.series[name], err_msg=name)


def test_a_growing_recording_is_analysed_incrementally_and_equals_a_cold_analysis(tmp_path, monkeypatch):
    measured = []
    measure = metrics.Reference.measure
    monkeypatch.setattr(metrics.Reference, "measure", lambda self, *a: measured.append(1) or measure(self, *a))
    writer = _writer(tmp_path / "rec", chunk_size=8)
    _append(writer, range(7))
    rec = load(tmp_path / "rec")  # read while it is being written
    first = analyse(rec)
    assert len(measured) == 7 and len(first.steps) == 7 and not any(e.kind == "collapse" for e in first.events)
    assert analyse(rec) is first  # nothing new: the same analysis, nothing measured
    _append(writer, range(7, 20))
    grown = analyse(rec.refresh())
    assert len(measured) == 7 + 13  # only the new snapshots
    assert any(e.kind == "collapse" for e in grown.events)  # the events were detected again on the grown series
    assert len(analyse(load(rec.path)).steps) == 20 and len(measured) == 20  # a new reader: all from the cache
    measured.clear()
    _same(grown, _cold(rec.path))
    assert len(measured) == 20


def test_a_step_recorded_again_by_a_resumed_run_is_measured_again(tmp_path):
    writer = _writer(tmp_path / "rec")
    _append(writer, range(12), scalars=lambda i: {"d_loss": 1.0})
    writer.close()
    before = analyse(load(tmp_path / "rec"))
    writer = _writer(tmp_path / "rec", resume=True)  # as a resumed run: drop steps 100.., record them anew, differently
    writer.purge_from(10 * EVERY)
    _append(writer, range(10, 12), seed=5, scalars=lambda i: {"d_loss": 2.0})
    writer.close()
    after = analyse(load(tmp_path / "rec"))
    np.testing.assert_array_equal(after.steps, before.steps)
    assert after.series["mmd"][10] != before.series["mmd"][10]
    _same(after, _cold(tmp_path / "rec"))


def test_the_cache_is_used_while_the_code_stamp_holds_and_recomputed_when_it_changes(rec, monkeypatch):
    true = analyse(rec).series["modes_captured"].copy()
    with np.load(rec.path / SERIES_FILE) as z:
        arrays = dict(z)
    arrays["series__modes_captured"] = np.full(len(rec), 99.0)
    np.savez(rec.path / SERIES_FILE, **arrays)  # edited without this machine's seal: not used
    np.testing.assert_array_equal(analyse(load(rec.path)).series["modes_captured"], true)
    arrays["seal"] = np.array(seal(*sealed_parts(arrays)))  # sealed here, as this machine's gananim would
    np.savez(rec.path / SERIES_FILE, **arrays)
    assert analyse(load(rec.path)).series["modes_captured"].tolist() == [99.0] * 20  # the cache answers
    monkeypatch.setattr(analysis, "STAMP", "other metric code")
    np.testing.assert_array_equal(analyse(load(rec.path)).series["modes_captured"], true)
    with np.load(rec.path / SERIES_FILE) as z:
        assert str(z["stamp"]) == "other metric code"


def test_a_damaged_cache_is_recomputed(rec):
    expected = analyse(rec)
    (rec.path / SERIES_FILE).write_bytes(b"PK\x03\x04 not a zip")
    (rec.path / EVENTS_FILE).write_text("{not json")
    _same(analyse(load(rec.path)), expected)


def test_recorded_scalars_win_over_computed_ones(tmp_path):
    writer = _writer(tmp_path / "rec")
    _append(writer, range(4), scalars=lambda i: {"modes_captured": 5.0} if i < 2 else {})
    writer.close()
    rec = load(tmp_path / "rec")
    series = analyse(rec).series["modes_captured"]
    assert series.tolist() == [5.0, 5.0, 8.0, 8.0]  # recorded where the loop recorded it, computed elsewhere


@pytest.mark.parametrize(
    "failure",
    [
        PermissionError(errno.EACCES, "Permission denied"),
        GananimError("cannot write: it is read-only"),
        OSError(errno.ENOSPC, "No space"),
    ],
)
def test_a_failed_cache_write_leaves_reading_intact(rec, monkeypatch, recwarn, failure):
    monkeypatch.setattr(analysis, "atomic_write", _refuse(failure))
    (rec.path / SERIES_FILE).unlink(missing_ok=True)
    a = analyse(rec)
    assert not a.cached and a.series["modes_captured"][0] == 8 and any(e.kind == "collapse" for e in a.events)
    assert not (rec.path / SERIES_FILE).exists() and not list(recwarn)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_recording_is_analysed_in_memory(rec):
    rec.path.chmod(0o555)
    try:
        a = analyse(rec)
    finally:
        rec.path.chmod(0o755)
    assert not a.cached and a.series["modes_captured"][0] == 8 and not (rec.path / SERIES_FILE).exists()


def test_an_empty_recording_has_no_series_and_no_events(tmp_path):
    _writer(tmp_path / "rec").close()
    a = analyse(load(tmp_path / "rec"))
    assert len(a.steps) == 0 and a.series == {} and a.events == []


@pytest.mark.parametrize("name", ["v1-2d", "v1-1d"])
def test_v1_recordings_load_analyse_keep_their_recorded_metrics_and_render(name, tmp_path):
    from gananim.rendering.pipeline import default_view
    from gananim.rendering.views import Frame, make_style

    shutil.copytree(FIXTURES / name, tmp_path / name)  # the analysis caches beside it: never beside the fixture
    rec = load(tmp_path / name)
    a = analyse(rec)
    recorded = [n for n in ("modes_captured", "hq_share", "js", "mmd", "centroid_x") if n in rec.scalars]
    assert recorded, "the v1 fixtures recorded their metrics live"
    for n in recorded:
        np.testing.assert_array_equal(a.series[n], rec.scalars[n])
        assert n not in a.analysed
    frame = Frame([rec], default_view(rec), make_style((160, 120)), dashboard=rec.manifest["data_dim"] == 2)
    image = frame.render(int(rec.steps[-1]))
    assert image.shape == (120, 160, 3) and image.std() > 0


def test_cli_analyze_and_info_report_the_computed_series(rec, capsys, monkeypatch):
    from gananim.cli.commands import main

    assert main(["info", str(rec.path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "modes_captured" in data["analysed"] and data["scalars"]["modes_captured"]["last"] == 1
    assert {e["kind"] for e in data["events"]} == {"collapse", "divergence"}
    assert main(["analyze", str(rec.path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0]
        == f"{len(analyse(rec).analysed)} metric series computed from the stored arrays (cached in {rec.path / SERIES_FILE})"
    )
    assert out[1] == "2 events:" and "collapse" in out[2] and "divergence" in out[3]
    monkeypatch.setattr(analysis, "atomic_write", _refuse(OSError(errno.ENOSPC, "No space left on device")))
    monkeypatch.setattr(analysis, "STAMP", "newer code")  # the caches are stale and the disk is full
    assert main(["analyze", str(rec.path)]) == 0  # the results are shown all the same
    assert f"(not cached: writing into {rec.path} failed)" in capsys.readouterr().out


FIVE = 5 * np.stack([np.cos(2 * np.pi * np.arange(5) / 5), np.sin(2 * np.pi * np.arange(5) / 5)], axis=1)
WIDE = Grid(((-10.0, 10.0), (-10.0, 10.0)), 32)  # five-clusters' geometry: σ 1 at radius 5, 3σ windows overlap


def _sweep(folder: Path, positions) -> Recording:
    """A recording of five σ-1 clusters at radius 5 (the 3σ protocol does not apply) whose 300 samples sit at
    `positions(i)` in snapshot i, give or take 0.05."""
    rng = np.random.default_rng(3)
    fixed = {
        "latents": np.zeros((300, 1), np.float32),
        "latent_grid": np.zeros((4, 1), np.float32),
        "data_samples": (FIVE[rng.integers(0, 5, 1000)] + rng.normal(0, 1, (1000, 2))).astype(np.float32),
        "modes": FIVE,
        "mode_scales": np.ones(5),
    }
    writer = RecordingWriter(folder, {"data_dim": 2, "latent_dim": 1, "grid": WIDE.to_dict()}, fixed)
    for i in range(40):
        x = (positions(i) + rng.normal(0, 0.05, (300, 2))).astype(np.float32)
        writer.append(i * EVERY, {"samples": x, "density": WIDE.histogram(x)}, {})
    writer.close()
    return load(folder)


def test_a_band_sweeping_past_the_modes_is_no_mode_hop(tmp_path):
    """Issue 19: a band of samples 2σ inside cluster 1, then 2σ inside cluster 3 (never within 1σ of either: the
    frames show no cluster held) moved the nearest-mode 3σ shares from 0.54 on mode 1 to 0.53 on mode 3 and was
    captioned "mode hop: mass moves from mode 1 to mode 3"; a cluster that really jumps between modes still is."""
    t = np.linspace(-4, 4, 300)[:, None]

    def band(i):
        mode = FIVE[1 if i < 20 else 3]
        out = mode / np.linalg.norm(mode)
        return mode - 2 * out + t * np.array([-out[1], out[0]])  # across the radius, 2 inward from the mode

    assert not [e for e in analyse(_sweep(tmp_path / "a", band)).events if e.kind in ("mode_hop", "collapse")]

    def jump(i):  # all the samples on mode 1, then on mode 3
        return np.broadcast_to(FIVE[1 if i < 20 else 3], (300, 2))

    hops = [e for e in analyse(_sweep(tmp_path / "b", jump)).events if e.kind == "mode_hop"]
    assert [h.caption for h in hops] == ["mode hop: mass moves from mode 1 to mode 3"]
