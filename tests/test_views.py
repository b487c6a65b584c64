"""Frames of the surface, mapping and dashboard views, and the frame around them, on recordings of known functions."""

import math

import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.text import Text

from gananim.errors import GananimError
from gananim.kinds.points.targets import Ring
from gananim.rendering.views import Frame, make_style, render_frame
from gananim.rendering.views.modes import ModesPanel
from synthetic import record_known

BOX = [(-4.0, 4.0), (-4.0, 4.0)]
SMALL = make_style((200, 150))


def shift(z, t):
    """G(z) = 0.3 z + (3 t, 0): a blob that moves right over training."""
    return 0.3 * z + torch.tensor([3.0 * t, 0.0])


def left_is_real(x, t):
    """D's logit grows to the left: D ≈ 1 (purple) for x < 0, ≈ 0 (white) for x > 0."""
    return -3.0 * x[:, 0]


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("r") / "moving",
        shift,
        left_is_real,
        2,
        BOX,
        scalars=lambda s: {"d_loss": 1.0 + s, "g_loss": 2.0 - 0.1 * s},
    )


def pixel(frame: Frame, k: int, x: float, y: float) -> tuple[int, int]:
    """(row, col) of data point (x, y) in panel k."""
    px, py = frame.axes[k].transData.transform((x, y))
    return frame.style.height - int(round(py)), int(round(px))


def test_surface_draws_d_and_density_where_they_are(moving, assert_frame):
    frame = Frame([moving], "surface", make_style((320, 240)))
    last = frame.render(4)
    r, c = pixel(frame, 0, 3.0, 0.0)  # the blob's centre at t = 1
    red = last[r - 2 : r + 3, c - 2 : c + 3].reshape(-1, 3).mean(axis=0)
    assert red[0] > 150 and red[1] < 110 and red[2] < 110, red
    r, c = pixel(frame, 0, -3.0, 3.0)  # D ≈ 1 there: dark purple
    assert last[r, c, 1] < 90 and last[r, c, 2] > last[r, c, 1]
    r, c = pixel(frame, 0, 3.0, 3.5)  # D ≈ 0 there: white
    assert last[r, c].min() > 235
    first = frame.render(0)
    r, c = pixel(frame, 0, 0.0, 0.0)  # at t = 0 the blob sits at the origin
    assert first[r, c, 0] > 150 and first[r, c, 1] < 110
    assert_frame("surface-last", render_frame(moving, -1, "surface", SMALL))


def test_mapping_arrows_run_from_latent_grid_to_g(moving, assert_frame):
    frame = Frame([moving], "mapping", SMALL)
    frame.render(4)
    quiver = frame.views[0].quiver
    tails = moving.fixed["latent_grid_coords"]
    np.testing.assert_allclose(quiver.U, -0.7 * tails[:, 0] + 3.0, atol=1e-5)
    np.testing.assert_allclose(quiver.V, -0.7 * tails[:, 1], atol=1e-5)
    assert_frame("mapping-first", render_frame(moving, 0, "mapping", SMALL))
    assert_frame("mapping-last", render_frame(moving, -1, "mapping", SMALL))


def test_dashboard_plots_scalars_with_a_cursor(moving, assert_frame):
    frame = Frame([moving], "dashboard", make_style((320, 240)))
    frame.render(2)
    dash = frame.views[0]
    assert all(p.cursor.get_xdata()[0] == 2 for p in dash.panels)
    titles = [p.header.title.get_text() for p in dash.panels]
    losses = dash.panels[0]
    assert titles[0] == "losses" and [e.get_text() for e in losses.header.entries] == ["━ D loss 3", "━ G loss 1.8"]
    # the header is the legend: each entry in its curve's colour
    assert [e.get_color() for e in losses.header.entries] == [line.get_color() for line in losses.chart.get_lines()[:2]]
    assert "discriminator (- - ½)" in titles  # D(fake) only: a view box has no real data; the title names the ½ line
    assert "value V(G, D)" not in titles and "modes" not in " ".join(titles)  # no value recorded, no modes
    assert_frame("dashboard-mid", render_frame(moving, 2, "dashboard", SMALL))


def test_view_with_dashboard_layout(moving, assert_frame):
    img = render_frame(moving, -1, "surface", make_style((320, 180)), dashboard=True)
    assert img.shape == (180, 320, 3)
    assert_frame("surface-dashboard", img)


def test_compare_synchronises_on_step(tmp_path, moving, assert_frame):
    sparse = record_known(tmp_path / "sparse", shift, left_is_real, 2, BOX, steps=4, every=2)
    frame = Frame([moving, sparse], "surface", make_style((400, 200)), titles=["every step", "every 2"])
    assert frame.steps().tolist() == [0, 1, 2, 3, 4]
    frame.render(3)
    assert frame.views[0].snap.step == 3 and frame.views[1].snap.step == 2
    assert_frame("compare-surface", frame.render(4))


def test_frame_size_is_exact_and_even():
    style = make_style((161, 121))
    assert (style.width, style.height) == (160, 120)
    assert make_style("720p").width == 1280 and make_style("square").height == 720


def test_counter_and_nan_warning(tmp_path):
    def diverging(z, t):
        out = 0.3 * z
        if t > 0.5:
            out[::2] = math.nan
        return out

    rec = record_known(tmp_path / "nan", diverging, left_is_real, 2, BOX)
    frame = Frame([rec], "surface", SMALL)
    frame.render(0)
    assert frame.counter.get_text() == "step 0" and frame.warning.get_text() == ""
    img = frame.render(4)
    assert "50% of generated samples are NaN/inf" in frame.warning.get_text()
    assert img.shape == (150, 200, 3)
    Frame([rec], "mapping", SMALL).render(4)  # NaN arrow heads are skipped, not fatal


@pytest.mark.parametrize("view, match", [("surface", "draws 2D data"), ("nope", "unknown view")])
def test_bad_view_requests(tmp_path, view, match):
    rec = record_known(tmp_path / "one", lambda z, t: z, lambda x, t: x[:, 0], 1, [(-2.0, 2.0)], data_dim=1)
    with pytest.raises(GananimError, match=match):
        Frame([rec], view, SMALL)


def test_surface_needs_a_discriminator(tmp_path):
    rec = record_known(tmp_path / "noD", shift, None, 2, BOX)
    with pytest.raises(GananimError, match="needs a discriminator"):
        Frame([rec], "surface", SMALL)
    Frame([rec], "mapping", SMALL).render(0)


@pytest.mark.parametrize("colours", ["D_COLOURS", "DATA_TINT_COLOURS"])
def test_numpy_ramps_match_matplotlib_colormaps(colours):
    """The manim blocks colour D with drawing.Ramp and never load matplotlib: its colours must be matplotlib's, exactly."""
    from matplotlib.colors import LinearSegmentedColormap

    from gananim.rendering import drawing

    hexes = getattr(drawing, colours)
    values = np.concatenate([np.linspace(0, 1, 20001), (np.arange(64) + 0.5) / 64, [0.0, 1.0, -0.3, 1.7]])
    np.testing.assert_array_equal(
        drawing.Ramp(hexes)(values), LinearSegmentedColormap.from_list("x", hexes)(values)[:, :3]
    )


def test_drawing_helpers_import_without_matplotlib():
    import subprocess
    import sys

    code = "import sys, gananim.rendering.drawing; print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# --------------------------------------------------------------------------- dashboard and frames that read at a glance

RING = Ring(8, 0.01)  # mode k at angle 2πk/8: mode 3 at (−0.71, 0.71)


def onto_mode_3(z, t):
    """A blob at the centre (no sample within 3σ of a mode) that lands on mode 3 for the last snapshots."""
    return 0.1 * z if t < 0.5 else torch.tensor(RING.modes[3], dtype=torch.float32) + 0.003 * z


def curvature(step):
    """The Hessian's extreme eigenvalues every other step (NaN between, as with curvature_every = 2): seeds/004's
    strong D, λmax ≈ −0.001 beside λmin ≈ −20; gradient norms over ten decades."""
    eigs = {"hessian_eig_min": -20.0, "hessian_eig_max": -0.001} if step % 2 == 0 else {}
    return {"d_loss": 1.0, "g_loss": 0.5, "g_grad_norm": 10.0 ** (2 - 2.5 * step), "d_grad_norm": 1.0, **eigs}


@pytest.fixture(scope="module")
def ring(tmp_path_factory):
    return record_known(tmp_path_factory.mktemp("r") / "ring", onto_mode_3, left_is_real, 2, RING, scalars=curvature)


def texts_on(frame: Frame) -> list[tuple[str, object]]:
    """Every text the frame draws, with its box in pixels: tick labels only where their tick is within the axis."""
    renderer = frame.canvas.get_renderer()
    ticks, out = set(), []
    for ax in frame.fig.findobj(Axes):
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks |= {tick.label1, tick.label2}
                for label in (tick.label1, tick.label2):
                    if (
                        ax.axison
                        and label.get_visible()
                        and tick.get_visible()
                        and label.get_text()
                        and lo - 1e-9 <= tick.get_loc() <= hi + 1e-9
                    ):
                        out.append((label.get_text(), label.get_window_extent(renderer)))
    for text in frame.fig.findobj(Text):
        if text not in ticks and text.get_visible() and text.get_text().strip():
            out.append((text.get_text(), text.get_window_extent(renderer)))
    return out


def assert_no_overlaps(frame: Frame) -> None:
    """No two texts of a frame overlap (by more than a pixel) and every text lies inside it."""
    found = texts_on(frame)
    for k, (a, box_a) in enumerate(found):
        assert box_a.x0 >= -1 and box_a.x1 <= frame.style.width + 1 and box_a.y0 >= -1, (
            f"{a!r} leaves the frame: {box_a}"
        )
        for b, box_b in found[k + 1 :]:
            overlap = (
                min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0),
                min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0),
            )
            assert min(overlap) <= 1, f"{a!r} overlaps {b!r}"


def test_modes_panel_shows_the_count_beside_the_shares_and_numbers_bars_like_the_marks(ring):
    frame = Frame([ring], "surface", make_style("720p"), dashboard=True)
    frame.render(4)
    panel = next(p for p in frame.views[1].panels if isinstance(p, ModesPanel))
    assert panel.header.title.get_text() == "modes (3σ protocol)"
    assert [e.get_text() for e in panel.header.entries] == ["━ high quality 100%", "━ captured 1 of 8"]
    np.testing.assert_allclose(panel.corners[:, 1, 1], np.eye(8)[3])  # all high-quality mass on mode 3
    assert [t.get_text() for t in panel.bars.get_xticklabels()] == [str(k) for k in range(8)]
    frame.render(0)  # the blob at the centre: nothing within 3σ of a mode
    assert [e.get_text() for e in panel.header.entries] == ["━ high quality 0%", "━ captured 0 of 8"]
    # the surface numbers each × mark as the bars and the captions do: number k next to mode k
    labels = frame.views[0].mode_labels
    assert labels.texts == [str(k) for k in range(8)]
    at = frame.axes[0].transData.transform(RING.modes)
    for k, path in enumerate(labels.get_paths()):  # each number's outline, placed in pixels beside its mode
        box = path.get_extents(labels.get_transform())
        centre = at[k] + [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]
        assert np.argmin(np.hypot(*(at - centre).T)) == k and 5 < np.hypot(*(at[k] - centre)) < 20
    assert_no_overlaps(frame)


def test_modes_panel_says_when_the_protocol_does_not_apply(tmp_path):
    """five-clusters: σ 1 at radius 5 in [−10, 10]²: the 3σ windows overlap; within 1σ against the data's own 39%."""
    five = Ring(5, 1.0, radius=5.0)
    rec = record_known(
        tmp_path / "five", lambda z, t: 1.5 * z, left_is_real, 2, five, view_box=[(-10.0, 10.0), (-10.0, 10.0)]
    )
    frame = Frame([rec], "dashboard", make_style("720p"))
    frame.render(4)
    panel = next(p for p in frame.views[0].panels if isinstance(p, ModesPanel))
    assert panel.header.title.get_text() == "modes, within 1σ"
    within, data = (e.get_text() for e in panel.header.entries)
    assert within.startswith("━ within 1σ ") and data.startswith("━ data ")
    assert 25 <= float(data.split()[-1].rstrip("%")) <= 55  # 1 − e^(−1/2) = 39% of a 2D Gaussian, from 64 real samples
    notes = [t.get_text() for t in panel.chart.texts]  # the chart's title says what it shows, and why not the protocol
    assert notes == ["all modes, over training · 3σ protocol n/a: 3σ windows overlap"]
    assert_no_overlaps(frame)


def test_curvature_is_held_between_computations_with_its_step_and_definiteness(ring):
    frame = Frame([ring], "dashboard", make_style("720p"))
    dash = frame.views[0]
    hessian = next(p for p in dash.panels if getattr(p, "hessian", False))
    for step in (2, 3):  # computed at 2, held at 3: never "nan"
        frame.render(step)
        assert [e.get_text() for e in hessian.header.entries] == ["━ λmin −20", "━ λmax −0.001"]
        assert hessian.note.get_text() == "negative definite · computed at step 2"
    # symlog: −0.001 sits visibly below 0 (and +0.1 would sit visibly above), beside −20
    chart = hessian.chart
    assert chart.get_yscale() == "symlog"
    y = lambda v: chart.transData.transform((0, v))[1]  # noqa: E731
    assert y(0) - y(-0.001) > 3 and y(0.1) - y(0) > 3 and y(-0.001) > y(-20)
    # the gradient norms span ten decades: at most three labelled ticks, none overlapping
    norms = next(p for p in dash.panels if p.header.title.get_text() == "gradient norms")
    lo, hi = norms.chart.get_ylim()
    shown = [t for t in norms.chart.get_yticks() if lo <= t <= hi]
    assert norms.chart.get_yscale() == "log" and 2 <= len(shown) <= 3
    assert_no_overlaps(frame)


def test_three_way_compare_keeps_every_panel_and_colour_bar_apart_and_marks_a_run_that_ended(tmp_path, moving):
    short = record_known(tmp_path / "short", shift, left_is_real, 2, BOX, steps=2)
    frame = Frame([moving, short, moving], "surface", make_style("720p"), titles=["a", "short", "c"])
    frame.render(2)
    mark = frame.ended[1][1]
    assert not mark.get_visible()
    frame.render(4)
    assert mark.get_visible() and mark.get_text() == "short · ended at step 2" and not frame.ended[0][1].get_visible()
    renderer = frame.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in frame.axes]  # each panel with its colour bars and labels
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 < right.x0
    assert boxes[0].x0 >= 0 and boxes[-1].x1 <= frame.style.width
    frame.render(2)
    assert_no_overlaps(frame)


def test_surface_marks_a_density_peak_over_its_colour_scale(moving):
    frame = Frame([moving], "surface", SMALL)
    view = frame.views[0]
    frame.render(0)
    view.vmax = 1e9  # nothing reaches the top: the key just says "top"
    frame.render(1)
    assert view.clip.get_text() == "top"
    view.vmax = float(np.max(moving[1].density)) / 3  # the peak is 3× the scale's top: clipped, and said so
    frame.render(1)
    assert view.clip.get_text() == "▲ peak 3.0× top"


def test_circle_is_outlined_exactly(tmp_path):
    from gananim.kinds.points.outline import data_outline
    from gananim.kinds.points.targets import make_target

    rec = record_known(
        tmp_path / "circle", lambda z, t: 0.5 * z, left_is_real, 2, make_target({"kind": "circle", "radius": 1.0})
    )
    (line,) = data_outline(rec)
    np.testing.assert_allclose(np.hypot(line[:, 0], line[:, 1]), 1.0)
    assert len(line) > 500  # smooth at any size, not a grid's polygon
    frame = Frame([rec], "surface", make_style("720p"))
    frame.render(0)
    assert_no_overlaps(frame)
