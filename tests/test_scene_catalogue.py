"""Scenes by name (issue 23): the catalogue, `gananim scene --list`, which runs `gananim scene NAME` reuses or
records, and each story's rule on recordings whose numbers are known by construction."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from gananim.cli.commands import main
from gananim.cli.scene_runs import RECORD, RESUME, REUSE, plan_run
from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.lab.presets import list_presets, load_preset
from gananim.rendering import stories
from gananim.rendering.catalogue import SCENE_DIR, SCENES, resolve_script, scene_entry
from synthetic import record_known

REPO_SCENES = Path(__file__).parent.parent / "scenes"
RING = {"kind": "ring", "n": 8, "radius": 2.0, "sigma": 0.02}
MODES = np.array([[2 * math.cos(2 * math.pi * k / 8), 2 * math.sin(2 * math.pi * k / 8)] for k in range(8)])


def test_every_scene_is_shipped_and_named_once():
    shipped = {p.stem for p in SCENE_DIR.glob("*.py")} - {"__init__"}
    assert shipped == set(SCENES)  # no shipped script without a name, no name without a script
    assert {p.stem for p in REPO_SCENES.glob("*.py")} == shipped  # the clone's scenes/ paths keep working
    known = {name for name, _ in list_presets()}
    for entry in SCENES.values():
        assert entry.path.is_file()
        assert set(entry.runs) <= known, entry.name
        assert entry.name in stories.STORIES


def test_scene_names_resolve_to_the_shipped_scripts():
    path, entry = resolve_script("collapse")
    assert path == SCENE_DIR / "collapse.py" and entry.runs == ("ring8-metz", "ring8-metz-unrolled")
    assert resolve_script("mode-hopping")[1].name == "mode_hopping"  # hyphens as in preset names
    path, entry = resolve_script("scenes/swaying.py")  # a path stays a path, its entry found by stem
    assert path == Path("scenes/swaying.py") and entry.name == "swaying"
    assert resolve_script("my/own_scene.py") == (Path("my/own_scene.py"), None)
    with pytest.raises(GananimError, match="unknown scene 'colapse'; known scenes: collapse, "):
        scene_entry("colapse")


def test_scene_list_names_each_scene_with_its_story_and_runs(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["scene", "--list"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # however the table wrapped
    for entry in SCENES.values():
        assert entry.name in out and " ".join(entry.runs) in out
        assert " ".join(entry.story.split()[:4]) in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["scene"], ["name a scene", "gananim scene --list"]),
        (["scene", "--list", "collapse"], ["--list takes no scene"]),
        (["scene", "nope"], ["unknown scene 'nope'"]),
        (["scene", "my_scene.py"], ["not a scene gananim knows", "RUN..."]),
    ],
)
def test_scene_mistakes_are_one_line(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and all(w in err for w in words), err


def _fake(path: Path, config: dict, steps: int):
    """A tiny recording whose manifest carries `config`, snapshots at steps 0..steps."""
    return record_known(path, lambda z, t: z, None, 2, [(-2.0, 2.0), (-2.0, 2.0)], steps=steps, config=config)


def test_runs_are_reused_only_when_preset_and_config_match(tmp_path):
    cfg = load_preset("four-points")
    cfg.steps = 4
    config = cfg.to_dict()
    assert plan_run(tmp_path / "absent", config)[0] == RECORD
    (tmp_path / "empty").mkdir()
    assert plan_run(tmp_path / "empty", config)[0] == RECORD
    _fake(tmp_path / "done", config, steps=4)
    assert plan_run(tmp_path / "done", config)[0] == REUSE
    _fake(tmp_path / "part", config, steps=2)  # the same run stopped at step 2 of 4: continued, not redone
    assert plan_run(tmp_path / "part", config)[0] == RESUME
    other = dict(config, seed=1)
    with pytest.raises(GananimError, match=r"differs at seed \(0 saved, 1 now\)\); move it away"):
        plan_run(tmp_path / "done", other)
    with pytest.raises(GananimError, match=r"differs at steps \(4 saved, 8 now\)"):
        plan_run(tmp_path / "done", dict(config, steps=8))
    _fake(tmp_path / "script", None, steps=4)  # recorded from a script: no lab config in its manifest
    with pytest.raises(GananimError, match="holds another recording"):
        plan_run(tmp_path / "script", config)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("mine")
    with pytest.raises(GananimError, match="is in the way"):
        plan_run(tmp_path / "junk", config)
    assert (tmp_path / "junk" / "notes.txt").read_text() == "mine"  # never overwritten


def _ring_run(path: Path, where, steps: int = 9):
    """A ring recording whose samples sit at `where(z, step)`: (n, 2) points, on the modes or off them."""
    data = make_target(RING)

    def g(z, t):
        return where(z, round(t * steps))

    return record_known(path, g, lambda x, t: -x[:, :1], 2, data, steps=steps, view_box=[(-3.0, 3.0), (-3.0, 3.0)])


def _on_mode(k_of_step):
    """Every sample exactly on one mode, the mode a function of the step."""
    return lambda z, s: torch.as_tensor(MODES[k_of_step(s)], dtype=torch.float32).expand(len(z), 2).clone()


def _spread(z, s):
    """The samples shared out over all eight modes, on them."""
    k = (torch.arange(len(z)) % 8).numpy()
    return torch.as_tensor(MODES[k], dtype=torch.float32)


def test_collapse_story_on_known_numbers(tmp_path):
    collapsed = _ring_run(tmp_path / "c", _on_mode(lambda s: s % 8))
    remedy = _ring_run(tmp_path / "r", _spread)
    story = stories.check_story("collapse", [collapsed, remedy])
    assert story.holds
    assert "collapsed in 8 of 8 snapshots (median 100% within 3σ)" in story.measured
    assert "ends on 8 of 8 modes (100% within 3σ)" in story.measured
    swapped = stories.check_story("collapse", [remedy, collapsed])  # the remedy is no collapse, the collapse no remedy
    assert not swapped.holds and "collapsed in 0 of 8" in swapped.measured and "ends on 1 of 8" in swapped.measured
    line = stories.story_lines("collapse", [remedy, collapsed])
    assert line[0].startswith("The story does not hold here: collapsed in 0 of 8") and "needed:" in line[0]
    assert stories.story_lines("collapse", [collapsed, remedy])[0].startswith("The story holds: collapsed in 8")


def test_mode_hopping_story_counts_changes_of_the_dominant_mode(tmp_path):
    hopping = _ring_run(tmp_path / "h", _on_mode(lambda s: (s // 2) % 3), steps=14)  # 0 0 1 1 2 2 0 0 1 1 2 2 ...
    story = stories.check_story("mode_hopping", [hopping])
    # after the first 20% (snapshots 3..14: modes 1 2 2 0 0 1 1 2 2 0 0 1): 6 changes among 3 modes
    assert story.holds and story.measured == "6 hops among 3 modes"
    still = _ring_run(tmp_path / "s", _on_mode(lambda s: 4), steps=14)
    assert stories.check_story("mode_hopping", [still]).measured == "0 hops among 1 modes"
    two = _ring_run(tmp_path / "t", _on_mode(lambda s: s % 2), steps=14)  # many hops, but between two modes only
    assert not stories.check_story("mode_hopping", [two]).holds


def test_folds_and_shape_change_rules():
    assert not stories.folds(np.linspace(-2, 2, 50))  # monotone: the inverse CDF
    assert stories.folds(np.concatenate([np.linspace(0, 1, 20), np.linspace(1, 0.5, 10), np.linspace(0.5, 2, 20)]))
    assert not stories.folds([0.0, 1.0, 0.95, 2.0])  # runs back by 0.05 < FOLD_TOL
    x = np.linspace(-1, 1, 64)
    assert stories._shape_change(x, 3 * x + 1) == pytest.approx(0.0, abs=1e-12)  # a rescaled D keeps its shape
    assert stories._shape_change(x, -x) == pytest.approx(2.0)  # turned upside down
    assert stories._moved([1, 0, 0], [0, 0, 2]) == pytest.approx(1.0) and stories._moved([1, 1], [2, 2]) == 0.0
