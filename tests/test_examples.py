"""Every examples/*.py runs as a user runs it (`python examples/NAME.py`, in a fresh interpreter, from another
working directory) at a tiny step count, exits 0 and leaves a readable recording (issue 20, point 6).

The examples' shared convention: each reads GANANIM_EXAMPLE_STEPS (its number of training steps, with a real
default) and writes its recording(s) under GANANIM_EXAMPLE_OUT (default runs/).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gananim

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
STEPS = 40


def test_the_examples_are_there():
    names = {p.stem for p in EXAMPLES}
    assert {"zero_edit", "render_in_notebook"} <= names, names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_records(example, tmp_path):
    text = example.read_text()
    assert text.startswith('"""') and "GANANIM_EXAMPLE_STEPS" in text and "GANANIM_EXAMPLE_OUT" in text
    out, cwd = tmp_path / "out", tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GANANIM_EXAMPLE_STEPS": str(STEPS), "GANANIM_EXAMPLE_OUT": str(out)}
    done = subprocess.run([sys.executable, str(example)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    recordings = sorted(p.parent for p in out.rglob("manifest.json"))
    assert recordings, f"{example.name} wrote no recording under GANANIM_EXAMPLE_OUT"
    for path in recordings:
        rec = gananim.load(path)
        # snapshots from the untrained models on, and no further than the steps asked for
        assert len(rec) >= 2 and rec.steps[0] == 0 and rec.steps[-1] <= STEPS, (path, rec.steps)
