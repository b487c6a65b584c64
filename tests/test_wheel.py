"""The package as a user installs it: a wheel built from the source (`python -m build`), passed by `twine check`,
installed into a fresh virtual environment that has no torch and none of this checkout's packages, renders a
recording to MP4 (issue 20: the README's install lines are checked here, not only written).

The fresh environment gets gananim's declared dependencies the way `pip install WHEEL` gets them for a user: from
the package index pip is configured with (no torch: reading and rendering must not need it). Nothing from the
test's own interpreter leaks in: no --system-site-packages, no PYTHONPATH, a working directory outside the source.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gananim.rendering.encode import probe

ROOT = Path(__file__).parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "v1-2d"


def sh(*argv, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """A command with the environment a user's shell has: none of this checkout on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run(list(map(str, argv)), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and wheel built from a copy of the source (the build writes build/ and egg-info beside it)."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("dist")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "gananim", src / "gananim", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # --no-isolation: the build backend (setuptools) of the test's own environment, not one fetched per run
    sh(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src, cwd=src)
    return out


def test_wheel_builds_passes_twine_and_holds_the_package(dist):
    (wheel,) = dist.glob("gananim-*-py3-none-any.whl")
    (sdist,) = dist.glob("gananim-*.tar.gz")
    checked = sh(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist, cwd=dist)
    assert checked.stdout.count("PASSED") == 2, checked.stdout
    names = zipfile.ZipFile(wheel).namelist()
    assert "gananim/__init__.py" in names and "gananim/lab/presets/five-clusters.toml" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "scenes/")) or "__pycache__" in n]
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB, {len(names)} files")  # pytest -s shows it


def test_wheel_renders_in_a_fresh_venv_without_torch(dist, tmp_path):
    (wheel,) = dist.glob("gananim-*-py3-none-any.whl")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    # this interpreter's pip installs into the fresh one (--python): no pip bootstrapped into it, the same resolver
    sh(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel, cwd=tmp_path, timeout=600)
    where = sh(
        python, "-c", "import gananim, importlib.util as u; print(gananim.__file__, u.find_spec('torch'))", cwd=tmp_path
    )
    assert str(venv) in where.stdout and where.stdout.split()[-1] == "None", where.stdout  # its own copy; no torch
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    done = sh(
        venv / "bin" / "gananim",
        "render",
        run,
        "--view",
        "surface",
        "--out",
        "clip.mp4",
        "--size",
        "160x120",
        "--fps",
        "5",
        "--duration",
        "1",
        cwd=tmp_path,
    )
    assert "wrote clip.mp4" in " ".join(done.stdout.split())
    info = probe(tmp_path / "clip.mp4")
    assert (info["codec"], info["width"], info["height"], info["nb_frames"]) == ("h264", 160, 120, 5)
    # recording needs torch, and says so in one line instead of a traceback
    needs = subprocess.run(
        [python, "-c", "import gananim; gananim.Recorder"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert needs.returncode != 0 and "torch" in needs.stderr.strip().splitlines()[-1]
