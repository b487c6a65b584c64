"""Targets: sampling, exact densities on grids, modes, config round trips and one-line errors."""

import math

import numpy as np
import pytest

from gananim.errors import GananimError
from gananim.kinds.points.targets import Empirical, make_target, target_from_samples
from gananim.recording.grid import Grid

CONFIGS = {
    "gauss-1d": {"kind": "gaussian", "mean": [5.0], "sigma": 1.0},
    "gauss-2d": {"kind": "gaussian", "mean": [1.0, -2.0], "sigma": [0.5, 2.0]},
    "mixture-1d": {"kind": "mixture", "means": [[-2.0], [2.0]], "sigmas": [0.5, 1.0], "weights": [1.0, 3.0]},
    "mixture-2d": {"kind": "mixture", "means": [[-2.0, 0.0], [2.0, 1.0]], "sigmas": 0.3},
    "ring8": {"kind": "ring", "n": 8, "sigma": 0.01},
    "grid25": {"kind": "grid", "k": 5, "sigma": 0.05},
    "circle": {"kind": "circle", "radius": 2.0, "center": [1.0, 1.0]},
    "points": {"kind": "points", "points": [[-1, 0], [1, 0], [0, 1], [0, -1]], "weights": [1, 1, 1, 5]},
    "points-1d": {"kind": "points", "points": [-1.0, 1.0]},
}
DIMS = {"gauss-1d": 1, "mixture-1d": 1, "points-1d": 1}


def rng():
    return np.random.default_rng(0)


def wide_grid(target, size=200, grow=2.0):
    """A grid over the target's view box widened around its centre, so (almost) all mass is inside."""
    bounds = [
        ((lo + hi) / 2 - grow * (hi - lo) / 2, (lo + hi) / 2 + grow * (hi - lo) / 2) for lo, hi in target.view_box()
    ]
    return Grid(tuple(bounds), size)


@pytest.mark.parametrize("name", CONFIGS)
def test_samples_have_shape_dim_and_lie_in_view_box(name):
    t = make_target(CONFIGS[name])
    x = t.sample(1000, rng())
    assert t.dim == DIMS.get(name, 2)
    assert x.shape == (1000, t.dim) and x.dtype == np.float64
    box = np.array(t.view_box())
    assert all(isinstance(v, float) for pair in t.view_box() for v in pair)
    inside = ((x >= box[:, 0]) & (x <= box[:, 1])).all(axis=1)
    assert inside.mean() > 0.99


@pytest.mark.parametrize("name", CONFIGS)
def test_density_integrates_to_one_over_a_wide_box(name):
    t = make_target(CONFIGS[name])
    g = wide_grid(t)
    d = t.density(g)
    assert d.shape == g.shape
    assert (d >= 0).all()
    assert d.sum() * g.cell_area == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_round_trips(name):
    t = make_target(CONFIGS[name])
    again = make_target(t.to_config())
    assert again == t
    assert np.array_equal(again.modes, t.modes) and np.array_equal(again.mode_scales, t.mode_scales)
    assert again.view_box() == t.view_box()
    assert type(t).__name__ in repr(t)


def test_gaussian_2d_sample_moments():
    x = make_target(CONFIGS["gauss-2d"]).sample(100_000, rng())
    np.testing.assert_allclose(x.mean(axis=0), [1.0, -2.0], atol=0.03)
    np.testing.assert_allclose(x.std(axis=0), [0.5, 2.0], rtol=0.02)


def test_mixture_1d_sample_moments_and_weights():
    x = make_target(CONFIGS["mixture-1d"]).sample(100_000, rng())[:, 0]
    w, m, s = np.array([0.25, 0.75]), np.array([-2.0, 2.0]), np.array([0.5, 1.0])
    mean = (w * m).sum()
    std = math.sqrt((w * (s**2 + m**2)).sum() - mean**2)
    assert x.mean() == pytest.approx(mean, abs=0.02)
    assert x.std() == pytest.approx(std, rel=0.01)
    right = 0.75 * 0.5 * math.erfc(-2.0 / math.sqrt(2)) + 0.25 * 0.5 * math.erfc(4.0 / math.sqrt(2))  # P(x > 0)
    assert (x > 0).mean() == pytest.approx(right, abs=0.005)


def test_gaussian_1d_density_is_the_pdf_at_cell_centres_on_a_fine_grid():
    t = make_target({"kind": "gaussian", "mean": [5.0], "sigma": 2.0})
    g = Grid(((-5.0, 15.0),), 2000)
    i = 1300
    x = g.axes[0][i]
    pdf = math.exp(-((x - 5.0) ** 2) / (2 * 4.0)) / math.sqrt(2 * math.pi * 4.0)
    assert t.density(g)[i] == pytest.approx(pdf, rel=1e-5)


def test_narrow_modes_keep_their_mass_on_a_coarse_grid():
    """ring8 with sigma 0.01 on a grid whose cells are ~4 sigma wide: each mode still holds 1/8."""
    t = make_target(CONFIGS["ring8"])
    g = Grid(t.view_box(), 64)
    d = t.density(g) * g.cell_area
    assert d.sum() == pytest.approx(1.0, abs=1e-9)
    centres = g.points()
    for mode in t.modes:
        near = np.linalg.norm(centres - mode, axis=1) < 0.08  # cells touching the mode's 3-sigma disc
        assert d.ravel()[near].sum() == pytest.approx(1 / 8, abs=1e-6)


def test_density_rows_are_y_and_columns_are_x():
    t = make_target({"kind": "gaussian", "mean": [1.5, -2.5], "sigma": 0.3})
    g = Grid(((-4.0, 4.0), (-4.0, 4.0)), 80)
    row, col = np.unravel_index(np.argmax(t.density(g)), g.shape)
    assert g.axes[1][row] == pytest.approx(-2.5, abs=0.1)
    assert g.axes[0][col] == pytest.approx(1.5, abs=0.1)


def test_mixture_density_peaks_at_its_mode_cells():
    t = make_target(CONFIGS["mixture-2d"])
    g = Grid(((-4.0, 4.0), (-3.0, 3.0)), 80)
    d = t.density(g)
    for mode, half in zip(t.modes, (slice(0, 40), slice(40, 80))):  # left and right halves of the x axis
        row, col = np.unravel_index(np.argmax(d[:, half]), (80, 40))
        peak = np.array([g.axes[0][half][col], g.axes[1][row]])
        assert np.abs(peak - mode).max() < 0.1
    assert d[40, 40] < 1e-6 * d.max()  # nothing between the modes


def test_ring8_has_eight_distinct_modes_at_the_right_angles():
    t = make_target(CONFIGS["ring8"])
    modes = t.modes
    assert modes.shape == (8, 2)
    assert len(np.unique(np.round(modes, 9), axis=0)) == 8
    np.testing.assert_allclose(np.linalg.norm(modes, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(modes[:, 1], modes[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, 2 * np.pi * np.arange(8) / 8, atol=1e-12)
    np.testing.assert_allclose(t.mode_scales, 0.01)


def test_grid25_modes_are_the_centred_lattice():
    t = make_target(CONFIGS["grid25"])
    expected = {(float(a), float(b)) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    assert {tuple(m) for m in t.modes.tolist()} == expected
    np.testing.assert_allclose(t.mode_scales, 0.05)


def test_points_sample_only_the_points_with_their_weights():
    t = make_target(CONFIGS["points"])
    x = t.sample(40_000, rng())
    pts, counts = np.unique(x, axis=0, return_counts=True)
    assert {tuple(p) for p in pts.tolist()} == {(-1.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, -1.0)}
    freq = dict(zip(map(tuple, pts.tolist()), counts / len(x)))
    assert freq[(0.0, -1.0)] == pytest.approx(5 / 8, abs=0.01)
    assert freq[(1.0, 0.0)] == pytest.approx(1 / 8, abs=0.01)
    np.testing.assert_array_equal(t.modes, [[-1, 0], [1, 0], [0, 1], [0, -1]])
    np.testing.assert_allclose(t.mode_scales, 0.05)


def test_points_density_puts_each_weight_in_its_cell():
    t = make_target(CONFIGS["points"])
    g = Grid(((-2.0, 2.0), (-2.0, 2.0)), 9)
    mass = t.density(g) * g.cell_area
    row, col = np.unravel_index(np.argmax(mass), g.shape)
    assert (g.axes[0][col], g.axes[1][row]) == pytest.approx((0.0, -1.0), abs=0.25)
    assert mass.max() == pytest.approx(5 / 8)


def test_circle_samples_lie_on_the_circle_and_density_is_a_ring():
    t = make_target(CONFIGS["circle"])
    x = t.sample(5000, rng())
    np.testing.assert_allclose(np.linalg.norm(x - [1.0, 1.0], axis=1), 2.0)
    assert t.modes.shape == (0, 2) and t.mode_scales.shape == (0,)
    g = Grid(((-2.0, 4.0), (-2.0, 4.0)), 31)
    d = t.density(g)
    assert d[15, 15] == 0.0  # the centre cell
    assert d.sum() * g.cell_area == pytest.approx(1.0, abs=1e-9)


def test_density_on_a_grid_of_the_wrong_dimension_is_an_error():
    with pytest.raises(GananimError, match="2D grid"):
        make_target(CONFIGS["circle"]).density(Grid(((-1.0, 1.0),), 10))


def test_view_boxes():
    assert make_target(CONFIGS["circle"]).view_box() == ((-1.6, 3.6), (-1.6, 3.6))
    ((lo, hi),) = make_target({"kind": "gaussian", "mean": [0.0], "sigma": 1.0}).view_box()
    assert (lo, hi) == pytest.approx((-4.8, 4.8))
    assert make_target(CONFIGS["points-1d"]).view_box() == ((-1.5, 1.5),)


# --- real samples: files and memory


def test_npy_and_csv_files_load_and_kde_integrates_to_one(tmp_path):
    data = np.random.default_rng(1).normal([0.0, 3.0], [1.0, 0.5], size=(500, 2))
    np.save(tmp_path / "pts.npy", data)
    np.savetxt(tmp_path / "pts.csv", data, delimiter=",", header="x,y", comments="")
    a = make_target({"kind": "file", "path": str(tmp_path / "pts.npy")})
    b = make_target({"kind": "file", "path": str(tmp_path / "pts.csv")})
    np.testing.assert_allclose(a.data, data)
    np.testing.assert_allclose(b.data, data)
    assert make_target(a.to_config()) == a
    g = wide_grid(a, size=120)
    assert a.density(g).sum() * g.cell_area == pytest.approx(1.0, abs=1e-3)
    x = a.sample(300, rng())
    assert x.shape == (300, 2) and np.isin(x[:, 0], data[:, 0]).all()
    assert a.modes.shape == (0, 2)


def test_kde_matches_a_hand_computed_1d_kde(tmp_path):
    data = np.array([0.0, 1.0, 3.0])
    np.savetxt(tmp_path / "one.csv", data)
    t = make_target({"kind": "file", "path": str(tmp_path / "one.csv")})
    assert t.dim == 1
    h = data.std(ddof=1) * 3 ** (-1 / 5)
    g = Grid(((-1.0, 2.0),), 3)  # centres -0.5, 0.5, 1.5
    expected = [np.mean(np.exp(-((x - data) ** 2) / (2 * h * h))) / (h * math.sqrt(2 * math.pi)) for x in g.axes[0]]
    np.testing.assert_allclose(t.density(g), expected, rtol=1e-12)


def test_target_from_samples_wraps_memory_arrays():
    t = target_from_samples(np.linspace(-1, 1, 50))
    assert isinstance(t, Empirical) and t.dim == 1 and t.to_config() == {"kind": "samples", "n": 50}
    assert target_from_samples(rng().normal(size=(10, 2))).dim == 2
    with pytest.raises(GananimError, match="kind = 'file'"):
        make_target(t.to_config())


@pytest.mark.parametrize(
    "write, match",
    [
        (None, "does not exist"),
        (lambda p: np.save(p, np.zeros((5, 3))), "1D or 2D"),
        (lambda p: np.save(p, np.zeros((5, 2, 2))), "1D or 2D"),
        (lambda p: np.save(p, np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]])), "NaN or infinite"),
        (lambda p: np.save(p, np.zeros((1, 2))), "at least 2"),
        (lambda p: np.save(p, np.zeros((5, 2))), "spread"),
        (lambda p: p.write_bytes(b"not an npy file at all"), "could not read"),
    ],
)
def test_bad_npy_files_are_one_line_errors(tmp_path, write, match):
    path = tmp_path / "bad.npy"
    if write:
        write(path)
    with pytest.raises(GananimError, match=match) as err:
        make_target({"kind": "file", "path": str(path)})
    assert "\n" not in str(err.value)


def test_bad_csv_and_suffix_are_errors(tmp_path):
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n3,oops\n")
    with pytest.raises(GananimError, match="could not read"):
        make_target({"kind": "file", "path": str(tmp_path / "bad.csv")})
    (tmp_path / "pts.txt").write_text("1,2\n")
    with pytest.raises(GananimError, match=r"\.npy or \.csv"):
        make_target({"kind": "file", "path": str(tmp_path / "pts.txt")})


# --- config errors


@pytest.mark.parametrize(
    "cfg, match",
    [
        ({"kind": "spiral"}, "unknown target kind 'spiral'; known kinds: gaussian, mixture, ring"),
        ({"mean": [0.0]}, "unknown target kind None"),
        ({"kind": ["ring"]}, "unknown target kind"),
        ("ring", "a target config is a table"),
        ({"kind": "gaussian", "mean": [0.0], "sigma": 0.0}, "sigma must be > 0"),
        ({"kind": "gaussian", "mean": [0.0], "sigma": -1.0}, "sigma must be > 0"),
        ({"kind": "gaussian", "mean": [0.0, 0.0, 0.0], "sigma": 1.0}, "1D or 2D"),
        ({"kind": "gaussian", "mean": [0.0, 0.0], "sigma": [1.0, 1.0, 1.0]}, "one per dimension"),
        ({"kind": "gaussian", "mean": [0.0]}, "needs key"),
        ({"kind": "gaussian", "mean": [0.0], "sigma": 1.0, "sigmas": 1.0}, "has no key.*sigmas"),
        ({"kind": "gaussian", "mean": ["a"], "sigma": 1.0}, "must be a number"),
        ({"kind": "gaussian", "mean": [float("nan")], "sigma": 1.0}, "NaN"),
        ({"kind": "mixture", "means": [], "sigmas": 1.0}, "non-empty"),
        ({"kind": "mixture", "means": [[0, 0], [1]], "sigmas": 1.0}, "equal-length"),
        ({"kind": "mixture", "means": [[0, 0, 0]], "sigmas": 1.0}, "1D or 2D"),
        ({"kind": "mixture", "means": [[0], [1]], "sigmas": [1.0, 1.0, 1.0]}, "one per mean"),
        ({"kind": "mixture", "means": [[0], [1]], "sigmas": 1.0, "weights": [1.0, -1.0]}, "weights must be >= 0"),
        ({"kind": "mixture", "means": [[0], [1]], "sigmas": 1.0, "weights": [1.0]}, "weights must be 2 numbers"),
        ({"kind": "ring", "n": 0, "sigma": 0.1}, "whole number >= 1"),
        ({"kind": "ring", "n": 2.5, "sigma": 0.1}, "whole number"),
        ({"kind": "ring", "n": 8, "sigma": 0.1, "center": [0.0]}, "needs 2 coordinates"),
        ({"kind": "grid", "k": 5, "sigma": 0.05, "spacing": -2}, "spacing must be one number > 0"),
        ({"kind": "circle", "radius": 0}, "radius must be one number > 0"),
        ({"kind": "points", "points": [[0, 0, 0]]}, "1D or 2D"),
        ({"kind": "points", "points": [[0, 0]], "scale": [1, 2]}, "scale must be one number"),
    ],
)
def test_bad_configs_are_one_line_errors(cfg, match):
    with pytest.raises(GananimError, match=match) as err:
        make_target(cfg)
    assert "\n" not in str(err.value)


def test_bad_sample_size_is_an_error():
    with pytest.raises(GananimError, match="sample size"):
        make_target(CONFIGS["circle"]).sample(-1, rng())
