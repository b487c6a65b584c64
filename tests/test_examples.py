"""Every script in examples/ runs (issue 20, point 6): in a subprocess, from a temporary folder, at a tiny step count
(GANANIM_EXAMPLE_STEPS), writing under GANANIM_EXAMPLE_OUT; it exits 0 and leaves a recording gananim can read."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gananim

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
SMALL_STEPS = 40


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_example_runs_and_records(script, tmp_path):
    out = tmp_path / "out"
    env = os.environ | {
        "GANANIM_EXAMPLE_STEPS": str(SMALL_STEPS),
        "GANANIM_EXAMPLE_OUT": str(out),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    recordings = [p.parent for p in out.rglob("manifest.json")]
    assert recordings, f"{script.name} wrote no recording under {out}"
    for path in recordings:
        assert len(gananim.load(path)) > 0
