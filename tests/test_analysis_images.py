"""analyse() of images recordings: class coverage computed from the stored arrays and classifier, cached, extended."""

from __future__ import annotations

import numpy as np
import pytest

from blobs import quadrant_classifier, write_blob_recording
from gananim.analysis.analyser import SERIES_FILE, analyse
from gananim.kinds.images.metrics import ClassReference, Gaussian, class_coverage
from gananim.recording.reader import load
from gananim.recording.writer import RecordingWriter

NOISE = [-1] * 16  # step 0: blank samples, read as class 0 with a confidence of ¼ (an untrained G's noise)
SPREAD = [0, 1, 2, 3] * 4
THREE = [0, 1, 2] * 5 + [0]


def _by_hand(rec, i):
    """class_coverage of snapshot i straight from its stored arrays and the recording's fixed ones."""
    snap = rec[i]
    ok = snap.nonfinite == 0
    if snap.class_logits is not None:
        logits = features = snap.class_logits.astype(np.float64)
    else:
        clf = quadrant_classifier()
        features = clf.features(snap.samples / 255.0)
        logits = clf.logits(snap.samples / 255.0)
    return class_coverage(logits, features, rec.fixed["data_class_freq"], Gaussian.fit(rec.fixed["real_features"]), ok)


@pytest.mark.parametrize("user", [False, True])
def test_analysed_series_equal_the_metrics_of_the_stored_arrays(tmp_path, user):
    rec = write_blob_recording(tmp_path / "r", [NOISE, THREE, SPREAD, [3] * 16], user=user, nonfinite={2: [0, 5]})
    a = analyse(rec)
    for i in range(len(rec)):
        for name, value in _by_hand(rec, i).items():
            assert a.series[name][i] == pytest.approx(value, nan_ok=True), (i, name)
    assert a.series["classes_captured"].tolist() == [1, 3, 4, 1]
    assert a.series["class_share_3"][2] == pytest.approx(4 / 14)  # two of the 16 samples were flagged non-finite
    assert a.series["valid_share"][2] == pytest.approx(14 / 16)
    assert a.series["frechet"][2] < a.series["frechet"][1] < a.series["frechet"][0]
    assert {"classes_captured", "class_kl", "frechet", "top_class", "class_share_0"} <= set(a.analysed)
    assert a.data["classes_captured"] == 4 and a.data["frechet"] == pytest.approx(0, abs=1e-9)  # the real batch itself


def test_images_analysis_is_cached_and_extended_as_the_recording_grows(tmp_path, monkeypatch):
    path = tmp_path / "r"
    write_blob_recording(path, [NOISE, THREE])
    first = analyse(load(path))
    assert first.cached and (path / SERIES_FILE).is_file()
    grown = write_blob_recording(tmp_path / "all", [NOISE, THREE, SPREAD])  # the same run, one snapshot longer
    rec = load(path)
    w = RecordingWriter(path, rec.manifest, rec.fixed, resume=True)
    snap = grown[2]
    w.append(20, {"samples": snap.samples, "density": snap.density, "nonfinite": snap.nonfinite}, snap.scalars)
    w.close()
    measured = []
    real_measure = ClassReference.measure
    monkeypatch.setattr(
        ClassReference, "measure", lambda self, x, *a: measured.append(len(x)) or real_measure(self, x, *a)
    )
    again = analyse(load(path))
    assert measured.count(16) == 1  # only the new snapshot's 16 samples (40 rows: the real batch, the reference)
    whole = analyse(grown)
    for name in ("classes_captured", "class_kl", "frechet", "class_share_2"):
        assert again.series[name].tolist() == pytest.approx(whole.series[name].tolist())


def test_collapse_event_on_an_images_recording(tmp_path):
    rec = write_blob_recording(tmp_path / "r", [NOISE, SPREAD, SPREAD] + [[2] * 16] * 6)
    a = analyse(rec)
    kinds = [(e.kind, e.start, e.end) for e in a.events]
    assert ("collapse", 30, 80) in kinds, kinds
    assert not any(
        e.kind == "collapse" and e.start == 0 for e in a.events
    )  # step 0's noise in one class is no collapse


def test_images_recording_without_classifier_gets_no_class_series(tmp_path):
    rec = write_blob_recording(tmp_path / "r", [NOISE, SPREAD])
    manifest = dict(rec.manifest, classifier=None)
    fixed = {k: v for k, v in rec.fixed.items() if not k.startswith("classifier_")}
    w = RecordingWriter(tmp_path / "plain", manifest, fixed)
    w.append(0, {"samples": rec[0].samples, "density": rec[0].density}, {"d_real": 0.5})
    w.close()
    a = analyse(load(tmp_path / "plain"))
    assert "classes_captured" not in a.series and a.data == {} and a.protocol is None


def test_a_collapsed_g_beside_a_d_at_one_half_is_not_converged(tmp_path):
    """digits-collapse's first analysis said "converged: D ≈ ½" over a G stuck on one class: for images the class KL
    vetoes convergence as JS does for points."""
    optimum = {"d_real": 0.5, "d_fake": 0.5, "value": -2 * np.log(2)}
    collapsed = write_blob_recording(tmp_path / "c", [NOISE] + [[2] * 16] * 8, scalars=optimum)
    kinds = {e.kind for e in analyse(collapsed).events}
    assert "collapse" in kinds and "convergence" not in kinds
    healthy = write_blob_recording(tmp_path / "h", [NOISE] + [SPREAD] * 8, scalars=optimum)
    assert "convergence" in {e.kind for e in analyse(healthy).events}
