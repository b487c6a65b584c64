"""The CLI's output does not depend on the terminal: a narrow COLUMNS, none at all (CI, a pipe), a long path or the C
locale never split a phrase a reader or a script looks for (issue 18: `format v2, images` was split at 80 columns).

What is printed to a pipe or a file is laid out wide enough never to wrap (gananim.cli.terminal.stdout_console)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gananim.cli.commands import main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[1]


@pytest.fixture
def recordings(tmp_path):
    """Copies of the format fixtures (analysis caches are written beside them) at the end of a deep path."""
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 8)
    for name in ("v1-2d", "v2-images"):
        shutil.copytree(FIXTURES / name, deep / name)
    return deep


@pytest.mark.parametrize("columns", [None, "40", "200"])
def test_info_keeps_each_phrase_on_one_line(recordings, capsys, monkeypatch, columns):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    for name, phrases in (
        ("v2-images", ["format v2, images", "1×8×8 images (C×H×W), values in [-1, 1]"]),
        ("v1-2d", ["format v1", "2D, view box [[-10.0, 10.0], [-10.0, 10.0]], grid 16 per axis"]),
    ):
        run = recordings / name
        assert main(["info", str(run)]) == 0
        lines = capsys.readouterr().out.splitlines()
        for phrase in [str(run), *phrases]:  # the path (over 200 characters) whole, on one line
            assert any(phrase in line for line in lines), (columns, phrase)


def test_presets_and_analyze_do_not_wrap(recordings, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("five-clusters (default)") and len(line) > 60 for line in lines)
    assert main(["analyze", str(recordings / "v1-2d")]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(f"(cached in {recordings / 'v1-2d' / 'analysis.npz'})")


@pytest.mark.parametrize("env", [{"COLUMNS": "40"}, {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}, {}])
def test_info_in_a_subprocess_writing_to_a_pipe(recordings, env):
    """A real process whose stdout is a pipe, as in CI or `gananim info RUN | grep`, under a narrow width or C.UTF-8."""
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    out = subprocess.run(
        [sys.executable, "-m", "gananim.cli.commands", "info", str(recordings / "v2-images")],
        env=base | env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert any("format v2, images" in line for line in out.stdout.splitlines())
    assert any(str(recordings / "v2-images") in line for line in out.stdout.splitlines())
