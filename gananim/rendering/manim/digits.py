"""Numbers that change every frame, drawn by copying digit outlines into fixed slots (no text is laid out per
frame): the step counter's digits, and the count of what a panel leaves out ("12 of 441 arrow heads outside")."""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import LEFT, RIGHT, Text, VGroup, VMobject

from gananim.rendering.manim.paint import GREY, INK, follow


class Digits(VGroup):
    """A whole number of up to len(str(top)) digits, right-justified in its slots, its baseline's left at `origin`."""

    def __init__(self, top: int, font_size: float = 24, color=INK):
        super().__init__()
        glyphs = Text("0123456789", font_size=font_size, color=color)
        self.digit_pts = []
        for g in glyphs.submobjects:
            p = g.points.copy()
            p[:, 0] -= g.get_center()[0]
            p[:, 1] -= glyphs.get_bottom()[1]  # digits sit on the baseline
            self.digit_pts.append(p)
        self.advance = max(g.width for g in glyphs.submobjects) * 1.15
        self.n = len(str(max(int(top), 1)))
        self.slots = VGroup(*[VMobject(fill_color=color, fill_opacity=1, stroke_width=0) for _ in range(self.n)])
        self.add(self.slots)
        self.origin = np.zeros(3)

    def write(self, value: int | None) -> None:
        """Show value (None: nothing)."""
        text = "" if value is None else str(int(value))
        for k, (slot, ch) in enumerate(zip(self.slots, text.rjust(self.n)[-self.n :])):
            if ch in " -":
                slot.points = np.zeros((0, 3))
            else:
                slot.points = self.digit_pts[int(ch)] + self.origin + np.array([(k + 0.5) * self.advance, 0, 0])


class OutsideCount(Digits):
    """'N of TOTAL <what> outside' under a panel while N > 0, nothing while N = 0: what a clipped panel leaves out.
    `count()` gives N each frame (the block that clips computes it in its own updater, which runs first)."""

    def __init__(self, count: Callable[[], int], total: int, what: str, at, font_size: float = 14, color=GREY):
        super().__init__(max(total, 1), font_size=font_size, color=color)
        self.count = count
        self.suffix = Text(f"of {total} {what} outside the panel", font_size=font_size, color=color)
        self.add(self.suffix)
        gap = 0.7 * self.advance
        self.origin = np.array(at, float) + LEFT * (self.n * self.advance + gap + self.suffix.width) / 2
        start = self.origin + RIGHT * (self.n * self.advance + gap)  # the suffix's baseline starts here
        self.suffix.shift(start - np.array([self.suffix.get_left()[0], self.suffix.submobjects[0].get_bottom()[1], 0]))
        follow(self, lambda m: m.show())

    def show(self) -> None:
        n = int(self.count())
        self.write(n if n > 0 else None)
        self.suffix.set_opacity(1.0 if n > 0 else 0.0)
