"""What a manim scene shows around its pictures: a scalar chart drawn up to the current step, the step counter,
the caption bar of detected events, and the title and closing cards."""

from __future__ import annotations

import textwrap

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    DashedLine,
    Group,
    Line,
    PMobject,
    Rectangle,
    Text,
    VGroup,
    VMobject,
    config,
)
from manim.utils.color import ManimColor

from gananim.analysis import analyse
from gananim.rendering.drawing import EVENT_COLOURS
from gananim.rendering.manim.clock import Clock
from gananim.rendering.manim.digits import Digits
from gananim.rendering.manim.paint import GREY, INK, dot_px, follow


class ScalarChart(Group):
    """A compact chart of scalar series against training step, drawn up to the current step with a dot there;
    optional dashed reference lines (e.g. −2 log 2). `lines` = [(rec, scalar name, colour, label)]. On a clock
    synchronised on progress the x axis is each recording's share of its own run, so runs of different lengths
    both span the chart and their dots move together.
    Static parts are in `self.static`."""

    def __init__(
        self,
        lines,
        clock: Clock,
        center=ORIGIN,
        width: float = 5.0,
        height: float = 2.4,
        title: str = "",
        refs=(),
        y_range=None,
    ):
        super().__init__()
        self.clock = clock
        self.lines = [(rec, analyse(rec).series.get(name), colour, label) for rec, name, colour, label in lines]
        self.lines = [ln for ln in self.lines if ln[1] is not None and np.isfinite(ln[1]).any()]
        pad = self._limits(lines, refs, y_range)
        self.rect = Rectangle(width=width, height=height, stroke_color=GREY, stroke_width=1.2).move_to(center)
        self.cx, self.cy, self.w, self.h = center[0], center[1], width, height
        self.static = self._static(title, refs, pad)
        self.curves = [VMobject(stroke_color=c, stroke_width=2.5) for _, _, c, _ in self.lines]
        self.dots = PMobject(stroke_width=dot_px(9))
        self.dots.points = np.zeros((len(self.lines), 3))
        self.dots.rgbas = np.array([np.append(ManimColor(c).to_rgb(), 1.0) for _, _, c, _ in self.lines]).reshape(-1, 4)
        self.add(*self.curves, self.dots)
        follow(self, lambda m: m.show())

    def _limits(self, lines, refs, y_range) -> float:
        """Set the value range (`lo`, `hi`: the 1–99 % quantiles of the drawn values and references, or `y_range`,
        padded) and the step range (`s0`, `s1`: every given recording's); return the padding."""
        vals = (
            np.concatenate([v[np.isfinite(v)] for _, v, _, _ in self.lines] + [np.array([r[0] for r in refs], float)])
            if self.lines or refs
            else np.array([0.0, 1.0])
        )
        lo, hi = y_range or (float(np.quantile(vals, 0.01)), float(np.quantile(vals, 0.99)))
        pad = 0.08 * ((hi - lo) or 1.0)
        self.lo, self.hi = lo - pad, hi + pad
        self.s0 = float(min(r.steps[0] for r, *_ in lines)) if lines else 0.0
        self.s1 = float(max(r.steps[-1] for r, *_ in lines)) if lines else 1.0
        if self.clock.sync == "progress":
            self.s0, self.s1 = 0.0, 1.0
        return pad

    def _x(self, rec, steps):
        """Chart x of `rec`'s steps: the step itself, or on a progress clock its share of `rec`'s run."""
        if self.clock.sync != "progress":
            return self.X(steps)
        return self.X(self.clock.value_at_step(rec, np.asarray(steps, float)))

    def _static(self, title: str, refs, pad: float) -> Group:
        """The frame, the title, the dashed reference lines, the two value labels and the key: drawn once."""
        static = Group(self.rect)
        if title:
            static.add(Text(title, font_size=18, color=INK).next_to(self.rect, UP, buff=0.08).align_to(self.rect, LEFT))
        for value, label in refs:
            y = self.Y(value)
            static.add(
                DashedLine(
                    [self.cx - self.w / 2, y, 0],
                    [self.cx + self.w / 2, y, 0],
                    color=GREY,
                    stroke_width=1.5,
                    dash_length=0.1,
                )
            )
            static.add(Text(label, font_size=14, color=GREY).next_to([self.cx + self.w / 2, y, 0], RIGHT, buff=0.08))
        for value in (self.lo + pad, self.hi - pad):
            static.add(
                Text(f"{value:.2g}".replace("-", "−"), font_size=13, color=GREY).next_to(
                    [self.cx - self.w / 2, self.Y(value), 0], LEFT, buff=0.06
                )
            )
        keys = VGroup(
            *[
                VGroup(Line(ORIGIN, 0.3 * RIGHT, color=c, stroke_width=3), Text(lab, font_size=14, color=INK)).arrange(
                    RIGHT, buff=0.08
                )
                for _, _, c, lab in self.lines
                if lab
            ]
        )
        if len(keys):
            keys.arrange(RIGHT, buff=0.25).next_to(self.rect, DOWN, buff=0.1).align_to(self.rect, LEFT)
            static.add(keys)
        return static

    def X(self, step):
        return self.cx - self.w / 2 + (np.asarray(step, float) - self.s0) / ((self.s1 - self.s0) or 1) * self.w

    def Y(self, v):
        return (
            self.cy
            - self.h / 2
            + (np.clip(np.asarray(v, float), self.lo, self.hi) - self.lo) / ((self.hi - self.lo) or 1) * self.h
        )

    def show(self) -> None:
        dots = []
        for (rec, values, _, _), curve in zip(self.lines, self.curves):
            step = self.clock.step_for(rec)
            keep = (rec.steps <= step) & np.isfinite(values)
            xs, ys = rec.steps[keep].astype(float), values[keep]
            ok = np.isfinite(values)
            now = float(np.interp(step, rec.steps[ok], values[ok])) if ok.any() else np.nan
            if np.isfinite(now):
                xs, ys = np.append(xs, step), np.append(ys, now)
            if len(xs) >= 2:
                curve.set_points_as_corners(np.column_stack([self._x(rec, xs), self.Y(ys), np.zeros(len(xs))]))
            else:
                curve.points = np.zeros((0, 3))
            dots.append([float(self._x(rec, step)), float(self.Y(now)) if np.isfinite(now) else 1e3, 0.0])
        if dots:
            self.dots.points = np.array(dots)


class StepCounter(Digits):
    """'step 1234', redrawn by copying digit outlines into fixed slots: no text is laid out per frame. The label
    is static (`self.label`: add it to the scene separately)."""

    def __init__(
        self, clock: Clock, rec=None, font_size: float = 24, color=INK, max_step: int | None = None, label: str = "step"
    ):
        top = int(max_step if max_step is not None else max(r.steps[-1] for r in clock.recs))
        super().__init__(top, font_size=font_size, color=color)
        self.clock, self.rec = clock, rec or clock.recs[0]
        self.label = Text(label, font_size=font_size, color=color)
        self.label.move_to(ORIGIN)
        self.origin = self.label.get_right() + RIGHT * 0.15
        self.origin[1] = self.label.submobjects[0].get_bottom()[
            1
        ]  # the baseline: the bottom of the label's first letter
        follow(self, lambda m: m.show())

    def place(self, point) -> "StepCounter":
        """Move the counter (label included) so the label's left edge sits at `point`."""
        shift = np.array(point) - self.label.get_left()
        self.label.shift(shift)
        self.origin = self.origin + shift
        self.show()
        return self

    def show(self) -> None:
        self.write(int(round(self.clock.step_for(self.rec))))


class CaptionBar(VGroup):
    """A bar along the bottom showing the caption of the detected event happening now (analyse(rec).events), faded in
    and out around it; several recordings can share it, each caption prefixed with its recording's label. Between
    events it says so in grey ("no event at this step", or "no event detected in this run"), never an empty band.
    The bar's background is in `self.static`."""

    def __init__(
        self,
        sources,
        clock: Clock,
        width: float | None = None,
        height: float = 0.62,
        font_size: float = 22,
        y: float | None = None,
        fade: float = 0.015,
    ):
        super().__init__()
        self.clock = clock
        width = width or config.frame_width
        y = y if y is not None else -config.frame_height / 2 + height / 2
        self.bg = Rectangle(width=width, height=height, fill_color="#f3f3f3", fill_opacity=1, stroke_width=0).move_to(
            [0, y, 0]
        )
        self.static = VGroup(self.bg)
        self.items = []
        span = clock.end - clock.start
        self.pad = fade * span
        for rec, label in sources:
            for e in analyse(rec).events:
                text = f"{label}: {e.caption}" if label else e.caption
                t = Text(text, font_size=font_size, color=INK)
                if t.width > width * 0.92:
                    t.scale_to_fit_width(width * 0.92)
                chip = Rectangle(
                    width=0.16, height=0.16, fill_color=EVENT_COLOURS.get(e.kind, GREY), fill_opacity=1, stroke_width=0
                )
                item = VGroup(chip, t).arrange(RIGHT, buff=0.15).move_to([0, y, 0])
                a, b = clock.value_at_step(rec, e.start), clock.value_at_step(rec, e.end)
                self.items.append((a, b, item))
        self.items.sort(key=lambda it: it[0])
        quiet = "no event at this step" if self.items else "no event detected in this run"
        self.quiet = Text(quiet, font_size=font_size * 0.8, color=GREY, slant="ITALIC").move_to([0, y, 0])
        self.holder = VGroup(self.quiet, *(it for _, _, it in self.items))  # for good: see show()
        self.add(self.holder)
        follow(self, lambda m: m.show())

    def active(self, v: float):
        """The item on show at tracker value v and its opacity (the latest event begun and not yet over)."""
        best = None
        for a, b, item in self.items:
            if a - self.pad <= v <= b + 2 * self.pad:
                best = (a, b, item)
        if best is None:
            return None, 0.0
        a, b, item = best
        alpha = min(
            1.0,
            (v - (a - self.pad)) / self.pad if self.pad else 1.0,
            ((b + 2 * self.pad) - v) / self.pad if self.pad else 1.0,
        )
        return item, max(0.0, alpha)

    def show(self) -> None:
        """The event's caption at its opacity while it fades in and out, else the quiet line: one text at a time in
        the band. Every text stays in the bar and is hidden by its opacity, never by leaving the group: manim
        flattens a play's moving mobjects when the play starts, so a text that was in the group then is drawn to
        the end of the play whatever the group holds later (the quiet line was printed across every caption)."""
        item, alpha = self.active(self.clock.tracker.get_value())
        on = item is not None and alpha > 0
        for _, _, other in self.items:
            other.set_opacity(alpha if on and other is item else 0.0)
        self.quiet.set_opacity(0.0 if on else 1.0)

    def visible(self) -> list:
        """The texts drawn now (opacity above 0)."""
        return [m for m in (self.quiet, *(it for _, _, it in self.items)) if _shown(m)]


def _shown(mob) -> bool:
    return any(m.get_fill_opacity() > 0 for m in mob.family_members_with_points())


WRAP = 74  # characters per card line: longer lines wrap rather than shrink the whole card


def _wrapped(lines, font_size: float, bullet: bool = False) -> list[VGroup]:
    """Each line as a block of wrapped rows: centred, or bulleted with continuation rows under the text."""
    out = []
    for line in lines:
        rows = [Text(part, font_size=font_size, color=INK) for part in textwrap.wrap(line, WRAP) or [" "]]
        block = VGroup(*rows).arrange(DOWN, buff=0.1, aligned_edge=LEFT if bullet else ORIGIN)
        if bullet:
            block = VGroup(Text("•", font_size=font_size, color=GREY).next_to(rows[0], LEFT, buff=0.15), *rows)
        out.append(block)
    return out


def _fit(card: VGroup) -> VGroup:
    if card.width > config.frame_width * 0.9:
        card.scale_to_fit_width(config.frame_width * 0.9)
    if card.height > config.frame_height * 0.9:
        card.scale_to_fit_height(config.frame_height * 0.9)
    return card


def title_card(title: str, subtitle: str = "", lines=()) -> VGroup:
    """A title, a subtitle and a few lines of explanation, centred."""
    parts = [Text(title, font_size=54, color=INK, weight="BOLD")]
    if subtitle:
        parts.append(Text(subtitle, font_size=28, color=GREY))
    body = _wrapped(lines, 24)
    if body:
        parts.append(VGroup(*body).arrange(DOWN, buff=0.24))
    return _fit(VGroup(*parts).arrange(DOWN, buff=0.35))


def closing_card(heading: str, lines=(), footer: str = "made with gananim") -> VGroup:
    """A heading, the lines (wrapped, left-aligned: they are sentences with numbers), a small footer."""
    parts = [Text(heading, font_size=40, color=INK, weight="BOLD")]
    body = _wrapped(lines, 24, bullet=True)
    if body:
        parts.append(VGroup(*body).arrange(DOWN, buff=0.28, aligned_edge=LEFT))
    parts.append(Text(footer, font_size=18, color=GREY))
    return _fit(VGroup(*parts).arrange(DOWN, buff=0.35))
