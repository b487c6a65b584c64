"""Metrics against answers known by construction or by hand; numpy only."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gananim.analysis.metrics import (
    MMD_SAMPLES,
    definiteness,
    grid_divergences,
    js,
    kernel_mean,
    kl,
    mmd2,
    reverse_kl,
    w1_1d,
)
from gananim.errors import GananimError
from gananim.kinds.points.metrics import (
    CORE_SHARE,
    MODE_SHARE,
    Reference,
    d_between_modes,
    metrics,
    mode_coverage,
    protocol_fit,
)
from gananim.kinds.points.targets import Mixture, Ring
from gananim.recording.grid import Grid

RING = Ring(8, 0.01)


def test_samples_on_three_of_eight_modes_capture_three():
    samples = np.repeat(RING.modes[[0, 3, 5]], [10, 20, 30], axis=0)
    cov = mode_coverage(samples, RING.modes, RING.mode_scales)
    assert cov.captured == 3 and cov.hq_share == 1.0
    expected = np.zeros(8)
    expected[[0, 3, 5]] = [10 / 60, 20 / 60, 30 / 60]
    np.testing.assert_allclose(cov.per_mode, expected)


def test_samples_far_from_every_mode_capture_none():
    samples = np.random.default_rng(0).uniform(-0.5, 0.5, (100, 2))  # inside the ring, ≥ 0.5 from every mode
    cov = mode_coverage(samples, RING.modes, RING.mode_scales)
    assert cov.captured == 0 and cov.hq_share == 0.0 and not cov.per_mode.any()


def test_mixed_samples_give_the_exact_high_quality_share():
    modes, scales = RING.modes, RING.mode_scales
    good = modes[[1, 1, 2]] + [[0.029, 0.0], [0.0, -0.02], [0.01, 0.01]]  # within 3σ = 0.03
    bad = np.array(
        [modes[1] + [0.031, 0.0], [0.0, 0.0], [np.nan, 0.0], [np.inf, 1.0]]
    )  # just outside 3σ, far, NaN, inf
    cov = mode_coverage(np.concatenate([good, bad]), modes, scales)
    assert cov.captured == 2 and cov.hq_share == pytest.approx(3 / 7)
    assert cov.per_mode[1] == pytest.approx(2 / 7) and cov.per_mode[2] == pytest.approx(1 / 7)


def test_mode_coverage_is_chunk_independent():
    rng = np.random.default_rng(1)
    samples = RING.sample(1000, rng) * rng.uniform(0.97, 1.03, (1000, 1))
    whole = mode_coverage(samples, RING.modes, RING.mode_scales)
    chunked = mode_coverage(samples, RING.modes, RING.mode_scales, chunk=40)
    assert whole.captured == chunked.captured and whole.hq_share == chunked.hq_share
    np.testing.assert_array_equal(whole.per_mode, chunked.per_mode)


def test_mode_coverage_rejects_mismatched_shapes():
    with pytest.raises(GananimError):
        mode_coverage(np.zeros((3, 1)), RING.modes, RING.mode_scales)
    with pytest.raises(GananimError):
        mode_coverage(np.zeros((3, 2)), RING.modes, RING.mode_scales[:3])


def test_identical_histograms_have_zero_divergence():
    p = np.random.default_rng(2).uniform(0, 1, (16, 16))
    assert kl(p, p) == 0.0 and reverse_kl(p, p) == 0.0 and js(p, p) == 0.0


def test_disjoint_histograms_have_js_log2():
    p, q = np.array([1.0, 2.0, 0.0, 0.0]), np.array([0.0, 0.0, 3.0, 1.0])
    assert js(p, q) == pytest.approx(math.log(2), abs=1e-12)
    assert js(p, q, eps=1e-10) == pytest.approx(math.log(2), abs=1e-6)
    assert kl(p, q) > 10  # finite only through the smoothing
    assert kl(p, q, eps=0.0) == math.inf


def test_js_never_exceeds_log2():
    rng = np.random.default_rng(3)
    for _ in range(200):
        p, q = rng.exponential(size=(2, 30)) * (rng.uniform(size=(2, 30)) < 0.5)
        p[0] += 1e-3
        q[-1] += 1e-3
        assert 0.0 <= js(p, q) <= math.log(2)


def test_kl_by_hand_on_three_cells():
    p, q = np.array([0.5, 0.25, 0.25]), np.array([0.25, 0.25, 0.5])
    by_hand = 0.5 * math.log(2) + 0.25 * math.log(0.5)  # = ¼ log 2
    assert kl(p, q, eps=0.0) == pytest.approx(by_hand, rel=1e-12)
    assert kl(p, q) == pytest.approx(by_hand, rel=1e-8)
    assert reverse_kl(p, q, eps=0.0) == pytest.approx(0.25 * math.log(0.5) + 0.5 * math.log(2), rel=1e-12)
    m = (p + q) / 2
    by_hand_js = 0.5 * sum(a * math.log(a / c) for a, c in zip(p, m)) + 0.5 * sum(
        b * math.log(b / c) for b, c in zip(q, m)
    )
    assert js(p, q) == pytest.approx(by_hand_js, rel=1e-12)


def test_unnormalised_densities_give_the_same_divergences():
    """GAN Lab's bug: a grid divergence must not depend on how much mass each histogram happens to carry."""
    rng = np.random.default_rng(4)
    grid = Grid(((-1.5, 1.5), (-1.5, 1.5)), 32)
    data = RING.density(grid)
    gen = grid.histogram(RING.sample(5000, rng) + rng.normal(0, 0.05, (5000, 2)))
    base = grid_divergences(data / data.sum(), gen / gen.sum())
    for scaled in (
        grid_divergences(3 * data, gen),
        grid_divergences(data, gen / 3),
        grid_divergences(data * grid.cell_area, gen),
    ):
        for name in ("kl", "reverse_kl", "js"):
            assert scaled[name] == pytest.approx(base[name], rel=1e-9)
    assert base["kl"] > 0 and base["reverse_kl"] > 0 and 0 < base["js"] < math.log(2)


def test_divergences_of_a_massless_histogram_are_nan_and_bad_input_is_refused():
    assert math.isnan(kl(np.ones(4), np.zeros(4))) and math.isnan(js(np.zeros(4), np.ones(4)))
    with pytest.raises(GananimError):
        kl(np.ones(4), np.ones(5))
    with pytest.raises(GananimError):
        js(np.array([1.0, -1.0]), np.ones(2))


def test_w1_exact_small_examples():
    assert w1_1d([0.0, 1.0], [1.0, 2.0]) == pytest.approx(1.0)
    assert w1_1d([0.0], [3.0]) == pytest.approx(3.0)
    assert w1_1d([0.0, 0.0, 3.0], [1.0]) == pytest.approx(2 / 3 + 2 / 3)  # unequal sizes: mass 2/3 moves 1, 1/3 moves 2
    assert w1_1d(np.array([[0.0], [1.0]]), [0.0, 1.0]) == 0.0


def test_w1_of_shifted_gaussians_is_the_shift():
    rng = np.random.default_rng(5)
    assert w1_1d(rng.normal(0, 1, 200_000), rng.normal(2, 1, 150_000)) == pytest.approx(2.0, abs=0.02)


def test_mmd_same_distribution_near_zero_shifted_positive():
    rng = np.random.default_rng(6)
    x, y = rng.normal(0, 1, (800, 2)), rng.normal(0, 1, (700, 2))
    same = mmd2(x, y)
    shifted = mmd2(x, y + [1.0, 0.0])
    assert abs(same) < 0.005 and shifted > 0.1
    # the identical set: the unbiased estimator drops the diagonal of k(x, x) only, so it is slightly below 0
    assert -2 * 4 / len(x) <= mmd2(x, x) <= 0
    assert mmd2(x, y, chunk=1000) == pytest.approx(same, rel=1e-9, abs=1e-12)


def test_d_between_modes_on_a_hand_grid():
    data = np.array([[0.0, 5.0, 0.0], [0.0, 0.0, 10.0], [0.001, 0.0, 0.0]])  # 0.001 < 1e-3 × 10 counts as empty
    d = np.array([[0.2, 0.9, 0.4], [0.6, 0.0, 0.8], [0.5, 0.3, 0.7]])
    assert d_between_modes(d, data) == pytest.approx(np.mean([0.2, 0.4, 0.6, 0.0, 0.5, 0.3, 0.7]))
    assert math.isnan(d_between_modes(np.ones(2), np.ones(2)))


def _reference(dim: int) -> Reference:
    """A ring (2D) or two points (1D) with a real batch and a data density: what a recording fixes once."""
    rng = np.random.default_rng(7)
    if dim == 2:
        grid, modes, scales = Grid(((-1.5, 1.5), (-1.5, 1.5)), 24), RING.modes, RING.mode_scales
        real = RING.sample(400, rng)
        density = RING.density(grid)
    else:
        grid, modes, scales = Grid(((-3.0, 3.0),), 60), np.array([[-1.0], [1.0]]), np.full(2, 0.1)
        real = rng.choice([-1.0, 1.0], 400)[:, None] + rng.normal(0, 0.1, (400, 1))
        density = grid.histogram(real)
    return Reference(
        grid, data_density=density.astype(np.float32), modes=modes, scales=scales, real=real.astype(np.float32)
    )


def test_every_metric_of_a_2d_snapshot():
    rng = np.random.default_rng(8)
    ref = _reference(2)
    on_data = RING.sample(512, rng)
    collapsed = np.repeat(RING.modes[[2]], 512, axis=0) + rng.normal(0, 0.01, (512, 2))
    d_grid = np.full(ref.grid.shape, 0.3)
    good, bad = (ref.measure(x, ref.grid.histogram(x), d_grid) for x in (on_data, collapsed))
    assert good["modes_captured"] == 8 and good["hq_share"] > 0.98 and good["scored_samples"] == 512
    assert bad["modes_captured"] == 1 and bad[MODE_SHARE.format(2)] > 0.98
    for name in ("kl", "reverse_kl", "js", "mmd"):
        assert bad[name] > good[name]
    assert "w1" not in good and good["d_between_modes"] == pytest.approx(0.3)
    assert abs(good["centroid_x"]) < 0.1 and bad["centroid_x"] == pytest.approx(RING.modes[2, 0], abs=0.01)
    assert good["outside_share"] == 0.0
    more = ref.measure(RING.sample(2500, rng))  # the protocol's 2,500 samples, all scored; no density, no D
    assert (
        more["scored_samples"] == 2500
        and more["modes_captured"] == 8
        and "js" not in more
        and "d_between_modes" not in more
    )
    single = metrics(
        collapsed,
        ref.grid.histogram(collapsed),
        d_grid,
        grid=ref.grid,
        data_density=ref.data_density,
        modes=ref.modes,
        scales=ref.scales,
        real=ref.real,
    )
    assert single == bad  # the one-snapshot function is the same measurement


def test_mmd_scores_a_fixed_subset_of_the_first_samples():
    """MMD costs the square of the count: a snapshot's first MMD_SAMPLES samples against the first real ones."""
    rng = np.random.default_rng(10)
    ref = _reference(2)
    x = np.concatenate([RING.sample(MMD_SAMPLES, rng), np.full((1500, 2), 1.4)])  # the tail, far off, is not scored
    m = ref.measure(x)
    assert m["mmd"] == pytest.approx(mmd2(x[:MMD_SAMPLES], ref.real[:MMD_SAMPLES], ref.bandwidths), rel=1e-9)
    assert m["mmd"] < 0.01 < mmd2(x, ref.real, ref.bandwidths)
    assert m["outside_share"] == 0.0 and m["hq_share"] == pytest.approx(
        MMD_SAMPLES / 2500, abs=0.01
    )  # the rest: every sample


def test_mmd_with_the_fixed_sets_term_given_is_the_same():
    rng = np.random.default_rng(11)
    x, y = rng.normal(0, 1, (300, 2)), rng.normal(0.5, 1, (200, 2))
    assert mmd2(x, y, yy=kernel_mean(y)) == pytest.approx(mmd2(x, y), rel=1e-12)
    # the unbiased self term by brute force: mean of k over i ≠ j
    d2 = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    k = sum(np.exp(-d2 / (2 * s * s)) for s in (0.1, 0.3, 1.0, 3.0))
    assert kernel_mean(y) == pytest.approx((k.sum() - np.trace(k)) / (200 * 199), rel=1e-6)


def test_every_metric_of_a_1d_snapshot_has_w1_and_counts_samples_outside_the_view():
    rng = np.random.default_rng(9)
    ref = _reference(1)
    samples = np.concatenate([rng.normal(1.0, 0.1, 90), np.full(10, 7.0)])[:, None]
    m = ref.measure(samples, ref.grid.histogram(samples))
    assert m["modes_captured"] == 1 and m["outside_share"] == pytest.approx(0.1) and "centroid_y" not in m
    assert m["w1"] == pytest.approx(w1_1d(samples, ref.real))
    assert m["w1"] > 1.0  # half the data mass (at −1) must travel 2, the outliers 6


def test_the_protocol_applies_to_small_separate_windows_only():
    """The rule, on the presets' targets, against shares worked out by hand."""
    ring = protocol_fit(RING.modes, RING.mode_scales, [(-1.5, 1.5), (-1.5, 1.5)])
    assert ring.applies and not ring.overlap and ring.reason == ""
    assert ring.view_share == pytest.approx(8 * math.pi * 0.03**2 / 9, rel=0.02)  # eight disks of radius 3σ = 0.03
    # five-clusters: σ 1 at radius 5; neighbours 2·5·sin 36° = 5.88 apart < 3σ + 3σ = 6, so the windows overlap
    five = Ring(5, 1.0, radius=5.0)
    fit = protocol_fit(five.modes, five.mode_scales, [(-10.0, 10.0), (-10.0, 10.0)])
    assert not fit.applies and fit.overlap and fit.reason == "3σ windows overlap"
    # mixture-1d: σ 0.15 at −0.25, 0.75, 1.75 (1 apart > 0.9: separate) in [−1.5, 3.5]: three windows 0.9 long = 54%
    mix = protocol_fit([[-0.25], [0.75], [1.75]], [0.15] * 3, [(-1.5, 3.5)])
    assert not mix.overlap and mix.view_share == pytest.approx(2.7 / 5, abs=1e-3)
    assert not mix.applies and mix.reason == "3σ windows cover 54% of the view"
    # a window cut by the view's edge counts only inside: one mode at 0, σ 1, view [0, 10] → 3 / 10
    assert protocol_fit([[0.0]], [1.0], [(0.0, 10.0)]).view_share == pytest.approx(0.3, abs=1e-3)


def test_core_shares_count_samples_within_one_sigma_by_hand():
    """The alternative where the protocol does not apply: per-mode share within 1σ of the nearest mode, and its sum."""
    grid = Grid(((-5.0, 15.0), (-5.0, 5.0)), 10)
    ref = Reference(grid, modes=np.array([[0.0, 0.0], [10.0, 0.0]]), scales=np.array([1.0, 2.0]))
    samples = np.array(
        [
            [0.5, 0.5],  # 0.71 from mode 0: within 1σ (1)
            [0.0, 1.5],  # 1.5 from mode 0: within 3σ, not 1σ
            [8.5, 0.0],  # 1.5 from mode 1 (σ 2): within 1σ
            [11.0, 1.9],  # 2.15 from mode 1: within 3σ, not 1σ
            [5.0, 0.0],  # 5 from both: neither
            [np.nan, 0.0],
        ]
    )  # NaN: counts in the total, in no share
    m = ref.measure(samples)
    assert m[CORE_SHARE.format(0)] == pytest.approx(1 / 6) and m[CORE_SHARE.format(1)] == pytest.approx(1 / 6)
    assert m["core_share"] == pytest.approx(2 / 6)
    assert m["hq_share"] == pytest.approx(4 / 6) and m["modes_captured"] == 2


def test_data_from_a_gaussian_mixture_has_its_known_core_share():
    """Within 1σ a Gaussian holds erf(1/√2) = 68.3% of its mass in 1D and 1 − e^(−1/2) = 39.3% in 2D."""
    rng = np.random.default_rng(12)
    mix = Mixture([[-0.25], [0.75], [1.75]], 0.15)
    one_d = mode_coverage(mix.sample(40_000, rng), mix.modes, mix.mode_scales, k_sigma=1.0)
    assert one_d.hq_share == pytest.approx(math.erf(1 / math.sqrt(2)), abs=0.01)
    two_d = mode_coverage(RING.sample(40_000, rng), RING.modes, RING.mode_scales, k_sigma=1.0)
    assert two_d.hq_share == pytest.approx(1 - math.exp(-0.5), abs=0.01)
    np.testing.assert_allclose(two_d.per_mode, two_d.hq_share / 8, atol=0.01)


@pytest.mark.parametrize(
    "low, high, name",
    [
        (-20.0, -0.001, "negative definite"),  # seeds/004's strong D: λmax ≈ −0.001 beside λmin ≈ −20 still counts
        (-16.9, 0.121, "indefinite"),
        (0.5, 3.0, "positive definite"),
        (-20.0, 1e-6, "negative semidefinite"),  # 1e-6 is within 1e-6 × 20 of 0
        (0.0, 2.0, "positive semidefinite"),
        (0.0, 0.0, "zero"),
        (float("nan"), 1.0, ""),
    ],
)
def test_definiteness_from_the_extreme_eigenvalues(low, high, name):
    assert definiteness(low, high) == name
