"""The command line on images recordings: record a digits preset, info (text and --json), analyze, render's refusals,
the view help and the presets listing (issue 11 as a new user meets it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gananim.cli.commands import main
from gananim.rendering.views.base import view_names
from image_recording import write_image_recording


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    """`gananim record digits-dcgan` for 4 steps, the built-in classifier trained into a cache of this module's own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        out = tmp_path_factory.mktemp("runs") / "digits-dcgan"
        assert main(["record", "digits-dcgan", "--steps", "4", "--every", "2", "--out", str(out)]) == 0
    return out


def test_info_on_an_images_recording(digits, capsys):
    """info read the points manifest's `data_dim` and died with a KeyError traceback on any images recording."""
    code, out, err = run(capsys, "info", str(digits))
    assert code == 0, err
    assert "format v2, images" in out and "1×8×8 images (C×H×W), values in [-1, 1]" in out
    assert "digits-mlp (built-in), 10 classes, held-out accuracy 9" in out  # ≥ 95%, the bar
    assert "32D normal shaped [32, 1, 1]" in out  # the DCGAN's (n, z, 1, 1) latents
    assert "classes_captured" in out and "frechet" in out  # the class metrics among the series


def test_info_json_on_an_images_recording(digits, capsys):
    code, out, err = run(capsys, "info", str(digits), "--json")
    assert code == 0, err
    data = json.loads(out)
    m = data["manifest"]
    assert data["kind"] == "images" and m["sample_shape"] == [1, 8, 8] and m["value_range"] == [-1.0, 1.0]
    assert m["classifier"]["name"] == "digits-mlp" and m["classifier"]["accuracy"] >= 0.95
    assert data["steps"] == [0, 2, 4] and "class_kl" in data["scalars"]


def test_info_names_a_users_classifier_and_a_recording_without_one(tmp_path, capsys):
    fixture = tmp_path / "v2"
    shutil.copytree(
        Path(__file__).parent / "fixtures" / "v2-images", fixture
    )  # analysis caches: not beside the fixture
    code, out, err = run(capsys, "info", str(fixture))
    assert code == 0, err
    assert "BlobClassifier (yours, via classifier=), 4 classes" in out
    vectors = write_image_recording(tmp_path / "vec", snapshots=2, channels=None)
    code, out, err = run(capsys, "info", str(vectors.path))
    assert code == 0, err
    assert "vectors of 64 numbers" in out and "none: no class coverage (give the Recorder classifier=" in out
    assert json.loads(run(capsys, "info", str(vectors.path), "--json")[1])["kind"] == "images"


def test_info_json_names_the_kind_of_a_points_recording(tmp_path, capsys):
    shutil.copytree(Path(__file__).parent / "fixtures" / "v1-2d", tmp_path / "v1")
    code, out, err = run(capsys, "info", str(tmp_path / "v1"), "--json")
    assert code == 0 and json.loads(out)["kind"] == "points"  # a v1 manifest has no `kind`: the reader's answer


def test_analyze_an_images_recording(digits, capsys):
    code, out, err = run(capsys, "analyze", str(digits))
    assert code == 0, err
    assert "metric series computed from the stored arrays (cached in" in out and (digits / "analysis.npz").exists()


def test_render_refuses_a_points_view_in_one_line(digits, capsys):
    code, _, err = run(capsys, "render", str(digits), "--view", "surface")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err
    assert lines[0].endswith("1x8x8 images; views that can: d-hist, dashboard, grid, interp, projection")


def test_the_view_help_names_every_view(capsys):
    """--view's help listed the points views only: grid, interp, projection and d-hist were nowhere in it."""
    code, out, _ = run(capsys, "render", "--help")
    text = " ".join(out.split())
    assert code == 0
    for name in view_names():  # the registry, so a new view cannot be left out of the help
        assert any(f" {name}{end}" in text for end in (",", ";", " [")), name


def test_presets_lists_the_digits_presets(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name in ("digits", "digits-dcgan", "digits-collapse"):
        assert f"\n{name} " in f"\n{out}"
