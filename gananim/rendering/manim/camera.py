"""A manim Camera that pastes opaque, axis-aligned images already at output size straight into the frame.

Manim's own image path makes a PIL image, resamples it through a perspective transform and alpha-composites
it over the WHOLE frame: ~70 ms per 720p frame for one surface image, most of a frame's budget. The building
blocks draw their images at exactly the pixel size they cover, so a numpy slice copy does the same job;
anything else (a faded, rotated or rescaled image) still takes manim's path.
"""

from __future__ import annotations

import numpy as np
from manim.camera.camera import Camera


class FastCamera(Camera):
    def display_image_mobject(self, image_mobject, pixel_array: np.ndarray) -> None:
        img = image_mobject.get_pixel_array()
        if (
            getattr(image_mobject, "paste_direct", False)
            and img.ndim == 3
            and img.shape[2] == 4
            and img[0, 0, 3] == 255
            and int(img[..., 3].min()) == 255
        ):
            coords = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
            x0, y0 = coords.min(axis=0)
            x1, y1 = coords.max(axis=0)
            h, w = img.shape[:2]
            if abs((x1 - x0) - w) <= 2 and abs((y1 - y0) - h) <= 2:
                r0, c0 = int(round(y0)), int(round(x0))
                H, W = pixel_array.shape[:2]
                rs, cs = max(r0, 0), max(c0, 0)
                re, ce = min(r0 + h, H), min(c0 + w, W)
                if re > rs and ce > cs:
                    pixel_array[rs:re, cs:ce] = img[rs - r0 : re - r0, cs - c0 : ce - c0]
                return
        super().display_image_mobject(image_mobject, pixel_array)
