"""Jupyter display from above storage: IPython's HTML formatter draws a Recording, store.py knows nothing of it."""

from __future__ import annotations

import html
import subprocess
import sys
import types
from pathlib import Path

import numpy as np

from gananim.recording.grid import Grid
from gananim.recording.reader import Recording, load
from gananim.recording.writer import RecordingWriter
from gananim.rendering import notebook


class Formatter:
    """The part of IPython's HTML formatter gananim uses: for_type(cls, function)."""

    def __init__(self):
        self.functions = {}

    def for_type(self, cls, function):
        self.functions[cls] = function


def _shell() -> types.SimpleNamespace:
    return types.SimpleNamespace(display_formatter=types.SimpleNamespace(formatters={"text/html": Formatter()}))


def _empty(tmp_path: Path) -> Recording:
    fixed = {"latents": np.zeros((4, 1), np.float32), "latent_grid": np.zeros((4, 1), np.float32)}
    RecordingWriter(
        tmp_path / "rec", {"data_dim": 1, "latent_dim": 1, "grid": Grid(((0.0, 1.0),), 8).to_dict()}, fixed
    ).close()
    return load(tmp_path / "rec")


def test_register_draws_recordings_in_the_running_ipython(monkeypatch, tmp_path):
    shell = _shell()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert notebook.register()
    draw = shell.display_formatter.formatters["text/html"].functions[Recording]
    assert draw is notebook.video_html
    rec = _empty(tmp_path)
    assert draw(rec) == f"<pre>{html.escape(repr(rec))}</pre>"  # no snapshots: no video to show


def test_register_does_nothing_outside_ipython(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))  # imported, no shell
    assert not notebook.register()
    monkeypatch.delitem(sys.modules, "IPython")
    assert not notebook.register()
    assert "IPython" not in sys.modules  # never imported by gananim


def test_importing_gananim_registers_the_display_in_a_running_ipython():
    code = """
import sys, types
registered = {}
formatter = types.SimpleNamespace(for_type=lambda cls, f: registered.setdefault(cls.__name__, f.__name__))
shell = types.SimpleNamespace(display_formatter=types.SimpleNamespace(formatters={"text/html": formatter}))
sys.modules["IPython"] = types.SimpleNamespace(get_ipython=lambda: shell)
import gananim
print(registered)
"""
    root = Path(__file__).parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        check=True,
    ).stdout
    assert out.strip() == "{'Recording': 'video_html'}"
