"""Every script in examples/ runs as a user runs it, at a tiny step count, and writes a readable recording."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gananim

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_example_runs_and_writes_a_recording(script, tmp_path):
    out = tmp_path / "out"
    env = os.environ | {"GANANIM_EXAMPLE_STEPS": "40", "GANANIM_EXAMPLE_OUT": str(out)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    written = [p.parent for p in out.rglob("manifest.json")]
    assert written, f"{script.name} wrote no recording under {out}"
    for path in written:
        assert len(gananim.load(path)) > 0
