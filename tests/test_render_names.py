"""Default render names never collide: every run, the view and what changes the picture (--dashboard, --steps)
are in the name, and `render` says when it replaces files it wrote before (issue 20: `render RUN`,
`render RUN --dashboard` and `render RUN OTHER` all wrote renders/RUN-surface.mp4)."""

from pathlib import Path

import pytest

from gananim.cli.commands import main
from synthetic import record_known

TINY = ["--size", "160x120", "--fps", "5", "--duration", "1"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    box = [(-2.0, 2.0), (-2.0, 2.0)]
    a = record_known(folder / "alpha", lambda z, t: z, lambda x, t: x[:, 0], 2, box)
    b = record_known(folder / "beta", lambda z, t: z * (1 - t / 2), lambda x, t: x[:, 1], 2, box)
    return a.path, b.path


def render(capsys, *argv) -> tuple[list[str], str]:
    """`gananim render ARGV`: (the files it says it wrote, everything it printed)."""
    code = main(["render", *map(str, argv), *TINY])
    out = capsys.readouterr()
    assert code == 0, out.err
    text = " ".join(out.out.split())  # a narrow terminal wraps the lines
    wrote = text.split("wrote ", 1)[1]
    return [part.split(" (")[0] for part in wrote.split(", ")], text


def test_default_names_differ_by_runs_view_and_options(runs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    alpha, beta = runs
    renders = {
        "plain": render(capsys, alpha, "--view", "surface")[0],
        "dashboard": render(capsys, alpha, "--view", "surface", "--dashboard")[0],
        "two runs": render(capsys, alpha, beta, "--view", "surface")[0],
        "other view": render(capsys, alpha, "--view", "density")[0],
        "steps": render(capsys, alpha, "--view", "surface", "--steps", "1:3")[0],
        "the other run": render(capsys, beta, "--view", "surface")[0],
        "scalars": render(capsys, alpha, "--view", "surface", "--dashboard", "--scalars", "d_fake,centroid_x")[0],
        "no data points": render(capsys, alpha, "--view", "surface", "--no-data-points")[0],
    }
    assert renders == {
        "plain": ["renders/alpha-surface.mp4"],
        "dashboard": ["renders/alpha-surface-dashboard.mp4"],
        "two runs": ["renders/alpha_vs_beta-surface.mp4"],
        "other view": ["renders/alpha-density.mp4"],
        "steps": ["renders/alpha-surface-steps1-3.mp4"],
        "the other run": ["renders/beta-surface.mp4"],
        "scalars": ["renders/alpha-surface-dashboard-scalars-d_fake-centroid_x.mp4"],
        "no data points": ["renders/alpha-surface-no-data-points.mp4"],
    }
    assert sorted(p.name for p in (tmp_path / "renders").iterdir()) == sorted(Path(f[0]).name for f in renders.values())


def test_render_says_what_it_replaces(runs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    alpha, _ = runs
    _, first = render(capsys, alpha, "--view", "surface")
    assert "replacing" not in first
    _, again = render(capsys, alpha, "--view", "surface")
    assert "replacing renders/alpha-surface.mp4, written before" in again
    # an embed folder: the files of this clip that were there
    _, first = render(capsys, alpha, "--view", "surface", "--embed")
    assert "replacing" not in first
    (tmp_path / "renders" / "alpha-surface" / "notes.txt").write_text("mine")  # not the render's: not named
    _, again = render(capsys, alpha, "--view", "surface", "--embed")
    assert "replacing 5 files written before in renders/alpha-surface/: alpha-surface-poster.png, " in again
    assert "notes.txt" not in again
