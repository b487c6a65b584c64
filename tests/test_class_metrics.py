"""Class coverage, reverse KL over classes and the Fréchet distance, against hand-computed values on blobs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from blobs import blob_images, quadrant_classifier
from gananim.errors import GananimError
from gananim.kinds.images.metrics import (
    CLASS_CAPTURED,
    Gaussian,
    class_coverage,
    class_kl,
    class_shares,
    classes_captured,
    frechet_distance,
    frechet_gaussians,
    unit_scale,
)

UNIFORM = np.full(4, 0.25)


def test_blob_shares_captured_and_kl_match_hand_computed_values():
    clf = quadrant_classifier()
    images = blob_images([0] * 5 + [1] * 3 + [2] * 2)  # nothing in quadrant 3
    logits = clf.logits(unit_scale(images, (-1, 1)))
    shares = class_shares(logits)
    assert shares.tolist() == [0.5, 0.3, 0.2, 0.0]
    assert classes_captured(shares, UNIFORM) == 3
    hand = 0.5 * np.log(0.5 / 0.25) + 0.3 * np.log(0.3 / 0.25) + 0.2 * np.log(0.2 / 0.25)
    assert class_kl(shares, UNIFORM) == pytest.approx(hand, rel=1e-4)  # CLASS_EPS smoothing moves it by ~1e-6
    assert class_kl(UNIFORM, UNIFORM) == pytest.approx(0.0, abs=1e-12)


def test_captured_threshold_is_a_share_of_the_data_frequency():
    freq = np.array([0.7, 0.1, 0.1, 0.1])
    at = CLASS_CAPTURED * freq
    assert classes_captured(at, freq) == 4  # every class exactly at the threshold counts
    assert classes_captured(at * 0.99, freq) == 0
    assert classes_captured(np.zeros(4), np.zeros(4)) == 0  # a zero share never counts, even against a zero frequency


def test_non_finite_samples_get_no_class():
    logits = np.array([[1.0, 0, 0, 0], [np.nan, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 3.0, 0]])
    assert class_shares(logits).tolist() == pytest.approx([1 / 3] * 3 + [0])
    assert class_shares(logits, valid=[True, True, False, True]).tolist() == pytest.approx([0.5, 0, 0.5, 0])
    assert np.isnan(class_shares(np.full((3, 4), np.nan))).all()
    with pytest.raises(GananimError, match="logits must be"):
        class_shares(np.zeros(4))


def test_frechet_of_diagonal_gaussians_by_hand():
    # commuting (diagonal) covariances: (Σa Σb)^½ = diag(σa σb), so the distance is ‖Δμ‖² + Σ (σa − σb)²
    a = Gaussian(np.array([0.0, 1.0]), np.diag([4.0, 1.0]))
    b = Gaussian(np.array([3.0, 1.0]), np.diag([1.0, 9.0]))
    assert frechet_gaussians(a, b) == pytest.approx(9 + (2 - 1) ** 2 + (1 - 3) ** 2)
    assert frechet_gaussians(a, a) == pytest.approx(0.0, abs=1e-12)


def test_frechet_matches_scipy_sqrtm_formula_on_full_covariances():
    rng = np.random.default_rng(3)
    fa, fb = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6)), rng.normal(1.0, 2.0, size=(200, 6))
    mu_a, mu_b, sa, sb = fa.mean(0), fb.mean(0), np.cov(fa, rowvar=False), np.cov(fb, rowvar=False)
    reference = np.sum((mu_a - mu_b) ** 2) + np.trace(
        sa + sb - 2 * scipy.linalg.sqrtm(sa @ sb).real
    )  # pytorch-fid's formula
    assert frechet_distance(fa, fb) == pytest.approx(reference, rel=1e-8)
    assert frechet_distance(fa, fa) == pytest.approx(0.0, abs=1e-8)


def test_class_coverage_of_blobs_names_every_series():
    clf = quadrant_classifier()
    real = blob_images(np.arange(40) % 4)
    real_gauss = Gaussian.fit(clf.features(unit_scale(real, (-1, 1))))
    gen = blob_images([3] * 6 + [1] * 2)
    gen_u8 = np.round((gen + 1) / 2 * 255).astype(np.uint8)
    out = class_coverage(
        clf.logits(unit_scale(gen_u8, (-1, 1))), clf.features(unit_scale(gen_u8, (-1, 1))), UNIFORM, real_gauss
    )
    assert [out[f"class_share_{k}"] for k in range(4)] == [0, 0.25, 0, 0.75]
    assert (
        out["classes_captured"] == 2 and out["top_class"] == 3 and out["top_share"] == 0.75 and out["valid_share"] == 1
    )
    assert out["class_kl"] == pytest.approx(0.25 * np.log(1) + 0.75 * np.log(3), rel=1e-4)
    gen_f = clf.features(unit_scale(gen, (-1, 1)))
    assert out["frechet"] == pytest.approx(frechet_distance(clf.features(unit_scale(real, (-1, 1))), gen_f))
    assert out["frechet"] > 1


def test_unit_scale_reads_uint8_and_floats_on_the_value_range():
    assert unit_scale(np.array([0, 255], np.uint8), (-1, 1)).tolist() == [0.0, 1.0]
    assert unit_scale(np.array([-1.0, 0.0, 1.0]), (-1, 1)).tolist() == [0.0, 0.5, 1.0]
    assert unit_scale(np.array([2.0, 4.0]), (2, 4)).tolist() == [0.0, 1.0]
