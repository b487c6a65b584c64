"""The user's scalars on the dashboard (issue 20, point 4): `--scalars NAME[,NAME…]` / `scalars=` picks the panels
among every recorded scalar, dense ones included, names with "/" grouped as TensorBoard groups them."""

from __future__ import annotations

import numpy as np
import pytest

from gananim.cli.commands import main
from gananim.errors import GananimError
from gananim.rendering.views import Frame, make_style
from gananim.rendering.views.scalars import group_of, picked_names
from synthetic import record_known


def logged(step: int) -> dict:
    """Known values: the losses and a critic's two scalars every step; a learning rate only on odd steps (never on
    a snapshot: snapshots are every 2 steps from 0), so it is only in the dense series."""
    out = {"d_loss": 1.0 + step, "g_loss": 2.0 - 0.1 * step, "critic/w_estimate": 0.5 * step, "critic/gp": 10.0 + step}
    if step % 2:
        out["sched/lr"] = 1e-3 * step
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return record_known(
        tmp_path_factory.mktemp("scalars") / "critic-run",
        lambda z, t: z[:, :2],
        lambda x, t: x.sum(1, keepdim=True),
        2,
        [(-3, 3), (-3, 3)],
        steps=8,
        every=2,
        scalars=logged,
    )


def dashboard(rec, scalars, size="1280x720", view="dashboard", **kw):
    frame = Frame([rec], view, make_style(size), scalars=scalars, **kw)
    return frame, next(v for v in frame.views if v.name == "dashboard")


def test_names_parse_from_commas_and_lists():
    assert picked_names(None) is None
    assert picked_names("a, b/c,,a") == ("a", "b/c")
    assert picked_names(["a,b", "c"]) == ("a", "b", "c")
    with pytest.raises(GananimError, match="names no scalar"):
        picked_names(" , ")
    assert [group_of(n) for n in ("critic/w", "a/b/c", "loss")] == ["critic", "a", "loss"]


def test_a_group_is_a_panel_with_a_series_per_name_and_own_names_keep_their_panel(run):
    assert run.steps.tolist() == [0, 2, 4, 6, 8]
    frame, dash = dashboard(run, "critic,g_loss,sched/lr")
    titles = [p.header.title.get_text() for p in dash.panels]
    rows = [[(name, label) for name, label, _, _ in p.rows] for p in dash.panels]
    assert rows == [
        [("critic/gp", "gp"), ("critic/w_estimate", "w_estimate")],
        [("g_loss", "G loss")],  # the dashboard's own losses panel, with its own label
        [("sched/lr", "lr")],
    ]
    assert titles == ["critic", "losses", "sched"]
    # the critic's series at the snapshots are the logged values; the learning rate, logged only on odd steps, is
    # the last value logged at or before each snapshot (none before step 1)
    by_name = {name: y for p in dash.panels for name, _, y, _ in p.rows}
    np.testing.assert_allclose(by_name["critic/w_estimate"], [0.0, 1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(by_name["sched/lr"], [np.nan, 1e-3, 3e-3, 5e-3, 7e-3], rtol=1e-6)


def test_the_headers_show_each_series_value_at_the_shown_step(run):
    frame, dash = dashboard(run, ["critic/w_estimate", "sched/lr"])
    frame.render(6)
    texts = [t.get_text() for p in dash.panels for t in p.header.entries]
    assert any("w_estimate" in t and "3" in t for t in texts)
    assert any("lr" in t and "0.005" in t for t in texts)


def test_an_unknown_name_is_one_line_listing_the_names_there_are(run):
    with pytest.raises(GananimError) as err:
        dashboard(run, "critic,w_estimate")
    message = str(err.value)
    assert "\n" not in message and "'w_estimate'" in message
    for name in ("critic/gp", "critic/w_estimate", "sched/lr", "d_loss", "d_fake"):
        assert name in message


def test_scalars_need_a_dashboard(run):
    with pytest.raises(GananimError, match="--dashboard"):
        dashboard(run, "g_loss", view="density")
    frame, dash = dashboard(run, "g_loss", view="density", dashboard=True)  # beside the view: allowed
    assert [[n for n, *_ in p.rows] for p in dash.panels] == [["g_loss"]]


def test_more_panels_than_the_frame_holds_is_an_error_not_a_gap(run):
    with pytest.raises(GananimError, match="room for"):
        dashboard(run, "d_loss,critic/gp,sched/lr,d_fake,centroid_x,centroid_y,outside_share", size="720x405")


def test_the_command_line_refuses_an_unknown_scalar_in_one_line(run, tmp_path, capsys):
    code = main(["render", str(run.path), "--view", "dashboard", "--scalars", "nope", "--out", str(tmp_path / "x.mp4")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "no scalar 'nope'" in err[-1] and "Traceback" not in "\n".join(err)
    assert not (tmp_path / "x.mp4").exists()


def test_an_images_dashboard_picks_its_panels_the_same_way(tmp_path):
    from image_recording import write_image_recording

    rec = write_image_recording(tmp_path / "blobs", snapshots=3)
    frame, dash = dashboard(rec, "d_real,g_loss", size=(960, 540))
    assert [[(n, label) for n, label, *_ in p.rows] for p in dash.panels if hasattr(p, "rows")] == [
        [("d_real", "D(real)")],
        [("g_loss", "G loss")],
    ]
