"""Images as one picture: a mosaic of uint8 tiles with gaps, non-finite samples drawn as a marked gap; numpy only.

Shared by the image views and the manim scenes. Tiles stay at their own pixel size here (an 8x8 digit is 8x8
pixels); whoever shows the mosaic enlarges it with nearest-neighbour sampling, so pixels stay sharp squares.
"""

from __future__ import annotations

import numpy as np

GAP_RGB = (255, 255, 255)  # the gaps between tiles: the frame's white
BAD_RGB = (250, 215, 215)  # a non-finite sample: a pale red tile ...
BAD_MARK = (190, 20, 30)  # ... crossed in red


def rgb(images: np.ndarray) -> np.ndarray:
    """(n, C, H, W) uint8 with C 1 or 3 as (n, H, W, 3) uint8: grey images as grey, light values bright."""
    images = np.asarray(images)
    if images.shape[1] == 1:
        return np.repeat(images[:, 0, :, :, None], 3, axis=3)
    return np.ascontiguousarray(images.transpose(0, 2, 3, 1))


def mosaic(images: np.ndarray, rows: int, cols: int, gap: int = 1, bad: np.ndarray | None = None) -> np.ndarray:
    """(n, C, H, W) uint8 as one (rows·(H+gap)−gap, cols·(W+gap)−gap, 3) picture, filled row by row; cells past n
    stay blank and samples flagged in `bad` are crossed out (uint8 cannot hold the NaN they were)."""
    tiles = rgb(images)
    n, h, w = tiles.shape[:3]
    out = np.empty((rows * (h + gap) - gap, cols * (w + gap) - gap, 3), np.uint8)
    out[:] = GAP_RGB
    flagged = np.zeros(n, bool) if bad is None else np.asarray(bad, bool)
    cross = np.zeros((h, w), bool)
    diag = np.linspace(0, 1, max(h, w))
    cross[np.round(diag * (h - 1)).astype(int), np.round(diag * (w - 1)).astype(int)] = True
    cross[np.round(diag * (h - 1)).astype(int), np.round((1 - diag) * (w - 1)).astype(int)] = True
    for k in range(min(n, rows * cols)):
        r, c = divmod(k, cols)
        cell = out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w]
        if flagged[k]:
            cell[:] = BAD_RGB
            cell[cross] = BAD_MARK
        else:
            cell[:] = tiles[k]
    return out


def layout(n: int) -> tuple[int, int]:
    """(rows, cols) of a mosaic of n tiles: as square as possible, wider than tall."""
    cols = int(np.ceil(np.sqrt(n)))
    return int(np.ceil(n / cols)), cols


__all__ = ["layout", "mosaic", "rgb"]
