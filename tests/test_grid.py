"""Grid.histogram against numpy's own histogram/histogram2d (the independent reference), edge values included."""

import numpy as np
import pytest

from gananim.recording.grid import Grid


@pytest.mark.parametrize("dim", [1, 2])
def test_histogram_matches_numpy_exactly(dim):
    rng = np.random.default_rng(dim)
    for _ in range(150):
        lo = rng.uniform(-3, 0, dim)
        hi = lo + rng.uniform(0.1, 5, dim)
        grid = Grid(tuple(zip(lo, hi)), int(rng.integers(4, 130)))
        x = rng.uniform(lo - 1, hi + 1, (int(rng.integers(60, 3000)), dim))
        for axis in range(dim):  # values exactly on cell edges, where a rounding slip would move a count
            x[:50, axis] = rng.choice(grid.edges[axis], 50)
        x[:3] = np.nan  # dropped, but counted in the total (the share of mass shown)
        finite = x[np.isfinite(x).all(axis=1)]
        if dim == 1:
            counts, _ = np.histogram(finite[:, 0], bins=grid.edges[0])
        else:
            counts, _, _ = np.histogram2d(finite[:, 1], finite[:, 0], bins=[grid.edges[1], grid.edges[0]])
        np.testing.assert_array_equal(grid.histogram(x), counts / len(x) / grid.cell_area)


def test_histogram_of_nothing_is_zero():
    grid = Grid(((-1.0, 1.0), (0.0, 2.0)), 8)
    assert grid.histogram(np.zeros((0, 2))).shape == (8, 8) and not grid.histogram(np.zeros((0, 2))).any()


def test_histograms_of_several_sets_are_each_sets_histogram():
    """The Recorder histograms a batch of snapshots in one call: the same numbers as one call per snapshot."""
    rng = np.random.default_rng(3)
    for dim in (1, 2):
        grid = Grid(((-2.0, 1.0), (0.0, 3.0))[:dim], 17)
        sets = rng.uniform(-3, 4, (5, 200, dim))
        sets[1, :7] = np.nan
        sets[3, :, 0] = rng.choice(grid.edges[0], 200)
        both = grid.histograms(sets)
        assert both.shape == (5, *grid.shape)
        for k in range(5):
            np.testing.assert_array_equal(both[k], grid.histogram(sets[k]))
