"""The digits data and the built-in digits classifier: accuracy, the cache, a damaged cache retrained."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from gananim.kinds.images import classifier
from gananim.kinds.images.classifier import CACHE_FILE, MLPClassifierWeights, cache_dir, digits_classifier
from gananim.kinds.images.datasets import load_digits


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One training for the module (about a second), into its own cache folder."""
    folder = tmp_path_factory.mktemp("cache")
    return folder, digits_classifier(folder)


def test_digits_are_scaled_to_minus_one_one_with_labels():
    d = load_digits()
    assert d.images.shape == (1797, 1, 8, 8) and d.images.dtype == np.float32
    assert d.images.min() == -1 and d.images.max() == 1
    assert sorted(set(d.labels.tolist())) == list(range(10))
    assert d.class_freq.sum() == pytest.approx(1) and (d.class_freq > 0.09).all()


def test_classifier_reaches_the_accuracy_bar_and_reads_the_digits(trained):
    _, clf = trained
    assert clf.accuracy >= 0.95 and clf.n_classes == 10 and clf.n_features == classifier.HIDDEN
    d = load_digits()
    x01 = (d.images + 1) / 2
    assert (clf.logits(x01).argmax(1) == d.labels).mean() >= 0.95  # held-out and training digits together
    assert clf.features(x01).min() >= 0  # ReLU features
    # the recording's format round-trips: fixed arrays -> the same logits with numpy alone
    again = MLPClassifierWeights.from_fixed(clf.fixed_arrays())
    assert np.allclose(again.logits(x01), clf.logits(x01), atol=1e-4)
    assert clf.manifest_entry() == {
        "name": "digits-mlp",
        "source": "builtin",
        "classes": 10,
        "accuracy": clf.accuracy,
        "features": 64,
    }


def test_second_use_reads_the_cache_without_training(trained, monkeypatch):
    folder, clf = trained
    assert (folder / CACHE_FILE).is_file()
    monkeypatch.setattr(classifier, "train_digits_classifier", lambda: pytest.fail("trained again despite a cache"))
    again = digits_classifier(folder)
    assert np.array_equal(again.w0, clf.w0) and again.accuracy == clf.accuracy


@pytest.mark.parametrize("damage", [b"", b"not a zip at all", "truncated", "wrong shape", "low accuracy"])
def test_a_damaged_cache_is_trained_again_not_a_traceback(trained, tmp_path, damage, caplog, monkeypatch):
    folder, clf = trained
    file = tmp_path / CACHE_FILE
    good = (folder / CACHE_FILE).read_bytes()
    if damage == "truncated":
        file.write_bytes(good[: len(good) // 2])
    elif damage in ("wrong shape", "low accuracy"):
        w0 = np.zeros((3, 3)) if damage == "wrong shape" else clf.w0
        np.savez(
            file, w0=w0, b0=clf.b0, w1=clf.w1, b1=clf.b1, accuracy=np.array(0.99 if damage == "wrong shape" else 0.5)
        )
    else:
        file.write_bytes(damage)
    calls = []
    monkeypatch.setattr(classifier, "train_digits_classifier", lambda: calls.append(1) or clf)  # training itself: above
    with caplog.at_level(logging.WARNING, logger="gananim"):
        again = digits_classifier(tmp_path)
    assert calls == [1] and again is clf
    assert "held-out accuracy 98" in caplog.text or "held-out accuracy 99" in caplog.text
    monkeypatch.setattr(classifier, "train_digits_classifier", lambda: pytest.fail("the rewritten cache was not read"))
    assert np.array_equal(digits_classifier(tmp_path).w0, clf.w0)  # rewritten whole


def test_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "gananim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "gananim"


def test_an_unwritable_cache_still_gives_a_classifier(trained, tmp_path, caplog, monkeypatch):
    _, clf = trained
    monkeypatch.setattr(classifier, "train_digits_classifier", lambda: clf)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="gananim"):
        again = digits_classifier(blocked)
    assert again is clf
    assert "could not cache" in caplog.text
