"""A dashboard's column of panels, laid out in pixels: which panels fit a frame, and where each one goes.

A panel needs room for its header line and for a chart tall enough that its tick labels stay apart; on a small frame
(720x405, a blog's column) with readable text that is room for a few panels, not all. The panels are kept in the
order of their importance while they fit, and drawn in their own order, the room left shared out by weight.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER = 0.78  # a header's font size, in the style's body text (chart.Header)
TICK = 0.7  # a chart's tick labels
LINE = 1.3  # a line of text is this many times its font size tall, with its leading
CHART_LINES = 2.6  # the least chart: two labelled ticks a line and more apart


@dataclass
class Slot:
    """A panel to place: what it is, the least height it reads at, the room above it for its header (pixels), its
    share of spare room and its rank (0 most important)."""

    item: object
    least: float
    gap: float
    weight: float
    rank: int


def line(style, size: float) -> float:
    """A line of text at font `size` (in the style's body text), in pixels."""
    return style.px(style.fs(size)) * LINE


def header_room(style, rows: int = 1) -> float:
    """The room above a chart for its header's one or two lines (chart.Header: lifted a quarter em off the chart,
    LINE_EM a line), with a little air under the chart above, in pixels."""
    return style.px(style.fs(HEADER)) * (0.25 + 1.25 * rows + 0.3)


def least_chart(style, lines: float = CHART_LINES) -> float:
    """The least height of a chart with labelled y ticks, in pixels."""
    return line(style, TICK) * lines


def stack(slots: list[Slot], height: float, top: float, bottom: float) -> list[tuple[object, float, float]]:
    """Place the slots in a column `height` pixels tall, from `top` pixels below its top down to `bottom` pixels above
    its bottom, each below its header's gap: keep the most important ones that fit at their least heights (always
    the first), share the rest of the room by weight. Returns (item, y0, h) in shares of the column, top first."""
    room = height - top - bottom
    kept: list[int] = []  # indices into slots
    for k in sorted(range(len(slots)), key=lambda k: slots[k].rank):
        need = sum(slots[j].least + slots[j].gap for j in kept + [k])
        if not kept or need <= room:
            kept.append(k)
    chosen = [slots[k] for k in sorted(kept)]
    spare = max(room - sum(s.least + s.gap for s in chosen), 0.0)
    weights = sum(s.weight for s in chosen) or 1.0
    out, y = [], height - top
    for slot in chosen:
        h = slot.least + spare * slot.weight / weights
        y -= slot.gap + h
        out.append((slot.item, y / height, h / height))
    return out
