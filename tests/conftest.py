"""Shared fixtures: control-frame comparison (regenerate with `pytest --regenerate-frames`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CONTROL = Path(__file__).parent / "control_frames"


def pytest_addoption(parser):
    parser.addoption("--regenerate-frames", action="store_true", help="write new control frames instead of comparing")


@pytest.fixture
def assert_frame(request, tmp_path):
    """Compare a rendered frame with tests/control_frames/NAME.png within a tolerance (manim-style control data)."""

    def check(name: str, frame: np.ndarray, mean_tol: float = 1.5, bad_share: float = 0.005) -> None:
        assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
        path = CONTROL / f"{name}.png"
        if request.config.getoption("--regenerate-frames") or not path.exists():
            if not request.config.getoption("--regenerate-frames"):
                pytest.fail(f"no control frame {path}: run pytest --regenerate-frames and look at it before committing")
            CONTROL.mkdir(exist_ok=True)
            Image.fromarray(frame).save(path)
            return
        expected = np.asarray(Image.open(path).convert("RGB"))
        assert frame.shape == expected.shape, f"frame {frame.shape} vs control {expected.shape}"
        diff = np.abs(frame.astype(np.int16) - expected.astype(np.int16)).max(axis=2)
        if diff.mean() > mean_tol or (diff > 40).mean() > bad_share:
            Image.fromarray(frame).save(tmp_path / f"{name}-actual.png")
            pytest.fail(
                f"frame {name} differs from its control: mean |diff| {diff.mean():.2f}, "
                f"{(diff > 40).mean():.2%} of pixels off by > 40 (actual frame in {tmp_path})"
            )

    return check
