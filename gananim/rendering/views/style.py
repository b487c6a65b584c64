"""Frame sizes, text sizes and the palette's matplotlib forms, shared by every view (the colours are gananim.rendering.drawing's)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from gananim.errors import GananimError
from gananim.rendering.drawing import D_COLOURS, D_GREEN, DATA_BLUE, DENSITY_GAMMA, GENERATED_RED, MODE_MARKER, RED

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "square": (720, 720)}
MIN_SIDE = 64  # below this the text and axes no longer fit
# 8K UHD, the largest frame H.264's top level (6.2: 139,264 macroblocks) plays; one RGBA frame of it is already
# 133 MB in memory, and a larger one (100000x100000 asked for 40 GB) fails with a MemoryError mid-render.
MAX_SIZE = (7680, 4320)

# Text a reader can read at the size a frame is shown (issue 19): from READABLE_WIDTH pixels wide (a GIF in a blog's
# column, a 1280x720 video) no text is drawn with capitals shorter than READABLE_CAP pixels. Narrower frames are
# thumbnails and keep text in proportion to the frame. CAP_HEIGHT is DejaVu Sans's (matplotlib's font) capital H per em.
READABLE_CAP = 9.0
READABLE_WIDTH = 640
CAP_HEIGHT = 0.729

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

    @property
    def min_font(self) -> float:
        """The smallest font size in points drawn on this frame: capitals READABLE_CAP pixels high on a frame
        READABLE_WIDTH wide or wider, no floor on a thumbnail."""
        if self.width < READABLE_WIDTH:
            return 0.0
        return READABLE_CAP / CAP_HEIGHT * 72 / self.dpi + 0.01  # + 0.01: rounding never takes a capital below

    @property
    def readable(self) -> bool:
        """Whether the text floor holds on this frame (layouts with less room for text drop parts instead)."""
        return self.min_font > 0

    def fs(self, factor: float = 1.0) -> float:
        """A font size: `factor` times the frame's body text, never below `min_font` (small factors, a tick label's
        0.7, read as well as the body text on a small frame, and differ from it only on a large one)."""
        return max(self.font_size * self.scale * factor, self.min_font)

    def px(self, points: float) -> float:
        """Points in pixels on this frame."""
        return points * self.dpi / 72


def parse_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """(width, height) from a name (720p, 1080p, square), 'WIDTHxHEIGHT' or a pair, within MIN_SIDE..MAX_SIZE.

    Odd sizes are rounded down to even: H.264 and VP9 in yuv420p need even sizes (encode.even_size does the same).
    """
    if isinstance(size, str):
        if size in SIZES:
            size = SIZES[size]
        else:
            m = re.fullmatch(r"\s*(-?\d{1,9})\s*[xX]\s*(-?\d{1,9})\s*", size)
            if not m:
                raise GananimError(
                    f"unknown size {size!r}: use one of {', '.join(SIZES)} or WIDTHxHEIGHT, e.g. 960x540"
                )
            size = (int(m.group(1)), int(m.group(2)))
    width, height = (int(v) for v in size)
    if width < MIN_SIDE or height < MIN_SIDE:
        raise GananimError(f"frame size {width}x{height} is too small: at least {MIN_SIDE}x{MIN_SIDE}")
    if max(width, height) > max(MAX_SIZE) or width * height > MAX_SIZE[0] * MAX_SIZE[1]:
        raise GananimError(
            f"frame size {width}x{height} is too large: the largest allowed is {MAX_SIZE[0]}x{MAX_SIZE[1]} "
            f"(8K; {MAX_SIZE[1]}x{MAX_SIZE[0]} upright)"
        )
    return width // 2 * 2, height // 2 * 2


def make_style(size: str | tuple[int, int] = "720p", **overrides) -> Style:
    """A Style for a named size (720p, 1080p, square), 'WIDTHxHEIGHT' or an explicit (width, height)."""
    width, height = parse_size(size)
    return replace(Style(), width=width, height=height, **overrides)
