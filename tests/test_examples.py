"""Every `examples/*.py` runs at a tiny step count and writes a readable recording (issue 20, point 6).

Each example reads GANANIM_EXAMPLE_STEPS (its step count) and GANANIM_EXAMPLE_OUT (the folder its recording goes
under); it runs here in a subprocess, from a temporary working directory, as a user would run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gananim

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_and_records(tmp_path, script):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GANANIM_EXAMPLE_STEPS": "40", "GANANIM_EXAMPLE_OUT": str(out)}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    manifests = list(out.rglob("manifest.json"))
    assert manifests, f"{script.name} wrote no recording under GANANIM_EXAMPLE_OUT"
    for manifest in manifests:
        assert len(gananim.load(manifest.parent)) >= 1
