"""The user's data in view (issue 20, point 3): the stored real samples drawn as points in every 2D view, on by
default for data given as samples, and a data density sharp enough to show two moons."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.stats import gaussian_kde

from gananim.errors import GananimError
from gananim.kinds.points.targets import Empirical, Gaussian
from gananim.kinds.points.targets.empirical import NEIGHBOUR_SAMPLE, NEIGHBOURS
from gananim.kinds.points.views.density import display_density
from gananim.recording.grid import Grid, as_bounds
from gananim.rendering.views import Frame, make_style
from synthetic import record_known

VIEWS_2D = ("surface", "density", "mapping", "gradients")


def two_moons(n: int, noise: float, seed: int = 0) -> np.ndarray:
    """scikit-learn's make_moons, written out: the upper arc (cos t, sin t) and the lower (1 − cos t, ½ − sin t)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, math.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], axis=1) + rng.normal(0, noise, (n, 2))


def test_the_kde_narrows_to_the_neighbour_spacing_as_an_independent_kde_computes_it():
    data = two_moons(1500, 0.05)
    target = Empirical(data)
    # the reference: scipy's Gaussian KDE (covariance = data covariance × factor²) with the factor computed apart,
    # the median distance to the 10th neighbour among 1,000 evenly spread samples in whitened coordinates
    white = np.linalg.solve(np.linalg.cholesky(np.cov(data, rowvar=False)), data.T).T
    sub = white[np.linspace(0, len(data) - 1, NEIGHBOUR_SAMPLE).astype(int)]
    factor = float(np.median(cKDTree(sub).query(sub, k=NEIGHBOURS + 1)[0][:, -1]))
    assert factor < len(data) ** (-1 / 6)  # narrower than Scott's rule: the case this is for
    grid = Grid(as_bounds([(-1.5, 2.5), (-1.0, 1.5)]), 40)
    expected = gaussian_kde(data.T, bw_method=factor)(grid.points().T).reshape(grid.shape)
    np.testing.assert_allclose(target.density(grid), expected, rtol=1e-6, atol=1e-12)


def test_two_moons_read_as_two_moons_on_the_default_grid():
    """On the recording's own 32² grid the density on an arc is far above the density in the upper moon's hollow
    ((−0.5, 0.3): 0.4 from either arc): with Scott's rule the hollow was filled (a blob)."""
    data = two_moons(2000, 0.06)
    target = Empirical(data)
    grid = Grid(as_bounds(target.view_box()), 32)
    density = target.density(grid)
    at = lambda x, y: density[np.searchsorted(grid.edges[1], y) - 1, np.searchsorted(grid.edges[0], x) - 1]  # noqa: E731
    assert at(0.0, 1.0) > 10 * at(-0.5, 0.3)
    assert density.sum() * grid.cell_area == pytest.approx(1.0, abs=0.02)
    scott = gaussian_kde(data.T)  # what it was (Scott's rule): a ratio about 4
    assert scott([[0.0], [1.0]])[0] < 5 * scott([[-0.5], [0.3]])[0]


def test_a_kernel_narrower_than_half_a_cell_is_widened_to_it():
    data = np.random.default_rng(1).normal(0, 0.01, (500, 2))
    coarse = Grid(as_bounds([(-5, 5), (-5, 5)]), 10)  # one-unit cells, the data's spread a hundredth of that
    density = Empirical(data).density(coarse)
    assert density.sum() * coarse.cell_area == pytest.approx(1.0, abs=0.05)  # not all lost between cell centres


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    """A user's recording of its own samples: G's samples move from a ball at the origin onto the moons."""
    data = two_moons(600, 0.05).astype(np.float32)
    import torch

    moons = torch.tensor(data[:64])

    def g(z, t):
        return (1 - t) * 0.2 * z[:, :2] + t * moons[torch.arange(len(z)) % len(moons)]

    return record_known(
        tmp_path_factory.mktemp("moons") / "moons", g, lambda x, t: x.sum(1, keepdim=True) * t, 2, data, steps=2
    )


@pytest.fixture(scope="module")
def preset_like_run(tmp_path_factory):
    """A recording of a gananim target (no data given as samples)."""
    return record_known(
        tmp_path_factory.mktemp("gauss") / "gauss",
        lambda z, t: z[:, :2],
        lambda x, t: x.sum(1, keepdim=True),
        2,
        Gaussian([0.0, 0.0], 1.0),
        steps=1,
    )


def blue_at_real_samples(rec, view: str, **kw) -> float:
    """The share of the stored real samples with a blue dot's pixel (DATA_BLUE, #1f77b4) within a pixel of where
    they are, in a 720p frame of `view` (the panel's axes map data to pixels)."""
    frame = Frame([rec], view, make_style("720p"), **kw)
    image = frame.render(int(rec.steps[0]))[..., :3].astype(int)  # G still a ball at the origin: no dot over them
    ax = frame.axes[0]
    xy = ax.transData.transform(rec.fixed["data_samples"].astype(float))
    height = image.shape[0]
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    blue = (r < 110) & (b > 140) & (b - r > 70) & (g < b)
    hits = 0
    for x, y in xy:
        col, row = int(round(x)), int(round(height - y))
        hits += bool(blue[max(row - 1, 0) : row + 2, max(col - 1, 0) : col + 2].any())
    return hits / len(xy)


@pytest.mark.parametrize("view", VIEWS_2D)
def test_the_real_samples_are_drawn_by_default_for_data_given_as_samples(moons_run, view):
    assert blue_at_real_samples(moons_run, view) > 0.9
    assert blue_at_real_samples(moons_run, view, data_points=False) < 0.1


def test_the_real_samples_are_off_by_default_for_a_target_and_on_when_asked(preset_like_run):
    assert blue_at_real_samples(preset_like_run, "density") < 0.1
    assert blue_at_real_samples(preset_like_run, "density", data_points=True) > 0.8


def test_data_points_without_stored_samples_is_a_one_line_error(tmp_path):
    rec = record_known(tmp_path / "box", lambda z, t: z[:, :2], None, 2, [(-2, 2), (-2, 2)], steps=1)
    with pytest.raises(GananimError, match="stores no real samples") as err:
        Frame([rec], "density", make_style("720p"), data_points=True)
    assert "\n" not in str(err.value)
    Frame([rec], "density", make_style("720p"))  # the default draws none and says nothing


def test_the_data_density_of_samples_is_drawn_from_the_stored_samples_on_a_finer_grid(moons_run):
    drawn = display_density(moons_run)
    assert drawn.shape == (4 * 16, 4 * 16)  # the recording's 16² grid, four times finer
    fine = Grid(moons_run.grid.bounds, 64)
    raw = Empirical(moons_run.fixed["data_samples"].astype(float)).density(fine)
    assert np.corrcoef(drawn.ravel(), raw.ravel())[0, 1] > 0.95  # the same picture, lightly smoothed


def test_the_mountains_carry_the_real_samples_on_d_and_leave_them_out_when_asked(moons_run):
    frame = Frame([moons_run], "mountains", make_style("720p"))
    view = frame.views[0]
    frame.render(int(moons_run.steps[-1]))
    x, y, z = view.real_marks.get_data_3d()
    np.testing.assert_allclose(np.stack([x, y], 1), moons_run.fixed["data_samples"], rtol=1e-6)  # all in the box
    assert np.all((z >= 0) & (z <= 1.02)) and "real samples" in view.key_text.get_text()
    off = Frame([moons_run], "mountains", make_style("720p"), data_points=False).views[0]
    assert off.real_at is None and "real samples" not in off.key_text.get_text()
