"""The API reference: mkdocs with mkdocstrings builds it from the docstrings with warnings as errors, and the
public functions' docstrings name every option they take (issue 20, point 6)."""

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gananim.analysis import analyse
from gananim.record.lightning import RecorderCallback
from gananim.record.options import ProbeOptions
from gananim.record.recorder import Recorder
from gananim.recording.reader import Recording, load
from gananim.rendering.export import export
from gananim.rendering.pipeline import RenderOptions, render, render_files
from gananim.rendering.views.frame import render_frame

ROOT = Path(__file__).parents[1]
PUBLIC = [Recorder, ProbeOptions, RecorderCallback, load, Recording, analyse, render, render_files, RenderOptions]
PUBLIC += [render_frame, export]


@pytest.mark.parametrize("public", PUBLIC, ids=lambda f: f.__qualname__)
def test_docstring_names_every_option(public):
    doc = inspect.getdoc(public) or ""
    if inspect.isclass(public) and public.__init__.__doc__:
        doc += "\n" + inspect.getdoc(public.__init__)
    options = [
        name
        for name, p in inspect.signature(public).parameters.items()
        if p.kind not in (p.VAR_POSITIONAL,) and name != "self"
    ]
    missing = [name for name in options if not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", doc)]
    assert not missing, f"{public.__qualname__}'s docstring does not say what {', '.join(missing)} is"


def test_api_reference_builds_with_warnings_as_errors(tmp_path):
    """`mkdocs build --strict` (mkdocs.yml): every ::: target resolves, every docstring renders, no broken link."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    api = (tmp_path / "site" / "record" / "index.html").read_text()
    # the docstrings are in it: the Recorder's options, ProbeOptions' fields, the callback
    assert "quiet" in api and "curvature_every" in api and "RecorderCallback" in api
    render_page = (tmp_path / "site" / "render" / "index.html").read_text()
    assert "never the same for two" in render_page and "max_mb" in render_page
