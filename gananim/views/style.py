"""Frame sizes, text sizes and the palette's matplotlib forms, shared by every view (the colours are gananim.drawing's)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from gananim.drawing import D_COLOURS, DATA_BLUE, D_GREEN, DENSITY_GAMMA, GENERATED_RED, MODE_MARKER, RED
from gananim.errors import GananimError

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "square": (720, 720)}

# D's colour ramp as a matplotlib colormap, for colour bars (images look colours up in drawing.D_RAMP, the same table)
D_CMAP = LinearSegmentedColormap.from_list("gananim_d", D_COLOURS)


def density_cmap(rgb=RED, name: str = "gananim_density") -> ListedColormap:
    """A colormap from transparent to opaque `rgb`: density drawn as patches over whatever lies below."""
    colors = np.zeros((256, 4))
    colors[:, :3] = rgb
    colors[:, 3] = np.linspace(0, 1, 256) ** DENSITY_GAMMA
    return ListedColormap(colors, name=name)


@dataclass(frozen=True)
class Style:
    """How frames look: size in pixels, dpi and colours (data blue, generator red, D green, as in seeds/003)."""

    width: int = 1280
    height: int = 720
    dpi: int = 100
    data: str = DATA_BLUE
    generated: str = GENERATED_RED
    discriminator: str = D_GREEN
    mode_marker: str = MODE_MARKER
    background: str = "white"
    text: str = "#222222"
    font_size: float = 11.0

    @property
    def scale(self) -> float:
        """Text and line sizes grow with the frame: 1.0 at 720 pixels high."""
        return min(self.width, self.height) / 720

    def fs(self, factor: float = 1.0) -> float:
        return self.font_size * self.scale * factor


def make_style(size: str | tuple[int, int] = "720p", **overrides) -> Style:
    """A Style for a named size (720p, 1080p, square) or an explicit (width, height)."""
    if isinstance(size, str):
        if size not in SIZES:
            if "x" in size:
                try:
                    size = tuple(int(v) for v in size.lower().split("x"))
                except ValueError:
                    raise GananimError(f"unknown size {size!r}: use one of {', '.join(SIZES)} or WIDTHxHEIGHT") from None
            else:
                raise GananimError(f"unknown size {size!r}: use one of {', '.join(SIZES)} or WIDTHxHEIGHT")
        else:
            size = SIZES[size]
    width, height = size
    if width < 64 or height < 64:
        raise GananimError(f"frame size {width}x{height} is too small: at least 64x64")
    # H.264 with yuv420p needs even sizes: round down here so every frame matches the encoder.
    return replace(Style(), width=int(width) // 2 * 2, height=int(height) // 2 * 2, **overrides)
