"""Frames read at the size a blog's column shows them (issue 19, item 5): every view, and the dashboard beside a
view, at 720x405 and 1280x720. Every text drawn has capitals at least 9 pixels high, no two texts overlap, no data
runs through a text (a text on its own ground, a halo or an opaque box drawn above the data, reads over it), and
every text stays inside the frame. The measuring is tests/legibility.py's; run it as a script to see every view's
report."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gananim.kinds.points.targets import Ring, make_target
from gananim.recording.reader import load
from gananim.rendering.views import Frame, make_style
from gananim.rendering.views.modes import ModesPanel
from legibility import CASES, MIN_CAP, SIZES, catching, frame_for, inspect, report
from synthetic import record_known

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """The stored recordings, copied (analysing one writes its cache beside it)."""
    root = tmp_path_factory.mktemp("readable")
    out = {}
    for name in sorted({folder for folder, _, _ in CASES}):
        shutil.copytree(FIXTURES / name, root / name)
        out[name] = load(root / name)
    return out


def problems_of(frame: Frame, rec, indices) -> list[str]:
    found = []
    for i in indices:
        step = int(rec.steps[i])
        _, rep = inspect(frame, step)
        found += [f"step {step}: {p}" for p in rep.problems()]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize(
    "folder, view, beside", CASES, ids=[f"{v}{'+dashboard' if b else ''}-{f}" for f, v, b in CASES]
)
def test_every_text_reads_and_nothing_runs_over_it(recordings, folder, view, beside, size):
    rec = recordings[folder]
    frame = frame_for(rec, view, size, beside)
    found = problems_of(frame, rec, sorted({0, len(rec) // 2, len(rec) - 1}))
    where = f"{view}{' with the dashboard' if beside else ''} on {folder} at {size[0]}x{size[1]}"
    assert not found, f"{where}:\n  " + "\n  ".join(found)


def test_a_density_spike_stays_under_the_legend(tmp_path):
    """strong-d-vs-noisy around step 250: the generated density's bar ran through the "G(z) density" legend. It is
    cut at the band's peak (the legend lives above it) and marked with its height."""
    data = make_target({"kind": "gaussian", "mean": [5.0], "sigma": 1.0})
    rec = record_known(
        tmp_path / "spike",
        lambda z, t: 5.0 + (0.5 - 0.49 * t) * z,  # at the end every sample in one bin: far above the band
        lambda x, t: (1.0 + 39.0 * t) * (x[:, 0] - 5.0),
        1,
        data,
        data_dim=1,
        prior="uniform",
        grid_size=48,
    )
    for view in ("goodfellow-1d", "gradients"):
        frame = Frame([rec], view, make_style((720, 405)))
        assert not problems_of(frame, rec, [len(rec) - 1]), view
        assert frame.views[0].peak_label.get_visible()


def test_the_modes_panel_reads_where_the_protocol_applies(tmp_path):
    """A ring whose generator collapses onto one mode, then hops: the modes panel with the protocol's two numbers
    (too wide for one line beside the view at 720 pixels: one a line), the modes captured beside the chart, and the
    events' legend for the shaded collapse and hop."""
    ring = Ring(8, 0.01)

    def hop(z, t):
        mode = ring.modes[3 if t < 0.5 else 5]
        return torch.tensor(mode, dtype=torch.float32) + 0.003 * z if t > 0.2 else 0.1 * z

    rec = record_known(tmp_path / "hop", hop, lambda x, t: -3.0 * x[:, 0], 2, ring, steps=8)
    for size in SIZES:
        frame = Frame([rec], "surface", make_style(size), dashboard=True)
        assert not problems_of(frame, rec, [2, len(rec) - 1]), size
        dash = frame.views[1]
        modes = next(p for p in dash.panels if isinstance(p, ModesPanel))
        assert modes.header.title.get_text() == "modes (3σ protocol)"
        assert {t.get_text() for t in dash.host.get_legend().get_texts()} == {"collapse", "mode hop"}


def test_the_dashboard_beside_a_small_frame_keeps_what_fits(recordings):
    """640x360 (issue 19: nothing on the dashboard was readable): fewer panels, each readable, the most important
    first; at 1280x720 every panel."""
    rec = recordings["v1-2d"]
    beside = Frame([rec], "surface", make_style((640, 360)), dashboard=True)
    assert not problems_of(beside, rec, [len(rec) - 1])
    titles = [p.header.title.get_text() for p in beside.views[1].panels]
    assert 2 <= len(titles) < 5 and titles[0] == "losses"
    one_d = recordings["v1-1d"]
    whole = Frame([one_d], "dashboard", make_style((1280, 720)))
    assert len(whole.views[0].panels) == 6  # losses, D, V, gradient norms, Hessian, Jacobian: the 1D fixture's all


@pytest.mark.parametrize("size", [(720, 720), (960, 720)], ids=["square", "4x3"])
def test_a_square_frame_has_the_dashboard_under_the_view(recordings, size):
    """720x720 with --dashboard put the dashboard beside the view, which got a fifth of the frame, half of it empty.
    A frame narrower than 1.4:1 now has the dashboard under a view at least a third of the frame tall, all readable."""
    rec = recordings["v1-2d"]
    frame = Frame([rec], "surface", make_style(size), dashboard=True)
    assert not problems_of(frame, rec, [0, len(rec) - 1])
    view, dash = frame.axes[0].get_position(), frame.views[1].host.get_position()
    assert view.y0 > dash.y1 and view.height >= 1 / 3
    assert dash.width > 0.8  # the dashboard spans the frame under the view


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("view", ["surface", "dashboard"])
def test_side_by_side_reads(recordings, tmp_path, view, size):
    """Two recordings side by side (strong-d vs noisy in the gallery): each panel's text reads, none over another's."""
    twin = tmp_path / "twin"
    shutil.copytree(recordings["v1-2d"].path, twin)
    recs = [recordings["v1-2d"], load(twin)]
    frame = Frame(recs, view, make_style(size), titles=["strong-d", "noisy"])
    found = problems_of(frame, recs[0], [0, len(recs[0]) - 1])
    assert not found, "\n  ".join(found)


def test_thumbnails_keep_text_in_proportion():
    """The floor holds from 640 pixels wide: a smaller frame (a test's control frame, a thumbnail) is drawn as before."""
    assert make_style((200, 150)).fs(0.7) == pytest.approx(11 * 150 / 720 * 0.7)
    big = make_style((1280, 720))
    assert big.fs(0.5) * big.dpi / 72 * 0.729 >= MIN_CAP and big.fs(1.4) == pytest.approx(11 * 1.4)


def test_the_check_finds_small_text_overlaps_and_data_over_text():
    """The measure itself: a 7-point text is too small, two texts on one spot overlap, a line through a text runs
    over it, a haloed text above the line does not, and a text past the edge leaves the frame."""
    fig = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.1, 0.1, 0.8, 0.8], xlim=(0, 1), ylim=(0, 1))
    ax.plot([0, 1], [0.5, 0.5], zorder=2)
    ax.text(0.1, 0.8, "tiny", fontsize=7)
    ax.text(0.5, 0.2, "one", fontsize=12)
    ax.text(0.52, 0.2, "two", fontsize=12)
    ax.text(0.3, 0.5, "crossed", fontsize=12, va="center")
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    ax.text(0.7, 0.5, "haloed", fontsize=12, va="center", zorder=3, path_effects=halo)
    ax.text(1.2, 0.9, "gone", fontsize=12, transform=ax.transAxes)
    texts, paths = [], []
    with catching(fig, texts, paths):
        fig.canvas.draw()
    rep = report(fig, texts)
    assert [t.text for t in rep.small] == ["tiny"]
    assert {(a.text, b.text) for a, b in rep.text_over_text} == {("one", "two")}
    assert [t.text for t, _ in rep.data_over_text] == ["crossed"]
    assert [t.text for t in rep.outside] == ["gone"]
    assert np.isfinite(rep.smallest)
