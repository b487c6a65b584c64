"""Without torch: reading, analysing and rendering work; recording says in one line what to install.

Each case runs in a fresh interpreter whose `sys.modules["torch"] = None` makes `import torch` fail with
ModuleNotFoundError, as on a machine where `pip install gananim` left torch out.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "v1-2d"
NO_TORCH = 'import sys; sys.modules["torch"] = None; '
CLI = NO_TORCH + "from gananim.cli.commands import main; sys.exit(main(sys.argv[1:]))"


def run(code: str, *args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


@pytest.fixture
def recording(tmp_path):
    """A copy of a recording written by gananim 0.1.0 (analyze may add to it; the fixture stays untouched)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


def test_torch_is_only_in_the_torch_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith("torch")]
    assert [d for d in project["optional-dependencies"]["torch"] if d.startswith("torch")]


def test_load_render_and_the_cli_work_without_torch(recording, tmp_path):
    code = (
        NO_TORCH
        + """import gananim
rec = gananim.load(sys.argv[1])
print(len(rec))
print(gananim.render(rec, out=sys.argv[2], size=(160, 120), fps=10))
print(sorted(m for m in sys.modules if m in ("gananim.record.recorder", "gananim.record.curvature") or m.startswith("gananim.lab.")))
"""
    )
    done = run(code, recording, tmp_path / "api.mp4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    count, path, torch_side = done.stdout.splitlines()
    assert int(count) == 7 and Path(path).stat().st_size > 0
    assert torch_side == "[]"
    for args in (
        ["info", recording],
        ["info", "--json", recording],
        ["analyze", recording],
        ["render", recording, "--size", "160x120", "--fps", "10", "--out", tmp_path / "cli.mp4"],
    ):
        done = run(CLI, *args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
    assert (tmp_path / "cli.mp4").stat().st_size > 0


def test_recording_without_torch_says_what_to_install(tmp_path):
    for args in (["record", "two-points", "--out", tmp_path / "rec"], ["demo", "--out", tmp_path / "demo"]):
        done = run(CLI, *args, cwd=tmp_path)  # demo records into ./runs/demo
        assert done.returncode == 2
        assert done.stderr.startswith("error: recording needs torch") and done.stderr.count("\n") == 1, done.stderr
        assert "pip install 'gananim[torch]'" in done.stderr and "cpu" in done.stderr
        assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written
    code = (
        NO_TORCH
        + """import gananim
try:
    gananim.Recorder
except gananim.GananimError as e:
    print(e)
try:
    from gananim import Recorder
except gananim.GananimError as e:
    print(e)
"""
    )
    done = run(code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(ln.startswith("recording needs torch") and "gananim[torch]" in ln for ln in lines)


def test_image_recordings_read_analyse_and_render_without_torch(tmp_path):
    """An images recording (the v2 fixture, written by the Recorder) needs no torch either: its class metrics come
    from what it stores (here a user classifier's logits; the built-in classifier's numpy weights otherwise)."""
    run_dir = Path(shutil.copytree(FIXTURE.parent / "v2-images", tmp_path / "images"))
    code = (
        NO_TORCH
        + """import gananim
from gananim.analysis import analyse
rec = gananim.load(sys.argv[1])
series = analyse(rec).series
print(rec.kind, len(rec), sorted(k for k in series if k.startswith("class") or k == "frechet"), int((series["frechet"] >= 0).sum()))
"""
    )
    done = run(code, run_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    kind, count, rest = done.stdout.split(" ", 2)
    assert kind == "images" and all(f"'{name}'" in rest for name in ("class_kl", "class_share_0", "frechet"))
    assert rest.split()[-1] == count  # a Fréchet distance for every snapshot
    for args in (
        ["info", run_dir],
        ["analyze", run_dir],
        [
            "render",
            run_dir,
            "--view",
            "dashboard",
            "--size",
            "320x180",
            "--fps",
            "5",
            "--duration",
            "1",
            "--out",
            tmp_path / "images.mp4",
        ],
    ):
        done = run(CLI, *args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
    assert (tmp_path / "images.mp4").stat().st_size > 0
